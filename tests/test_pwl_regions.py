"""symnet.piecewise: regions of relu-family networks, checked against independent oracles.

Oracles: (1) brute force over every activation pattern of a tiny network, each
pattern's region tested for interior points by an exact rational simplex;
(2) dense exact sampling against plain sympy evaluation of ``net.expr()``;
(3) the worked example of docs/relu.md; (4) volumes adding up to the box.
"""

import itertools
import random
from fractions import Fraction as F

import networkx as nx
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet
from symnet import Network
from symnet.errors import (ActivationError, ArgumentError, BoxError, ResourceError, ShapeError,
                           WeightError)
from symnet.pwl.polyhedra import exact_lp

R = sympy.Rational


# ---------------------------------------------------------------------------
# oracles
# ---------------------------------------------------------------------------

_EXPR = {}


def sympy_value(net, x):
    """Exact outputs by substituting into net.expr() (plain sympy, no symnet.pwl)."""
    if id(net) not in _EXPR:
        e = net.expr()
        _EXPR[id(net)] = (net, e if isinstance(e, tuple) else (e,))
    es = _EXPR[id(net)][1]
    sub = {s: sympy.Rational(v) for s, v in zip(net.inputs, x)}
    out = []
    for ei in es:
        v = ei.xreplace(sub)
        out.append(v if v.is_Rational else sympy.simplify(v))
    return tuple(out)


def _act_pieces(name):
    """(kinks, slopes, intercepts) of the activations used in these tests (by hand)."""
    if name == "relu":
        return [0], [0, 1], [0, 0]
    if name == "identity":
        return [], [1], [0]
    if name.startswith("leaky_relu"):
        a = R(name[len("leaky_relu["):-1]) if "[" in name else R(1, 100)
        return [0], [a, 1], [0, 0]
    if name.startswith("hardtanh"):
        lo, hi = (R(v) for v in name[len("hardtanh["):-1].split(",")) if "[" in name else (-1, 1)
        return [lo, hi], [0, 1, 0], [lo, 0, hi]
    raise AssertionError(name)


def brute_force_patterns(net, box):
    """Every pattern whose region has interior points, by an exact LP per pattern."""
    d = net.n_inputs
    stages = net.stages()
    units = []
    for s in stages:
        for a in s.activations:
            units.append(_act_pieces(a.name))
    kinked = [i for i, u in enumerate(units) if u[0]]
    found = set()
    choices = [range(len(units[i][0]) + 1) for i in kinked]
    for pat in itertools.product(*choices):
        piece = dict(zip(kinked, pat))
        # affine maps under the pattern; constraints z in its piece (strict)
        rows = [([R(int(i == j)) for j in range(d)], R(0)) for i in range(d)]
        A, b = [], []
        k = 0
        for s in stages:
            src = [rows[p] for p in s.sources]
            for row, bias in zip(s.weights, s.biases):
                lin = [R(0)] * d
                c = R(bias)
                for w, (m, cc) in zip(row, src):
                    w = R(w)
                    lin = [a + w * v for a, v in zip(lin, m)]
                    c += w * cc
                kinks, sl, ic = units[k]
                p = piece.get(k, 0)
                if kinks and not any(lin):
                    # a constant pre-activation: ties go to the upper piece (z >= kink)
                    if (p > 0 and c < kinks[p - 1]) or (p < len(kinks) and c >= kinks[p]):
                        A.append([R(0)] * d)
                        b.append(R(-1))
                elif kinks:
                    if p > 0:          # z > kinks[p-1]:  -lin x < c - kink
                        A.append([-v for v in lin])
                        b.append(c - kinks[p - 1])
                    if p < len(kinks):  # z < kinks[p]
                        A.append(list(lin))
                        b.append(kinks[p] - c)
                rows.append(([sl[p] * v for v in lin], sl[p] * c + ic[p]))
                k += 1
        for i, (lo, hi) in enumerate(box):
            e = [R(int(i == j)) for j in range(d)]
            A.append([-v for v in e])
            b.append(-R(lo))
            A.append(e)
            b.append(R(hi))
        # max r s.t. A x + r <= b, r <= 1, x free (split), r free (split)
        Arows = [list(r) + [-v for v in r] + [1, -1] for r in A] + [[0] * (2 * d) + [1, -1]]
        status, y, val, _ = exact_lp([0] * (2 * d) + [1, -1], Arows, b + [1])
        if status == "optimal" and val > 0:
            found.add(tuple(pat))
    return found


