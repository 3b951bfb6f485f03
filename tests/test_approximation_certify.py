"""Certified sup norms: exact for piecewise polynomials, never below a dense mpmath sample.

Oracles are independent of symnet: closed-form errors, and the activations
written again with mpmath functions, sampled at 50 digits.
"""

import math
import pickle
from fractions import Fraction as F

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet
from symnet.approximation import CertifiedError, approximate, sup_error
from symnet.approximation.certify import poly_range, poly_sup
from symnet.errors import ArgumentError, UncertifiedBoundError

# the activations again, in mpmath (not symnet's table)
MP = {
    "tanh": mpmath.tanh,
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "relu": lambda x: max(x, 0),
    "leaky_relu[1/5]": lambda x: x if x >= 0 else x / 5,
    "hardtanh": lambda x: min(max(x, -1), 1),
    "gelu": lambda x: x * (1 + mpmath.erf(x / mpmath.sqrt(2))) / 2,
    "silu": lambda x: x / (1 + mpmath.exp(-x)),
    "softplus": lambda x: mpmath.log(1 + mpmath.exp(x)),
    "erf": mpmath.erf,
    "sin": mpmath.sin,
    "exp": mpmath.exp,
    "softplus[2]": lambda x: mpmath.log(1 + mpmath.exp(2 * x)) / 2,
}
KINKS = {"relu": [0], "leaky_relu[1/5]": [0], "hardtanh": [-1, 1]}


def mp(q):
    """A Fraction as an mpmath number at 60 digits (comparisons at 15 would round)."""
    with mpmath.workdps(60):
        return mpmath.mpf(q.numerator) / q.denominator


def below(s, bound):
    """s <= bound up to the oracle's own rounding (50 digits: relative 1e-45)."""
    with mpmath.workdps(60):
        return s <= mp(bound) * (1 + mpmath.mpf(10) ** -45) + mpmath.mpf(10) ** -60


def sampled_max(name, coeffs, lo, hi, n=300):
    """max |f - p| on n + 1 equispaced points, the ends and the kinks (mpmath, 50 digits:
    a certificate may be within 1e-30 of the error at an end)."""
    f = MP[name]
    with mpmath.workdps(50):
        pts = [mpmath.mpf(lo.numerator) / lo.denominator +
               (mpmath.mpf(hi.numerator) / hi.denominator -
                mpmath.mpf(lo.numerator) / lo.denominator) * k / n for k in range(n + 1)]
        pts += [mpmath.mpf(k) for k in KINKS.get(name, []) if lo <= k <= hi]
        best = mpmath.mpf(0)
        for x in pts:
            p = mpmath.mpf(0)
            for c in reversed(coeffs):
                p = p * x + mpmath.mpf(c.numerator) / c.denominator
            best = max(best, abs(f(x) - p))
        return +best


# -- exact answers ------------------------------------------------------------------

def test_relu_degree_one_error_is_a_quarter():
    e = sup_error("relu", [F(1, 4), F(1, 2)], -1, 1)
    assert e.rational == F(1, 4) and e.lower == F(1, 4) and e.method == "exact"
    assert float(e) == 0.25


def test_relu_l2_degree_two_error_is_three_over_32():
    # relu - (3/32 + x/2 + 15/32 x^2): -3/32 at 0, 1/16 at the ends, 19/480 at 8/15
    e = sup_error("relu", [F(3, 32), F(1, 2), F(15, 32)], -1, 1)
    assert e.rational == F(3, 32) == e.lower
    assert e.argmax == 0.0


def test_interior_extremum_found_exactly():
    # relu - x^2 on [0, 1]: x - x^2 peaks at 1/2 with 1/4 (not at an end)
    e = sup_error("relu", [0, 0, 1], 0, 1)
    assert e.lower == F(1, 4) and e.rational - F(1, 4) < F(1, 10**30)


def test_hardtanh_pieces():
    # hardtanh - 0 on [-3, 2]: max |clip| = 1 on the flat pieces
    assert sup_error("hardtanh", [0], -3, 2).rational == 1
    # hardtanh - x on [-3, 2]: |x| - 1 outside [-1, 1]: 2 at -3
    assert sup_error("hardtanh", [0, 1], -3, 2).rational == 2


def test_polynomial_activation_exact():
    e = sup_error("square", [0, 0, 1], -5, 7)
    assert e.rational == 0
    assert sup_error("square", [F(1, 8)], -1, 1).rational == F(7, 8)


