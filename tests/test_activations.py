"""Tests of the activation rule table."""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Rational as R

import symnet
from oracles import maclaurin
from symnet import activation_names, get_activation, register_activation
from symnet.activations import numpy_function
from symnet.errors import (
    ActivationError,
    NonAnalyticActivationError,
    OrderError,
    UnknownActivationError,
)

ANALYTIC = ["identity", "square", "tanh", "sigmoid", "softplus", "silu", "gelu", "erf", "sin",
            "cos", "exp"]


def test_registry_contents():
    names = activation_names()
    for a in ANALYTIC + ["relu", "leaky_relu", "hardtanh"]:
        assert a in names
    assert set(activation_names(analytic=False)) >= {"relu", "leaky_relu", "hardtanh"}
    assert get_activation("linear") is get_activation("identity")
    assert get_activation("logistic") is get_activation("sigmoid")
    assert get_activation("swish") is get_activation("silu")


@pytest.mark.parametrize("name", ANALYTIC)
def test_maclaurin_matches_sympy_series(name):
    act = get_activation(name)
    ours = act.maclaurin(9)
    ref = maclaurin(act.func, 9)
    for k, (a, b) in enumerate(zip(ours, ref)):
        assert sympy.simplify(a - b) == 0, (name, k, a, b)


def test_documented_coefficients():
    assert get_activation("sigmoid").maclaurin(9) == (
        R(1, 2), R(1, 4), 0, R(-1, 48), 0, R(1, 480), 0, R(-17, 80640), 0, R(31, 1451520))
    assert get_activation("tanh").maclaurin(9) == (0, 1, 0, R(-1, 3), 0, R(2, 15), 0,
                                                   R(-17, 315), 0, R(62, 2835))
    assert get_activation("softplus").maclaurin(6) == (
        sympy.log(2), R(1, 2), R(1, 8), 0, R(-1, 192), 0, R(1, 2880))
    assert get_activation("silu").maclaurin(6) == (0, R(1, 2), R(1, 4), 0, R(-1, 48), 0,
                                                   R(1, 480))
    s = 1 / sympy.sqrt(2 * sympy.pi)
    g = get_activation("gelu").maclaurin(6)
    for a, b in zip(g, (0, R(1, 2), s, 0, -s / 6, 0, s / 40)):
        assert sympy.simplify(a - b) == 0


def test_rational_where_rational():
    for name in ["tanh", "sigmoid", "silu", "sin", "cos", "exp"]:
        assert all(c.is_Rational for c in get_activation(name).maclaurin(12))


def test_radius():
    assert get_activation("tanh").radius == sympy.pi / 2
    for n in ["sigmoid", "softplus", "silu"]:
        assert get_activation(n).radius == sympy.pi
    for n in ["exp", "sin", "cos", "erf", "gelu", "identity", "square"]:
        assert get_activation(n).radius == sympy.oo


def test_high_degree_is_fast_and_exact():
    c = get_activation("tanh").maclaurin(41)
    # tanh z = sum 2^(2n)(2^(2n)-1) B_2n z^(2n-1)/(2n)!
    n = 21
    assert c[41] == 2**(2 * n) * (2**(2 * n) - 1) * sympy.bernoulli(2 * n) / sympy.factorial(2 * n)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "silu", "gelu", "erf", "sin",
                                  "exp"])
@given(at=st.fractions(min_value=-3, max_value=3, max_denominator=8))
@settings(max_examples=5)
def test_taylor_matches_derivatives(name, at):
    act = get_activation(name)
    z = sympy.Symbol("z")
    a = sympy.Rational(at.numerator, at.denominator)
    ours = act.taylor(a, 3)
    f = act.func(z)
    for k in range(4):
        ref = sympy.diff(f, z, k).subs(z, a) / math.factorial(k)
        assert abs(sympy.N(ours[k] - ref, 30)) < 1e-25


def test_derivatives_exact():
    assert get_activation("tanh").derivatives(0, 3) == (0, 1, 0, -2)
    d = get_activation("sigmoid").derivatives(1, 1)
    assert sympy.simplify(d[1] - sympy.E / (1 + sympy.E) ** 2) == 0


