"""Certified sup norms: rigorous upper bounds on ``max |f(x) - p(x)|`` over an interval.

Never a sampled estimate.  Two methods, chosen by the activation's rule:

* **exact** (piecewise-linear and rational polynomial activations): on each
  linear piece ``f - p`` is a polynomial with rational coefficients, whose
  maximum modulus is at an end of the piece or at a real root of its
  derivative; the roots are isolated by python-flint (``complex_roots``,
  real roots certified) and the polynomial is evaluated on their tiny balls.
* **cells** (analytic and sympy activations): the interval is cut into cells;
  on a cell of centre ``m`` and radius ``r``, with ``e = f - p``,
  ``e(m + t) = e_0 + e_1 t + e_2 t^2 + ... + e_K t^K + R``, the ``e_k``
  balls at ``m`` (from the activation's differential system in ball
  arithmetic), the quadratic part maximised exactly, the terms ``3..K``
  bounded by ``|e_k| r^k`` and the remainder by the enclosure of
  ``e^(K+1)/(K+1)!`` over the whole cell times ``r^(K+1)``.  A cell whose
  bound exceeds ``(1 + rtol)`` times the best lower bound seen (``|e|`` at a
  cell centre, a value the error really takes) is split.

The result is a :class:`CertifiedError`: a float rounded up, carrying the
exact dyadic bound and a certified *lower* bound of the true sup.

Examples
--------
>>> from fractions import Fraction as F
>>> from symnet.approximation.certify import sup_error
>>> e = sup_error("relu", [F(1, 4), F(1, 2)], -1, 1)      # relu - (1/4 + x/2)
>>> e.rational, e.lower, e.method
(Fraction(1, 4), Fraction(1, 4), 'exact')
>>> import math
>>> t = sup_error("tanh", [0, 1], F(-1, 2), F(1, 2))      # tanh x - x: 1/2 - tanh(1/2)
>>> t.lower <= 0.5 - math.tanh(0.5) <= t <= 1.001 * t.lower
True
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..activations import get_activation
from ..errors import ArgumentError, UncertifiedBoundError
from ._arb import Evaluator, ball, fmpq_of, fraction_of, precision, upper_fraction

__all__ = ["CertifiedError", "sup_error", "poly_sup", "poly_range"]


class CertifiedError(float):
    """A certified upper bound on a sup norm: a float rounded up, with its exact form.

    Attributes
    ----------
    rational : Fraction
        The exact (dyadic) upper bound; ``float(self) >= rational``.
    lower : Fraction
        A certified lower bound: the error really reaches it somewhere.
    argmax : float
        Where the lower bound was found.
    method : str
        ``"exact"`` (piecewise polynomial, exact roots) or ``"cells"``.
    cells : int
        Cells evaluated (``"cells"`` method).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.approximation.certify import CertifiedError
    >>> e = CertifiedError(Fraction(1, 3), lower=Fraction(1, 4))
    >>> float(e) >= 1 / 3, e.as_rational()
    (True, 1/3)
    """

    def __new__(cls, rational, *, lower=Fraction(0), argmax=None, method="exact", cells=0):
        rational = Fraction(rational)
        v = _float_up(rational)
        self = super().__new__(cls, v)
        self.rational = rational
        self.lower = Fraction(lower)
        self.argmax = argmax
        self.method = method
        self.cells = cells
        return self

    def as_rational(self):
        """The exact upper bound as a sympy Rational."""
        import sympy
        return sympy.Rational(self.rational.numerator, self.rational.denominator)

    @property
    def ratio(self):
        """upper / lower: how tight the certificate is (1 is exact; inf if lower is 0)."""
        return math.inf if self.lower == 0 else float(self.rational / self.lower)

    def __repr__(self):
        return (f"CertifiedError({float(self):.6e}, lower={float(self.lower):.6e}, "
                f"method={self.method!r})")

    def __str__(self):
        return f"{float(self):.6e}"

    def __reduce__(self):
        return (_rebuild, (self.rational, self.lower, self.argmax, self.method, self.cells))

    def _latex(self, printer=None):
        m, e = f"{float(self):.3e}".split("e")
        return rf"{m} \cdot 10^{{{int(e)}}}"


def _rebuild(rational, lower, argmax, method, cells):
    return CertifiedError(rational, lower=lower, argmax=argmax, method=method, cells=cells)


def _float_up(q):
    """The smallest float >= the Fraction q."""
    f = float(q)
    if Fraction(f) < q:
        f = math.nextafter(f, math.inf)
    return f


# ---------------------------------------------------------------------------
# exact sup of a rational polynomial on an interval
# ---------------------------------------------------------------------------

def _fmpq_poly(coeffs):
    from flint import fmpq_poly
    return fmpq_poly([fmpq_of(c) for c in coeffs])


def _critical_balls(q, a, b):
    """Balls (inside [a, b]) containing every real root of q' in (a, b)."""
    from flint import arb
    dq = q.derivative()
    if dq.degree() < 1:
        return []
    out = []
    A, B = fmpq_of(a), fmpq_of(b)
    for root, _ in dq.complex_roots():
        if not root.imag.contains(0):
            continue
        r = root.real
        if r.upper() < arb(A) or r.lower() > arb(B):
            continue
        lo = r.lower() if r.lower() > arb(A) else arb(A)
        hi = r.upper() if r.upper() < arb(B) else arb(B)
        out.append(lo.union(hi))
    return out


