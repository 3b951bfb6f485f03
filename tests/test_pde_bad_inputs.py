"""A corpus of bad input for the public pde API: each gives its exact typed error, at once.

Every case must raise exactly the listed :mod:`symnet.errors` class (not a
subclass, not a builtin), with a one-line message, within a couple of seconds
-- in particular sizes that cannot be honoured are refused up front from an
estimate (ResourceError), never with a MemoryError later.
"""

import decimal
import time

import numpy as np
import pytest
import sympy

from symnet import (Condition, Constraint, Neuron, RidgeSum, Tree, check_pde, generic_polynomial,
                    nonsingularity_conditions, pde_constraints, variety_equations)
from symnet.cli import main
from symnet.errors import (ArgumentError, FormatError, InputError, NotSupportedError, OrderError,
                           ParseError, ResourceError, ShapeError)

x, y, z = sympy.symbols("x y z")
T = "((x,y),z)"


def _nested(depth):
    spec = (x, y)
    for i in range(depth - 1):
        spec = (spec, sympy.Symbol(f"v{i}"))
    return spec


def _cyclic():
    c = [x]
    c.append(c)
    return c


CORPUS = [
    # --- sizes refused up front, with the estimate -------------------------------
    ("RidgeSum(10**6)", lambda: RidgeSum(10**6, "x y"), ResourceError),
    ("RidgeSum(10**100)", lambda: RidgeSum(10**100, "x y"), ResourceError),
    ("RidgeSum(10**5000)", lambda: RidgeSum(10**5000, "x y"), ResourceError),
    ("pde_constraints(RidgeSum(7))", lambda: pde_constraints(RidgeSum(7, "x y")), ResourceError),
    ("pde_constraints(RidgeSum(50))", lambda: pde_constraints(RidgeSum(50, "x y")), ResourceError),
    ("pde_constraints(RidgeSum(300), reduced)", lambda: pde_constraints(RidgeSum(300, "x y"), reduced=True),
     ResourceError),
    ("check_pde on RidgeSum(40)", lambda: check_pde(x * y, RidgeSum(40, "x y")), ResourceError),
    ("Neuron with 3000 inputs", lambda: pde_constraints(Neuron(sympy.symbols("v0:3000"))), ResourceError),
    ("wide tree", lambda: pde_constraints((sympy.symbols("a0:1500"), sympy.symbols("b0:1500"), z)),
     ResourceError),
    ("variety_equations degree 60", lambda: variety_equations(T, 60), ResourceError),
    ("variety_equations of RidgeSum(30)", lambda: variety_equations(RidgeSum(30, "x y"), 2), ResourceError),
    ("generic_polynomial degree 9000", lambda: generic_polynomial("x y z", 9000), ResourceError),
    ("f with exponent 10**9", lambda: check_pde(x**(10**9) * y + z, T), ResourceError),
    ("huge coordinate and exponent", lambda: check_pde(x**1000 * y + z, T, point=[10**4000, 1, 2]),
     ResourceError),
    # --- deep, self-containing and malformed trees ----------------------------------
    ("tree string 3000 deep", lambda: Tree("(" * 3000 + "x,y" + ")" * 3000), ParseError),
    ("tree string 5000 deep", lambda: Tree("(" * 5000 + "x,y" + "),z" * 4999 + ")"), ParseError),
    ("tree tuple 4000 deep", lambda: Tree(_nested(4000)), FormatError),
    ("tree containing itself", lambda: Tree(_cyclic()), FormatError),
    ("tree spec too long", lambda: Tree("(" + ",".join(f"x{i}" for i in range(200000)) + ")"), ParseError),
    ("empty tree string", lambda: Tree(""), ParseError),
    ("empty tree tuple", lambda: Tree(()), FormatError),
    ("empty node", lambda: Tree(((), x)), FormatError),
    ("code in a tree spec", lambda: Tree("((x,y),__import__('os'))"), ParseError),
    ("number leaf", lambda: Tree("((x,1),z)"), ParseError),
    ("non-Symbol leaf", lambda: Tree(((x, x + 1), y)), InputError),
    ("float leaf", lambda: Tree(((x, 2.5), y)), InputError),
    ("duplicate leaves", lambda: Tree("((x,y),x)"), NotSupportedError),
    ("same-name leaves", lambda: Tree(((x, sympy.Symbol("x", real=True)), y)), InputError),
    ("Tree(None)", lambda: Tree(None), InputError),
    ("Tree(bytes)", lambda: Tree(b"((x,y),z)"), InputError),
    ("Tree(set)", lambda: Tree({x, y}), InputError),
    ("Tree(Symbol)", lambda: Tree(x), InputError),
    ("neuron as a leaf", lambda: Tree((Neuron("x y"), z)), NotSupportedError),
    # --- neurons and ridge sums -----------------------------------------------------
    ("Neuron([])", lambda: Neuron([]), ShapeError),
    ("Neuron('')", lambda: Neuron(""), ShapeError),
    ("Neuron(None)", lambda: Neuron(None), InputError),
    ("Neuron([x, x])", lambda: Neuron([x, x]), InputError),
    ("Neuron([x, 1])", lambda: Neuron([x, 1]), InputError),
    ("Neuron bad name", lambda: Neuron(["x+1"]), FormatError),
    ("RidgeSum(0)", lambda: RidgeSum(0, "x y"), ShapeError),
    ("RidgeSum(-10**5000)", lambda: RidgeSum(-10**5000, "x y"), ShapeError),
    ("RidgeSum(2.0)", lambda: RidgeSum(2.0, "x y"), InputError),
    ("RidgeSum('2')", lambda: RidgeSum("2", "x y"), InputError),
    ("RidgeSum(True)", lambda: RidgeSum(True, "x y"), InputError),
    ("RidgeSum on 3 inputs", lambda: RidgeSum(2, "x y z"), NotSupportedError),
    # --- drivers ------------------------------------------------------------------------
    ("pde_constraints(None)", lambda: pde_constraints(None), InputError),
    ("pde_constraints(42)", lambda: pde_constraints(42), InputError),
    ("reduced='yes'", lambda: pde_constraints(T, reduced="yes"), ArgumentError),
    ("nonsingularity_conditions(3.5)", lambda: nonsingularity_conditions(3.5), InputError),
    # --- check_pde: f -----------------------------------------------------------------
    ("f = None", lambda: check_pde(None, T), InputError),
    ("f = nan", lambda: check_pde(float("nan"), T), InputError),
    ("f = inf", lambda: check_pde(float("inf"), T), InputError),
    ("f = Decimal nan", lambda: check_pde(decimal.Decimal("nan"), T), InputError),
    ("f = 1j", lambda: check_pde(1j, T), InputError),
    ("f = True", lambda: check_pde(True, T), InputError),
    ("f = Eq", lambda: check_pde(sympy.Eq(x, y), T), InputError),
    ("f = Matrix", lambda: check_pde(sympy.Matrix([x, y]), T), InputError),
    ("f = array", lambda: check_pde(np.array([1.0]), T), InputError),
    ("f = code", lambda: check_pde("__import__('os').system('echo hacked') or x", T), ParseError),
    ("f = ''", lambda: check_pde("", T), ParseError),
    ("f nested 5000 deep", lambda: check_pde("(" * 5000 + "x" + ")" * 5000, T), ParseError),
    ("f = unknown function", lambda: check_pde("g(x)*y", T), ParseError),
    # --- check_pde: point, timeout, seed ---------------------------------------------------
    ("point NaN", lambda: check_pde(x * y, T, point=[float("nan"), 1, 2]), InputError),
    ("point inf", lambda: check_pde(x * y, T, point={x: float("inf"), y: 1, z: 2}), InputError),
    ("point numpy NaN", lambda: check_pde(x * y, T, point=np.array([np.nan, 1, 2])), InputError),
    ("point sympy oo", lambda: check_pde(x * y, T, point=[sympy.oo, 1, 2]), InputError),
    ("point complex", lambda: check_pde(x * y, T, point=[1j, 1, 2]), InputError),
    ("point 'nan'", lambda: check_pde(x * y, T, point=["nan", 1, 2]), ParseError),
    ("point code", lambda: check_pde(x * y, T, point=["__import__('os')", 1, 2]), ParseError),
    ("point '1/0'", lambda: check_pde(x * y, T, point=["1/0", 1, 2]), ParseError),
    ("point a string", lambda: check_pde(x * y, T, point="1,2,3"), InputError),
    ("point a number", lambda: check_pde(x * y, T, point=5), InputError),
    ("point a 0-d array", lambda: check_pde(x * y, T, point=np.array(5)), InputError),
    ("point a set", lambda: check_pde(x * y, T, point={1, 2, 3}), InputError),
    ("point too short", lambda: check_pde(x * y, T, point=[1, 2]), ShapeError),
    ("point missing input", lambda: check_pde(x * y, T, point={x: 1, y: 2}), ShapeError),
    ("point unknown key", lambda: check_pde(x * y, T, point={"q": 1, x: 1, y: 2, z: 3}), InputError),
    ("point huge int message", lambda: check_pde(x * y, T, point=10**5000), InputError),
    ("timeout negative", lambda: check_pde(x * y, T, timeout=-1), ArgumentError),
    ("timeout NaN", lambda: check_pde(x * y, T, timeout=float("nan")), ArgumentError),
    ("timeout bool", lambda: check_pde(x * y, T, timeout=True), ArgumentError),
    ("timeout str", lambda: check_pde(x * y, T, timeout="5"), ArgumentError),
    ("seed str", lambda: check_pde(x * y, T, seed="a"), ArgumentError),
    ("seed list", lambda: check_pde(x * y, T, seed=[1]), ArgumentError),
    # --- varieties, constraint objects ---------------------------------------------------
    ("degree -1", lambda: variety_equations(T, -1), OrderError),
    ("degree 1.5", lambda: variety_equations(T, 1.5), OrderError),
    ("degree 10**6", lambda: variety_equations(T, 10**6), OrderError),
    ("coefficient 3", lambda: variety_equations(T, 2, coefficient=3), InputError),
    ("independent 'no'", lambda: variety_equations(T, 2, independent="no"), ArgumentError),
    ("generic_polynomial(3, 2)", lambda: generic_polynomial(3, 2), InputError),
    ("Constraint not square", lambda: Constraint((x, y), [[(1, 0), (0, 1)]], "k"), ShapeError),
    ("Constraint negative index", lambda: Constraint((x, y), [[(-1, 0)]], "k"), ShapeError),
    ("Constraint.evaluate missing", lambda: pde_constraints(T)[0].evaluate({}), InputError),
    ("Constraint.apply code", lambda: pde_constraints(T)[0].apply("__import__('os')"), ParseError),
    ("Condition unknown kind", lambda: Condition("hessian", (x, y)), ArgumentError),
    ("reference of RidgeSum(20)", lambda: pde_constraints(RidgeSum(20, "x y"), reduced=True)[0].reference,
     ResourceError),
]


