"""Exact zero testing for PDE constraints: probes, proofs and time limits.

A constraint applied to a concrete function is an expression that either
vanishes identically or not.  symnet decides this in three stages:

1. **probes**: evaluate at exact rational points with high precision; a
   value that is clearly nonzero is confirmed (exactly when it is rational,
   otherwise with sympy's ``evalf(strict=True)``, which raises rather than
   return digits it cannot guarantee) and is a sound witness;
2. **proofs**: ``expand``; ``cancel``/``together`` on rational functions;
   rewriting trigonometric and hyperbolic functions as exponentials and
   replacing every ``exp`` by monomials in independent generators;
   ``piecewise_fold``; ``simplify`` last, if time remains;
3. otherwise **undecided**, never a guess.

Every proof step runs under a time limit: in the main thread of a Unix
process a ``SIGALRM`` timer interrupts the computation; elsewhere the step
runs in a daemon thread that is abandoned (and its result ignored) when the
time is up.

Examples
--------
>>> import sympy
>>> from symnet.pde_zero import prove_zero
>>> x, y = sympy.symbols("x y")
>>> prove_zero(sympy.tanh(x + y) - (sympy.tanh(x) + sympy.tanh(y)) / (1 + sympy.tanh(x) * sympy.tanh(y)))
True
>>> prove_zero(sympy.sin(x)**2 + sympy.cos(x)**2 - 1)
True
"""

import math
import signal
import threading
import time

import mpmath
import sympy
from sympy.core.evalf import PrecisionExhausted

__all__ = []


class _Alarm(BaseException):
    """Raised by the SIGALRM handler; a BaseException so sympy cannot swallow it."""


class TimeUp(Exception):
    """The time limit of a step was reached."""


class Deadline:
    """A point in time after which work stops (``None`` seconds = never)."""

    def __init__(self, seconds):
        self.start = time.monotonic()
        self.end = math.inf if seconds is None else self.start + float(seconds)

    def remaining(self):
        return self.end - time.monotonic()

    def expired(self):
        return self.remaining() <= 0

    def check(self):
        if self.expired():
            raise TimeUp()


_abandoned = []  # threads left running after a time limit (for diagnostics)


def _can_use_alarm():
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    try:
        if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            return False  # somebody else's timer is running; do not disturb it
        return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    except (ValueError, OSError):  # pragma: no cover
        return False


def run_limited(fn, seconds):
    """Run ``fn()`` for at most ``seconds``; return ``(finished, value)``.

    Exceptions raised by ``fn`` (other than the time limit) propagate.
    """
    if seconds is None or seconds == math.inf:
        return True, fn()
    if seconds <= 0:
        return False, None
    if _can_use_alarm():
        def handler(signum, frame):
            raise _Alarm()

        old = signal.signal(signal.SIGALRM, handler)
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                return True, fn()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _Alarm:
            return False, None
        finally:
            signal.signal(signal.SIGALRM, old)
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # pragma: no cover - re-raised below
            box["error"] = exc

    t = threading.Thread(target=target, name="symnet-pde-proof", daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        _abandoned.append(t)
        return False, None
    if "error" in box:
        raise box["error"]
    return True, box.get("value")


# ---------------------------------------------------------------------------
# exact rewriting
# ---------------------------------------------------------------------------
_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc,
         sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)


def _exp_generators(expr):
    """Replace every ``exp(a)`` by a monomial in independent generators.

    The exponent ``a`` is expanded into terms ``c * t`` with ``c`` rational;
    for every distinct ``t`` a generator ``u_t = exp(t / L)`` is introduced,
    ``L`` being the common denominator of the coefficients of ``t``; then
    ``exp(a) = exp(constant part) * prod u_t**(c L)``.  The result equals
    ``expr`` identically.
    """
    atoms = [a for a in expr.atoms(sympy.exp)]
    if not atoms:
        return expr
    decomposed = {}
    denominators = {}
    for a in atoms:
        arg = sympy.expand(a.args[0])
        const, parts = [], []
        for term in sympy.Add.make_args(arg):
            if not term.free_symbols:
                const.append(term)
                continue
            c, rest = term.as_coeff_Mul()
            if not c.is_Rational:
                c, rest = sympy.Integer(1), term
            parts.append((rest, c))
            denominators[rest] = math.lcm(denominators.get(rest, 1), int(c.q))
        decomposed[a] = (sympy.Add(*const), parts)
    gens = {}
    for rest in denominators:
        real = rest.is_extended_real
        gens[rest] = sympy.Dummy("u", positive=True) if real else sympy.Dummy("u", nonzero=True)
    mapping = {}
    for a, (const, parts) in decomposed.items():
        value = sympy.exp(const)
        for rest, c in parts:
            value *= gens[rest] ** (c * denominators[rest])
        mapping[a] = value
    return expr.xreplace(mapping)


