"""Ball arithmetic helpers: python-flint ``arb`` balls, outward rounding, scoped precision.

Every enclosure in :mod:`symnet.bounds` is an ``arb`` ball (a midpoint and a
radius, rounded outward by python-flint).  This module holds what the other
modules share: the scoped working precision (python-flint's precision is
global state; it is only ever set inside a ``with precision(bits):`` block
and restored on exit), powers with tight ranges, rounding a ball outward to
floats or to exact rationals, the time budget, and the internal exception
raised when an enclosure cannot be certified.

Examples
--------
>>> import flint
>>> from symnet.bounds.balls import precision, float_up, rational_bounds
>>> with precision(200):
...     third = flint.arb(1) / 3
...     float_up(third) > 1 / 3, rational_bounds(third)[0] < sympy.Rational(1, 3)
(True, True)
"""

from __future__ import annotations

import math
import threading
import time
from fractions import Fraction

import flint
import sympy
from flint import arb, fmpq, fmpz

from ..alarm import AlarmExpired, alarm_usable, call_with_alarm

__all__ = [
    "Uncertifiable",
    "Hull",
    "TimeUp",
    "Deadline",
    "precision",
    "union",
    "ipow",
    "float_up",
    "float_down",
    "abs_up",
    "from_mpf",
    "const_ball",
    "dyadic",
    "exact_rational",
    "rational_bounds",
    "midpoint",
]


class Uncertifiable(Exception):
    """Internal to :mod:`symnet.bounds`: an enclosure could not be certified.

    The drivers turn it into an uncertified result or
    :class:`~symnet.errors.UncertifiedBoundError`; it never leaves the package.
    """


class TimeUp(Exception):
    """Internal to :mod:`symnet.bounds`: the time budget ran out."""


class Deadline:
    """A point in time after which bounding work stops (``None`` seconds: never).

    Examples
    --------
    >>> from symnet.bounds.balls import Deadline
    >>> Deadline(None).expired(), Deadline(3600).expired()
    (False, False)
    """

    __slots__ = ("seconds", "end")

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = math.inf if seconds is None else time.monotonic() + float(seconds)

    def expired(self):
        """True once the budget is spent."""
        return self.end != math.inf and time.monotonic() >= self.end

    def check(self):
        """Raise :class:`TimeUp` once the budget is spent."""
        if self.end != math.inf and time.monotonic() >= self.end:
            raise TimeUp(f"the time budget of {self.seconds:g} s ran out")


_NEVER = Deadline(None)
_LOCAL = threading.local()   # per thread: the deadlines of the bounding calls in progress


def _stack():
    st = getattr(_LOCAL, "stack", None)
    if st is None:
        st = _LOCAL.stack = [_NEVER]
    return st


class budget:
    """Make ``deadline`` the one the inner loops check, inside a ``with`` block.

    Examples
    --------
    >>> from symnet.bounds.balls import budget, Deadline, check_time
    >>> with budget(Deadline(60)):
    ...     check_time()
    """

    def __init__(self, deadline):
        self.deadline = deadline

    def __enter__(self):
        _stack().append(self.deadline)
        return self.deadline

    def __exit__(self, *exc):
        _stack().pop()
        return False


def check_time():
    """Raise :class:`TimeUp` when the active budget is spent (cheap; call it in loops).

    Examples
    --------
    >>> from symnet.bounds.balls import check_time
    >>> check_time()       # no budget active: never raises
    """
    _stack()[-1].check()


def time_left():
    """False once the active budget is spent.

    Examples
    --------
    >>> from symnet.bounds.balls import time_left
    >>> time_left()
    True
    """
    return not _stack()[-1].expired()


def run_within_budget(fn):
    """``fn()``, interrupted with :class:`TimeUp` when the active budget runs out.

    For one long call the inner loops cannot check (reading a polynomial's
    exact coefficients).  Uses ``SIGALRM`` in the main thread when no other
    timer is set; elsewhere ``fn`` runs to the end (the budget is checked
    right after).

    Examples
    --------
    >>> from symnet.bounds.balls import Deadline, budget, run_within_budget
    >>> with budget(Deadline(5)):
    ...     run_within_budget(lambda: 6 * 7)
    42
    """
    deadline = _stack()[-1]
    if deadline.end == math.inf or not alarm_usable():
        out = fn()
        deadline.check()
        return out
    left = deadline.end - time.monotonic()
    if left <= 0:
        deadline.check()
    try:
        return call_with_alarm(fn, left)
    except AlarmExpired:
        raise TimeUp(f"the time budget of {deadline.seconds:g} s ran out") from None


class precision:
    """Set python-flint's working precision inside a ``with`` block only.

    Examples
    --------
    >>> import flint
    >>> from symnet.bounds.balls import precision
    >>> before = flint.ctx.prec
    >>> with precision(300):
    ...     flint.ctx.prec
    300
    >>> flint.ctx.prec == before
    True
    """

    def __init__(self, bits):
        self.bits = int(bits)

    def __enter__(self):
        self.old = flint.ctx.prec
        flint.ctx.prec = self.bits
        return self

    def __exit__(self, *exc):
        flint.ctx.prec = self.old
        return False


def union(*xs):
    """The smallest ball containing every ball of ``xs``.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import union
    >>> union(arb(1), arb(3)).contains(2)
    True
    """
    out = xs[0]
    for x in xs[1:]:
        out = arb.union(out, x)
    return out


