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
>>> from symnet.pde.zero import prove_zero
>>> x, y = sympy.symbols("x y")
>>> prove_zero(sympy.tanh(x + y) - (sympy.tanh(x) + sympy.tanh(y)) / (1 + sympy.tanh(x) * sympy.tanh(y)))
True
>>> prove_zero(sympy.sin(x)**2 + sympy.cos(x)**2 - 1)
True
"""

import math
import threading
import time

import mpmath
import sympy
from sympy.core.evalf import PrecisionExhausted

from .._validate import as_expr
from ..alarm import AlarmExpired, alarm_usable, call_with_alarm
from ..errors import ArgumentError
from .derivatives import _det

__all__ = ["Deadline", "run_limited", "prove_zero", "Formal", "formal_zero", "exp_form", "to_mp",
           "NumEval", "is_clearly_nonzero", "is_exactly_zero"]


class _Signal(Exception):
    """Internal control flow of the zero tests; caught inside symnet.pde, never raised to users."""


class _TimeUp(_Signal):
    """The time limit of a step was reached."""


class Deadline:
    """A point in time after which work stops (``None`` seconds = never).

    Examples
    --------
    >>> from symnet.pde.zero import Deadline
    >>> Deadline(None).expired(), Deadline(60).remaining() > 59
    (False, True)
    """

    def __init__(self, seconds):
        self.start = time.monotonic()
        self.end = math.inf if seconds is None else self.start + float(seconds)

    def remaining(self):
        return self.end - time.monotonic()

    def expired(self):
        return self.remaining() <= 0

    def check(self):
        if self.expired():
            raise _TimeUp()


_abandoned = []  # threads left running after a time limit (for diagnostics)


def _check_seconds(seconds, who):
    """Refuse a time limit that is neither None nor a number (NaN included)."""
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                or math.isnan(seconds)):
        raise ArgumentError(f"{who}: expected a number of seconds or None, got {seconds!r}")


def run_limited(fn, seconds):
    """Run ``fn()`` for at most ``seconds``; return ``(finished, value)``.

    Exceptions raised by ``fn`` (other than the time limit) propagate.

    Examples
    --------
    >>> from symnet.pde.zero import run_limited
    >>> run_limited(lambda: 42, 1.0)
    (True, 42)
    """
    _check_seconds(seconds, "run_limited")
    if seconds is None or seconds == math.inf:
        return True, fn()
    if seconds <= 0:
        return False, None
    if alarm_usable():
        try:
            return True, call_with_alarm(fn, seconds)
        except AlarmExpired:
            return False, None
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


def _has_piecewise_like(expr):
    return expr.has(sympy.Piecewise, sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min)


def _steps(expr):
    """Exact proof steps, cheapest first; each returns True when it proves ``expr == 0``."""

    def formal():
        return formal_zero(expr) is True

    def expanded():
        return sympy.expand(expr) == 0

    def rational():
        if expr.has(sympy.Function, sympy.Derivative, sympy.Subs):
            return False
        return sympy.cancel(sympy.together(expr)) == 0

    def exponential():
        if not expr.has(sympy.exp, *_TRIG):
            return False
        return formal_zero(exp_form(expr)) is True

    def piecewise():
        if not _has_piecewise_like(expr):
            return False
        folded = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
        if isinstance(folded, sympy.Piecewise):
            return all(prove_zero(branch, None) is True for branch, cond in folded.args if cond is not sympy.false)
        return prove_zero(folded, None) is True

    def simplified():
        return sympy.simplify(expr) == 0

    return [("formal", formal), ("exp", exponential), ("expand", expanded), ("cancel", rational),
            ("piecewise_fold", piecewise), ("simplify", simplified)]


def prove_zero(expr, seconds=5.0, info=None):
    """Try to prove ``expr == 0`` identically with exact methods.

    Returns True when proven, None when not proven within ``seconds``
    (never False: failing to prove is not a disproof).  If ``info`` is a
    dict, ``info["timed_out"]`` is set to True when the time limit stopped
    the attempt.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import prove_zero
    >>> x = sympy.Symbol("x")
    >>> prove_zero(sympy.cosh(x)**2 - sympy.sinh(x)**2 - 1), prove_zero(x) is None
    (True, True)
    """
    expr = as_expr(expr, "prove_zero: expr")
    _check_seconds(seconds, "prove_zero")
    if expr == 0:
        return True
    deadline = Deadline(seconds)
    for name, step in _steps(expr):
        left = deadline.remaining()
        if left <= 0:
            if info is not None:
                info["timed_out"] = True
            return None
        try:
            finished, ok = run_limited(step, None if seconds is None else left)
        except (_TimeUp, RecursionError, MemoryError):
            return None
        except Exception:  # a sympy failure in one step: try the next one
            continue
        if not finished:
            if info is not None:
                info["timed_out"] = True
            return None
        if ok:
            return True
    return None


# ---------------------------------------------------------------------------
# formal polynomial identities (python-flint)
# ---------------------------------------------------------------------------
class _TooBig(_Signal):
    """A formal expansion would exceed the size limit."""


class _FormalDivisionByZero(_Signal):
    """A formal denominator is the zero polynomial."""


def _split_pow(node):
    """``(base, kind, power)`` for a Pow handled formally, else None."""
    b, e = node.args
    if e.is_Integer:
        return (b, "int", int(e))
    if e.is_Rational:
        p, q = int(e.p), int(e.q)
        return (b, ("root", q), p)
    return None


class Formal:
    """Expressions as fractions of polynomials over QQ in formal generators.

    Every atom that is not a rational number, a sum, a product or an integer
    power -- symbols, function applications, ``b**(1/q)``, constants such
    as ``pi`` -- becomes an independent indeterminate (``I`` too, and the
    relation ``I**2 = -1`` is applied at the end).  An expression is mapped
    to ``numerator / denominator`` without cancelling common factors.  If
    the numerator is the zero polynomial (and the denominator is not), the
    expression is identically zero wherever it is defined: substituting the
    atoms back cannot make a zero polynomial nonzero.  The converse does not
    hold -- the atoms may be algebraically dependent -- so a nonzero
    numerator proves nothing.  The chain rule produces exactly such formal
    identities for the constraints of compositions, and python-flint does
    the arithmetic fast.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import Formal
    >>> x, y = sympy.symbols("x y")
    >>> t, d = sympy.tanh(x*y), x + sympy.sin(y)
    >>> a, b = t + 1/d, t**2 + 2*t/d + d**-2
    >>> F = Formal([a, b])
    >>> F.is_zero(F.sub(F.pow(F(a), 2), F(b)))
    True
    """

    def __init__(self, exprs, max_terms=4_000_000):
        import flint

        self.max_terms = max_terms
        self._keys = {}
        seen = set()
        for e in exprs:
            self._collect(as_expr(e, "Formal: expression"), seen)
        self._I = self._keys.get(sympy.I)
        names = tuple(f"g{i}" for i in range(max(1, len(self._keys))))
        self._ctx = flint.fmpq_mpoly_ctx.get(names, "lex")
        self._gens = self._ctx.gens()
        self._one = self._ctx.from_dict({(0,) * len(names): 1})
        self._zero = self._one - self._one
        self._memo = {}
        self._fmpq = flint.fmpq

    def _key(self, key):
        if key not in self._keys:
            self._keys[key] = len(self._keys)

    def _collect(self, node, seen):
        stack = [node]
        while stack:
            e = stack.pop()
            if e in seen:
                continue
            seen.add(e)
            if e.is_Rational:
                continue
            if e.is_Add or e.is_Mul:
                stack.extend(e.args)
                continue
            if e.is_Pow:
                sp = _split_pow(e)
                if sp is not None:
                    b, kind, _ = sp
                    if kind == "int":
                        stack.append(b)
                    else:
                        self._key((kind, b))
                    continue
            self._key(e)

    def _check(self, n):
        if n > self.max_terms:
            raise _TooBig(n)

    # -- fraction arithmetic ------------------------------------------------
    def add(self, a, b):
        (n1, d1), (n2, d2) = a, b
        if d1 == d2:
            return (n1 + n2, d1)
        self._check(len(n1) * len(d2) + len(n2) * len(d1))
        return (n1 * d2 + n2 * d1, d1 * d2)

    def neg(self, a):
        return (-a[0], a[1])

    def sub(self, a, b):
        return self.add(a, self.neg(b))

    def mul(self, a, b):
        (n1, d1), (n2, d2) = a, b
        self._check(len(n1) * len(n2) + len(d1) * len(d2))
        return (n1 * n2, d1 * d2)

    def pow(self, a, k):
        n, d = a
        if k < 0:
            if n.is_zero():
                raise _FormalDivisionByZero("formal division by zero")
            n, d, k = d, n, -k
        if len(n) > 1 or len(d) > 1:
            self._check(max(len(n), len(d)) ** min(k, 8))
        return (n ** k, d ** k)

    def det(self, rows):
        class _E:
            __slots__ = ("v",)

            def __init__(s, v):
                s.v = v

            def __add__(s, o):
                return _E(self.add(s.v, o.v))

            def __sub__(s, o):
                return _E(self.sub(s.v, o.v))

            def __mul__(s, o):
                return _E(self.mul(s.v, o.v))

            def __neg__(s):
                return _E(self.neg(s.v))

        return _det([[_E(v) for v in row] for row in rows]).v

    def __call__(self, expr):
        """The image ``(numerator, denominator)`` of ``expr``; raises _TooBig or KeyError."""
        got = self._memo.get(expr)
        if got is not None:
            return got
        if expr.is_Rational:
            c = self._ctx.from_dict({(0,) * len(self._gens): self._fmpq(int(expr.p), int(expr.q))})
            out = (c, self._one)
        elif expr.is_Add:
            out = None
            for a in expr.args:
                t = self(a)
                out = t if out is None else self.add(out, t)
        elif expr.is_Mul:
            out = None
            for a in expr.args:
                t = self(a)
                out = t if out is None else self.mul(out, t)
        else:
            sp = _split_pow(expr) if expr.is_Pow else None
            if sp is not None:
                b, kind, k = sp
                base = self(b) if kind == "int" else (self._gens[self._keys[(kind, b)]], self._one)
                out = self.pow(base, k)
            else:
                out = (self._gens[self._keys[expr]], self._one)
        self._memo[expr] = out
        return out

    def _at_i(self, poly):
        """``poly`` with the generator of ``I`` replaced by ``i``: (real part, imaginary part)."""
        if self._I is None:
            return poly, None
        idx = self._I
        parts = [{}, {}]
        for monom, coeff in poly.to_dict().items():
            k = monom[idx]
            sign = -1 if k % 4 in (2, 3) else 1
            m = list(monom)
            m[idx] = 0
            target = parts[k % 2]
            key = tuple(m)
            target[key] = target.get(key, 0) + sign * coeff
        re = self._ctx.from_dict({k: v for k, v in parts[0].items() if v}) if parts[0] else self._zero
        im = self._ctx.from_dict({k: v for k, v in parts[1].items() if v}) if parts[1] else self._zero
        return re, im

    def is_zero(self, value):
        """True when the fraction is formally zero with a formally nonzero denominator."""
        num, den = value
        re, im = self._at_i(num)
        if not (re.is_zero() and (im is None or im.is_zero())):
            return False
        dre, dim = self._at_i(den)
        return not (dre.is_zero() and (dim is None or dim.is_zero()))


def formal_zero(expr, max_terms=4_000_000):
    """True if ``expr`` is formally zero (see :class:`Formal`), else None.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import formal_zero
    >>> x, y = sympy.symbols("x y")
    >>> formal_zero((x + y)**2 - x**2 - 2*x*y - y**2), formal_zero(x - y)
    (True, None)
    """
    try:
        F = Formal([expr], max_terms)
        return True if F.is_zero(F(expr)) else None
    except (_TooBig, _FormalDivisionByZero, KeyError, RecursionError, ZeroDivisionError):
        return None


def exp_form(expr):
    """``expr`` with trigonometric and hyperbolic functions as exponentials, and every
    ``exp`` written in independent generators (see :func:`_exp_generators`).

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import exp_form, formal_zero
    >>> x = sympy.Symbol("x")
    >>> formal_zero(exp_form(sympy.sin(2*x) - 2*sympy.sin(x)*sympy.cos(x)))
    True
    """
    e = expr.rewrite(sympy.exp) if expr.has(*_TRIG) else expr
    return _exp_generators(e)


# ---------------------------------------------------------------------------
# numeric probes
# ---------------------------------------------------------------------------
class _BadPoint(_Signal):
    """The function is not defined (or not real) at a point."""


class _NotNumeric(_Signal):
    """The expression cannot be evaluated to a number (undefined functions...)."""


def to_mp(value, dps, strict=False):
    """An exact sympy number as an mpmath ``mpf``/``mpc`` at ``dps`` digits.

    Returns ``(approximation, guaranteed)``: ``guaranteed`` is True when all
    ``dps`` digits are known to be correct (rationals, or sympy's
    ``evalf(strict=True)`` succeeded).  With ``strict=False`` no guarantee
    is sought (faster, for probes only).

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import to_mp
    >>> to_mp(sympy.Rational(1, 4), 20)
    (mpf('0.25'), True)
    """
    if value.is_Rational:
        with mpmath.workdps(dps):
            return mpmath.mpf(int(value.p)) / int(value.q), True
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise _BadPoint(str(value))
    guaranteed = False
    if strict:
        try:
            num = value.evalf(dps, strict=True)
            guaranteed = True
        except PrecisionExhausted:
            num = value.evalf(dps)
        except (TypeError, ValueError, AttributeError) as exc:
            raise _NotNumeric(str(exc)) from None
    else:
        try:
            num = value.evalf(dps)
        except (TypeError, ValueError, AttributeError) as exc:
            raise _NotNumeric(str(exc)) from None
    if not num.is_number:
        raise _NotNumeric(str(value))
    if num.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise _BadPoint(str(value))
    re, im = num.as_real_imag()
    try:
        with mpmath.workdps(dps):
            re_mp = mpmath.mpf(sympy.Float(re, dps)) if re != 0 else mpmath.mpf(0)
            im_mp = mpmath.mpf(sympy.Float(im, dps)) if im != 0 else mpmath.mpf(0)
            return (re_mp if im_mp == 0 else mpmath.mpc(re_mp, im_mp)), guaranteed
    except (TypeError, ValueError):
        raise _NotNumeric(str(value)) from None


_MPMATH = {
    sympy.exp: "exp", sympy.log: "log", sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan",
    sympy.cot: "cot", sympy.sec: "sec", sympy.csc: "csc", sympy.sinh: "sinh", sympy.cosh: "cosh",
    sympy.tanh: "tanh", sympy.coth: "coth", sympy.sech: "sech", sympy.csch: "csch",
    sympy.asin: "asin", sympy.acos: "acos", sympy.atan: "atan", sympy.asinh: "asinh",
    sympy.acosh: "acosh", sympy.atanh: "atanh", sympy.erf: "erf", sympy.erfc: "erfc",
    sympy.gamma: "gamma", sympy.Abs: "fabs", sympy.atan2: "atan2", sympy.sinc: "sinc",
}


class NumEval:
    """Memoised evaluation of sympy expressions at one point with mpmath.

    Shared subexpressions are evaluated once per point, which matters for
    the large derivatives of deep compositions.  Each value is computed at
    two working precisions; it is reported as *guaranteed* to ``dps``
    digits when both agree to ``dps`` digits (a difference far below the
    value is the error estimate of the lower precision).

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import NumEval
    >>> x = sympy.Symbol("x")
    >>> value, guaranteed = NumEval({x: sympy.Rational(1, 2)}, 30)(sympy.exp(x) * 4)
    >>> round(float(value), 6), guaranteed
    (6.594885, True)
    """

    def __init__(self, subs, dps):
        self.subs = dict(subs)
        self.dps = dps
        self._memos = ({}, {})
        self._wps = (dps + 15, 2 * dps + 30)

    def _value(self, e, memo):
        got = memo.get(e)
        if got is not None:
            return got
        if e.is_Rational:
            out = mpmath.mpf(int(e.p)) / int(e.q)
        elif e.is_Symbol:
            if e not in self.subs:
                raise _NotNumeric(f"no value for {e}")
            v = self.subs[e]
            out = mpmath.mpf(int(v.p)) / int(v.q) if v.is_Rational else self._value(v, memo)
        elif e.is_Add:
            out = mpmath.fsum(self._value(a, memo) for a in e.args)
        elif e.is_Mul:
            out = mpmath.fprod(self._value(a, memo) for a in e.args)
        elif e.is_Pow:
            b, k = e.args
            bv = self._value(b, memo)
            if k.is_Integer:
                if bv == 0 and k < 0:
                    raise _BadPoint("division by zero")
                out = bv ** int(k)
            else:
                kv = self._value(k, memo)
                if bv == 0 and mpmath.re(kv) <= 0:
                    raise _BadPoint("0 to a non-positive power")
                out = mpmath.power(bv, kv)
        elif e is sympy.I:
            out = mpmath.mpc(0, 1)
        elif e.is_Float:
            out = mpmath.mpf(e)
        elif e.is_number and not e.args:  # pi, E, EulerGamma, ...
            out = mpmath.mpmathify(e.evalf(mpmath.mp.dps + 5))
        elif type(e) in _MPMATH or e.func in _MPMATH:
            args = [self._value(a, memo) for a in e.args]
            try:
                out = getattr(mpmath, _MPMATH[e.func])(*args)
            except (ZeroDivisionError, ValueError):
                raise _BadPoint(f"{e.func.__name__} is not defined there") from None
        elif isinstance(e, (sympy.Derivative, sympy.Subs)) or isinstance(e, sympy.core.function.AppliedUndef):
            raise _NotNumeric(f"{e} cannot be evaluated")
        else:
            # anything else (Piecewise, Heaviside, Max, ...): let sympy evaluate this node
            exact = e.xreplace(self.subs)
            if exact.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
                raise _BadPoint(f"{e} is not defined there")
            num = exact.evalf(mpmath.mp.dps)
            if not num.is_number:
                raise _NotNumeric(f"{e} cannot be evaluated")
            re, im = num.as_real_imag()
            out = mpmath.mpf(sympy.Float(re, mpmath.mp.dps)) if re != 0 else mpmath.mpf(0)
            if im != 0:
                out = mpmath.mpc(out, mpmath.mpf(sympy.Float(im, mpmath.mp.dps)))
        if isinstance(out, mpmath.mpc) and out.imag == 0:
            out = out.real
        if not mpmath.isfinite(out):
            raise _BadPoint(f"{e} is not finite there")
        memo[e] = out
        return out

    def __call__(self, expr):
        """``(value at dps digits, guaranteed)`` for a sympy expression."""
        vals = []
        for wp, memo in zip(self._wps, self._memos):
            with mpmath.workdps(wp):
                try:
                    vals.append(self._value(expr, memo))
                except ZeroDivisionError:
                    raise _BadPoint("division by zero") from None
                except RecursionError:
                    raise _NotNumeric("expression too deep") from None
        lo, hi = vals
        with mpmath.workdps(self._wps[1]):
            diff = abs(lo - hi)
            guaranteed = diff == 0 or diff <= mpmath.mpf(10) ** -(self.dps + 2) * abs(hi)
        with mpmath.workdps(self.dps):
            return +hi, guaranteed


def is_clearly_nonzero(exact, digits=30):
    """True when an exact sympy number is provably nonzero, None otherwise.

    Rationals are decided exactly; other numbers with
    ``evalf(digits, strict=True)``, whose digits are guaranteed.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import is_clearly_nonzero
    >>> is_clearly_nonzero(sympy.pi - 3), is_clearly_nonzero(sympy.Integer(0))
    (True, None)
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
    """True when an exact sympy number is proven to be zero, None otherwise.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.zero import is_exactly_zero
    >>> is_exactly_zero(sympy.sqrt(8) - 2*sympy.sqrt(2)), is_exactly_zero(sympy.Integer(1))
    (True, None)
    """
    if exact == 0:
        return True
    if exact.is_Rational:
        return None
    return prove_zero(exact, seconds)