def _numerator_zero(expr):
    num, _ = sympy.fraction(sympy.together(expr))
    return sympy.expand(num) == 0


def _has_piecewise_like(expr):
    return expr.has(sympy.Piecewise, sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min)


def _steps(expr):
    """Exact proof steps, cheapest first; each returns True when it proves ``expr == 0``."""

    def expanded():
        return sympy.expand(expr) == 0

    def rational():
        if expr.has(sympy.Function, sympy.Derivative, sympy.Subs):
            return False
        return sympy.cancel(sympy.together(expr)) == 0

    def exponential():
        if not expr.has(sympy.exp, *_TRIG):
            return False
        e = expr.rewrite(sympy.exp) if expr.has(*_TRIG) else expr
        e = _exp_generators(sympy.expand(e))
        return _numerator_zero(e)

    def piecewise():
        if not _has_piecewise_like(expr):
            return False
        folded = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
        if isinstance(folded, sympy.Piecewise):
            return all(prove_zero(branch, None) is True for branch, cond in folded.args if cond is not sympy.false)
        return prove_zero(folded, None) is True

    def simplified():
        return sympy.simplify(expr) == 0

    return [("expand", expanded), ("cancel", rational), ("exp", exponential),
            ("piecewise_fold", piecewise), ("simplify", simplified)]


def prove_zero(expr, seconds=5.0):
    """Try to prove ``expr == 0`` identically with exact methods.

    Returns True when proven, None when not proven within ``seconds``
    (never False: failing to prove is not a disproof).
    """
    expr = sympy.sympify(expr)
    if expr == 0:
        return True
    deadline = Deadline(seconds)
    for name, step in _steps(expr):
        left = deadline.remaining()
        if left <= 0:
            return None
        try:
            finished, ok = run_limited(step, None if seconds is None else left)
        except (TimeUp, RecursionError, MemoryError):
            return None
        except Exception:  # a sympy failure in one step: try the next one
            continue
        if not finished:
            return None
        if ok:
            return True
    return None


# ---------------------------------------------------------------------------
# numeric probes
# ---------------------------------------------------------------------------
class BadPoint(Exception):
    """The function is not defined (or not real) at a point."""


class NotNumeric(Exception):
    """The expression cannot be evaluated to a number (undefined functions...)."""


def to_mp(value, dps):
    """An exact sympy number as an mpmath ``mpf``/``mpc`` at ``dps`` digits."""
    if value.is_Rational:
        with mpmath.workdps(dps):
            return mpmath.mpf(int(value.p)) / int(value.q)
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise BadPoint(str(value))
    num = value.evalf(dps)
    if not num.is_number:
        raise NotNumeric(str(value))
    if num.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise BadPoint(str(value))
    re, im = num.as_real_imag()
    try:
        with mpmath.workdps(dps):
            re_mp = mpmath.mpf(sympy.Float(re, dps)) if re != 0 else mpmath.mpf(0)
            im_mp = mpmath.mpf(sympy.Float(im, dps)) if im != 0 else mpmath.mpf(0)
            return re_mp if im_mp == 0 else mpmath.mpc(re_mp, im_mp)
    except (TypeError, ValueError):
        raise NotNumeric(str(value)) from None


def is_clearly_nonzero(exact, digits=30):
    """True when an exact sympy number is provably nonzero, None otherwise.

    Rationals are decided exactly; other numbers with
    ``evalf(digits, strict=True)``, whose digits are guaranteed.
    """
    if exact.is_Rational:
        return True if exact != 0 else None
    if not exact.is_number:
        return None
    try:
        value = exact.evalf(digits, strict=True)
    except (PrecisionExhausted, ValueError, TypeError, ZeroDivisionError):
        return None
    except Exception:  # pragma: no cover - defensive: evalf on odd objects
        return None
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not value.is_number:
        return None
    return True if value != 0 else None


def is_exactly_zero(exact, seconds=1.0):
    """True when an exact sympy number is proven to be zero, None otherwise."""
    if exact == 0:
        return True
    if exact.is_Rational:
        return None
    return prove_zero(exact, seconds)
