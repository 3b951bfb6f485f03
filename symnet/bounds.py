"""Certified error bounds: how far an expansion can be trusted on a box.

:func:`error_bound` returns a rigorous upper bound on ``|net(x) - p(x)|``
over a box of inputs, for a polynomial ``p`` from either expansion mode;
:func:`convergence_report` tells, neuron by neuron, whether the
pre-activation stays inside the radius of convergence of the activation's
Maclaurin series (where series mode converges as the order grows).

Method: Taylor models in ball arithmetic
----------------------------------------
Every node of the network is enclosed over the box as ``P(y) + I``: ``P`` a
polynomial of degree ``<= Q`` in the shifted inputs ``y = x - center`` with
arb-ball coefficients (python-flint, rigorous rounding), ``I`` an interval.
A linear layer maps models linearly (exact weights become balls that contain
them).  A product is truncated at degree ``Q``; the dropped part is bounded
over the box and moved into the interval, as are the cross terms with the
intervals.  An activation with pre-activation ``z = c + w`` (``c`` the
constant term, ``w`` the rest) and range ``R`` over the box becomes

* series mode: its Maclaurin polynomial ``T_q`` of degree ``q``
  (re-expanded around ``c``) plus the enclosure of ``sigma(z) - T_q(z)`` on
  ``R``, from the Lagrange remainder ``t_m(xi) z**m`` with ``xi`` between 0
  and ``z`` (``t_m = sigma^(m)/m!``), for several ``m > q``, intersected,
  and a direct evaluation, on a subdivision of ``R``;
* Taylor mode: its Taylor polynomial at ``c`` of degree ``Q`` plus
  ``t_(K+1)(xi) w**(K+1)`` and the terms ``Q < k <= K``, ``xi`` in ``R``;
* a piecewise-linear activation (relu, ...): the linear piece at ``c`` plus
  the range of the difference on ``R`` (checked at the ends and the kinks).

Enclosures of ``t_m`` over an interval come from the activation's closed
differential system (:func:`symnet.activations.taylor_from_system` run in
ball arithmetic; sympy derivatives for user activations without one),
evaluated on the cells of a dyadic grid covering the interval (mean-value
form per cell, cached).  A neuron whose model is worse than its plain range
``sigma(R)`` is replaced by the constant model ``0 + sigma(R)``.

Finally ``|net - p| <= sup |P - p + I|`` over the box, where the difference
polynomial is bounded on sub-boxes (bisection, re-expanded at each centre).
The models have degree ``tm_order`` (default ``p.order + 2`` when cheap):
above ``p.order`` the next terms of the network's expansion are kept as a
polynomial, whose cancellations the bisection sees; this is what makes the
bounds tight (often within a few percent of the measured error).

Whatever mode is assumed, the result is an upper bound: the mode (and the
series degree) only decide how the network's model is built, so a wrong
guess makes a bound looser, never wrong.  By default both models are tried
for a polynomial centred at the origin and the smaller bound is kept.
Rounding always goes outward, and the final float is rounded up.

Examples
--------
>>> import sympy
>>> from symnet import Network, expand, error_bound
>>> net = Network.dense([[[1]]], activations=["tanh"])
>>> p = expand(net, 3)                       # x1 - x1**3/3
>>> b = error_bound(net, p, [(-sympy.Rational(1, 4), sympy.Rational(1, 4))])
>>> b.certified, 0.000126 < b < 0.000131    # (2/15)/4**5 = 0.000130...
(True, True)
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from math import comb

import sympy

from .errors import (
    BoxError,
    DomainError,
    InputError,
    NonAnalyticActivationError,
    OrderError,
    ShapeError,
    UncertifiedBoundError,
    WeightError,
)

__all__ = [
    "error_bound",
    "ErrorBound",
    "convergence_report",
    "ConvergenceReport",
]

_Z = sympy.Symbol("z")


class _Uncertifiable(Exception):
    """Internal: an enclosure could not be certified."""


# ---------------------------------------------------------------------------
# ball arithmetic helpers
# ---------------------------------------------------------------------------

class _precision:
    """Set python-flint's working precision inside a ``with`` block only."""

    def __init__(self, bits):
        self.bits = int(bits)

    def __enter__(self):
        import flint
        self.old = flint.ctx.prec
        flint.ctx.prec = self.bits
        return self

    def __exit__(self, *exc):
        import flint
        flint.ctx.prec = self.old
        return False


def _arb():
    from flint import arb
    return arb


def _exact_float(x):
    """A Python float as an exact ball."""
    return _arb()(x)


def _from_mpf(mpf):
    sign, man, exp, _ = mpf
    from flint import arb, fmpz
    if man == 0:
        return arb(0)
    v = arb((fmpz(int(man)), int(exp)))
    return -v if sign else v


def _union(*xs):
    arb = _arb()
    out = xs[0]
    for x in xs[1:]:
        out = arb.union(out, x)
    return out


def _ipow(x, k):
    """Tight enclosure of ``{t**k : t in x}`` (even powers stay non-negative)."""
    arb = _arb()
    if k == 0:
        return arb(1)
    if k == 1:
        return x
    if not x.is_finite():
        return arb.nan()
    lo, hi = x.lower(), x.upper()

    def pw(t):
        r = t
        for _ in range(k - 1):
            r = r * t
        return r

    pl, ph = pw(lo), pw(hi)
    if k % 2 == 0 and lo < 0 < hi:
        return _union(arb(0), pl, ph)
    return _union(pl, ph)


def _float_up(x):
    """The smallest-ish float >= every point of the ball ``x`` (inf if not finite)."""
    arb = _arb()
    if not x.is_finite():
        return math.inf
    u = x.upper()
    f = float(u)
    while not (arb(f) >= u):
        f = math.nextafter(f, math.inf)
    return f


def _float_down(x):
    arb = _arb()
    if not x.is_finite():
        return -math.inf
    lo = x.lower()
    f = float(lo)
    while not (arb(f) <= lo):
        f = math.nextafter(f, -math.inf)
    return f


def _abs_up(x):
    return _float_up(_arb()(x.abs_upper()))


# ---------------------------------------------------------------------------
# sympy expressions -> ball functions
# ---------------------------------------------------------------------------

_CONSTANTS = {
    "Pi": lambda arb: arb.pi(),
    "Exp1": lambda arb: arb.const_e(),
    "EulerGamma": lambda arb: arb.const_euler(),
    "Catalan": lambda arb: arb.const_catalan(),
}


def _compile(expr, syms=()):
    """A function of balls enclosing ``expr`` (a real sympy expression in ``syms``).

    Raises ``_Uncertifiable`` for anything it cannot enclose rigorously.
    """
    from flint import arb, fmpq, fmpz

    idx = {s: i for i, s in enumerate(syms)}
    named = {}

    def build(e):
        if e in idx:
            i = idx[e]
            return lambda env: env[i]
        if type(e).__name__ == "NamedConstant":  # compile its value once, evaluate once
            if e not in named:
                f = build(e.value)
                memo = {}

                def g(env, f=f, memo=memo):
                    import flint
                    key = flint.ctx.prec
                    if key not in memo:
                        memo[key] = f(env)
                    return memo[key]
                named[e] = g
            return named[e]
        if e.is_Integer:
            v = int(e)
            return lambda env: arb(fmpz(v))
        if e.is_Rational:
            p, q = int(e.p), int(e.q)
            return lambda env: arb(fmpq(p, q))
        if e.is_Float:
            v = _from_mpf(e._mpf_)
            return lambda env: v
        name = type(e).__name__
        if name in _CONSTANTS:
            f = _CONSTANTS[name]
            return lambda env: f(arb)
        if e.is_Add or e.is_Mul:
            fs = [build(a) for a in e.args]
            add = e.is_Add

            def f(env):
                it = iter(fs)
                acc = next(it)(env)
                for g in it:
                    acc = acc + g(env) if add else acc * g(env)
                return acc
            return f
        if e.is_Pow:
            b, x = e.args
            fb = build(b)
            if x.is_Integer:
                k = int(x)
                if k >= 0:
                    return lambda env: _ipow(fb(env), k)
                return lambda env: 1 / _ipow(fb(env), -k)
            if x.is_Rational and int(x.q) == 2:
                k = int(x.p)
                if k >= 0:
                    return lambda env: _ipow(fb(env).sqrt(), k)
                return lambda env: 1 / _ipow(fb(env).sqrt(), -k)
            fx = build(x)
            return lambda env: (fx(env) * fb(env).log()).exp()
        if name in ("Max", "Min"):
            fs = [build(a) for a in e.args]
            op = arb.max if name == "Max" else arb.min

            def f(env):
                acc = fs[0](env)
                for g in fs[1:]:
                    acc = op(acc, g(env))
                return acc
            return f
        if name == "Abs":
            g = build(e.args[0])
            return lambda env: abs(g(env))
        if isinstance(e, sympy.Function) and len(e.args) == 1:
            meth = getattr(arb, name.lower(), None)
            if meth is not None and name.lower() in _ARB_UNARY:
                g = build(e.args[0])
                return lambda env: meth(g(env))
        raise _Uncertifiable(f"cannot enclose {e} in ball arithmetic (unsupported {name})")

    return build(sympy.sympify(expr))


