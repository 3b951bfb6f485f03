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


#: the names of symnet.testing.strategies, served from there (tests/test_architecture.py
#: checks that the two lists agree)
__all__ = ["ACTIVATION_ORDER", "TREE_CONSTITUENTS", "RIDGE_PROFILES", "weights", "float_weights",
           "activations", "networks", "polynomials", "trees", "tree_functions", "ridge_sums"]


def _hypothesis_setup_hook():
    """Register symnet's types with hypothesis (the ``hypothesis`` entry point)."""
    import sys

    mod = sys.modules.get("symnet.testing.strategies")
    if mod is not None and hasattr(mod, "_register_types"):
        mod._register_types()
    elif mod is None:
        from .testing import strategies  # noqa: F401  (registers the types at import)


def __getattr__(name):  # everything else lives in symnet.testing.strategies (loaded on use)
    import importlib

    mod = importlib.import_module("symnet.testing.strategies")
    try:
        return getattr(mod, name)
    except AttributeError:
        raise AttributeError(f"module 'symnet.strategies' has no attribute {name!r}") from None


def __dir__():
    return sorted(set(globals()) | set(__getattr__("__all__")))


def _load():
    import sys

    if "symnet.testing.strategies" not in sys.modules:  # not mid-import (the circular case)
        import importlib
        importlib.import_module("symnet.testing.strategies")  # registers the types


_load()
