"""Tests of symnet.pde: architectures, constraints, exact checking, varieties."""

import pytest
import sympy
from sympy import Rational, cos, exp, sin, sqrt, tanh

import symnet
from symnet import (Neuron, RidgeSum, Tree, check_pde, nonsingularity_conditions, pde_constraints,
                    variety_equations)
from symnet.errors import (ArgumentError, FormatError, InputError, NotSupportedError, ShapeError,
                           SymnetError)

x, y, z, w, u = sympy.symbols("x y z w u")

# ---------------------------------------------------------------------------
# the table of expected answers (docs/pde.md)
# ---------------------------------------------------------------------------
TABLE = [
    ("((x,y),z)", exp(x * y) + z, True, True),
    ("((x,y),z)", x * y + y * z + x * z, False, False),
    ("((x,y),z)", x * y + y * z, False, False),
    ("((x,z),y)", x * y + y * z, True, True),
    ("((x,y),(z,w))", exp(x * y) * sin(z + w) + x * y, True, True),
    ("((x,y,z),w)", x * w + y * z, False, False),
    (Neuron([x, y, z]), tanh(2 * x - 3 * y + z + 1), True, True),
    (Neuron([x, y]), exp(x * y), False, False),
    (RidgeSum(2, [x, y]), x**4 - 6 * x**2 * y**2 + y**4, True, False),
    (RidgeSum(2, [x, y]), x * exp(y), True, False),
]


@pytest.mark.parametrize("arch, f, satisfied, representable", TABLE, ids=[str(t[1]) for t in TABLE])
def test_table(arch, f, satisfied, representable):
    r = check_pde(f, arch)
    assert r.satisfied is satisfied
    assert r.representable is representable
    if satisfied is False:
        w_ = r.witness
        assert w_ is not None
        # the witness is exact and independent of symnet's evaluation
        assert all(v.is_Rational for v in w_.point.values())
        direct = w_.constraint.expr.subs(w_.constraint.F, f).doit().subs(w_.point)
        assert sympy.simplify(direct - w_.value) == 0
        assert direct != 0
    else:
        assert r.witness is None
        assert r.status == ["proven"] * len(r.constraints)


def test_table_degenerate_kernel():
    r = check_pde(2 * x**2 + 2 * y**2, RidgeSum(2, [x, y]))
    assert r.satisfied is True
    assert r.representable in (None, True)
    assert r.nonsingular is False
    assert "degenerate" in r.representable_reason


def test_ridge_reasons_name_the_direction_problem():
    r = check_pde(x**4 - 6 * x**2 * y**2 + y**4, RidgeSum(2, [x, y]))
    assert "complex" in r.representable_reason
    r = check_pde(x * exp(y), RidgeSum(2, [x, y]))
    assert "repeated" in r.representable_reason


# ---------------------------------------------------------------------------
# counts
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("spec, count", [
    ("((x,y),z)", 1), ("((x,y),(z,w))", 4), ("(((x,y),z),w)", 4), ("((x,y,z),w)", 3),
    ("(x,y,z)", 0), ("(x,y,z,w)", 0),
])
def test_tree_counts(spec, count):
    assert len(pde_constraints(spec)) == count


def test_tree_constraint_is_the_documented_one():
    [c] = pde_constraints("((x,y),z)")
    F = sympy.Function("F")(x, y, z)
    expected = F.diff(x) * F.diff(y, z) - F.diff(y) * F.diff(x, z)
    assert sympy.expand(c.expr - expected) == 0
    assert c.triple == (x, y, z)
    assert c.node == Tree("(x,y)")
    assert c.kind == "tree"


def test_neuron_includes_k_equal_i_and_j():
    cs = pde_constraints(Neuron([x, y]))
    assert {c.triple for c in cs} == {(x, y, x), (x, y, y)}
    assert len(pde_constraints(Neuron([x, y, z]))) == 9
    # x + y**2 passes d_x(F_x/F_y) = 0 but fails d_y(F_x/F_y) = 0
    r = check_pde(x + y**2, Neuron([x, y]))
    assert r.satisfied is False
    assert r.witness.constraint.triple == (x, y, y)