_ARB_UNARY = {"exp", "log", "tanh", "sinh", "cosh", "sin", "cos", "tan", "atan", "asin",
              "acos", "asinh", "acosh", "atanh", "erf", "erfc", "erfi", "sqrt", "gamma",
              "sec", "csc", "cot", "sech", "csch", "coth", "expm1", "log1p"}

_COMPILED = {}


def _compiled(key, expr, syms=()):
    """Cache of compiled expressions (keyed by the caller; constants are prec-bound)."""
    import flint
    k = (key, flint.ctx.prec)
    if k not in _COMPILED:
        if len(_COMPILED) > 4096:
            _COMPILED.clear()
        _COMPILED[k] = _compile(expr, syms)
    return _COMPILED[k]


def _to_ball(value, where):
    """An exact number, float or real sympy constant as a ball containing it."""
    from ._validate import as_weight

    arb = _arb()
    value = as_weight(value, where)  # the same validation as network weights
    if isinstance(value, float):
        return arb(value)
    if value.is_Rational:
        from flint import fmpq
        return arb(fmpq(int(value.p), int(value.q)))
    e = sympy.sympify(value)
    if e.free_symbols:
        raise WeightError(f"{where}: {e} contains the symbols {sorted(map(str, e.free_symbols))}; "
                          "substitute numbers first")
    try:
        v = _compile(e)(())
    except _Uncertifiable as exc:
        raise WeightError(f"{where}: {exc}") from None
    if not v.is_finite():
        raise WeightError(f"{where}: {e} is not a finite real number")
    return v


# ---------------------------------------------------------------------------
# boxes
# ---------------------------------------------------------------------------

def _box_number(v, where):
    """Validate one end of a box; returns (sympy number, ball)."""
    try:
        import numpy as np
        if isinstance(v, np.generic):
            v = v.item()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, bool) or v is None or isinstance(v, (str, bytes)):
        raise BoxError(f"{where}: expected a real number, got {type(v).__name__} {v!r}")
    if isinstance(v, float):
        if not math.isfinite(v):
            raise BoxError(f"{where}: box ends must be finite, got {v!r}")
        return v, _arb()(v)
    if isinstance(v, numbers.Integral):
        return sympy.Integer(int(v)), _to_ball(int(v), where)
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator), _to_ball(v, where)
    if hasattr(v, "_mpf_") and not isinstance(v, sympy.Basic):  # an mpmath mpf: exactly
        e = sympy.Float(v)
        if not e.is_finite:
            raise BoxError(f"{where}: box ends must be finite, got {v}")
        return e, _from_mpf(v._mpf_)
    if (isinstance(v, numbers.Real) or hasattr(v, "as_integer_ratio")) and \
            not isinstance(v, sympy.Basic):
        try:
            return _box_number(Fraction(v), where)  # exact (Decimal, numpy, ...)
        except (TypeError, ValueError, OverflowError):
            raise BoxError(f"{where}: expected a finite real number, got {v!r}") from None
    if not isinstance(v, sympy.Basic):
        raise BoxError(f"{where}: expected a real number, got {type(v).__name__} {v!r}")
    e = v
    if not isinstance(e, sympy.Expr) or not e.is_number:
        raise BoxError(f"{where}: expected a real number, got {v}")
    if e.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan) or e.is_finite is False:
        raise BoxError(f"{where}: box ends must be finite, got {e}")
    if e.is_extended_real is False:
        raise BoxError(f"{where}: expected a real number, got {e}")
    if e.is_Float:
        return e, _from_mpf(e._mpf_)
    try:
        ball = _compile(e)(())
    except _Uncertifiable as exc:
        raise BoxError(f"{where}: {exc}") from None
    if not ball.is_finite():
        raise BoxError(f"{where}: {e} is not a finite real number")
    return e, ball


def _is_scalar(v):
    if isinstance(v, (list, tuple)):
        return False
    if hasattr(v, "shape") and getattr(v, "ndim", 0) > 0:
        return False
    return True


def _parse_box(box, n):
    """Validate a box; returns (pairs of sympy numbers, pairs of balls)."""
    if hasattr(box, "tolist") and not isinstance(box, sympy.Basic):
        box = box.tolist()
    if isinstance(box, sympy.MatrixBase):
        box = box.tolist()
    if not isinstance(box, (list, tuple)):
        raise BoxError(f"expected a box: a pair (lower, upper) or a list of {n} pairs, got "
                       f"{type(box).__name__} {box!r}")
    if len(box) == 2 and _is_scalar(box[0]) and _is_scalar(box[1]):
        pairs = [tuple(box)] * n
    else:
        pairs = list(box)
        if len(pairs) != n:
            raise ShapeError(f"the box has {len(pairs)} intervals but the network has {n} inputs; "
                             f"expected {n} pairs (lower, upper) or a single pair for all")
        for i, p in enumerate(pairs):
            if hasattr(p, "tolist"):
                p = p.tolist()
            if not isinstance(p, (list, tuple)) or len(p) != 2:
                raise ShapeError(f"box interval {i}: expected a pair (lower, upper), got {p!r}")
            pairs[i] = tuple(p)
    exact, balls = [], []
    for i, (lo, hi) in enumerate(pairs):
        elo, blo = _box_number(lo, f"box interval {i} lower end")
        ehi, bhi = _box_number(hi, f"box interval {i} upper end")
        if blo > bhi or (not (blo <= bhi) and bool(sympy.sympify(elo) > sympy.sympify(ehi))):
            raise BoxError(f"box interval {i}: lower end {elo} is greater than upper end {ehi}")
        exact.append((elo, ehi))
        balls.append((blo, bhi))
    return tuple(exact), balls


# ---------------------------------------------------------------------------
# activations in ball arithmetic
# ---------------------------------------------------------------------------

_CONSTS = {}


def _const_ring(q):
    """A Fraction as a ball (cached per working precision)."""
    import flint
    key = (q, flint.ctx.prec)
    v = _CONSTS.get(key)
    if v is None:
        if len(_CONSTS) > 100000:
            _CONSTS.clear()
        v = _CONSTS[key] = flint.arb(flint.fmpq(q.numerator, q.denominator))
    return v


def _taylor_ball(act, c, n):
    """Balls enclosing ``sigma^(k)(xi)/k!`` for every ``xi`` in the ball ``c``, k = 0..n."""
    arb = _arb()
    if act.kind == "analytic":
        from .activations import taylor_from_system
        value_rule, deriv_rules = act.rule.rules
        vals = _atom_values(act, c)
        out = taylor_from_system(value_rule, deriv_rules, c, vals, n, _const_ring, arb(0))
    else:
        out = []
        f = act.func(_Z)
        for k in range(n + 1):
            out.append(_compiled(("deriv", act, k), f / math.factorial(k), (_Z,))([c]))
            f = sympy.diff(f, _Z)
    if not all(v.is_finite() for v in out):
        raise _Uncertifiable(f"the derivatives of {act.name!r} are not finite on {c}")
    return list(out)


def _eval_rule(rule, vals):
    """A differential-system polynomial evaluated on balls (z, u0, u1, ...)."""
    arb = _arb()
    acc = arb(0)
    for exps, c in rule.terms:
        t = _const_ring(c)
        for v, e in zip(vals, exps):
            if e:
                t = t * _ipow(v, e)
        acc = acc + t
    return acc


def _atom_values(act, c):
    """Balls enclosing the atoms of ``act``'s differential system over the ball ``c``.

    arb's elementary functions overestimate badly on wide balls, so a
    non-exact ball is refined by the mean-value form ``u(m) + u'(c) (c - m)``
    with ``u' = F(z, u)`` from the system.
    """
    arb = _arb()
    _, deriv_rules = act.rule.rules
    fs = [_compiled(("atom", act, j), a, (_Z,)) for j, a in enumerate(act.rule.atoms)]
    vals = [f([c]) for f in fs]
    if c.rad() > 0 and c.is_finite():
        m = arb(c.mid())
        at_m = [f([m]) for f in fs]
        dev = c - m
        for _ in range(2):
            if not all(v.is_finite() for v in at_m):
                break
            new = []
            for j, rule in enumerate(deriv_rules):
                mv = at_m[j] + _eval_rule(rule, [c] + vals) * dev
                if not vals[j].is_finite():
                    new.append(mv)
                elif mv.is_finite() and mv.overlaps(vals[j]):
                    new.append(arb.intersection(mv, vals[j]))
                else:
                    new.append(vals[j])
            vals = new
    if not all(v.is_finite() for v in vals):
        raise _Uncertifiable(f"the atoms of {act.name!r} are not finite on {c}")
    return vals


_CELLS = {}


