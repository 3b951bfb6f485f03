"""Activation enclosures in ball arithmetic, written once against the rule kinds.

:class:`ArbContext` is the number context of python-flint balls (the
protocol of :mod:`symnet.activations.kinds`), so ``rule.taylor(ArbContext(),
c, n)`` works for every rule kind and gives balls enclosing
``sigma^(k)(xi)/k!`` for every ``xi`` in the ball ``c``:

* an :class:`~symnet.activations.AnalyticSystem` runs
  :func:`~symnet.activations.taylor_from_system` on balls, its atoms
  enclosed with a mean-value refinement (arb's elementary functions
  overestimate on wide balls);
* a :class:`~symnet.activations.PolynomialRule` runs Horner on balls;
* a :class:`~symnet.activations.SympyRule` evaluates its derivative
  expressions with :class:`~symnet.bounds.arbprint.ArbPrinter`;
* a :class:`~symnet.activations.PiecewiseLinearRule` picks its exact
  linear piece (an error when the ball holds a kink).

On top of that: enclosures over an interval from a cached dyadic grid of
cells (mean-value form per cell), the Lagrange remainder of a Maclaurin
polynomial, the per-neuron models of the Taylor-model engine, and the
public :func:`activation_enclosure`.

Examples
--------
>>> from flint import arb
>>> from symnet import get_activation
>>> from symnet.bounds.enclosures import ArbContext
>>> d = get_activation("tanh").rule.taylor(ArbContext(), arb(0), 3)
>>> [float(v.mid()) for v in d]
[0.0, 1.0, 0.0, -0.3333333333333333]
"""

from __future__ import annotations

import math
from math import comb

import flint
from flint import arb

from .._validate import as_prec
from ..errors import NonAnalyticActivationError, UncertifiedBoundError, WeightError
from ..activations.system import Z
from .arbprint import compiled, to_ball
from .boxes import parse_box
from .balls import (Hull, Uncertifiable, check_time, const_ball, dyadic, ipow, precision,
                    rational_bounds, union)

__all__ = ["ArbContext", "activation_enclosure"]


def _ball_or_uncertifiable(value, where):
    try:
        return to_ball(value, where)
    except WeightError as exc:
        raise Uncertifiable(str(exc)) from None


def _split_eval(f, c, depth=10):
    """``f([c])``, bisecting ``c`` where the direct enclosure is not finite.

    arb's elementary functions lose everything on wide balls (``exp`` of
    ``[-256, -144]`` is a ball around 0 of radius 1e111, so ``1/(1 + exp(-z))``
    is NaN there); on halves of the ball they recover.  At most ``2**depth``
    pieces, only where needed.
    """
    v = f([c])
    if v.is_finite() or depth == 0 or not c.is_finite() or c.rad() == 0:
        return v
    lo, hi, m = c.lower(), c.upper(), arb(c.mid())
    if not (lo < m < hi):
        return v
    a = _split_eval(f, union(lo, m), depth - 1)
    if not a.is_finite():
        return a
    b = _split_eval(f, union(m, hi), depth - 1)
    return union(a, b) if b.is_finite() else b


