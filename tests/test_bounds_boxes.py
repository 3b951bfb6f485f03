"""Tests of symnet.bounds.boxes: box validation, typed errors, exact ends."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from symnet import Network, expand
from symnet.bounds import BoxError, convergence_report, error_bound
from symnet.bounds.balls import precision
from symnet.bounds.boxes import parse_box
from symnet.errors import ShapeError

R = sympy.Rational


@pytest.fixture
def small():
    net = Network.dense([[[1, 2]]], activations=["tanh"])
    return net, expand(net, 3)



@pytest.mark.parametrize("box, err, match", [
    ((1, 0), BoxError, "greater than upper"),
    ([(-1, 1), (2, R(3, 2))], BoxError, "interval 1"),
    ((-math.inf, 1), BoxError, "finite"),
    ((0, float("nan")), BoxError, "finite"),
    ((-sympy.oo, 0), BoxError, "finite"),
    (("a", 1), BoxError, "real number"),
    ((None, 1), BoxError, "real number"),
    ((sympy.I, 1), BoxError, "real"),
    ((sympy.Symbol("t"), 1), BoxError, "real number"),
    ([(-1, 1)] * 3, ShapeError, "3 intervals but the network has 2"),
    ([(-1, 1), (0, 1, 2)], ShapeError, "pair"),
    (5, BoxError, "expected a box"),
])
def test_bad_boxes(small, box, err, match):
    net, p = small
    with pytest.raises(err, match=match):
        error_bound(net, p, box)
    with pytest.raises(err):
        convergence_report(net, box)


def test_box_forms(small):
    net, p = small
    a = error_bound(net, p, (-0.5, 0.5))
    b = error_bound(net, p, [(-0.5, 0.5), (-0.5, 0.5)])
    c = error_bound(net, p, np.array([[-0.5, 0.5], [-0.5, 0.5]]))
    d = error_bound(net, p, (Fraction(-1, 2), sympy.Rational(1, 2)))
    assert float(a) == float(b) == float(c) == float(d)
    e = error_bound(net, p, [(-sympy.sqrt(2) / 3, sympy.pi / 7), (0, 0)])  # degenerate ok
    assert e.certified
    # other number types are taken exactly, never rounded to a float (a smaller box)
    import decimal
    f = error_bound(net, p, (mpmath.mpf(-0.5), decimal.Decimal("0.5")))
    assert float(f) == float(a)
    with pytest.raises(BoxError):
        error_bound(net, p, (decimal.Decimal("-Infinity"), 0))


def test_parse_box_exact_ends_and_balls():
    b = parse_box([(R(-1, 3), 0.5), (-sympy.sqrt(2), sympy.pi)], 2)
    assert b.exact == ((R(-1, 3), 0.5), (-sympy.sqrt(2), sympy.pi))
    with precision(128):
        (lo1, hi1), (lo2, hi2) = b.balls()
    assert lo1.contains(sympy.Float(R(-1, 3), 40)) is not None
    assert hi1 == 0.5 and lo2 < -1.414 < hi2 - 4.5
    assert len(parse_box((0, 1), 4)) == 4


@pytest.mark.parametrize("box, err", [
    ((np.float64("nan"), 1), BoxError), ((0, np.inf), BoxError), ((b"0", 1), BoxError),
    ((1 + 2j, 2), BoxError), ((True, 1), BoxError), (((0, 1), (0, 1), (0, 1)), ShapeError),
    (((0, 1),), ShapeError), ([[0, 1], [0]], ShapeError), ({"a": 1}, BoxError),
    ((sympy.Symbol("t") - sympy.Symbol("t") + sympy.oo, 1), BoxError),
    ((sympy.Si(1), 2), BoxError), ((1, sympy.sqrt(-2)), BoxError),
    ((sympy.sqrt(2), sympy.Rational(141, 100)), BoxError),
])
def test_parse_box_errors(box, err):
    with pytest.raises(err):
        parse_box(box, 2)


def test_strings_are_refused_not_evaluated():
    for s in ("0", "1/2", "__import__('os')"):
        with pytest.raises(BoxError, match="never evaluated"):
            parse_box((s, 1), 1)
