"""Hypothesis strategies for networks, trees and polynomials (see issue 6)."""

__all__ = []


def _hypothesis_setup_hook():
    """Entry point called by hypothesis when it is imported."""
