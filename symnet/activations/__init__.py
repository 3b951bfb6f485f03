"""Activations: rule kinds, the table and parametric families.

Every activation is one row of a table (:mod:`symnet.activations.table`): its
sympy function, its *rule* (what it is for the algebra) and a stable float64
implementation.  The rule kinds (:mod:`symnet.activations.kinds`) are

* :class:`PolynomialRule` -- identity, square, series and surrogates;
* :class:`AnalyticSystem` -- a closed differential system over QQ, from
  which symnet derives, exactly and for any degree, the Maclaurin
  coefficients (rational where rational, exact constants such as ``log 2``
  otherwise) and the Taylor coefficients at any point as polynomials in a few
  transcendental values such as ``tanh(c)`` (no expression swell);
* :class:`PiecewiseLinearRule` -- exact breakpoints, slopes and intercepts
  (relu, leaky_relu[a], hardtanh[lo, hi]);
* :class:`SympyRule` -- any sympy function (derivatives by sympy).

Parametric families resolve by name: ``leaky_relu[1/5]``, ``hardtanh[0, 6]``,
``softplus[2]``.

Examples
--------
>>> from symnet import get_activation
>>> get_activation("sigmoid").maclaurin(5)
(1/2, 1/4, 0, -1/48, 0, 1/480)
>>> get_activation("softplus").maclaurin(2)
(log(2), 1/2, 1/8)
>>> get_activation("tanh").radius
pi/2
>>> get_activation("leaky_relu[1/5]").taylor(-2, 1)
(-2/5, 1/5)
"""

from .core import (Activation, activation_names, builtin_names, get_activation, numpy_function,
                   register_activation, register_family)
from .kinds import (AnalyticSystem, PiecewiseLinearRule, PolynomialRule, Rule, SympyContext,
                    SympyRule, decide_sign)
from .system import taylor_from_system

__all__ = [
    "Activation",
    "get_activation",
    "register_activation",
    "activation_names",
    "Rule",
    "PolynomialRule",
    "AnalyticSystem",
    "PiecewiseLinearRule",
    "SympyRule",
    # for extensions (not re-exported at the top level of symnet)
    "register_family",
    "builtin_names",
    "numpy_function",
    "SympyContext",
    "decide_sign",
    "taylor_from_system",
]