class ArbContext:
    """The number context of python-flint balls (see :mod:`symnet.activations.kinds`).

    Values are ``arb`` balls at the working precision in force (set it
    with :class:`symnet.bounds.balls.precision`).  A ball argument ``c``
    stands for every point in it: the results enclose the Taylor
    coefficients at each of those points.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.enclosures import ArbContext
    >>> get_activation("relu").rule.taylor(ArbContext(), arb(2), 1)
    [2.00000000000000, 1.00000000000000]
    """

    inexact = False  # balls are rigorous: no float-stable tail systems needed

    def zero_like(self, c):
        """The zero ball."""
        return arb(0)

    def const(self, q):
        """A Fraction as a ball."""
        return const_ball(q)

    def number(self, v):
        """An exact sympy number (``log(2)``, ``1/3``) as a ball (cached)."""
        key = ("number", v, flint.ctx.prec)
        hit = _CACHE.get(key)
        if hit is None:
            hit = _remember(key, _ball_or_uncertifiable(v, "activation constant"))
        return hit

    def numbers(self, values):
        """:meth:`number` of each value."""
        return [self.number(v) for v in values]

    def evaluate(self, system, c):
        """Balls enclosing the atoms of ``system`` over the ball ``c``.

        A non-exact ball is refined by the mean-value form ``u(m) + u'(c) (c - m)``
        with ``u' = F(z, u)`` from the system, intersected with the direct
        enclosure.
        """
        _, deriv_rules = system.rules
        fs = [compiled(("atom", a), lambda a=a: a, (Z,)) for a in system.atoms]
        vals = [_split_eval(f, c) for f in fs]
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
            raise Uncertifiable(f"the atoms {list(system.atoms)} are not finite on {c}")
        return vals

    def functions(self, exprs, c):
        """Balls enclosing sympy functions of ``z`` over the ball ``c``."""
        return [_split_eval(compiled(("expr", e), lambda e=e: e, (Z,)), c) for e in exprs]

    def piece(self, c, rule, name):
        """Index of the linear piece holding every point of the ball ``c``."""
        i = 0
        for k, b in enumerate(rule.breakpoints):
            bb = self.number(b)
            if c < bb:
                return i
            if not c > bb:
                # c touches the breakpoint: harmless only where the slope does not change
                if rule.slopes[k] != rule.slopes[k + 1]:
                    raise NonAnalyticActivationError(
                        f"{name} is not differentiable at its kink {b}, and the pre-activation "
                        f"{c} may reach it")
            i += 1
        return i

    def take(self, values, idx):
        """The exact number ``values[idx]`` as a ball."""
        return self.number(values[idx])

    def by_region(self, c, t, inner, outer):  # pragma: no cover - exact contexts never ask
        """Balls are rigorous everywhere: always ``inner(c)``."""
        return inner(c)


ARB = ArbContext()

_CACHE = {}


def _remember(key, value):
    if len(_CACHE) > 200000:
        _CACHE.clear()
    _CACHE[key] = value
    return value


def _eval_rule(rule, vals):
    """A differential-system polynomial evaluated on balls (z, u0, u1, ...)."""
    acc = arb(0)
    for exps, c in rule.terms:
        t = const_ball(c)
        for v, e in zip(vals, exps):
            if e:
                t = t * ipow(v, e)
        acc = acc + t
    return acc


# ---------------------------------------------------------------------------
# Taylor coefficients over a ball, and over an interval by cells
# ---------------------------------------------------------------------------

def taylor_ball(act, c, n):
    """Balls enclosing ``sigma^(k)(xi)/k!`` for every ``xi`` in the ball ``c``, k = 0..n.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.enclosures import taylor_ball
    >>> float(taylor_ball(get_activation("exp"), arb(0), 2)[2].mid())
    0.5
    """
    try:
        out = act.rule.taylor(ARB, c, n)
    except NonAnalyticActivationError as exc:
        raise Uncertifiable(str(exc)) from None
    if not all(v.is_finite() for v in out):
        raise Uncertifiable(f"the derivatives of {act.name!r} are not finite on {c}")
    return list(out)


def _cell(act, n, e, j):
    """Enclosures of t_0..t_n over the dyadic cell [j 2^e, (j+1) 2^e] (cached)."""
    key = ("cell", act, n, e, j, flint.ctx.prec)
    hit = _CACHE.get(key)
    if hit is None:
        check_time()
        lo, hi = dyadic(j, e), dyadic(j + 1, e)
        mid = dyadic(2 * j + 1, e - 1)
        half = union(dyadic(-1, e - 1), dyadic(1, e - 1))
        direct = taylor_ball(act, union(lo, hi), n + 1)
        at_mid = taylor_ball(act, mid, n)
        hit = []
        for k in range(n + 1):
            # mean-value form: t_k' = (k+1) t_(k+1)
            mv = at_mid[k] + (k + 1) * direct[k + 1] * half
            d = direct[k]
            hit.append(arb.intersection(d, mv) if d.overlaps(mv) else mv)
        _remember(key, hit)
    return hit


