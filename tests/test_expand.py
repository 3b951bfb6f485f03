"""Tests of symnet.expand: oracles, known values, NN2Poly parity, domains, errors."""

import csv
import json
import math
import os
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Rational as R

import symnet
from oracles import series_oracle
from symnet import Network, expand
from symnet.errors import (
    DomainError,
    ExpansionTooLargeError,
    InputError,
    NonAnalyticActivationError,
    OrderError,
    ShapeError,
    SymnetError,
)

REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "nn2poly")  # NN2Poly fixture
x1, x2, x3 = sympy.symbols("x1 x2 x3")


def as_tuple(p):
    return p if isinstance(p, tuple) else (p,)


# ---------------------------------------------------------------------------
# known values
# ---------------------------------------------------------------------------

def test_sigmoid_known_value():
    net = Network.dense([[[1, 2]]], activations=["sigmoid"])
    p = expand(net, 3)
    expected = (R(1, 2) + x1 / 4 + x2 / 2 - x1**3 / 48 - x1**2 * x2 / 8 - x1 * x2**2 / 4
                - x2**3 / 6)
    assert sympy.expand(p.as_expr() - expected) == 0
    assert p.domain == "QQ"
    assert p.coeff(x1**2 * x2) == R(-1, 8)
    assert p.coeff((0, 3)) == R(-1, 6)


def test_tanh_of_tanh_is_composition_of_cubics():
    # docs/expansion.md: composing the cubic Maclaurin polynomials of tanh
    # gives x - 2x^3/3 + x^5/3 - x^7/9 + x^9/81 (series mode, q = 3, Q = 9)
    net = Network.dense([[[1]], [[1]]], activations=["tanh", "tanh"])
    p = expand(net, 9, series_degree=3)
    x = x1
    assert sympy.expand(p.as_expr() - (x - 2 * x**3 / 3 + x**5 / 3 - x**7 / 9 + x**9 / 81)) == 0


def test_bias_substituted_into_cubic():
    # sigma(x + 1) in series mode: the cubic Maclaurin polynomial at x + 1,
    # so the linear coefficient is 1/4 - 3/48 = 3/16
    net = Network.dense([[[1]]], biases=[[1]], activations=["sigmoid"])
    assert expand(net, 1, series_degree=3).coeff((1,)) == R(3, 16)


def test_exact_constants_stay_exact():
    net = Network.dense([[[1, 2]]], activations=["softplus"])
    p = expand(net, 2)
    assert p.coeff((0, 0)) == sympy.log(2)
    assert p.coeff((1, 1)) == R(1, 2)
    g = expand(Network.dense([[[1]]], activations=["gelu"]), 4)
    assert sympy.simplify(g.coeff((2,)) - 1 / sympy.sqrt(2 * sympy.pi)) == 0
    assert sympy.simplify(g.coeff((4,)) + 1 / (6 * sympy.sqrt(2 * sympy.pi))) == 0
    assert "log(2)" in expand(Network.dense([[[1]], [[1]]], activations=["softplus"] * 2),
                              2).domain


def test_identity_layers_compose_into_affine_map():
    net = Network.dense([[[1, 2], [3, 4]], [[R(1, 2), -1]]], biases=[[1, 2], [3]],
                        activations=["identity", "identity"])
    p = expand(net, 5)
    assert sympy.expand(p.as_expr() - (R(1, 2) * (x1 + 2 * x2 + 1) - (3 * x1 + 4 * x2 + 2) + 3)) \
        == 0


def test_polynomial_activation_is_exact():
    net = Network.dense([[[1, 1]], [[2]]], biases=[[1], [0]], activations=["square", "identity"])
    p = expand(net, 2)
    assert sympy.expand(p.as_expr() - 2 * (x1 + x2 + 1) ** 2) == 0


