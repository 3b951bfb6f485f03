"""Adapter: certified pre-activation ranges and activation enclosures.

``symnet.bounds`` is being restructured into a subpackage that exposes

* ``preactivation_ranges(net, box)`` -> one list per stage (stage order) of
  certified ``(lo, hi)`` exact Rational bounds of every neuron's
  pre-activation over the box;
* ``activation_enclosure(activation, lo, hi)`` -> a certified ``(lo, hi)``.

This module calls those when they exist; until then it computes the same
thing itself (exact rational interval arithmetic for the affine maps, ball
arithmetic or exact piecewise values for the activations).  At merge time the
fallback can be deleted: everything in :mod:`symnet.approximation` goes
through the two functions here.

Examples
--------
>>> from symnet import Network
>>> from symnet.approximation._ranges import preactivation_ranges
>>> net = Network.dense([[[1, -2]], [[3]]], biases=[[1], [0]], activations=["relu", "identity"])
>>> preactivation_ranges(net, [(0, 1), (0, 1)])
[[(-1, 2)], [(0, 6)]]
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy

from ..activations import get_activation
from ..errors import BoxError, ShapeError, WeightError

__all__ = ["preactivation_ranges", "activation_enclosure", "parse_box"]


def _bounds_function(name):
    try:
        from .. import bounds
    except ImportError:  # pragma: no cover
        return None
    return getattr(bounds, name, None)


def preactivation_ranges(net, box):
    """Certified ``(lo, hi)`` of every neuron's pre-activation over the box, stage by stage.

    Parameters
    ----------
    net : Network
        Numeric weights.
    box : pair or sequence of pairs

    Returns
    -------
    list of lists of (sympy Rational, sympy Rational)
    """
    fn = _bounds_function("preactivation_ranges")
    if fn is not None:
        return fn(net, box)
    return _fallback_ranges(net, box)


def activation_enclosure(activation, lo, hi):
    """A certified ``(lo, hi)`` containing ``f(x)`` for every x in ``[lo, hi]``.

    Examples
    --------
    >>> from symnet.approximation._ranges import activation_enclosure
    >>> activation_enclosure("relu", -1, 2)
    (0, 2)
    """
    fn = _bounds_function("activation_enclosure")
    if fn is not None:
        return fn(activation, lo, hi)
    a, b = _enclose(get_activation(activation), _frac(lo), _frac(hi))
    return _q(a), _q(b)


# ---------------------------------------------------------------------------
# the fallback
# ---------------------------------------------------------------------------

def _q(f):
    return sympy.Rational(f.numerator, f.denominator)


def _frac(v):
    if isinstance(v, Fraction):
        return v
    if isinstance(v, sympy.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return Fraction(v)
    return Fraction(sympy.Rational(v).p, sympy.Rational(v).q)


def _end(v, where):
    """One end of a box as a Fraction (floats exactly), validated."""
    from .._validate import as_exact
    if isinstance(v, bool) or v is None or isinstance(v, (str, bytes)):
        raise BoxError(f"{where}: expected a real number, got {type(v).__name__} {v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        raise BoxError(f"{where}: box ends must be finite, got {v!r}")
    try:
        e = as_exact(v, where)
    except (WeightError, TypeError, ValueError) as exc:
        raise BoxError(str(exc)) from None
    if not e.is_Rational:
        raise BoxError(f"{where}: box ends must be finite rational numbers, got {e}")
    return Fraction(int(e.p), int(e.q))


def parse_box(box, n):
    """A box as a list of ``n`` (lo, hi) Fraction pairs (one pair means every input).

    Examples
    --------
    >>> from symnet.approximation._ranges import parse_box
    >>> parse_box((-1, 0.5), 2)
    [(Fraction(-1, 1), Fraction(1, 2)), (Fraction(-1, 1), Fraction(1, 2))]
    """
    if hasattr(box, "tolist") and not isinstance(box, sympy.Basic):
        box = box.tolist()
    if not isinstance(box, (list, tuple)):
        raise BoxError(f"expected a box: a pair (lo, hi) or a list of {n} pairs, got "
                       f"{type(box).__name__} {box!r}")
    if len(box) == 2 and not isinstance(box[0], (list, tuple)) and \
            not isinstance(box[1], (list, tuple)):
        pairs = [tuple(box)] * n
    else:
        pairs = list(box)
        if len(pairs) != n:
            raise ShapeError(f"the box has {len(pairs)} intervals but the network has {n} "
                             f"inputs; expected {n} pairs (lo, hi) or a single pair for all")
    out = []
    for i, p in enumerate(pairs):
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            raise BoxError(f"box interval {i}: expected a pair (lo, hi), got {p!r}")
        lo = _end(p[0], f"box interval {i} lower end")
        hi = _end(p[1], f"box interval {i} upper end")
        if lo > hi:
            raise BoxError(f"box interval {i}: lower end {lo} is greater than upper end {hi}")
        out.append((lo, hi))
    return out


def _weight_bounds(w, where):
    """(lo, hi) Fractions containing a weight (exact for rationals and floats)."""
    if isinstance(w, float):
        f = Fraction(w)
        return f, f
    w = sympy.sympify(w)
    if w.is_Rational:
        f = Fraction(int(w.p), int(w.q))
        return f, f
    if w.free_symbols:
        raise WeightError(f"{where}: {w} contains the symbols {sorted(map(str, w.free_symbols))};"
                          " substitute numbers first (net.subs(...))")
    from ._arb import Unsupported, compile_expr, lower_fraction, precision, upper_fraction
    with precision(128):
        try:
            b = compile_expr(w)([])
        except Unsupported as e:
            raise WeightError(f"{where}: cannot enclose {w}: {e}") from None
        return lower_fraction(b), upper_fraction(b)


def _times(w, x):
    """Interval product [wl, wh] * [xl, xh]."""
    (wl, wh), (xl, xh) = w, x
    if wl == wh:
        return (wl * xl, wl * xh) if wl >= 0 else (wl * xh, wl * xl)
    ps = (wl * xl, wl * xh, wh * xl, wh * xh)
    return min(ps), max(ps)


def _round_out(lo, hi, bits=64):
    """Dyadic outward rounding (keeps denominators short through deep networks)."""
    from flint import arb
    from ._arb import fmpq_of, fraction_of, precision
    with precision(bits):
        return fraction_of(arb(fmpq_of(lo)).lower()), fraction_of(arb(fmpq_of(hi)).upper())


def _enclose(act, lo, hi):
    """Certified (lo, hi) Fractions of the activation over [lo, hi]."""
    if act.is_identity:
        return lo, hi
    if act.kind == "piecewise_linear":
        from ._arb import Evaluator
        ev = Evaluator(act)
        pts = [lo, hi] + [_frac(sympy.Rational(b)) for b in act.rule.breakpoints
                          if lo < _frac(sympy.Rational(b)) < hi]
        vals = []
        for x in pts:
            for (a, b), (s, i) in ev.pieces:
                if (a is None or _frac(a) <= x) and (b is None or x <= _frac(b)):
                    vals.append(_frac(s) * x + _frac(i))
                    break
        return min(vals), max(vals)
    if act.kind == "polynomial" and all(c.is_Rational for c in act.rule.coefficients):
        from .certify import poly_range
        if lo == hi:
            v = sum(_frac(c) * lo**k for k, c in enumerate(act.rule.coefficients))
            return v, v
        return poly_range([_frac(c) for c in act.rule.coefficients], lo, hi)
    from ._arb import Evaluator, ball, lower_fraction, precision, upper_fraction
    ev = Evaluator(act)
    cells = 16 if lo < hi else 1
    with precision(96):
        out = None
        for k in range(cells):
            a = lo + (hi - lo) * Fraction(k, cells)
            b = lo + (hi - lo) * Fraction(k + 1, cells)
            cell = ball(a).union(ball(b))
            d = ev.taylor(cell, 1)[1] if a < b else None
            if d is not None and d.is_finite() and not d.contains(0):
                v = ev.value(ball(a)).union(ev.value(ball(b)))   # monotone on the cell
            else:
                v = ev.value(cell)
            out = v if out is None else out.union(v)
        if not out.is_finite():
            from ..errors import UncertifiedBoundError
            raise UncertifiedBoundError(f"{act.name} is not finite on [{lo}, {hi}]")
        return lower_fraction(out), upper_fraction(out)


def _fallback_ranges(net, box):
    stages = net.stages()
    pairs = parse_box(box, net.n_inputs)
    vals = list(pairs)
    out = []
    for s in stages:
        ranges, acts = [], []
        rows, biases = s.weights, s.biases
        for i, (row, b, act) in enumerate(zip(rows, biases, s.activations)):
            lo, hi = _weight_bounds(b, f"layer {s.layer} bias [{i}]")
            for j, w in enumerate(row):
                if not s.has_edge(i, j):
                    continue
                if isinstance(w, float) and w == 0.0:
                    continue
                wb = _weight_bounds(w, f"layer {s.layer} weights [{i}, {j}]")
                a, c = _times(wb, vals[s.sources[j]])
                lo, hi = lo + a, hi + c
            ranges.append((lo, hi))
            acts.append(_round_out(*_enclose(act, lo, hi)))
        out.append([(_q(a), _q(b)) for a, b in ranges])
        vals.extend(acts)
    return out
