"""Tests of symnet.testing: polynomial assertions and the plain-sympy expansion check."""

import pytest

from symnet.monomials import monomials
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Rational as R

import symnet
import symnet.testing.assertions as snt
from symnet import Network, Polynomial, expand
from symnet import strategies as sst
from symnet.errors import ExpansionTooLargeError, InputError, NonAnalyticActivationError
from symnet.testing import (ExpansionMismatch, PolynomialMismatch, assert_expansion_matches,
                            assert_polynomials_equal)

x, y, a, b = sympy.symbols("x y a b")


def mismatch(p, q, **kw):
    with pytest.raises(PolynomialMismatch) as info:
        assert_polynomials_equal(p, q, **kw)
    return info.value


# ---------------------------------------------------------------------------
# assert_polynomials_equal
# ---------------------------------------------------------------------------

def test_equal_polynomials_pass():
    assert_polynomials_equal(Polynomial(1 + x * y, (x, y), 2), Polynomial(y * x + 1, (x, y), 2))


def test_first_differing_monomial_in_graded_order_with_both_values():
    p = Polynomial(1 + x + x**2 * y, (x, y), 3)
    q = Polynomial(1 + 2 * x + x * y**2 / 3, (x, y), 3)
    err = mismatch(p, q)
    assert isinstance(err, AssertionError)
    assert err.monomial == (1, 0) and err.left == 1 and err.right == 2
    assert [d[0] for d in err.differences] == [(1, 0), (2, 1), (1, 2)]
    msg = str(err)
    assert "3 monomials" in msg and "the first is x: 1 != 2" in msg and "difference -1" in msg


def test_a_missing_term_counts_as_zero():
    err = mismatch(Polynomial(x**2, (x,), 2), Polynomial(0, (x,), 2))
    assert err.monomial == (2,) and err.left == 1 and err.right == 0
    assert "x**2: 1 != 0" in str(err)


@pytest.mark.parametrize("p, q, words", [
    (Polynomial(x, (x, y), 2), Polynomial(x, (y, x), 2), "variables differ"),
    (Polynomial(x, (x,), 2), Polynomial(x, (x,), 3), "orders differ: 2 != 3"),
    (Polynomial(x, (x,), 2, center=[1]), Polynomial(x, (x,), 2), "centers differ"),
])
def test_structure_is_compared(p, q, words):
    err = mismatch(p, q)
    assert words in str(err) and err.monomial is None


def test_centers_are_compared_exactly():
    p = Polynomial({(1,): 1}, (x,), 1, center=[sympy.log(4)])
    assert_polynomials_equal(p, Polynomial({(1,): 1}, (x,), 1, center=[2 * sympy.log(2)]))
    err = mismatch(p, Polynomial({(1,): 2}, (x,), 1, center=[sympy.log(4)]))
    assert "first is x - log(4): 1 != 2" in str(err)


def test_exact_constants_are_decided_exactly():
    s2 = sympy.sqrt(2)
    assert_polynomials_equal(Polynomial({(0,): (1 + s2) ** 2}, (x,), 0),
                             Polynomial({(0,): 3 + 2 * s2}, (x,), 0))
    assert_polynomials_equal(Polynomial({(1,): sympy.log(4)}, (x,), 1),
                             Polynomial({(1,): 2 * sympy.log(2)}, (x,), 1))
    e = sympy.E
    assert_polynomials_equal(Polynomial({(0,): sympy.tanh(R(1, 2))}, (x,), 0),
                             Polynomial({(0,): (e - 1) / (e + 1)}, (x,), 0))
    err = mismatch(Polynomial({(1,): sympy.log(2)}, (x,), 1),
                   Polynomial({(1,): R(693147, 1000000)}, (x,), 1))
    assert "log(2) != 693147/1000000" in str(err)


def test_symbolic_coefficients_are_compared_as_polynomials_in_the_weights():
    assert_polynomials_equal(Polynomial({(1,): (a + b) ** 2}, (x,), 1),
                             Polynomial({(1,): a**2 + 2 * a * b + b**2}, (x,), 1))
    err = mismatch(Polynomial({(1,): a * b}, (x,), 1), Polynomial({(1,): a * b + 1}, (x,), 1))
    assert err.monomial == (1,) and "difference -1" in str(err)


def test_floats_use_a_relative_tolerance():
    exact = Polynomial({(0,): R(1, 3), (1,): 1000}, (x,), 1)
    assert_polynomials_equal(exact, Polynomial({(0,): 1 / 3, (1,): 1000.0}, (x,), 1))
    # the default absolute tolerance scales with the largest coefficient
    assert_polynomials_equal(exact, Polynomial({(0,): 1 / 3 + 1e-8, (1,): 1000.0}, (x,), 1))
    err = mismatch(exact, Polynomial({(0,): 1 / 3 + 1e-3, (1,): 1000.0}, (x,), 1))
    assert "rtol=1e-09" in str(err) and err.monomial == (0,)
    err = mismatch(exact, Polynomial({(0,): 1 / 3 + 1e-8, (1,): 1000.0}, (x,), 1), atol=0)
    assert err.monomial == (0,)
    assert_polynomials_equal(Polynomial({(0,): R(1, 3)}, (x,), 0),
                             Polynomial({(0,): R(333, 1000)}, (x,), 0), rtol=1e-2)
    mismatch(Polynomial({(0,): R(1, 3)}, (x,), 0), Polynomial({(0,): R(333, 1000)}, (x,), 0))