def test_order_zero_and_constant_network():
    net = Network.dense([[[0, 0]]], biases=[[R(1, 3)]], activations=["exp"])
    # the Maclaurin polynomial of exp of degree 0 is 1
    assert expand(net, 0).terms() == {(0, 0): 1}
    # of degree 2 at z = 1/3: 1 + 1/3 + 1/18
    assert expand(net, 2).terms() == {(0, 0): R(25, 18)}


# ---------------------------------------------------------------------------
# oracles
# ---------------------------------------------------------------------------

ACTS = ["tanh", "sigmoid", "softplus", "silu", "gelu", "erf", "sin", "cos", "exp", "square",
        "identity"]


@st.composite
def small_rational_networks(draw, acts=ACTS, max_width=3):
    n = draw(st.integers(1, 3))
    depth = draw(st.integers(1, 3))
    sizes = [n] + [draw(st.integers(1, max_width)) for _ in range(depth)]
    frac = st.builds(Fraction, st.integers(-4, 4), st.sampled_from([1, 2, 4]))
    Ws = [[[draw(frac) for _ in range(a)] for _ in range(b)] for a, b in zip(sizes, sizes[1:])]
    bs = [[draw(frac) for _ in range(b)] for b in sizes[1:]]
    activations = [draw(st.sampled_from(acts)) for _ in sizes[1:]]
    return Network.dense(Ws, bs, activations=activations)


@given(small_rational_networks(), st.integers(0, 4))
@settings(max_examples=20)
def test_exact_matches_plain_sympy_oracle(net, order):
    got = as_tuple(expand(net, order))
    for p, o in zip(got, series_oracle(net, order)):
        assert sympy.simplify(p.as_expr() - o) == 0


@given(small_rational_networks(), st.integers(1, 3), st.integers(0, 4))
@settings(max_examples=15)
def test_series_degree_matches_oracle(net, q, order):
    got = as_tuple(expand(net, order, series_degree=q))
    for p, o in zip(got, series_oracle(net, order, series_degree=q)):
        assert sympy.simplify(p.as_expr() - o) == 0


@given(small_rational_networks(acts=["tanh", "sigmoid", "sin", "cos", "exp", "square",
                                     "identity", "silu"]), st.integers(0, 5))
@settings(max_examples=25)
def test_float_agrees_with_exact(net, order):
    exact = as_tuple(expand(net, order))
    flt = as_tuple(expand(net, order, domain="RR"))
    for p, q in zip(exact, flt):
        assert q.domain == "RR"
        te, tf = p.terms(), q.terms()
        for e in set(te) | set(tf):
            a = float(te.get(e, 0))
            b = tf.get(e, 0.0)
            assert isinstance(b, float)
            assert abs(a - b) <= 1e-9 * max(1.0, abs(a)), (e, a, b)


def test_skip_connections_match_oracle():
    import networkx as nx
    G = nx.DiGraph()
    G.add_node("x", symbol=x1)
    G.add_node("y", symbol=x2)
    G.add_node("a", activation="tanh", bias=R(1, 2))
    G.add_node("b", activation="sigmoid", bias=-1)
    G.add_node("out", activation="identity")
    G.add_edges_from([("x", "a", {"weight": 2}), ("y", "a", {"weight": -1}),
                      ("a", "b", {"weight": 3}), ("x", "b", {"weight": 1}),
                      ("b", "out", {"weight": 1}), ("a", "out", {"weight": R(1, 3)}),
                      ("y", "out", {"weight": 5})])
    net = Network.from_graph(G)
    for order in range(5):
        for engine in (None, "RR"):
            p = expand(net, order, domain=engine)
            o = series_oracle(net, order)[0]
            if engine is None:
                assert sympy.expand(p.as_expr() - o) == 0
            else:
                for e, c in p.terms().items():
                    assert abs(c - float(sympy.Poly(o, x1, x2).coeff_monomial(
                        x1**e[0] * x2**e[1]))) < 1e-12


def test_multiple_outputs_give_a_tuple():
    net = Network.dense([[[1, 2], [3, -1]]], activations=["tanh"])
    ps = expand(net, 3)
    assert isinstance(ps, tuple) and len(ps) == 2
    o = series_oracle(net, 3)
    assert all(sympy.expand(p.as_expr() - e) == 0 for p, e in zip(ps, o))