def test_ridge_counts():
    assert len(pde_constraints(RidgeSum(2, [x, y]))) == 20
    assert len(pde_constraints(RidgeSum(3, [x, y]))) == 210
    assert len(pde_constraints(RidgeSum(1, [x, y]))) == 3
    assert {c.order for c in pde_constraints(RidgeSum(2, [x, y]))} <= {2, 3, 4}
    assert max(c.order for c in pde_constraints(RidgeSum(2, [x, y]))) == 4
    assert all(c.degree == 3 for c in pde_constraints(RidgeSum(2, [x, y])))


def test_reduced_sets_are_smaller_and_valid():
    assert len(pde_constraints("((x,y,z),w)", reduced=True)) == 2
    assert len(pde_constraints("(((x,y),z),w)", reduced=True)) == 3
    assert len(pde_constraints(Neuron([x, y, z]), reduced=True)) == 6
    red = pde_constraints(RidgeSum(2, [x, y]), reduced=True)
    assert len(red) == 4 and all(c.reference is not None for c in red)
    assert all(c.reference == sympy.Derivative(c.F, c.triple[0])
               for c in pde_constraints("((x,y,z),w)", reduced=True))


def test_first_minor_alone_is_not_enough():
    # det[v; v_x; v_y] vanishes for a function that is not a sum of two ridge functions
    f = exp(x * y)
    first = pde_constraints(RidgeSum(2, [x, y]))[0]
    assert first.minor == ((0, 0), (1, 0), (0, 1))
    r = check_pde(f, RidgeSum(2, [x, y]))
    assert r.satisfied is False


# ---------------------------------------------------------------------------
# printing
# ---------------------------------------------------------------------------
def test_constraint_printing():
    [c] = pde_constraints("((x,y),z)")
    assert sympy.latex(c) == "F_{x} F_{y z} - F_{y} F_{x z} = 0"
    assert str(c) == "F_x*F_yz - F_y*F_xz = 0"
    assert c._repr_latex_() == "$F_{x} F_{y z} - F_{y} F_{x z} = 0$"
    minor = pde_constraints(RidgeSum(2, [x, y]))[0]
    assert sympy.latex(minor).startswith(r"\det\left[\begin{matrix}F_{x x} & F_{x y} & F_{y y}")


def test_tree_printing_and_structure():
    t = Tree("((x,y),(z,w))")
    assert str(t) == "((x, y), (z, w))"
    assert sympy.sstr(t) == "((x, y), (z, w))"
    assert repr(t) == "Tree('((x, y), (z, w))')"
    assert sympy.latex(t) == r"\left(\left(x, y\right), \left(z, w\right)\right)"
    assert t._repr_latex_().startswith("$")
    assert sympy.pretty(t) == "((x, y), (z, w))"
    assert t.leaves == (x, y, z, w)
    g = t.graph
    assert g.graph["root"] == t
    assert g.number_of_nodes() == 7 and g.number_of_edges() == 6
    assert {n for n in g if g.out_degree(n) == 0} == {x, y, z, w}
    assert t == Tree(((x, y), (z, w))) and hash(t) == hash(Tree(((x, y), (z, w))))
    assert Tree("[[x, y], z]") == Tree("((x,y),z)")
    assert Tree(Tree("((x,y),z)")) == Tree("((x,y),z)")


def test_other_architectures_print():
    assert str(Neuron("x y")) == "Neuron(x, y)"
    assert str(RidgeSum(3, "x y")) == "RidgeSum(3, (x, y))"
    assert "sigma" in sympy.latex(Neuron([x, y]))


