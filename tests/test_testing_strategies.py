"""Tests of symnet.strategies: what they draw, how they shrink, how they fail, registration."""

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import symnet
from symnet import Activation, Network, Neuron, Polynomial, RidgeSum, Tree
from symnet import strategies as sst

x, y, z, w = sympy.symbols("x y z w")

# find() without the slow "explain" phase and without the example database; derandomized,
# because the shrinker may stop in a local minimum that depends on the first failing example
FIND = settings(database=None, phases=[Phase.generate, Phase.shrink], max_examples=300,
                derandomize=True, suppress_health_check=list(HealthCheck))


def minimal(strategy, condition=lambda v: True):
    return find(strategy, condition, settings=FIND)


def dense_shape(net):
    return [net.n_inputs] + [len(layer) for layer in net.layers]


def parts_biases(net):
    return [b for s in net.stages() for b in s.biases]


# ---------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------

@given(sst.weights(max_denominator=3, bound=Fraction(3, 2)))
def test_weights_are_bounded_rationals(v):
    assert isinstance(v, sympy.Rational)
    assert -Fraction(3, 2) <= Fraction(int(v.p), int(v.q)) <= Fraction(3, 2)
    assert v.q <= 3


@given(sst.weights(max_denominator=50, bound=100, nonzero=True))
def test_weights_with_large_ranges_are_drawn_without_listing_them(v):
    assert isinstance(v, sympy.Rational) and v != 0 and abs(v) <= 100 and v.q <= 50


@given(sst.float_weights(bound=0.25))
def test_float_weights_are_finite_and_bounded(v):
    assert isinstance(v, float) and -0.25 <= v <= 0.25


def test_weights_shrink_toward_zero_and_small_denominators():
    assert minimal(sst.weights()) == 0
    assert minimal(sst.weights(nonzero=True)) == 1
    assert minimal(sst.weights(), lambda v: v < 0) == -1
    assert minimal(sst.weights(bound=1000, max_denominator=100), lambda v: v >= 10) == 10
    assert minimal(sst.float_weights()) == 0.0


@pytest.mark.parametrize("kwargs", [
    dict(max_denominator=0), dict(max_denominator=1.5), dict(bound=-1), dict(bound="2"),
    dict(bound=float("inf")), dict(bound=sympy.pi), dict(nonzero=1),
    dict(bound=Fraction(1, 5), max_denominator=4, nonzero=True),
])
def test_weights_reject_bad_arguments_when_called(kwargs):
    with pytest.raises(InvalidArgument):
        sst.weights(**kwargs)


@pytest.mark.parametrize("bound", [-1.0, float("nan"), "1", True])
def test_float_weights_reject_bad_bounds(bound):
    with pytest.raises(InvalidArgument):
        sst.float_weights(bound=bound)


# ---------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------

@given(sst.activations())
def test_activations_are_analytic_by_default(a):
    assert isinstance(a, Activation) and a.analytic


def test_activations_shrink_simplest_first():
    assert minimal(sst.activations()).name == "identity"
    assert minimal(sst.activations(), lambda a: a.name != "identity").name == "square"
    assert minimal(sst.activations(), lambda a: a.polynomial_degree is None).name == "tanh"
    assert minimal(sst.activations(analytic=False), lambda a: not a.analytic).name == "relu"
    assert sst.ACTIVATION_ORDER[:4] == ("identity", "square", "tanh", "sigmoid")


def test_non_analytic_activations_only_on_request():
    seen = set()

    @settings(max_examples=200, database=None)
    @given(sst.activations(analytic=False))
    def collect(a):
        seen.add(a.name)

    collect()
    assert "relu" in seen or "hardtanh" in seen or "leaky_relu" in seen
    with pytest.raises(InvalidArgument):
        sst.activations(analytic="yes")


# ---------------------------------------------------------------------------
# networks
# ---------------------------------------------------------------------------

@given(sst.networks())
def test_default_networks_are_small_exact_and_expandable(net):
    shape = dense_shape(net)
    assert 1 <= shape[0] <= 3 and 2 <= len(shape) <= 4 and shape[-1] == 1
    assert all(1 <= k <= 3 for k in shape[1:-1])
    assert not net.has_floats and not net.is_symbolic
    assert all(a.analytic for s in net.stages() for a in s.activations)
    assert net.stages()[-1].activations[0].name == "identity"
    for v in net.parameters():
        assert isinstance(v, sympy.Rational) and abs(v) <= 2 and v.q <= 4
    p = symnet.expand(net, 2)
    assert p.variables == net.inputs


@given(sst.networks(inputs="x y", depth=2, widths=(2, 3), activations=["tanh", "sin"],
                    biases=0, outputs=2))
