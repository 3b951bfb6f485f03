"""Surrogates in networks: expand(surrogate=...) against a by-hand sympy expansion,
certified ranges against sampling, and the propagated bound against measured errors."""

from fractions import Fraction as F

import numpy as np
import pytest
import sympy

import symnet
from symnet import Network, approximate, expand
from symnet.approximation import (check_coverage, fit_surrogates, observed_ranges,
                                  polynomial_box_bound, surrogate_error_bound,
                                  surrogate_expansion_bound)
from symnet.approximation._ranges import activation_enclosure, parse_box, preactivation_ranges
from symnet.errors import (ArgumentError, BoxError, NotSupportedError, ShapeError,
                           UncertifiedBoundError)

R = sympy.Rational
_t = sympy.Symbol("_t")


def truncate(expr, variables, order):
    e = sympy.expand(expr.subs({x: _t * x for x in variables}, simultaneous=True))
    return sympy.expand(sum(e.coeff(_t, k) for k in range(order + 1)))


def by_hand(net, polys, order):
    """net.expr() with every activation call replaced by its surrogate, expanded, truncated."""
    expr = net.expr()
    z = sympy.Symbol("_z")
    for fn, p in polys.items():
        poly = sympy.Lambda(z, p.expr.subs(p.variable, z))
        if fn is sympy.Max:       # relu(e) = Max(0, e)
            expr = expr.replace(lambda e: isinstance(e, sympy.Max),
                                lambda e: poly(next(a for a in e.args if a != 0)))
        else:
            expr = expr.replace(fn, poly)
    return truncate(expr, net.inputs, order)


def tiny_tanh():
    return Network.dense([[[R(1, 2), R(-1, 3)], [R(1, 4), 1]], [[1, R(-2, 3)]]],
                         biases=[[R(1, 5), 0], [R(1, 7)]], activations=["tanh", "identity"])


def test_expand_with_one_surrogate_equals_by_hand():
    net = tiny_tanh()
    ap = approximate("tanh", (-2, 2), 3)
    got = expand(net, 3, surrogate=ap)
    want = by_hand(net, {sympy.tanh: ap}, 3)
    assert sympy.expand(got.as_expr() - want) == 0
    assert all(c.is_Rational for c in got.terms().values())


def test_expand_with_a_per_layer_list_equals_by_hand():
    net = Network.dense([[[1, R(1, 2)], [R(-1, 2), 1]], [[1, 1], [R(1, 3), -1]], [[1, -1]]],
                        activations=["tanh", "sigmoid", "identity"])
    a = approximate("tanh", (-2, 2), 3, method="chebyshev")
    b = approximate("sigmoid", (-3, 3), 2, method="l2")
    got = expand(net, 4, surrogate=[a, b, None])
    sig = sympy.Function("sig")
    # sigmoid(u) prints as 1/(exp(-u) + 1): read u off the exponential
    expr = net.expr().replace(
        lambda e: e.is_Pow and e.exp == -1 and e.base.is_Add and e.base.has(sympy.exp),
        lambda e: sig(-next(a for a in e.base.args if isinstance(a, sympy.exp)).args[0]))
    z = sympy.Symbol("_z")
    expr = expr.replace(sympy.tanh, sympy.Lambda(z, a.expr.subs(a.variable, z)))
    expr = expr.replace(sig, sympy.Lambda(z, b.expr.subs(b.variable, z)))
    want = truncate(expr, net.inputs, 4)
    assert sympy.expand(got.as_expr() - want) == 0


def test_expand_relu_with_a_dict_by_any_spelling():
    net = Network.dense([[[1, -1], [R(1, 2), 1]], [[1, 2]]], biases=[[0, R(1, 3)], [0]],
                        activations=["relu", "identity"])
    ap = approximate("relu", (-2, 2), 2, method="l2")
    got = expand(net, 2, surrogate={"relu": ap})
    assert sympy.expand(got.as_expr() - by_hand(net, {sympy.Max: ap}, 2)) == 0
    net2 = Network.dense([[[1, 1]], [[1]]], activations=["leaky_relu[0.2]", "identity"])
    lk = approximate("leaky_relu[1/5]", (-2, 2), 2, method="l2")
    assert expand(net2, 2, surrogate={"leaky_relu[0.2]": lk}) == expand(net2, 2, surrogate=lk)