def test_poly_range_and_sup():
    assert poly_range([0, 0, 1], -1, F(1, 2)) == (0, 1)
    lo, hi = poly_range([0, -3, 0, 1], -2, 2)          # x^3 - 3x: -2..2, critical +-1
    assert (lo, hi) == (-2, 2)
    up, low, arg = poly_sup([0, -3, 0, 1], 0, F(3, 2))  # min -2 at 1
    assert low == 2 and arg == 1 and up - 2 < F(1, 10**30)


# -- cells: tight and never below the truth -------------------------------------------

def test_cells_tanh_minus_x():
    e = sup_error("tanh", [0, 1], F(-1, 2), F(1, 2))
    with mpmath.workdps(40):
        true = mpmath.mpf(1) / 2 - mpmath.tanh(mpmath.mpf(1) / 2)
        lower, upper = (mpmath.mpf(v.numerator) / v.denominator for v in (e.lower, e.rational))
        assert e.method == "cells"
        assert lower <= true <= upper <= true * (1 + mpmath.mpf(1) / 1000)


@pytest.mark.parametrize("name", sorted(MP))
def test_every_activation_certifies_its_chebyshev_interpolant(name):
    ap = approximate(name, (-2, 3), 5, method="chebyshev")
    lo, hi = F(-2), F(3)
    s = sampled_max(name, ap.fractions(), lo, hi)
    assert below(s, ap.max_error.rational)
    assert ap.max_error.lower <= ap.max_error.rational
    assert ap.max_error.ratio <= 1.001 + 1e-12


intervals = st.tuples(st.integers(-8, 5), st.integers(1, 8), st.sampled_from([1, 2, 4])).map(
    lambda t: (F(t[0], t[2]), F(t[0], t[2]) + F(t[1], t[2])))


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(sorted(MP)), iv=intervals, degree=st.integers(0, 7),
       method=st.sampled_from(["chebyshev", "l2", "minimax", "taylor"]))
def test_dense_sampling_never_exceeds_the_certified_bound(name, iv, degree, method):
    lo, hi = iv
    if method == "taylor" and name in KINKS and any(k == (lo + hi) / 2 for k in KINKS[name]):
        method = "chebyshev"  # a Taylor centre on a kink is refused (tested elsewhere)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ap = approximate(name, (lo, hi), degree, method=method)
    bound = ap.max_error.rational
    s = sampled_max(name, ap.fractions(), lo, hi, n=120)
    assert below(s, bound)
    assert ap.max_error.lower <= bound
    assert float(ap.max_error) >= bound  # rounded up


# -- the object ----------------------------------------------------------------------

def test_certified_error_is_a_float_rounded_up():
    e = CertifiedError(F(1, 3), lower=F(1, 4))
    assert float(e) >= 1 / 3 and Fraction_of(float(e)) >= F(1, 3)
    assert e.as_rational() == symnet_rational(1, 3)
    assert e.ratio == pytest.approx(4 / 3)
    assert pickle.loads(pickle.dumps(e)).rational == F(1, 3)
    assert "lower" in repr(e) and r"\cdot" in e._latex()
    assert CertifiedError(0).ratio == math.inf


def Fraction_of(x):
    return F(x)


def symnet_rational(p, q):
    import sympy
    return sympy.Rational(p, q)


def test_bad_interval_and_infinite_activation():
    with pytest.raises(ArgumentError, match="lo < hi"):
        sup_error("tanh", [0], 1, 1)
    symnet.register_activation("recip_test", lambda e: 1 / e, overwrite=True)
    with pytest.raises(UncertifiedBoundError, match="not finite"):
        sup_error("recip_test", [0], -1, 1, max_cells=200)


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(sorted(MP)), iv=intervals, degree=st.integers(8, 30),
       method=st.sampled_from(["chebyshev", "l2", "minimax"]))
def test_dense_sampling_high_degrees(name, iv, degree, method):
    """The same property at high degrees, where the monomial basis cancels (slow)."""
    lo, hi = iv
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ap = approximate(name, (lo, hi), degree, method=method)
    s = sampled_max(name, ap.fractions(), lo, hi, n=400)
    assert below(s, ap.max_error.rational)
    assert ap.max_error.ratio <= 1.001 + 1e-9 or ap.max_error.lower == 0