@pytest.mark.parametrize("case, error", [(c[1], c[2]) for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_bad_input_gives_its_typed_error_at_once(case, error):
    t0 = time.perf_counter()
    with pytest.raises(error) as info:
        case()
    elapsed = time.perf_counter() - t0
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    assert message and "\n" not in message
    assert elapsed < 10.0, f"took {elapsed:.2f} s"   # milliseconds; only a hang crosses this


def test_resource_errors_state_the_estimate_and_the_limit():
    with pytest.raises(ResourceError) as info:
        RidgeSum(10**6, "x y")
    msg = str(info.value)
    assert "500,001,500,001 rows x 1,000,001 columns" in msg and "GiB" in msg
    with pytest.raises(ResourceError) as info:
        pde_constraints(RidgeSum(7, "x y"))
    assert "30,260,340 constraints" in str(info.value) and "limit of 1,000,000 constraints" in str(info.value)


@pytest.mark.parametrize("argv, expected", [
    (["pde", "--ridges", "1000000"], "500,001,500,001 rows"),
    (["pde", "x*y", "--ridges", "1000000", "--vars", "x,y"], "500,001,500,001 rows"),
    (["pde", "--ridges", "7", "--vars", "x,y"], "30,260,340 constraints"),
    (["pde", "x*y", "--tree", "((x,y),z)", "--vars", "x,q"], "must name the leaves"),
    (["pde", "x*y", "--tree", "((x,y),z)", "--vars", "x,y"], "must name the leaves"),
    (["pde", "__import__('os').system('echo hacked')", "--neuron"], "cannot read"),
    (["pde", "x*y", "--tree", "(" * 3000 + "x,y" + ")" * 3000], "nested levels"),
    (["pde", "x*y", "--tree", "((x,y),z)", "--timeout", "nan"], "timeout"),
])
def test_cli_refuses_at_once_on_one_line(capsys, argv, expected):
    t0 = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - t0
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("symnet: error: ") and err.count("\n") == 1 and expected in err
    assert elapsed < 10.0


def test_cli_vars_give_the_order_of_the_point(capsys):
    code = main(["pde", "x*y + z", "--tree", "((x,y),z)", "--vars", "z,y,x", "--point", "1,2,3"])
    out, _ = capsys.readouterr()
    assert code == 0 and "point: x = 3, y = 2, z = 1" in out