def _cell(act, n, e, j):
    """Enclosures of t_0..t_n over the dyadic cell [j 2^e, (j+1) 2^e] (cached)."""
    import flint
    key = (act, n, e, j, flint.ctx.prec)
    hit = _CELLS.get(key)
    if hit is None:
        arb = _arb()
        lo = arb((flint.fmpz(j), e))
        hi = arb((flint.fmpz(j + 1), e))
        mid = arb((flint.fmpz(2 * j + 1), e - 1))
        half = _union(arb((flint.fmpz(-1), e - 1)), arb((flint.fmpz(1), e - 1)))
        direct = _taylor_ball(act, _union(lo, hi), n + 1)
        at_mid = _taylor_ball(act, mid, n)
        hit = []
        for k in range(n + 1):
            # mean-value form: t_k' = (k+1) t_(k+1)
            mv = at_mid[k] + (k + 1) * direct[k + 1] * half
            d = direct[k]
            hit.append(arb.intersection(d, mv) if d.overlaps(mv) else mv)
        if len(_CELLS) > 200000:
            _CELLS.clear()
        _CELLS[key] = hit
    return hit


def _grid(lo, hi, cells=32):
    """Dyadic exponent and cell range covering [lo, hi] (exact balls)."""
    w = float((hi - lo).upper())
    if w <= 0:
        w = max(abs(float(lo.mid())), 1.0) * 2.0 ** -30
    e = math.ceil(math.log2(w / cells))
    e = max(min(e, 12), -40)
    h = math.ldexp(1.0, e)
    jlo = math.floor(float(lo.lower()) / h)
    jhi = math.floor(float(hi.upper()) / h)
    # guard against float rounding at the ends
    arb = _arb()
    while arb(math.ldexp(jlo, e)) > lo:
        jlo -= 1
    while arb(math.ldexp(jhi + 1, e)) < hi:
        jhi += 1
    return e, jlo, jhi


def _range_coeffs(act, n, X):
    """Balls enclosing t_0..t_n over every point of the interval X (by cells)."""
    lo, hi = X.lower(), X.upper()
    if not X.is_finite():
        raise _Uncertifiable(f"the range {X} is not finite")
    e, jlo, jhi = _grid(lo, hi)
    if jhi - jlo > 4096:
        raise _Uncertifiable(f"the range {X} is too wide")
    out = None
    for j in range(jlo, jhi + 1):
        t = _cell(act, n, e, j)
        out = list(t) if out is None else [_union(a, b) for a, b in zip(out, t)]
    return out


def _shift(g, c):
    """Coefficients of ``sum g_n (c + w)**n`` in powers of ``w`` (balls)."""
    arb = _arb()
    q = len(g) - 1
    cp = [arb(1)]
    for _ in range(q):
        cp.append(cp[-1] * c)
    D = []
    for k in range(q + 1):
        acc = arb(0)
        for m in range(k, q + 1):
            if not g[m].is_zero():
                acc = acc + comb(m, k) * g[m] * cp[m - k]
        D.append(acc)
    return D


_MACLAURIN = {}


def _maclaurin_balls(act, q):
    import flint
    key = (act, q, flint.ctx.prec)
    if key not in _MACLAURIN:
        coeffs = act.maclaurin(q)
        try:
            _MACLAURIN[key] = [_to_ball(c, f"Maclaurin coefficient of {act.name}")
                               for c in coeffs]
        except WeightError as exc:
            raise _Uncertifiable(str(exc)) from None
    return _MACLAURIN[key]


def _horner(g, x):
    arb = _arb()
    acc = arb(0)
    for c in reversed(g):
        acc = acc * x + c
    return acc


def _series_remainder(act, q, R, extra=2):
    """Enclosure of ``sigma(z) - T_q(z)`` over z in R (T_q the Maclaurin polynomial)."""
    from flint import arb, fmpz
    m_hi = q + 1 + extra
    g = _maclaurin_balls(act, m_hi)
    lo, hi = R.lower(), R.upper()
    zero = arb(0)
    hlo = lo if lo < 0 else zero
    hhi = hi if hi > 0 else zero
    if not (hlo < hhi):
        return zero  # R = {0}: sigma(0) = T_q(0)
    e, jlo, jhi = _grid(hlo, hhi)
    if jhi - jlo > 4096:
        raise _Uncertifiable(f"the range {R} is too wide")
    T = {j: _cell(act, m_hi, e, j) for j in range(jlo, jhi + 1)}
    # cumulative enclosures of t_m over hull(0, cell j)
    cum = {}
    run = None
    for j in range(0, jhi + 1):
        run = list(T[j]) if run is None else [_union(a, b) for a, b in zip(run, T[j])]
        cum[j] = run
    run = None
    for j in range(-1, jlo - 1, -1):
        run = list(T[j]) if run is None else [_union(a, b) for a, b in zip(run, T[j])]
        cum[j] = run
    f = None
    try:
        f = _compiled(("func", act), act.func(_Z), (_Z,))
    except _Uncertifiable:
        f = None
    gq = g[:q + 1]
    out = None
    for j in range(jlo, jhi + 1):
        clo = arb((fmpz(j), e))
        chi = arb((fmpz(j + 1), e))
        plo = lo if lo > clo else clo
        phi = hi if hi < chi else chi
        if phi < plo:
            continue
        piece = _union(plo, phi)
        val = None
        for m in range(q + 1, m_hi + 1):
            v = arb(0)
            for k in range(q + 1, m):
                v = v + g[k] * _ipow(piece, k)
            v = v + cum[j][m] * _ipow(piece, m)
            val = v if val is None else arb.intersection(val, v) if val.overlaps(v) else v
        if f is not None:
            direct = f([piece]) - _horner(gq, piece)
            if direct.is_finite() and direct.overlaps(val):
                val = arb.intersection(val, direct)
        out = val if out is None else _union(out, val)
    if out is None:
        out = arb(0)
    return out


def _piecewise(act, cstar, R):
    """Linear piece at cstar and the range of sigma - piece over R."""
    arb = _arb()
    if act.kind != "piecewise_linear":
        raise _Uncertifiable(f"activation {act.name!r} is not analytic and not piecewise "
                             "linear")
    try:
        rule = act.rule
        i = rule.piece_of(_ball_to_sympy(cstar), act.name)
        slope, icpt = rule.slopes[i], rule.intercepts[i]
        slope, icpt = _to_ball(slope, "slope"), _to_ball(icpt, "intercept")
    except NonAnalyticActivationError:
        slope, icpt = arb(0), arb(0)
    f = _compiled(("func", act), act.func(_Z), (_Z,))
    lo, hi = R.lower(), R.upper()
    pts = [lo, hi] + [k for k in (_to_ball(k, "kink") for k in act.kinks) if lo < k < hi]
    vals = [f([p]) - slope * p - icpt for p in pts]
    return [slope * cstar + icpt, slope], _union(*vals)


def _ball_to_sympy(x):
    """The midpoint of an (exact) ball as an exact sympy Rational."""
    m = x.mid()
    man, exp = m.man_exp()
    return sympy.Integer(int(man)) * sympy.Integer(2) ** int(exp)


def _neuron_series(act, q, cstar, Wr, R, Q, extra):
    arb = _arb()
    if act.is_identity:
        return [cstar, arb(1)], arb(0)
    if not act.analytic:
        return _piecewise(act, cstar, R)
    deg = act.polynomial_degree
    qq = q if deg is None else min(q, deg)
    g = _maclaurin_balls(act, qq)
    D = _shift(g, cstar)
    Kp = min(qq, Q)
    rest = arb(0)
    for k in range(Kp + 1, qq + 1):
        rest = rest + D[k] * _ipow(Wr, k)
    if deg is not None:
        if q < deg:
            gd = _maclaurin_balls(act, deg)
            Rz = R
            for k in range(q + 1, deg + 1):
                rest = rest + gd[k] * _ipow(Rz, k)
    else:
        rest = rest + _series_remainder(act, q, R, extra)
    return D[:Kp + 1], rest


def _neuron_taylor(act, cstar, Wr, R, Q, extra):
    arb = _arb()
    if act.is_identity:
        return [cstar, arb(1)], arb(0)
    if not act.analytic:
        return _piecewise(act, cstar, R)
    deg = act.polynomial_degree
    if deg is not None:
        D = _shift(_maclaurin_balls(act, deg), cstar)
        rest = arb(0)
        for k in range(Q + 1, deg + 1):
            rest = rest + D[k] * _ipow(Wr, k)
        return D[:Q + 1], rest
    K = Q + extra
    t = _taylor_ball(act, cstar, K)
    Rh = _union(R, cstar)
    T = _range_coeffs(act, K + 1, Rh)
    rest = None
    for Kp in range(Q, K + 1):
        v = arb(0)
        for k in range(Q + 1, Kp + 1):
            v = v + t[k] * _ipow(Wr, k)
        v = v + T[Kp + 1] * _ipow(Wr, Kp + 1)
        rest = v if rest is None else (arb.intersection(rest, v) if rest.overlaps(v) else v)
    return t[:Q + 1], rest