# ---------------------------------------------------------------------------
# symbolic weights
# ---------------------------------------------------------------------------

def test_symbolic_expansion_then_substitution_equals_numeric():
    net = Network.mlp([2, 2, 1], activation="tanh")
    p = expand(net, 3)
    assert p.domain.startswith("QQ[")
    rng = np.random.RandomState(3)
    vals = {s: R(int(rng.randint(-8, 9)), 4) for s in net.free_symbols}
    numeric = expand(net.subs(vals), 3)
    for e, c in p.terms().items():
        assert sympy.expand(c.subs(vals)) == numeric.coeff(e)
    for e, c in numeric.terms().items():
        assert sympy.expand(p.coeff(e).subs(vals)) == c


def test_symbolic_single_neuron_coefficients():
    # Chiang: sigma(b + w.x) has coefficient sigma^(|a|)(b) w^a / a! -- in
    # series mode with q = order the degree-1 coefficient is D_1(b) w
    w, b = sympy.symbols("w b")
    net = Network.dense([[[w]]], biases=[[b]], activations=["exp"])
    p = expand(net, 2)
    assert sympy.expand(p.coeff((1,)) - w * (1 + b)) == 0
    assert sympy.expand(p.coeff((2,)) - w**2 / 2) == 0


def test_symbolic_and_float_weights_give_float_coefficients():
    w = sympy.Symbol("w")
    net = Network.dense([[[w, 0.5]]], activations=["tanh"])
    p = expand(net, 3)
    c = p.coeff((0, 1))
    assert c.has(sympy.Float) or isinstance(c, float)
    assert abs(float(c) - 0.5) < 1e-15


# ---------------------------------------------------------------------------
# domains
# ---------------------------------------------------------------------------

def test_float_weights_default_to_float_and_qq_is_exact_binary():
    net = Network.dense([[[0.1, 0.25]]], activations=["tanh"])
    pf = expand(net, 3)
    assert pf.domain == "RR" and isinstance(pf.coeff((1, 0)), float)
    pq = expand(net, 3, domain="QQ")
    assert pq.domain == "QQ"
    assert pq.coeff((1, 0)) == sympy.Rational(0.1)  # the exact binary value
    assert pq.coeff((3, 0)) == -sympy.Rational(0.1) ** 3 / 3


def test_rr_on_exact_weights():
    net = Network.dense([[[1, 2]]], activations=["softplus"])
    p = expand(net, 2, domain="RR")
    assert abs(p.coeff((0, 0)) - math.log(2)) < 1e-15


def test_bad_domain():
    net = Network.mlp([1, 1])
    with pytest.raises(DomainError, match="symbols"):
        expand(net, 2, domain="RR")
    with pytest.raises(DomainError, match="unknown domain"):
        expand(Network.dense([[[1]]]), 2, domain="ZZ/7")


# ---------------------------------------------------------------------------
# NN2Poly parity
# ---------------------------------------------------------------------------

def nn2poly_network():
    with open(os.path.join(REF, "small_weights.json")) as f:
        data = json.load(f)
    acts = data["activations"]
    Ws, bs = [], []
    for M in data["layers"]:
        M = np.array(M, dtype=float)
        bs.append(M[0])
        Ws.append(M[1:].T)
    return Network.dense(Ws, bs, activations=[a for a in acts])


def nn2poly_coefficients():
    out = {}
    with open(os.path.join(REF, "small_mo3_t3_coeffs.csv")) as f:
        for row in csv.DictReader(f):
            label = row["label"]
            e = [0, 0, 0]
            if label != "0":
                for i in label.split(","):
                    e[int(i) - 1] += 1
            out[tuple(e)] = float(row["coef_out1"])
    return out