#: at most this many cells per interval (wider ranges are not certified by cells)
MAX_CELLS = 4096


def _floor_div_pow2(x, e):
    """floor(x / 2**e) for an exact finite ball x, in exact integer arithmetic."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    s = exp - e
    return man << s if s >= 0 else man >> -s  # >> floors negative numbers too


def grid(lo, hi, cells=32):
    """``(e, jlo, jhi)``: dyadic cells ``[j 2^e, (j+1) 2^e]``, ``jlo <= j <= jhi``, covering [lo, hi].

    ``lo`` and ``hi`` are exact balls.  Integer arithmetic throughout (no
    float loop), so huge ranges cost nothing; a range needing more than
    :data:`MAX_CELLS` cells raises :class:`Uncertifiable`.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.enclosures import grid
    >>> grid(arb(0), arb(1))
    (-5, 0, 32)
    """
    if not (lo.is_finite() and hi.is_finite()):
        raise Uncertifiable(f"the range [{lo}, {hi}] is not finite")
    w = float((hi - lo).upper())
    if not math.isfinite(w) or w > 2.0 ** 900:
        raise Uncertifiable(f"the range [{lo}, {hi}] is too wide")
    if w <= 0:
        w = max(abs(float(lo.mid())), 1.0) * 2.0 ** -30
    e = math.ceil(math.log2(w / cells) - 1e-6)  # (not doubled by a rounding excess)
    e = max(min(e, 12), -40)
    jlo = _floor_div_pow2(lo.lower(), e)
    jhi = _floor_div_pow2(hi.upper(), e)
    if jhi - jlo > MAX_CELLS:
        raise Uncertifiable(f"the range [{lo}, {hi}] is too wide")
    return e, jlo, jhi


def range_coeffs(act, n, X):
    """Balls enclosing t_0..t_n over every point of the interval X (by cells).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import union
    >>> from symnet.bounds.enclosures import range_coeffs
    >>> t0 = range_coeffs(get_activation("tanh"), 0, union(arb(-1), arb(1)))[0]
    >>> t0.contains(arb(1).tanh()), t0.upper() < 0.8
    (True, True)
    """
    if not X.is_finite():
        raise Uncertifiable(f"the range {X} is not finite")
    e, jlo, jhi = grid(X.lower(), X.upper())
    out = None
    for j in range(jlo, jhi + 1):
        t = _cell(act, n, e, j)
        out = list(t) if out is None else [union(a, b) for a, b in zip(out, t)]
    return out


def shift(g, c):
    """Coefficients of ``sum g_n (c + w)**n`` in powers of ``w`` (balls).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.enclosures import shift
    >>> [float(v.mid()) for v in shift([arb(0), arb(0), arb(1)], arb(1))]
    [1.0, 2.0, 1.0]
    """
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


def maclaurin_balls(act, q):
    """The Maclaurin coefficients ``g_0..g_q`` of ``act`` as balls (cached).

    Examples
    --------
    >>> from symnet import get_activation
    >>> from symnet.bounds.enclosures import maclaurin_balls
    >>> float(maclaurin_balls(get_activation("sigmoid"), 1)[1].mid())
    0.25
    """
    key = ("maclaurin", act, q, flint.ctx.prec)
    hit = _CACHE.get(key)
    if hit is None:
        coeffs = act.maclaurin(q)
        hit = _remember(key, [_ball_or_uncertifiable(c, f"Maclaurin coefficient of {act.name}")
                              for c in coeffs])
    return hit


def _horner(g, x):
    acc = arb(0)
    for c in reversed(g):
        acc = acc * x + c
    return acc


def series_remainder(act, q, R, extra=2):
    """Enclosure of ``sigma(z) - T_q(z)`` over z in R (``T_q`` the Maclaurin polynomial).

    The Lagrange remainder ``t_m(xi) z**m`` (``xi`` between 0 and z) for
    several ``m > q``, intersected, and a direct evaluation, on each cell
    of a grid of R.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import union
    >>> from symnet.bounds.enclosures import series_remainder
    >>> r = series_remainder(get_activation("tanh"), 3, union(arb(-0.25), arb(0.25)))
    >>> float(r.upper()) < 2 / 15 / 4**5 * 1.01
    True
    """
    from flint import fmpz
    m_hi = q + 1 + extra
    g = maclaurin_balls(act, m_hi)
    lo, hi = R.lower(), R.upper()
    zero = arb(0)
    hlo = lo if lo < 0 else zero
    hhi = hi if hi > 0 else zero
    if not (hlo < hhi):
        return zero  # R = {0}: sigma(0) = T_q(0)
    e, jlo, jhi = grid(hlo, hhi)
    T = {j: _cell(act, m_hi, e, j) for j in range(jlo, jhi + 1)}
    # cumulative enclosures of t_m over hull(0, cell j)
    cum = {}
    run = None
    for j in range(0, jhi + 1):
        run = list(T[j]) if run is None else [union(a, b) for a, b in zip(run, T[j])]
        cum[j] = run
    run = None
    for j in range(-1, jlo - 1, -1):
        run = list(T[j]) if run is None else [union(a, b) for a, b in zip(run, T[j])]
        cum[j] = run
    gq = g[:q + 1]
    out = None
    for j in range(jlo, jhi + 1):
        check_time()
        clo = arb((fmpz(j), e))
        chi = arb((fmpz(j + 1), e))
        plo = lo if lo > clo else clo
        phi = hi if hi < chi else chi
        if phi < plo:
            continue
        piece = union(plo, phi)
        val = None
        for m in range(q + 1, m_hi + 1):
            v = arb(0)
            for k in range(q + 1, m):
                v = v + g[k] * ipow(piece, k)
            v = v + cum[j][m] * ipow(piece, m)
            val = v if val is None else arb.intersection(val, v) if val.overlaps(v) else v
        try:
            direct = sigma_value(act, piece) - _horner(gq, piece)
        except Uncertifiable:
            direct = arb.nan()
        if direct.is_finite() and direct.overlaps(val):
            val = arb.intersection(val, direct)
        out = val if out is None else union(out, val)
    if out is None:
        out = arb(0)
    return out


# ---------------------------------------------------------------------------
# piecewise-linear activations: the exact pieces
# ---------------------------------------------------------------------------

def pwl_value(rule, x):
    """Enclosure of a piecewise-linear rule over the ball ``x`` (pieces it may touch).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.enclosures import pwl_value
    >>> pwl_value(get_activation("relu").rule, arb(-2)).is_zero()
    True
    """
    out = None
    bps = [ARB.number(b) for b in rule.breakpoints]
    for i in range(len(rule.slopes)):
        if i > 0 and x < bps[i - 1]:
            continue
        if i < len(bps) and x > bps[i]:
            continue
        v = ARB.number(rule.slopes[i]) * x + ARB.number(rule.intercepts[i])
        out = v if out is None else union(out, v)
    return out


def pwl_range(rule, R, hull=None, ends=None):
    """Enclosure of a piecewise-linear rule over the interval R: ends and breakpoints.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import Hull, union
    >>> from symnet.bounds.enclosures import pwl_range
    >>> h = Hull()
    >>> ends = (arb(-3), arb(0.5))
    >>> r = pwl_range(get_activation("hardtanh").rule, union(*ends), h, ends)
    >>> float(h.lo), float(h.hi)
    (-1.0, 0.5)
    """
    hull = Hull() if hull is None else hull
    lo, hi = (R.lower(), R.upper()) if ends is None else ends
    pts = [lo, hi] + [b for b in (ARB.number(b) for b in rule.breakpoints) if b.overlaps(R)]
    for p in pts:
        hull.add(pwl_value(rule, p))
    return hull.ball()


def piecewise_model(act, cstar, R):
    """The linear piece at ``cstar`` and the range of ``sigma - piece`` over R.

    ``sigma - piece`` is linear between kinks, so its range is the hull of
    its values at the ends of R and at the kinks inside.  When ``cstar`` is
    on a kink the model is the constant 0 plus the range of sigma.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import union
    >>> from symnet.bounds.enclosures import piecewise_model
    >>> D, E = piecewise_model(get_activation("relu"), arb(1), union(arb(-1), arb(3)))
    >>> [float(d.mid()) for d in D], E.contains(1), E.contains(0)   # relu(z) - z on [-1, 3]
    ([1.0, 1.0], True, True)
    """
    if act.kind != "piecewise_linear":
        raise Uncertifiable(f"activation {act.name!r} is not analytic and not piecewise "
                            "linear")
    rule = act.rule
    try:
        i = ARB.piece(cstar, rule, act.name)
        slope, icpt = ARB.number(rule.slopes[i]), ARB.number(rule.intercepts[i])
    except NonAnalyticActivationError:
        slope, icpt = arb(0), arb(0)
    lo, hi = R.lower(), R.upper()
    pts = [lo, hi] + [k for k in (ARB.number(k) for k in rule.kinks) if k.overlaps(R)]
    vals = [pwl_value(rule, p) - slope * p - icpt for p in pts]
    return [slope * cstar + icpt, slope], union(*vals)


# ---------------------------------------------------------------------------
# one neuron: model polynomial + remainder interval
# ---------------------------------------------------------------------------

def neuron_series(act, q, cstar, Wr, R, Q, extra):
    """Series mode: the Maclaurin polynomial of degree q re-expanded at cstar, + remainder.

    Returns ``(D, E)``: ``D[k]`` the coefficient of ``w**k`` (``w = z -
    cstar``, enclosed by ``Wr``; ``z`` enclosed by ``R``), ``k <= Q``, and a
    ball ``E`` enclosing the rest of ``sigma(z)``.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import union
    >>> from symnet.bounds.enclosures import neuron_series
    >>> R = union(arb(-0.25), arb(0.25))
    >>> D, E = neuron_series(get_activation("tanh"), 3, arb(0), R, R, 3, 2)
    >>> [float(d.mid()) for d in D], float(E.abs_upper()) < 2 / 15 / 4**5 * 1.01
    ([0.0, 1.0, 0.0, -0.3333333333333333], True)
    """
    if act.is_identity:
        return [cstar, arb(1)], arb(0)
    if not act.analytic:
        return piecewise_model(act, cstar, R)
    deg = act.polynomial_degree
    qq = q if deg is None else min(q, deg)
    g = maclaurin_balls(act, qq)
    D = shift(g, cstar)
    Kp = min(qq, Q)
    rest = arb(0)
    for k in range(Kp + 1, qq + 1):
        rest = rest + D[k] * ipow(Wr, k)
    if deg is not None:
        if q < deg:
            gd = maclaurin_balls(act, deg)
            for k in range(q + 1, deg + 1):
                rest = rest + gd[k] * ipow(R, k)
    else:
        rest = rest + series_remainder(act, q, R, extra)
    return D[:Kp + 1], rest


def neuron_taylor(act, cstar, Wr, R, Q, extra):
    """Taylor mode: the Taylor polynomial at cstar of degree Q, + remainder over R.

    Like :func:`neuron_series`; the remainder is ``t_(K+1)(xi) w**(K+1)``
    plus the terms ``Q < k <= K`` (``K = Q + extra``), ``xi`` in ``R``.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import union
    >>> from symnet.bounds.enclosures import neuron_taylor
    >>> W = union(arb(-0.125), arb(0.125))
    >>> D, E = neuron_taylor(get_activation("exp"), arb(1), W, 1 + W, 2, 2)
    >>> [round(float(d.mid()), 6) for d in D], float(E.abs_upper()) < 0.125**3
    ([2.718282, 2.718282, 1.359141], True)
    """
    if act.is_identity:
        return [cstar, arb(1)], arb(0)
    if not act.analytic:
        return piecewise_model(act, cstar, R)
    deg = act.polynomial_degree
    if deg is not None:
        D = shift(maclaurin_balls(act, deg), cstar)
        rest = arb(0)
        for k in range(Q + 1, deg + 1):
            rest = rest + D[k] * ipow(Wr, k)
        return D[:Q + 1], rest
    K = Q + extra
    t = taylor_ball(act, cstar, K)
    Rh = union(R, cstar)
    T = range_coeffs(act, K + 1, Rh)
    rest = None
    for Kp in range(Q, K + 1):
        v = arb(0)
        for k in range(Q + 1, Kp + 1):
            v = v + t[k] * ipow(Wr, k)
        v = v + T[Kp + 1] * ipow(Wr, Kp + 1)
        rest = v if rest is None else (arb.intersection(rest, v) if rest.overlaps(v) else v)
    return t[:Q + 1], rest


def _point_value(act, x, key=None):
    """sigma at an exact point (cached by ``key``)."""
    if key is None:
        return taylor_ball(act, x, 0)[0]
    key = ("point", act, key, flint.ctx.prec)
    hit = _CACHE.get(key)
    if hit is None:
        hit = _remember(key, taylor_ball(act, x, 0)[0])
    return hit


def _value_range(act, R, hull=None, ends=None):
    """Enclosure of sigma over R by cells: on a cell where sigma is monotone (its
    derivative enclosure excludes 0) the hull of the values at the ends, else
    the cell's mean-value enclosure."""
    hull = Hull() if hull is None else hull
    lo, hi = (R.lower(), R.upper()) if ends is None else ends
    e, jlo, jhi = grid(lo, hi)
    for j in range(jlo, jhi + 1):
        t = _cell(act, 1, e, j)
        clo, chi = dyadic(j, e), dyadic(j + 1, e)
        a = lo if lo > clo else clo
        b = hi if hi < chi else chi
        if b < a:
            continue
        if t[1] > 0 or t[1] < 0:  # monotone on the cell: the values at the ends
            v = union(_point_value(act, a, None if a is lo else (e, j)),
                      _point_value(act, b, None if b is hi else (e, j + 1)))
            if v.overlaps(t[0]):
                v = arb.intersection(v, t[0])
        else:
            v = t[0]
        hull.add(v)
    if hull.lo is None:
        raise Uncertifiable(f"the range {R} is empty")
    return hull.ball()


