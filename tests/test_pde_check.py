"""Tests of symnet.pde.check: check_pde against the documented answers, decompositions, points, safety."""

import pytest
import sympy
from sympy import Rational, cos, exp, sin, sqrt, tanh

import symnet
from symnet import Neuron, RidgeSum, Tree, check_pde, pde_constraints
from symnet.errors import ArgumentError, InputError, ParseError, ShapeError

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


def test_result_summary_and_latex():
    r = check_pde(exp(x * y) + z, "((x,y),z)")
    text = str(r)
    assert "satisfied" in text and "representable: yes" in text and "h_(x, y)" in text
    assert r._repr_latex_().startswith("$") and r"\begin{array}" in r._repr_latex_()
    bad = check_pde(x * y + y * z, "((x,y),z)")
    assert "violated" in str(bad) and "!= 0" in str(bad.witness)
    assert r"\neq 0" in bad._repr_latex_()


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


def test_bad_check_pde_inputs():
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


# ---------------------------------------------------------------------------
# strings are parsed, never evaluated
# ---------------------------------------------------------------------------
def test_string_f_with_code_is_refused_and_not_executed(tmp_path):
    marker = tmp_path / "hacked"
    attempts = [
        f"open({str(marker)!r}, 'w') or x",
        f"__import__('os').system('touch {marker}') or x",
        f"__import__('pathlib').Path({str(marker)!r}).touch() or x*y",
        "(lambda: x)()",
        "[c for c in ().__class__.__base__.__subclasses__()]",
    ]
    for code in attempts:
        with pytest.raises(ParseError):
            check_pde(code, "((x,y),z)")
        with pytest.raises(ParseError):
            pde_constraints("((x,y),z)")[0].apply(code)
        with pytest.raises(ParseError):
            check_pde(x * y, "((x,y),z)", point=[code, 1, 2])
    assert not marker.exists()


def test_strings_in_the_expression_language_are_read():
    a = sympy.Symbol("a")
    r = check_pde("exp(a*x*y) + z", "((x,y),z)")
    assert r.satisfied is True and r.parameters == (a,)
    r = check_pde(x * y + z, "((x,y),z)", point=["1/2", "3", "0.25"])
    assert r.point == {x: Rational(1, 2), y: 3, z: Rational(1, 4)}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), sympy.nan, sympy.oo, -sympy.oo,
                                   sympy.zoo, 1j, sympy.I, None, [1], x], ids=repr)
def test_bad_coordinates_are_input_errors(value):
    with pytest.raises(InputError):
        check_pde(x * y, "((x,y),z)", point=[value, 1, 2])
    with pytest.raises(InputError):
        check_pde(x * y, "((x,y),z)", point={x: value, y: 1, z: 2})


@pytest.mark.parametrize("timeout", [-1, 0, float("nan"), float("inf"), True, "5"], ids=repr)
def test_bad_timeouts_are_argument_errors(timeout):
    with pytest.raises(ArgumentError, match="timeout"):
        check_pde(x * y, "((x,y),z)", timeout=timeout)
