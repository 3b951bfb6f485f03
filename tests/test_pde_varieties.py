"""Tests of symnet.pde.varieties: generic polynomials and the equations of their varieties."""

import pytest
import sympy

import symnet
from symnet import generic_polynomial, variety_equations
from symnet.errors import SymnetError

x, y, z, w, u = sympy.symbols("x y z w u")


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


def test_bad_degree():
    with pytest.raises(SymnetError):
        variety_equations("((x,y),z)", -1)


def test_generic_polynomial():
    p = generic_polynomial("x y", 2)
    assert len(p.args) == 6 and sympy.Symbol("a_11") * x * y in p.args
    q = generic_polynomial([x], 10, coefficient="c")
    assert sympy.Symbol("c_10") * x**10 in q.args
    with pytest.raises(SymnetError):
        generic_polynomial("x y", -1)
    with pytest.raises(SymnetError):
        generic_polynomial("x y", 2, coefficient="not a name")


def test_variety_equations_of_other_architectures():
    eqs = variety_equations("(x,y)", 3)
    assert eqs == []                                   # a flat root imposes nothing
    assert len(variety_equations(symnet.Neuron("x y"), 2)) > 0
    assert all(sympy.Poly(e).total_degree() == 3 for e in variety_equations(symnet.RidgeSum(2, "x y"), 3))