def _cancel_bits(q, a, b):
    """Bits lost to cancellation when evaluating q on [a, b] in the monomial basis."""
    M = max(abs(a), abs(b), Fraction(1))
    size = sum((abs(fraction_of(c)) * M**k for k, c in enumerate(q.coeffs())), Fraction(0))
    return max(0, math.ceil(math.log2(size))) if size > 1 else 0


def poly_range(coeffs, a, b, prec=128):
    """Certified ``(min, max)`` of a rational polynomial over ``[a, b]`` (exact ends).

    Parameters
    ----------
    coeffs : sequence of exact rationals, ascending
    a, b : exact rationals, ``a <= b``

    Returns
    -------
    (Fraction, Fraction)
        Exact dyadic bounds: ``lo <= p(x) <= hi`` for every x in [a, b].

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.approximation.certify import poly_range
    >>> poly_range([0, 0, 1], -1, Fraction(1, 2))        # x**2 on [-1, 1/2]
    (Fraction(0, 1), Fraction(1, 1))
    """
    from flint import arb, arb_poly
    a, b = Fraction(a), Fraction(b)
    q = _fmpq_poly(coeffs)
    with precision(prec + 2 * _cancel_bits(q, a, b)):
        vals = [arb(q(fmpq_of(a))), arb(q(fmpq_of(b)))]
        P = arb_poly([arb(c) for c in q.coeffs()]) if q.degree() >= 0 else arb_poly([0])
        for c in _critical_balls(q, a, b):
            vals.append(P(c))
        lo = min(fraction_of(v.lower()) for v in vals)
        hi = max(fraction_of(v.upper()) for v in vals)
    return lo, hi


def poly_sup(coeffs, a, b, prec=128):
    """Certified ``(upper, lower, argmax)`` of ``max |p(x)|`` over ``[a, b]``.

    ``lower`` is a value ``|p|`` really takes (at ``argmax``, exact).

    Examples
    --------
    >>> from symnet.approximation.certify import poly_sup
    >>> poly_sup([-1, 0, 2], -1, 1)[:2]                 # 2x**2 - 1: Chebyshev T_2
    (Fraction(1, 1), Fraction(1, 1))
    """
    from flint import arb, arb_poly
    a, b = Fraction(a), Fraction(b)
    q = _fmpq_poly(coeffs)
    cands = [a, b]
    with precision(prec + 2 * _cancel_bits(q, a, b)):
        P = arb_poly([arb(c) for c in q.coeffs()]) if q.degree() >= 0 else arb_poly([0])
        upper = max(abs(fraction_of(q(fmpq_of(a)))), abs(fraction_of(q(fmpq_of(b)))))
        for c in _critical_balls(q, a, b):
            upper = max(upper, fraction_of(abs(P(c)).upper()))
            m = fraction_of(c.mid())
            if a <= m <= b:
                cands.append(m)
    best, arg = Fraction(-1), a
    for x in cands:
        v = abs(fraction_of(q(fmpq_of(x))))
        if v > best:
            best, arg = v, x
    return max(upper, best), best, arg


# ---------------------------------------------------------------------------
# sup |f - p| for an activation
# ---------------------------------------------------------------------------

def _check_interval(lo, hi):
    lo, hi = Fraction(lo), Fraction(hi)
    if not lo < hi:
        raise ArgumentError(f"the interval needs lo < hi, got [{lo}, {hi}]")
    return lo, hi


