"""Ball arithmetic for activations: exact conversions, a sympy-to-arb compiler, a number context.

Everything here is rigorous: a ball returned for ``f(c)`` contains ``f(x)``
for every ``x`` in the ball ``c``.  python-flint's precision is only ever set
inside :class:`precision` blocks (never globally).

Examples
--------
>>> from fractions import Fraction
>>> from symnet import get_activation
>>> from symnet.approximation._arb import Evaluator, precision, ball
>>> with precision(64):
...     v = Evaluator(get_activation("tanh")).value(ball(Fraction(1, 2)))
>>> 0.46211715 < float(v.mid()) < 0.46211716
True
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy

from ..activations.system import Z
from ..errors import ActivationError, DomainError, InputError

__all__ = ["precision", "ball", "fmpq_of", "fraction_of", "upper_fraction", "lower_fraction",
           "arb_of_mpf", "mpf_of_arb", "Evaluator", "ArbContext", "Unsupported",
           "exact_fraction"]


# the ball machinery is symnet.bounds': one precision scope, one sympy -> arb printer, one
# ball number context
from ..bounds.arbprint import ArbPrinter
from ..bounds.balls import Uncertifiable as Unsupported
from ..bounds.balls import precision
from ..bounds.enclosures import ArbContext


# ---------------------------------------------------------------------------
# exact conversions
# ---------------------------------------------------------------------------

def exact_fraction(v, where="value"):
    """A Fraction from an int, Fraction, float (its binary value) or sympy Rational.

    Examples
    --------
    >>> from symnet.approximation._arb import exact_fraction
    >>> exact_fraction(0.5), exact_fraction(sympy.Rational(-1, 3))
    (Fraction(1, 2), Fraction(-1, 3))
    """
    if isinstance(v, Fraction):
        return v
    if isinstance(v, bool):
        raise InputError(f"{where}: expected a number, got {v!r}")
    if isinstance(v, int):
        return Fraction(v)
    if isinstance(v, float):
        return Fraction(v)
    if isinstance(v, sympy.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, sympy.Float):
        return Fraction(sympy.Rational(v).p, sympy.Rational(v).q)
    raise InputError(f"{where}: expected an exact rational number, got {v!r}")


def fmpq_of(q):
    """A python-flint fmpq from a Fraction / int / sympy Rational.

    Examples
    --------
    >>> from symnet.approximation._arb import fmpq_of
    >>> fmpq_of(sympy.Rational(-2, 6)), fmpq_of(Fraction(3, 4))
    (-1/3, 3/4)
    """
    from flint import fmpq
    q = exact_fraction(q)
    return fmpq(q.numerator, q.denominator)


def fraction_of(x):
    """A Fraction from an fmpq or an exact arb (dyadic).

    Examples
    --------
    >>> from flint import arb, fmpq
    >>> from symnet.approximation._arb import fraction_of
    >>> fraction_of(fmpq(3, 4)), fraction_of(arb(0.375))
    (Fraction(3, 4), Fraction(3, 8))
    """
    from flint import arb
    if isinstance(x, arb):
        man, exp = x.mid().man_exp()
        man, exp = int(man), int(exp)
        return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)
    return Fraction(int(x.p), int(x.q))


def upper_fraction(a):
    """An exact dyadic Fraction >= every point of the ball ``a`` (DomainError if not finite).

    Examples
    --------
    >>> from symnet.approximation._arb import ball, precision, upper_fraction
    >>> with precision(64):
    ...     u = upper_fraction(ball(Fraction(1, 3)))
    >>> 0 < u - Fraction(1, 3) < Fraction(1, 2**60), u.denominator & (u.denominator - 1) == 0
    (True, True)
    """
    if not a.is_finite():
        raise DomainError("the enclosure is not finite")
    return fraction_of(a.upper())


def lower_fraction(a):
    """An exact dyadic Fraction <= every point of the ball ``a`` (DomainError if not finite).

    Examples
    --------
    >>> from symnet.approximation._arb import ball, lower_fraction, precision
    >>> with precision(64):
    ...     v = lower_fraction(ball(Fraction(1, 3)))
    >>> 0 < Fraction(1, 3) - v < Fraction(1, 2**60)
    True
    """
    if not a.is_finite():
        raise DomainError("the enclosure is not finite")
    return fraction_of(a.lower())


def ball(v):
    """A ball containing an exact number (Fraction, int, float, sympy number or fmpq).

    Examples
    --------
    >>> from symnet.approximation._arb import ball, precision
    >>> with precision(64):
    ...     print(ball(Fraction(1, 3)), ball(sympy.sqrt(2)), ball(0.5))
    [0.333333333333333333 +/- 3.43e-19] [1.41421356237309505 +/- 1.35e-18] 0.500000000000000000
    """
    from flint import arb, fmpq
    if isinstance(v, arb):
        return v
    if isinstance(v, fmpq):
        return arb(v)
    if isinstance(v, float):
        return arb(v)
    if isinstance(v, (int, Fraction)) and not isinstance(v, bool):
        return arb(fmpq_of(v))
    if isinstance(v, sympy.Basic):
        if v.is_Rational:
            return arb(fmpq_of(v))
        return compile_expr(v)([])
    if hasattr(v, "_mpf_"):
        return arb_of_mpf(v)
    raise InputError(f"cannot make a ball of {v!r}")


def arb_of_mpf(m):
    """The mpmath number ``m`` as an exact ball.

    Examples
    --------
    >>> import mpmath
    >>> from symnet.approximation._arb import arb_of_mpf, fraction_of
    >>> b = arb_of_mpf(mpmath.mpf(0.1))
    >>> b.is_exact(), fraction_of(b) == Fraction(0.1)
    (True, True)
    """
    from flint import arb, fmpz
    sign, man, exp, _ = m._mpf_
    if not man:
        if exp:  # inf / nan
            raise DomainError(f"not a finite number: {m}")
        return arb(0)
    return arb((fmpz(-man if sign else man), exp))


def mpf_of_arb(a):
    """The midpoint of a ball as an mpmath number (rounded to mpmath's working precision).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.approximation._arb import mpf_of_arb
    >>> mpf_of_arb(arb(0.375))
    mpf('0.375')
    """
    import mpmath
    man, exp = a.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


# ---------------------------------------------------------------------------
# sympy -> arb
# ---------------------------------------------------------------------------

_UNARY = {"exp", "log", "tanh", "sinh", "cosh", "sin", "cos", "tan", "atan", "asin", "acos",
          "asinh", "acosh", "atanh", "erf", "erfc", "erfi", "sqrt", "gamma", "sec", "csc",
          "cot", "sech", "csch", "coth"}
_CONSTANTS = {"Pi": lambda arb: arb.pi(), "Exp1": lambda arb: arb.const_e(),
              "EulerGamma": lambda arb: arb.const_euler(),
              "Catalan": lambda arb: arb.const_catalan()}


def compile_expr(expr, syms=()):
    """A function of a list of balls enclosing the real sympy expression ``expr`` in ``syms``.

    Raises :class:`Unsupported` for what it cannot enclose rigorously.

    Examples
    --------
    >>> import sympy
    >>> from flint import arb
    >>> from symnet.approximation._arb import compile_expr
    >>> z = sympy.Symbol("z")
    >>> f = compile_expr(sympy.tanh(z) / 2 + 1, (z,))
    >>> abs(float(f([arb(0)]).mid()) - 1) < 1e-15
    True
    """
    return ArbPrinter(syms).function(expr)


class Evaluator:
    """Rigorous evaluation of one activation on balls, and mpmath evaluation for fitting.

    Parameters
    ----------
    act : Activation

    Raises
    ------
    ActivationError
        When the activation cannot be evaluated rigorously (a sympy function
        python-flint does not implement, an unknown function).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.approximation._arb import Evaluator
    >>> e = Evaluator(get_activation("relu"))
    >>> e.value(arb(-2)), e.value(arb(3))
    (0, 3.00000000000000)
    """

    def __init__(self, act):
        self.act = act
        self.rule = act.rule
        self.kind = act.kind
        self.ctx = ArbContext()
        self._direct = None
        if self.kind == "piecewise_linear":
            self.pieces = _pieces(self.rule)
            return
        try:
            self._direct = compile_expr(act.func(Z), (Z,))
        except Unsupported:
            self._direct = None
        try:
            from flint import arb, fmpq
            with precision(64):
                v = self.taylor(arb(fmpq(1, 3)), 1)
            ok = all(x.is_finite() for x in v)
        except (Unsupported, ActivationError, TypeError, AttributeError,
                sympy.PolynomialError) as e:
            raise ActivationError(
                f"activation {act.name!r} has no numeric implementation symnet can evaluate "
                f"rigorously: {e}; register it with a formula of supported functions (exp, log, "
                "tanh, erf, sqrt, ...) or with system=(atoms, derivatives, value)") from None
        if not ok and self._direct is None:
            raise ActivationError(f"activation {act.name!r} is not finite at 1/3")

    # -- values and Taylor coefficients on balls ----------------------------
    def value(self, c):
        """A ball containing f(x) for every x in the ball ``c``."""
        if self.kind == "piecewise_linear":
            return self._pwl_value(c)
        d = None
        if self._direct is not None:
            try:
                d = self._direct([c])
            except (ValueError, ZeroDivisionError):
                d = None
            if d is not None and d.is_finite() and c.rad() == 0:
                return d
        v = self.taylor(c, 0)[0]
        if d is not None and d.is_finite():
            if not v.is_finite():
                return d
            if d.overlaps(v):
                from flint import arb
                return arb.intersection(v, d)
        return v

    def taylor(self, c, n):
        """Balls containing ``f^(k)(x)/k!`` for every x in ``c``, k = 0..n."""
        try:
            out = self.rule.taylor(self.ctx, c, n)
        except Unsupported as e:
            raise ActivationError(f"activation {self.act.name!r}: {e}") from None
        from flint import arb
        return [x if isinstance(x, arb) else ball(x) for x in out]

    def _pwl_value(self, c):
        from flint import arb
        lo, hi = c.lower(), c.upper()
        vals = [self._pwl_point(lo), self._pwl_point(hi)]
        for b in self.rule.breakpoints:
            bb = ball(b)
            if bb > lo and bb < hi:
                vals.append(self._pwl_point(bb))
        out = vals[0]
        for v in vals[1:]:
            out = out.union(v)
        return out if isinstance(out, arb) else arb(out)

    def _pwl_point(self, x):
        """f at an exact ball, or an enclosure when x straddles a breakpoint."""
        out = None
        for (a, b), (s, i) in self.pieces:
            if (a is None or not x < ball(a)) and (b is None or not x > ball(b)):
                v = ball(s) * x + ball(i)
                out = v if out is None else out.union(v)
        return out

    # -- mpmath evaluation ---------------------------------------------------
    def mp(self, x):
        """f(x) for an mpmath number, to mpmath's working precision."""
        import mpmath
        if self.kind == "piecewise_linear":
            return self.pwl_mp(x)
        with precision(mpmath.mp.prec + 20):
            v = self.value(arb_of_mpf(x))
        if not v.is_finite():
            raise ActivationError(f"activation {self.act.name!r} is not finite at {x}")
        return mpf_of_arb(v)

    def pwl_mp(self, x):
        import mpmath
        for (a, b), (s, i) in self.pieces:
            if b is None or x <= mpmath.mpf(b.p) / b.q:
                return mpmath.mpf(s.p) / s.q * x + mpmath.mpf(i.p) / i.q
        raise DomainError(f"{x} is beyond the last piece")  # pragma: no cover


def _pieces(rule):
    """((left, right), (slope, intercept)) per linear piece, ends None at infinity."""
    name = getattr(rule, "name", "activation")
    for v in tuple(rule.breakpoints) + tuple(rule.slopes) + tuple(rule.intercepts):
        if not sympy.sympify(v).is_Rational:
            raise ActivationError(f"{name}: surrogates of piecewise-linear activations need "
                                  f"rational breakpoints, slopes and intercepts, got {v}")
    bps = [sympy.Rational(b) for b in rule.breakpoints]
    out = []
    for k, (s, i) in enumerate(zip(rule.slopes, rule.intercepts)):
        a = bps[k - 1] if k > 0 else None
        b = bps[k] if k < len(bps) else None
        out.append(((a, b), (sympy.Rational(s), sympy.Rational(i))))
    return out


def log2_ceil(x):
    """ceil(log2(x)) for a positive float (0 for non-positive)."""
    return 0 if x <= 0 else math.ceil(math.log2(x))