def test_networks_respect_the_requested_shape(net):
    assert net.inputs == (x, y)
    shape = dense_shape(net)
    assert len(shape) == 4 and shape[-1] == 2 and all(k in (2, 3) for k in shape[1:3])
    assert [s.activations[0].name in ("tanh", "sin") for s in net.stages()[:-1]] == [True] * 2
    assert all(b == 0 for s in net.stages() for b in s.biases)
    assert isinstance(symnet.expand(net, 1), tuple)


@given(sst.networks(weights=sst.float_weights(), inputs=2, depth=(0, 1)))
def test_float_networks_expand_in_float(net):
    assert net.has_floats or all(v == 0 for v in net.parameters())
    if net.has_floats:
        assert symnet.expand(net, 2).domain == "RR"


@given(sst.networks(symbolic=True, depth=1, widths=2, inputs=2))
def test_symbolic_networks_use_mlp_names(net):
    assert net.is_symbolic
    assert sympy.Symbol("w1_1_1") in net.free_symbols and sympy.Symbol("b2_1") in net.free_symbols
    assert len(net.free_symbols) == 2 * 2 + 2 + 2 + 1


@given(sst.networks(activations=st.sampled_from(["square", "cos"]), output_activation=None,
                    depth=0))
def test_activation_strategies_of_names_and_a_drawn_output_activation(net):
    assert net.stages()[-1].activations[0].name in ("square", "cos")


@given(sst.networks(widths=(10, 12), depth=2, inputs=(5, 6)))
@settings(max_examples=3)
def test_large_shapes_are_drawn_directly(net):
    assert all(10 <= len(layer) <= 12 for layer in net.layers[:-1])


def test_networks_shrink_to_fewer_narrower_simpler_layers():
    net = minimal(sst.networks())
    assert dense_shape(net) == [1, 1, 1]
    assert net.expr() == 0
    assert [s.activations[0].name for s in net.stages()] == ["identity", "identity"]
    net = minimal(sst.networks(), lambda n: len(n.layers) >= 3)
    assert dense_shape(net) == [1, 1, 1, 1]
    # the smallest network that is not affine: one nonlinear neuron of x1
    net = minimal(sst.networks(), lambda n: symnet.expand(n, 2).degree == 2)
    assert dense_shape(net) == [1, 1, 1]
    assert net.stages()[0].activations[0].name != "identity"
    # the smallest network with a tanh that is nonzero at the origin (needs a bias)
    net = minimal(sst.networks(), lambda n: n.expr().has(sympy.tanh)
                  and n.expr().subs({v: 0 for v in n.inputs}) != 0)
    assert dense_shape(net) in ([1, 1, 1], [1, 1, 1, 1])
    assert "tanh" in [s.activations[0].name for s in net.stages()]
    assert any(b != 0 for b in parts_biases(net))
    # inputs, widths and the number of layers shrink together
    net = minimal(sst.networks(inputs=(1, 5), widths=(1, 2)),
                  lambda n: len(n.expr().free_symbols) >= 3)
    assert net.n_inputs == 3 and all(k == 1 for k in dense_shape(net)[1:])


@pytest.mark.parametrize("kwargs", [
    dict(inputs=0), dict(inputs=(3, 1)), dict(inputs="1x"), dict(inputs=[x, x]),
    dict(inputs=[x, 2]), dict(inputs=2.0), dict(depth=-1), dict(depth=(0, "2")),
    dict(widths=0), dict(widths=(0, 2)), dict(outputs=0), dict(outputs=True),
    dict(activations="swoosh"), dict(activations=[]), dict(activations=3),
    dict(output_activation="nope"), dict(weights=[1, 2]), dict(biases="0"),
    dict(biases=float("nan")), dict(symbolic=1), dict(symbolic=True, weights=sst.weights()),
    dict(symbolic=True, biases=0),
])
def test_networks_reject_bad_arguments_when_called(kwargs):
    with pytest.raises(InvalidArgument):
        sst.networks(**kwargs)


# ---------------------------------------------------------------------------
# polynomials
# ---------------------------------------------------------------------------

@given(sst.polynomials())
def test_default_polynomials(p):
    assert isinstance(p, Polynomial) and p.is_exact
    assert 1 <= len(p.variables) <= 3 and 0 <= p.order <= 3
    assert all(sum(e) <= p.order for e in p.terms())


@given(sst.polynomials("x y", (1, 2), max_terms=2, center=[1, 0]))
def test_polynomials_with_fixed_variables_and_center(p):
    assert p.variables == (x, y) and p.order in (1, 2) and p.nterms <= 2
    assert p.center == (1, 0)


@given(sst.polynomials(2, 3, coefficients=sst.float_weights()))
def test_float_polynomials(p):
    assert all(isinstance(c, float) for c in p.terms().values())


