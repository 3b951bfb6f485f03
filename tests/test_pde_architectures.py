"""Tests of symnet.pde.architectures: the Architecture protocol, Tree, Neuron, RidgeSum, the tree parser."""

import time

import pytest
import sympy
from sympy import exp, sin

from symnet import Neuron, RidgeSum, Tree, check_pde, nonsingularity_conditions, pde_constraints
from symnet.errors import (FormatError, InputError, NotSupportedError, ParseError, ResourceError,
                           ShapeError)
from symnet.pde.architectures import Architecture, Representation, as_architecture
from symnet.pde.derivatives import multi_index
from symnet.pde.equations import Constraint
from symnet.pde.limits import MAX_TREE_DEPTH

x, y, z, w, u = sympy.symbols("x y z w u")


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


def test_bad_architecture_inputs():
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


# ---------------------------------------------------------------------------
# the protocol: a new architecture is one class
# ---------------------------------------------------------------------------
class Additive(Architecture):
    """``F(x, y) = g(x) + h(y)``, characterised by ``F_xy = 0`` (no condition needed)."""

    noun = "additive model"

    def __init__(self, a, b):
        self._inputs = (a, b)

    @property
    def inputs(self):
        return self._inputs

    def constraints(self, reduced=False):
        return [Constraint(self._inputs, [[(1, 1)]], "additive")]

    def conditions(self):
        return []


class Affine(Architecture):
    """``F = w . x + b``: every second derivative vanishes; the structural proof finds ``w``."""

    noun = "affine map"

    def __init__(self, *inputs):
        self._inputs = inputs

    @property
    def inputs(self):
        return self._inputs

    def constraints(self, reduced=False):
        n = len(self._inputs)
        return [Constraint(self._inputs, [[multi_index(n, i, j)]], "affine")
                for i in range(n) for j in range(i, n)]

    def conditions(self):
        return []

    def size_estimate(self, reduced=False):
        n = len(self._inputs)
        return n * (n + 1) // 2, 500 * n * (n + 1)

    def structural_proof(self, fn, points):
        grad = [fn.derivs(a) for a in fn.first_order()]
        return [fn.back(g) for g in grad] if not any(g.free_symbols for g in grad) else None

    def representation(self, fn, values, nonsingular, certificate):
        return Representation(True, "the gradient is a constant vector", None, [sympy.Tuple(*certificate)])


def test_a_fourth_architecture_is_one_class():
    arch = Additive(x, y)
    [c] = pde_constraints(arch)
    assert str(c) == "F_xy = 0" and c.kind == "additive"
    assert nonsingularity_conditions(arch) == [] and as_architecture(arch) is arch
    assert repr(arch) == "Additive(x, y)"
    r = check_pde(3 * exp(x) + sin(y) + y**2, arch)
    assert r.satisfied is True and r.status == ["proven"] and r.nonsingular is True
    assert r.representable is True and "on the additive model Additive(x, y)" in str(r)
    bad = check_pde(x * y + x, arch)
    assert bad.satisfied is False and bad.representable is False and bad.witness.value != 0
    assert check_pde(sympy.Function("g")(x, y), arch).satisfied is None


def test_the_protocol_hooks_are_called():
    r = check_pde(2 * x - 3 * y + 1, Affine(x, y))
    assert r.satisfied is True and r.status == ["proven"] * 3      # by the structural proof
    assert r.representable is True and r.directions == [sympy.Tuple(2, -3)]
    assert check_pde(x * y, Affine(x, y)).satisfied is False
    t0 = time.perf_counter()
    with pytest.raises(ResourceError, match="2,001,000 constraints"):
        pde_constraints(Affine(*sympy.symbols("v0:2000")))       # refused from size_estimate
    assert time.perf_counter() - t0 < 10    # refused, not built: a hang would cross this


def test_an_architecture_must_implement_the_protocol():
    class NoConditions(Architecture):
        inputs = (x, y)

        def constraints(self, reduced=False):
            return []

    with pytest.raises(TypeError):
        NoConditions()

    class BadConstraints(Additive):
        def constraints(self, reduced=False):
            return ["F_xy = 0"]

    with pytest.raises(InputError, match="Constraint objects"):
        pde_constraints(BadConstraints(x, y))
    with pytest.raises(InputError):
        pde_constraints(Additive(x, 2))


def test_builtin_architectures_implement_the_protocol():
    for arch in (Tree("((x,y),z)"), Neuron("x y"), RidgeSum(2, "x y")):
        assert isinstance(arch, Architecture)
        assert arch.inputs and arch.noun in str(check_pde(x * y + 1, arch))


# ---------------------------------------------------------------------------
# the tree parser and its limits
# ---------------------------------------------------------------------------
def test_deepest_allowed_tree_works_without_recursion_errors():
    spec = "(" * (MAX_TREE_DEPTH - 1) + "(x,y),z" + ")" * (MAX_TREE_DEPTH - 1)
    t = Tree(spec)
    assert t.depth == MAX_TREE_DEPTH and t.leaves == (x, y, z)
    assert len(t.internal_nodes()) == MAX_TREE_DEPTH
    assert t == Tree(spec) and hash(t) == hash(Tree(spec))
    assert str(t).count("(") == MAX_TREE_DEPTH and sympy.latex(t) and t.draw() and t.graph
    assert len(pde_constraints(t)) == 1


@pytest.mark.parametrize("depth", [MAX_TREE_DEPTH + 1, 3000, 5000])
def test_too_deep_trees_are_refused(depth):
    with pytest.raises(ParseError, match=f"at most {MAX_TREE_DEPTH} nested levels"):
        Tree("(" * depth + "x,y" + ")" * depth)
    nested = (x, y)
    for i in range(depth - 1):
        nested = (nested, sympy.Symbol(f"v{i}"))
    with pytest.raises(FormatError, match=f"at most {MAX_TREE_DEPTH} levels"):
        Tree(nested)


def test_tree_specs_are_parsed_never_evaluated():
    with pytest.raises(ParseError):
        Tree("((x,y),__import__('os').system('echo hacked'))")
    cyclic = [x]
    cyclic.append(cyclic)
    with pytest.raises(FormatError, match="contain itself"):
        Tree(cyclic)
    with pytest.raises(NotSupportedError, match="repeat"):
        shared = (x, y)
        Tree((shared, shared))
    with pytest.raises(FormatError):
        Tree(((), x))
