"""Tests of symnet.bounds: certified error bounds and convergence reports.

The bounds are checked against the error measured on many points of the box
(its corners included) with the network and the polynomial evaluated by
mpmath at 30 digits, so float rounding in the test cannot hide a violation;
hand-derived bounds pin the method down on one-neuron networks.
"""

import itertools
import math
import pickle
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet
from symnet import Network, Polynomial, expand, get_activation
from symnet import strategies as sst
from symnet.bounds import (
    BoxError,
    ConvergenceReport,
    ErrorBound,
    UncertifiedBoundError,
    _convergence_warnings,
    _float_up,
    convergence_report,
    error_bound,
)
from symnet.errors import DomainError, InputError, OrderError, ShapeError, WeightError

R = sympy.Rational
DPS = 45


# ---------------------------------------------------------------------------
# an independent high-precision evaluator (mpmath, not symnet's engines)
# ---------------------------------------------------------------------------

def _mp(v):
    if isinstance(v, float):
        return mpmath.mpf(v)
    return mpmath.mpf(sympy.N(v, DPS + 10))


class MpNet:
    """The network evaluated in mpmath from its sympy activation functions."""

    def __init__(self, net):
        self.net = net
        zs = sympy.Symbol("z")
        self.stages = []
        for s in net.stages():
            W = [[_mp(w) for w in row] for row in s.weights]
            b = [_mp(v) for v in s.biases]
            fs = [sympy.lambdify(zs, a.func(zs), "mpmath") for a in s.activations]
            self.stages.append((s.sources, W, b, fs))
        self.outs = net.output_positions()

    def __call__(self, x):
        cols = [mpmath.mpf(v) for v in x]
        for sources, W, b, fs in self.stages:
            for i, f in enumerate(fs):
                z = b[i] + mpmath.fsum(W[i][j] * cols[p] for j, p in enumerate(sources))
                cols.append(f(z))
        return [cols[p] for p in self.outs]


class MpPoly:
    def __init__(self, p):
        self.center = [_mp(a) for a in p.center]
        self.terms = [(e, _mp(c)) for e, c in p.terms().items()]

    def __call__(self, x):
        y = [mpmath.mpf(v) - a for v, a in zip(x, self.center)]
        acc = mpmath.mpf(0)
        for e, c in self.terms:
            t = c
            for yi, k in zip(y, e):
                if k:
                    t *= yi**k
            acc += t
        return acc


def sample_points(box, n_random=60, seed=0):
    lo = [float(a) for a, _ in box]
    hi = [float(b) for _, b in box]
    pts = [list(c) for c in itertools.product(*zip(lo, hi))]
    rng = np.random.RandomState(seed)
    pts += (np.array(lo) + (np.array(hi) - np.array(lo)) * rng.rand(n_random, len(box))).tolist()
    pts.append([(a + b) / 2 for a, b in zip(lo, hi)])
    return pts


def measured_error(net, polys, box, n_random=60, seed=0):
    """A lower estimate of max_k max_x |net_k(x) - p_k(x)| over the box.

    The maximum over the corners, the centre and random points, computed by
    mpmath at DPS digits, minus an allowance 10**(10 - DPS) * (1 + scale)
    for mpmath's own rounding (far above it), so that an exact network
    whose error is 0 does not measure 1e-31.
    """
    polys = polys if isinstance(polys, tuple) else (polys,)
    with mpmath.workdps(DPS):
        f = MpNet(net)
        ps = [MpPoly(p) for p in polys]
        worst = mpmath.mpf(0)
        scale = mpmath.mpf(0)
        for x in sample_points(box, n_random, seed):
            vals = f(x)
            for v, p in zip(vals, ps):
                px = p(x)
                worst = max(worst, abs(v - px))
                scale = max(scale, abs(v), abs(px))
        return max(mpmath.mpf(0), worst - mpmath.mpf(10) ** (10 - DPS) * (1 + scale))


