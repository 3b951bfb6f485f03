"""The four methods against independent oracles.

Closed-form optima (ReLU on [-1, 1]), orthogonality of the L2 residual checked
with mpmath quadrature, interpolation at the Chebyshev nodes, sympy's Taylor
series, and the equioscillation theorem for minimax.
"""

import warnings
from fractions import Fraction as F

import mpmath
import pytest
import sympy

import symnet
from symnet.approximation import ApproximationWarning, approximate
from symnet.approximation import methods as M

R = sympy.Rational


# -- known optima ---------------------------------------------------------------------

@pytest.mark.parametrize("method", ["minimax", "l2"])
def test_relu_degree_one_is_a_quarter_plus_half_x(method):
    ap = approximate("relu", (-1, 1), 1, method=method)
    assert ap.coefficients == (R(1, 4), R(1, 2))
    assert ap.max_error.as_rational() == R(1, 4) and ap.max_error.lower == F(1, 4)


def test_relu_minimax_degree_one_equioscillates_at_minus_one_zero_one():
    ap = approximate("relu", (-1, 1), 1, method="minimax")
    assert ap.equioscillation == ((-1, R(1, 4)), (0, R(-1, 4)), (1, R(1, 4)))


def test_relu_l2_degree_two_is_the_legendre_projection():
    # relu = x/2 + |x|/2; <|x|, P0>/<P0, P0> = 1/2, <|x|, P2>/<P2, P2> = (1/4)/(2/5) = 5/8,
    # so |x| ~ 1/2 + 5/8 (3x^2 - 1)/2 = 3/16 + 15/16 x^2 and relu ~ 3/32 + x/2 + 15/32 x^2
    ap = approximate("relu", (-1, 1), 2, method="l2")
    assert ap.coefficients == (R(3, 32), R(1, 2), R(15, 32))
    assert ap.info["exact"] is True
    assert ap.max_error.as_rational() == R(3, 32)


def test_relu_minimax_degree_two():
    # best quadratic for |x| on [-1, 1] is x^2 + 1/8 (error 1/8 at 0, +-1/2, +-1)
    ap = approximate("relu", (-1, 1), 2, method="minimax")
    assert ap.coefficients == (R(1, 16), R(1, 2), R(1, 2))
    assert ap.max_error.as_rational() == R(1, 16)
    xs = [x for x, _ in ap.equioscillation]
    assert len(xs) == 4 and set(xs) <= {-1, R(-1, 2), 0, R(1, 2), 1}
    errs = [e for _, e in ap.equioscillation]
    assert all(abs(e) == R(1, 16) for e in errs)
    assert all(a * b < 0 for a, b in zip(errs, errs[1:]))


def test_degree_zero_minimax_is_the_middle_of_the_range():
    ap = approximate("relu", (-1, 3), 0)
    assert ap.coefficients == (R(3, 2),) and ap.max_error.as_rational() == R(3, 2)


def test_shifted_interval_coefficients_are_in_x():
    # relu on [0, 2] is x: every method returns x exactly
    for m in ("minimax", "chebyshev", "l2"):
        assert approximate("relu", (0, 2), 3, method=m).coefficients == (0, 1, 0, 0), m


# -- L2: the residual is orthogonal to the polynomials (mpmath quadrature) ----------------

@pytest.mark.parametrize("name,f", [
    ("tanh", mpmath.tanh),
    ("sigmoid", lambda x: 1 / (1 + mpmath.exp(-x))),
    ("leaky_relu[1/5]", lambda x: x if x >= 0 else x / 5),
])
def test_l2_residual_is_orthogonal(name, f):
    lo, hi, n = -2, 3, 5
    ap = approximate(name, (lo, hi), n, method="l2")
    cs = [mpmath.mpf(c.p) / c.q for c in ap.coefficients]
    with mpmath.workdps(30):
        def r(x):
            return f(x) - mpmath.polyval(cs[::-1], x)
        scale = mpmath.quad(lambda x: r(x) ** 2, [lo, 0, hi]) ** 0.5
        for k in range(n + 1):
            ip = mpmath.quad(lambda x: r(x) * mpmath.legendre(k, (2 * x - lo - hi) / (hi - lo)),
                             [lo, 0, hi])
            assert abs(ip) < 1e-7 * scale


def test_l2_chebyshev_weight_and_a_weight_function():
    a = approximate("tanh", (-2, 2), 5, method="l2", weight="chebyshev")
    b = approximate("tanh", (-2, 2), 5, method="l2", weight=lambda x: 1.0)
    c = approximate("tanh", (-2, 2), 5, method="l2")
    assert a.info["weight"] == "chebyshev" and b.info["weight"] == "custom"
    for u, v in zip(b.coefficients, c.coefficients):   # w = 1 is the Legendre weight
        assert abs(float(u - v)) < 1e-9
    # the Chebyshev projection is near-best in the sup norm: better than Legendre here
    assert a.max_error < c.max_error


# -- Chebyshev interpolation interpolates ---------------------------------------------------