def test_fit_surrogates_covers_the_certified_ranges():
    net = tiny_tanh()
    surs = fit_surrogates(net, box=(-1, 1), degree=3)
    assert surs[1] is None and surs.source == "box"
    lo, hi = surs[0].interval
    for a, b in preactivation_ranges(net, (-1, 1))[0]:
        assert lo <= a and b <= hi
    assert "layer 1: tanh" in str(surs)
    assert surs.intervals[1] is None
    # and what fit_surrogates returns is what expand takes
    assert expand(net, 3, surrogate=surs).nterms > 0


def test_fit_surrogates_on_data_widens_the_observed_range():
    net = tiny_tanh()
    X = np.random.default_rng(1).uniform(-1, 1, size=(200, 2))
    surs = fit_surrogates(net, data=X, degree=3)
    (lo, hi), = [(float(a), float(b)) for a, b in [surs[0].interval]]
    seen = observed_ranges(net, X)[0]
    a, b = min(r[0] for r in seen), max(r[1] for r in seen)
    assert lo < a and b < hi and hi - lo >= 1.1 * (b - a) - 1e-12
    check_coverage(net, surs, data=X)
    with pytest.raises(ArgumentError, match="covers"):
        check_coverage(net, surs, data=4 * X)


def test_certified_ranges_contain_sampled_preactivations():
    rng = np.random.default_rng(0)
    net = Network.dense([rng.normal(size=(6, 3)), rng.normal(size=(4, 6)), rng.normal(size=(1, 4))],
                        biases=[rng.normal(size=6), rng.normal(size=4), [0.0]],
                        activations=["sigmoid", "relu", "identity"])
    box = [(-1, 1), (0, 2), (F(-1, 2), F(1, 2))]
    cert = preactivation_ranges(net, box)
    X = np.column_stack([rng.uniform(a, b, 5000) for a, b in
                         [(-1, 1), (0, 2), (-0.5, 0.5)]])
    seen = observed_ranges(net, X)
    for cl, sl in zip(cert, seen):
        for (a, b), (u, v) in zip(cl, sl):
            assert float(a) <= u and v <= float(b)


def test_activation_enclosure():
    assert activation_enclosure("relu", -1, 2) == (0, 2)
    assert activation_enclosure("hardtanh", -3, R(1, 2)) == (-1, R(1, 2))
    lo, hi = activation_enclosure("tanh", 0, 1)
    assert lo <= 0 and float(hi) >= np.tanh(1.0) and float(hi) < np.tanh(1.0) + 1e-6
    assert activation_enclosure("square", -1, 2) == (0, 4)


def test_surrogate_error_bound_holds_on_samples():
    rng = np.random.default_rng(3)
    net = Network.dense([rng.normal(size=(5, 2)) / 2, rng.normal(size=(3, 5)) / 2,
                         rng.normal(size=(2, 3))], biases=[rng.normal(size=5) / 4,
                                                             rng.normal(size=3) / 4, [0.0, 0.0]],
                        activations=["tanh", "tanh", "identity"])
    box = (-1, 1)
    surs = fit_surrogates(net, box=box, degree=5)
    b = surrogate_error_bound(net, surs, box)
    # the surrogate network exactly: its full expansion (degree 25) in float
    full = expand(net, 25, surrogate=surs)
    X = rng.uniform(-1, 1, size=(3000, 2))
    Y = net(X)
    err = max(np.abs(Y[:, k] - full[k](X)).max() for k in range(2))
    assert err <= float(b)
    assert len(b.per_output) == 2 and float(max(b.per_output)) == pytest.approx(float(b))
    assert "layer 1" in str(b) and b.layers[0]["eps"] > 0
    assert b.as_rational() == R(b.rational.numerator, b.rational.denominator)


def test_surrogate_error_bound_is_exact_for_one_layer():
    net = Network.dense([[[1, 1]], [[2]]], activations=["relu", "identity"])
    ap = approximate("relu", (-2, 2), 2, method="l2")
    assert surrogate_error_bound(net, ap, [(-1, 1), (-1, 1)]).rational == \
        2 * ap.max_error.rational