@pytest.mark.parametrize("domain", [None, "QQ"])
def test_nn2poly_parity(domain):
    net = nn2poly_network()
    p = expand(net, 3, series_degree=[3, 1], domain=domain)
    ref = nn2poly_coefficients()
    assert len(ref) == 20
    for e, c in ref.items():
        got = float(p.coeff(e))
        assert abs(got - c) <= 1e-10 * max(1.0, abs(c)), (e, got, c)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("order", [-1, 1.5, "3", None, True])
def test_bad_order(order):
    with pytest.raises(OrderError):
        expand(Network.dense([[[1]]]), order)


def test_bad_series_degree():
    net = Network.dense([[[1]], [[1]]], activations=["tanh", "tanh"])
    with pytest.raises(ShapeError, match="one degree per layer"):
        expand(net, 3, series_degree=[1, 2, 3])
    with pytest.raises(OrderError):
        expand(net, 3, series_degree=-2)


def test_non_analytic_names_neuron():
    net = Network.dense([[[1, 2], [1, 1]], [[1, 1]]], activations=["relu", "identity"])
    with pytest.raises(NonAnalyticActivationError, match=r"\(1, 1\).*relu.*taylor"):
        expand(net, 2)


def test_not_a_network():
    with pytest.raises(InputError, match="symnet.Network"):
        expand("tanh(x)", 3)


def test_memory_refusal_names_estimate_and_override():
    net = Network.dense([np.ones((64, 200)) * 0.1, np.ones((1, 64))], activations="tanh")
    with pytest.raises(ExpansionTooLargeError, match="memory_limit=None"):
        expand(net, 8)
    with pytest.raises(ExpansionTooLargeError, match="GiB"):
        expand(Network.dense([[[0.5, 0.5]]]), 3, memory_limit=10)
    assert isinstance(ExpansionTooLargeError("x"), SymnetError)


def test_estimate_work():
    est = symnet.estimate_work(Network.dense([np.ones((5, 10))]), 3)
    assert est["monomials"] == math.comb(13, 3) and est["neurons"] == 5


# ---------------------------------------------------------------------------
# Taylor mode
# ---------------------------------------------------------------------------

def taylor_oracle_coeff(f, X, at, e):
    """d^e f(a) / e! by plain sympy differentiation, evaluated to 50 digits."""
    d = f
    for x, k in zip(X, e):
        if k:
            d = sympy.diff(d, x, k)
    den = 1
    for k in e:
        den *= math.factorial(k)
    return sympy.N(d.subs(dict(zip(X, at))), 60) / den


@pytest.mark.parametrize("acts", [["tanh", "identity"], ["sigmoid", "tanh"],
                                  ["softplus", "identity"], ["gelu", "sin"],
                                  ["silu", "exp"]])
def test_taylor_exact_matches_sympy_series(acts):
    net = Network.dense([[[1, R(-1, 2)], [R(1, 3), 1]], [[1, 2]]], biases=[[R(1, 2), -1], [R(1, 4)]],
                        activations=acts)
    at = (R(1, 3), R(-1, 2))
    p = expand(net, 3, mode="taylor", at=at)
    assert p.center == at
    f = net.expr()
    for e in [(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2), (3, 0), (1, 2)]:
        got = sympy.N(p.coeff(e), 60)
        want = taylor_oracle_coeff(f, net.inputs, at, e)
        assert abs(got - want) < 1e-40, (e, got, want)


def test_taylor_exact_matches_sympy_series_one_input():
    # the sympy series of f(a + t) itself, on a tiny nested network
    net = Network.dense([[[1], [R(-1, 2)]], [[1, 1]]], biases=[[R(1, 2), 1], [0]],
                        activations=["tanh", "tanh"])
    a = R(1, 3)
    t = sympy.Symbol("t")
    ser = sympy.series(net.expr().subs(net.inputs[0], a + t), t, 0, 4).removeO()
    p = expand(net, 3, mode="taylor", at=[a])
    for k in range(4):
        assert abs(sympy.N(p.coeff((k,)) - ser.coeff(t, k), 50)) < 1e-40


