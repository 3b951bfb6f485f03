"""Surrogates for a whole network: fitting them, and bounding what they change.

* :func:`fit_surrogates` -- one :class:`Approximation` per layer, on an
  interval covering every neuron's pre-activation in that layer: the
  certified ranges over a box, or the ranges seen on data widened a little;
  the result is what ``symnet.expand(net, order, surrogate=...)`` accepts.
* :func:`surrogate_error_bound` -- a certified bound on
  ``|net(x) - net~(x)|`` over a box, ``net~`` the network with every
  activation replaced by its surrogate (refused when a certified range leaves
  a surrogate's interval).
* :func:`surrogate_expansion_bound` -- a certified bound on ``|net - poly|``
  for a polynomial from ``expand(..., surrogate=...)`` (any order) or any
  other polynomial: the bound above plus the exact truncation error.

The propagated bound
--------------------
With ``D_v`` a bound on the difference at node ``v`` (0 at the inputs), a
neuron with weights ``w``, pre-activation range ``R`` (certified, on the box)
and surrogate ``p`` of certified error ``eps`` on its interval ``I``:
``|z - z~| <= Delta = sum_j |w_j| D_j`` and

    |sigma(z) - p(z~)| <= |sigma(z) - p(z)| + |p(z) - p(z~)| <= eps + L Delta,

``L = max |p'|`` over ``R`` widened by ``Delta`` (exact: ends and real roots
of ``p''``), valid as long as ``R`` lies in ``I``.  Unrolled over the layers
this is the sum over layers of ``eps_l`` times the products of the later
layers' Lipschitz bounds and weight norms (per neuron, hence no looser).

Examples
--------
>>> import sympy
>>> from symnet import Network, approximate
>>> from symnet.approximation import surrogate_error_bound
>>> net = Network.dense([[[1, 1]], [[2]]], activations=["relu", "identity"])
>>> ap = approximate("relu", (-2, 2), 2, method="l2")
>>> b = surrogate_error_bound(net, ap, [(-1, 1), (-1, 1)])
>>> b.as_rational() == 2 * ap.max_error.as_rational()
True
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy

from ..expand import surrogates_per_neuron
from ..errors import ArgumentError, NotSupportedError, ShapeError, UncertifiedBoundError
from ..network import Network
from ._ranges import parse_box, preactivation_ranges
from .approximation import approximate
from .certify import _float_up, poly_sup

__all__ = ["fit_surrogates", "surrogate_error_bound", "surrogate_expansion_bound",
           "SurrogateBound", "Surrogates", "NeuronSurrogates", "observed_ranges",
           "check_coverage",
           "polynomial_box_bound"]


def _frac(v):
    if isinstance(v, Fraction):
        return v
    v = sympy.Rational(v) if not isinstance(v, float) else v
    return Fraction(v) if isinstance(v, float) else Fraction(int(v.p), int(v.q))


def _check_network(net):
    if not isinstance(net, Network):
        raise ArgumentError(f"expected a symnet.Network, got {type(net).__name__}")
    if net.is_symbolic:
        raise ArgumentError(f"the network's weights contain the symbols "
                            f"{sorted(map(str, net.free_symbols))}; substitute numbers first")


# ---------------------------------------------------------------------------
# ranges seen on data
# ---------------------------------------------------------------------------

def _as_data(net, data):
    import numpy as np
    try:
        X = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise ShapeError(f"data: expected numeric points of shape (n_samples, {net.n_inputs}), "
                         f"got {type(data).__name__}") from None
    if X.ndim == 1 and net.n_inputs == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != net.n_inputs or X.shape[0] == 0:
        raise ShapeError(f"data: expected points of shape (n_samples, {net.n_inputs}), "
                         f"got {X.shape}")
    if not np.isfinite(X).all():
        raise ShapeError("data: points must be finite")
    return X


def observed_ranges(net, data):
    """(min, max) of every neuron's pre-activation over the rows of ``data`` (float64).

    Returns
    -------
    list of lists of (float, float), stage by stage

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.approximation import observed_ranges
    >>> net = Network.dense([[[2.0]]], activations=["tanh"])
    >>> observed_ranges(net, [[-1.0], [0.5]])
    [[(-2.0, 1.0)]]
    """
    import numpy as np
    _check_network(net)
    X = _as_data(net, data)
    out = []

    def step(s, src):
        H = np.stack(src, axis=1) if src else np.zeros((X.shape[0], 0))
        Z = H @ s.weight_array().T + s.bias_array()
        out.append([(float(Z[:, i].min()), float(Z[:, i].max())) for i in range(Z.shape[1])])
        return [a.numpy_function()(Z[:, i]) for i, a in enumerate(s.activations)]

    with np.errstate(over="ignore", under="ignore"):
        net.forward([X[:, j] for j in range(net.n_inputs)], step)
    return out


# ---------------------------------------------------------------------------
# which surrogate a neuron uses (the rules of expand's surrogate= argument)
# ---------------------------------------------------------------------------

def _interval_of(sur, where):
    iv = getattr(sur, "interval", None)
    err = getattr(sur, "max_error", None)
    if iv is None or err is None:
        raise ArgumentError(f"{where}: a certified bound needs surrogates that know their interval "
                            "and certified error (symnet.approximate(...) objects), got "
                            f"{type(sur).__name__}")
    eps = getattr(err, "rational", None)
    if eps is None:
        eps = Fraction(_float_up(Fraction(float(err))))
    return _frac(iv[0]), _frac(iv[1]), Fraction(eps)


def check_coverage(net, surrogates, *, box=None, data=None):
    """Raise when a neuron's pre-activations leave its surrogate's interval.

    On a ``box`` the certified ranges are checked (:class:`UncertifiedBoundError`);
    on ``data`` the observed ones (:class:`ArgumentError`).

    Examples
    --------
    >>> from symnet import Network, approximate
    >>> from symnet.approximation import check_coverage
    >>> net = Network.dense([[[3]]], activations=["tanh"])
    >>> check_coverage(net, [approximate("tanh", (-1, 1), 3)], data=[[0.5]])
    Traceback (most recent call last):
    ...
    symnet.errors.ArgumentError: the surrogate of neuron (1, 1) (tanh) covers [-1, 1] but its
    pre-activation reaches [1.5, 1.5] on the data; fit the surrogates on the data ...
    """
    per = surrogates_per_neuron(net, surrogates)
    stages = net.stages()
    if box is not None:
        ranges = [[(_frac(a), _frac(b)) for a, b in r] for r in preactivation_ranges(net, box)]
        kind = "certified range on the box"
    else:
        ranges = observed_ranges(net, data)
        kind = "the data"
    for k, s in enumerate(stages):
        for i, node in enumerate(s.nodes):
            sur = per[k][i]
            if sur is None:
                continue
            lo, hi, _ = _interval_of(sur, f"neuron {node!r}")
            a, b = ranges[k][i]
            if box is not None:
                if a < lo or b > hi:
                    raise UncertifiedBoundError(
                        f"the surrogate of neuron {node!r} ({s.activations[i].name}) covers "
                        f"[{lo}, {hi}] but the {kind} of its pre-activation is "
                        f"[{float(a):.6g}, {float(b):.6g}]: its certified error does not hold "
                        "there; fit the surrogates on this box (fit_surrogates(net, box=...)) "
                        "or on a wider interval")
            elif a < float(lo) or b > float(hi):
                raise ArgumentError(
                    f"the surrogate of neuron {node!r} ({s.activations[i].name}) covers "
                    f"[{lo}, {hi}] but its pre-activation reaches [{a:.6g}, {b:.6g}] on "
                    f"{kind}; fit the surrogates on the data (fit_surrogates(net, data=...)) "
                    "or on a wider interval")


# ---------------------------------------------------------------------------
# fitting
# ---------------------------------------------------------------------------

class Surrogates(list):
    """One surrogate per layer (None for identity layers), as ``expand(surrogate=...)`` takes.

    Attributes
    ----------
    intervals : list of (Rational, Rational) or None
    ranges : list
        The per-neuron ranges the intervals were chosen from.
    source : str
        ``"box"`` (certified ranges), ``"data"`` (observed, widened) or both.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.approximation import fit_surrogates
    >>> surs = fit_surrogates(Network.dense([[[1]]], activations=["tanh"]), box=(-1, 1), degree=3)
    >>> surs.intervals, surs.source
    ([(-1, 1)], 'box')
    """

    def __init__(self, items, *, ranges, source):
        super().__init__(items)
        self.ranges = ranges
        self.source = source

    @property
    def intervals(self):
        return [None if a is None else a.interval for a in self]

    def __str__(self):
        lines = [f"surrogates ({self.source}):"]
        for k, a in enumerate(self, start=1):
            if a is None:
                lines.append(f"  layer {k}: identity")
            else:
                lo, hi = a.interval
                lines.append(f"  layer {k}: {a.name} on [{lo}, {hi}], degree {a.degree} "
                             f"({a.method}), max error <= {float(a.max_error):.3e}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


class NeuronSurrogates(dict):
    """One surrogate per neuron, ``{node: Approximation}`` (``fit_surrogates(per="neuron")``).

    Attributes
    ----------
    intervals : dict node -> (Rational, Rational)
    ranges : list
        The per-neuron ranges the intervals were chosen from.
    source : str

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.approximation import fit_surrogates
    >>> net = Network.dense([[[1], [3]], [[1, 1]]], activations=["tanh", "identity"])
    >>> surs = fit_surrogates(net, box=(-1, 1), degree=3, per="neuron")
    >>> surs.intervals
    {(1, 1): (-1, 1), (1, 2): (-3, 3)}
    """

    def __init__(self, *, ranges, source):
        super().__init__()
        self.ranges = ranges
        self.source = source

    @property
    def intervals(self):
        return {node: a.interval for node, a in self.items()}

    def __str__(self):
        lines = [f"surrogates per neuron ({self.source}):"]
        for node, a in self.items():
            lo, hi = a.interval
            lines.append(f"  {node}: {a.name} on [{lo}, {hi}], degree {a.degree} "
                         f"({a.method}), max error <= {float(a.max_error):.3e}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def _nice_interval(lo, hi, margin):
    """An interval with short dyadic ends containing [lo, hi] widened by margin * width."""
    lo, hi = Fraction(lo), Fraction(hi)
    w = hi - lo
    if w <= 0:
        w = max(abs(lo), Fraction(1)) / 2**10
    lo, hi = lo - Fraction(margin) * w, hi + Fraction(margin) * w
    if lo == hi:
        lo, hi = lo - w, hi + w
    e = math.floor(math.log2(float(hi - lo))) - 6      # about 64 steps across
    step = Fraction(2) ** e
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def fit_surrogates(net, box=None, data=None, *, degree=4, method="minimax", margin=None,
                   per="layer", **options):
    """Polynomial surrogates for every layer of a network, fitted where it works.

    The interval of a layer covers every neuron's pre-activation in it: the
    certified ranges over ``box`` (rounded outward to short dyadic ends), or
    the ranges seen on ``data`` widened by ``margin`` of their width on each
    side (5% by default); with both, the certified interval, widened only
    where the data leave it.

    Parameters
    ----------
    net : Network
        Numeric weights; one activation per layer.
    box : pair or sequence of pairs, optional
    data : array_like (n_samples, n_inputs), optional
    degree : int or sequence of int
        One degree for every layer or one per layer.
    method : str
        As :func:`symnet.approximate`.
    margin : float, optional
        Widening of the observed ranges (default 0.05 for data, 0 for a box).
    per : {"layer", "neuron"}
        ``"layer"``: one surrogate per layer on an interval covering all its
        neurons; ``"neuron"``: one per neuron on its own range (tighter
        intervals, smaller surrogate errors; layers may mix activations), returned as a
        dict ``{node: Approximation}``, which ``expand`` also takes.
    **options
        Passed to :func:`symnet.approximate` (``rtol``, ``weight``...).

    Returns
    -------
    Surrogates
        A list with one :class:`Approximation` per layer (None for identity
        layers), or with ``per="neuron"`` a dict node -> Approximation: what
        ``symnet.expand(net, order, surrogate=...)`` accepts.

    Examples
    --------
    >>> from symnet import Network, expand
    >>> from symnet.approximation import fit_surrogates
    >>> net = Network.dense([[[1, 2]], [[1]]], activations=["tanh", "identity"])
    >>> surs = fit_surrogates(net, box=(-1, 1), degree=3)
    >>> surs[0].interval, surs[1]
    ((-3, 3), None)
    >>> expand(net, 3, surrogate=surs).degree
    3
    """
    _check_network(net)
    if box is None and data is None:
        raise ArgumentError("fit_surrogates needs a box (certified ranges) or data (observed "
                            "ranges) to choose the surrogates' intervals")
    stages = net.stages()
    degs = list(degree) if isinstance(degree, (list, tuple)) else [degree] * len(stages)
    if len(degs) != len(stages):
        raise ShapeError(f"degree: expected one per layer ({len(stages)}), got {len(degs)}")
    if per not in ("layer", "neuron"):
        raise ArgumentError(f"per: expected 'layer' or 'neuron', got {per!r}")
    franges = None
    if box is not None:
        franges = [[(_frac(a), _frac(b)) for a, b in r] for r in preactivation_ranges(net, box)]
    oranges = observed_ranges(net, data) if data is not None else None
    out = []
    cache = {}

    def interval(k, idx):
        lo = hi = None
        if franges is not None:
            a = min(franges[k][i][0] for i in idx)
            b = max(franges[k][i][1] for i in idx)
            lo, hi = _nice_interval(a, b, margin or 0)
        if oranges is not None:
            a = Fraction(min(oranges[k][i][0] for i in idx))
            b = Fraction(max(oranges[k][i][1] for i in idx))
            dlo, dhi = _nice_interval(a, b, 0.05 if margin is None else margin)
            # with a box, the data only widen the interval where they leave the certified one
            lo = dlo if lo is None else (lo if a >= lo else min(lo, dlo))
            hi = dhi if hi is None else (hi if b <= hi else max(hi, dhi))
        return lo, hi

    def fitted(act, lo, hi, deg):
        key = (act.name, lo, hi, deg)
        if key not in cache:
            cache[key] = approximate(act, (lo, hi), deg, method=method, **options)
        return cache[key]

    source = "box and data" if box is not None and data is not None else \
        "box" if box is not None else "data"
    if per == "neuron":
        by_node = NeuronSurrogates(ranges=franges if franges is not None else oranges,
                                   source=source)
        for k, s in enumerate(stages):
            for i, (node, act) in enumerate(zip(s.nodes, s.activations)):
                if not act.is_identity:
                    by_node[node] = fitted(act, *interval(k, [i]), degs[k])
        return by_node
    for k, s in enumerate(stages):
        names = {a.name for a in s.activations if not a.is_identity}
        if not names:
            out.append(None)
            continue
        if len(names) > 1:
            raise NotSupportedError(
                f"layer {k + 1} mixes the activations {sorted(names)}; per-layer surrogates "
                "need one activation per layer: pass per='neuron'")
        act = next(a for a in s.activations if not a.is_identity)
        idx = [i for i, a in enumerate(s.activations) if not a.is_identity]
        out.append(fitted(act, *interval(k, idx), degs[k]))
    return Surrogates(out, ranges=franges if franges is not None else oranges, source=source)


# ---------------------------------------------------------------------------
# the propagated bound
# ---------------------------------------------------------------------------

class SurrogateBound(float):
    """A certified bound on ``|net(x) - net~(x)|`` over a box (a float rounded up).

    Attributes
    ----------
    rational : Fraction
        The exact bound (the largest over the outputs).
    per_output : tuple of Fraction
    layers : list of dict
        Per layer: ``eps`` (largest surrogate error), ``lipschitz`` (largest
        ``max |p'|``, None where nothing is propagated or the layer is the
        identity), ``delta`` (largest propagated input difference), ``error``
        (largest bound at the layer's neurons).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.approximation import SurrogateBound
    >>> b = SurrogateBound([Fraction(1, 3)], [])
    >>> float(b) >= 1 / 3, b.as_rational()
    (True, 1/3)
    """

    def __new__(cls, per_output, layers):
        total = max(per_output) if per_output else Fraction(0)
        self = super().__new__(cls, _float_up(total))
        self.rational = total
        self.per_output = tuple(per_output)
        self.layers = layers
        return self

    def as_rational(self):
        """The exact bound as a sympy Rational."""
        return sympy.Rational(self.rational.numerator, self.rational.denominator)

    def __repr__(self):
        return f"SurrogateBound({float(self):.6e})"

    def __str__(self):
        lines = [f"|net - net~| <= {float(self):.6e} on the box (certified)"]
        for d in self.layers:
            lip = "-" if d["lipschitz"] is None else f"{float(d['lipschitz']):.3g}"
            lines.append(f"  layer {d['layer']}: eps {float(d['eps']):.3e}, "
                         f"max |p'| {lip}, |dz| <= {float(d['delta']):.3e}, "
                         f"error <= {float(d['error']):.3e}")
        return "\n".join(lines)


def _weight_abs_upper(w):
    from ._ranges import weight_bounds
    a, b = weight_bounds(w, "weight")
    return max(abs(a), abs(b))


def surrogate_error_bound(net, surrogates, box):
    """Certified bound on ``|net(x) - net~(x)|`` over a box, ``net~`` the surrogate network.

    Parameters
    ----------
    net : Network
    surrogates : Approximation, dict or list
        As ``symnet.expand(..., surrogate=...)`` takes them; every
        non-identity neuron needs one (with its interval and certified error).
    box : pair or sequence of pairs

    Returns
    -------
    SurrogateBound

    Raises
    ------
    UncertifiedBoundError
        When a neuron's certified pre-activation range on the box leaves its
        surrogate's interval (the surrogate's error is not known there).
    ArgumentError
        When a neuron has no surrogate, or a surrogate does not carry its
        interval and certified error.

    Examples
    --------
    >>> from symnet import Network, approximate
    >>> from symnet.approximation import surrogate_error_bound
    >>> net = Network.dense([[[1]], [[1]]], activations=["tanh", "identity"])
    >>> surrogate_error_bound(net, approximate("tanh", (-1, 1), 3), (-2, 2))
    Traceback (most recent call last):
    ...
    symnet.errors.UncertifiedBoundError: the surrogate of neuron (1, 1) (tanh) covers [-1, 1]
    but the certified range on the box of its pre-activation is [-2, 2]: ...
    """
    _check_network(net)
    stages = net.stages()
    parse_box(box, net.n_inputs)
    per = surrogates_per_neuron(net, surrogates)
    for k, s in enumerate(stages):
        for i, node in enumerate(s.nodes):
            if per[k][i] is None and not s.activations[i].is_identity:
                raise ArgumentError(
                    f"neuron {node!r} ({s.activations[i].name}) has no surrogate; the bound "
                    "covers networks whose every non-identity activation is replaced")
            if per[k][i] is not None:
                _interval_of(per[k][i], f"neuron {node!r}")
    check_coverage(net, surrogates, box=box)
    ranges = [[(_frac(a), _frac(b)) for a, b in r] for r in preactivation_ranges(net, box)]
    D = [Fraction(0)] * net.n_inputs
    layers = []
    lip_cache = {}
    for k, s in enumerate(stages):
        absW = [[_weight_abs_upper(w) if s.has_edge(i, j) else Fraction(0)
                 for j, w in enumerate(row)] for i, row in enumerate(s.weights)]
        eps_max = delta_max = err_max = Fraction(0)
        lip_max = None
        new = []
        for i, node in enumerate(s.nodes):
            delta = sum((absW[i][j] * D[src] for j, src in enumerate(s.sources) if D[src]),
                        Fraction(0))
            sur = per[k][i]
            if sur is None:
                d = delta
            else:
                _, _, eps = _interval_of(sur, f"neuron {node!r}")
                a, b = ranges[k][i]
                if delta:
                    key = (id(sur), a - delta, b + delta)
                    if key not in lip_cache:
                        coeffs = [_frac(c) for c in sur.coefficients]
                        dp = [c * m for m, c in enumerate(coeffs)][1:] or [Fraction(0)]
                        lip_cache[key] = poly_sup(dp, a - delta, b + delta)[0]
                    L = lip_cache[key]
                    lip_max = L if lip_max is None else max(lip_max, L)
                else:
                    L = Fraction(0)
                d = eps + L * delta
                eps_max = max(eps_max, eps)
            delta_max, err_max = max(delta_max, delta), max(err_max, d)
            new.append(d)
        D.extend(_short(v) for v in new)
        layers.append({"layer": s.layer, "eps": eps_max, "lipschitz": lip_max,
                       "delta": delta_max, "error": err_max})
    return SurrogateBound([D[p] for p in net.output_positions()], layers)


def _short(v):
    """Round a non-negative Fraction up to 64 significant bits (keeps the algebra small)."""
    from flint import arb
    from ._arb import fmpq_of, fraction_of, precision
    with precision(64):
        return fraction_of(arb(fmpq_of(v)).upper())


# ---------------------------------------------------------------------------
# the error of an expansion with surrogates
# ---------------------------------------------------------------------------

def _as_fraction(c, where):
    if isinstance(c, float):
        if not math.isfinite(c):
            raise ArgumentError(f"{where}: coefficient {c} is not finite")
        return Fraction(c)
    if isinstance(c, Fraction):
        return c
    c = sympy.sympify(c)
    if c.is_Rational:
        return Fraction(int(c.p), int(c.q))
    if c.is_Float:
        return Fraction(float(c))
    raise ArgumentError(f"{where}: expected rational or float coefficients, got {c}")


def _mpoly(ctx, terms, center=None):
    """An fmpq_mpoly in x from {exponents: coefficient}; monomials in x - center if given."""
    import flint
    q = ctx.from_dict({tuple(int(e) for e in k): flint.fmpq(v.numerator, v.denominator)
                       for k, v in ((k, _as_fraction(c, "polynomial")) for k, c in
                                    terms.items()) if v})
    if center is not None and any(c != 0 for c in center):
        shift = []
        for g, c in zip(ctx.gens(), center):
            c = _as_fraction(c, "centre")
            shift.append(g - flint.fmpq(c.numerator, c.denominator))
        q = q.compose(*shift)
    return q


def polynomial_box_bound(terms, box, center=None):
    """Certified bound on ``max |q(x)|`` over a box for a polynomial given by its terms.

    The polynomial is re-expanded exactly around the box's centre (python-flint
    rational polynomials) and bounded by the sum of its coefficients' moduli
    times the half-widths' powers.

    Parameters
    ----------
    terms : dict
        ``{exponent tuple: coefficient}`` (rationals or floats, taken exactly).
    box : list of (Fraction, Fraction)
    center : sequence, optional
        The point the monomials are centred at (a Taylor polynomial's centre).

    Returns
    -------
    Fraction

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from symnet.approximation.surrogates import polynomial_box_bound
    >>> polynomial_box_bound({(2,): 1, (1,): -2, (0,): 1}, [(F(0), F(2))])   # (x - 1)**2
    Fraction(1, 1)
    """
    import flint
    if not terms:
        return Fraction(0)
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"u{i}" for i in range(len(box))), "lex")
    return _mpoly_box_bound(_mpoly(ctx, terms, center), box)


def _round_mpoly(q, box, bits=64):
    """(q with coefficients rounded to ``bits`` significant bits, a bound on the change on box).

    Short dyadic coefficients keep the re-centrings of the bisection fast; the
    change is bounded by the sum of ``|delta_alpha| * max |x^alpha|`` over the box.
    """
    import flint
    M = [max(abs(lo), abs(hi)) for lo, hi in box]
    out, slack = {}, Fraction(0)
    for k, c in q.to_dict().items():
        k = tuple(int(v) for v in k)
        c = Fraction(int(c.p), int(c.q))
        e = bits - (c.numerator.bit_length() - c.denominator.bit_length())
        r = Fraction(round(c * 2**e), 2**e) if e > 0 else c
        if r != c:
            m = abs(c - r)
            for Mi, ki in zip(M, k):
                m *= Mi ** ki
            slack += m
        if r:
            out[k] = flint.fmpq(r.numerator, r.denominator)
    return q.context().from_dict(out), slack


def _centred_bound(q, box):
    """Sum of |coefficients| of q re-expanded around the box's centre (half-widths scaled)."""
    import flint
    shift = []
    for g, (lo, hi) in zip(q.context().gens(), box):
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        shift.append(flint.fmpq(mid.numerator, mid.denominator) +
                     flint.fmpq(half.numerator, half.denominator) * g)
    r = q.compose(*shift) if not q.is_zero() else q
    return sum((abs(Fraction(int(c.p), int(c.q))) for c in r.coeffs()), Fraction(0))


def _mpoly_box_bound(q, box, budget=40, rtol=Fraction(1, 20)):
    """Certified bound on max |q| over the box: centred bounds on a bisection.

    The sub-box with the largest bound is halved along its widest side until
    the bound is within ``1 + rtol`` of a value ``|q|`` takes (at a centre) or
    ``budget`` sub-boxes have been bounded.
    """
    import heapq

    import flint
    box = [(Fraction(a), Fraction(b)) for a, b in box]
    if q.is_zero():
        return Fraction(0)
    qr, slack = _round_mpoly(q, box)

    def value_at_centre(b):
        v = qr(*[flint.fmpq(((lo + hi) / 2).numerator, ((lo + hi) / 2).denominator)
                 for lo, hi in b])
        return abs(Fraction(int(v.p), int(v.q)))

    heap = [(-_centred_bound(qr, box), 0, box)]
    lower = value_at_centre(box)
    count, tick = 1, 1
    while count < budget:
        neg, _, b = heap[0]
        if -neg <= (1 + rtol) * lower:
            break
        heapq.heappop(heap)
        i = max(range(len(b)), key=lambda j: b[j][1] - b[j][0])
        lo, hi = b[i]
        if hi == lo:
            heapq.heappush(heap, (neg, tick, b))
            break
        m = (lo + hi) / 2
        for part in ((lo, m), (m, hi)):
            sub = list(b)
            sub[i] = part
            lower = max(lower, value_at_centre(sub))
            heapq.heappush(heap, (-_centred_bound(qr, sub), tick, sub))
            tick += 1
            count += 1
    return -heap[0][0] + slack


def _surrogate_degree(net, per):
    """An upper bound on the total degree of the surrogate network's outputs."""
    deg = [1] * net.n_inputs
    for k, s in enumerate(net.stages()):
        out = []
        for i, row in enumerate(s.weights):
            d_in = max((deg[src] for j, src in enumerate(s.sources) if s.has_edge(i, j)),
                       default=0)
            sur = per[k][i]
            if sur is None:
                out.append(d_in)
            else:
                cs = list(sur.coefficients)
                while len(cs) > 1 and cs[-1] == 0:
                    cs.pop()
                out.append(d_in * (len(cs) - 1) if len(cs) > 1 else 0)
        deg.extend(out)
    return max(deg[p] for p in net.output_positions())


def surrogate_expansion_bound(net, surrogates, poly, box, *, max_ops=10**9):
    """Certified bound on ``|net(x) - poly(x)|`` over a box, via the surrogate network.

    ``|net - poly| <= |net - net~| + |net~ - poly|``: the first term is
    :func:`surrogate_error_bound`; the second comes from the exact expansion
    of ``net~`` to its full degree (nothing truncated) minus ``poly``,
    re-centred on the box and bounded by its coefficients.  ``poly`` is any
    polynomial in the network's inputs: ``expand(net, order, surrogate=...)``
    truncated at any order, or a refitted one.

    Parameters
    ----------
    net : Network
    surrogates : as for :func:`surrogate_error_bound`
    poly : Polynomial or tuple of Polynomial (one per output)
    box : pair or sequence of pairs
    max_ops : int
        Refuse (``ResourceError``) when the full expansion is estimated to
        need more coefficient products.

    Returns
    -------
    dict
        ``bound`` (Fraction, the total, largest over the outputs), ``surrogate``
        (SurrogateBound), ``truncation`` (tuple of Fraction, per output),
        ``full_degree`` (int).

    Examples
    --------
    >>> from symnet import Network, approximate, expand
    >>> from symnet.approximation import surrogate_expansion_bound
    >>> net = Network.dense([[[1]], [[1]]], activations=["tanh", "identity"])
    >>> ap = approximate("tanh", (-1, 1), 3)
    >>> r = surrogate_expansion_bound(net, ap, expand(net, 1, surrogate=ap), (-1, 1))
    >>> r["full_degree"], r["bound"] == r["surrogate"].rational + r["truncation"][0]
    (3, True)
    """
    from ..errors import ResourceError
    from ..expand import estimate_work, expand
    from ..polynomial import Polynomial
    sb = surrogate_error_bound(net, surrogates, box)
    per = surrogates_per_neuron(net, surrogates)
    D = _surrogate_degree(net, per)
    polys = poly if isinstance(poly, tuple) else (poly,)
    if len(polys) != net.n_outputs or not all(isinstance(p, Polynomial) for p in polys):
        raise ArgumentError(f"poly: expected {net.n_outputs} Polynomial(s) (one per output), "
                            f"got {type(poly).__name__}")
    est = estimate_work(net, D, domain="QQ")
    if est["ops"] > max_ops:
        raise ResourceError(
            f"bounding the truncation needs the surrogate network's full expansion (degree {D}, "
            f"{est['monomials']:,} monomials, about {float(est['ops']):.1e} products; the limit "
            f"is {float(max_ops):.0e}); use lower surrogate degrees or a smaller network")
    full = expand(net, D, surrogate=surrogates, domain="QQ")
    fulls = full if isinstance(full, tuple) else (full,)
    pairs = parse_box(box, net.n_inputs)
    trunc = []
    for F, p in zip(fulls, polys):
        if p.variables != F.variables:
            raise ArgumentError(f"poly is in {p.variables}, the network's inputs are "
                                f"{F.variables}")
        import flint
        ctx = flint.fmpq_mpoly_ctx.get(tuple(f"u{i}" for i in range(net.n_inputs)), "lex")
        diff = _mpoly(ctx, F.terms()) - _mpoly(ctx, p.terms(), p.center)
        t = _mpoly_box_bound(diff, pairs)
        trunc.append(t)
    totals = [a + b for a, b in zip(sb.per_output, trunc)]
    return {"bound": max(totals), "per_output": tuple(totals), "surrogate": sb,
            "truncation": tuple(trunc), "full_degree": D}


def _surrogate_error_model(net, spec, poly, box):
    return surrogate_expansion_bound(net, spec, poly, box)["bound"]


def _register():
    from ..bounds import register_error_model
    register_error_model("surrogate", _surrogate_error_model)


_register()
