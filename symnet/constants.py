"""Named constants: compact exact values in Taylor-mode coefficients.

An exact Taylor polynomial of a deep network has coefficients built from
nested transcendental values: the pre-activation of a second-layer neuron
at the centre is ``3 tanh(1/2) + 1/4``, its derivatives involve
``tanh(3 tanh(1/2) + 1/4)``, and so on.  Written out, an order-4 polynomial
of a small network runs to hundreds of kilobytes.  symnet names each such
pre-activation value once (``z2_1``): the coefficients stay exact, print in
milliseconds, and :meth:`NamedConstant.doit` (or ``Polynomial.doit()``)
writes the values out; ``evalf``/``float`` evaluate them directly.

Examples
--------
>>> import sympy
>>> from symnet.constants import NamedConstant
>>> c = NamedConstant("z2_1", 3 * sympy.tanh(sympy.Rational(1, 2)) + sympy.Rational(1, 4))
>>> e = sympy.tanh(c)
>>> e
tanh(z2_1)
>>> e.doit()
tanh(1/4 + 3*tanh(1/2))
>>> round(float(e), 12)
0.926960793046
"""

from __future__ import annotations

import sympy
from sympy.core.expr import AtomicExpr

__all__ = ["NamedConstant"]


class NamedConstant(AtomicExpr):
    """An exact real constant with a short name and its full value.

    Parameters
    ----------
    name : str
        What it prints as (``z2_1``).
    value : sympy expression
        A real number without free symbols (may contain other named constants).
    latex_name : str, optional
        LaTeX form (default from ``name``: ``z^{(2)}_{1}``).

    Examples
    --------
    >>> import sympy
    >>> from symnet.constants import NamedConstant
    >>> c = NamedConstant("c", sympy.log(2))
    >>> c.name, c.value, (2 * c + 1).doit()
    ('c', log(2), 1 + 2*log(2))
    >>> round(float(c), 12)
    0.69314718056
    """

    is_number = True
    is_commutative = True
    is_extended_real = True
    is_real = True
    is_finite = True
    is_complex = True

    def __new__(cls, name, value, latex_name=None):
        obj = AtomicExpr.__new__(cls)
        obj._name = str(name)
        obj._value = sympy.sympify(value)
        obj._latex_name = latex_name
        obj._evalf_cache = {}
        return obj

    @property
    def name(self):
        """The short name."""
        return self._name

    @property
    def value(self):
        """The full exact value (may contain other named constants)."""
        return self._value

    def _hashable_content(self):
        return (self._name, self._value)

    def __getnewargs__(self):
        return (self._name, self._value, self._latex_name)

    @property
    def free_symbols(self):
        return set()

    def doit(self, **hints):
        return self._value.doit(**hints) if hints.get("deep", True) else self._value

    # code printers (lambdify, pycode, ...): the value's expression, printed by the same printer
    def _code(self, printer):
        return f"({printer._print(self._value)})"   # an atom outside, any expression inside

    _lambdacode = _numpycode = _scipycode = _pythoncode = _mpmathcode = _code
    _ccode = _fcode = _cxxcode = _jaxcode = _code

    def _eval_evalf(self, prec):
        v = self._evalf_cache.get(prec)
        if v is None:
            v = self._evalf_cache[prec] = self._value.evalf(
                sympy.core.evalf.prec_to_dps(prec) + 5)._eval_evalf(prec)
        return v

    def _eval_is_positive(self):
        return self._value.is_positive

    def _eval_is_negative(self):
        return self._value.is_negative

    def _eval_is_zero(self):
        return self._value.is_zero

    def _eval_is_rational(self):
        return self._value.is_rational

    def _sympystr(self, printer):
        return self._name

    def _latex(self, printer):
        if self._latex_name:
            return self._latex_name
        return printer._print(sympy.Symbol(self._name))

    def _pretty(self, printer):
        return printer._print(sympy.Symbol(self._name))

    def __repr__(self):
        return self._name