def sigma_range(act, R, hull=None, ends=None):
    """A ball enclosing ``sigma(R)`` (cells with the mean-value form, or exact pieces).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import union
    >>> from symnet.bounds.enclosures import sigma_range
    >>> sigma_range(get_activation("relu"), union(arb(-1), arb(2))).contains(0)
    True
    """
    if act.is_identity:
        if hull is not None:
            for x in (R,) if ends is None else ends:
                hull.add(x)
        return R
    if act.kind == "piecewise_linear":
        return pwl_range(act.rule, R, hull, ends)
    if act.analytic:
        try:
            return _value_range(act, R, Hull() if hull is None else hull, ends)
        except Uncertifiable:
            pass
    # too wide for cells: the value on pieces of bounded relative width
    out = None
    for piece in _wide_pieces(*((R.lower(), R.upper()) if ends is None else ends)):
        check_time()
        v = taylor_ball(act, piece, 0)[0]
        out = v if out is None else union(out, v)
    if out is None or not out.is_finite():
        raise Uncertifiable(f"{act.name!r} is not finite on {R}")
    if hull is not None:
        hull.lo, hull.hi, hull.finite = None, None, True
        hull.add(out)
    return out


#: at most this many pieces for a range too wide for the grid
MAX_WIDE_PIECES = 4096