def random_net(rng, sizes, acts, scale=4):
    Ws = [[[R(rng.randint(-scale, scale), rng.randint(1, 3)) for _ in range(a)]
           for _ in range(bb)] for a, bb in zip(sizes[:-1], sizes[1:])]
    bs = [[R(rng.randint(-scale, scale), rng.randint(1, 4)) for _ in range(bb)] for bb in sizes[1:]]
    return Network.dense(Ws, bs, activations=acts)


def random_points(rng, box, n):
    out = []
    for _ in range(n):
        out.append(tuple(R(lo) + (R(hi) - R(lo)) * R(rng.randint(1, 10006), 10007)
                         for lo, hi in box))
    return out


# ---------------------------------------------------------------------------
# the worked example of docs/relu.md
# ---------------------------------------------------------------------------

def test_relu_md_example():
    net = Network.dense([[[1, 0], [0, 1]], [[1, 1]]], activations=["relu", "identity"])
    pw = symnet.piecewise(net)
    assert len(pw) == 4
    assert [r.pattern for r in pw.regions] == [(0, 0), (1, 0), (0, 1), (1, 1)]
    x1, x2 = net.inputs
    assert [r.expressions()[0] for r in pw.regions] == [0, x1, x2, x1 + x2]
    want = sympy.sympify("Piecewise((0, (x1 < 0) & (x2 < 0)), (x1, (x1 >= 0) & (x2 < 0)), "
                         "(x2, (x1 < 0) & (x2 >= 0)), (x1 + x2, True))")
    assert pw.as_piecewise() == want
    assert all(not r.is_bounded for r in pw.regions)
    assert pw.regions[0].rays == [(-1, 0), (0, -1)]
    tex = sympy.latex(pw)
    assert tex.startswith(r"\begin{cases}") and tex.endswith(r"\end{cases}")
    assert pw._repr_latex_().startswith("$\\displaystyle \\begin{cases}")
    # the Piecewise is exact everywhere, boundaries included
    for x in [(0, 0), (0, 5), (-3, 0), (R(1, 3), R(-2, 7))]:
        assert pw.as_piecewise().subs(dict(zip(net.inputs, x))) == pw(x)[0] == sum(
            max(v, 0) for v in x)


# ---------------------------------------------------------------------------
# brute force and sampling on small random networks
# ---------------------------------------------------------------------------

