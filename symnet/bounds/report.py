"""The public drivers and their results: error_bound, convergence_report.

:func:`error_bound` validates its arguments, converts the polynomial to
balls once (exact coefficients through one memoising
:class:`~symnet.bounds.arbprint.ArbPrinter`), builds the network's Taylor
models over the box (series and/or Taylor neuron rules), bounds the
difference by bisection, optionally splits the box, and returns an
:class:`ErrorBound` -- certified, or honestly uncertified with the reason
(an activation that cannot be enclosed, or the time budget spent).

:func:`convergence_report` compares certified pre-activation ranges with the
radii of convergence of the activations' Maclaurin series.
"""

from __future__ import annotations

import math
from math import comb

import numpy as np
import sympy
from flint import arb

from .._validate import (as_int, as_prec, as_seconds, as_series_degrees,
                         available_memory, refuse_if_over)
from ..errors import (ArgumentError, DomainError, ExpansionTooLargeError, InputError, OrderError,
                      ShapeError, UncertifiedBoundError, WeightError)
from .arbprint import ArbPrinter, to_ball
from .balls import (Deadline, TimeUp, abs_up, budget, check_time, float_down, float_up,
                    fraction_ball,
                    precision, run_within_budget)
from .boxes import parse_box
from .enclosures import neuron_series, neuron_taylor
from .ranges import check_network, float_preactivations, model_ranges, point_preactivations
from .taylor_models import TaylorModels, weight_balls

__all__ = ["error_bound", "ErrorBound", "convergence_report", "ConvergenceReport",
           "convergence_warnings", "register_error_model"]

#: meta key -> fn(net, spec, polys, box) -> exact upper bound (a Fraction or Rational):
#: how a polynomial built from something other than the network's own series is bounded
_ERROR_MODELS = {}


def register_error_model(key, fn):
    """Register how :func:`error_bound` accounts for polynomials whose ``meta[key]`` is set.

    :mod:`symnet.approximation` registers ``"surrogate"``: a polynomial from
    ``expand(net, order, surrogate=...)`` is bounded through the surrogate
    network (the surrogates' certified errors propagated through the layers,
    refused when a neuron's range leaves its surrogate's interval), and the
    smaller of that and the Taylor-model bound is returned.

    Examples
    --------
    >>> from symnet.bounds import register_error_model
    >>> register_error_model("example", lambda net, spec, polys, box: 0)
    """
    _ERROR_MODELS[key] = fn

#: default time budget of error_bound, in seconds
DEFAULT_TIMEOUT = 10.0


# ---------------------------------------------------------------------------
# ErrorBound
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
    timed_out : bool
        True when the time budget ran out (the bound is then the best
        certified before it, or uncertified).
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
                mode=None, modes=(), box=(), order=None, center=None, tm_order=None,
                timed_out=False):
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
        obj.timed_out = timed_out
        return obj

    @property
    def bound(self):
        """The bound as a plain float."""
        return float(self)

    def as_rational(self):
        """The bound as an exact sympy Rational (equal to the float).

        Examples
        --------
        >>> from symnet.bounds import ErrorBound
        >>> ErrorBound(0.25).as_rational()
        1/4
        """
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


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------

def _check_poly(net, poly):
    from ..polynomial import Polynomial

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


def _poly_vectors(B, polys):
    """The polynomials as coefficient vectors of balls in the basis ``B``.

    Exact coefficients share one memoising printer: a subexpression that
    appears in many coefficients (``tanh(7/12)``) is evaluated once.
    """
    printer = ArbPrinter()
    out = []
    for k, p in enumerate(polys):
        v = np.full(B.size, arb(0), dtype=object)
        # an exact Taylor polynomial builds its sympy coefficients on first use,
        # which can take long: within the time budget only
        terms = run_within_budget(p.terms)
        for exps, c in terms.items():
            check_time()
            idx = B.index_of(exps)
            where = f"polynomial {k}: coefficient of {exps}"
            try:
                v[idx] = to_ball(c, where, printer)
            except WeightError as exc:
                if isinstance(c, sympy.Basic) and c.free_symbols:
                    raise DomainError(
                        f"polynomial {k}: the coefficient of {exps} is {c}, which contains the "
                        f"symbols {sorted(map(str, c.free_symbols))}; a numeric bound needs "
                        "numeric coefficients (substitute them first)") from None
                raise DomainError(str(exc)) from None
        out.append(v)
    return out


#: default work budget: Taylor-model coefficients (monomials x neurons)
TM_BUDGET = 120_000


def _tm_size(net, order):
    return comb(net.n_inputs + order, order) * max(1, len(net.neurons))


def _default_tm_order(net, Q):
    """poly.order + 2, + 1 or + 0: the highest whose models stay cheap."""
    for extra in (2, 1):
        if _tm_size(net, Q + extra) <= TM_BUDGET:
            return Q + extra
    _check_memory(net, Q)
    return Q