def _wide_pieces(lo, hi):
    """Balls covering [lo, hi] (exact ends): eight pieces of [-1, 1], then dyadic
    shells ``+-[2^k, 2^(k+1)]``, so that no piece straddles many orders of
    magnitude (arb's functions give NaN on a ball such as [-1e30, 1e30]).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet.bounds.enclosures import _wide_pieces
    >>> len(_wide_pieces(arb(-1), arb(2**40)))
    48
    """
    cuts = [lo, hi]
    top = max(abs(lo), abs(hi))
    if top > 1:
        kmax = _floor_div_pow2(top.upper(), 0).bit_length() + 1
        if 2 * kmax > MAX_WIDE_PIECES:
            raise Uncertifiable(f"the range [{lo}, {hi}] is too wide")
        for k in range(1, kmax + 1):
            for c in (dyadic(1, k), dyadic(-1, k)):
                if lo < c < hi:
                    cuts.append(c)
    for j in range(-4, 5):
        c = dyadic(j, -2)
        if lo < c < hi:
            cuts.append(c)
    cuts.sort(key=lambda c: float(c) if abs(float(c)) < 1e300 else (1e308 if c > 0 else -1e308))
    return [union(a, b) for a, b in zip(cuts, cuts[1:])] or [union(lo, hi)]


