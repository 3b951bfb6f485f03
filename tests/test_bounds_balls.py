"""Tests of symnet.bounds.balls: outward rounding, scoped precision, hulls, the time budget."""

import math
import time
from fractions import Fraction

import pytest
import sympy
from flint import arb, fmpq

from symnet import Network, expand
from symnet.bounds import error_bound
from symnet.bounds.balls import (Deadline, Hull, TimeUp, budget, check_time, dyadic,
                                 exact_rational, float_down, ipow, precision, rational_bounds,
                                 run_within_budget, union)
from symnet.bounds.balls import float_up as _float_up
from symnet.errors import BoxError


def test_float_rounding_goes_up():
    from flint import arb, fmpq
    from symnet.bounds.balls import precision as _precision
    with _precision(200):
        for q in [fmpq(1, 3), fmpq(2, 7), fmpq(10**20 + 1, 10**20)]:
            f = _float_up(arb(q))
            assert Fraction(f) >= Fraction(int(q.p), int(q.q))
            assert Fraction(math.nextafter(f, -math.inf)) < Fraction(int(q.p), int(q.q))


def test_precision_is_restored():
    import flint
    before = flint.ctx.prec
    net = Network.dense([[[1]]], activations=["tanh"])
    error_bound(net, expand(net, 2), (-0.5, 0.5), prec=200)
    with pytest.raises(BoxError):
        error_bound(net, expand(net, 2), (1, 0), prec=200)
    assert flint.ctx.prec == before


def test_float_down_and_abs():
    with precision(200):
        for q in [fmpq(-1, 3), fmpq(2, 7), fmpq(-10**20 - 1, 10**20)]:
            f = float_down(arb(q))
            assert Fraction(f) <= Fraction(int(q.p), int(q.q))
            assert Fraction(math.nextafter(f, math.inf)) > Fraction(int(q.p), int(q.q))


def test_rounding_of_huge_and_non_finite_balls_terminates():
    # beyond the float range: inf, never a loop stepping a float that cannot move
    big = arb(10) ** 400
    assert _float_up(big) == math.inf and float_down(-big) == -math.inf
    assert float_down(big) == 1.7976931348623157e308
    assert _float_up(arb.nan()) == math.inf and float_down(arb.nan()) == -math.inf


def test_ipow_is_tight_and_keeps_signs():
    x = union(arb(-1), arb(2))
    sq = ipow(x, 2)
    assert float(sq.lower()) > -1e-6 and sq.contains(4)
    cube = ipow(x, 3)
    assert cube.contains(-1) and cube.contains(8) and float(cube.lower()) > -1.01
    assert ipow(x, 0) == 1 and ipow(x, 1) is x
    assert not ipow(arb.nan(), 2).is_finite()


def test_hull_keeps_exact_ends():
    h = Hull()
    for v in (arb(3), arb(-2), arb(1)):
        h.add(v)
    assert h.lo == -2 and h.hi == 3 and h.ball().contains(0)
    h.add(arb.nan())
    assert not h.ball().is_finite()
    assert not Hull().ball().is_finite()


def test_rational_bounds_are_outward_and_exact():
    with precision(96):
        x = arb(1) / 3
        lo, hi = rational_bounds(x)
    assert isinstance(lo, sympy.Rational) and lo < sympy.Rational(1, 3) < hi
    assert rational_bounds(dyadic(5, -3)) == (sympy.Rational(5, 8), sympy.Rational(5, 8))
    assert exact_rational(dyadic(-7, 2)) == -28


def test_deadline_and_budget():
    assert not Deadline(None).expired()
    d = Deadline(0.01)
    time.sleep(0.02)
    assert d.expired()
    with pytest.raises(TimeUp):
        d.check()
    with budget(d):
        with pytest.raises(TimeUp):
            check_time()
    check_time()  # the default budget is unlimited again


def test_run_within_budget_interrupts_long_python_work():
    def slow():
        t = time.monotonic()
        while time.monotonic() - t < 60:
            pass
        return 1
    t0 = time.monotonic()
    with budget(Deadline(0.2)):
        with pytest.raises(TimeUp):
            run_within_budget(slow)
    assert time.monotonic() - t0 < 30   # interrupted, not run to the end
    with budget(Deadline(5)):
        assert run_within_budget(lambda: 42) == 42