def test_surrogate_error_bound_refuses_outside_the_interval():
    net = Network.dense([[[2]], [[1]]], activations=["tanh", "identity"])
    ap = approximate("tanh", (-1, 1), 3)
    with pytest.raises(UncertifiedBoundError, match=r"covers \[-1, 1\].*\[-2, 2\]"):
        surrogate_error_bound(net, ap, (-1, 1))
    assert float(surrogate_error_bound(net, ap, (F(-1, 2), F(1, 2)))) > 0


def test_surrogate_error_bound_needs_a_surrogate_per_neuron():
    net = Network.dense([[[1]], [[1]], [[1]]], activations=["tanh", "sigmoid", "identity"])
    ap = approximate("tanh", (-1, 1), 3)
    with pytest.raises(ArgumentError, match="no surrogate"):
        surrogate_error_bound(net, {"tanh": ap}, (-1, 1))
    with pytest.raises(ArgumentError, match="interval"):
        surrogate_error_bound(Network.dense([[[1]]], activations=["tanh"]), [0, 1], (-1, 1))


def test_surrogate_expansion_bound_holds_on_samples():
    net = tiny_tanh()
    surs = fit_surrogates(net, box=(-1, 1), degree=3)
    p = expand(net, 2, surrogate=surs)
    r = surrogate_expansion_bound(net, surs, p, (-1, 1))
    assert r["full_degree"] == 3 and r["truncation"][0] > 0
    X = np.random.default_rng(0).uniform(-1, 1, size=(4000, 2))
    assert np.abs(net(X)[:, 0] - p(X)).max() <= float(r["bound"])


def test_polynomial_box_bound():
    # (x - 1)^2 on [0, 2] is at most 1: the centred bound is exact here
    assert polynomial_box_bound({(2,): 1, (1,): -2, (0,): 1}, [(F(0), F(2))]) == 1
    # a centred polynomial: (x - 1)^2 given around 1
    assert polynomial_box_bound({(2,): 1}, [(F(0), F(2))], center=[1]) == 1
    assert polynomial_box_bound({}, [(F(0), F(1))]) == 0


def test_bad_inputs():
    net = tiny_tanh()
    with pytest.raises(ArgumentError, match="box .* or data"):
        fit_surrogates(net)
    with pytest.raises(BoxError, match="greater"):
        fit_surrogates(net, box=[(1, 0), (0, 1)])
    with pytest.raises(ShapeError, match="2 inputs"):
        fit_surrogates(net, box=[(0, 1)] * 3)
    with pytest.raises(ShapeError, match="shape"):
        fit_surrogates(net, data=np.zeros((4, 3)))
    with pytest.raises(BoxError, match="finite"):
        parse_box([(0, float("inf")), (0, 1)], 2)
    mixed = Network.dense([[[1], [1]], [[1, 1]]], activations=["tanh", "identity"])
    import networkx as nx
    G = nx.DiGraph(mixed.graph)
    G.nodes[(1, 2)]["activation"] = "sigmoid"
    with pytest.raises(NotSupportedError, match="mixes"):
        fit_surrogates(Network.from_graph(G), box=(-1, 1))
    with pytest.raises(ArgumentError, match="symbols"):
        fit_surrogates(Network.mlp([1, 1], activation=["tanh"]), box=(-1, 1))


def test_error_bound_accounts_for_surrogates_and_refuses_outside_their_interval():
    # expand(..., surrogate=ap) records the surrogate; error_bound bounds through its error
    net = Network.dense([[[1, -1], [R(1, 2), 1]], [[1, 1]]], activations=["relu", "identity"])
    ap = approximate("relu", (-2, 2), 4, method="minimax")
    p = symnet.expand(net, 4, surrogate=ap)
    b = symnet.error_bound(net, p, [(-1, 1), (-1, 1)])
    X = np.random.default_rng(0).uniform(-1, 1, (4000, 2))
    assert b.certified and np.abs(net(X)[:, 0] - p(X)).max() <= float(b) < 0.2
    with pytest.raises(UncertifiedBoundError, match="covers .*certified range"):
        symnet.error_bound(net, p, [(-3, 3), (-3, 3)])