def sigma_value(act, x):
    """A direct enclosure of ``sigma`` over a (narrow) ball ``x``.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.enclosures import sigma_value
    >>> sigma_value(get_activation("relu"), arb(0)).is_zero()
    True
    """
    if act.kind == "piecewise_linear":
        return pwl_value(act.rule, x)
    return taylor_ball(act, x, 0)[0]


def neuron_range_only(act, R):
    """Order-0 fallback: the constant model ``0 + sigma(R)``.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import get_activation
    >>> from symnet.bounds.balls import union
    >>> from symnet.bounds.enclosures import neuron_range_only
    >>> D, E = neuron_range_only(get_activation("sigmoid"), union(arb(-40), arb(40)))
    >>> D[0].is_zero(), E.contains(0.5), float(E.upper()) < 1.01
    (True, True, True)
    """
    return [arb(0)], sigma_range(act, R)


# ---------------------------------------------------------------------------
# public
# ---------------------------------------------------------------------------

def activation_enclosure(activation, lo, hi, *, prec=96):
    """Certified bounds of an activation over an interval.

    Parameters
    ----------
    activation : str or Activation
        A registered activation (``"tanh"``, ``"relu"``, ``"softplus[2]"``)
        or an :class:`~symnet.activations.Activation`.
    lo, hi : number
        The interval ``[lo, hi]`` (ints, Fractions, floats taken exactly,
        exact sympy numbers such as ``pi/4``; strings are refused);
        ``lo <= hi``.
    prec : int
        Working precision in bits.

    Returns
    -------
    (Rational, Rational)
        ``(a, b)`` with ``a <= sigma(x) <= b`` for every ``x`` in
        ``[lo, hi]``, exact sympy Rationals (dyadic, rounded outward).

    Raises
    ------
    BoxError
        When ``lo > hi`` or an end is not a finite real number.
    UncertifiedBoundError
        When the activation cannot be enclosed (an unknown function).

    Examples
    --------
    >>> from symnet.bounds import activation_enclosure
    >>> a, b = activation_enclosure("tanh", -1, 1)
    >>> a <= -0.7615 and 0.7615 <= b < 0.77
    True
    >>> activation_enclosure("relu", -2, 3)
    (0, 3)
    """
    from ..activations import Activation, get_activation

    act = activation if isinstance(activation, Activation) else get_activation(activation)
    prec = as_prec(prec)
    box = parse_box([(lo, hi)], 1)   # the same validation as error_bound's boxes
    (elo, ehi), = box.exact
    with precision(prec):
        (a, b), = box.balls()
        hull = Hull()
        try:
            sigma_range(act, union(a, b), hull, (a.lower(), b.upper()))
            if not hull.finite or hull.lo is None:
                raise Uncertifiable("an enclosure is not finite")
            return rational_bounds(hull.lo)[0], rational_bounds(hull.hi)[1]
        except Uncertifiable as exc:
            raise UncertifiedBoundError(f"no certified enclosure of {act.name} on "
                                        f"[{elo}, {ehi}]: {exc}") from None