def _check_memory(net, order):
    width = max((len(s.nodes) for s in net.stages()), default=1)
    live = net.n_inputs + 2 * width
    nbytes = 96 * comb(net.n_inputs + order, order) * (live + 6 * width)
    avail = available_memory()
    refuse_if_over(nbytes, avail // 2, f"half of the {avail / 2**30:.1f} GiB available",
                   f"Taylor models of degree {order} for this network",
                   "pass a smaller tm_order (>= the polynomial's order) or bound a "
                   "lower-order expansion", error=ExpansionTooLargeError)


# ---------------------------------------------------------------------------
# the bound on one piece of the box
# ---------------------------------------------------------------------------

class _Job:
    """What every piece of one error_bound call shares."""

    def __init__(self, net, polys, center, tm_order, mode, qs):
        from ..monomials import basis

        self.net, self.polys, self.center = net, polys, center
        self.Q = tm_order
        self.mode, self.qs = mode, qs
        self.weights = weight_balls(net)
        self.B = basis(net.n_inputs, tm_order)
        self.pvecs = _poly_vectors(self.B, polys)


def _bound_with(tm, pvecs, how, qs, Q, budget_=48):
    extra = 2

    if how == "series":
        def rule(s, act, cstar, Wr, R):
            return neuron_series(act, qs[s], cstar, Wr, R, Q, extra)
    else:
        def rule(s, act, cstar, Wr, R):
            return neuron_taylor(act, cstar, Wr, R, Q, extra)

    outs, _, failures = tm.run(rule)
    per, parts, too_big = [], [], None
    for (P, I), pv in zip(outs, pvecs):
        gap = tm.bound(P - pv)
        tot = tm.refined_bound(P - pv, I, budget_)
        g_up = abs_up(gap)
        r_up = abs_up(I)
        # the float sum g_up + r_up may round down: only the rounded-up total is used
        per.append(abs_up(tot))
        parts.append({"polynomial": g_up, "remainder": r_up})
        if tot.is_finite() and not math.isfinite(per[-1]):
            too_big = tot
    reason = None
    if any(not math.isfinite(v) for v in per):
        if too_big is not None:
            reason = (f"the bound, about {too_big.abs_upper().str(5, radius=False)}, is beyond "
                      "the largest float")
        else:
            node, name, why = failures[0] if failures else (None, None,
                                                            "an enclosure is not finite")
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


def _bound_piece(job, piece, new_center):
    """Bound on one box ``piece`` (exact ends); models centred at ``new_center``.

    ``new_center`` None: at the polynomial's centre; else the polynomial is
    re-expanded there (exactly, in balls).  Raises TimeUp when the budget
    runs out before any model is done.
    """
    c = job.center if new_center is None else new_center
    yr = [((lo - a).lower(), (hi - a).upper()) for (lo, hi), a in zip(piece, c)]
    tm = TaylorModels(job.net, job.Q, c, yr, job.weights)
    pvecs = job.pvecs
    if new_center is not None:
        for i, (a, b) in enumerate(zip(job.center, new_center)):
            d = b - a
            if not d.is_zero():
                pvecs = [tm.shift(v, i, d) for v in pvecs]
    mode = job.mode
    best = _bound_with(tm, pvecs, "series" if mode == "auto" else mode, job.qs, job.Q)
    if mode == "auto":
        # both models enclose the network; per output the smaller bound wins
        # (the Taylor model is often tighter even for series polynomials)
        try:
            best = _merge(best, _bound_with(tm, pvecs, "taylor", job.qs, job.Q))
        except TimeUp:
            pass  # the series bound is certified already
    return best


def _float_poly_values(job, X):
    """Float64 values of the polynomials at the rows of X (from the ball coefficients)."""
    center = np.array([float(c.mid()) for c in job.center])
    mono = job.B.evaluate_monomials(X - center)
    return [mono @ np.array([float(c.mid()) for c in v]) for v in job.pvecs]


def _sampled_error(job, exact_box, n=64, seed=0):
    """Float64 error seen at the corners, the centre and random points (a heuristic)."""
    try:
        X = _witness_points(exact_box, job.net.n_inputs, limit=256, seed=seed)
        lo = np.array([float(a) for a, _ in exact_box])
        hi = np.array([float(b) for _, b in exact_box])
        rng = np.random.RandomState(seed)
        X = np.vstack([X, lo + (hi - lo) * rng.rand(n, len(lo))])
        F = np.asarray(job.net(X), dtype=float).reshape(len(X), -1)
        err = 0.0
        with np.errstate(all="ignore"):
            for k, pv in enumerate(_float_poly_values(job, X)):
                err = max(err, float(np.max(np.abs(F[:, k] - pv))))
        return err if math.isfinite(err) else 0.0
    except Exception:  # pragma: no cover - only a stopping heuristic
        return 0.0


