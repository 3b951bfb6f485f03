"""Tests of symnet.bounds.enclosures: activations in ball arithmetic, by rule kind."""

import math

import mpmath
import pytest
import sympy
from flint import arb

import symnet
from symnet import Network, Polynomial, expand, get_activation
from symnet.bounds import UncertifiedBoundError, activation_enclosure, error_bound
from symnet.bounds.balls import Uncertifiable, precision, union
from symnet.bounds.enclosures import ArbContext, grid, sigma_range, taylor_ball
from symnet.errors import BoxError

from bounds_oracles import measured_error

R = sympy.Rational



def test_polynomial_activation_is_exact():
    # square is its own series: the only error is ball rounding
    net = Network.dense([[[1, 2]], [[3]]], biases=[[1], [0]], activations=["square", "identity"])
    p = expand(net, 2)
    b = error_bound(net, p, [(-1, 1), (R(-1, 2), 2)])
    assert b.certified and float(b) < 1e-20


def test_relu_linear_piece():
    # relu in Taylor mode: the linear piece at the centre is exact away from the kink
    net = Network.dense([[[1, -1], [2, 1]], [[1, 1]]], biases=[[1, 0], [0]],
                        activations=["relu", "identity"])
    x1, x2 = net.inputs
    # at (1, 0): neuron 1 has z = 2 > 0 (slope 1), neuron 2 z = 2 > 0 (slope 1)
    p = Polynomial({(0, 0): 4, (1, 0): 3, (0, 1): 0}, net.inputs, 1, center=[1, 0])
    b = error_bound(net, p, [(R(1, 2), R(3, 2)), (-R(1, 4), R(1, 4))])
    assert float(b) < 1e-20  # no kink inside the box
    wide = [(-1, 3), (-1, 1)]
    bw = error_bound(net, p, wide)
    assert measured_error(net, p, wide) <= bw
    assert 0.5 < float(bw) < 10


def test_relu_network_from_expand_taylor_mode():
    net = Network.dense([[[1.0, -1.0], [2.0, 0.5]], [[1.0, 1.0]]], biases=[[0.5, -0.25], [0.0]],
                        activations=["relu", "identity"])
    p = expand(net, 2, mode="taylor", at=[0.3, 0.1])
    near = [(0.25, 0.35), (0.05, 0.15)]  # no kink inside: only coefficient rounding
    b = error_bound(net, p, near)
    assert measured_error(net, p, near) <= b < 1e-15
    far = [(-0.2, 0.8), (-0.4, 0.6)]  # both kinks crossed
    assert measured_error(net, p, far, n_random=200) <= error_bound(net, p, far)


def test_user_activation_without_system():
    # atan: analytic, no differential system registered; derivatives by sympy
    act = symnet.register_activation("test_bounds_atan", sympy.atan, radius=1, overwrite=True)
    assert act.kind == "sympy"  # no differential system: derivatives by sympy
    net = Network.dense([[[1, R(1, 2)]]], activations=["test_bounds_atan"])
    p = expand(net, 3)
    box = (-R(1, 3), R(1, 3))
    b = error_bound(net, p, box)
    assert measured_error(net, p, [box] * 2) <= b < 0.05


def test_uncertifiable_activation():
    # Si: sympy knows its series, the ball evaluator does not know the function
    symnet.register_activation("test_bounds_si", sympy.Si, radius=sympy.oo, overwrite=True)
    net = Network.dense([[[1]]], activations=["test_bounds_si"])
    p = expand(net, 3)
    with pytest.raises(UncertifiedBoundError, match="test_bounds_si"):
        error_bound(net, p, (-0.5, 0.5))
    b = error_bound(net, p, (-0.5, 0.5), strict=False)
    assert not b.certified and math.isinf(b) and "test_bounds_si" in b.reason
    assert "no certified bound" in str(b)


KINDS = ["tanh", "sigmoid", "softplus", "silu", "gelu", "erf", "sin", "cos", "exp", "square",
         "identity", "gelu_tanh", "softplus[2]", "relu", "leaky_relu[1/5]", "hardtanh[0, 6]"]


@pytest.mark.parametrize("name", KINDS)
def test_arb_context_matches_the_exact_taylor_coefficients(name):
    # rule.taylor in the ball context contains the exact coefficients, every rule kind
    act = get_activation(name)
    for c in (R(1, 3), R(-7, 4), R(5, 2)):
        exact = act.taylor(c, 4)
        with precision(128):
            balls = act.rule.taylor(ArbContext(), arb(sympy.Float(c, 60).__str__()) if False
                                    else arb(c.p) / c.q, 4)
        for e, b in zip(exact, balls):
            v = sympy.N(e, 50)
            assert b.is_finite() and b.overlaps(arb(str(v))), (name, c, e, b)