def taylor_oracle(net, at, order):
    """The exact Taylor polynomial of a tiny network at ``at`` (plain sympy derivatives)."""
    f = net.expr()
    X = net.inputs
    terms = {}
    for d in range(order + 1):
        for combo in itertools.combinations_with_replacement(range(len(X)), d):
            e = tuple(combo.count(i) for i in range(len(X)))
            g = f
            for i, k in enumerate(e):
                if k:
                    g = sympy.diff(g, X[i], k)
            c = g.subs(dict(zip(X, at))) / math.prod(math.factorial(k) for k in e)
            terms[e] = c
    return Polynomial(terms, X, order, center=at)


# ---------------------------------------------------------------------------
# hand-checked cases
# ---------------------------------------------------------------------------

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


def test_polynomial_activation_is_exact():
    # square is its own series: the only error is ball rounding
    net = Network.dense([[[1, 2]], [[3]]], biases=[[1], [0]], activations=["square", "identity"])
    p = expand(net, 2)
    b = error_bound(net, p, [(-1, 1), (R(-1, 2), 2)])
    assert b.certified and float(b) < 1e-20


def test_wrong_polynomial_is_still_bounded():
    # any polynomial is allowed: the zero polynomial's error is sup |net|
    # (the difference polynomial is bounded term by term, so not tightly)
    net = Network.dense([[[1, 1]]], activations=["tanh"])
    zero = Polynomial({}, net.inputs, 3)
    b = error_bound(net, zero, (-R(1, 2), R(1, 2)))
    assert math.tanh(1.0) <= float(b) <= math.tanh(1.0) * 2


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


# ---------------------------------------------------------------------------
# validity on random networks (the core property)
# ---------------------------------------------------------------------------

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


def test_relu_network_from_expand_taylor_mode():
    net = Network.dense([[[1.0, -1.0], [2.0, 0.5]], [[1.0, 1.0]]], biases=[[0.5, -0.25], [0.0]],
                        activations=["relu", "identity"])
    p = expand(net, 2, mode="taylor", at=[0.3, 0.1])
    near = [(0.25, 0.35), (0.05, 0.15)]  # no kink inside: only coefficient rounding
    b = error_bound(net, p, near)
    assert measured_error(net, p, near) <= b < 1e-15
    far = [(-0.2, 0.8), (-0.4, 0.6)]  # both kinks crossed
    assert measured_error(net, p, far, n_random=200) <= error_bound(net, p, far)


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


# ---------------------------------------------------------------------------
# the result object
# ---------------------------------------------------------------------------

def test_error_bound_object():
    net = Network.dense([[[1, -1]]], activations=["tanh"])
    p = expand(net, 3)
    b = error_bound(net, p, [(-0.25, 0.25), (0, R(1, 8))])
    assert isinstance(b, ErrorBound) and isinstance(b, float)
    assert b.bound == float(b) and b + 0 == float(b)
    assert sympy.Rational(float(b)) == b.as_rational()
    assert "certified" in str(b) and "[-0.25, 0.25] x [0, 1/8]" in str(b)
    assert repr(b).startswith("ErrorBound(")
    assert r"\le" in sympy.latex(b) and b._repr_latex_().startswith("$")
    c = pickle.loads(pickle.dumps(b))
    assert c == b and c.parts == b.parts and c.certified
    assert b.order == 3 and b.center == (0, 0)


def test_float_rounding_goes_up():
    from flint import arb, fmpq
    from symnet.bounds import _precision
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


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

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


def test_bad_polynomials_and_options(small):
    net, p = small
    y = sympy.Symbol("y")
    with pytest.raises(InputError):
        error_bound(net, Polynomial({(1, 0): 1}, [y, net.inputs[1]]), (-1, 1))
    with pytest.raises(ShapeError):
        error_bound(net, (p, p), (-1, 1))
    with pytest.raises(InputError):
        error_bound(net, "x1 + x2", (-1, 1))
    with pytest.raises(InputError):
        error_bound("net", p, (-1, 1))
    w = sympy.Symbol("w")
    with pytest.raises(DomainError, match="symbols"):
        error_bound(net, Polynomial({(1, 0): w}, net.inputs, 1), (-1, 1))
    with pytest.raises(WeightError, match="substitute"):
        error_bound(Network.mlp([2, 1], ["tanh"]), p, (-1, 1))
    with pytest.raises(OrderError):
        error_bound(net, p, (-1, 1), tm_order=2)
    with pytest.raises(OrderError):
        error_bound(net, p, (-1, 1), series_degree=-1)
    with pytest.raises(ShapeError):
        error_bound(net, p, (-1, 1), series_degree=[3, 3])
    with pytest.raises(ValueError):
        error_bound(net, p, (-1, 1), mode="chebyshev")


