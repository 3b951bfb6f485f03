"""Tests of symnet.bounds.report: error_bound's options and result, convergence_report."""

import math
import pickle
import time

import numpy as np
import pytest
import sympy

from symnet import Network, Polynomial, expand
from symnet.bounds import (ConvergenceReport, ErrorBound, UncertifiedBoundError,
                           convergence_report, error_bound)
from symnet.bounds import convergence_warnings as _convergence_warnings
from symnet.errors import (ArgumentError, DomainError, InputError, OrderError, ShapeError,
                           WeightError)

from bounds_oracles import measured_error

R = sympy.Rational


@pytest.fixture
def small():
    net = Network.dense([[[1, 2]]], activations=["tanh"])
    return net, expand(net, 3)



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


# ---------------------------------------------------------------------------
# options, the time budget, the three-valued answer
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kw, err", [
    (dict(mode="chebyshev"), ArgumentError), (dict(timeout=0), ArgumentError),
    (dict(timeout=-1), ArgumentError), (dict(timeout="10"), ArgumentError),
    (dict(timeout=math.nan), ArgumentError), (dict(timeout=True), ArgumentError),
    (dict(prec=10), DomainError), (dict(prec=2.5), DomainError), (dict(prec=10**9), DomainError),
    (dict(splits=-1), OrderError), (dict(splits=1.5), OrderError), (dict(splits="4"), OrderError),
    (dict(tm_order=3.0), OrderError), (dict(tm_order=True), OrderError),
    (dict(series_degree="3"), OrderError),
])
def test_bad_options_are_typed(small, kw, err):
    net, p = small
    with pytest.raises(err):
        error_bound(net, p, (-1, 1), **kw)


def test_timeout_none_and_result_flags(small):
    net, p = small
    b = error_bound(net, p, (-0.5, 0.5), timeout=None)
    assert b.certified and not b.timed_out
    c = error_bound(net, p, (-0.5, 0.5), timeout=30)
    assert float(c) == float(b)


def test_time_budget_gives_best_so_far_or_honest_uncertified():
    # W2-sized: the first model alone takes longer than the budget
    rng = np.random.RandomState(0)
    sizes = [10, 40, 40, 1]
    Ws = [rng.randn(b, a) / np.sqrt(a) / 4 for a, b in zip(sizes[:-1], sizes[1:])]
    net = Network.dense(Ws, [np.zeros(b) for b in sizes[1:]], activations="tanh")
    p = expand(net, 3)
    t = time.monotonic()
    b = error_bound(net, p, (-0.1, 0.1), tm_order=5, timeout=0.3, strict=False)
    assert time.monotonic() - t < 5
    assert b.timed_out and not b.certified and "time budget" in b.reason
    assert math.isinf(b) and "no certified bound" in str(b)
    with pytest.raises(UncertifiedBoundError, match="time budget"):
        error_bound(net, p, (-0.1, 0.1), tm_order=5, timeout=0.3)
    # with room for the first model, the refinements stop at the budget: certified
    t = time.monotonic()
    b2 = error_bound(net, p, (-0.1, 0.1), tm_order=3, splits=64, timeout=1.5)
    assert time.monotonic() - t < 5
    X = np.random.RandomState(1).uniform(-0.1, 0.1, (200, 10))
    assert b2.certified and b2 >= np.abs(net(X)[:, 0] - p(X)).max()


def test_error_bound_pickles_with_the_new_fields(small):
    net, p = small
    b = error_bound(net, p, (-0.25, 0.25))
    c = pickle.loads(pickle.dumps(b))
    assert c.timed_out is False and c == b