def _drive(net):
    """How strongly each input drives the first neurons (scales the widths to split)."""
    drive = [0.0] * net.n_inputs
    for s in net.stages():
        for j, src in enumerate(s.sources):
            if src < net.n_inputs:
                for row in s.weights:
                    try:
                        drive[src] += abs(float(row[j]))
                    except (TypeError, ValueError, OverflowError):
                        drive[src] += 1.0
    return drive


def _split_pieces(job, piece, best, splits, seen=0.0):
    """Bisect the box ``splits`` times, the worst piece first; max over the pieces.

    Every state of the heap covers the box, so running out of time keeps a
    valid (certified) bound.
    """
    import heapq

    drive = _drive(job.net)
    heap = [(-max(best[0]), 0, piece, best)]
    tick = 1
    try:
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
            done = []
            for part in ((lo, mid), (mid, hi)):
                sub = list(pc)
                sub[i] = part
                cen = [arb(((a + b) / 2).mid()) for a, b in sub]
                r = _bound_piece(job, sub, cen)
                if r[2] is not None:
                    return r
                done.append((sub, r))
            heapq.heappop(heap)
            for sub, r in done:
                heapq.heappush(heap, (-max(r[0]), tick, sub, r))
                tick += 1
    except TimeUp:
        pass  # the heap still covers the box
    results = [r for _, _, _, r in heap]
    per, parts, used = [], [], []
    for k in range(len(best[0])):
        worst = max(results, key=lambda r: r[0][k])
        per.append(worst[0][k])
        parts.append(worst[1][k])
        used.append(worst[3][k])
    return per, parts, None, used


# ---------------------------------------------------------------------------
# public: error_bound
# ---------------------------------------------------------------------------