def test_polynomials_shrink_to_zero_and_few_terms():
    p = minimal(sst.polynomials("x y", 2))
    assert p.nterms == 0 and p.order == 2
    p = minimal(sst.polynomials("x y", 3), lambda p: p.degree == 3)
    assert p.nterms == 1


@pytest.mark.parametrize("args, kwargs", [
    (("x x", 2), {}), ((0, 2), {}), (("x", -1), {}), (("x", "2"), {}),
    (("x", 2), dict(coefficients=[1])), (("x", 2), dict(max_terms=-1)),
    (("x y", 2), dict(center=[1])), ((None, 2), dict(center=[1])),
])
def test_polynomials_reject_bad_arguments_when_called(args, kwargs):
    with pytest.raises(InvalidArgument):
        sst.polynomials(*args, **kwargs)


# ---------------------------------------------------------------------------
# trees and tree functions
# ---------------------------------------------------------------------------

def internal_arities(t):
    return [len(v.children) for v in t.internal_nodes()]


@given(sst.trees("x y z w"))
def test_trees_use_every_leaf_once_and_have_no_unary_nodes(t):
    assert isinstance(t, Tree)
    assert sorted(map(str, t.leaves)) == ["w", "x", "y", "z"]
    assert all(k >= 2 for k in internal_arities(t))


def test_trees_cover_every_shape():
    # every tree over 3 leaves: the flat one and 3 * 2 orders of ((a,b),c)-like shapes
    seen = set()

    @settings(max_examples=300, database=None)
    @given(sst.trees("x y z"))
    def collect(t):
        seen.add(t)

    collect()
    shapes = {str(t) for t in seen}
    assert len({frozenset(map(str, v.leaves)) for t in seen for v in t.internal_nodes()
                if len(v.leaves) == 2}) == 3
    assert any(len(t.children) == 3 for t in seen)
    assert len(shapes) >= 6


def test_trees_shrink_to_the_flat_tree_in_the_given_order():
    assert minimal(sst.trees("x y z")) == Tree("(x, y, z)")
    t = minimal(sst.trees("x y z w"), lambda t: t.depth >= 3)
    assert t.depth == 3 and len(t.internal_nodes()) == 3
    assert minimal(sst.trees()) == Tree("(x1, x2)")
    assert minimal(sst.trees([x])) == Tree((x,))


@given(sst.trees(3, permute=False))
def test_unpermuted_trees_keep_the_leaf_order(t):
    assert [str(v) for v in t.leaves] == ["x1", "x2", "x3"]


@given(st.data())
@settings(max_examples=10)
def test_tree_functions_are_functions_of_the_leaves(data):
    t = data.draw(sst.trees("x y z w"))
    f = data.draw(sst.tree_functions(t))
    assert isinstance(f, sympy.Expr)
    assert f.free_symbols <= {x, y, z, w}


def test_tree_functions_shrink_to_sums():
    assert minimal(sst.tree_functions("((x,y),z)")) == x + y + z
    f = minimal(sst.tree_functions("((x,y),z)", leaf_maps=False),
                lambda f: not f.is_polynomial(x, y, z))
    assert f.count_ops() <= 6


@given(sst.tree_functions("((x,y),z)", constituents=["product", lambda us: sympy.Add(*us) ** 3],
                          coefficients=st.just(2), leaf_maps=False))
def test_tree_functions_with_custom_constituents(f):
    assert f.is_polynomial(x, y, z)


@pytest.mark.parametrize("args, kwargs", [
    (("((x,x),y)",), {}), ((3,), {}), (("((x,y),z)",), dict(constituents=["cosh"])),
    (("((x,y),z)",), dict(constituents=[])), (("((x,y),z)",), dict(coefficients=[1])),
    (("((x,y),z)",), dict(leaf_maps=None)),
])
def test_tree_functions_reject_bad_arguments_when_called(args, kwargs):
    with pytest.raises(InvalidArgument):
        sst.tree_functions(*args, **kwargs)


@pytest.mark.parametrize("leaves", ["x x", 0, [x, 2], (3, 1), "x 1"])
def test_trees_reject_bad_leaves(leaves):
    with pytest.raises(InvalidArgument):
        sst.trees(leaves)


# ---------------------------------------------------------------------------
# ridge sums
# ---------------------------------------------------------------------------

@given(sst.ridge_sums(3, "x y", profiles=["square", "exp", lambda t: sympy.cosh(t)]))
def test_ridge_sums_are_functions_of_the_inputs(f):
    assert f.free_symbols <= {x, y}


