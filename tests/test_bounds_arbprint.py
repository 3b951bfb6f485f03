"""Tests of symnet.bounds.arbprint: sympy expressions to balls, never strings."""

import mpmath
import pytest
import sympy
from flint import arb

from symnet.bounds.arbprint import ArbPrinter, compiled, constant_balls, to_ball
from symnet.bounds.balls import Uncertifiable, precision
from symnet.errors import WeightError

z = sympy.Symbol("z")
R = sympy.Rational



@pytest.mark.parametrize("expr", [
    sympy.sqrt(2) / 3, sympy.pi / 7, sympy.E ** R(1, 3), sympy.log(2), sympy.tanh(R(7, 12)),
    sympy.exp(R(1, 5) + sympy.tanh(R(11, 12)) / 3) * sympy.erf(R(1, 2)) / sympy.sqrt(sympy.pi),
    sympy.Max(1, sympy.sqrt(3)) - sympy.Abs(-sympy.EulerGamma), sympy.GoldenRatio,
    sympy.Catalan, R(3, 2) ** R(1, 3), sympy.atan(3) * sympy.cosh(R(1, 2)),
])
def test_constant_balls_contain_the_value(expr):
    with precision(120):
        b = ArbPrinter().ball(expr)
    assert b.is_finite() and b.rad() < 1e-30
    assert _contains(b, sympy.N(expr, 70))


def _contains(ball, value, tol="1e-50"):
    """``ball`` contains the 70-digit ``value`` up to ``tol`` (compared at 400 bits)."""
    with precision(400):
        v = arb(str(value))
        return ball.lower() <= v + arb(tol) and v - arb(tol) <= ball.upper()


def test_functions_of_symbols():
    f = ArbPrinter([z]).function(sympy.tanh(z) ** 2 + z * sympy.exp(-z ** 2 / 2))
    x = arb(1) / 3
    assert f([x]).overlaps(x.tanh() ** 2 + x * (-(x * x) / 2).exp())
    t = R(1, 3)
    assert _contains(f([x]), sympy.N(sympy.tanh(t) ** 2 + t * sympy.exp(-t ** 2 / 2), 70), "1e-14")
    # a constant folds: the same ball for every argument
    g = ArbPrinter([z]).function(sympy.sqrt(2))
    assert g([arb(5)]) is g([arb(-5)])


def test_shared_subexpressions_are_evaluated_once():
    t = sympy.tanh(R(7, 12))
    p = ArbPrinter()
    for k in range(1, 6):
        p.ball(t ** k + sympy.exp(t) / k)
    assert p.memo[t] is p.memo[t]
    calls = []

    class Counting(ArbPrinter):
        def _print_Function(self, e):
            calls.append(e)
            return super()._print_Function(e)
    c = Counting()
    for k in range(1, 6):
        c.ball(t ** k + sympy.exp(t) / k)
    assert calls.count(t) == 1


@pytest.mark.parametrize("expr", [sympy.I, sympy.oo, sympy.nan, sympy.zoo, sympy.Symbol("w"),
                                  sympy.Si(1), sympy.Function("f")(1)])
def test_unsupported_raise_uncertifiable(expr):
    with pytest.raises(Uncertifiable):
        ArbPrinter().ball(expr)


def test_strings_are_never_evaluated():
    with pytest.raises(Uncertifiable):
        ArbPrinter().ball("__import__('os').system('true')")
    with pytest.raises(WeightError, match="never evaluated"):
        to_ball("1/3", "w")


@pytest.mark.parametrize("value, match", [
    (float("nan"), "finite"), (float("inf"), "finite"), (True, "bool"), (None, "real number"),
    (sympy.Symbol("w") + 1, "symbols"), (sympy.I, "real"), (sympy.log(-1), "real"),
    (1 + 2j, "real number"),
])
def test_to_ball_refuses(value, match):
    with pytest.raises(WeightError, match=match):
        to_ball(value, "weight")


def test_to_ball_takes_numbers_exactly():
    import numpy as np
    from fractions import Fraction
    assert to_ball(0.1, "w").is_exact() and to_ball(0.1, "w") == arb(0.1)
    assert to_ball(np.float64(0.25), "w") == arb(0.25)
    assert to_ball(Fraction(1, 4), "w") == arb(0.25) and to_ball(7, "w") == 7
    assert to_ball(mpmath.mpf(0.375), "w") == arb(0.375)
    hi = sympy.Float("0.1", 50)  # a 50-digit Float keeps all its digits
    b = to_ball(hi, "w")
    assert b.is_exact() and b != arb(0.1)
    with precision(300):
        assert abs(b - arb("0.1")) < arb("1e-49")


def test_constant_balls_and_compiled_cache():
    balls = constant_balls([sympy.tanh(R(1, 2)), R(1, 3), 0.5], "c")
    assert [b.is_finite() for b in balls] == [True, True, True]
    f1 = compiled(("test", "tanh"), lambda: sympy.tanh(z), (z,))
    f2 = compiled(("test", "tanh"), lambda: sympy.tanh(z), (z,))
    assert f1 is f2
