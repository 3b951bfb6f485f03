"""Undetermined coefficients: coefficient_equations, solve_weights, architecture symmetries.

Oracles: systems solved by hand, planted networks recovered, and every
numeric solution checked by expanding the network it gives.
"""

import numpy as np
import pytest
import sympy

from symnet import Network, Polynomial, expand
from symnet.errors import (
    ArgumentError,
    InputError,
    NotSupportedError,
    OrderError,
    ResourceError,
)
from symnet.fit import WeightSolutions, coefficient_equations, solve_weights
from symnet.fit.equations import unknowns_of
from symnet.fit.symmetries import architecture_symmetries

R = sympy.Rational
a, w, c, x = sympy.symbols("a w c x")
TARGET = 2 * x - R(2, 3) * x ** 3


def worked():
    return Network.dense([[[w]], [[a]]], biases=[[0], [c]], inputs=[x],
                         activations=["tanh", "identity"])


# ---------------------------------------------------------------------------
# the worked example of docs/superspace.md
# ---------------------------------------------------------------------------

def test_worked_example_equations():
    eqs = coefficient_equations(worked(), TARGET, 3)
    assert [(e.lhs, e.rhs) for e in eqs] == [
        (c, 0), (a * w, 2), (0, 0), (-a * w ** 3 / 3, R(-2, 3))]
    system, unknowns = coefficient_equations(worked(), TARGET, 3, as_system=True)
    assert unknowns == (w, a, c)
    assert system == [c, a * w - 2, -a * w ** 3 / 3 + R(2, 3)]
    assert list(sympy.groebner(system, *unknowns, order="lex").exprs) == [
        w - a / 2, a ** 2 - 4, c]


def test_worked_example_exact_solutions():
    res = solve_weights(worked(), TARGET, 3)
    assert isinstance(res, WeightSolutions)
    assert res.status == "finite" and res.dimension == 0 and res.degree == 2
    got = {(s[a], s[w], s[c]) for s in res.solutions}
    assert got == {(2, 1, 0), (-2, -1, 0)}
    assert all(isinstance(v, sympy.Integer) for s in res.solutions for v in s.values())
    assert len(res.orbits) == 1 and res.orbits[0].size == 2
    assert res.orbits[0].representative == {w: 1, a: 2, c: 0}
    assert res.symmetries == ["sign flip of h1_1 (tanh is odd)"]
    assert {res.network(i).expr() for i in range(2)} == {2 * sympy.tanh(x)}


def test_worked_example_numeric_solutions():
    res = solve_weights(worked(), TARGET, 3, method="numeric", starts=12, seed=1)
    assert res.status == "solved" and len(res.solutions) == 2
    got = sorted((round(s[a], 9), round(s[w], 9), round(s[c], 9)) for s in res.solutions)
    assert got == [(-2, -1, 0), (2, 1, 0)]
    o = res.orbits[0]
    assert o.size == 2 and o.check < 1e-12 and o.local_dimension == 0 and o.hits >= 1
    assert res.converged >= o.hits


# ---------------------------------------------------------------------------
# one neuron with output scale and bias: every sign-symmetric solution
# ---------------------------------------------------------------------------

def test_one_neuron_with_hidden_and_output_bias():
    """a*tanh(w x + b) + c against 2x - 2x^3/3 (series mode, order 3).

    By hand: x^2: -a b w^2 = 0 forces b = 0 (a w = 2 rules out a = 0, w = 0), then
    c = 0, a w = 2, a w^3 = 2: w = +-1.  Two solutions, one orbit.
    """
    net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    w1, b1, w2, b2 = unknowns_of(net)
    res = solve_weights(net, "2*x1 - 2*x1**3/3", 3)
    assert {tuple(s[u] for u in (w1, b1, w2, b2)) for s in res.solutions} == {
        (1, 0, 2, 0), (-1, 0, -2, 0)}


def test_one_neuron_two_inputs_all_sign_symmetric_solutions():
    net = Network.mlp([2, 1, 1], activation=["tanh", "identity"])
    x1, x2 = net.inputs
    planted = R(1, 2) + R(3, 2) * sympy.tanh(x1 - 2 * x2)
    res = solve_weights(net, planted, 3)
    u = unknowns_of(net)  # w1_1_1, w1_1_2, b1_1, w2_1_1, b2_1
    assert {tuple(s[v] for v in u) for s in res.solutions} == {
        (1, -2, 0, R(3, 2), R(1, 2)), (-1, 2, 0, R(-3, 2), R(1, 2))}
    assert [o.size for o in res.orbits] == [2]