def sup_error(activation, coefficients, lo, hi, *, rtol=1e-3, prec=None, max_cells=200000,
              order=None, points=()):
    """A certified upper bound on ``max |f(x) - p(x)|`` for x in ``[lo, hi]``.

    Parameters
    ----------
    activation : str or Activation
    coefficients : sequence of exact rationals
        ``p`` in ascending powers of x.
    lo, hi : exact rationals (ints, Fractions, floats taken exactly)
    rtol : float
        Cells are split until the bound is within ``1 + rtol`` of the
        certified lower bound (or ``max_cells`` is reached: the bound is then
        still valid, only looser).
    prec : int, optional
        Bits of the ball arithmetic (default from the size of the error).
    max_cells : int
    order : int, optional
        Degree ``K`` of the local models of the cell method (default from the
        degree of p: 4 up to degree 16, then longer).
    points : sequence of exact rationals, optional
        Where the error is expected to peak (a minimax reference): ``|f - p|``
        is evaluated there too, which sharpens the certified lower bound.

    Returns
    -------
    CertifiedError

    Raises
    ------
    UncertifiedBoundError
        When the activation is not finite on the interval.

    Examples
    --------
    >>> from symnet.approximation.certify import sup_error
    >>> e = sup_error("sigmoid", [0.5, 0.25], -1, 1)
    >>> e.method, e.ratio < 1.001
    ('cells', True)
    """
    act = get_activation(activation)
    lo, hi = _check_interval(Fraction(lo), Fraction(hi))
    coeffs = [Fraction(c) if not hasattr(c, "p") else Fraction(int(c.p), int(c.q))
              for c in coefficients]
    ev = Evaluator(act)
    if act.kind == "piecewise_linear":
        return _pwl_sup(ev, coeffs, lo, hi, prec or 128)
    if act.kind == "polynomial" and all(getattr(c, "is_Rational", False)
                                        for c in act.rule.coefficients):
        own = [Fraction(int(c.p), int(c.q)) for c in act.rule.coefficients]
        n = max(len(own), len(coeffs))
        own += [Fraction(0)] * (n - len(own))
        diff = [a - b for a, b in zip(own, coeffs + [Fraction(0)] * (n - len(coeffs)))]
        up, low, arg = poly_sup(diff, lo, hi, prec or 128)
        return CertifiedError(up, lower=low, argmax=float(arg), method="exact")
    if prec is None:
        prec = _default_prec(ev, coeffs, lo, hi)
    return _cells_sup(ev, coeffs, lo, hi, rtol, prec, max_cells, order, points)


def _pwl_sup(ev, coeffs, lo, hi, prec):
    up = low = Fraction(0)
    arg = lo
    for (a, b), (s, i) in ev.pieces:
        a = lo if a is None else max(lo, Fraction(int(a.p), int(a.q)))
        b = hi if b is None else min(hi, Fraction(int(b.p), int(b.q)))
        if not a < b:
            if a == b:  # a single point: the value there
                pass
            continue
        lin = [Fraction(int(i.p), int(i.q)), Fraction(int(s.p), int(s.q))]
        n = max(len(coeffs), 2)
        diff = [(lin[k] if k < 2 else 0) - (coeffs[k] if k < len(coeffs) else 0)
                for k in range(n)]
        u, l, x = poly_sup(diff, a, b, prec)
        up = max(up, u)
        if l > low:
            low, arg = l, x
    return CertifiedError(up, lower=low, argmax=float(arg), method="exact")


def _default_prec(ev, coeffs, lo, hi):
    """Enough bits for the size of the error (sampled at 128 bits)."""
    from flint import arb
    from flint import arb_poly
    with precision(128):
        P = arb_poly([arb(fmpq_of(c)) for c in coeffs])
        big = Fraction(0)
        for k in range(17):
            x = ball(lo + (hi - lo) * Fraction(k, 16))
            v = abs(ev.value(x) - P(x))
            if v.is_finite():
                big = max(big, fraction_of(v.mid()))
    bits = 0 if big == 0 else -math.floor(math.log2(big))
    # the monomial basis cancels: sum |a_k| M^k may dwarf |p|; pay for it in bits
    M = max(abs(lo), abs(hi), Fraction(1))
    size = sum((abs(c) * M**k for k, c in enumerate(coeffs)), Fraction(0))
    cancel = max(0, math.ceil(math.log2(size))) if size > 1 else 0
    return max(96, 64 + bits + cancel)


