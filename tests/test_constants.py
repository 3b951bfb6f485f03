"""Tests of symnet.constants: named constants of compact exact Taylor polynomials."""

import pickle

import pytest

import sympy

from symnet import Network, expand
from symnet.constants import NamedConstant

R = sympy.Rational


def test_a_named_constant_is_its_value_for_every_purpose_but_printing():
    c = NamedConstant("z2_1", 3 * sympy.tanh(R(1, 2)) + R(1, 4), r"z^{(2)}_{1}")
    e = 1 - sympy.tanh(c) ** 2
    assert str(e) == "1 - tanh(z2_1)**2" and "z^{(2)}_{1}" in sympy.latex(e)
    assert e.doit() == 1 - sympy.tanh(3 * sympy.tanh(R(1, 2)) + R(1, 4)) ** 2
    assert abs(float(e) - float(e.doit())) < 1e-15
    assert c.is_real and c.is_positive and not c.free_symbols
    assert pickle.loads(pickle.dumps(e)) == e


def test_deep_exact_taylor_polynomials_name_their_constants():
    net = Network.dense([[[1, 2], [R(1, 2), -1]], [[1, -1]], [[2]]],
                        biases=[[R(1, 4), 0], [1], [0]], activations=["tanh", "softplus", "identity"])
    p = expand(net, 3, mode="taylor", at=[R(1, 2), 0])
    consts = p.constants()
    assert consts and all(k[0] in "dz" for k in consts)
    # written out, it is the plain sympy Taylor polynomial of net.expr()
    x1, x2 = net.inputs
    t = sympy.Symbol("t")
    f = net.expr().subs({x1: R(1, 2) + t, x2: t})
    ser = sympy.series(f, t, 0, 4).removeO()      # through t**3, the order of p
    along = sum(p.doit().coeff(e) * t ** sum(e) for e in p.terms())
    assert abs(float((sympy.expand(along) - ser).subs(t, R(1, 10)))) < 1e-12


@pytest.mark.parametrize("module", ["numpy", "math", "mpmath"])
def test_named_constants_lambdify_to_their_values(module):
    """lambdify of an exact Taylor polynomial with named constants equals the polynomial's value."""
    from sympy import Rational as R

    from symnet import Network, expand

    net = Network.dense([[[1, R(1, 2)], [R(-1, 3), 2]], [[R(1, 4), -1]]],
                        biases=[[R(1, 5), 0], [R(-1, 2)]], activations=["tanh", "sigmoid"])
    p = expand(net, 2, mode="taylor", at=[R(1, 2), R(1, 3)])
    assert p.constants()                       # the compact form names nested values
    f = sympy.lambdify(net.inputs, p.as_expr(), modules=module)
    want = float(p.doit().as_expr().subs(dict(zip(net.inputs, [R(3, 5), R(3, 10)]))))
    assert abs(float(f(0.6, 0.3)) - want) < 1e-14
