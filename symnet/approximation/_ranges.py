"""Boxes and certified ranges for the surrogates (from :mod:`symnet.bounds`).

Examples
--------
>>> from symnet import Network
>>> from symnet.approximation._ranges import preactivation_ranges
>>> net = Network.dense([[[1, -2]], [[3]]], biases=[[1], [0]], activations=["relu", "identity"])
>>> preactivation_ranges(net, [(0, 1), (0, 1)])
[[(-1, 2)], [(0, 6)]]
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ..activations import get_activation
from ..bounds import activation_enclosure as _enclosure
from ..bounds import preactivation_ranges
from ..bounds.boxes import parse_box as _parse_box
from ..bounds.ranges import weight_bounds
from ..errors import BoxError

__all__ = ["preactivation_ranges", "activation_enclosure", "parse_box", "weight_bounds"]


def activation_enclosure(activation, lo, hi):
    """Certified ``(lo, hi)`` of an activation over ``[lo, hi]``; exact for rational polynomials.

    Examples
    --------
    >>> from symnet.approximation._ranges import activation_enclosure
    >>> activation_enclosure("square", -1, 2)
    (0, 4)
    """
    act = get_activation(activation)
    rule = act.rule
    if rule.kind == "polynomial" and all(c.is_Rational for c in rule.coefficients):
        from .certify import poly_range

        a, b = (Fraction(int(sympy.Rational(v).p), int(sympy.Rational(v).q)) for v in (lo, hi))
        if a > b:
            raise BoxError(f"expected lo <= hi, got [{lo}, {hi}]")
        r = poly_range([Fraction(int(c.p), int(c.q)) for c in rule.coefficients], a, b)
        return tuple(sympy.Rational(v.numerator, v.denominator) for v in r)
    return _enclosure(act, lo, hi)


def parse_box(box, n):
    """A box as ``n`` (lo, hi) Fraction pairs (one pair means every input); rational ends.

    Examples
    --------
    >>> from symnet.approximation._ranges import parse_box
    >>> parse_box((-1, 0.5), 2)
    [(Fraction(-1, 1), Fraction(1, 2)), (Fraction(-1, 1), Fraction(1, 2))]
    """
    out = []
    for i, (lo, hi) in enumerate(_parse_box(box, n).exact):
        pair = []
        for v in (lo, hi):
            v = sympy.Rational(v) if isinstance(v, float) else v
            if not v.is_Rational:
                raise BoxError(f"box interval {i}: the ends must be rational numbers here, "
                               f"got {v}")
            pair.append(Fraction(int(v.p), int(v.q)))
        out.append(tuple(pair))
    return out
