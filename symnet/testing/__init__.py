"""Testing: assertions on polynomials and expansions, hypothesis strategies.

:mod:`symnet.testing.assertions` (re-exported here) compares polynomials
with messages that name the first differing monomial and checks an
expansion against plain sympy on small networks; it needs nothing beyond
symnet.  :mod:`symnet.testing.strategies` (public as
:mod:`symnet.strategies`) draws networks, weights, activations,
polynomials, trees and ridge sums for hypothesis, shrinking toward the
simplest counterexample; it needs hypothesis and is imported only on
request.

Examples
--------
>>> import sympy
>>> from symnet import Polynomial
>>> from symnet.testing import assert_polynomials_equal
>>> x = sympy.Symbol("x")
>>> assert_polynomials_equal(Polynomial(1 + x, [x]), Polynomial(x + 1, [x]))
"""

from .assertions import *  # noqa: F401,F403
from .assertions import __all__  # noqa: F401

for _cls in (PolynomialMismatch, ExpansionMismatch):  # noqa: F405 - their public home
    _cls.__module__ = __name__
del _cls