def test_taylor_exact_closed_forms():
    # sigma(x + 1): derivative e/(1 + e)^2, differs from series mode's 3/16
    net = Network.dense([[[1]]], biases=[[1]], activations=["sigmoid"])
    p = expand(net, 3, mode="taylor")
    assert sympy.simplify(p.coeff((1,)) - sympy.E / (1 + sympy.E) ** 2) == 0
    assert p.coeff((1,)) != expand(net, 3).coeff((1,))
    # the cubic coefficient of tanh at 1/2 involves tanh(1/2)
    q = expand(Network.dense([[[1]]], activations=["tanh"]), 3, mode="taylor", at=[R(1, 2)])
    assert q.coeff((3,)).has(sympy.tanh(R(1, 2)))
    # tanh(tanh x) = x - 2x^3/3 + 3x^5/5 (the true composition, unlike series mode)
    tt = expand(Network.dense([[[1]], [[1]]], activations=["tanh", "tanh"]), 5, mode="taylor")
    assert tt.terms() == {(1,): 1, (3,): R(-2, 3), (5,): R(3, 5)}


def test_taylor_float_and_mpf_agree_with_exact():
    rng = np.random.RandomState(5)
    Ws = [[[R(int(v), 8) for v in row] for row in rng.randint(-8, 9, size=(3, 2))],
          [[R(int(v), 8) for v in row] for row in rng.randint(-8, 9, size=(1, 3))]]
    bs = [[R(1, 4), R(-1, 2), 0], [R(1, 8)]]
    net = Network.dense(Ws, bs, activations=["tanh", "identity"])
    at = [R(1, 5), R(-3, 10)]
    pe = expand(net, 4, mode="taylor", at=at)
    pf = expand(net, 4, mode="taylor", at=[0.2, -0.3], domain="RR")
    pm = expand(net, 4, mode="taylor", at=at, domain="mpf", prec=200)
    assert pf.domain == "RR" and pm.domain == "mpf"
    for e, c in pe.terms().items():
        v = sympy.N(c, 60)
        assert abs(pf.coeff(e) - float(v)) < 1e-12
        assert abs(sympy.Float(str(pm.coeff(e)), 60) - v) < sympy.Float(10) ** -55


def test_taylor_evaluates_at_points_not_shifts():
    net = Network.dense([[[1.0, 0.5]], [[2.0]]], biases=[[0.1], [0.0]], activations=["tanh", "identity"])
    a = np.array([0.3, -0.2])
    p = expand(net, 5, mode="taylor", at=a)
    X = a + 1e-2 * np.random.RandomState(0).randn(20, 2)
    np.testing.assert_allclose(p(X), net(X)[:, 0], atol=1e-10)
    assert abs(p(a) - net(a)) < 1e-14


def test_local_polynomials_batched_equals_single():
    rng = np.random.RandomState(2)
    net = Network.dense([rng.randn(5, 3), rng.randn(2, 5)], [rng.randn(5), rng.randn(2)],
                        activations=["sigmoid", "identity"])
    X = rng.randn(70, 3)
    ps = symnet.local_polynomials(net, X, 3)
    assert len(ps) == 70
    for i in (0, 33, 69):
        single = expand(net, 3, mode="taylor", at=X[i])
        for p, q in zip(ps[i], single):
            assert p.center == q.center
            for e, c in q.terms().items():
                assert abs(p.coeff(e) - c) < 1e-12


def test_taylor_relu_piecewise_linear():
    net = Network.dense([[[1, -1], [2, 1]], [[1, 1]]], activations=["relu", "identity"])
    p = expand(net, 2, mode="taylor", at=[R(1), R(1, 2)])
    # at (1, 1/2): first neuron 1/2 > 0 active, second 5/2 > 0 active
    assert p.terms() == {(0, 0): 3, (1, 0): 3, (0, 1): 0} or p.terms() == {(0, 0): 3, (1, 0): 3}
    with pytest.raises(NonAnalyticActivationError, match="kink"):
        expand(net, 2, mode="taylor", at=[R(1), R(1)])
    with pytest.raises(NonAnalyticActivationError, match="kink"):
        expand(net, 2, mode="taylor", at=[1.0, 1.0])