def _sigma_range(act, R):
    """A ball enclosing sigma(R) (cells with the mean-value form, or pieces)."""
    if act.is_identity:
        return R
    if act.analytic:
        try:
            return _range_coeffs(act, 0, R)[0]
        except _Uncertifiable:
            pass
    f = _compiled(("func", act), act.func(_Z), (_Z,))
    lo, hi = R.lower(), R.upper()
    pieces = 32
    step = (hi - lo) / pieces
    out = None
    for k in range(pieces):
        a = lo + k * step
        b = hi if k == pieces - 1 else lo + (k + 1) * step
        v = f([_union(a, b)])
        out = v if out is None else _union(out, v)
    if not out.is_finite():
        raise _Uncertifiable(f"{act.name!r} is not finite on {R}")
    return out


def _neuron_range_only(act, R):
    """Order-0 fallback: the constant model 0 + sigma(R)."""
    return [_arb()(0)], _sigma_range(act, R)


# ---------------------------------------------------------------------------
# the Taylor-model engine
# ---------------------------------------------------------------------------

def _matmul(A, B):
    """Product of two 2-D object arrays of balls (via arb_mat: rigorous, in C)."""
    import numpy as np
    from flint import arb_mat

    if A.shape[0] * A.shape[1] * B.shape[1] < 2000:
        return A @ B
    C = arb_mat(A.tolist()) * arb_mat(B.tolist())
    out = np.empty((A.shape[0], B.shape[1]), dtype=object)
    out[...] = C.tolist()
    return out


class _Engine:
    """Propagates Taylor models of degree Q through a network over a box."""

    def __init__(self, net, Q, center, yranges):
        import numpy as np
        from .monomials import basis

        arb = _arb()
        self.np = np
        self.net = net
        self.n = n = net.n_inputs
        self.Q = Q
        self.B = basis(n, Q)
        self.N = self.B.size
        self.center = center
        self.zero = arb(0)
        # exact per-variable ranges of y = x - center, then monomial enclosures
        E = self.B.exponents()
        pw = []
        for (ylo, yhi) in yranges:
            row = [arb(1)]
            for k in range(1, Q + 1):
                row.append(_ipow(_union(ylo, yhi), k))
            pw.append(row)
        self.yballs = [_union(lo, hi) for lo, hi in yranges]
        self.ylo = [lo for lo, _ in yranges]
        self.yhi = [hi for _, hi in yranges]
        M = np.empty(self.N, dtype=object)
        for m in range(self.N):
            v = arb(1)
            for i in range(n):
                if E[m, i]:
                    v = v * pw[i][E[m, i]]
            M[m] = v
        self.M = M
        self.Mb = [M[self.B.block(d)] for d in range(Q + 1)]
        self.weights = []
        for s in net.stages():
            W = np.empty((len(s.nodes), len(s.sources)), dtype=object)
            for i, row in enumerate(s.weights):
                for j, w in enumerate(row):
                    W[i, j] = _to_ball(w, f"weight into neuron {s.nodes[i]!r}")
            b = np.array([_to_ball(v, f"bias of neuron {nd!r}") for v, nd in
                          zip(s.biases, s.nodes)] + [None], dtype=object)[:-1]
            self.weights.append((W, b))

    def degree_bounds(self, P, degs=None):
        """(Q+1, width) balls bounding each homogeneous component over the box.

        ``degs = (lo, hi)``: the components outside are known to be zero.
        """
        np = self.np
        lo, hi = (0, self.Q) if degs is None else degs
        out = np.full((self.Q + 1,) + P.shape[1:], self.zero, dtype=object)
        for d in range(lo, min(hi, self.Q) + 1):
            out[d] = self.Mb[d] @ P[self.B.block(d)]
        return out

    def bound(self, P):
        """Balls bounding the polynomial(s) P over the box."""
        return self.M @ P

    # -- a tighter bound of one polynomial by bisection of the box ------------
    def _shift_tables(self):
        if getattr(self, "_shifts", None) is None:
            np = self.np
            E = self.B.exponents()
            index = {tuple(int(v) for v in row): m for m, row in enumerate(E)}
            tabs = []
            for i in range(self.n):
                per = []
                for k in range(1, self.Q + 1):
                    src = np.flatnonzero(E[:, i] == k)
                    if not len(src):
                        continue
                    for j in range(k):
                        tgt = []
                        for m in src:
                            e = [int(v) for v in E[m]]
                            e[i] = j
                            tgt.append(index[tuple(e)])
                        per.append((k, j, src, np.array(tgt, dtype=np.intp)))
                tabs.append(per)
            self._shifts = tabs
        return self._shifts

    def _shift(self, coeffs, i, delta):
        """Coefficients of p(u + delta e_i) from those of p(u)."""
        out = coeffs.copy()
        pw = [_arb()(1)]
        for _ in range(self.Q):
            pw.append(pw[-1] * delta)
        for k, j, src, tgt in self._shift_tables()[i]:
            out[tgt] = out[tgt] + coeffs[src] * (comb(k, j) * pw[k - j])
        return out

    def _leaf_bound(self, coeffs, half):
        np = self.np
        arb = _arb()
        E = self.B.exponents()
        M = None
        for i in range(self.n):
            h = _union(-half[i], half[i])
            pw = np.array([arb(1)] + [_ipow(h, k) for k in range(1, self.Q + 1)] + [None],
                          dtype=object)[:-1]
            col = pw[E[:, i]]
            M = col if M is None else M * col
        return M @ coeffs

    def refined_bound(self, G, I, budget=48):
        """Ball containing ``G(y) + I`` for every y in the box, by bisection.

        ``G`` is a coefficient vector; the box is cut into at most
        ``budget + 1`` boxes, each bounded by ``G`` re-expanded at its centre
        (so the linear part there is exact), splitting the worst box first.
        """
        import heapq
        arb = _arb()
        root = self.bound(G) + I
        if budget <= 0 or self.n == 0 or not root.is_finite():
            return root
        center, half = [], []
        for lo, hi in zip(self.ylo, self.yhi):
            c = arb(((lo + hi) / 2).mid())
            h = arb(_union(c - lo, hi - c).upper())
            center.append(c)
            half.append(h)
        coeffs = G
        for i, c in enumerate(center):
            if not c.is_zero():
                coeffs = self._shift(coeffs, i, c)
        heap, tick = [], 0

        def push(cf, hf):
            nonlocal tick
            v = self._leaf_bound(cf, hf) + I
            heapq.heappush(heap, (-float(v.abs_upper()), tick, v, cf, hf))
            tick += 1

        push(coeffs, half)
        for _ in range(budget):
            neg, _, v, cf, hf = heap[0]
            # the value at the centre is attained: stop when the worst box is tight
            at_c = cf[0] + I
            if float(at_c.abs_upper()) >= -neg * 0.995 or not v.is_finite():
                break
            heapq.heappop(heap)
            # split the variable whose terms weigh most (a float heuristic)
            np = self.np
            E = self.B.exponents()
            mids = np.abs(np.array([float(c.mid()) for c in cf]))
            hs = np.array([float(h) for h in hf])
            weight = mids * np.prod(hs[None, :] ** E, axis=1)
            weight[0] = 0.0
            i = int(np.argmax((weight[:, None] * E).sum(axis=0)))
            h2 = hf[i] / 2
            if not h2.is_exact():
                heapq.heappush(heap, (neg, -1, v, cf, hf))
                break
            hh = list(hf)
            hh[i] = h2
            push(self._shift(cf, i, -h2), hh)
            push(self._shift(cf, i, h2), hh)
        out = None
        for _, _, v, _, _ in heap:
            out = v if out is None else _union(out, v)
        if out.abs_upper() < root.abs_upper():
            return out
        return root

    def tm_mul(self, A, B):
        """Product of batched models without constant terms.

        A model is ``(P, I, degree bounds, (lowest, highest) degree)``.
        """
        np = self.np
        PA, IA, bA, (la, ha) = A
        PB, IB, bB, (lb, hb) = B
        Q, Bs = self.Q, self.B
        width = PA.shape[1]
        PC = np.full(PA.shape, self.zero, dtype=object)
        for d1 in range(la, min(ha, Q - lb) + 1):
            for d2 in range(lb, min(hb, Q - d1) + 1):
                slots, outs, _ = Bs.gather_plan(d1, d2)
                if not len(outs):
                    continue
                A1 = PA[Bs.block(d1)]
                B2 = PB[Bs.block(d2)]
                acc = np.full((len(outs), width), self.zero, dtype=object)
                for i1, i2 in slots:
                    m = len(i1)
                    acc[:m] += A1[i1] * B2[i2]
                PC[Bs.offsets[d1 + d2] + outs] += acc
        dropped = np.full(width, self.zero, dtype=object)
        for d1 in range(la, ha + 1):
            tail = None
            for d2 in range(max(lb, Q - d1 + 1), hb + 1):
                tail = bB[d2] if tail is None else tail + bB[d2]
            if tail is not None:
                dropped = dropped + bA[d1] * tail
        totA = bA[la:ha + 1].sum(axis=0)
        totB = bB[lb:hb + 1].sum(axis=0)
        IC = dropped + (totA + IA) * IB + IA * totB
        degs = (la + lb, min(Q, ha + hb))
        if degs[0] > Q:
            degs = (Q + 1, Q)  # empty: everything went into the interval
        return PC, IC, self.degree_bounds(PC, degs), degs

    def run(self, neuron_rule, record=None):
        """Models of the outputs: list of (P (N,), I).  Failures are recorded."""
        np = self.np
        arb = _arb()
        n, N, Q, Bs = self.n, self.N, self.Q, self.B
        cols_P, cols_I = [], []
        for i in range(n):
            P = np.full(N, self.zero, dtype=object)
            P[0] = self.center[i]
            I = self.zero
            if Q >= 1:
                P[Bs.offsets[1] + i] = arb(1)
            else:
                I = self.yballs[i]
            cols_P.append(P)
            cols_I.append(I)
        failures = []
        ranges = {}
        stages = self.net.stages()
        maxdeg = [1 if Q >= 1 else 0] * n
        last_use = {}
        for s_idx, stage in enumerate(stages):
            for p in stage.sources:
                last_use[p] = s_idx
        keep = set(self.net.output_positions())
        for s_idx, (stage, (W, b)) in enumerate(zip(stages, self.weights)):
            width = len(stage.nodes)
            dv = max((maxdeg[p] for p in stage.sources), default=0)
            if stage.sources:
                H = np.stack([cols_P[p] for p in stage.sources], axis=1)
                IH = np.array([cols_I[p] for p in stage.sources] + [None], dtype=object)[:-1]
                Z = _matmul(H, W.T)
                IZ = W @ IH
            else:
                Z = np.full((N, width), self.zero, dtype=object)
                IZ = np.full(width, self.zero, dtype=object)
            Z[0] = Z[0] + b
            c0 = Z[0].copy()
            cstar = np.array([arb(c.mid()) for c in c0] + [None], dtype=object)[:-1]
            V = Z.copy()
            V[0] = self.zero
            Iw = IZ + (c0 - cstar)
            vdeg = (1, dv) if dv >= 1 else (Q + 1, Q)
            bv = self.degree_bounds(V, vdeg)
            Wr = bv.sum(axis=0) + Iw
            R = cstar + Wr
            Ds, Es = [], []
            for i, act in enumerate(stage.activations):
                node = stage.nodes[i]
                ranges[node] = R[i]
                try:
                    if not (R[i].is_finite()):
                        raise _Uncertifiable(f"the pre-activation range {R[i]} is not finite")
                    D, E = neuron_rule(s_idx, act, cstar[i], Wr[i], R[i])
                    if not E.is_finite() or not all(d.is_finite() for d in D):
                        raise _Uncertifiable("an enclosure is not finite")
                except _Uncertifiable as exc:
                    try:
                        D, E = _neuron_range_only(act, R[i]) if R[i].is_finite() else \
                            ([arb(0)], arb.nan())
                    except _Uncertifiable:
                        D, E = [arb(0)], arb.nan()
                    failures.append((node, act.name, str(exc)))
                Ds.append(D)
                Es.append(E)
            Kp = max(len(D) for D in Ds) - 1
            Dm = np.full((Kp + 1, width), self.zero, dtype=object)
            for i, D in enumerate(Ds):
                for k, d in enumerate(D):
                    Dm[k, i] = d
            Pout = np.full((N, width), self.zero, dtype=object)
            Pout[0] = Dm[0]
            Iout = np.array(Es + [None], dtype=object)[:-1]
            outdeg = 0
            if Kp >= 1:
                power = (V, Iw, bv, vdeg)
                Pout = Pout + V * Dm[1][None, :]
                Iout = Iout + Dm[1] * Iw
                outdeg = dv
                for k in range(2, Kp + 1):
                    power = self.tm_mul(power, (V, Iw, bv, vdeg))
                    if power[3][0] <= Q:
                        Pout = Pout + power[0] * Dm[k][None, :]
                        outdeg = max(outdeg, power[3][1])
                    Iout = Iout + Dm[k] * power[1]
            for i, act in enumerate(stage.activations):
                # a model whose interval is wider than the activation's whole range
                # is worse than the constant model 0 + sigma(R): use that instead
                if act.is_identity or not R[i].is_finite():
                    continue
                try:
                    _, rng = _neuron_range_only(act, R[i])
                except _Uncertifiable:
                    continue
                worse = not Iout[i].is_finite() or not (Iout[i].rad() < rng.rad())
                if not worse:
                    # a model whose range is far wider than the activation's is
                    # wildly oscillating (cos over many periods, ...)
                    whole = self.M @ Pout[:, i] + Iout[i]
                    worse = not whole.is_finite() or whole.rad() > 4 * rng.rad()
                if worse:
                    Pout[:, i] = self.zero
                    Iout[i] = rng
            for i in range(width):
                cols_P.append(Pout[:, i])
                cols_I.append(Iout[i])
                maxdeg.append(min(outdeg, Q))
            for p in stage.sources:
                if last_use.get(p) == s_idx and p not in keep:
                    cols_P[p] = None  # free memory: no later stage reads it
        outs = [(cols_P[p], cols_I[p]) for p in self.net.output_positions()]
        return outs, ranges, failures


