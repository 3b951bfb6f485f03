"""The four kinds of surrogate: Taylor, Chebyshev interpolation, L2 projection, minimax.

Every method works on ``[lo, hi]`` mapped to ``t`` in ``[-1, 1]`` by
``x = mid + half t`` and returns exact rational coefficients in ascending
powers of the *original* variable ``x`` (the change of variable is done
exactly, with python-flint rational polynomials):

* :func:`taylor_fit` -- the exact Taylor polynomial at a centre;
* :func:`chebyshev_fit` -- interpolation at the ``n + 1`` Chebyshev points
  (mpmath), near-best;
* :func:`l2_fit` -- orthogonal projection for the Legendre weight (exact
  rational integrals for piecewise-linear activations, Gauss-Legendre
  quadrature in mpmath otherwise), the Chebyshev weight or a weight function;
* :func:`minimax_fit` -- Remez exchange in mpmath at a working precision above
  the target, the reference found from the local extrema of the error on a
  fine grid refined by Brent's method.

Floating results are rounded to the rationals with the smallest denominators
within ``rel * eps`` of them (:func:`round_coefficients`), ``eps`` the size of
the error; the error is then certified for the rounded polynomial
(:mod:`symnet.approximation.certify`).

Examples
--------
>>> from symnet.approximation.methods import l2_fit
>>> l2_fit("relu", -1, 1, 2).coefficients          # exact: the Legendre projection
(Fraction(3, 32), Fraction(1, 2), Fraction(15, 32))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from ..activations import get_activation
from ..errors import ArgumentError, NonAnalyticActivationError
from ._arb import (Evaluator, arb_of_mpf, ball, exact_fraction, fmpq_of, fraction_of, mpf_of_arb,
                   precision)

__all__ = ["Fit", "taylor_fit", "chebyshev_fit", "l2_fit", "minimax_fit", "round_coefficients",
           "simplest_between", "to_monomials", "RemezFailure"]


class RemezFailure(ArithmeticError):
    """The Remez exchange did not converge (the reason is the message)."""


@dataclass
class Fit:
    """What a method returns: exact coefficients in x plus what it learned on the way.

    Attributes
    ----------
    coefficients : tuple of Fraction
        Ascending powers of x.
    exact : bool
        True when no rounding happened (the method's polynomial itself).
    info : dict
        Method details: ``levelled_error``, ``iterations``, ``converged``,
        ``reference`` (minimax), ``estimate`` (sampled error), ...

    Examples
    --------
    >>> from symnet.approximation.methods import Fit, l2_fit
    >>> fit = l2_fit("relu", -1, 1, 2)
    >>> isinstance(fit, Fit), fit.exact, fit.info
    (True, True, {'weight': 'legendre'})
    >>> fit.coefficients
    (Fraction(3, 32), Fraction(1, 2), Fraction(15, 32))
    """

    coefficients: tuple
    exact: bool
    info: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------
# exact rationals with small denominators
# ---------------------------------------------------------------------------

def simplest_between(lo, hi):
    """The rational with the smallest denominator in ``[lo, hi]`` (continued fractions).

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from symnet.approximation.methods import simplest_between
    >>> simplest_between(F(333, 1000), F(334, 1000)), simplest_between(F(-1, 7), F(1, 9))
    (Fraction(1, 3), Fraction(0, 1))
    """
    lo, hi = Fraction(lo), Fraction(hi)
    if lo > hi:
        lo, hi = hi, lo
    if lo <= 0 <= hi:
        return Fraction(0)
    sign = 1
    if hi < 0:
        lo, hi, sign = -hi, -lo, -1
    p0, q0, p1, q1 = 0, 1, 1, 0
    x, y = lo, hi
    while True:
        a = math.floor(x)
        if x == a or a + 1 <= y:
            a = math.ceil(x)
            return sign * Fraction(a * p1 + p0, a * q1 + q0)
        p0, q0, p1, q1 = p1, q1, a * p1 + p0, a * q1 + q0
        x, y = 1 / (y - a), 1 / (x - a)


def round_coefficients(coeffs, lo, hi, budget):
    """Round each coefficient to the simplest rational keeping ``sum |delta_k| |x|^k <= budget``.

    Parameters
    ----------
    coeffs : sequence of Fraction, ascending powers of x
    lo, hi : the interval (for ``max |x|``)
    budget : Fraction
        The largest change of ``p(x)`` allowed anywhere on ``[lo, hi]``.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from symnet.approximation.methods import round_coefficients
    >>> round_coefficients([F(1, 4) + F(1, 10**12), F(1, 2)], -1, 1, F(1, 10**9))
    (Fraction(1, 4), Fraction(1, 2))
    """
    budget = Fraction(budget)
    if budget <= 0:
        return tuple(Fraction(c) for c in coeffs)
    M = max(abs(Fraction(lo)), abs(Fraction(hi)))
    n = len(coeffs)
    out = []
    for k, c in enumerate(coeffs):
        c = Fraction(c)
        tol = budget / n / (M ** k if M else 1)
        out.append(simplest_between(c - tol, c + tol))
    return tuple(out)


# ---------------------------------------------------------------------------
# bases and the change of variable
# ---------------------------------------------------------------------------

def to_monomials(coeffs, basis, lo, hi):
    """Exact coefficients in powers of x of ``sum_k c_k B_k(t)``, ``t = (x - mid)/half``.

    ``basis`` is ``"chebyshev"`` (T_k), ``"legendre"`` (P_k) or ``"monomial"`` (t**k).

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from symnet.approximation.methods import to_monomials
    >>> to_monomials([0, 0, 1], "chebyshev", 0, 2)     # T_2(x - 1) = 2(x - 1)**2 - 1
    (Fraction(1, 1), Fraction(-4, 1), Fraction(2, 1))
    """
    from flint import fmpq_poly
    lo, hi = Fraction(lo), Fraction(hi)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    t = fmpq_poly([fmpq_of(-mid / half), fmpq_of(1 / half)])
    acc = fmpq_poly([0])
    if basis == "chebyshev":
        Tm, Tk = fmpq_poly([1]), t
        for k, c in enumerate(coeffs):
            B = Tm if k == 0 else Tk
            if c:
                acc += fmpq_of(Fraction(c)) * B
            if k >= 1:
                Tm, Tk = Tk, 2 * t * Tk - Tm
    elif basis == "legendre":
        for k, c in enumerate(coeffs):
            if c:
                acc += fmpq_of(Fraction(c)) * fmpq_poly.legendre_p(k)(t)
    else:
        pw = fmpq_poly([1])
        for c in coeffs:
            if c:
                acc += fmpq_of(Fraction(c)) * pw
            pw *= t
    cs = [fraction_of(c) for c in acc.coeffs()]
    n = len(coeffs)
    cs += [Fraction(0)] * (n - len(cs))
    return tuple(cs[:max(n, 1)])


def _mpf_fraction(v):
    """An mpf as an exact Fraction."""
    import mpmath
    sign, man, exp, _ = mpmath.mpf(v)._mpf_
    if not man and exp:
        raise ArgumentError(f"not a finite number: {v}")
    man = -man if sign else man
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


class _Target:
    """An activation on an interval, mapped to t in [-1, 1]; values are balls.

    The numeric work of the methods runs in python-flint balls at the working
    precision (much faster than mpmath numbers); mpmath solves the linear
    systems and supplies quadrature nodes.
    """

    def __init__(self, activation, lo, hi):
        self.act = get_activation(activation)
        self.ev = Evaluator(self.act)
        self.lo, self.hi = Fraction(lo), Fraction(hi)
        self.mid = (self.lo + self.hi) / 2
        self.half = (self.hi - self.lo) / 2
        self.kinks = []
        if self.act.kind == "piecewise_linear":
            self.kinks = [Fraction(int(sympy.Rational(k).p), int(sympy.Rational(k).q))
                          for k in self.act.rule.breakpoints]
            self.kinks = [k for k in self.kinks if self.lo < k < self.hi]

    def kinks_t(self):
        """The kinks inside the interval, as exact balls in t."""
        from flint import arb
        return [arb(fmpq_of((k - self.mid) / self.half)) for k in self.kinks]

    def f(self, t):
        """f(mid + half t) at the midpoint of the ball t (the methods need values, not
        enclosures: evaluating at an exact point keeps the balls tight and fast)."""
        from flint import arb
        x = (arb(fmpq_of(self.mid)) + arb(fmpq_of(self.half)) * t.mid()).mid()
        if self.ev.kind == "piecewise_linear":
            return self.ev._pwl_point(x)
        return self.ev.value(x)


def _arb_of(v):
    from flint import arb
    return v if isinstance(v, arb) else arb_of_mpf(v) if hasattr(v, "_mpf_") else ball(v)


def _clenshaw(c, t):
    """sum_k c_k T_k(t) (balls or mpmath numbers)."""
    b1 = b2 = 0
    for ck in reversed(c[1:]):
        b1, b2 = 2 * t * b1 - b2 + ck, b1
    return t * b1 - b2 + c[0]


def _cheb_points(N, kind=1):
    """Chebyshev points as balls: kind 1 (roots of T_N), kind 2 (extrema, ascending)."""
    from flint import arb, fmpq
    if kind == 1:
        return [arb(fmpq(2 * j + 1, 2 * N)).cos_pi() for j in range(N)]
    return [-arb(fmpq(i, N - 1)).cos_pi() for i in range(N)]


def _sampled_error(tg, cheb, m=None):
    """max |f - p| over a Chebyshev-Lobatto grid and the kinks (an estimate, a ball)."""
    n = len(cheb)
    m = m or max(4 * n + 8, 32)
    return max((abs(tg.f(t) - _clenshaw(cheb, t)) for t in _cheb_points(m, 2) + tg.kinks_t()),
               key=lambda v: float(v.mid()))


def _finish(tg, basis, coeffs, estimate, rel, extra=None):
    """Exact monomials in x of a floating result (balls), rounded within rel * estimate."""
    exact = [fraction_of(_arb_of(c).mid()) for c in coeffs]
    mono = to_monomials(exact, basis, tg.lo, tg.hi)
    import flint
    est = abs(fraction_of(_arb_of(estimate).mid())) if estimate else Fraction(0)
    # never finer than the working precision: an exact answer comes out exact
    budget = max(est * Fraction(rel), Fraction(1, 2 ** max(flint.ctx.prec - 40, 24)))
    info = {"estimate": float(est)}
    info.update(extra or {})
    return Fit(round_coefficients(mono, tg.lo, tg.hi, budget), False, info)


def _prec_for(estimate, floor=128):
    """Working bits: the floor, or more when the error is tiny."""
    v = float(_arb_of(estimate).mid()) if estimate is not None else 0.0
    if not v:
        return floor
    return max(floor, 80 - math.floor(math.log2(abs(v))))


# ---------------------------------------------------------------------------
# Taylor
# ---------------------------------------------------------------------------

def taylor_fit(activation, lo, hi, n, center=None, rel=Fraction(1, 10**8)):
    """The Taylor polynomial of degree ``n`` at ``center`` (default the midpoint), exact.

    Rational Taylor coefficients stay exact; irrational ones (``tanh(1)``...)
    are rounded within ``rel`` times the error size.

    Examples
    --------
    >>> from symnet.approximation.methods import taylor_fit
    >>> taylor_fit("tanh", -1, 1, 3).coefficients
    (Fraction(0, 1), Fraction(1, 1), Fraction(0, 1), Fraction(-1, 3))
    """
    tg = _Target(activation, lo, hi)
    c = tg.mid if center is None else center
    c_exact = sympy.Rational(c.numerator, c.denominator) if isinstance(c, Fraction) else \
        sympy.nsimplify(c) if not isinstance(c, sympy.Basic) else c
    if not c_exact.is_Rational:
        raise ArgumentError(f"the Taylor centre must be an exact rational, got {center!r}")
    cq = Fraction(int(c_exact.p), int(c_exact.q))
    try:
        ts = tg.act.taylor(c_exact, n)
    except NonAnalyticActivationError as e:
        raise NonAnalyticActivationError(
            f"{e}; a Taylor surrogate needs a centre off the kinks (pass center=...), or use "
            "method='minimax', 'l2' or 'chebyshev'") from None
    exact = all(sympy.sympify(t).is_Rational for t in ts)
    if exact:
        shifted = [Fraction(int(t.p), int(t.q)) for t in (sympy.Rational(v) for v in ts)]
    else:
        from ._arb import ball, precision
        with precision(256):
            shifted = [fraction_of(ball(sympy.sympify(t)).mid()) for t in ts]
    # powers of (x - c) -> powers of x
    from flint import fmpq_poly
    xc = fmpq_poly([fmpq_of(-cq), 1])
    acc, pw = fmpq_poly([0]), fmpq_poly([1])
    for t in shifted:
        if t:
            acc += fmpq_of(t) * pw
        pw *= xc
    cs = [fraction_of(v) for v in acc.coeffs()] + [Fraction(0)] * (n + 1)
    cs = tuple(cs[: n + 1])
    info = {"center": c_exact}
    if exact:
        return Fit(cs, True, info)
    import mpmath
    with mpmath.workprec(128):
        cheb_like = None  # the estimate: the error at the ends
        est = 0
        for x in (tg.lo, tg.hi):
            xv = mpmath.mpf(x.numerator) / x.denominator
            pv = sum(mpmath.mpf(a.numerator) / a.denominator * xv**k for k, a in enumerate(cs))
            est = max(est, abs(tg.ev.mp(xv) - pv))
        del cheb_like
    budget = _mpf_fraction(est) * Fraction(rel) if est else Fraction(1, 2**200)
    return Fit(round_coefficients(cs, tg.lo, tg.hi, budget), False, info)


# ---------------------------------------------------------------------------
# Chebyshev interpolation
# ---------------------------------------------------------------------------

def _dct(vals, N, ncoef):
    """Chebyshev coefficients from values at the N Chebyshev points of the first kind."""
    from flint import arb, fmpq
    out = []
    for k in range(ncoef):
        s = arb(0)
        for j, v in enumerate(vals):
            s += v * arb(fmpq(k * (2 * j + 1), 2 * N)).cos_pi()
        out.append(s * (1 if k == 0 else 2) / N)
    return out


def _cheb_interp(tg, n):
    N = n + 1
    return _dct([tg.f(t) for t in _cheb_points(N)], N, N)


def chebyshev_fit(activation, lo, hi, n, prec=None, rel=Fraction(1, 10**8)):
    """Interpolation at the ``n + 1`` Chebyshev points of the first kind.

    Examples
    --------
    >>> from symnet.approximation.methods import chebyshev_fit
    >>> fit = chebyshev_fit("tanh", -1, 1, 5)
    >>> fit.coefficients[0], 0.9 < fit.coefficients[1] < 1
    (Fraction(0, 1), True)
    """
    tg = _Target(activation, lo, hi)
    work = prec or 128
    with precision(work):
        cs = _cheb_interp(tg, n)
        est = _sampled_error(tg, cs)
    if prec is None and _prec_for(est) > work:
        work = _prec_for(est)
        with precision(work):
            cs = _cheb_interp(tg, n)
            est = _sampled_error(tg, cs)
    with precision(work):
        return _finish(tg, "chebyshev", cs, est, rel, {"prec": work})


# ---------------------------------------------------------------------------
# L2 projections
# ---------------------------------------------------------------------------

_NODES = {}


def _gl_nodes(N, prec):
    """Gauss-Legendre nodes and weights on [-1, 1] (N points), as balls (python-flint)."""
    key = (N, prec)
    if key not in _NODES:
        from flint import arb
        if len(_NODES) > 64:
            _NODES.clear()
        with precision(prec + 20):
            _NODES[key] = [arb.legendre_p_root(N, k, weight=True) for k in range(N)]
    return _NODES[key]


def _integrate(fun, pieces, size, prec, tol=None, start=16, stop=2048):
    """Integrals of the vector function ``fun(t)`` (balls, length ``size``) over the pieces.

    Gauss-Legendre on every piece, doubling the nodes until two rules agree to
    ``tol`` (relative; default ``2**(24 - prec)``).
    """
    from flint import arb
    tol = Fraction(1, 2 ** (prec - 24)) if tol is None else Fraction(tol)
    prev = None
    N = start
    while N <= stop:
        nodes = _gl_nodes(N, prec)
        tot = [arb(0)] * size
        for a, b in pieces:
            c, h = (a + b) / 2, (b - a) / 2
            for x, w in nodes:
                vals = fun(c + h * x)
                wh = w * h
                for k in range(size):
                    tot[k] += wh * vals[k]
        if prev is not None:
            scale = max([abs(fraction_of(v.mid())) for v in tot] + [Fraction(1)])
            if max(abs(fraction_of((a - b).mid())) for a, b in zip(tot, prev)) <= tol * scale:
                return tot
        prev = tot
        N *= 2
    return prev


def _legendre_values(t, n):
    P = [1 + 0 * t, t]
    for k in range(1, n):
        P.append(((2 * k + 1) * t * P[k] - k * P[k - 1]) / (k + 1))
    return P[: n + 1]


def _cheb_values(t, n):
    T = [1 + 0 * t, t]
    for k in range(1, n):
        T.append(2 * t * T[k] - T[k - 1])
    return T[: n + 1]


def _pieces_t(tg):
    from flint import arb
    ends = [arb(-1)] + tg.kinks_t() + [arb(1)]
    return list(zip(ends[:-1], ends[1:]))


def _l2_pwl_exact(tg, n):
    """Exact Legendre projection of a piecewise-linear activation (rational integrals)."""
    from flint import fmpq_poly
    coeffs = [Fraction(0)] * (n + 1)
    edges = [tg.lo] + tg.kinks + [tg.hi]
    for a, b in zip(edges[:-1], edges[1:]):
        xm = sympy.Rational((a + b).numerator, 2 * (a + b).denominator)
        s, i = next(si for (pa, pb), si in tg.ev.pieces
                    if (pa is None or pa <= xm) and (pb is None or xm <= pb))
        s, i = exact_fraction(s), exact_fraction(i)
        # f(x(t)) = s (mid + half t) + i = alpha + beta t
        lin = fmpq_poly([fmpq_of(s * tg.mid + i), fmpq_of(s * tg.half)])
        ta, tb = (a - tg.mid) / tg.half, (b - tg.mid) / tg.half
        for k in range(n + 1):
            F = (lin * fmpq_poly.legendre_p(k)).integral()
            val = fraction_of(F(fmpq_of(tb)) - F(fmpq_of(ta)))
            coeffs[k] += val * Fraction(2 * k + 1, 2)
    return coeffs


def _cheb_projection(tg, n, prec):
    """Chebyshev-weight projection: c_k = (2/pi) int_0^pi f(cos th) cos(k th) d th."""
    from flint import arb
    if not tg.kinks:
        # analytic: Gauss-Chebyshev (a DCT) with doubling nodes until it settles
        tol = Fraction(1, 2 ** (prec - 24))
        N, prev = 2 * (n + 1) + 8, None
        while N <= 1 << 14:
            cs = _dct([tg.f(t) for t in _cheb_points(N)], N, n + 1)
            if prev is not None and max(abs(fraction_of((a - b).mid()))
                                        for a, b in zip(cs, prev)) <= tol:
                return cs
            prev, N = cs, 2 * N
        return prev
    ends = [arb(0)] + sorted((k.acos() for k in tg.kinks_t()), key=lambda v: float(v.mid()))
    ends += [arb.pi()]
    pieces = list(zip(ends[:-1], ends[1:]))
    raw = _integrate(lambda th: [tg.f(th.cos()) * T for T in _cheb_values(th.cos(), n)],
                     pieces, n + 1, prec)
    return [raw[k] * (1 if k == 0 else 2) / arb.pi() for k in range(n + 1)]


def l2_fit(activation, lo, hi, n, weight="legendre", prec=None, rel=Fraction(1, 10**8)):
    """The best polynomial of degree ``n`` in the weighted L2 norm on ``[lo, hi]``.

    Parameters
    ----------
    weight : "legendre", "chebyshev" or callable
        ``"legendre"``: w = 1 (exact rationals for piecewise-linear
        activations); ``"chebyshev"``: w = 1/sqrt(1 - t**2) on the mapped
        variable t; a callable ``w(x)`` (a float in, a non-negative float out,
        in the original variable x).

    Examples
    --------
    >>> from symnet.approximation.methods import l2_fit
    >>> l2_fit("relu", -1, 1, 1).coefficients
    (Fraction(1, 4), Fraction(1, 2))
    """
    import mpmath
    tg = _Target(activation, lo, hi)
    if weight == "legendre" and tg.act.kind == "piecewise_linear":
        coeffs = _l2_pwl_exact(tg, n)
        return Fit(to_monomials(coeffs, "legendre", tg.lo, tg.hi), True, {"weight": "legendre"})
    work = prec or 128
    with precision(work):
        pieces = _pieces_t(tg)
        if weight == "legendre":
            raw = _integrate(lambda t: [tg.f(t) * P for P in _legendre_values(t, n)],
                             pieces, n + 1, work)
            cs = [raw[k] * (2 * k + 1) / 2 for k in range(n + 1)]
            basis = "legendre"
        elif weight == "chebyshev":
            cs = _cheb_projection(tg, n, work)
            basis = "chebyshev"
        elif callable(weight):
            cs = _weighted_projection(tg, n, weight, pieces, work)
            basis = "legendre"
        else:
            raise ArgumentError(f"weight must be 'legendre', 'chebyshev' or a callable w(x), "
                                f"got {weight!r}")
        est = _sampled_error(tg, _to_cheb(cs, basis))
        del mpmath
        return _finish(tg, basis, cs, est, rel,
                       {"weight": weight if isinstance(weight, str) else "custom", "prec": work})


def _weighted_projection(tg, n, weight, pieces, prec):
    """Normal equations in the Legendre basis for a weight function w(x)."""
    import mpmath
    from flint import arb
    mid, half = float(tg.mid), float(tg.half)
    m = n + 1

    def fun(t):
        x = mid + half * float(t.mid())
        try:
            w = float(weight(x))
        except (TypeError, ValueError):
            raise ArgumentError(f"weight(x) must return a number, got {weight(x)!r}") from None
        if not (w >= 0 and math.isfinite(w)):
            raise ArgumentError(f"weight(x) must be finite and non-negative, got {w} at x = {x}")
        wb = arb(w)
        P = _legendre_values(t, n)
        fv = tg.f(t) * wb
        return [fv * p for p in P] + [wb * P[j] * P[k] for j in range(m) for k in range(j, m)]
    raw = _integrate(fun, pieces, m + m * (m + 1) // 2, prec, tol=Fraction(1, 2**40))
    with mpmath.workprec(prec):
        G = mpmath.matrix(m, m)
        idx = m
        for j in range(m):
            for k in range(j, m):
                G[j, k] = G[k, j] = mpf_of_arb(raw[idx])
                idx += 1
        try:
            sol = mpmath.lu_solve(G, mpmath.matrix([mpf_of_arb(v) for v in raw[:m]]))
        except ZeroDivisionError:
            raise ArgumentError("the weight's Gram matrix is singular: the weight must be "
                                "positive on a set of more than degree + 1 points") from None
        return [arb_of_mpf(sol[k]) for k in range(m)]


def _to_cheb(cs, basis):
    """Chebyshev coefficients (balls) of a polynomial given in a basis."""
    if basis == "chebyshev":
        return cs
    n = len(cs) - 1
    N = n + 1
    vals = []
    for t in _cheb_points(N):
        P = _legendre_values(t, n)
        acc = 0
        for c, p in zip(cs, P):
            acc = acc + c * p
        vals.append(acc)
    return _dct(vals, N, N)


# ---------------------------------------------------------------------------
# minimax: Remez exchange
# ---------------------------------------------------------------------------

_GOLD = 0.3819660112501051


def _brent_max(g, a, b, x, fx, xtol, maxit=60):
    """Maximise g on [a, b] from the point x (g(x) = fx): Brent's method.

    Positions are mpmath numbers (full precision); values are floats.
    """
    w = v = x
    fw = fv = fx = -fx
    d = e = 0
    for _ in range(maxit):
        m = (a + b) / 2
        tol1 = xtol
        tol2 = 2 * tol1
        if abs(x - m) <= tol2 - (b - a) / 2:
            break
        para = False
        if abs(e) > tol1:
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2 * (q - r)
            if q > 0:
                p = -p
            q = abs(q)
            if abs(p) < abs(q * e / 2) and p > q * (a - x) and p < q * (b - x):
                e, d = d, p / q
                u = x + d
                if u - a < tol2 or b - u < tol2:
                    d = tol1 if x < m else -tol1
                para = True
        if not para:
            e = (b - x) if x < m else (a - x)
            d = _GOLD * e
        u = x + d if abs(d) >= tol1 else x + (tol1 if d > 0 else -tol1)
        fu = -g(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu
    return x, -fx


def _sign(v):
    return 1 if v > 0 else -1 if v < 0 else 0


def _exchange(cands, N):
    """N alternating points of largest error from sorted (t, r) candidates, or None."""
    merged = []
    for t, r in cands:
        s = _sign(r)
        if s == 0:
            continue
        if merged and _sign(merged[-1][1]) == s:
            if abs(r) > abs(merged[-1][1]):
                merged[-1] = (t, r)
        else:
            merged.append((t, r))
    while len(merged) > N:
        big = max(range(len(merged)), key=lambda i: abs(merged[i][1]))
        if (abs(merged[0][1]) <= abs(merged[-1][1]) and big != 0) or big == len(merged) - 1:
            merged.pop(0)
        else:
            merged.pop()
    return merged if len(merged) == N else None


def _remez(tg, n, tol, maxiter):
    """Remez exchange; positions are mpmath numbers, values balls (floats for decisions)."""
    import mpmath
    N = n + 2
    M = max(16 * N, 96)
    grid = [-mpmath.cos(mpmath.pi * i / (M - 1)) for i in range(M)]
    kinks = [mpf_of_arb(k) for k in tg.kinks_t()]
    grid = sorted(set(grid + kinks))
    cache = {}

    def f(t):
        v = cache.get(t)
        if v is None:
            v = cache[t] = tg.f(arb_of_mpf(t))
        return v

    fgrid = [f(t) for t in grid]
    xtol = mpmath.mpf(2) ** -34

    def extrema(c):
        """Sorted (t, error as a float) at the ends, kinks and refined local extrema."""
        cb = [_arb_of(ck) for ck in c]

        def r(t):
            return float((f(t) - _clenshaw(cb, arb_of_mpf(t))).mid())
        rg = [float((fv - _clenshaw(cb, arb_of_mpf(t))).mid()) for t, fv in zip(grid, fgrid)]
        cands = [(grid[0], rg[0]), (grid[-1], rg[-1])]
        for i in range(1, len(grid) - 1):
            s = _sign(rg[i])
            if s and s * rg[i] >= s * rg[i - 1] and s * rg[i] >= s * rg[i + 1]:
                t, v = _brent_max(lambda u, s=s: s * r(u), grid[i - 1], grid[i + 1], grid[i],
                                  s * rg[i], xtol)
                cands.append((t, s * v))
        for k in kinks:
            cands.append((k, r(k)))
        cands.sort(key=lambda tv: tv[0])
        return cands

    # start from the extrema of the Chebyshev interpolant's error (near-best, and not
    # degenerate for odd or even activations, unlike the Chebyshev extrema)
    start = _exchange(extrema(_cheb_interp(tg, n)), N)
    ref = [t for t, _ in start] if start is not None else \
        [-mpmath.cos(mpmath.pi * i / (N - 1)) for i in range(N)]
    history = []
    c = E = new = big = None
    for it in range(1, maxiter + 1):
        A = mpmath.matrix(N, N)
        rhs = mpmath.matrix(N, 1)
        for i, t in enumerate(ref):
            Tm, Tk = mpmath.mpf(1), t
            for k in range(n + 1):
                A[i, k] = Tm if k == 0 else Tk
                if k >= 1:
                    Tm, Tk = Tk, 2 * t * Tk - Tm
            A[i, n + 1] = (-1) ** i
            rhs[i] = mpf_of_arb(f(t))
        try:
            sol = mpmath.lu_solve(A, rhs)
        except ZeroDivisionError:
            raise RemezFailure("the reference became degenerate (two points merged)") from None
        c = [sol[k] for k in range(n + 1)]
        E = sol[n + 1]
        cands = extrema(c)
        new = _exchange(cands, N)
        if new is None:
            raise RemezFailure(f"the error does not alternate at {N} points (iteration {it})")
        big = max(abs(v) for _, v in cands)
        delta = (big - abs(float(E))) / big if big else 0.0
        history.append(delta)
        ref = [t for t, _ in new]
        if delta <= tol:
            return c, E, new, it, True, history, big
    return c, E, new, maxiter, False, history, big


def minimax_fit(activation, lo, hi, n, prec=None, tol=1e-10, maxiter=60,
                rel=Fraction(1, 10**8)):
    """The best uniform (minimax) polynomial of degree ``n``, by Remez exchange.

    Raises :class:`RemezFailure` when the exchange does not converge within
    ``maxiter`` iterations (``approximate`` then falls back to Chebyshev).

    Examples
    --------
    >>> from symnet.approximation.methods import minimax_fit
    >>> fit = minimax_fit("relu", -1, 1, 1)
    >>> fit.coefficients, fit.info["converged"]
    ((Fraction(1, 4), Fraction(1, 2)), True)
    """
    import mpmath
    tg = _Target(activation, lo, hi)
    if tg.act.kind == "piecewise_linear" and not tg.kinks and n >= 1:
        # one linear piece covers the interval: the activation is its own best approximation
        (s, i), = [si for (a, b), si in tg.ev.pieces
                   if (a is None or a <= sympy.Rational(tg.mid.numerator, tg.mid.denominator))
                   and (b is None or sympy.Rational(tg.mid.numerator, tg.mid.denominator) <= b)][:1]
        return Fit((exact_fraction(i), exact_fraction(s)) + (Fraction(0),) * (n - 1), True,
                   {"levelled_error": 0.0, "iterations": 0, "converged": True, "reference": [],
                    "note": f"{tg.act.name} is linear on the interval: exact"})
    work = prec
    if work is None:
        with precision(128):
            work = _prec_for(_sampled_error(tg, _cheb_interp(tg, n)))
    with precision(work + 16), mpmath.workprec(work):
        c, E, ref, its, ok, hist, big = _remez(tg, n, tol, maxiter)
        if not ok:
            raise RemezFailure(f"Remez did not converge in {maxiter} iterations "
                               f"(last relative gap {hist[-1]:.2e})")
        xs = [tg.mid + tg.half * _mpf_fraction(t) for t, _ in ref]
        info = {"levelled_error": float(abs(E)), "max_sampled": big, "iterations": its,
                "converged": ok, "history": hist, "prec": work,
                "reference": [(x, v) for x, (_, v) in zip(xs, ref)]}
        return _finish(tg, "chebyshev", [arb_of_mpf(ck) for ck in c], arb_of_mpf(abs(E)),
                       rel, info)
