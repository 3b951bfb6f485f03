"""Identities about networks, proven on random exact cases (issue 6).

Each identity is a property test over symnet's own strategies; a failure is
shrunk to the smallest network that breaks it and reported by
``symnet.testing`` with the first differing monomial.  Budgets follow the
hypothesis profile (tests/conftest.py: "default" 25 examples, "ci" 200):
the slower identities use a fraction of it, so ``HYPOTHESIS_PROFILE=ci`` (or
``--hypothesis-profile=ci``) scales them all.
"""

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet import Network, Neuron, Polynomial, RidgeSum, check_pde, expand
from symnet import strategies as sst
from symnet.testing import assert_polynomials_equal

x, y = sympy.symbols("x y")


def budget(fraction):
    """A fraction of the active profile's max_examples (at least 3)."""
    return settings(max_examples=max(3, int(settings.default.max_examples * fraction)))


def parts(net):
    """(weight matrices, bias vectors, activation names) of a dense network."""
    stages = net.stages()
    return ([[list(r) for r in s.weights] for s in stages], [list(s.biases) for s in stages],
            [s.activations[0].name for s in stages])


def rebuild(net, Ws, bs, acts=None):
    return Network.dense(Ws, bs, activations=acts or parts(net)[2], inputs=net.inputs)


def outputs(p):
    return p if isinstance(p, tuple) else (p,)


def assert_same_expansions(p, q, **kw):
    for a, b in zip(outputs(p), outputs(q), strict=True):
        assert_polynomials_equal(a, b, **kw)


# ---------------------------------------------------------------------------
# symmetries of the expansion
# ---------------------------------------------------------------------------

@given(sst.networks(widths=(2, 3)), st.integers(0, 3), st.data())
def test_expansion_commutes_with_permuting_hidden_units(net, order, data):
    Ws, bs, acts = parts(net)
    for l in range(len(Ws) - 1):  # every hidden layer
        perm = data.draw(st.permutations(range(len(Ws[l]))), label=f"permutation {l + 1}")
        Ws[l] = [Ws[l][i] for i in perm]
        bs[l] = [bs[l][i] for i in perm]
        Ws[l + 1] = [[row[i] for i in perm] for row in Ws[l + 1]]
    assert_same_expansions(expand(net, order), expand(rebuild(net, Ws, bs), order))


@given(sst.networks(), sst.weights(nonzero=True), st.integers(0, 3))
def test_scaling_the_inputs_by_c_scales_the_degree_k_part_by_c_to_the_k(net, c, order):
    Ws, bs, _ = parts(net)
    Ws[0] = [[c * v for v in row] for row in Ws[0]]
    p = expand(net, order)
    scaled = Polynomial({e: v * c ** sum(e) for e, v in p.terms().items()}, p.variables, order)
    assert_polynomials_equal(expand(rebuild(net, Ws, bs), order), scaled)


@given(sst.networks(activations=["identity", "tanh", "sin", "erf"], biases=0),
       st.integers(0, 5))
def test_odd_activations_without_biases_give_odd_polynomials(net, order):
    p = expand(net, order)
    assert all(sum(e) % 2 == 1 for e in p.terms()), p
    # equivalently p(-x) = -p(x): negating the first layer negates the polynomial
    Ws, bs, _ = parts(net)
    Ws[0] = [[-v for v in row] for row in Ws[0]]
    assert_polynomials_equal(expand(rebuild(net, Ws, bs), order), -p)


# ---------------------------------------------------------------------------
# exactness
# ---------------------------------------------------------------------------

@given(sst.networks(activations="identity", depth=(0, 3)), st.integers(0, 3))
def test_identity_layers_compose_into_one_affine_map(net, order):
    Ws, bs, _ = parts(net)
    A = sympy.eye(net.n_inputs)
    c = sympy.zeros(net.n_inputs, 1)
    for W, b in zip(Ws, bs):
        W = sympy.Matrix(W)
        A, c = W * A, W * c + sympy.Matrix(b)
    affine = (A * sympy.Matrix(net.inputs) + c)[0]
    p = expand(net, order)
    assert_polynomials_equal(p, Polynomial(affine, net.inputs, order))
    assert p.degree <= 1