def _check_poly(net, poly):
    from .polynomial import Polynomial

    polys = poly if isinstance(poly, (tuple, list)) else (poly,)
    if not polys or not all(isinstance(p, Polynomial) for p in polys):
        raise InputError(f"expected a symnet.Polynomial (or one per output), got "
                         f"{type(poly).__name__}")
    if len(polys) != net.n_outputs:
        raise ShapeError(f"the network has {net.n_outputs} outputs but {len(polys)} polynomials "
                         "were given; pass one per output (what expand returns)")
    for p in polys:
        if tuple(p.variables) != tuple(net.inputs):
            raise InputError(f"the polynomial's variables {p.variables} are not the network's "
                             f"inputs {net.inputs}")
    orders = {p.order for p in polys}
    centers = {tuple(p.center) for p in polys}
    if len(orders) > 1 or len(centers) > 1:
        raise ShapeError("the polynomials differ in order or centre; bound them one by one")
    return polys


def _poly_vector(B, p, where):
    import numpy as np
    arb = _arb()
    v = np.full(B.size, arb(0), dtype=object)
    for exps, c in p.terms().items():
        idx = B.index_of(exps)
        if isinstance(c, sympy.Basic) and c.free_symbols:
            raise DomainError(f"{where}: the coefficient of {exps} is {c}, which contains the "
                              f"symbols {sorted(map(str, c.free_symbols))}; a numeric bound "
                              "needs numeric coefficients (substitute them first)")
        try:
            v[idx] = _to_ball(c, f"{where}: coefficient of {exps}")
        except WeightError as exc:
            raise DomainError(str(exc)) from None
    return v


# ---------------------------------------------------------------------------
# public: error_bound
# ---------------------------------------------------------------------------

class ErrorBound(float):
    """A certified upper bound on ``|net(x) - p(x)|`` over a box: a float with details.

    The value itself (``float(b)``, ``b.bound``) is the bound, rounded up; it
    compares and computes like a float.  Uncertified results (only returned
    with ``strict=False``) are ``inf`` with ``certified=False``.

    Attributes
    ----------
    bound : float
        The bound (the maximum over the outputs).
    per_output : tuple of float
        One bound per output.
    certified : bool
        True when every enclosure was proved; False with ``reason``.
    reason : str or None
        Why a bound could not be certified.
    parts : tuple of dict
        Per output: ``polynomial`` (a term-by-term bound of the difference
        between the network's model polynomial and ``p``) and ``remainder``
        (the model's interval), both rounded up.  Their sum bounds the
        output's error; the bound itself is usually smaller (the difference
        is bounded on sub-boxes, together with the interval).
    mode : str
        The model used: ``"series"`` or ``"taylor"`` (per output the
        tighter when both were tried, see ``modes``; ``"mixed"`` when they
        differ).
    tm_order : int
        The degree of the Taylor models.
    box, order, center
        What was bounded.

    Examples
    --------
    >>> from symnet import Network, expand, error_bound
    >>> net = Network.dense([[[1, -1]]], activations=["sigmoid"])
    >>> b = error_bound(net, expand(net, 3), (-0.1, 0.1))
    >>> b.certified, float(b) < 1e-5, b.per_output == (float(b),)
    (True, True, True)
    >>> print(b)  # doctest: +ELLIPSIS
    |f(x) - p(x)| <= ... on [-0.1, 0.1]^2 (certified; ... model of degree 5)
    """

    def __new__(cls, value, *, certified=True, reason=None, per_output=(), parts=(),
                mode=None, modes=(), box=(), order=None, center=None, tm_order=None):
        obj = super().__new__(cls, value)
        obj.tm_order = tm_order
        obj.certified = certified
        obj.reason = reason
        obj.per_output = tuple(per_output)
        obj.parts = tuple(parts)
        obj.mode = mode
        obj.modes = tuple(modes)
        obj.box = tuple(box)
        obj.order = order
        obj.center = center
        return obj

    @property
    def bound(self):
        """The bound as a plain float."""
        return float(self)

    def as_rational(self):
        """The bound as an exact sympy Rational (equal to the float)."""
        return sympy.Rational(float(self)) if math.isfinite(self) else sympy.oo

    def _box_str(self):
        if not self.box:
            return "the box"
        if len(set(self.box)) == 1:
            lo, hi = self.box[0]
            return f"[{sympy.sstr(lo)}, {sympy.sstr(hi)}]^{len(self.box)}" if len(self.box) > 1 \
                else f"[{sympy.sstr(lo)}, {sympy.sstr(hi)}]"
        return " x ".join(f"[{sympy.sstr(lo)}, {sympy.sstr(hi)}]" for lo, hi in self.box)

    def _sympystr(self, printer):
        if not self.certified:
            return f"no certified bound on {self._box_str()}: {self.reason}"
        val = _fmt(float(self))
        lhs = "|f(x) - p(x)|" if len(self.per_output) <= 1 else "max_k |f_k(x) - p_k(x)|"
        return (f"{lhs} <= {val} on {self._box_str()} (certified; {self.mode} model of "
                f"degree {self.tm_order})")

    def _latex(self, printer):
        if not self.certified:
            return r"\text{no certified bound: " + str(self.reason).replace("_", r"\_") + "}"
        lhs = (r"\left|f(x) - p(x)\right|" if len(self.per_output) <= 1
               else r"\max_k \left|f_k(x) - p_k(x)\right|")
        return lhs + r" \le " + _latex_float(float(self))

    def _repr_latex_(self):
        return "$" + self._latex(None) + "$"

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        if not self.certified:
            return f"ErrorBound(inf, certified=False, reason={self.reason!r})"
        return f"ErrorBound({float(self)!r}, certified=True)"

    def __reduce__(self):
        return (_rebuild_bound, (float(self), dict(self.__dict__)))


