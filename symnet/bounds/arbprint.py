"""Sympy expressions to ball functions: a sympy Printer whose output is an enclosure.

:class:`ArbPrinter` walks a real sympy expression (a weight such as
``sqrt(2)/3``, an exact Taylor coefficient such as
``exp(1/5 + tanh(7/12)/2) * tanh(11/12)**2 / sqrt(pi)``, an activation
formula in ``z``) the way sympy's printers walk it (``_print_Add``,
``_print_tanh``, ...), but instead of text it returns

* a ball (python-flint ``arb``) for a constant subexpression, evaluated once
  and remembered: a subexpression shared by many coefficients (the same
  ``tanh(7/12)`` in every coefficient of a Taylor polynomial) costs one
  evaluation per printer;
* a function of balls for a subexpression in the printer's symbols.

It never evaluates strings or calls ``sympify`` on input: only sympy
objects (and Python numbers) are accepted, and anything it cannot enclose
rigorously (an unknown function, ``I``, ``oo``) raises
:class:`~symnet.bounds.balls.Uncertifiable`.  An expression class can
support itself by defining ``_arb_(self, printer)``.

Examples
--------
>>> import sympy
>>> from symnet.bounds.arbprint import ArbPrinter, to_ball
>>> z = sympy.Symbol("z")
>>> f = ArbPrinter([z]).function(sympy.tanh(z) + sympy.sqrt(2))
>>> f([flint.arb(0)]).contains(flint.arb(2).sqrt())
True
>>> to_ball(sympy.pi / 4, "weight").overlaps(flint.arb.pi() / 4)
True
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import flint
import sympy
from flint import arb, fmpq, fmpz
from sympy.printing.printer import Printer

from ..errors import WeightError
from .balls import Uncertifiable, from_mpf, ipow

__all__ = ["ArbPrinter", "compiled", "to_ball", "constant_balls"]

#: sympy function classes (by lower-case name) whose arb method encloses them
UNARY = {"exp", "log", "tanh", "sinh", "cosh", "sin", "cos", "tan", "atan", "asin", "acos",
         "asinh", "acosh", "atanh", "erf", "erfc", "erfi", "erfinv", "sqrt", "gamma", "sec",
         "csc", "cot", "sech", "csch", "coth", "expm1", "log1p"}


class _Fn:
    """A compiled non-constant node: ``fn(env) -> ball``."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn


def _call(node):
    """A function of ``env`` from a node (a constant ball or a :class:`_Fn`)."""
    if isinstance(node, _Fn):
        return node.fn
    return lambda env: node