def test_taylor_bad_input():
    net = Network.dense([[[1, 2]]], activations=["tanh"])
    with pytest.raises(ShapeError, match="2 coordinates"):
        expand(net, 2, mode="taylor", at=[1, 2, 3])
    with pytest.raises(ValueError, match="only for mode='taylor'"):
        expand(net, 2, at=[0, 0])
    with pytest.raises(ValueError, match="only for mode='series'"):
        expand(net, 2, mode="taylor", series_degree=3)
    with pytest.raises(ValueError, match="mode must be"):
        expand(net, 2, mode="pade")
    with pytest.raises(DomainError, match="prec"):
        expand(net, 2, mode="taylor", prec=100)
    from symnet.errors import WeightError
    with pytest.raises(WeightError):
        expand(net, 2, mode="taylor", at=[float("nan"), 0])


def test_meta_records_mode():
    net = Network.dense([[[1]], [[1]]], activations=["tanh", "tanh"])
    assert expand(net, 3, series_degree=[3, 1]).meta == {"mode": "series", "series_degree": (3, 1)}
    assert expand(net, 3, mode="taylor").meta["mode"] == "taylor"


# ---------------------------------------------------------------------------
# the two ways of summing D_k v^k agree (power chain and truncated Horner)
# ---------------------------------------------------------------------------

def _net_for_paths():
    rng = np.random.RandomState(0)
    q = lambda a: [[R(int(round(8 * v)), 8) for v in row] for row in a]  # noqa: E731
    return Network.dense([q(rng.randn(4, 3)), q(rng.randn(5, 4)), q(rng.randn(2, 5))],
                         [q(rng.randn(1, 4))[0], q(rng.randn(1, 5))[0], q(rng.randn(1, 2))[0]],
                         activations=["sigmoid", "softplus", "identity"])


@pytest.mark.parametrize("engine", ["exact", "float"])
def test_horner_and_power_chain_agree(monkeypatch, engine):
    import symnet.engines.graded as mod  # the one cost model both engines use
    net = _net_for_paths()
    domain = None if engine == "exact" else "RR"
    for Q in (2, 3, 5):
        monkeypatch.setattr(mod, "horner_cost", lambda *a: 0)
        monkeypatch.setattr(mod, "powers_cost", lambda *a: 1)
        a = expand(net, Q, domain=domain)
        monkeypatch.setattr(mod, "horner_cost", lambda *a: 1)
        monkeypatch.setattr(mod, "powers_cost", lambda *a: 0)
        b = expand(net, Q, domain=domain)
        for p, q in zip(a, b):
            if engine == "exact":
                assert sympy.simplify(p.as_expr() - q.as_expr()) == 0
            else:
                for e in set(p.terms()) | set(q.terms()):
                    assert abs(p.coeff(e) - q.coeff(e)) < 1e-12
    # and both agree with the plain sympy oracle
    o = series_oracle(net, 3)
    for p, e in zip(expand(net, 3), o):
        assert sympy.simplify(p.as_expr() - e) == 0


def test_taylor_order_zero_keeps_the_centre():
    # the value of the network at the point: exact, float and mpf agree
    net = Network.dense([[[1, 2]], [[3]]], biases=[[R(1, 4)], [1]], activations=["tanh", "identity"])
    at = [R(1, 2), R(-1, 3)]
    want = 1 + 3 * sympy.tanh(R(1, 2) - R(2, 3) + R(1, 4))
    assert sympy.simplify(expand(net, 0, mode="taylor", at=at).coeff((0, 0)) - want) == 0
    assert abs(expand(net, 0, mode="taylor", at=[0.5, -1 / 3], domain="RR").coeff((0, 0))
               - float(want)) < 1e-15