def test_chebyshev_interpolates_at_the_nodes():
    n, lo, hi = 6, F(-3), F(1)
    ap = approximate("sigmoid", (lo, hi), n, method="chebyshev")
    for j in range(n + 1):
        t = mpmath.cos(mpmath.pi * (2 * j + 1) / (2 * n + 2))
        x = (lo + hi) / 2 + (hi - lo) / 2 * t
        p = mpmath.polyval([mpmath.mpf(c.p) / c.q for c in ap.coefficients][::-1], x)
        assert abs(p - 1 / (1 + mpmath.exp(-x))) < 1e-12


# -- Taylor -------------------------------------------------------------------------------

def test_taylor_matches_sympy_series():
    x = sympy.Symbol("x")
    ap = approximate("sigmoid", (-1, 1), 5, method="taylor", center=0)
    ser = sympy.series(1 / (1 + sympy.exp(-x)), x, 0, 6).removeO()
    assert sympy.expand(ap.expr - ser) == 0
    assert ap.info["exact"] is True


def test_taylor_off_centre_is_rounded_but_close():
    ap = approximate("tanh", (0, 2), 4, method="taylor")       # centre 1: tanh(1) irrational
    x = sympy.Symbol("x")
    exact = sympy.series(sympy.tanh(x), x, 1, 5).removeO()
    for k in range(5):
        a = float(ap.coefficients[k])
        b = float(sympy.Poly(sympy.expand(exact), x).coeff_monomial(x**k))
        assert abs(a - b) < 1e-9
    assert all(c.is_Rational for c in ap.coefficients)


def test_taylor_of_relu_off_the_kink_is_the_piece():
    assert approximate("relu", (1, 3), 3, method="taylor").coefficients == (0, 1, 0, 0)


# -- minimax ------------------------------------------------------------------------------

def test_tanh_minimax_equioscillates():
    ap = approximate("tanh", (-3, 3), 9)
    assert ap.method == "minimax" and ap.info["converged"]
    pts = ap.equioscillation
    assert len(pts) == 11
    errs = [e for _, e in pts]
    assert all(a * b < 0 for a, b in zip(errs, errs[1:]))
    E = ap.info["levelled_error"]
    assert all(abs(abs(e) - E) < 1e-6 * E for e in errs)
    # de la Vallee Poussin: the levelled error is a lower bound of the best error
    assert ap.max_error >= E and float(ap.max_error.lower) <= float(ap.max_error)
    assert float(ap.max_error) <= 1.001 * E * (1 + 1e-6)


def test_minimax_beats_chebyshev_and_l2():
    m = approximate("gelu", (-4, 4), 8)
    c = approximate("gelu", (-4, 4), 8, method="chebyshev")
    l2 = approximate("gelu", (-4, 4), 8, method="l2")
    assert m.max_error <= c.max_error and m.max_error <= l2.max_error


def test_remez_failure_falls_back_to_chebyshev(monkeypatch):
    from symnet.approximation import approximation as A

    def fail(*a, **k):
        raise M.RemezFailure("forced")
    monkeypatch.setattr(A, "minimax_fit", fail)
    with pytest.warns(ApproximationWarning, match="falling back to Chebyshev"):
        ap = approximate("tanh", (-1, 1), 5)
    assert ap.method == "chebyshev" and ap.requested == "minimax"
    assert ap.info["converged"] is False and "forced" in ap.info["remez_failure"]


def test_remez_reports_non_convergence():
    with pytest.raises(M.RemezFailure, match="did not converge"):
        M.minimax_fit("tanh", -3, 3, 12, maxiter=1, tol=1e-30)


# -- helpers ---------------------------------------------------------------------------------

def test_simplest_between_and_rounding():
    assert M.simplest_between(F(31, 100), F(34, 100)) == F(1, 3)
    assert M.simplest_between(F(-7, 2), F(-5, 2)) == -3
    assert M.simplest_between(F(2), F(2)) == 2
    assert M.round_coefficients([F(1, 3) + F(1, 10**9)], 0, 1, F(1, 10**6)) == (F(1, 3),)
    # the budget bounds the change of p anywhere on the interval
    cs = [F(1, 7) + F(1, 10**5), F(2, 9) - F(1, 10**6), F(5, 11)]
    out = M.round_coefficients(cs, -2, 3, F(1, 1000))
    assert sum(abs(a - b) * 3**k for k, (a, b) in enumerate(zip(cs, out))) <= F(1, 1000)


def test_to_monomials():
    # T_3(t) = 4t^3 - 3t, t = x on [-1, 1]
    assert M.to_monomials([0, 0, 0, 1], "chebyshev", -1, 1) == (0, -3, 0, 4)
    # P_2(t) = (3t^2 - 1)/2, t = x - 1 on [0, 2]
    assert M.to_monomials([0, 0, 1], "legendre", 0, 2) == (1, -3, F(3, 2))


def test_user_registered_activation():
    act = symnet.register_activation("atan_test", sympy.atan, overwrite=True)
    ap = approximate(act, (-2, 2), 7)
    with mpmath.workdps(30):
        worst = max(abs(mpmath.atan(x) - mpmath.polyval(
            [mpmath.mpf(c.p) / c.q for c in ap.coefficients][::-1], x))
            for x in mpmath.linspace(-2, 2, 201))
    assert worst <= float(ap.max_error) <= 1.002 * float(worst) + 1e-15


def test_no_warning_on_success():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        approximate("sin", (-3, 3), 6)
