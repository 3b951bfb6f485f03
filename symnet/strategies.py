"""Hypothesis strategies for networks, trees, ridge sums and polynomials.

The public home of :mod:`symnet.testing.strategies` (``from symnet import
strategies as sst``) and of the ``hypothesis`` entry point that registers
symnet's types.  It needs hypothesis (the ``test`` extra) and is not
imported by ``import symnet``.

Examples
--------
>>> from symnet import strategies as sst
>>> sst.ACTIVATION_ORDER[:3]
('identity', 'square', 'tanh')
"""


def _hypothesis_setup_hook():
    """Register symnet's types with hypothesis (the ``hypothesis`` entry point)."""
    import sys

    mod = sys.modules.get("symnet.testing.strategies")
    if mod is not None and hasattr(mod, "_register_types"):
        mod._register_types()
    elif mod is None:
        from .testing import strategies  # noqa: F401  (registers the types at import)


from .testing.strategies import *  # noqa: E402,F401,F403
from .testing.strategies import __all__  # noqa: E402,F401