def _rebuild_bound(value, state):
    return ErrorBound(value, **state)


def _fmt(v):
    return f"{v:.4g}" if math.isfinite(v) else "inf"


def _latex_float(v):
    if not math.isfinite(v):
        return r"\infty"
    s = f"{v:.3e}"
    man, ex = s.split("e")
    return f"{man} \\cdot 10^{{{int(ex)}}}"


def error_bound(net, poly, box, *, mode=None, series_degree=None, tm_order=None,
                splits=None, prec=96, strict=True):
    """A rigorous upper bound on ``|net(x) - poly(x)|`` for every x in a box.

    Parameters
    ----------
    net : Network
        Numeric weights (exact or float); symbolic weights must be
        substituted first.
    poly : Polynomial or tuple of Polynomial
        What :func:`symnet.expand` returned (one per output), in either
        mode: a series-mode polynomial (centred at the origin) or a
        Taylor-mode one (``poly.center`` the expansion point, monomials in
        ``x - center``).  Any polynomial is accepted; the bound is always
        valid, and tight when it is an expansion of ``net``.
    box : pair or sequence of pairs
        ``[(lo_1, hi_1), ..., (lo_n, hi_n)]`` (exact numbers or floats), or a
        single pair for every input.
    mode : {None, "series", "taylor"}
        How the network's model is built.  Default: ``"taylor"`` when the
        centre is not the origin, otherwise series, also trying Taylor when
        the series model does not match ``poly`` (the smaller bound wins).
        Never affects validity, only tightness.
    series_degree : int or sequence of int, optional
        The ``series_degree`` ``poly`` was built with (default: what
        ``poly.meta`` records, else its order).
    tm_order : int, optional
        Degree of the Taylor models, at least ``poly.order``.  Higher is
        tighter (the next terms of the network's expansion are then bounded
        as a polynomial, with cancellations) and slower.  Default
        ``poly.order + 2``, or ``+ 1`` or ``+ 0`` when the models would
        exceed about 120,000 coefficients (monomials x neurons).
    splits : int
        Bisect the box this many times, the piece with the largest bound
        first (along the input that drives the network most across it), and
        bound each piece with models centred there: much tighter on wide
        boxes, up to ``2 splits + 1`` times the work (it stops early once the
        bound is within 2% of the error seen at sample points).  Default 4
        when the models are small (at most 24,000 coefficients), else 0.
    prec : int
        Working precision of the ball arithmetic, in bits.
    strict : bool
        If True (default), raise :class:`UncertifiedBoundError` when no
        bound can be certified; if False, return an :class:`ErrorBound`
        with ``certified=False`` (value ``inf``) and the reason.

    Returns
    -------
    ErrorBound
        A float (the bound, rounded up) carrying ``per_output``, ``parts``,
        ``certified``, ``mode``.

    Raises
    ------
    BoxError, ShapeError
        For a malformed box (lower > upper, infinite or non-numeric ends,
        wrong number of intervals).
    UncertifiedBoundError
        When an activation cannot be enclosed (an unknown function, a
        non-finite derivative bound on the range, a piecewise activation
        without a kink table) and ``strict`` is True.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Network, expand, error_bound
    >>> net = Network.dense([[[1, 2], [-1, 1]], [[1, -1]]], biases=[[0, 1], [0]])
    >>> p = expand(net, 3)
    >>> b = error_bound(net, p, (-sympy.Rational(1, 10), sympy.Rational(1, 10)))
    >>> b.certified, 0.2096 < b < 0.25   # the error reaches 0.2096 at a corner
    (True, True)
    """
    from .network import Network

    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}")
    if net.is_symbolic:
        raise WeightError(f"error_bound needs numeric weights, but they contain the symbols "
                          f"{sorted(map(str, net.free_symbols))}; substitute them with "
                          "net.subs(...) first")
    polys = _check_poly(net, poly)
    Q = polys[0].order
    center_exact = tuple(polys[0].center)
    meta = getattr(polys[0], "meta", None) or {}
    if mode not in (None, "series", "taylor"):
        raise ValueError(f"mode must be None, 'series' or 'taylor', got {mode!r}")
    if series_degree is None and meta.get("mode") == "series":
        series_degree = meta.get("series_degree")
    from .expand import _series_degrees
    qs = _series_degrees(net, Q, series_degree)  # noqa: (moved with the bounds redesign)
    if tm_order is None:
        tm_order = _default_tm_order(net, Q)
    elif isinstance(tm_order, bool) or not isinstance(tm_order, numbers.Integral) or \
            tm_order < Q:
        raise OrderError(f"tm_order must be an int >= the polynomial's order {Q}, "
                         f"got {tm_order!r}")
    else:
        _check_memory(net, int(tm_order))
    if isinstance(prec, bool) or not isinstance(prec, numbers.Integral) or prec < 30:
        raise ValueError(f"prec must be an int >= 30 (bits), got {prec!r}")
    if splits is None:
        splits = 4 if 5 * _tm_size(net, int(tm_order)) <= _TM_BUDGET else 0
    if isinstance(splits, bool) or not isinstance(splits, numbers.Integral) or splits < 0:
        raise ValueError(f"splits must be a non-negative int, got {splits!r}")
    exact_box, _ = _parse_box(box, net.n_inputs)
    centred = any(c != 0 for c in center_exact)
    if mode is None:
        mode = "taylor" if centred or meta.get("mode") == "taylor" else "auto"
    with _precision(prec):
        _, balls = _parse_box(box, net.n_inputs)
        center = [_to_ball(c, f"polynomial centre [{i}]") for i, c in enumerate(center_exact)]
        piece = [(lo.lower(), hi.upper()) for lo, hi in balls]
        best = _bound_piece(net, polys, center, piece, None, int(tm_order), mode, qs)
        if splits and best[2] is None:
            seen = _sampled_error(net, polys, exact_box)
            best = _split_pieces(net, polys, center, piece, best, int(tm_order), mode, qs,
                                 int(splits), seen)
    per, parts, reason, used = best
    total = max(per)
    box_disp = exact_box
    if reason is not None or not math.isfinite(total):
        reason = reason or "an enclosure is not finite"
        if strict:
            raise UncertifiedBoundError(
                f"no certified error bound on this box: {reason}. Pass strict=False to get an "
                "uncertified result object instead")
        return ErrorBound(math.inf, certified=False, reason=reason, per_output=per, parts=parts,
                          mode=used[0], modes=used, box=box_disp, order=Q,
                          center=center_exact, tm_order=int(tm_order))
    mode_name = used[0] if len(set(used)) == 1 else "mixed"
    return ErrorBound(total, certified=True, per_output=per, parts=parts, mode=mode_name,
                      modes=used, box=box_disp, order=Q, center=center_exact,
                      tm_order=int(tm_order))


