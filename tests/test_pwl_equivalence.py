"""symnet.equivalent and symnet.canonical: permutations, rescalings, witnesses, properties."""

import random

import networkx as nx
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet
from symnet import Network
from symnet.errors import ShapeError

R = sympy.Rational


def random_net(rng, sizes, acts, scale=3):
    Ws = [[[R(rng.randint(-scale, scale), rng.randint(1, 3)) for _ in range(a)]
           for _ in range(b)] for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [[R(rng.randint(-scale, scale), rng.randint(1, 4)) for _ in range(b)] for b in sizes[1:]]
    return Network.dense(Ws, bs, activations=acts)


def permute_and_rescale(net, rng, rescale=True):
    """Permute every hidden layer and rescale homogeneous hidden units by a > 0."""
    layers = net.dense_layers()
    Ws = [[list(r) for r in W] for _, W, _ in layers]
    bs = [list(b) for _, _, b in layers]
    acts = [a for a, _, _ in layers]
    for l in range(len(Ws) - 1):
        n = len(Ws[l])
        perm = list(range(n))
        rng.shuffle(perm)
        Ws[l] = [Ws[l][i] for i in perm]
        bs[l] = [bs[l][i] for i in perm]
        Ws[l + 1] = [[row[i] for i in perm] for row in Ws[l + 1]]
        if rescale and acts[l] in ("relu", "leaky_relu[1/4]", "identity"):
            for i in range(n):
                a = R(rng.randint(1, 5), rng.randint(1, 5))
                Ws[l][i] = [a * w for w in Ws[l][i]]
                bs[l][i] = a * bs[l][i]
                for row in Ws[l + 1]:
                    row[i] = row[i] / a
    return Network.dense(Ws, bs, activations=acts)


def test_permuted_rescaled_copies_are_equivalent_and_canonically_identical():
    rng = random.Random(1)
    for sizes, acts in [([2, 4, 3, 1], ["relu", "relu", "identity"]),
                        ([1, 3, 3, 2], ["leaky_relu[1/4]", "relu", "identity"]),
                        ([2, 3, 2, 1], ["relu", "identity", "identity"])]:
        net = random_net(rng, sizes, acts)
        other = permute_and_rescale(net, rng)
        assert other != net
        res = symnet.equivalent(net, other, box=[(-2, 2)] * sizes[0])
        assert res.equal and res.witness is None and bool(res)
        c1, c2 = symnet.canonical(net, [(-2, 2)] * sizes[0]), \
            symnet.canonical(other, [(-2, 2)] * sizes[0])
        assert c1 == c2
        assert symnet.equivalent(c1, net, [(-2, 2)] * sizes[0]).equal


def test_witness_for_different_networks():
    rng = random.Random(2)
    net = random_net(rng, [2, 3, 1], ["relu", "identity"])
    layers = net.dense_layers()
    Ws = [[list(r) for r in W] for _, W, _ in layers]
    bs = [list(b) for _, _, b in layers]
    Ws[1][0][1] += R(1, 1000)
    other = Network.dense(Ws, bs, activations=["relu", "identity"])
    box = [(-1, 1), (-1, 1)]
    res = symnet.equivalent(net, other, box)
    assert not res.equal
    w = res.witness
    assert all(R(lo) <= v <= R(hi) for v, (lo, hi) in zip(w.point, box))
    sub = dict(zip(net.inputs, w.point))
    assert w.first == (net.expr().xreplace(sub),)
    assert w.second == (other.expr().xreplace(sub),)
    assert w.first != w.second and w.difference[0] != 0
    assert "different" in repr(res)
    # the witness is the exact point itself: both networks evaluate at it as it is
    assert tuple(w) == w.point and all(isinstance(v, sympy.Rational) for v in w)
    assert symnet.piecewise(net, box)(w) == w.first
    assert symnet.piecewise(other, box)(w) == w.second


def test_equal_on_a_box_but_not_everywhere():
    a = Network.dense([[[1]], [[1]]], activations=["relu", "identity"])        # relu(x)
    b = Network.dense([[[1]]], activations=["identity"])                        # x
    assert symnet.equivalent(a, b, box=[(0, 5)]).equal
    res = symnet.equivalent(a, b)
    assert not res.equal and res.witness.point[0] < 0
    c, rep = symnet.canonical(a, box=[(0, 5)], report=True)
    assert rep.linear_units == [(1, 1)] and len(c.stages()) == 1
    assert symnet.equivalent(c, b).equal


def test_mismatched_shapes():
    a = Network.dense([[[1]], [[1]]], activations=["relu", "identity"])
    b = Network.dense([[[1, 1]], [[1]]], activations=["relu", "identity"])
    with pytest.raises(ShapeError):
        symnet.equivalent(a, b)


def test_canonical_report_and_merging():
    # units 1 and 2 are proportional (merged), unit 3 is dead on the box, unit 4 unused
    net = Network.dense([[[1, 1], [2, 2], [-1, 0], [1, -1]], [[1, 1, 1, 0]]],
                        biases=[[0, 0, -5, 0], [1]], activations=["relu", "identity"])
    c, rep = symnet.canonical(net, box=[(-1, 1), (-1, 1)], report=True)
    assert rep.merged_units == [(1, 2)] and rep.dead_units == [(1, 3)]
    assert rep.unused_units == [(1, 4)]
    assert rep.parameters_before == 17 and rep.parameters_after == c.n_parameters == 5
    assert rep.parameters_removed == 12 and "removed" in repr(rep)
    assert symnet.equivalent(c, net, [(-1, 1), (-1, 1)]).equal
    W = c.stages()[0].weights
    assert W == ((1, 1),) and c.stages()[1].weights == ((3,),)


def test_canonical_with_skip_connections():
    x = sympy.Symbol("x")
    G = nx.DiGraph()
    G.add_node("x", symbol=x)
    G.add_node("a", activation="relu")
    G.add_node("b", activation="relu", bias=-1)
    G.add_node("o")
    G.add_edge("x", "a", weight=2)
    G.add_edge("a", "b", weight=1)
    G.add_edge("b", "o", weight=3)
    G.add_edge("x", "o", weight=-1)
    net = Network.from_graph(G)
    c = symnet.canonical(net)
    assert symnet.equivalent(c, net).equal
    assert c.stages()[0].weights[0][0] in (1, -1)


@st.composite
def small_nets(draw):
    d = draw(st.integers(1, 2))
    widths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    sizes = [d] + widths + [1]
    frac = st.builds(lambda p, q: R(p, q), st.integers(-3, 3), st.integers(1, 2))
    Ws = [[[draw(frac) for _ in range(a)] for _ in range(b)] for a, b in zip(sizes, sizes[1:])]
    bs = [[draw(frac) for _ in range(b)] for b in sizes[1:]]
    acts = [draw(st.sampled_from(["relu", "leaky_relu[1/4]", "identity"])) for _ in widths]
    return Network.dense(Ws, bs, activations=acts + ["identity"])


@settings(max_examples=20)
@given(net=small_nets(), seed=st.integers(0, 10**6))
def test_property_canonical(net, seed):
    box = [(-2, 2)] * net.n_inputs
    c = symnet.canonical(net, box)
    assert symnet.equivalent(c, net, box).equal
    other = permute_and_rescale(net, random.Random(seed))
    assert symnet.canonical(other, box) == c


def test_canonical_takes_the_enumeration_budgets():
    net = Network.dense([[[1], [-1]], [[1, 1]]], activations=["relu", "identity"])
    c = symnet.canonical(net, box=[(-1, 1)], timeout=30, max_regions=10)
    assert symnet.equivalent(c, net, box=[(-1, 1)]).equal