def _cells_sup(ev, coeffs, lo, hi, rtol, prec, max_cells, K, points=()):
    from flint import arb, arb_poly
    d = len(coeffs) - 1
    if K is None:  # higher degrees oscillate faster: longer local models, fewer cells
        K = min(16, max(4, (d + 3) // 4))
    with precision(prec):
        pc = [arb(fmpq_of(c)) for c in coeffs]
        atol = Fraction(1, 2 ** (prec - 24))
        n0 = max(8, 2 * (d + 1))
        step = (hi - lo) / n0
        todo = [(lo + k * step, lo + (k + 1) * step) for k in range(n0)]
        lower, arg = Fraction(0), lo
        P = arb_poly(pc)
        for x in points:
            x = Fraction(x)
            if lo <= x <= hi:
                xb = ball(x)
                v = abs(ev.value(xb) - P(xb))
                if v.is_finite() and fraction_of(v.lower()) > lower:
                    lower, arg = fraction_of(v.lower()), x
        accepted = Fraction(0)
        count = 0
        min_width = (hi - lo) / 2 ** 40
        while todo:
            # the local models first: their values at the centres raise the lower bound
            local = []
            for a, b in todo:
                count += 1
                cell = _Cell(ev, pc, a, b, K)
                local.append(cell)
                if cell.low > lower:
                    lower, arg = cell.low, cell.m
            thr = max(lower * (1 + Fraction(rtol)), atol)
            todo = []
            for cell in local:
                U = cell.upper(thr)
                a, b = cell.a, cell.b
                if U is None or U > thr:
                    if count + 2 * len(todo) < max_cells and b - a > min_width:
                        mid = (a + b) / 2
                        todo += [(a, mid), (mid, b)]
                        continue
                    if U is None:
                        raise UncertifiedBoundError(
                            f"{ev.act.name} is not finite (or its derivatives are not) near "
                            f"[{float(a):.6g}, {float(b):.6g}]; no certified bound on this "
                            "interval")
                accepted = max(accepted, U)
    return CertifiedError(max(accepted, lower), lower=lower, argmax=float(arg), method="cells",
                          cells=count)


class _Cell:
    """f - p on [a, b] as a local model: e(m + t) = sum_{k <= K} e_k t^k + R, |t| <= r."""

    def __init__(self, ev, pc, a, b, K):
        from flint import arb, fmpq
        self.a, self.b, self.K = a, b, K
        m = self.m = (a + b) / 2
        r = self.r = (b - a) / 2
        mb = arb(fmpq(m.numerator, m.denominator))
        self.rb = arb(fmpq(r.numerator, r.denominator))
        fk = ev.taylor(mb, K)
        # Taylor shift of p to m (balls)
        q = list(pc)
        d = len(q) - 1
        for i in range(d):
            for j in range(d - 1, i - 1, -1):
                q[j] = q[j] + mb * q[j + 1]
        if len(q) < K + 2:
            q += [arb(0)] * (K + 2 - len(q))
        self.q = q
        self.ev = ev
        self.e = [fk[k] - q[k] for k in range(K + 1)]
        e0 = self.e[0]
        self.low = fraction_of((abs(e0).lower() if not e0.contains(0) else arb(0))) \
            if e0.is_finite() else Fraction(0)

    def upper(self, thr):
        """An upper bound of |f - p| on the cell (None if not finite); tight where needed."""
        from flint import arb
        K, rb, q, e = self.K, self.rb, self.q, self.e
        cell = ball(self.a).union(ball(self.b))
        FK = self.ev.taylor(cell, K + 1)[K + 1]
        # p_(K+1) over the cell: sum_j C(j, K+1) q_j t^(j-K-1), |t| <= r
        tail = arb(0)
        for j in range(K + 2, len(q)):
            tail += math.comb(j, K + 1) * abs(q[j]) * rb ** (j - K - 1)
        E = abs(FK - q[K + 1]) + tail
        if not (E.is_finite() and all(x.is_finite() for x in e)):
            return None
        rem = E * rb ** (K + 1)
        U = _quad_sup(e[0], e[1], e[2], rb, arb)
        for k in range(3, K + 1):
            U += abs(e[k]) * rb ** k
        U = upper_fraction(U + rem)
        if U > thr and K >= 3:
            # the local polynomial's exact sup (midpoints; radii added) instead of |e_k| r^k
            mids = [fraction_of(x.mid()) for x in e]
            rad = arb(0)
            for k, x in enumerate(e):
                rad += arb(x.rad()) * rb ** k
            up, _, _ = poly_sup(mids, -self.r, self.r)
            U = min(U, up + upper_fraction(rad + rem))
        return U


def _quad_sup(e0, e1, e2, r, arb):
    """Upper bound (ball) of max |e0 + e1 t + e2 t^2| over |t| <= r."""
    vals = [abs(e0 + e1 * r + e2 * r * r), abs(e0 - e1 * r + e2 * r * r)]
    if e2.contains(0):
        vals.append(abs(e0) + abs(e1) * r + abs(e2) * r * r)
    else:
        ts = -e1 / (2 * e2)
        if ts.overlaps(arb(0).union(r).union(-r)) or abs(ts) < r:
            vals.append(abs(e0 - e1 * e1 / (4 * e2)))
    out = vals[0]
    for v in vals[1:]:
        out = arb.max(out, v)
    return arb(out.upper())
