"""Activation names for the importers: the one place that resolves them.

The activation table resolves parametric families itself
(``leaky_relu[1/5]``, ``hardtanh[0,6]``, ``softplus[2]``) and has the
tanh-approximate GELU (``gelu_tanh``); this module only turns the numbers a
framework stores into those names.

Examples
--------
>>> from symnet.io._activations import _activation
>>> _activation("leaky_relu[0.2]").name
'leaky_relu[1/5]'
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

from ..errors import NotSupportedError


__all__: list[str] = []   # private helpers of activation names, imported by name within symnet.io


def _activation(name):
    """The :class:`~symnet.Activation` called ``name`` (parametric families included)."""
    from ..activations import get_activation

    return get_activation(name)


def _exact_decimal(v, what):
    """The number the user wrote: a float's shortest decimal, made exact."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise NotSupportedError(f"{what}: expected a real number, got {v!r}")
    if isinstance(v, numbers.Integral):
        return Fraction(int(v))
    if isinstance(v, Fraction):
        return v
    v = float(v)
    if not math.isfinite(v):
        raise NotSupportedError(f"{what}: expected a finite number, got {v!r}")
    return Fraction(repr(v))


def _fmt(q):
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"