class ArbPrinter(Printer):
    """Print a real sympy expression as a ball (constant) or a function of balls.

    Parameters
    ----------
    symbols : sequence of Symbol
        The variables of the functions it builds (``env[i]`` is the ball of
        ``symbols[i]``).

    Notes
    -----
    Constants are evaluated at the python-flint precision in force when
    the printer is used; keep one printer per precision.

    Examples
    --------
    >>> import sympy
    >>> from symnet.bounds.arbprint import ArbPrinter
    >>> p = ArbPrinter()
    >>> p.ball(sympy.exp(sympy.Rational(1, 3))).overlaps(flint.arb(1/3).exp())
    True
    """

    printmethod = "_arb_"

    def __init__(self, symbols=()):
        super().__init__()
        self.index = {s: i for i, s in enumerate(symbols)}
        self.memo = {}

    # -- entry points ------------------------------------------------------------
    def node(self, expr):
        """A ball (constant ``expr``) or a :class:`_Fn`; memoised by subexpression."""
        hit = self.memo.get(expr)
        if hit is None:
            hit = self.memo[expr] = self._print(expr)
        return hit

    def ball(self, expr):
        """The ball of a constant expression (raises Uncertifiable for anything else)."""
        out = self.node(_as_basic(expr))
        if isinstance(out, _Fn):
            raise Uncertifiable(f"{expr} is not a constant")
        return out

    def function(self, expr):
        """``f(env) -> ball`` enclosing ``expr`` for the balls ``env`` of the symbols."""
        return _call(self.node(_as_basic(expr)))

    def emptyPrinter(self, expr):
        name = type(expr).__name__
        raise Uncertifiable(f"cannot enclose {expr} in ball arithmetic (unsupported {name})")

    # -- atoms ---------------------------------------------------------------------
    def _print_Symbol(self, e):
        i = self.index.get(e)
        if i is None:
            raise Uncertifiable(f"{e} is a free symbol; substitute a number first")
        return _Fn(lambda env: env[i])

    def _print_NamedConstant(self, e):
        # a named constant of a compact exact Taylor polynomial: its value, enclosed once
        return self.node(e.value)

    def _print_Integer(self, e):
        return arb(fmpz(int(e)))

    def _print_Rational(self, e):
        return arb(fmpq(int(e.p), int(e.q)))

    def _print_Float(self, e):
        if not e.is_finite:
            raise Uncertifiable(f"{e} is not a finite real number")
        return from_mpf(e._mpf_)  # exactly the Float's binary value

    def _print_Pi(self, e):
        return arb.pi()

    def _print_Exp1(self, e):
        return arb.const_e()

    def _print_EulerGamma(self, e):
        return arb.const_euler()

    def _print_Catalan(self, e):
        return arb.const_catalan()

    def _print_GoldenRatio(self, e):
        return (1 + arb(5).sqrt()) / 2

    def _print_NaN(self, e):
        raise Uncertifiable(f"{e} is not a finite real number")

    _print_Infinity = _print_NegativeInfinity = _print_ComplexInfinity = _print_NaN

    def _print_ImaginaryUnit(self, e):
        raise Uncertifiable(f"{e} is not real")

    # -- arithmetic ------------------------------------------------------------------
    def _fold(self, args, op):
        nodes = [self.node(a) for a in args]
        consts = [n for n in nodes if not isinstance(n, _Fn)]
        fns = [n.fn for n in nodes if isinstance(n, _Fn)]
        c = None
        for v in consts:
            c = v if c is None else op(c, v)
        if not fns:
            return c

        def f(env):
            acc = fns[0](env) if c is None else op(c, fns[0](env))
            for g in fns[1:]:
                acc = op(acc, g(env))
            return acc
        return _Fn(f)

    def _print_Add(self, e):
        return self._fold(e.args, lambda a, b: a + b)

    def _print_Mul(self, e):
        return self._fold(e.args, lambda a, b: a * b)

    def _print_Pow(self, e):
        b, x = e.args
        nb = self.node(b)
        if x.is_Integer:
            k = int(x)
            if k >= 0:
                op = lambda v: ipow(v, k)  # noqa: E731
            else:
                op = lambda v: 1 / ipow(v, -k)  # noqa: E731
        elif x.is_Rational and int(x.q) == 2:
            k = int(x.p)
            if k >= 0:
                op = lambda v: ipow(v.sqrt(), k)  # noqa: E731
            else:
                op = lambda v: 1 / ipow(v.sqrt(), -k)  # noqa: E731
        else:
            nx = self.node(x)
            if not isinstance(nb, _Fn) and not isinstance(nx, _Fn):
                return (nx * nb.log()).exp()
            fb, fx = _call(nb), _call(nx)
            return _Fn(lambda env: (fx(env) * fb(env).log()).exp())
        if not isinstance(nb, _Fn):
            return op(nb)
        fb = nb.fn
        return _Fn(lambda env: op(fb(env)))

    def _print_Abs(self, e):
        return self._unary(e.args[0], abs)

    def _print_Max(self, e):
        return self._fold(e.args, arb.max)

    def _print_Min(self, e):
        return self._fold(e.args, arb.min)

    def _unary(self, arg, op):
        n = self.node(arg)
        if not isinstance(n, _Fn):
            return op(n)
        f = n.fn
        return _Fn(lambda env: op(f(env)))

    def _print_Function(self, e):
        name = type(e).__name__.lower()
        if name in UNARY and len(e.args) == 1:
            return self._unary(e.args[0], getattr(arb, name))
        return self.emptyPrinter(e)


def _as_basic(expr):
    """A sympy object from a sympy object or a Python number (never from a string)."""
    if isinstance(expr, sympy.Basic):
        return expr
    if isinstance(expr, bool) or not isinstance(expr, (int, float, Fraction)):
        raise Uncertifiable(f"expected a sympy expression or a number, got "
                            f"{type(expr).__name__}")
    if isinstance(expr, Fraction):
        return sympy.Rational(expr.numerator, expr.denominator)
    return sympy.Integer(expr) if isinstance(expr, int) else sympy.Float(expr)