@pytest.mark.parametrize("args, kwargs", [
    ((x, Polynomial(x, (x,))), {}), ((Polynomial(x, (x,)), "x"), {}),
    ((Polynomial(x, (x,)), Polynomial(x, (x,))), dict(rtol=-1)),
    ((Polynomial(x, (x,)), Polynomial(x, (x,))), dict(atol="0")),
    ((Polynomial(x, (x,)), Polynomial(x, (x,))), dict(rtol=float("nan"))),
])
def test_bad_arguments(args, kwargs):
    with pytest.raises(InputError):
        assert_polynomials_equal(*args, **kwargs)


@given(st.data())
def test_any_single_changed_coefficient_is_reported(data):
    p = data.draw(sst.polynomials(variables=(1, 3), order=(0, 3)))
    e = data.draw(st.sampled_from(sorted(monomials(len(p.variables), p.order))))
    delta = data.draw(sst.weights(nonzero=True))
    assert_polynomials_equal(p, Polynomial(p.terms(), p.variables, p.order))
    q = Polynomial({**p.terms(), e: p.coeff(e) + delta}, p.variables, p.order)
    err = mismatch(p, q)
    assert err.monomial == e and len(err.differences) == 1
    assert err.right - err.left == delta


# ---------------------------------------------------------------------------
# assert_expansion_matches
# ---------------------------------------------------------------------------

@given(sst.networks(inputs=(1, 2), depth=(1, 2), widths=(1, 2)), st.integers(0, 3))
@settings(max_examples=15)
def test_expansion_matches_on_random_small_networks(net, order):
    assert_expansion_matches(net, order)


@given(sst.networks(inputs=2, depth=1, widths=(1, 2), outputs=2,
                    activations=["tanh", "sigmoid", "cos"]),
       st.integers(1, 3), st.integers(1, 3))
@settings(max_examples=10)
def test_expansion_matches_with_series_degrees_and_several_outputs(net, order, q):
    assert_expansion_matches(net, order, series_degree=q)
    assert_expansion_matches(net, order, series_degree=[q, 1])


@given(sst.networks(weights=sst.float_weights(bound=1.0), inputs=2, depth=1, widths=2),
       st.integers(0, 3))
@settings(max_examples=10)
def test_expansion_matches_float_networks(net, order):
    assert_expansion_matches(net, order)


def test_expansion_matches_symbolic_and_exact_constant_networks():
    assert_expansion_matches(Network.mlp([2, 2, 1], activation="tanh"), 2)
    assert_expansion_matches(Network.dense([[[1, 2]], [[1]]], activations=["softplus", "gelu"]),
                             3)


def test_a_wrong_expansion_is_caught_with_the_first_differing_monomial(monkeypatch):
    net = Network.dense([[[1, 2]]], activations=["sigmoid"])
    true = expand(net, 3)
    bad = Polynomial({**true.terms(), (1, 1): R(7)}, true.variables, 3)
    monkeypatch.setattr(snt, "expand", lambda *args, **kw: bad)
    with pytest.raises(ExpansionMismatch) as info:
        assert_expansion_matches(net, 3)
    err = info.value
    assert isinstance(err, AssertionError) and err.output == 0
    assert err.monomial == (1, 1) and err.left == 7 and err.right == 0
    assert str(err).startswith("expand(net, 3) differs from the plain-sympy series computation")
    assert "x1*x2: 7 != 0" in str(err)


def test_the_output_is_named_for_several_outputs(monkeypatch):
    net = Network.dense([[[1], [2]]], activations=["tanh"])
    p, q = expand(net, 3)
    monkeypatch.setattr(snt, "expand", lambda *args, **kw: (p, p))
    with pytest.raises(ExpansionMismatch, match="at output 1") as info:
        assert_expansion_matches(net, 3)
    assert info.value.output == 1 and info.value.monomial == (1,)


def test_big_networks_are_refused_clearly():
    net = Network.dense([[[1] * 6] * 2, [[1, 1]]], activations="tanh")
    with pytest.raises(ExpansionTooLargeError, match="462 monomials.*max_monomials=84"):
        assert_expansion_matches(net, 5)
    wide = Network.dense([[[1]] * 20, [[1] * 20]], activations="tanh")
    with pytest.raises(ExpansionTooLargeError, match="21 neurons"):
        assert_expansion_matches(wide, 2)
    assert_expansion_matches(wide, 2, max_neurons=30)


def test_refusals_for_non_networks_and_non_analytic_activations():
    with pytest.raises(InputError):
        assert_expansion_matches("net", 2)
    with pytest.raises(NonAnalyticActivationError):
        assert_expansion_matches(Network.dense([[[1]]], activations=["relu"]), 2)
    with pytest.raises(symnet.errors.OrderError):
        assert_expansion_matches(Network.dense([[[1]]]), -1)