CASES = [
    ([1, 3, 3, 1], ["relu", "relu", "identity"], [(-3, 3)]),
    ([1, 2, 2, 2], ["hardtanh", "leaky_relu[1/5]", "identity"], [(-4, 4)]),
    ([2, 3, 2, 1], ["relu", "relu", "identity"], [(-2, 2), (-1, 3)]),
    ([2, 3, 2, 1], ["relu", "hardtanh[0,2]", "relu"], [(-2, 2), (-2, 2)]),
    ([2, 2, 3, 2], ["leaky_relu[1/3]", "relu", "identity"], [(-1, 1), (0, 2)]),
    ([3, 3, 2, 1], ["relu", "relu", "identity"], [(-1, 1)] * 3),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sizes,acts,box", CASES)
def test_regions_match_brute_force(sizes, acts, box, seed):
    rng = random.Random(seed * 100 + len(sizes) + sizes[0])
    net = random_net(rng, sizes, acts)
    pw = symnet.piecewise(net, box=box)
    assert {r.pattern for r in pw.regions} == brute_force_patterns(net, box)
    assert len({r.pattern for r in pw.regions}) == len(pw)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("sizes,acts,box", CASES)
def test_sampling_exact_values_and_unique_region(sizes, acts, box, seed):
    rng = random.Random(seed + 7)
    net = random_net(rng, sizes, acts)
    pw = symnet.piecewise(net, box=box)
    for x in random_points(rng, box, 12):
        assert pw(x) == sympy_value(net, x)
        hits = pw.region_of(x)
        assert len(hits) == 1
        assert hits[0].value(x) == pw(x)
    for r in pw.regions:
        p = r.interior_point
        assert all(R(lo) < v < R(hi) for v, (lo, hi) in zip(p, box))
        assert pw.region_of(p) == [r]
        assert r.value(p) == sympy_value(net, p)
        # the pattern is the pattern of the interior point
        la = symnet.local_affine(net, p)
        assert not la.on_boundary and la.pattern == r.pattern and la.affine == r.affine
        A, b = r.inequalities
        assert all(v < 0 for v in (A * sympy.Matrix(p) - b))
        if r.is_bounded:
            for v in r.vertices:
                assert r.contains(v)
                assert all(t <= 0 for t in (A * sympy.Matrix(v) - b))


def test_lp_engine_agrees_with_vertex_engine():
    rng = random.Random(5)
    for sizes, acts, box in CASES[2:]:
        net = random_net(rng, sizes, acts)
        a = symnet.piecewise(net, box=box)
        b = symnet.piecewise(net, box=box, method="lp")
        assert b.method == "lp"
        assert {r.pattern: r.affine for r in a} == {r.pattern: r.affine for r in b}
        r = b.regions[len(b) // 2]
        assert r.inequalities == a.regions[[q.pattern for q in a].index(r.pattern)].inequalities
        for x in random_points(rng, box, 4):
            assert a(x) == b(x)


# ---------------------------------------------------------------------------
# geometry: volumes, boundaries, merging
# ---------------------------------------------------------------------------

def test_region_volumes_2d_sum_to_box():
    rng = random.Random(3)
    net = random_net(rng, [2, 4, 3, 1], ["relu", "relu", "identity"])
    box = [(-2, 2), (-1, R(3, 2))]
    pw = symnet.piecewise(net, box=box)
    assert sum(r.volume() for r in pw.regions) == 4 * R(5, 2)
    assert sum(r.volume() for r in pw.merged()) == 10


def test_boundary_points_report_every_region():
    net = Network.dense([[[1], [1]], [[1, -1]]], biases=[[0, -1], [0]],
                        activations=["relu", "identity"])
    pw = symnet.piecewise(net, box=[(-2, 3)])
    assert pw.breakpoints == [0, 1]
    assert [r.index for r in pw.region_of([0])] == [0, 1]
    assert [r.index for r in pw.region_of([1])] == [1, 2]
    assert pw([0]) == (0,) and pw([1]) == (1,) and pw([3]) == (1,) and pw([-2]) == (0,)
    la = symnet.local_affine(net, [1])
    assert la.on_boundary and la.ties == ((1, 2),) and la.affine[0][0] == 0
    la = symnet.local_affine(net, [1], direction=[-1])
    assert la.affine[0][0] == 1 and la.value == (1,)


def test_merged_pieces_and_unbounded_1d():
    net = Network.dense([[[1], [-1], [1]], [[1, -1, 0]]], biases=[[0, 0, -5], [0]],
                        activations=["relu", "identity"])  # relu(x) - relu(-x) = x, kink at 5 unused
    pw = symnet.piecewise(net)
    assert len(pw) == 3 and len(pw.merged()) == 1
    assert pw.breakpoints == [0, 5]
    m = pw.merged().regions[0]
    assert len(m.cells) == 3 and m.inequalities is None
    assert m.expressions()[0] == net.inputs[0]
    assert pw.regions[0].rays == [(-1,)] and pw.regions[0].vertices == [(0,)]
    assert pw.regions[0].volume() == sympy.oo


def test_whole_space_2d_unbounded_regions():
    rng = random.Random(11)
    net = random_net(rng, [2, 3, 2, 1], ["relu", "relu", "identity"])
    pw = symnet.piecewise(net)
    big = symnet.piecewise(net, box=[(-1000, 1000)] * 2)
    assert len(big) <= len(pw)
    for x in random_points(rng, [(-50, 50)] * 2, 10):
        assert pw(x) == sympy_value(net, x)


def test_polyhedron_box():
    net = Network.dense([[[1, 0], [0, 1]], [[1, 1]]], activations=["relu", "identity"])
    tri = ([[-1, 0], [0, -1], [1, 1]], [1, 1, 1])     # x >= -1, y >= -1, x + y <= 1
    pw = symnet.piecewise(net, box=tri)
    assert len(pw) == 4
    assert sum(r.volume() for r in pw) == R(9, 2)
    with pytest.raises(BoxError):
        pw([1, 1])
    with pytest.raises(BoxError, match="empty interior"):
        symnet.piecewise(net, box=([[1, 0], [-1, 0]], [0, 0]))


def test_skip_connections_and_multi_output():
    x, y = sympy.symbols("x y")
    G = nx.DiGraph()
    G.add_node("x", symbol=x)
    G.add_node("y", symbol=y)
    G.add_node("h", activation="relu", bias=R(-1, 2))
    G.add_node("g", activation="hardtanh", bias=0)
    G.add_node("o1", activation="identity")
    G.add_node("o2", activation="leaky_relu[1/4]")
    G.add_edge("x", "h", weight=1)
    G.add_edge("y", "h", weight=-1)
    G.add_edge("h", "g", weight=2)
    G.add_edge("x", "g", weight=R(1, 3))
    G.add_edge("g", "o1", weight=1)
    G.add_edge("x", "o1", weight=-1)     # skip connection
    G.add_edge("h", "o2", weight=1)
    G.add_edge("y", "o2", weight=1)
    net = Network.from_graph(G, outputs=["o1", "o2"])
    box = [(-2, 2), (-2, 2)]
    pw = symnet.piecewise(net, box=box)
    assert pw.n_outputs == 2 and pw.units == ("h", "g", "o2")
    rng = random.Random(2)
    for p in random_points(rng, box, 15):
        assert pw(p) == sympy_value(net, p)
    M, c = pw.regions[0].affine
    assert M.shape == (2, 2) and c.shape == (2, 1)
    pcs = pw.as_piecewise()
    assert isinstance(pcs, tuple) and len(pcs) == 2
    assert r"\begin{aligned}" in sympy.latex(pw)


def test_float_weights_are_exact_binary_values():
    net = Network.dense([np.array([[0.1], [-0.3]]), np.array([[1.0, 1.0]])],
                        [np.array([0.2, 0.05]), np.array([0.0])], activations=["relu", "identity"])
    pw = symnet.piecewise(net, box=[(-1, 1)])
    # breakpoints are -b/w with the exact binary values of the floats
    want = sorted([-R(0.2) / R(0.1), -R(0.05) / R(-0.3)])
    assert [b for b in pw.breakpoints] == [w for w in want if -1 < w < 1]
    for r in pw.regions:
        for v in list(r.affine[0]) + list(r.affine[1]):
            assert isinstance(v, sympy.Rational)
    x = (R(1, 3),)
    assert pw(x)[0] == max(R(0.1) * x[0] + R(0.2), 0) + max(R(-0.3) * x[0] + R(0.05), 0)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

def test_errors():
    net = Network.dense([[[1, 2]], [[1]]], activations=["tanh", "identity"])
    with pytest.raises(ActivationError, match=r"\(1, 1\).*tanh"):
        symnet.piecewise(net)
    sym = Network.mlp([1, 2, 1], activation=["relu", "identity"])
    with pytest.raises(WeightError):
        symnet.piecewise(sym)
    M, c = symnet.pwl.pattern_affine(sym, (1, 1))
    assert sympy.expand(M[0, 0]) == sympy.sympify("w1_1_1*w2_1_1 + w1_2_1*w2_1_2")
    relu = Network.dense([[[1, 2]], [[1]]], activations=["relu", "identity"])
    with pytest.raises(BoxError, match="expected 2"):
        symnet.piecewise(relu, box=[(0, 1)])
    with pytest.raises(BoxError, match="lo"):
        symnet.piecewise(relu, box=[(0, 1), (2, 1)])
    with pytest.raises(BoxError):
        symnet.piecewise(relu, box=[(0, 1), (1, 1)])
    with pytest.raises(BoxError):
        symnet.piecewise(relu, box=[(0, 1), (0, float("inf"))])
    pw = symnet.piecewise(relu, box=[(0, 1), (0, 1)])
    with pytest.raises(ArgumentError, match="float"):
        pw([0.5, 0.5])
    with pytest.raises(ShapeError):
        pw([R(1, 2)])
    with pytest.raises(BoxError, match="outside"):
        pw([2, 0])
    assert pw([1, 1]) == (3,)                       # a corner of the closed box


def test_budget_stops_with_an_estimate():
    from symnet.constructions import sawtooth
    with pytest.raises(ResourceError, match="about") as e:
        symnet.piecewise(sawtooth(12), box=[(0, 1)], max_regions=100)
    assert e.value.count > 100 and e.value.estimate >= e.value.count
    c = symnet.count_regions(sawtooth(12), box=[(0, 1)], max_regions=100)
    assert c.exact is None and c.estimate > 100
    assert "budget" in repr(c)


def test_memory_refused_up_front(monkeypatch):
    from symnet import _validate
    monkeypatch.setattr(_validate, "available_memory", lambda: 10_000)
    from symnet.constructions import sawtooth
    with pytest.raises(ResourceError, match="memory"):
        symnet.piecewise(sawtooth(20), box=[(0, 1)])


# ---------------------------------------------------------------------------
# counting
# ---------------------------------------------------------------------------

def test_count_regions_bounds():
    rng = random.Random(4)
    net = random_net(rng, [2, 5, 1], ["relu", "identity"])
    c = symnet.count_regions(net, pieces=True)
    assert c.exact == len(symnet.piecewise(net))
    assert c.bounds["zaslavsky"] == 1 + 5 + 10
    assert c.exact <= c.upper_bound and c.pieces <= c.exact
    deep = random_net(rng, [1, 4, 4, 1], ["relu", "relu", "identity"])
    c = symnet.count_regions(deep, box=[(-5, 5)])
    assert c.bounds["serra"] == 25 and c.bounds["montufar_lower"] == 20
    assert c.exact <= 25
    mixed = random_net(rng, [2, 3, 1], ["hardtanh", "identity"])
    c = symnet.count_regions(mixed)
    assert "serra" not in c.bounds and c.bounds["zaslavsky"] == 1 + 6 + 15


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

small_acts = st.sampled_from(["relu", "leaky_relu[1/4]", "hardtanh", "identity"])


@st.composite
def small_nets(draw, d):
    widths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    sizes = [d] + widths + [1]
    frac = st.builds(lambda p, q: R(p, q), st.integers(-4, 4), st.integers(1, 3))
    Ws = [[[draw(frac) for _ in range(a)] for _ in range(b)] for a, b in zip(sizes, sizes[1:])]
    bs = [[draw(frac) for _ in range(b)] for b in sizes[1:]]
    acts = [draw(small_acts) for _ in widths] + ["identity"]
    return Network.dense(Ws, bs, activations=acts)


@settings(max_examples=25)
@given(net=small_nets(1), lo=st.integers(-5, 0), width=st.integers(1, 6))
def test_property_1d_lengths_sum_and_values(net, lo, width):
    box = [(lo, lo + width)]
    pw = symnet.piecewise(net, box=box)
    assert sum(r.volume() for r in pw) == width
    for r in pw:
        assert r.value(r.interior_point) == sympy_value(net, r.interior_point)
    for b in pw.breakpoints:
        assert pw([b]) == sympy_value(net, [b])


@settings(max_examples=15)
@given(net=small_nets(2))
def test_property_2d_areas_sum(net):
    box = [(-2, 1), (-1, 1)]
    pw = symnet.piecewise(net, box=box)
    assert sum(r.volume() for r in pw) == 6
    assert {r.pattern for r in pw} == brute_force_patterns(net, box)


def test_fraction_and_string_points():
    net = Network.dense([[[1]], [[2]]], activations=["relu", "identity"])
    pw = symnet.piecewise(net, box=[(-1, 1)])
    assert pw([F(1, 3)]) == pw(["1/3"]) == pw([R(1, 3)]) == (R(2, 3),)
    assert pw(F(1, 3)) == (R(2, 3),)


def test_enumeration_stops_at_the_timeout():
    """A network with far more regions than can be listed stops with the time, not hours later."""
    import random as _random

    rng = _random.Random(0)
    Ws = [[[rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(6)] for _ in range(24)],
          [[rng.choice([-2, -1, 1, 2]) for _ in range(24)] for _ in range(24)],
          [[1] * 24]]
    bs = [[rng.choice([-1, 0, 1]) for _ in range(24)], [rng.choice([-1, 0, 1]) for _ in range(24)],
          [0]]
    net = Network.dense(Ws, bs, activations=["relu", "relu", "identity"])
    with pytest.raises(ResourceError, match="timeout=0.2 s"):
        symnet.piecewise(net, box=[(-1, 1)] * 6, timeout=0.2)
    with pytest.raises(ResourceError, match="timeout"):
        symnet.count_regions(net, box=[(-1, 1)] * 6, timeout=0.2)
    with pytest.raises(ArgumentError):
        symnet.piecewise(net, box=[(-1, 1)] * 6, timeout=-1)


def test_a_map_with_numbers_past_4300_digits_prints():
    # Python refuses str() of such ints: the regions print them in hexadecimal
    from symnet import Network, piecewise
    pw = piecewise(Network.dense([[[10**5000]]], activations=["relu"]), [(-1, 1)])
    assert "x1*" + hex(10**5000) in str(pw)
    pw2 = piecewise(Network.dense([[[10**5000], [1]]], activations=["relu"]), [(-1, 1)])
    assert hex(10**5000) in str(pw2)