class Hull:
    """The hull of balls, kept as exact ends (a ball's radius is rounded; ends are not).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import Hull
    >>> h = Hull()
    >>> h.add(arb(-2)); h.add(arb(3))
    >>> h.lo, h.hi
    (-2.00000000000000, 3.00000000000000)
    """

    __slots__ = ("lo", "hi", "finite")

    def __init__(self):
        self.lo = self.hi = None
        self.finite = True

    def add(self, x):
        """Widen the hull to contain the ball ``x`` (a non-finite ball poisons it)."""
        if not x.is_finite():
            self.finite = False
            return
        a, b = x.lower(), x.upper()
        if self.lo is None or a < self.lo:
            self.lo = a
        if self.hi is None or b > self.hi:
            self.hi = b

    def ball(self):
        """The hull as one ball (NaN when a ball was not finite or none was added)."""
        if not self.finite or self.lo is None:
            return arb.nan()
        return union(self.lo, self.hi)


def ipow(x, k):
    """Tight enclosure of ``{t**k : t in x}`` (even powers stay non-negative).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import ipow, union
    >>> sq = ipow(union(arb(-1), arb(2)), 2)      # [0, 4], not [-2, 4]
    >>> float(sq.lower()) > -1e-6, sq.contains(4)
    (True, True)
    """
    if k == 0:
        return arb(1)
    if k == 1:
        return x
    if not x.is_finite():
        return arb.nan()
    lo, hi = x.lower(), x.upper()
    pl, ph = lo ** k, hi ** k
    if k % 2 == 0 and lo < 0 < hi:
        return union(arb(0), pl, ph)
    return union(pl, ph)


def float_up(x):
    """The float just above every point of the ball ``x`` (``inf`` if not finite).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import float_up
    >>> float_up(arb(1) / 3) >= 1 / 3
    True
    """
    if not x.is_finite():
        return math.inf
    u = x.upper()
    f = float(u)
    for _ in range(8):  # float() rounds to nearest: at most a step or two
        if arb(f) >= u:
            return f
        f = math.nextafter(f, math.inf)
    return math.inf


def float_down(x):
    """The float just below every point of the ball ``x`` (``-inf`` if not finite).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import float_down
    >>> float_down(arb(1) / 3) <= 1 / 3
    True
    """
    if not x.is_finite():
        return -math.inf
    lo = x.lower()
    f = float(lo)
    for _ in range(8):
        if arb(f) <= lo:
            return f
        f = math.nextafter(f, -math.inf)
    return -math.inf


def abs_up(x):
    """A float >= ``|t|`` for every ``t`` in the ball ``x``.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import abs_up
    >>> abs_up(arb(-2))
    2.0
    """
    return float_up(arb(x.abs_upper())) if x.is_finite() else math.inf


def from_mpf(mpf):
    """An mpmath ``_mpf_`` tuple (sign, mantissa, exponent, bits) as an exact ball.

    Examples
    --------
    >>> import mpmath
    >>> from symnet.bounds.balls import from_mpf
    >>> from_mpf(mpmath.mpf(-0.75)._mpf_).is_exact()
    True
    """
    sign, man, exp, _ = mpf
    if man == 0:
        return arb(0)
    v = arb((fmpz(int(man)), int(exp)))
    return -v if sign else v


def dyadic(m, e):
    """The exact ball ``m * 2**e``.

    Examples
    --------
    >>> from symnet.bounds.balls import dyadic
    >>> float(dyadic(3, -2))
    0.75
    """
    return arb((fmpz(int(m)), int(e)))


_CONSTS = {}


def const_ball(q):
    """A Fraction as a ball at the working precision (cached).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.bounds.balls import const_ball
    >>> const_ball(Fraction(1, 2)).is_exact()
    True
    """
    p, d = q.numerator, q.denominator
    key = (p, d, flint.ctx.prec)  # ints hash faster than Fractions
    v = _CONSTS.get(key)
    if v is None:
        if len(_CONSTS) > 100000:
            _CONSTS.clear()
        v = _CONSTS[key] = arb(fmpq(p, d))
    return v


def exact_rational(x):
    """An exact (radius 0), finite ball as a sympy Rational.

    Examples
    --------
    >>> from symnet.bounds.balls import dyadic, exact_rational
    >>> exact_rational(dyadic(-3, -3))
    -3/8
    """
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return sympy.Rational(man * 2**exp) if exp >= 0 else sympy.Rational(man, 2**-exp)


def midpoint(x):
    """The midpoint of a ball as an exact sympy Rational.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import midpoint
    >>> midpoint(arb(0.5))
    1/2
    """
    return exact_rational(x.mid())


def rational_bounds(x, bits=64):
    """``(lo, hi)``: exact sympy Rationals with ``lo <= t <= hi`` for every t in ``x``.

    The ends are rounded outward to ``bits`` significant bits (short
    dyadic rationals).  Raises :class:`Uncertifiable` for a ball that is
    not finite.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.balls import precision, rational_bounds
    >>> with precision(96):
    ...     lo, hi = rational_bounds(arb(1) / 3)
    >>> lo < sympy.Rational(1, 3) < hi, hi - lo < sympy.Rational(1, 2**60)
    (True, True)
    """
    if not x.is_finite():
        raise Uncertifiable(f"the enclosure {x} is not finite")
    with precision(bits):
        lo = x.lower()   # rounded down to `bits` bits
        hi = x.upper()   # rounded up
    return exact_rational(lo), exact_rational(hi)


def fraction_ball(q):
    """A Fraction, int or sympy Rational as a ball.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.bounds.balls import fraction_ball
    >>> fraction_ball(Fraction(1, 4)).is_exact()
    True
    """
    if isinstance(q, Fraction):
        return arb(fmpq(q.numerator, q.denominator))
    if isinstance(q, int):
        return arb(fmpz(q))
    return arb(fmpq(int(q.p), int(q.q)))
