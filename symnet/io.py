"""(under construction)"""

__all__ = []