@given(sst.networks(activations=["identity", "square"], depth=(1, 2)), st.integers(2, 4))
def test_series_mode_is_exact_for_polynomial_activations_of_degree_at_most_q(net, q):
    # the network is a polynomial of degree <= 2**depth; no truncation is lost
    D = 2 ** (len(net.layers) - 1)
    exact = Polynomial(sympy.expand(net.expr()), net.inputs, D)
    assert exact.degree <= D
    assert_polynomials_equal(expand(net, D, series_degree=q), exact)


@given(sst.networks(activations=["identity", "square", "tanh", "sigmoid", "sin", "exp",
                                 "softplus", "silu", "gelu"]),
       st.integers(0, 4))
@budget(0.6)
def test_float_agrees_with_exact(net, order):
    exact = expand(net, order)
    flt = expand(net, order, domain="RR")
    assert all(p.domain == "RR" for p in outputs(flt))
    # float roundoff is relative to the intermediate values (weights and series
    # coefficients of size ~1), not to a coefficient that cancels to 0
    assert_same_expansions(exact, flt, rtol=1e-9, atol=1e-12)


@given(sst.networks(weights=sst.float_weights(bound=1.0), inputs=(1, 2),
                    activations=["tanh", "sigmoid", "sin"]),
       st.integers(0, 3))
@budget(0.4)
def test_float_networks_agree_with_their_exact_binary_values(net, order):
    flt = expand(net, order)
    exact = expand(net, order, domain="QQ")
    assert all(p.is_exact for p in outputs(exact))
    assert_same_expansions(flt, exact, rtol=1e-9)


# ---------------------------------------------------------------------------
# PDE constraints
# ---------------------------------------------------------------------------

def tree_and_function(leaves):
    return sst.trees(leaves).flatmap(
        lambda t: st.tuples(st.just(t), sst.tree_functions(t)))


@given(tree_and_function((3, 4)))
@budget(0.6)
def test_tree_functions_satisfy_their_trees_constraints(tf):
    tree, f = tf
    r = check_pde(f, tree)
    assert r.satisfied is True, r
    assert r.representable is not False, r


@pytest.mark.slow
@given(tree_and_function(5))
@budget(0.4)
def test_tree_functions_on_five_leaves_satisfy_their_trees_constraints(tf):
    tree, f = tf
    r = check_pde(f, tree)
    assert r.satisfied is True, r


@pytest.mark.parametrize("m", [1, 2])
@given(data=st.data())
@budget(0.4)
def test_sums_of_m_ridge_functions_satisfy_the_m_ridge_constraints(m, data):
    f = data.draw(sst.ridge_sums(m, (x, y)))
    r = check_pde(f, RidgeSum(m, (x, y)))
    assert r.satisfied is True, r


@pytest.mark.slow
@given(sst.ridge_sums(3, (x, y)))
@budget(0.2)
def test_sums_of_three_ridge_functions_satisfy_the_3_ridge_constraints(f):
    r = check_pde(f, RidgeSum(3, (x, y)))
    assert r.satisfied is True, r


@given(sst.networks(inputs="x y", depth=1, widths=(1, 2),
                    activations=["tanh", "sigmoid", "sin", "exp"]))
@budget(0.4)
def test_one_hidden_layer_networks_satisfy_the_ridge_constraints_of_their_width(net):
    r = check_pde(net, RidgeSum(len(net.layers[0]), net.inputs))
    assert r.satisfied is True, r


@given(sst.networks(inputs=(2, 3), depth=0, output_activation=None))
@budget(0.4)
def test_single_neurons_satisfy_the_neuron_constraints(net):
    r = check_pde(net, Neuron(net.inputs))
    assert r.satisfied is True, r
