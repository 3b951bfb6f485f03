"""The Approximation object, and the bad-input corpus of approximate()."""

import math
from fractions import Fraction as F

import numpy as np
import pytest
import sympy

import symnet
from symnet import approximate
from symnet.errors import (ActivationError, ArgumentError, BoxError, NonAnalyticActivationError,
                           OrderError, ResourceError, UnknownActivationError)

R = sympy.Rational


def test_views():
    ap = approximate("tanh", (-1, 1), 3, method="taylor", center=0, variable="z")
    z = sympy.Symbol("z")
    assert ap.expr == z - z**3 / 3
    p = ap.polynomial
    assert isinstance(p, symnet.Polynomial) and p.coeff((3,)) == R(-1, 3)
    assert r"\frac{z^{3}}{3}" in symnet.latex(p)
    assert ap._latex().startswith(r"\tanh(z) \approx") and r"\le" in ap._latex()
    assert ap._repr_latex_().startswith("$") and "certified" in str(ap)
    assert "tanh on [-1, 1], degree 3, taylor" in repr(ap)
    assert ap.fractions() == (0, 1, 0, F(-1, 3))
    assert ap.name == "tanh" and ap.interval == (-1, 1) and ap.degree == 3


def test_call_exact_and_float():
    ap = approximate("relu", (-1, 1), 1)
    assert ap(1) == R(3, 4) and ap(F(1, 2)) == R(1, 2)
    assert np.allclose(ap(np.array([-1.0, 0.0, 1.0])), [-0.25, 0.25, 0.75])


def test_covers():
    ap = approximate("relu", (-1, 1), 1)
    assert ap.covers(-1, 1) and ap.covers(F(-1, 2), 0) and not ap.covers(-1, F(11, 10))


def test_error_curve():
    ap = approximate("leaky_relu[1/5]", (-1, 1), 2, method="l2")
    x, e = ap.error_curve(11)
    assert len(x) == len(e) == 11 and x[0] == -1 and x[-1] == 1
    assert np.abs(e).max() <= float(ap.max_error)
    x, e = approximate("relu", (-1, 2), 1).error_curve(3)      # the kink 0 is added
    assert x.tolist() == [-1.0, 0.0, 0.5, 2.0]


def test_plot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = approximate("tanh", (-2, 2), 5).plot()
    assert ax.get_lines()


def test_exact_polynomial_activation():
    ap = approximate("square", (-3, 5), 4)
    assert ap.coefficients == (0, 0, 1, 0, 0) and ap.max_error == 0


def test_interval_forms():
    a = approximate("relu", (F(-1), F(1)), 1)
    b = approximate("relu", ("-1", "1"), 1)
    c = approximate("relu", (R(-1), R(1)), 1)
    d = approximate("relu", [-1.0, 1.0], 1)
    assert a.coefficients == b.coefficients == c.coefficients == d.coefficients


def test_top_level_names():
    assert symnet.approximate is approximate
    assert symnet.Approximation is type(approximate("relu", (-1, 1), 0))
    assert "approximate" in symnet.__all__ and "compress" in dir(symnet)


# -- bad input: typed errors that say what was expected ---------------------------------------

@pytest.mark.parametrize("interval,match", [
    ((1, 1), "lo < hi"),
    ((2, -1), "lo < hi"),
    ((-math.inf, 1), "finite"),
    ((0, math.inf), "finite"),
    ((0, math.nan), "finite"),
    ((0, sympy.pi), "rational"),
    ((0, sympy.oo), "finite"),
    ((0, "abc+"), "cannot read"),
    ((None, 1), "number"),
    ((True, 2), "number"),
    ((0, 1, 2), "interval"),
    ("0,1", "interval"),
    (5, "interval"),
])
def test_bad_intervals(interval, match):
    with pytest.raises(BoxError, match=match):
        approximate("tanh", interval, 3)


@pytest.mark.parametrize("degree", [-1, 1.5, "3", None, True])
def test_bad_degrees(degree):
    with pytest.raises(OrderError, match="degree"):
        approximate("tanh", (-1, 1), degree)


def test_absurd_degree_refused_with_the_estimate():
    with pytest.raises(ResourceError, match=r"degree 100000 .*about .* s"):
        approximate("tanh", (-1, 1), 100000)
    with pytest.raises(ResourceError, match="max_seconds=None"):
        approximate("tanh", (-1, 1), 600)


@pytest.mark.parametrize("kw,match", [
    (dict(method="cubic"), "method must be one of"),
    (dict(method=None), "method must be one of"),
    (dict(center=0), "only for method='taylor'"),
    (dict(method="minimax", weight="chebyshev"), "only for method='l2'"),
    (dict(method="l2", weight="hermite"), "weight must be"),
    (dict(rtol=0), "rtol"),
    (dict(rtol=2), "rtol"),
    (dict(method="taylor", center=sympy.pi), "rational"),
])
def test_bad_options(kw, match):
    with pytest.raises(ArgumentError, match=match):
        approximate("tanh", (-1, 1), 3, **kw)


def test_bad_weight_values():
    with pytest.raises(ArgumentError, match="non-negative"):
        approximate("tanh", (-1, 1), 3, method="l2", weight=lambda x: -1.0)


def test_unknown_activation():
    with pytest.raises(UnknownActivationError, match="unknown activation"):
        approximate("tanhh", (-1, 1), 3)


def test_activation_without_a_numeric_implementation():
    g = sympy.Function("g_undefined")
    symnet.register_activation("opaque_test", lambda e: g(e), overwrite=True)
    with pytest.raises(ActivationError, match="no numeric implementation"):
        approximate("opaque_test", (-1, 1), 3)


def test_taylor_on_a_kink():
    with pytest.raises(NonAnalyticActivationError, match="centre off the kinks"):
        approximate("relu", (-1, 1), 3, method="taylor")
    # off the kink it is fine
    assert approximate("relu", (-1, 1), 2, method="taylor", center=R(1, 2)).coefficients == \
        (0, 1, 0)
