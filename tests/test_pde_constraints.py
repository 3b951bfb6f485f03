"""Tests of symnet.pde.constraints and symnet.pde.equations: constraint sets, conditions, their objects."""

import time

import pytest
import sympy
from sympy import exp

import symnet
from symnet import Neuron, RidgeSum, Tree, check_pde, nonsingularity_conditions, pde_constraints
from symnet.errors import ArgumentError, InputError, ResourceError, ShapeError
from symnet.pde.equations import Condition, Constraint

x, y, z, w, u = sympy.symbols("x y z w u")


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


def test_constraint_printing():
    [c] = pde_constraints("((x,y),z)")
    assert sympy.latex(c) == "F_{x} F_{y z} - F_{y} F_{x z} = 0"
    assert str(c) == "F_x*F_yz - F_y*F_xz = 0"
    assert c._repr_latex_() == "$F_{x} F_{y z} - F_{y} F_{x z} = 0$"
    minor = pde_constraints(RidgeSum(2, [x, y]))[0]
    assert sympy.latex(minor).startswith(r"\det\left[\begin{matrix}F_{x x} & F_{x y} & F_{y y}")


def test_nonsingularity_conditions():
    conds = nonsingularity_conditions("(((x,y),z),w)")
    assert [c.variables for c in conds] == [(x, y, z), (x, y)]
    assert str(nonsingularity_conditions(RidgeSum(2, "x y"))[0]).startswith("rank(")


# ---------------------------------------------------------------------------
# size estimates, lazy references, limits
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("arch", ["((x,y),z)", "((x,y),(z,w))", "(((x,y),z),w)", "((x,y,z),w)", "(x,y,z)",
                                  "(((x,y),(z,w)),u)", Neuron("x y z w"), RidgeSum(1, "x y"),
                                  RidgeSum(2, "x y"), RidgeSum(3, "x y")], ids=str)
def test_size_estimates_count_the_constraints(arch):
    arch = symnet.pde.architectures.as_architecture(arch)
    assert arch.size_estimate()[0] == len(pde_constraints(arch))
    assert arch.size_estimate(True)[0] >= len(pde_constraints(arch, reduced=True))
    assert arch.size_estimate()[1] > 0 or not pde_constraints(arch)


def test_reduced_ridge_reference_is_shared_and_lazy():
    red = pde_constraints(RidgeSum(2, [x, y]), reduced=True)
    F = red[0].F
    expected = F.diff(x, 2) * F.diff(x, 2, y) - F.diff(x, y) * F.diff(x, 3)
    assert sympy.expand(red[0].reference - expected) == 0
    assert all(c.reference is red[0].reference for c in red)
    # m = 20: the reduced set is built at once; only its 20 x 20 reference determinant is refused
    t0 = time.perf_counter()
    big = pde_constraints(RidgeSum(20, [x, y]), reduced=True)
    assert len(big) == 211
    with pytest.raises(ResourceError, match="20 x 20"):
        big[0].reference
    with pytest.raises(ResourceError, match="21 x 21"):
        big[0].expr
    assert time.perf_counter() - t0 < 10


def test_constraint_and_condition_objects_validate_their_arguments():
    c = Constraint((x, y), [[(1, 1)]], "additive")
    assert str(c) == "F_xy = 0" and sympy.latex(c) == "F_{x y} = 0" and c.order == 2 and c.degree == 1
    assert c.apply(x**2 * y**3) == 6 * x * y**2 and c.apply("x + y") == 0
    with pytest.raises(ShapeError):
        Constraint((x, y), [[(1, 0), (0, 1)]], "k")          # not square
    with pytest.raises(ShapeError):
        Constraint((x, y), [[(1, 0, 0)]], "k")               # a multi-index per input
    with pytest.raises(ShapeError):
        Constraint((x, y), [[(-1, 0)]], "k")
    with pytest.raises(InputError):
        Constraint((x, 2), [[(1, 0)]], "k")
    with pytest.raises(InputError):
        Constraint((x, y), [[(1, 0)]], 3)
    [tree] = pde_constraints("((x,y),z)")
    assert tree.evaluate({(1, 0, 0): 2, (0, 1, 0): 3, (1, 0, 1): 5, (0, 1, 1): 7}) == 2 * 7 - 3 * 5
    with pytest.raises(InputError, match="F_x"):
        tree.evaluate({})
    with pytest.raises(InputError):
        tree.evaluate(3)
    with pytest.raises(ArgumentError):
        Condition("hessian", (x, y))
    with pytest.raises(ArgumentError):
        Condition("rank", (x, y))
    with pytest.raises(InputError):
        Condition("gradient", (x, y), (z,))


def test_rank_conditions_print_their_matrix():
    [cond] = nonsingularity_conditions(RidgeSum(2, "x y"))
    assert cond.rank == 2 and cond.rows == ((0, 0), (1, 0), (0, 1))
    assert str(cond) == "rank([[F_xx, F_xy, F_yy], [F_xxx, F_xxy, F_xyy], [F_xxy, F_xyy, F_yyy]]) = 2"