def test_two_units_a_family_of_dimension_two():
    """a1 tanh(w1 x) + a2 tanh(w2 x): two equations in four unknowns."""
    a1, a2, w1, w2 = sympy.symbols("a1 a2 w1 w2")
    net = Network.dense([[[w1], [w2]], [[a1, a2]]], inputs=[x],
                        activations=["tanh", "identity"])
    res = solve_weights(net, TARGET, 3)
    assert res.status == "family" and res.dimension == 2
    # the generic family, then where its denominators vanish (w1 = w2: a1 + a2 = 2, ...)
    generic = res.solutions[0]
    assert set(generic[w1].free_symbols | generic[w2].free_symbols) == {w1, w2}
    special = {(s[w1], s[w2]) for s in res.solutions[1:]}
    assert {(1, 1), (-1, -1), (0, 1), (1, 0)} <= special
    for s in res.solutions:  # every family solves the system identically
        for e in coefficient_equations(net, TARGET, 3):
            assert sympy.simplify(e.lhs.subs(s, simultaneous=True) - e.rhs) == 0
    assert "dim" in str(res) and res.orbits[0].local_dimension == 2


def test_inconsistent_systems_have_a_certificate():
    # a coefficient that is 0 for every weight against a nonzero target
    res = solve_weights(worked(), x ** 2, 3)
    assert res.status == "inconsistent" and res.solutions == [] and res.dimension == -1
    assert res.certificate == sympy.Eq(0, 1, evaluate=False)
    # a Groebner basis {1}: a w1 = 1, a w2 = 1, a w1^3 = 1, a w1^2 w2 = 0
    net = Network.mlp([2, 1, 1], activation=["tanh", "identity"])
    x1, x2 = net.inputs
    res = solve_weights(net, x1 + x2 - x1 ** 3 / 3, 3)
    assert res.status == "inconsistent" and res.solutions == []
    assert list(res.certificate.exprs) == [1]
    assert "inconsistent" in str(res)


def test_no_real_solution_reports_the_complex_ones():
    res = solve_weights(Network.dense([[[w]], [[a]]], inputs=[x],
                                      activations=["tanh", "identity"]), x + x ** 3, 3)
    assert res.status == "no real solution" and res.solutions == [] and res.n_complex == 2
    assert {s[w] for s in res.complex_solutions} == {sympy.sqrt(3) * sympy.I,
                                                     -sympy.sqrt(3) * sympy.I}


# ---------------------------------------------------------------------------
# planted networks, numerically
# ---------------------------------------------------------------------------

TEMPLATE = Network.mlp([2, 3, 1], activation=["tanh", "identity"])


def planted(seed):
    rng = np.random.default_rng(seed)
    W1, b1 = rng.uniform(-1, 1, (3, 2)), rng.uniform(-0.5, 0.5, 3)
    W2, b2 = rng.uniform(-1, 1, (1, 3)), rng.uniform(-0.5, 0.5, 1)
    net = Network.dense([W1, W2], [b1, b2], activations=["tanh", "identity"])
    truth = dict(zip(unknowns_of(TEMPLATE), np.concatenate(
        [np.column_stack([W1, b1]).ravel(), W2.ravel(), b2])))
    return net, truth


def recovered(res, truth):
    """The planted weights are among the solutions (which list every symmetric image)."""
    t = np.array([truth[u] for u in res.unknowns])
    return any(np.max(np.abs(np.array([s[u] for u in res.unknowns]) - t)) < 1e-6
               for s in res.solutions)


def recover_trial(seed, starts=24):
    net, truth = planted(seed)
    res = solve_weights(TEMPLATE, net, 7, method="numeric", starts=starts, seed=seed)
    return res, recovered(res, truth)


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_tanh_network_recovered_from_order_7(seed):
    res, ok = recover_trial(seed)
    assert ok, str(res)
    # one orbit of 3! * 2^3 = 48 equivalent networks, every one listed and isolated
    orbit = res.orbits[0]
    assert orbit.size == 48 and len(res.solutions) >= 48 and orbit.local_dimension == 0
    assert orbit.check < 1e-9
    # the symmetric images give the same function
    X = np.random.default_rng(5).uniform(-1, 1, (20, 2))
    f0 = res.network(0)(X)
    for k in (1, 17, 47):
        np.testing.assert_allclose(TEMPLATE.subs(orbit.members[k])(X), f0, atol=1e-9)


@pytest.mark.slow
def test_planted_tanh_network_recovered_in_90_percent_of_trials():
    trials = [recover_trial(seed, starts=32)[1] for seed in range(100, 120)]
    assert sum(trials) >= 0.9 * len(trials), trials


def test_numeric_least_squares_when_nothing_solves():
    res = solve_weights(worked(), x ** 2 + x, 3, method="numeric", starts=6)
    assert res.status == "approximate" and res.solutions == []
    assert res.best is not None and res.best_residual > 0.1
    assert not res.orbits[0].is_solution and "approximate" in str(res)


