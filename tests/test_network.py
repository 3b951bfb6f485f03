"""Tests of symnet.Network."""

from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
import sympy
from sympy import Rational as R

from symnet import Network
from symnet.errors import InputError, ShapeError, UnknownActivationError, WeightError

x1, x2 = sympy.symbols("x1 x2")


def test_dense_accepts_every_number_kind():
    a = sympy.Symbol("a")
    W = [[1, Fraction(1, 2), R(1, 3), np.int64(2), 0.25, np.float32(0.5), a, sympy.sqrt(2)]]
    net = Network.dense([W], activations=["identity"])
    assert net.n_inputs == 8
    e = net.expr()
    xs = net.inputs
    assert e.coeff(xs[1]) == R(1, 2) and e.coeff(xs[6]) == a
    assert net.has_floats and net.is_symbolic and net.free_symbols == {a}


def test_matrix_kinds_agree():
    Wl = [[1, 2], [3, 4]]
    nets = [Network.dense([Wl, [[1, 1]]]), Network.dense([np.array(Wl), np.array([[1, 1]])]),
            Network.dense([sympy.Matrix(Wl), sympy.Matrix([[1, 1]])])]
    exprs = {str(n.expr()) for n in nets[:1]} | {str(nets[2].expr())}
    assert len(exprs) == 1
    # numpy int arrays keep exact ints
    assert not nets[1].has_floats and nets[1].expr() == nets[0].expr()


def test_activation_rule_single_name_and_list():
    net = Network.dense([[[1]], [[1]], [[1]]], activations="sigmoid")
    assert [s.activations[0].name for s in net.stages()] == ["sigmoid", "sigmoid", "identity"]
    net = Network.dense([[[1]], [[1]]], activations=["tanh", "sin"])
    assert net.expr() == sympy.sin(sympy.tanh(x1))
    with pytest.raises(ShapeError, match="expected 2 activations"):
        Network.dense([[[1]], [[1]]], activations=["tanh"])


def test_inputs():
    x, y = sympy.symbols("x y")
    assert Network.dense([[[1, 1]]], inputs=(x, y)).inputs == (x, y)
    assert Network.dense([[[1, 1]]], inputs="u v").inputs == sympy.symbols("u v")
    with pytest.raises(InputError, match="Symbols"):
        Network.dense([[[1, 1]]], inputs=["x", 3])
    with pytest.raises(InputError, match="distinct"):
        Network.dense([[[1, 1]]], inputs=(x, x))
    with pytest.raises(ShapeError, match="2 columns"):
        Network.dense([[[1, 1]]], inputs=(x,))


def test_shape_errors_name_layer_and_shapes():
    with pytest.raises(ShapeError, match=r"layer 2: weight matrix has shape \(1, 3\).*\(1, 2\)"):
        Network.dense([[[1, 1], [1, 1]], [[1, 1, 1]]])
    with pytest.raises(ShapeError, match="bias has length 3"):
        Network.dense([[[1, 1]]], biases=[[1, 2, 3]])
    with pytest.raises(ShapeError, match="different lengths"):
        Network.dense([[[1, 1], [1]]])
    with pytest.raises(ShapeError, match="2-D"):
        Network.dense([np.ones(3)])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.nan, sympy.oo, sympy.nan,
                                 "1/2", True, 1 + 2j, None, sympy.I])
def test_bad_weights(bad):
    with pytest.raises(WeightError):
        Network.dense([[[1, bad]]])


def test_unknown_activation():
    with pytest.raises(UnknownActivationError, match="known"):
        Network.dense([[[1]]], activations=["sigmoidd"])


def test_mlp_symbols():
    net = Network.mlp([2, 3, 1], activation="tanh")
    names = {str(s) for s in net.free_symbols}
    assert "w1_3_2" in names and "b2_1" in names and len(names) == 6 + 3 + 3 + 1
    with pytest.raises(ShapeError):
        Network.mlp([2])


def test_from_graph_skip_connection_and_defaults():
    G = nx.DiGraph()
    G.add_node("x", symbol=x1)
    G.add_node("h", activation="tanh", bias=1)
    G.add_node("o")
    G.add_edge("x", "h", weight=2)
    G.add_edge("h", "o")
    G.add_edge("x", "o", weight=R(1, 2))
    net = Network.from_graph(G)
    assert net.expr() == x1 / 2 + sympy.tanh(2 * x1 + 1)
    assert net.outputs == ("o",)
    assert [len(l) for l in net.layers] == [1, 1]
    G.add_edge("o", "h")
    with pytest.raises(ShapeError, match="cycle"):
        Network.from_graph(G)


def test_graph_is_frozen():
    net = Network.dense([[[1]]])
    with pytest.raises(nx.NetworkXError):
        net.graph.add_node("z")


def test_numeric_evaluation_matches_expr():
    rng = np.random.RandomState(0)
    net = Network.dense([rng.randn(3, 2), rng.randn(2, 3)], [rng.randn(3), rng.randn(2)],
                        activations=["sigmoid", "tanh"])
    X = rng.randn(5, 2)
    Y = net(X)
    assert Y.shape == (5, 2)
    exprs = net.expr()
    for i in range(5):
        for k in range(2):
            v = float(exprs[k].subs({x1: X[i, 0], x2: X[i, 1]}))
            assert abs(v - Y[i, k]) < 1e-12
    assert net(X[0]).shape == (2,)
    with pytest.raises(ShapeError):
        net(np.ones((2, 3)))
    with pytest.raises(WeightError, match="subs"):
        Network.mlp([1, 1])([1.0])


def test_subs():
    net = Network.mlp([1, 1], activation=["tanh"])
    w, b = sympy.symbols("w1_1_1 b1_1")
    assert net.subs({w: 2, b: 0}).expr() == sympy.tanh(2 * x1)


def test_printing():
    net = Network.dense([[[1, -2]], [[3]]], biases=[[1], [0]], activations=["tanh", "identity"])
    s = str(net)
    assert "h1_1 = tanh(x1 - 2*x2 + 1)" in s and "h2_1 = 3*h1_1" in s
    tex = sympy.latex(net)
    assert r"h^{(1)}_{1} &= \tanh" in tex and r"\begin{aligned}" in tex
    assert net._repr_latex_().startswith("$")
    assert "2 -> 1 tanh -> 1 identity" in repr(net)