def test_result_summary_and_latex():
    r = check_pde(exp(x * y) + z, "((x,y),z)")
    text = str(r)
    assert "satisfied" in text and "representable: yes" in text and "h_(x, y)" in text
    assert r._repr_latex_().startswith("$") and r"\begin{array}" in r._repr_latex_()
    bad = check_pde(x * y + y * z, "((x,y),z)")
    assert "violated" in str(bad) and "!= 0" in str(bad.witness)
    assert r"\neq 0" in bad._repr_latex_()


# ---------------------------------------------------------------------------
# decomposition and non-singularity
# ---------------------------------------------------------------------------
def test_decomposition_inner_functions_have_parallel_gradients():
    k = cos(z + w) + z * w
    f = sin(exp(x * y) + k) * k + exp(x * y)
    t = Tree("((x,y),(z,w))")
    r = check_pde(f, t, point={x: Rational(1, 2), y: Rational(1, 3), z: Rational(1, 5), w: Rational(2, 7)})
    assert r.representable is True
    h = r.decomposition[Tree("(x,y)")]
    assert h.free_symbols == {x, y}
    # grad_{x,y} h is parallel to grad_{x,y} f everywhere
    assert sympy.simplify(h.diff(x) * f.diff(y) - h.diff(y) * f.diff(x)) == 0


def test_user_point_and_nonsingularity_failure():
    # gradient of F in (x, y) vanishes at x = y = 0
    f = (x**2 + y**2) * z + z
    r = check_pde((x**2 + y**2) * z, "((x,y),z)", point=[0, 0, 1])
    assert r.satisfied is True
    assert r.nonsingular is False
    assert r.representable is None
    assert [c.variables for c in r.nonsingularity_failures] == [(x, y)]
    r2 = check_pde(f, "((x,y),z)", point={x: 1, y: 2, z: 3})
    assert r2.nonsingular is True and r2.point == {x: 1, y: 2, z: 3}


def test_variables_f_ignores_are_pruned():
    r = check_pde(x * y, "((x,y),(z,w))")
    assert r.satisfied is True and r.representable is True
    assert list(r.decomposition) == [Tree("(x,y)")]


def test_nonsingularity_conditions():
    conds = nonsingularity_conditions("(((x,y),z),w)")
    assert [c.variables for c in conds] == [(x, y, z), (x, y)]
    assert str(nonsingularity_conditions(RidgeSum(2, "x y"))[0]).startswith("rank(")


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("spec", ["((x,y),z", "((x,y),,z)", "()", "((x,y) z)", "((x,1),z)", "", "x"])
def test_unparsable_specs(spec):
    with pytest.raises(FormatError) as info:
        Tree(spec)
    assert isinstance(info.value, ValueError)
    assert "got" in str(info.value) or "expected" in str(info.value)


def test_repeated_leaves_not_supported():
    with pytest.raises(NotSupportedError, match="repeat"):
        Tree("((x,y),x)")
    with pytest.raises(NotImplementedError):
        pde_constraints("((x,y),(x,z))")


def test_deeper_neuron_networks_not_supported():
    with pytest.raises(NotSupportedError, match="not supported yet"):
        Neuron([Neuron([x, y]), z])
    with pytest.raises(NotSupportedError, match="not supported yet"):
        Tree((Neuron([x, y]), z))


def test_bad_inputs():
    with pytest.raises(InputError):
        Tree(3)
    with pytest.raises(InputError):
        Tree(((x, 2), y))
    with pytest.raises(InputError):
        Neuron([x, x])
    with pytest.raises(NotSupportedError):
        RidgeSum(2, [x, y, z])
    with pytest.raises(ShapeError):
        RidgeSum(0, [x, y])
    with pytest.raises(InputError):
        check_pde([x, y], "((x,y),z)")
    with pytest.raises(InputError):
        check_pde(x * y, 42)
    with pytest.raises(ShapeError):
        check_pde(x * y, "((x,y),z)", point=[1, 2])
    with pytest.raises(InputError):
        check_pde(x * y, "((x,y),z)", point={x: 1, y: 2, z: "abc"})
    with pytest.raises(ArgumentError):  # was InputError: a timeout is an argument value (as_seconds)
        check_pde(x * y, "((x,y),z)", timeout=-1)
    with pytest.raises(SymnetError):
        variety_equations("((x,y),z)", -1)