def _bound_piece(net, polys, center, piece, new_center, tm_order, mode, qs):
    """Bound on one box ``piece`` (exact ends); models centred at ``new_center``.

    ``new_center`` None: at the polynomial's centre; else the polynomial is
    re-expanded there (exactly, in balls).
    """
    c = center if new_center is None else new_center
    yr = [((lo - a).lower(), (hi - a).upper()) for (lo, hi), a in zip(piece, c)]
    eng = _Engine(net, tm_order, c, yr)
    pvecs = [_poly_vector(eng.B, p, f"polynomial {k}") for k, p in enumerate(polys)]
    if new_center is not None:
        for i, (a, b) in enumerate(zip(center, new_center)):
            d = b - a
            if not d.is_zero():
                pvecs = [eng._shift(v, i, d) for v in pvecs]
    best = _bound_with(eng, pvecs, "series" if mode == "auto" else mode, qs, tm_order)
    if mode == "auto":
        # both models enclose the network; per output the smaller bound wins
        # (the Taylor model is often tighter even for series polynomials)
        best = _merge(best, _bound_with(eng, pvecs, "taylor", qs, tm_order))
    return best


def _sampled_error(net, polys, exact_box, n=64, seed=0):
    """Float64 error seen at the corners, the centre and random points (a heuristic)."""
    import numpy as np
    try:
        X = _witness_points(exact_box, net.n_inputs, limit=256, seed=seed)
        lo = np.array([float(a) for a, _ in exact_box])
        hi = np.array([float(b) for _, b in exact_box])
        rng = np.random.RandomState(seed)
        X = np.vstack([X, lo + (hi - lo) * rng.rand(n, len(lo))])
        F = np.asarray(net(X), dtype=float).reshape(len(X), -1)
        err = 0.0
        for k, p in enumerate(polys):
            err = max(err, float(np.max(np.abs(F[:, k] - np.asarray(p(X), dtype=float)))))
        return err if math.isfinite(err) else 0.0
    except Exception:  # pragma: no cover - only a stopping heuristic
        return 0.0


def _split_pieces(net, polys, center, piece, best, tm_order, mode, qs, splits, seen=0.0):
    """Bisect the box ``splits`` times, the worst piece first; max over the pieces."""
    import heapq
    arb = _arb()
    # how strongly each input drives the first neurons: scales the widths
    drive = [0.0] * net.n_inputs
    for s in net.stages():
        for j, src in enumerate(s.sources):
            if src < net.n_inputs:
                for row in s.weights:
                    try:
                        drive[src] += abs(float(row[j]))
                    except (TypeError, ValueError):
                        drive[src] += 1.0
    heap = [(-max(best[0]), 0, piece, best)]
    tick = 1
    for _ in range(splits):
        neg, _, pc, res = heap[0]
        if not math.isfinite(neg) or res[2] is not None or -neg <= 1.02 * seen:
            break
        widths = [float((hi - lo).upper()) * max(drive[i], 1e-300)
                  for i, (lo, hi) in enumerate(pc)]
        i = max(range(len(pc)), key=lambda t: widths[t])
        lo, hi = pc[i]
        mid = arb(((lo + hi) / 2).mid())
        if not (lo < mid < hi):
            break
        heapq.heappop(heap)
        for part in ((lo, mid), (mid, hi)):
            sub = list(pc)
            sub[i] = part
            cen = [arb(((a + b) / 2).mid()) for a, b in sub]
            r = _bound_piece(net, polys, center, sub, cen, tm_order, mode, qs)
            if r[2] is not None:
                return r
            heapq.heappush(heap, (-max(r[0]), tick, sub, r))
            tick += 1
    results = [r for _, _, _, r in heap]
    per, parts, used = [], [], []
    for k in range(len(best[0])):
        worst = max(results, key=lambda r: r[0][k])
        per.append(worst[0][k])
        parts.append(worst[1][k])
        used.append(worst[3][k])
    return per, parts, None, used


#: default work budget: Taylor-model coefficients (monomials x neurons)
_TM_BUDGET = 120_000


def _tm_size(net, order):
    n = net.n_inputs
    return comb(n + order, order) * max(1, len(net.neurons))


def _default_tm_order(net, Q):
    """poly.order + 2, + 1 or + 0: the highest whose models stay cheap."""
    for extra in (2, 1):
        if _tm_size(net, Q + extra) <= _TM_BUDGET:
            return Q + extra
    _check_memory(net, Q)
    return Q


def _check_memory(net, order):
    from .errors import ExpansionTooLargeError
    try:
        from ._validate import available_memory
        avail = available_memory()
    except Exception:  # pragma: no cover - best effort
        avail = 8 << 30
    width = max((len(s.nodes) for s in net.stages()), default=1)
    live = net.n_inputs + 2 * width
    nbytes = 96 * comb(net.n_inputs + order, order) * (live + 6 * width)
    if nbytes > avail // 2:
        raise ExpansionTooLargeError(
            f"Taylor models of degree {order} for this network need about "
            f"{nbytes / 2**30:.1f} GiB of balls, more than half of the "
            f"{avail / 2**30:.1f} GiB available; pass a smaller tm_order (>= the "
            "polynomial's order) or bound a lower-order expansion")


def _bound_with(eng, pvecs, how, qs, Q, budget=48):
    extra = 2

    if how == "series":
        def rule(s, act, cstar, Wr, R):
            return _neuron_series(act, qs[s], cstar, Wr, R, Q, extra)
    else:
        def rule(s, act, cstar, Wr, R):
            return _neuron_taylor(act, cstar, Wr, R, Q, extra)

    outs, _, failures = eng.run(rule)
    per, parts = [], []
    for (P, I), pv in zip(outs, pvecs):
        gap = eng.bound(P - pv)
        tot = eng.refined_bound(P - pv, I, budget)
        g_up = _abs_up(gap) if gap.is_finite() else math.inf
        r_up = _abs_up(I) if I.is_finite() else math.inf
        t_up = _abs_up(tot) if tot.is_finite() else math.inf
        # the float sum g_up + r_up may round down: only t_up (rounded up) is used
        per.append(t_up)
        parts.append({"polynomial": g_up, "remainder": r_up})
    reason = None
    if any(not math.isfinite(v) for v in per):
        node, name, why = failures[0] if failures else (None, None, "an enclosure is not finite")
        reason = (f"neuron {node!r} ({name}): {why}" if node is not None else why)
    return per, parts, reason, [how] * len(per)


def _merge(a, b):
    per, parts, used = [], [], []
    for k in range(len(a[0])):
        if b[0][k] < a[0][k]:
            per.append(b[0][k])
            parts.append(b[1][k])
            used.append(b[3][k])
        else:
            per.append(a[0][k])
            parts.append(a[1][k])
            used.append(a[3][k])
    reason = None if all(math.isfinite(v) for v in per) else (a[2] or b[2])
    return per, parts, reason, used


# ---------------------------------------------------------------------------
# public: convergence_report
# ---------------------------------------------------------------------------

_STATUS_OUT = ("outside", "may leave")


class ConvergenceReport:
    """Per-neuron pre-activation ranges over a box against the radii of convergence.

    Attributes
    ----------
    rows : list of tuple
        ``(neuron, activation, lower, upper, radius, status)``: the certified
        range ``[lower, upper]`` (floats rounded outward) of the neuron's
        pre-activation over the box, the radius of convergence of its
        activation's Maclaurin series (a sympy number, ``oo`` for entire
        functions, None when unknown) and its status: ``"inside"`` (proved
        within the radius), ``"outside"`` (a point of the box where it is
        not, proved), ``"may leave"`` (neither proved), ``"entire"``,
        ``"not analytic"``, ``"unknown radius"`` or ``"no range"``.
    outside : list
        Neurons not proved inside their radius (``"outside"`` and
        ``"may leave"``): where series mode may diverge as the order grows.
    proven_outside : list
        The subset with a point of the box outside the radius.
    unknown : list
        Neurons whose radius or range is unknown (or that are not analytic).
    ranges : dict
        neuron -> (lower, upper).

    Examples
    --------
    >>> from symnet import Network, convergence_report
    >>> net = Network.dense([[[1, 1], [3, 1]], [[1, 1]]])
    >>> rep = convergence_report(net, (-0.5, 0.5))
    >>> rep.outside, rep.all_inside
    ([(1, 2)], False)
    >>> print(rep)  # doctest: +NORMALIZE_WHITESPACE
    neuron  activation  pre-activation range  radius  status
    (1, 1)  tanh        [-1, 1]               pi/2    inside
    (1, 2)  tanh        [-2, 2]               pi/2    outside
    (2, 1)  identity    [-1.787, 1.787]       oo      entire
    """

    def __init__(self, rows, box):
        self.rows = list(rows)
        self.box = tuple(box)

    @property
    def ranges(self):
        return {r[0]: (r[2], r[3]) for r in self.rows}

    @property
    def outside(self):
        return [r[0] for r in self.rows if r[5] in _STATUS_OUT]

    @property
    def proven_outside(self):
        return [r[0] for r in self.rows if r[5] == "outside"]

    @property
    def unknown(self):
        return [r[0] for r in self.rows if r[5] in ("not analytic", "unknown radius",
                                                    "no range")]

    @property
    def all_inside(self):
        """True when every neuron is proved inside its radius (or entire)."""
        return all(r[5] in ("inside", "entire") for r in self.rows)

    def _cells(self):
        out = []
        for node, act, lo, hi, rad, status in self.rows:
            rng = f"[{_fmt(lo)}, {_fmt(hi)}]" if lo is not None else "?"
            out.append((str(node), act, rng, "?" if rad is None else sympy.sstr(rad), status))
        return out

    def _sympystr(self, printer):
        head = ("neuron", "activation", "pre-activation range", "radius", "status")
        cells = [head] + self._cells()
        widths = [max(len(c[k]) for c in cells) for k in range(len(head))]
        lines = ["  ".join(c[k].ljust(widths[k]) for k in range(len(head))).rstrip()
                 for c in cells]
        return "\n".join(lines)

    def _latex(self, printer):
        rows = []
        for node, act, lo, hi, rad, status in self.rows:
            rng = (r"\left[" + _latex_num(lo) + ", " + _latex_num(hi) + r"\right]"
                   if lo is not None else "?")
            radl = "?" if rad is None else sympy.latex(rad)
            rows.append(" & ".join([r"\text{" + str(node) + "}", r"\text{" + act.replace(
                "_", r"\_") + "}", rng, radl, r"\text{" + status + "}"]))
        head = (r"\text{neuron} & \text{activation} & \text{range} & \text{radius} & "
                r"\text{status}")
        return (r"\begin{array}{lllll}" + head + r" \\ \hline " + r" \\ ".join(rows)
                + r"\end{array}")

    def _repr_latex_(self):
        return "$" + self._latex(None) + "$"

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        return (f"ConvergenceReport({len(self.rows)} neurons, outside={self.outside}, "
                f"unknown={self.unknown})")