_COMPILED = {}


def compiled(key, make_expr, symbols=()):
    """A cached ball function of ``make_expr()`` in ``symbols`` (per key and precision).

    Examples
    --------
    >>> import sympy
    >>> from symnet.bounds.arbprint import compiled
    >>> z = sympy.Symbol("z")
    >>> f = compiled(("doc", "sin"), lambda: sympy.sin(z), (z,))
    >>> f([flint.arb(0)]).is_zero()
    True
    """
    k = (key, tuple(symbols), flint.ctx.prec)
    f = _COMPILED.get(k)
    if f is None:
        if len(_COMPILED) > 4096:
            _COMPILED.clear()
        f = _COMPILED[k] = ArbPrinter(symbols).function(make_expr())
    return f


def _unwrap(value):
    if type(value).__module__ == "numpy":
        import numpy as np
        if isinstance(value, np.generic):
            return value.item()
    return value


def to_ball(value, where, printer=None):
    """A weight, coefficient or constant as a ball containing it.

    Floats, ints, Fractions, mpmath numbers and sympy numbers are taken
    exactly; other real sympy constants (``sqrt(2)/3``, ``log(2)``,
    ``tanh(1/2)``) are enclosed by :class:`ArbPrinter` (pass ``printer`` to
    share its memo across many values).  Strings are refused, never parsed.

    Raises
    ------
    WeightError
        For strings, bools, NaN or infinities, symbols, complex or unknown
        values.

    Examples
    --------
    >>> import sympy
    >>> from symnet.bounds.arbprint import to_ball
    >>> to_ball(0.1, "w").is_exact(), to_ball(sympy.Rational(1, 3), "w").is_exact()
    (True, False)
    """
    value = _unwrap(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise WeightError(f"{where}: expected a finite number, got {value!r}")
        return arb(value)
    if isinstance(value, bool):
        raise WeightError(f"{where}: expected a number, got the bool {value!r}")
    if isinstance(value, int):
        return arb(fmpz(value))
    if isinstance(value, Fraction):
        return arb(fmpq(value.numerator, value.denominator))
    if isinstance(value, sympy.Basic):
        if value.is_Rational:
            return arb(fmpq(int(value.p), int(value.q)))
        if value.is_Float:
            if not value.is_finite:
                raise WeightError(f"{where}: expected a finite number, got {value}")
            return from_mpf(value._mpf_)
        try:
            v = (printer or ArbPrinter()).ball(value)
        except Uncertifiable as exc:
            free = getattr(value, "free_symbols", None)
            if free:
                raise WeightError(f"{where}: {value} contains the symbols "
                                  f"{sorted(map(str, free))}; substitute numbers first") from None
            raise WeightError(f"{where}: {exc}") from None
        if not v.is_finite():
            raise WeightError(f"{where}: {value} is not a finite real number")
        return v
    if hasattr(value, "_mpf_"):  # mpmath.mpf: exactly
        v = from_mpf(value._mpf_)
        if not v.is_finite() or not math.isfinite(float(value)):
            raise WeightError(f"{where}: expected a finite number, got {value}")
        return v
    if isinstance(value, numbers.Rational):
        return arb(fmpq(int(value.numerator), int(value.denominator)))
    if isinstance(value, str):
        raise WeightError(f"{where}: got the string {value!r}; pass a number (strings are "
                          "never evaluated)")
    raise WeightError(f"{where}: expected a real number, got {type(value).__name__} {value!r}")


def constant_balls(values, where):
    """Balls of many exact constants, sharing one printer (common subexpressions once).

    Examples
    --------
    >>> import sympy
    >>> from symnet.bounds.arbprint import constant_balls
    >>> t = sympy.tanh(sympy.Rational(1, 2))
    >>> [b.is_finite() for b in constant_balls([t, t**2, 1 - t], "coefficient")]
    [True, True, True]
    """
    printer = ArbPrinter()
    return [to_ball(v, where, printer) for v in values]