def test_a_surrogate_for_another_activation_is_refused():
    """A tanh surrogate on a sigmoid neuron would give a false certified bound: refused."""
    from symnet.errors import ActivationError

    net = Network.dense([[[1]], [[1]]], activations=["sigmoid", "identity"])
    ap = approximate("tanh", (-1, 1), 5)
    for given in (ap, {"sigmoid": ap}, [ap, None], [ap]):
        with pytest.raises(ActivationError, match="approximates 'tanh'"):
            expand(net, 5, surrogate=given)
    relu = Network.dense([[[1]], [[1]]], activations=["relu", "identity"])
    with pytest.raises(ActivationError, match="uses 'relu'"):
        expand(relu, 3, surrogate={"relu": ap})
    good = approximate("sigmoid", (-1, 1), 5)
    assert expand(net, 5, surrogate=good) == expand(net, 5, surrogate={"sigmoid": good})


def test_per_layer_surrogates_may_leave_out_the_identity_layer():
    net = Network.dense([[[1, 2]], [[1]], [[3]]], activations=["relu", "tanh", "identity"])
    aps = [approximate("relu", (-3, 3), 4), approximate("tanh", (-3, 3), 5)]
    assert expand(net, 4, surrogate=aps) == expand(net, 4, surrogate=aps + [None])
    with pytest.raises(ShapeError, match="one entry per layer"):
        expand(net, 4, surrogate=aps[:1])


def test_per_neuron_surrogates_are_tighter_and_allow_mixed_layers():
    import networkx as nx

    rng = np.random.default_rng(0)
    net = Network.dense([rng.normal(size=(6, 2)).tolist(), rng.normal(size=(1, 6)).tolist()],
                        activations=["tanh", "identity"])
    box = [(-1, 1), (-1, 1)]
    X = rng.uniform(-1, 1, size=(2000, 2))
    bounds = {}
    for per in ("layer", "neuron"):
        surs = fit_surrogates(net, box=box, degree=5, per=per)
        p = expand(net, 5, surrogate=surs)
        b = symnet.error_bound(net, p, box)
        measured = np.abs(net(X).ravel() - np.asarray(p(X), dtype=float).ravel()).max()
        assert measured <= float(b)
        bounds[per] = float(b)
    assert bounds["neuron"] < bounds["layer"] / 2     # each neuron on its own, shorter, range
    surs = fit_surrogates(net, box=box, degree=5, per="neuron")
    assert set(surs) == set(net.stages()[0].nodes)
    assert all(a.interval[0] <= lo and hi <= a.interval[1]
               for a, (lo, hi) in zip(surs.values(), preactivation_ranges(net, box)[0]))
    # a layer that mixes tanh and sigmoid: per layer refused, per neuron fitted
    x, y = sympy.symbols("x y")
    G = nx.DiGraph()
    G.add_node("x", symbol=x)
    G.add_node("y", symbol=y)
    G.add_node("a", activation="tanh")
    G.add_node("b", activation="sigmoid")
    G.add_node("out")
    G.add_edges_from([("x", "a", {"weight": 1}), ("y", "b", {"weight": 2}),
                      ("a", "out", {"weight": 1}), ("b", "out", {"weight": -1})])
    mixed = Network.from_graph(G)
    with pytest.raises(NotSupportedError, match="per='neuron'"):
        fit_surrogates(mixed, box=box, degree=3)
    surs = fit_surrogates(mixed, box=box, degree=5, per="neuron")
    assert {a.name for a in surs.values()} == {"tanh", "sigmoid"}
    p = expand(mixed, 5, surrogate=surs)
    assert float(symnet.error_bound(mixed, p, box)) < 1e-2
    with pytest.raises(ArgumentError, match="per"):
        fit_surrogates(net, box=box, per="unit")


def test_short_per_layer_lists_bound_and_unused_names_are_refused():
    from symnet.errors import ActivationError

    net = Network.dense([[[1, 2]], [[1]]], activations=["tanh", "identity"])
    a = approximate("tanh", (-4, 4), 3)
    box = [(-1, 1), (-1, 1)]
    short = symnet.error_bound(net, expand(net, 3, surrogate=[a]), box)
    full = symnet.error_bound(net, expand(net, 3, surrogate=[a, None]), box)
    assert float(short) == float(full)
    with pytest.raises(ActivationError, match="no neuron uses 'relu'"):
        expand(net, 3, surrogate={"relu": approximate("relu", (-1, 1), 2)})