def test_non_analytic():
    relu = get_activation("relu")
    with pytest.raises(NonAnalyticActivationError, match="not analytic"):
        relu.maclaurin(3)
    assert relu.taylor(2, 2) == (2, 1, 0)
    assert relu.taylor(-1, 1) == (0, 0)
    with pytest.raises(NonAnalyticActivationError, match="kink"):
        relu.taylor(0, 2)
    assert get_activation("hardtanh").taylor(R(1, 2), 1) == (R(1, 2), 1)
    assert get_activation("hardtanh").taylor(3, 1) == (1, 0)
    assert get_activation("leaky_relu").taylor(-2, 1) == (R(-1, 50), R(1, 100))


def test_unknown_activation_lists_known():
    with pytest.raises(UnknownActivationError, match="known: .*tanh"):
        get_activation("tanhh")
    with pytest.raises(UnknownActivationError):
        get_activation(3)
    assert issubclass(UnknownActivationError, ValueError)


def test_register_user_activation():
    act = register_activation("test_atan", sympy.atan, radius=1, overwrite=True)
    assert act.maclaurin(5) == (0, 1, 0, R(-1, 3), 0, R(1, 5))
    assert get_activation("test_atan") is act
    with pytest.raises(ActivationError, match="already registered"):
        register_activation("test_atan", sympy.atan)
    net = symnet.Network.dense([[[1, 2]]], activations=["test_atan"])
    p = symnet.expand(net, 3)
    assert p.coeff((1, 2)) == -4  # -(x1 + 2 x2)^3 / 3 -> -3*4/3
    assert abs(float(net([0.1, 0.2])) - math.atan(0.5)) < 1e-12
    with pytest.raises(ActivationError):
        register_activation("", sympy.atan)


def test_register_with_system_is_fast_path():
    z, u0 = sympy.symbols("z u0")
    act = register_activation("test_exp2", lambda e: sympy.exp(2 * e), radius=sympy.oo,
                              system=((sympy.exp(2 * z),), (2 * u0,), u0), overwrite=True)
    assert act.maclaurin(4) == (1, 2, 2, R(4, 3), R(2, 3))


def test_bad_degree():
    with pytest.raises(OrderError):
        get_activation("tanh").maclaurin(-1)
    with pytest.raises(OrderError):
        get_activation("tanh").maclaurin(2.0)


@pytest.mark.parametrize("name", ANALYTIC + ["relu", "leaky_relu", "hardtanh"])
def test_numpy_matches_sympy(name):
    act = get_activation(name)
    xs = np.linspace(-2.5, 2.5, 11)
    f = numpy_function(act)
    z = sympy.Symbol("z")
    for x, y in zip(xs, f(xs)):
        assert abs(float(act.func(z).subs(z, sympy.Float(x))) - y) < 1e-12


def test_hardtanh_kink_message_names_the_kink():
    with pytest.raises(NonAnalyticActivationError, match=r"kink 1 \(pre-activation 1\)"):
        get_activation("hardtanh").taylor(1, 2)
    with pytest.raises(NonAnalyticActivationError, match=r"kink -1 \(pre-activation -1\)"):
        get_activation("hardtanh").taylor(-1, 2)


def test_families_resolve_by_name():
    act = get_activation("leaky_relu[0.2]")
    assert act.name == "leaky_relu[1/5]" and act.family == ("leaky_relu", (R(1, 5),))
    assert get_activation("leaky_relu[1/100]") is get_activation("leaky_relu")
    assert get_activation("hardtanh[0, 6]").kinks == (0, 6)
    assert get_activation("softplus[2]").maclaurin(2)[1] == R(1, 2)
    with pytest.raises(UnknownActivationError):
        get_activation("hardtanh[1, 0]")
    with pytest.raises(UnknownActivationError):
        get_activation("leaky_relu[__import__('os')]")


def test_activation_call_never_evaluates_strings():
    from symnet.errors import ParseError
    with pytest.raises(ParseError):
        get_activation("tanh")("__import__('os').getcwd()")
    assert get_activation("tanh")("x/2") == sympy.tanh(sympy.Symbol("x") / 2)