def error_bound(net, poly, box, *, mode=None, series_degree=None, tm_order=None,
                splits=None, prec=96, strict=True, timeout=DEFAULT_TIMEOUT):
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
        single pair for every input.  Strings are refused.
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
        Working precision of the ball arithmetic, in bits (>= 30).
    strict : bool
        If True (default), raise :class:`UncertifiedBoundError` when no
        bound can be certified; if False, return an :class:`ErrorBound`
        with ``certified=False`` (value ``inf``) and the reason.
    timeout : float or None
        Time budget in seconds (default 10; None: no limit).  When it runs
        out, the refinements (bisection, splits, the second model) stop and
        the best bound certified so far is returned; if none was certified
        yet, the result is uncertified ("no certified bound within the time
        budget"), with ``timed_out=True``.

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
        non-finite derivative bound on the range) or the time budget ran
        out before any bound was certified, and ``strict`` is True.
    OrderError, ArgumentError, DomainError, ExpansionTooLargeError
        For a bad ``tm_order``/``series_degree``/``splits``, ``mode`` or
        ``timeout``, ``prec``, or models too large for the memory.

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
    check_network(net, "error_bound")
    polys = _check_poly(net, poly)
    Q = polys[0].order
    center_exact = tuple(polys[0].center)
    meta = getattr(polys[0], "meta", None) or {}
    if mode not in (None, "series", "taylor"):
        raise ArgumentError(f"mode must be None, 'series' or 'taylor', got {mode!r}")
    if series_degree is None and meta.get("mode") == "series":
        series_degree = meta.get("series_degree")
    qs = as_series_degrees(series_degree, Q, len(net.stages()))
    if tm_order is None:
        tm_order = _default_tm_order(net, Q)
    else:
        try:
            tm_order = as_int(tm_order, "tm_order", minimum=Q)
        except OrderError:
            raise OrderError(f"tm_order must be an int >= the polynomial's order {Q}, "
                             f"got {tm_order!r}") from None
        _check_memory(net, tm_order)
    prec = as_prec(prec)
    if prec < 30:
        raise DomainError(f"prec must be an int >= 30 (bits), got {prec!r}")
    if splits is None:
        splits = 4 if 5 * _tm_size(net, tm_order) <= TM_BUDGET else 0
    splits = as_int(splits, "splits", minimum=0)
    timeout = as_seconds(timeout, "timeout")
    box_obj = parse_box(box, net.n_inputs)
    exact_box = box_obj.exact
    centred = any(c != 0 for c in center_exact)
    if mode is None:
        mode = "taylor" if centred or meta.get("mode") == "taylor" else "auto"
    deadline = Deadline(timeout)
    timed_out = False
    with precision(prec), budget(deadline):
        try:
            balls = box_obj.balls()
            center = [to_ball(c, f"polynomial centre [{i}]") for i, c in enumerate(center_exact)]
            job = _Job(net, polys, center, tm_order, mode, qs)
            piece = [(lo.lower(), hi.upper()) for lo, hi in balls]
            best = _bound_piece(job, piece, None)
            if splits and best[2] is None and not deadline.expired():
                seen = _sampled_error(job, exact_box)
                best = _split_pieces(job, piece, best, splits, seen)
        except TimeUp:
            best, timed_out = None, True
        except WeightError as exc:
            raise DomainError(str(exc)) from None
    timed_out = timed_out or deadline.expired()
    if best is None:
        n_out = len(polys)
        best = ([math.inf] * n_out, [{"polynomial": math.inf, "remainder": math.inf}] * n_out,
                f"no certified bound within the time budget of {timeout:g} s (pass a larger "
                "timeout=, or a lower tm_order / a smaller box)", ["none"] * n_out)
    per, parts, reason, used = best
    total = max(per)
    if reason is not None or not math.isfinite(total):
        reason = reason or "an enclosure is not finite"
        if strict:
            raise UncertifiedBoundError(
                f"no certified error bound on this box: {reason}. Pass strict=False to get an "
                "uncertified result object instead")
        return ErrorBound(math.inf, certified=False, reason=reason, per_output=per, parts=parts,
                          mode=used[0], modes=used, box=exact_box, order=Q,
                          center=center_exact, tm_order=tm_order, timed_out=timed_out)
    mode_name = used[0] if len(set(used)) == 1 else "mixed"
    for key, fn in _ERROR_MODELS.items():   # e.g. surrogates: bounded through their errors
        spec = meta.get(key)
        if spec is not None and spec is not True:
            other = float_up(fraction_ball(fn(net, spec, polys if len(polys) > 1 else polys[0],
                                              box)))
            if other < total:
                total, mode_name = other, key
                per = [min(p, other) for p in per]
    return ErrorBound(total, certified=True, per_output=per, parts=parts, mode=mode_name,
                      modes=used, box=exact_box, order=Q, center=center_exact,
                      tm_order=tm_order, timed_out=timed_out)


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
    (2, 1)  identity    [-1.726, 1.726]       oo      entire
    """

    def __init__(self, rows, box):
        self.rows = list(rows)
        self.box = tuple(box)

    @property
    def ranges(self):
        """neuron -> (lower, upper) of its pre-activation."""
        return {r[0]: (r[2], r[3]) for r in self.rows}

    @property
    def outside(self):
        """Neurons not proved inside their radius."""
        return [r[0] for r in self.rows if r[5] in _STATUS_OUT]

    @property
    def proven_outside(self):
        """Neurons with a point of the box outside their radius."""
        return [r[0] for r in self.rows if r[5] == "outside"]

    @property
    def unknown(self):
        """Neurons whose radius or range is unknown, or not analytic."""
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


def _witness_points(exact_box, n, limit=1024, seed=0):
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
    check_network(net, "convergence_report")
    order = as_int(order, "order", minimum=0, maximum=32)
    prec = as_prec(prec)
    box_obj = parse_box(box, net.n_inputs)
    exact_box = box_obj.exact
    rows = []
    with precision(prec):
        weights = weight_balls(net)
        ranges = model_ranges(net, box_obj.balls(), order, weights)
        todo = {}
        for s in net.stages():
            for node, act in zip(s.nodes, s.activations):
                R = ranges[node]
                fin = R.is_finite()
                lo = float_down(R) if fin else None
                hi = float_up(R) if fin else None
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
                    rb = to_ball(rad, "radius")
                    if R.abs_upper() < rb:
                        status = "inside"
                    else:
                        status = "may leave"
                        todo[node] = rb
                rows.append([node, act.name, lo, hi, rad, status])
        if todo:
            X = _witness_points(exact_box, net.n_inputs)
            Z = float_preactivations(net, X)
            checked = {}
            for node in todo:
                k = int(np.nanargmax(np.abs(Z[node]))) if np.isfinite(Z[node]).any() else 0
                if k not in checked:
                    checked[k] = point_preactivations(net, [arb(float(v)) for v in X[k]],
                                                      weights)
                zb = checked[k][node]
                if zb.is_finite() and abs(zb).lower() >= todo[node]:
                    for r in rows:
                        if r[0] == node:
                            r[5] = "outside"
    return ConvergenceReport([tuple(r) for r in rows], exact_box)


def convergence_warnings(net, box):
    """Messages naming the neurons whose pre-activation range may leave the series' radius.

    For ``expand(..., box=...)`` in series mode: one string per neuron not
    proved inside its activation's radius of convergence on the box.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.bounds import convergence_warnings
    >>> net = Network.dense([[[1], [2]], [[1, 1]]], activations=["tanh", "identity"])
    >>> convergence_warnings(net, (-0.5, 0.5))
    []
    >>> len(convergence_warnings(net, (-1, 1)))
    1
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
