"""Tests of symnet.bounds.taylor_models: validity and tightness of the bounds.

The bounds are checked against the error measured on many points of the box
(its corners included) with the network and the polynomial evaluated by
mpmath (tests/bounds_oracles.py), so float rounding in the test cannot hide
a violation; hand-derived bounds pin the method down on one-neuron networks.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet import Network, Polynomial, expand
from symnet import strategies as sst
from symnet.bounds import error_bound
from symnet.bounds.balls import precision
from symnet.bounds.enclosures import neuron_series, neuron_taylor
from symnet.bounds.taylor_models import TaylorModels, weight_balls

from bounds_oracles import DPS, measured_error, taylor_oracle

R = sympy.Rational



def test_one_tanh_neuron_series_degree_three_by_hand():
    # tanh x - (x - x^3/3) = tanh^(5)(xi)/5! x^5 for some xi between 0 and x
    # (Lagrange with T_3 = T_4, since the x^4 coefficient is 0).
    # tanh^(5)(x) = 16 - 136 x^2 + O(x^4) attains its max 16 on [-r, r] at 0,
    # so sup |tanh x - x + x^3/3| <= 16/120 r^5 = (2/15) r^5, while the error
    # at x = r is (2/15) r^5 - (17/315) r^7 + ... > 0.97 (2/15) r^5 for r = 1/4.
    r = R(1, 4)
    net = Network.dense([[[1]]], activations=["tanh"])
    p = expand(net, 3)
    assert sympy.expand(p.as_expr() - (net.inputs[0] - net.inputs[0]**3 / 3)) == 0
    b = error_bound(net, p, [(-r, r)], mode="series")
    hand = R(2, 15) * r**5
    with mpmath.workdps(DPS):
        true = mpmath.tanh(mpmath.mpf(1) / 4) - mpmath.mpf(1) / 4 + mpmath.mpf(1) / 192
    assert true <= float(b) <= float(hand) * 1.01
    assert b.certified and b.mode == "series"
    # the polynomial part matches exactly; everything is in the remainder
    assert b.parts[0]["polynomial"] < 1e-25


def test_sigmoid_taylor_degree_one_by_hand():
    # sigma(x) - sigma(1) - sigma'(1)(x - 1) = sigma''(xi)/2 (x - 1)^2, and on
    # [1 - r, 1 + r] with r = 1/8, |sigma''| = |sigma (1-sigma) (1-2 sigma)| is
    # increasing in |xi - 1|... so the Lagrange bound is r^2/2 max |sigma''| at
    # 1 + r (sigma'' < 0 and decreasing there): hand = r^2/2 |sigma''(1 + r)|.
    net = Network.dense([[[1]]], activations=["sigmoid"])
    s = 1 / (1 + sympy.exp(-1))
    p = Polynomial({(0,): s, (1,): s * (1 - s)}, net.inputs, 1, center=[1])
    r = R(1, 8)
    b = error_bound(net, p, [(1 - r, 1 + r)])
    assert b.mode == "taylor"
    with mpmath.workdps(DPS):
        sg = lambda t: 1 / (1 + mpmath.exp(-t))  # noqa: E731
        d2 = lambda t: sg(t) * (1 - sg(t)) * (1 - 2 * sg(t))  # noqa: E731
        assert abs(d2(mpmath.mpf(9) / 8)) > abs(d2(mpmath.mpf(7) / 8))
        hand = mpmath.mpf(1) / 128 * abs(d2(mpmath.mpf(9) / 8))
        grid = [1 - 1 / mpmath.mpf(8) + k / mpmath.mpf(4000) for k in range(1001)]
        s1 = sg(mpmath.mpf(1))
        true = max(abs(sg(t) - s1 - s1 * (1 - s1) * (t - 1)) for t in grid)
    assert true <= float(b) <= hand * 1.05


def test_constant_networks_bound_is_the_error_rounded_up():
    # input weight 0: net and polynomial are constants, the bound is the
    # error itself up to ball rounding; the float must still be rounded up
    rng = np.random.RandomState(0)
    for t in range(40):
        b1, w2, b2 = (float(v) for v in rng.uniform(-1.5, 1.5, 3))
        act = ["sin", "tanh", "sigmoid", "softplus"][t % 4]
        net = Network.dense([[[0.0]], [[w2]]], biases=[[b1], [b2]], activations=[act, "identity"])
        p = expand(net, 3)
        b = error_bound(net, p, [(-0.25, 0.5)], mode="series")
        m = measured_error(net, p, [(-0.25, 0.5)], n_random=0)
        assert m <= b <= m * (1 + 1e-12) + 1e-300


def test_wrong_polynomial_is_still_bounded():
    # any polynomial is allowed: the zero polynomial's error is sup |net|
    # (the difference polynomial is bounded term by term, so not tightly)
    net = Network.dense([[[1, 1]]], activations=["tanh"])
    zero = Polynomial({}, net.inputs, 3)
    b = error_bound(net, zero, (-R(1, 2), R(1, 2)))
    assert math.tanh(1.0) <= float(b) <= math.tanh(1.0) * 2

ACTS = ["tanh", "sigmoid", "softplus", "silu", "gelu", "erf", "sin", "cos", "square"]



@settings(max_examples=12)
@given(sst.networks(inputs=(1, 3), depth=(1, 2), widths=(1, 3), activations=ACTS),
       st.integers(1, 3), st.sampled_from([R(1, 8), R(1, 3), 1]))
def test_series_bound_covers_measured_error(net, order, r):
    p = expand(net, order)
    box = [(-r, r)] * net.n_inputs
    b = error_bound(net, p, box)
    assert b.certified
    assert measured_error(net, p, box, n_random=30) <= b


@settings(max_examples=8)
@given(sst.networks(inputs=(1, 2), depth=(1, 2), widths=(1, 2), activations=ACTS,
                    weights=sst.float_weights(bound=1.5)),
       st.integers(1, 3))
def test_float_weights_and_float_polynomial(net, order):
    p = expand(net, order)
    box = [(-0.25, 0.5)] * net.n_inputs  # not centred at the expansion point
    b = error_bound(net, p, box, mode="series")
    assert measured_error(net, p, box, n_random=30) <= b


@settings(max_examples=8)
@given(sst.networks(inputs=(1, 2), depth=1, widths=(1, 2),
                    activations=["tanh", "sigmoid", "sin", "softplus"]),
       st.integers(1, 3), st.lists(st.sampled_from([R(-1, 2), R(0), R(1, 3), R(1)]),
                                   min_size=2, max_size=2))
def test_taylor_polynomial_bound_covers_measured_error(net, order, at):
    at = at[:net.n_inputs]
    p = taylor_oracle(net, at, order)
    box = [(a - R(1, 4), a + R(1, 4)) for a in at]
    b = error_bound(net, p, box)
    assert b.mode == "taylor" or not any(at)
    assert measured_error(net, p, box, n_random=30) <= b


def test_expand_taylor_mode_when_available():
    net = Network.dense([[[1, -2], [R(1, 2), 1]], [[1, 1]]], biases=[[R(1, 2), -1], [0]],
                        activations=["tanh", "identity"])
    at = [R(1, 2), R(-1, 4)]
    try:
        p = expand(net, 3, mode="taylor", at=at)
    except (NotImplementedError, TypeError):
        pytest.skip("expand(mode='taylor') is not available yet")
    box = [(a - R(1, 10), a + R(1, 10)) for a in at]
    b = error_bound(net, p, box)
    assert b.mode == "taylor"
    meas = measured_error(net, p, box)
    assert meas <= b <= 3 * meas


def test_skip_connections():
    import networkx as nx
    x, y = sympy.symbols("x y")
    G = nx.DiGraph()
    G.add_node("x", symbol=x)
    G.add_node("y", symbol=y)
    G.add_node("h", activation="sigmoid", bias=R(1, 2))
    G.add_node("g", activation="tanh")
    G.add_node("o", bias=-1)
    G.add_edges_from([("x", "h", {"weight": 1}), ("y", "h", {"weight": -2}),
                      ("h", "g", {"weight": 3}), ("x", "g", {"weight": R(1, 2)}),
                      ("g", "o", {"weight": 2}), ("y", "o", {"weight": 5}),
                      ("h", "o", {"weight": -1})])
    net = Network.from_graph(G)
    box = [(-R(1, 4), R(1, 4)), (0, R(1, 3))]
    for p in (expand(net, 3), expand(net, 3, mode="taylor", at=[0, R(1, 6)])):
        b = error_bound(net, p, box)
        meas = measured_error(net, p, box)
        assert meas <= b <= 2 * meas


def test_multiple_outputs():
    net = Network.dense([[[1, 1], [1, -1]], [[1, 0], [R(1, 2), 2]]],
                        biases=[[0, R(1, 4)], [0, 1]], activations=["sigmoid", "identity"])
    p = expand(net, 2)
    assert isinstance(p, tuple) and len(p) == 2
    box = [(-R(1, 3), R(1, 3))] * 2
    b = error_bound(net, p, box)
    assert len(b.per_output) == 2 and float(b) == max(b.per_output)
    for k in range(2):
        single = Network.dense([[[1, 1], [1, -1]], [[[1, 0], [R(1, 2), 2]][k]]],
                               biases=[[0, R(1, 4)], [[0, 1][k]]],
                               activations=["sigmoid", "identity"])
        assert measured_error(single, p[k], box) <= b.per_output[k]


def test_bound_shrinks_with_order():
    # small weights and box: well inside the radius, the series converges fast
    net = Network.dense([[[R(1, 4), R(-1, 8)], [R(1, 8), R(1, 4)]], [[1, -1]]],
                        biases=[[R(1, 16), 0], [0]], activations=["tanh", "identity"])
    box = (-R(1, 2), R(1, 2))
    bounds = [float(error_bound(net, expand(net, q), box)) for q in range(1, 6)]
    # (tanh is nearly odd here: Q = 2k and 2k - 1 have nearly the same error)
    assert all(b2 <= b1 * 1.02 for b1, b2 in zip(bounds, bounds[1:]))
    assert bounds[0] / bounds[2] > 20 and bounds[2] / bounds[4] > 20
    # and every one is above the measured error
    assert measured_error(net, expand(net, 5), [box] * 2) <= bounds[4]


def test_splits_tighten_wide_boxes():
    # sigmoid(4.1 x - 1.4) over a unit interval: one Taylor model is loose,
    # a few bisections with models centred on each piece are nearly exact
    net = Network.dense([[[R(33, 8)], [R(7, 16)], [R(2)]], [[2, R(7, 4), 2]]],
                        biases=[[R(-11, 8), R(7, 8), -1], [R(-1, 8)]],
                        activations=["sigmoid", "identity"])
    p = expand(net, 4, mode="taylor", at=[R(-9, 25)])
    box = [(R(-43, 50), R(7, 50))]
    meas = measured_error(net, p, box, n_random=200)
    b0 = error_bound(net, p, box, splits=0)
    b8 = error_bound(net, p, box, splits=8)
    assert meas <= b8 <= 1.03 * meas  # splitting stops within 2% of the sampled error
    assert b0 > 5 * b8


def test_tm_order_higher_is_valid_and_not_looser_here():
    net = Network.dense([[[1, 1], [1, -1]], [[1, 1]]], biases=[[R(1, 2), 0], [0]],
                        activations=["tanh", "identity"])
    p = expand(net, 2)
    box = (-R(1, 4), R(1, 4))
    b2 = error_bound(net, p, box)
    b4 = error_bound(net, p, box, tm_order=4)
    meas = measured_error(net, p, [box] * 2)
    assert meas <= b4 and meas <= b2
    assert float(b4) <= float(b2) * 1.01


# ---------------------------------------------------------------------------
# the engine itself
# ---------------------------------------------------------------------------

def test_engine_models_enclose_a_single_neuron():
    # tanh(x) on [-1/2, 1/2] as x - x^3/3 + I, with |I| <= tanh(1/2) - 1/2 + 1/24 + tiny
    net = Network.dense([[[1]]], activations=["tanh"])
    with precision(96):
        half = arb(1) / 2
        tm = TaylorModels(net, 3, [arb(0)], [(-half, half)])
        (P, I), = tm.run(lambda s, act, c, w, Rg: neuron_taylor(act, c, w, Rg, 3, 2))[0]
    assert [float(v.mid()) for v in P] == [0.0, 1.0, 0.0, -1 / 3]
    exact = math.tanh(0.5) - 0.5 + 0.5 ** 3 / 3
    assert float(I.abs_upper()) >= abs(exact) and float(I.abs_upper()) < 0.0043


def test_engine_records_ranges_and_failures_and_falls_back_to_the_range():
    import symnet
    symnet.register_activation("test_tm_si", sympy.Si, radius=sympy.oo, overwrite=True)
    net = Network.dense([[[1], [2]], [[1, 1]]], activations=["test_tm_si", "identity"])
    with precision(96):
        tm = TaylorModels(net, 2, [arb(0)], [(arb(-1), arb(1))])
        outs, ranges, failures = tm.run(lambda s, act, c, w, Rg: neuron_taylor(act, c, w, Rg, 2, 2))
    assert set(ranges) == {(1, 1), (1, 2), (2, 1)}
    assert ranges[(1, 2)].contains(2) and ranges[(1, 2)].contains(-2)
    assert {(1, 1), (1, 2)} <= {f[0] for f in failures}
    assert "Si" in failures[0][2]
    assert not outs[0][1].is_finite()   # no enclosure of Si: the output is not finite


def test_weight_balls_contain_exact_weights():
    net = Network.dense([[[R(1, 3), sympy.sqrt(2)]]], biases=[[0.1]])
    with precision(96):
        (W, b), = weight_balls(net)
    assert W[0, 0].overlaps(arb(1) / 3) and W[0, 1].overlaps(arb(2).sqrt()) and b[0] == arb(0.1)


def test_series_and_taylor_neuron_rules_agree_at_the_origin():
    from symnet import get_activation
    act = get_activation("sigmoid")
    with precision(96):
        w = arb(0) + arb("0 +/- 0.25")
        D1, E1 = neuron_series(act, 6, arb(0), w, w, 3, 2)
        D2, E2 = neuron_taylor(act, arb(0), w, w, 3, 2)
    for a, b in zip(D1, D2):
        assert a.overlaps(b)
    assert E1.overlaps(E2)


# ---------------------------------------------------------------------------
# an independent oracle: dense sampling in mpmath at 30 digits
# ---------------------------------------------------------------------------

def _mp_max_error(net, p, box, n_per_axis, dps=30):
    """max |net - p| over a dense grid of the box (and its corners), mpmath at ``dps`` digits."""
    import itertools
    from bounds_oracles import MpNet, MpPoly
    with mpmath.workdps(dps):
        f, q = MpNet(net), MpPoly(p)
        axes = [[mpmath.mpf(lo) + (mpmath.mpf(hi) - mpmath.mpf(lo)) * k / (n_per_axis - 1)
                 for k in range(n_per_axis)] for lo, hi in box]
        worst = mpmath.mpf(0)
        for x in itertools.product(*axes):
            worst = max(worst, abs(f(x)[0] - q(x)))
        return worst


@settings(max_examples=15)
@given(sst.networks(inputs=(1, 2), depth=(1, 2), widths=(1, 4),
                    activations=["tanh", "sigmoid", "softplus", "gelu", "sin", "relu"]),
       st.integers(1, 3), st.sampled_from(["series", "taylor"]),
       st.sampled_from([R(1, 4), R(1, 2), 1, 2]), st.sampled_from([0, R(1, 3), R(-1, 2)]))
def test_certified_bound_is_above_the_densely_sampled_error(net, order, mode, r, shift):
    # the oracle: the network and the polynomial in mpmath at 30 digits on a
    # dense grid; the certified bound must be at least the largest error seen
    at = [shift] * net.n_inputs
    if net.is_piecewise_linear or any(not a.analytic for s in net.stages()
                                      for a in s.activations):
        mode = "taylor"
    try:
        p = expand(net, order) if mode == "series" else expand(net, order, mode="taylor", at=at)
    except symnet_errors().NonAnalyticActivationError:
        return  # a kink at the expansion point
    box = [(a - r, a + r) for a in (at if mode == "taylor" else [0] * net.n_inputs)]
    b = error_bound(net, p, box, strict=False, timeout=None)
    assert b.certified
    n = 41 if net.n_inputs == 1 else 13
    assert _mp_max_error(net, p, box, n) <= float(b)


def symnet_errors():
    import symnet.errors
    return symnet.errors