def test_sympy_rule_in_the_ball_context():
    act = symnet.register_activation("test_enc_atan", sympy.atan, radius=1, overwrite=True)
    assert act.kind == "sympy"
    with precision(96):
        d = act.rule.taylor(ArbContext(), arb(0), 3)
    assert [float(v.mid()) for v in d] == [0.0, 1.0, 0.0, -1 / 3]


def test_a_ball_over_a_kink_is_refused():
    relu = get_activation("relu")
    with pytest.raises(symnet.NonAnalyticActivationError):
        relu.rule.taylor(ArbContext(), union(arb(-1), arb(1)), 1)
    with pytest.raises(Uncertifiable):
        taylor_ball(relu, union(arb(-1), arb(1)), 1)
    # away from the kink: the exact piece
    assert relu.rule.taylor(ArbContext(), union(arb(1), arb(2)), 1)[1] == 1


def test_taylor_ball_encloses_every_point():
    act = get_activation("tanh")
    with precision(96):
        X = union(arb(-1), arb(2))
        t = taylor_ball(act, X, 3)
    with mpmath.workdps(30):
        for k in range(41):
            x = -1 + 3 * mpmath.mpf(k) / 40
            d = mpmath.taylor(mpmath.tanh, x, 3)
            for j in range(4):
                assert t[j].lower() <= arb(str(d[j])) + 1e-25
                assert arb(str(d[j])) - 1e-25 <= t[j].upper()


def test_grid_is_integer_arithmetic_even_for_huge_ranges():
    with precision(96):
        e, jlo, jhi = grid(arb(0), arb(1))
        assert (e, jlo, jhi) == (-5, 0, 32)
        big = arb(10) ** 30
        with pytest.raises(Uncertifiable, match="too wide"):
            grid(big, 2 * big)
        e, jlo, jhi = grid(big, big + 1)   # narrow but far out: fine, and quick
        assert jhi - jlo <= 40
        with pytest.raises(Uncertifiable):
            grid(arb.nan(), arb(1))


def test_sigma_range_on_saturated_ranges():
    with precision(96):
        big = arb(10) ** 30
        r = sigma_range(get_activation("tanh"), union(big, 2 * big))
        assert r.contains(1) and r.rad() < 1e-20


@pytest.mark.parametrize("name, lo, hi, true_lo, true_hi", [
    ("tanh", -1, 1, -math.tanh(1), math.tanh(1)),
    ("sigmoid", 0, 3, 0.5, 1 / (1 + math.exp(-3))),
    ("gelu", -3, 1, -0.16997120530363, 0.841344746068543),   # min at z = -0.7518
    ("sin", 0, 4, math.sin(4), 1.0),
    ("softplus", -2, 2, math.log1p(math.exp(-2)), math.log1p(math.exp(2))),
    ("relu", -2, 3, 0, 3),
    ("hardtanh", R(-1, 3), 5, R(-1, 3), 1),
    ("identity", -1, R(1, 7), -1, R(1, 7)),
    ("square", -1, 2, 0, 4),
])
def test_activation_enclosure(name, lo, hi, true_lo, true_hi):
    a, b = activation_enclosure(name, lo, hi)
    assert isinstance(a, sympy.Rational) and isinstance(b, sympy.Rational)
    assert a <= true_lo + 1e-12 and true_hi - 1e-12 <= b
    assert b - a <= (true_hi - true_lo) * 1.01 + 1e-9   # tight


def test_activation_enclosure_exact_for_piecewise_linear():
    assert activation_enclosure("relu", -2, 3) == (0, 3)
    a, b = activation_enclosure("leaky_relu[1/5]", -2, 3)    # -2/5 is not dyadic
    assert b == 3 and a <= R(-2, 5) and R(-2, 5) - a < R(1, 2**60)
    assert activation_enclosure(get_activation("hardtanh"), -5, 5) == (-1, 1)


@pytest.mark.parametrize("lo, hi, err", [
    (1, 0, BoxError), (float("nan"), 1, BoxError), (0, math.inf, BoxError), ("0", 1, BoxError),
    (0, sympy.Symbol("t"), BoxError), (sympy.I, 1, BoxError),
])
def test_activation_enclosure_bad_intervals(lo, hi, err):
    with pytest.raises(err):
        activation_enclosure("tanh", lo, hi)


def test_activation_enclosure_unknown_function():
    symnet.register_activation("test_enc_si", sympy.Si, radius=sympy.oo, overwrite=True)
    with pytest.raises(UncertifiedBoundError, match="test_enc_si"):
        activation_enclosure("test_enc_si", 0, 1)
    with pytest.raises(symnet.UnknownActivationError):
        activation_enclosure("no_such_activation", 0, 1)