def test_series_degree_is_respected():
    net = Network.dense([[[1]]], activations=["tanh"])
    p = expand(net, 5, series_degree=3)  # x - x^3/3 kept at order 5
    box = (-R(1, 4), R(1, 4))
    b = error_bound(net, p, box, series_degree=3)
    assert measured_error(net, p, [box]) <= b
    # a wrong series_degree still gives a valid (here equally tight) bound
    assert measured_error(net, p, [box]) <= error_bound(net, p, box)


# ---------------------------------------------------------------------------
# convergence report
# ---------------------------------------------------------------------------

def test_convergence_report_tanh_inside_and_outside():
    net = Network.dense([[[1], [2]], [[1, 1]]], activations=["tanh", "identity"])
    inside = convergence_report(net, (-R(3, 4), R(3, 4)))  # ranges 3/4 and 3/2 < pi/2
    assert inside.outside == [] and inside.all_inside
    rows = {r[0]: r for r in inside.rows}
    assert rows[(1, 2)][5] == "inside"
    assert rows[(1, 2)][2] <= -1.5 and rows[(1, 2)][3] >= 1.5  # rigorous: contains the range
    assert rows[(1, 2)][3] < math.pi / 2
    assert rows[(2, 1)][5] == "entire"
    out = convergence_report(net, (-1, 1))  # neuron 2 reaches 2 > pi/2
    assert out.outside == [(1, 2)] and out.proven_outside == [(1, 2)]
    assert not out.all_inside
    text = str(out)
    assert "(1, 2)" in text and "outside" in text and "pi/2" in text
    assert r"\frac{\pi}{2}" in out._repr_latex_()
    assert isinstance(out, ConvergenceReport) and "outside=[(1, 2)]" in repr(out)


def test_convergence_report_statuses():
    net = Network.dense([[[1], [1], [1]], [[1, 1, 1]]], activations=["tanh", "identity"])
    net2 = Network.from_graph(_mixed_graph())
    rep = convergence_report(net2, (-1, 1))
    st_ = {r[0]: r[5] for r in rep.rows}
    assert st_["e"] == "entire" and st_["r"] == "not analytic" and st_["s"] == "inside"
    assert "r" in rep.unknown
    assert convergence_report(net, (-R(3, 2), R(3, 2))).all_inside


def _mixed_graph():
    import networkx as nx
    x = sympy.Symbol("x")
    G = nx.DiGraph()
    G.add_node("x", symbol=x)
    G.add_node("e", activation="erf")
    G.add_node("r", activation="relu")
    G.add_node("s", activation="sigmoid")
    G.add_node("o")
    for n in "ers":
        G.add_edge("x", n, weight=1)
        G.add_edge(n, "o", weight=1)
    return G


def test_convergence_report_may_leave_is_not_a_false_alarm():
    # the true range of the second layer is inside, but a loose enclosure
    # would be reported as "may leave", never as proven "outside"
    net = Network.dense([[[3], [-3]], [[1, 1]]], activations=["tanh", "tanh"])
    rep = convergence_report(net, (-1, 1))
    st_ = {r[0]: r[5] for r in rep.rows}
    assert st_[(2, 1)] in ("inside", "may leave")  # tanh(3x) + tanh(-3x) = 0
    assert (2, 1) not in rep.proven_outside


def test_convergence_warnings():
    net = Network.dense([[[1], [2]], [[1, 1]]], activations=["tanh", "identity"])
    assert _convergence_warnings(net, (-R(1, 2), R(1, 2))) == []
    msgs = _convergence_warnings(net, (-1, 1))
    assert len(msgs) == 1 and "(1, 2)" in msgs[0] and "pi/2" in msgs[0]


def test_convergence_report_symbolic_net():
    with pytest.raises(WeightError):
        convergence_report(Network.mlp([1, 1], ["tanh"]), (-1, 1))