def _latex_num(v):
    if not math.isfinite(v):
        return r"\infty" if v > 0 else r"-\infty"
    s = f"{v:.4g}"
    if "e" in s:
        man, ex = s.split("e")
        return f"{man} \\cdot 10^{{{int(ex)}}}"
    return s


def _float_preactivations(net, X):
    """Float64 pre-activations of every neuron at the rows of X: dict node -> array."""
    import numpy as np
    from .activations import numpy_function

    cols = [X[:, j] for j in range(net.n_inputs)]
    out = {}
    for s in net.stages():
        W, b = s.weight_array(), s.bias_array()
        H = np.stack([cols[p] for p in s.sources], axis=1) if s.sources else \
            np.zeros((X.shape[0], 0))
        Z = H @ W.T + b
        for i, (node, act) in enumerate(zip(s.nodes, s.activations)):
            out[node] = Z[:, i]
            cols.append(numpy_function(act)(Z[:, i]))
    return out


def _ball_preactivations(net, point):
    """Ball pre-activations of every neuron at one exact point (list of balls)."""
    arb = _arb()
    cols = list(point)
    out = {}
    for s in net.stages():
        for i, (node, act) in enumerate(zip(s.nodes, s.activations)):
            z = _to_ball(s.biases[i], "bias")
            for j, p in enumerate(s.sources):
                w = s.weights[i][j]
                if w != 0:
                    z = z + _to_ball(w, "weight") * cols[p]
            out[node] = z
            try:
                v = _compiled(("func", act), act.func(_Z), (_Z,))([z])
            except _Uncertifiable:
                v = arb.nan()
            cols.append(v)
    return out


def _witness_points(exact_box, n, limit=1024, seed=0):
    import numpy as np
    lo = np.array([float(a) for a, _ in exact_box])
    hi = np.array([float(b) for _, b in exact_box])
    if n <= 10:
        k = np.arange(2 ** n)
        bits = (k[:, None] >> np.arange(n)[None, :]) & 1
    else:
        bits = np.random.RandomState(seed).randint(0, 2, size=(limit, n))
    pts = np.where(bits == 1, hi, lo)
    return np.vstack([pts, (lo + hi) / 2])


def convergence_report(net, box, *, order=2, prec=96):
    """Which neurons' pre-activations stay inside their radius of convergence on a box.

    Series mode replaces each activation by its Maclaurin polynomial; as the
    order grows that converges only where the pre-activation stays inside
    the series' radius of convergence (tanh ``pi/2``; sigmoid, softplus,
    SiLU ``pi``; entire functions such as erf, GELU, sin: everywhere).  This
    encloses every neuron's pre-activation over the box rigorously (Taylor
    models of degree ``order`` in ball arithmetic, on the network itself)
    and compares.

    Parameters
    ----------
    net : Network
        Numeric weights.
    box : pair or sequence of pairs
        As in :func:`error_bound`.
    order : int
        Degree of the Taylor models used for the ranges (higher: tighter
        ranges for deep networks, slower).
    prec : int
        Working precision in bits.

    Returns
    -------
    ConvergenceReport
        A readable table (``print``, Jupyter LaTeX) with ``.outside``.

    Examples
    --------
    >>> from symnet import Network, convergence_report
    >>> net = Network.dense([[[2]]], activations=["tanh"])
    >>> convergence_report(net, (-0.5, 0.5)).outside
    []
    >>> convergence_report(net, (-1, 1)).proven_outside
    [(1, 1)]
    """
    import numpy as np
    from .network import Network

    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}")
    if net.is_symbolic:
        raise WeightError(f"convergence_report needs numeric weights, but they contain the "
                          f"symbols {sorted(map(str, net.free_symbols))}; substitute them with "
                          "net.subs(...) first")
    if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order < 0:
        raise OrderError(f"order must be a non-negative int, got {order!r}")
    exact_box, _ = _parse_box(box, net.n_inputs)
    rows = []
    with _precision(prec):
        _, balls = _parse_box(box, net.n_inputs)
        center = [(lo + hi) / 2 for lo, hi in balls]
        yr = [((lo - c).lower(), (hi - c).upper()) for (lo, hi), c in zip(balls, center)]
        eng = _Engine(net, int(order), center, yr)

        def rule(s, act, cstar, Wr, R):
            return _neuron_taylor(act, cstar, Wr, R, int(order), 1)

        _, ranges, _ = eng.run(rule)
        ranges = _refine_ranges(net, balls, ranges)
        todo = {}
        for s in net.stages():
            for node, act in zip(s.nodes, s.activations):
                R = ranges[node]
                fin = R.is_finite()
                lo = _float_down(R) if fin else None
                hi = _float_up(R) if fin else None
                rad = act.radius
                if not act.analytic:
                    status, rad = "not analytic", None
                elif rad is None:
                    status = "unknown radius"
                elif rad == sympy.oo:
                    status = "entire"
                elif not fin:
                    status = "no range"
                else:
                    rb = _to_ball(rad, "radius")
                    if R.abs_upper() < rb:
                        status = "inside"
                    else:
                        status = "may leave"
                        todo[node] = rb
                rows.append([node, act.name, lo, hi, rad, status])
        if todo:
            X = _witness_points(exact_box, net.n_inputs)
            Z = _float_preactivations(net, X)
            arb = _arb()
            checked = {}
            for node in todo:
                k = int(np.argmax(np.abs(Z[node])))
                if k not in checked:
                    checked[k] = _ball_preactivations(net, [arb(float(v)) for v in X[k]])
                zb = checked[k][node]
                if zb.is_finite() and abs(zb).lower() >= todo[node]:
                    for r in rows:
                        if r[0] == node:
                            r[5] = "outside"
    return ConvergenceReport([tuple(r) for r in rows], exact_box)


def _refine_ranges(net, balls, ranges):
    """Intersect the model ranges with plain interval propagation (both rigorous)."""
    arb = _arb()
    cols = [_union(lo, hi) for lo, hi in balls]
    out = {}
    for s in net.stages():
        for i, (node, act) in enumerate(zip(s.nodes, s.activations)):
            z = _to_ball(s.biases[i], "bias")
            for j, p in enumerate(s.sources):
                w = s.weights[i][j]
                if w != 0:
                    z = z + _to_ball(w, "weight") * cols[p]
            R = ranges[node]
            if not R.is_finite():
                R = z
            elif z.is_finite() and z.overlaps(R):
                R = arb.intersection(z, R)
            out[node] = R
            try:
                h = _sigma_range(act, R) if R.is_finite() else arb.nan()
            except _Uncertifiable:
                h = arb.nan()
            cols.append(h)
    return out


def convergence_warnings(net, box):
    """Warnings (strings) for neurons whose range leaves the series' radius on the box."""
    return _convergence_warnings(net, box)


def _convergence_warnings(net, box):
    """Messages naming the neurons whose pre-activation range may leave the radius.

    For ``expand(..., box=...)`` in series mode: one string per neuron not
    proved inside its activation's radius of convergence on the box.
    """
    rep = convergence_report(net, box)
    out = []
    for node, act, lo, hi, rad, status in rep.rows:
        if status in _STATUS_OUT:
            verb = "leaves" if status == "outside" else "may leave"
            out.append(f"neuron {node!r} ({act}): its pre-activation range on the box, "
                       f"[{_fmt(lo)}, {_fmt(hi)}], {verb} the radius of convergence "
                       f"{sympy.sstr(rad)} (~{float(rad):.4g}) of the {act} series, so series "
                       "mode does not converge there as the order grows")
    return out