# ---------------------------------------------------------------------------
# polynomial varieties
# ---------------------------------------------------------------------------
def test_variety_equations_counts():
    assert len(variety_equations("((x,y),z)", 2)) == 3
    assert len(variety_equations("((x,y),z)", 3)) == 19
    eqs = variety_equations("((x,y),z)", 2)
    assert all(sympy.Poly(e).total_degree() == 2 for e in eqs)


def test_variety_equations_vanish_on_tree_polynomials():
    # a degree-3 polynomial of the form g(h(x, y), z)
    h = x * y + 2 * x
    f = sympy.expand(h * z + 3 * h + z**2 - z)
    poly = sympy.Poly(f, x, y, z)
    values = {sympy.Symbol("a_" + "".join(map(str, m))): c for m, c in zip(poly.monoms(), poly.coeffs())}
    eqs = variety_equations("((x,y),z)", 3)
    syms = set().union(*[e.free_symbols for e in eqs])
    subs = {s: values.get(s, 0) for s in syms}
    assert all(e.xreplace(subs) == 0 for e in eqs)
    # and not on x*y + y*z
    bad = {s: 0 for s in syms}
    bad.update({sympy.Symbol("a_110"): 1, sympy.Symbol("a_011"): 1})
    assert any(e.xreplace(bad) != 0 for e in eqs)


# ---------------------------------------------------------------------------
# zero testing: undecided answers, time limits, parameters, odd functions
# ---------------------------------------------------------------------------
def test_time_limit_gives_undecided_never_a_guess():
    import time

    f = exp(x * y) * sin(z + w) + x * y
    t0 = time.monotonic()
    r = check_pde(f, "((x,y),(z,w))", timeout=1e-6)
    assert time.monotonic() - t0 < 30
    assert r.satisfied is None
    assert r.representable is None
    assert "time limit" in r.reason
    assert r.unproven and r.witness is None


def test_run_limited_stops_a_long_computation():
    import time

    from symnet.pde.zero import run_limited

    t0 = time.monotonic()
    finished, value = run_limited(lambda: time.sleep(3) or 1, 0.2)
    assert (finished, value) == (False, None)
    assert time.monotonic() - t0 < 2
    assert run_limited(lambda: 42, 1.0) == (True, 42)


def test_undefined_functions_are_proven_or_undecided():
    g, h = sympy.Function("g"), sympy.Function("h")
    r = check_pde(g(h(x, y), z), "((x,y),z)")
    assert r.satisfied is True          # proven symbolically
    assert r.representable is None      # non-singularity cannot be evaluated
    r = check_pde(g(h(x, z), y), "((x,y),z)")
    assert r.satisfied is None          # no witness can be evaluated, no proof: undecided
    assert "undefined functions (g, h)" in r.reason


def test_parameters_are_kept_symbolic():
    a, b = sympy.symbols("a b")
    r = check_pde(exp(a * x * y) + b * z, "((x,y),z)")
    assert r.satisfied is True and r.parameters == (a, b)
    r = check_pde(x * y + a * y * z, "((x,y),z)")
    assert r.satisfied is False and a in r.witness.point
    r = check_pde(tanh(a * x + b * y), Neuron([x, y]))
    assert r.representable is True and r.directions == [sympy.Tuple(1, b / a)]


def test_piecewise_and_abs():
    assert check_pde(sympy.Abs(x * y) + z, "((x,y),z)").satisfied is True
    pw = sympy.Piecewise((x * y, z > 0), (x * y + 1, True)) + x * z
    assert check_pde(pw, "((x,y),z)").satisfied is False