def test_numeric_on_a_family_reports_the_local_dimension():
    a1, a2, w1, w2 = sympy.symbols("a1 a2 w1 w2")
    net = Network.dense([[[w1], [w2]], [[a1, a2]]], inputs=[x],
                        activations=["tanh", "identity"])
    res = solve_weights(net, TARGET, 3, method="numeric", starts=6)
    assert res.status == "solved" and res.dimension == 2
    assert all(o.local_dimension == 2 for o in res.orbits)


def test_taylor_mode():
    # without hidden biases Taylor and series coefficients agree
    res = solve_weights(worked(), TARGET, 3, mode="taylor")
    assert {(s[a], s[w]) for s in res.solutions} == {(2, 1), (-2, -1)}
    net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    with pytest.raises(NotSupportedError, match="not polynomial"):
        solve_weights(net, TARGET.subs(x, net.inputs[0]), 3, mode="taylor")
    res = solve_weights(net, sympy.tanh(net.inputs[0] + R(1, 2)), 4, mode="taylor",
                        method="numeric", starts=8)
    assert res.status == "solved"
    assert any(abs(s[sympy.Symbol("b1_1")] - 0.5) < 1e-8 for s in res.solutions)


# ---------------------------------------------------------------------------
# targets and errors
# ---------------------------------------------------------------------------

def test_target_forms_agree():
    want = coefficient_equations(worked(), TARGET, 3)
    p = Polynomial(TARGET, [x], 5)
    for t in ("2*x - 2/3*x**3", p, {(1,): 2, (3,): R(-2, 3)},
              Network.dense([[[1]], [[2]]], inputs=[x], activations=["tanh", "identity"]),
              2 * sympy.tanh(x)):
        assert coefficient_equations(worked(), t, 3) == want


def test_target_errors():
    y = sympy.Symbol("y")
    with pytest.raises(InputError, match=r"\['y'\]"):
        coefficient_equations(worked(), x + y, 3)
    with pytest.raises(OrderError, match="truncated at order 1"):
        coefficient_equations(worked(), Polynomial(x, [x], 1), 3)
    with pytest.raises(InputError):
        coefficient_equations(worked(), Polynomial(y, [y], 3), 3)
    with pytest.raises(ArgumentError, match="finite"):
        coefficient_equations(worked(), {(1,): float("nan")}, 3)
    with pytest.raises(InputError, match="Network"):
        coefficient_equations("not a net", x, 3)
    with pytest.raises(NotSupportedError, match="one output"):
        coefficient_equations(Network.mlp([1, 2]), x, 1)
    with pytest.raises(ArgumentError, match="needs exact target"):
        solve_weights(worked(), {(1,): 2.0, (3,): -2 / 3}, 3)
    with pytest.raises(ArgumentError, match="no symbolic weights"):
        solve_weights(Network.dense([[[1]]]), x, 1)
    with pytest.raises(ArgumentError, match="method"):
        solve_weights(worked(), TARGET, 3, method="magic")
    with pytest.raises(ArgumentError, match="weight_matrix"):
        solve_weights(worked(), TARGET, 3, method="numeric", weight_matrix=np.eye(2))


def test_exact_solving_is_time_limited():
    net, _ = planted(0)
    exact_target = {e: sympy.nsimplify(round(float(v), 3), rational=True)
                    for e, v in expand(net, 7).terms().items()}
    with pytest.raises(ResourceError, match="did not finish within 0.3 s"):
        solve_weights(TEMPLATE, exact_target, 7, timeout=0.3)


# ---------------------------------------------------------------------------
# symmetries
# ---------------------------------------------------------------------------

def test_symmetries_of_an_mlp():
    sym = architecture_symmetries(TEMPLATE, unknowns_of(TEMPLATE))
    assert sym.names == ["sign flip of h1_1 (tanh is odd)", "sign flip of h1_2 (tanh is odd)",
                         "sign flip of h1_3 (tanh is odd)", "swap h1_1 <-> h1_2",
                         "swap h1_2 <-> h1_3"]
    assert sym.group_order == 48
    x0 = list(range(1, 14))
    assert len(sym.orbit(x0)) == 48
    sig = Network.mlp([2, 2, 1], activation=["sigmoid", "identity"])
    assert architecture_symmetries(sig, unknowns_of(sig)).names == ["swap h1_1 <-> h1_2"]
    sq = Network.mlp([1, 1, 1], activation=["square", "identity"])
    s = architecture_symmetries(sq, unknowns_of(sq))
    assert s.names == ["sign flip of h1_1 (square is even)"]
    assert s.generators[0][1] == (-1, -1, 1, 1)  # incoming weight and bias only