def test_ridge_sums_draw_pairwise_non_parallel_directions():
    f_ = sympy.Function("f")
    count = []

    @settings(max_examples=30, database=None)
    @given(sst.ridge_sums(3, "x y", profiles=[f_], biases=st.just(0)))
    def check(f):
        vecs = [(a.args[0].coeff(x), a.args[0].coeff(y)) for a in f.atoms(f_)]
        assert len(vecs) == 3
        for i in range(3):
            assert vecs[i] != (0, 0)
            for j in range(i):
                assert vecs[i][0] * vecs[j][1] - vecs[i][1] * vecs[j][0] != 0
        count.append(1)

    check()
    assert count


def test_ridge_sums_shrink_to_linear_profiles():
    assert minimal(sst.ridge_sums(2, "x y")) == x + y
    assert minimal(sst.ridge_sums(1, "x y")) in (x, y)


@pytest.mark.parametrize("args, kwargs", [
    ((0, "x y"), {}), ((2, "x y z"), {}), ((2, "x"), {}), ((2.0, "x y"), {}),
    ((5, "x y"), dict(max_direction=1)), ((2, "x y"), dict(profiles=["relu"])),
    ((2, "x y"), dict(biases=0)), ((2, "x y"), dict(max_direction=0)),
])
def test_ridge_sums_reject_bad_arguments_when_called(args, kwargs):
    with pytest.raises(InvalidArgument):
        sst.ridge_sums(*args, **kwargs)


# ---------------------------------------------------------------------------
# registration through hypothesis' entry point
# ---------------------------------------------------------------------------

def test_the_entry_point_is_installed():
    eps = importlib.metadata.entry_points(group="hypothesis")
    assert any(ep.value == "symnet.strategies:_hypothesis_setup_hook" for ep in eps)


@given(st.from_type(Network), st.from_type(Polynomial), st.from_type(Tree),
       st.from_type(Activation), st.from_type(Neuron), st.from_type(RidgeSum))
@settings(max_examples=10)
def test_from_type_works_for_symnet_types(net, p, t, a, n, r):
    assert isinstance(net, Network) and isinstance(p, Polynomial) and isinstance(t, Tree)
    assert isinstance(a, Activation) and isinstance(n, Neuron) and isinstance(r, RidgeSum)


class Experiment:
    """An annotated class: st.builds fills it from the registered types."""

    def __init__(self, net: Network, order: int, reference: Polynomial):
        self.net, self.order, self.reference = net, order, reference


@given(st.builds(Experiment, order=st.integers(0, 2)))
@settings(max_examples=10)
def test_builds_infers_symnet_arguments(e):
    assert isinstance(e.net, Network) and isinstance(e.reference, Polynomial)
    assert symnet.expand(e.net, e.order).order == e.order


FRESH = textwrap.dedent("""
    import sys
    from hypothesis import given, settings, strategies as st
    assert "symnet.strategies" in sys.modules, "the entry point did not run"
    import symnet

    seen = []

    @settings(max_examples=5, database=None, deadline=None)
    @given(st.from_type(symnet.Network), st.from_type(symnet.Tree))
    def check(net, tree):
        seen.append((net.n_inputs, len(tree.leaves)))

    check()
    assert len(seen) == 5
    print("ok")
""")

FRESH_MODULE_FIRST = textwrap.dedent("""
    # importing the strategies module first imports hypothesis from inside it
    from symnet import strategies as sst
    from hypothesis import strategies as st
    import symnet
    print(type(st.from_type(symnet.Network)).__name__)
""")


NO_PLUGINS = textwrap.dedent("""
    import os, sys
    os.environ["HYPOTHESIS_NO_PLUGINS"] = "1"
    from hypothesis import strategies as st
    assert "symnet.strategies" not in sys.modules
    import symnet
    from symnet import strategies    # importing the module registers the types
    print(st.from_type(symnet.Network))
""")


@pytest.mark.parametrize("script, expected", [(FRESH, "ok"), (FRESH_MODULE_FIRST, "LazyStrategy"),
                                              (NO_PLUGINS, "networks()")])
def test_registration_in_a_fresh_interpreter(script, expected):
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout


def test_repeated_registration_is_harmless():
    sst._hypothesis_setup_hook()
    assert isinstance(st.from_type(Network), st.SearchStrategy)


def test_strategies_print_as_the_call_that_made_them():
    assert repr(sst.networks(depth=2, biases=0)) == "networks(depth=2, biases=0)"
    assert repr(sst.networks()) == "networks()"
    assert repr(sst.trees("x y z")) == "trees('x y z')"
    assert repr(sst.ridge_sums(2, "x y", max_direction=2)) == \
        "ridge_sums(2, 'x y', max_direction=2)"
    assert repr(st.from_type(Network)) == "networks()"