def test_identities_need_exponential_rewriting():
    f = tanh(x + y) - (tanh(x) + tanh(y)) / (1 + tanh(x) * tanh(y)) + x * y * z
    r = check_pde(f, "((x,y),z)")
    assert r.satisfied is True and r.representable is True
    g = (sin(x + y) - sin(x) * cos(y) - cos(x) * sin(y)) * z + x * y
    assert check_pde(g, "((x,y),z)").satisfied is True


def test_floats_are_converted_exactly_and_strings_accepted():
    r = check_pde(0.5 * x * y + 0.25 * z, "((x,y),z)")
    assert r.satisfied is True and r.f == x * y / 2 + z / 4
    assert check_pde("exp(x*y) + z", "((x,y),z)").satisfied is True


def test_symbols_with_assumptions_are_matched_by_name():
    xr, yr = sympy.symbols("x y", real=True)
    r = check_pde(exp(xr * yr) + z, "((x,y),z)")
    assert r.satisfied is True and r.parameters == ()


def test_constant_function_is_representable():
    r = check_pde(sympy.Integer(3), "((x,y),z)")
    assert r.representable is True and r.nonsingular is False


def test_sums_of_fewer_ridge_functions():
    r = check_pde(tanh(x + 2 * y), RidgeSum(2, [x, y]))
    assert r.satisfied is True and r.nonsingular is False and r.representable is True
    assert r.directions == [sympy.Tuple(1, 2)]


def test_irrational_directions():
    r = check_pde(tanh(x + sqrt(2) * y) + sin(x - y), RidgeSum(2, [x, y]))
    assert r.satisfied is True and r.representable is True
    r = check_pde(exp(x) * sin(y), RidgeSum(2, [x, y]))
    assert r.representable is False and "complex" in r.representable_reason


def test_neuron_decomposition_reconstructs_f():
    f = tanh(2 * x - 3 * y + z + 1)
    r = check_pde(f, Neuron([x, y, z]))
    w_vec, sigma = r.decomposition["w"], r.decomposition["sigma"]
    rebuilt = sigma(sum(wi * v for wi, v in zip(w_vec, (x, y, z))))
    assert sympy.simplify((rebuilt - f).rewrite(exp)) == 0


def test_network_arguments():
    net = symnet.Network.dense([[[1, 2], [3, -1]], [[1, 1]]], activations=["tanh", "identity"],
                               inputs=sympy.symbols("x y"))
    with pytest.raises(InputError, match="inputs"):
        check_pde(net, RidgeSum(2, [z, w]))
    c = pde_constraints(RidgeSum(2, [x, y]))[0]
    assert c.apply(net) == c.apply(net.expr())


def test_decomposition_lookup_and_varargs_constructors():
    r = check_pde(exp(x * y) + z, "((x,y),z)", point={x: 1, y: 2, z: 3})
    d = r.decomposition
    assert d[(x, y)] == d["(x,y)"] == d[Tree("(x,y)")] == exp(x * y) + 3
    assert (x, y) in d and "(y,z)" not in d
    assert Neuron(x, y, z) == Neuron([x, y, z])
    assert RidgeSum(2, x, y) == RidgeSum(2, (x, y))


def test_checks_work_outside_the_main_thread():
    import threading
    import time

    from symnet.pde.zero import run_limited

    out = {}

    def work():
        out["ok"] = check_pde(exp(x * y) * sin(z + w) + x * y, "((x,y),(z,w))")
        out["bad"] = check_pde(x * y + y * z, "((x,y),z)")
        t0 = time.monotonic()
        out["limited"] = run_limited(lambda: time.sleep(3) or 1, 0.2)
        out["elapsed"] = time.monotonic() - t0

    t = threading.Thread(target=work)
    t.start()
    t.join(120)
    assert out["ok"].satisfied is True and out["ok"].representable is True
    assert out["bad"].satisfied is False
    # outside the main thread the time limit abandons a worker thread
    assert out["limited"] == (False, None) and out["elapsed"] < 2