def test_fixed_weights_break_symmetries():
    w1, w2 = sympy.symbols("w1 w2")
    net = Network.dense([[[w1], [w2]], [[1, 1]]], inputs=[x], activations=["tanh", "identity"])
    sym = architecture_symmetries(net, unknowns_of(net))
    assert sym.names == ["swap h1_1 <-> h1_2"]
    assert sym.dropped == ["sign flip of h1_1 (tanh is odd)", "sign flip of h1_2 (tanh is odd)"]
    res = solve_weights(net, 2 * x - x ** 3 * R(8, 9), 3)
    # w1 + w2 = 2, w1^3 + w2^3 = 8/3, so w1 w2 = 8/9: {w1, w2} = {4/3, 2/3}, one orbit of two
    assert {(s[w1], s[w2]) for s in res.solutions} == {(R(4, 3), R(2, 3)), (R(2, 3), R(4, 3))}
    assert [o.size for o in res.orbits] == [2]
    assert "broken by the weight structure" in str(res)


def test_results_print():
    res = solve_weights(worked(), TARGET, 3)
    text = str(res)
    assert text.splitlines()[1] == "finite: 2 real solutions in 1 orbit; 0 non-real"
    assert sympy.sstr(res) == text
    tex = sympy.latex(res)
    assert "\\begin{array}" in tex and "\\text{orbit}" in tex
    assert res._repr_latex_().startswith("$\\displaystyle ")
    assert repr(res) == "<WeightSolutions exact: finite, 2 solutions in 1 orbit>"
    assert len(res) == 2 and list(res) == res.solutions and res[0] == res.solutions[0]


def test_series_mode_with_hidden_biases_says_the_network_differs():
    """NN2Poly's series polynomial is not the network's Taylor polynomial when biases are free."""
    net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    x1 = net.inputs[0]
    exact = solve_weights(net, 2 * x1, 1)                    # a family with b1_1 free
    assert any("can differ from the network's own Taylor" in n for n in exact.notes)
    num = solve_weights(net, 2 * x1, 1, method="numeric", starts=8)
    checks = [o.taylor_check for o in num.orbits if o.is_solution]
    assert checks and all(c is not None for c in checks)
    assert max(checks) > 1e-3 and all(o.check < 1e-8 for o in num.orbits if o.is_solution)
    # the same network solved in Taylor mode: no such note, the network itself matches
    tay = solve_weights(net, 2 * x1, 1, method="numeric", mode="taylor", starts=8)
    assert not any("Taylor polynomial" in n for n in tay.notes)
    sol = next(o.representative for o in tay.orbits if o.is_solution)
    p = expand(net.subs({u: float(v) for u, v in sol.items()}), 1, mode="taylor")
    assert abs(float(p.coeff((1,))) - 2) < 1e-8 and abs(float(p.coeff((0,)))) < 1e-8
    # no hidden bias: series mode is the network's Taylor polynomial, no note
    w, a = sympy.symbols("w a")
    plain = Network.dense([[[w]], [[a]]], inputs=[x1], activations=["tanh", "identity"])
    assert not any("Taylor polynomial" in n for n in solve_weights(plain, 2 * x1, 1).notes)


def test_targets_from_data_and_non_analytic_targets():
    net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    x1 = net.inputs[0]
    X = [[F] for F in range(-3, 4)]
    y = [2 * v[0] + 1 for v in X]                         # exact data of 2*x1 + 1
    from_data = coefficient_equations(net, (X, y), 2)
    assert from_data == coefficient_equations(net, 2 * x1 + 1, 2)
    from symnet import SuperSpaceRegressor
    reg = SuperSpaceRegressor(2, inputs=net.inputs).fit(X, y)
    assert coefficient_equations(net, reg, 2) == from_data
    for bad in (1 / x1, sympy.Abs(x1), sympy.sqrt(x1)):
        with pytest.raises(ArgumentError, match="target"):
            coefficient_equations(net, bad, 3)


def test_exact_steps_share_one_timeout_and_notes_stay_quiet_when_nothing_differs():
    import time as _time

    from symnet import SuperSpaceRegressor

    net = Network.mlp([1, 2, 1], activation=["tanh", "identity"])
    t0 = _time.monotonic()
    try:
        solve_weights(net, "2*x1 - 2*x1**3/3", 3, timeout=2)
    except ResourceError as e:
        assert "within 2 s" in str(e) or "was not started" in str(e)
    assert _time.monotonic() - t0 < 30          # every step shares the 2 s, not 2 s each
    one = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    res = solve_weights(one, "2*x1 - 2*x1**3/3", 3, method="numeric", starts=8)
    assert all(o.taylor_check is None or o.taylor_check < 1e-9 for o in res.orbits)
    assert not any("Taylor polynomial" in n for n in res.notes)
    with pytest.raises(ArgumentError, match="not fitted"):
        coefficient_equations(one, SuperSpaceRegressor(3), 3)
