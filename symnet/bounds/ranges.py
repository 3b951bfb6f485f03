"""Certified pre-activation ranges of every neuron over a box.

Two rigorous enclosures of each pre-activation are intersected: the range
of its Taylor model (:mod:`symnet.bounds.taylor_models`, which sees the
cancellations between paths) and plain interval propagation through the
layers (which cannot blow up on deep or saturated networks).  The ranges
feed :func:`~symnet.bounds.convergence_report` and surrogate fitting
(:func:`preactivation_ranges`).

Examples
--------
>>> from symnet import Network
>>> from symnet.bounds import preactivation_ranges
>>> net = Network.dense([[[1, 1], [1, -1]], [[1, 1]]], activations=["tanh", "identity"])
>>> first, second = preactivation_ranges(net, (-1, 1))
>>> [(round(float(lo), 6), round(float(hi), 6)) for lo, hi in first]   # x1 + x2, x1 - x2
[(-2.0, 2.0), (-2.0, 2.0)]
>>> lo, hi = second[0]                   # tanh(x1 + x2) + tanh(x1 - x2)
>>> lo <= -2 * sympy.tanh(1) and 2 * sympy.tanh(1) <= hi < 1.93
True
"""

from __future__ import annotations

import numpy as np
import sympy  # noqa: F401  (used by the doctests)
from flint import arb

from .._validate import as_int, as_prec
from ..errors import InputError, WeightError
from .balls import Uncertifiable, precision, rational_bounds, union
from .boxes import parse_box
from .enclosures import neuron_taylor, sigma_range, sigma_value
from .taylor_models import TaylorModels, weight_balls

__all__ = ["preactivation_ranges", "interval_ranges", "weight_bounds"]


def check_network(net, what):
    """A Network with numeric weights (InputError / WeightError otherwise).

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.bounds.ranges import check_network
    >>> check_network(Network.mlp([1, 1], ["tanh"]), "this")
    Traceback (most recent call last):
        ...
    symnet.errors.WeightError: this needs numeric weights, but they contain the symbols ['b1_1', 'w1_1_1']; substitute them with net.subs(...) first
    """
    from ..network import Network

    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}")
    if net.is_symbolic:
        raise WeightError(f"{what} needs numeric weights, but they contain the symbols "
                          f"{sorted(map(str, net.free_symbols))}; substitute them with "
                          "net.subs(...) first")
    return net


def model_ranges(net, balls, order, weights=None):
    """Pre-activation ranges (dict node -> ball) over the box ``balls``.

    Taylor models of degree ``order`` intersected with interval propagation.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import Network
    >>> from symnet.bounds.ranges import model_ranges
    >>> net = Network.dense([[[2]]], activations=["tanh"])
    >>> model_ranges(net, [(arb(-1), arb(1))], 2)[(1, 1)].contains(2)
    True
    """
    weights = weight_balls(net) if weights is None else weights
    center = [(lo + hi) / 2 for lo, hi in balls]
    yr = [((lo - c).lower(), (hi - c).upper()) for (lo, hi), c in zip(balls, center)]
    tm = TaylorModels(net, order, center, yr, weights)

    def rule(s, act, cstar, Wr, R):
        return neuron_taylor(act, cstar, Wr, R, order, 1)

    _, ranges, _ = tm.run(rule)
    return refine_ranges(net, balls, ranges, weights)


def refine_ranges(net, balls, ranges, weights):
    """Intersect the model ranges with plain interval propagation (both rigorous).

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import Network
    >>> from symnet.bounds.ranges import refine_ranges
    >>> from symnet.bounds.taylor_models import weight_balls
    >>> net = Network.dense([[[2]]], activations=["tanh"])
    >>> wide = {(1, 1): arb(0, 100)}   # a loose range is cut to [-2, 2]
    >>> r = refine_ranges(net, [(arb(-1), arb(1))], wide, weight_balls(net))[(1, 1)]
    >>> float(r.upper()) < 2.001
    True
    """
    stages = net.stages()
    index = {id(s): k for k, s in enumerate(stages)}
    out = {}

    def step(stage, src):
        W, b = weights[index[id(stage)]]
        vals = []
        for i, (node, act) in enumerate(zip(stage.nodes, stage.activations)):
            z = _preactivation(W, b, i, src)
            R = ranges[node]
            if not R.is_finite():
                R = z
            elif z.is_finite() and z.overlaps(R):
                R = arb.intersection(z, R)
            out[node] = R
            try:
                h = sigma_range(act, R) if R.is_finite() else arb.nan()
            except Uncertifiable:
                h = arb.nan()
            vals.append(h)
        return vals

    net.forward([union(lo, hi) for lo, hi in balls], step)
    return out


def _preactivation(W, b, i, src):
    """Ball of neuron ``i``'s pre-activation ``b_i + sum_j W_ij src_j`` (zero weights skipped)."""
    z = b[i]
    for j, v in enumerate(src):
        if not W[i, j].is_zero():
            z = z + W[i, j] * v
    return z


def point_preactivations(net, point, weights):
    """Ball pre-activations of every neuron at one point (a list of balls): dict node -> ball.

    Examples
    --------
    >>> from flint import arb
    >>> from symnet import Network
    >>> from symnet.bounds.ranges import point_preactivations
    >>> from symnet.bounds.taylor_models import weight_balls
    >>> net = Network.dense([[[2]], [[3]]], activations=["relu", "identity"])
    >>> z = point_preactivations(net, [arb(1)], weight_balls(net))
    >>> float(z[(1, 1)].mid()), float(z[(2, 1)].mid())
    (2.0, 6.0)
    """
    stages = net.stages()
    index = {id(s): k for k, s in enumerate(stages)}
    out = {}

    def step(stage, src):
        W, b = weights[index[id(stage)]]
        vals = []
        for i, (node, act) in enumerate(zip(stage.nodes, stage.activations)):
            z = _preactivation(W, b, i, src)
            out[node] = z
            try:
                vals.append(sigma_value(act, z))
            except Uncertifiable:
                vals.append(arb.nan())
        return vals

    net.forward(list(point), step)
    return out


def float_preactivations(net, X):
    """Float64 pre-activations of every neuron at the rows of X: dict node -> array.

    Examples
    --------
    >>> import numpy as np
    >>> from symnet import Network
    >>> from symnet.bounds.ranges import float_preactivations
    >>> net = Network.dense([[[2]], [[3]]], activations=["relu", "identity"])
    >>> float_preactivations(net, np.array([[1.0], [-1.0]]))[(2, 1)].tolist()
    [6.0, 0.0]
    """
    from ..activations import numpy_function

    out = {}

    def step(stage, src):
        W, b = stage.weight_array(), stage.bias_array()
        H = np.stack(src, axis=1) if src else np.zeros((X.shape[0], 0))
        with np.errstate(all="ignore"):
            Z = H @ W.T + b
        vals = []
        for i, (node, act) in enumerate(zip(stage.nodes, stage.activations)):
            out[node] = Z[:, i]
            with np.errstate(all="ignore"):
                vals.append(numpy_function(act)(Z[:, i]))
        return vals

    net.forward([X[:, j] for j in range(net.n_inputs)], step)
    return out


def weight_bounds(w, where="weight"):
    """``(lo, hi)`` exact Rationals containing a weight (equal for rationals and floats).

    Examples
    --------
    >>> import sympy
    >>> from symnet.bounds.ranges import weight_bounds
    >>> weight_bounds(0.5), weight_bounds(sympy.Rational(1, 3))
    ((1/2, 1/2), (1/3, 1/3))
    >>> lo, hi = weight_bounds(sympy.sqrt(2))
    >>> lo < sympy.sqrt(2) < hi
    True
    """
    from .._validate import as_weight
    from .arbprint import ArbPrinter

    w = as_weight(w, where)
    if isinstance(w, float):
        q = sympy.Rational(w)
        return q, q
    if w.is_Rational:
        return w, w
    if w.free_symbols:
        raise WeightError(f"{where}: {w} contains the symbols {sorted(map(str, w.free_symbols))};"
                          " substitute numbers first (net.subs(...))")
    with precision(128):
        try:
            return rational_bounds(ArbPrinter().ball(w))
        except Uncertifiable as e:
            raise WeightError(f"{where}: cannot enclose {w}: {e}") from None


def _times(w, x):
    (wl, wh), (xl, xh) = w, x
    if wl == wh:
        return (wl * xl, wl * xh) if wl >= 0 else (wl * xh, wl * xl)
    ps = (wl * xl, wl * xh, wh * xl, wh * xh)
    return min(ps), max(ps)


def interval_ranges(net, box):
    """Pre-activation ranges by exact interval arithmetic, stage by stage.

    The affine maps are evaluated exactly in rationals (floats at their
    exact binary value), the activations enclosed by
    :func:`~symnet.bounds.activation_enclosure`: exact for the first layer
    (the range of an affine function over a box), rigorous everywhere.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.bounds.ranges import interval_ranges
    >>> net = Network.dense([[[1, -2]], [[3]]], biases=[[1], [0]], activations=["relu", "identity"])
    >>> interval_ranges(net, [(0, 1), (0, 1)])
    [[(-1, 2)], [(0, 6)]]
    """
    from .enclosures import activation_enclosure

    check_network(net, "interval_ranges")
    b = parse_box(box, net.n_inputs)
    inputs = []
    for lo, hi in b.exact:
        inputs.append((sympy.Rational(lo) if isinstance(lo, float) else lo,
                       sympy.Rational(hi) if isinstance(hi, float) else hi))
    out = []

    def step(s, src):
        ranges, acts = [], []
        for i, (row, bias, act) in enumerate(zip(s.weights, s.biases, s.activations)):
            lo, hi = weight_bounds(bias, f"layer {s.layer} bias [{i}]")
            for j, w in enumerate(row):
                if w == 0 or not s.has_edge(i, j):
                    continue
                a, c = _times(weight_bounds(w, f"layer {s.layer} weights [{i}, {j}]"), src[j])
                lo, hi = lo + a, hi + c
            ranges.append((lo, hi))
            acts.append((lo, hi) if act.is_identity else activation_enclosure(act, lo, hi))
        out.append(ranges)
        return acts

    net.forward(inputs, step)
    return out


def preactivation_ranges(net, box, *, order=2, prec=96):
    """Certified ranges of every neuron's pre-activation over a box.

    Parameters
    ----------
    net : Network
        Numeric weights (exact or float).
    box : pair or sequence of pairs
        As in :func:`~symnet.bounds.error_bound`.
    order : int
        Degree of the Taylor models used (higher: tighter ranges for deep
        networks, slower).
    prec : int
        Working precision in bits.

    Returns
    -------
    list of list of (Rational, Rational)
        One list per stage (``net.stages()`` order), one pair per neuron:
        exact sympy Rationals ``(lo, hi)`` (dyadic, rounded outward) with
        ``lo <= z(x) <= hi`` for every ``x`` in the box, ``z`` the neuron's
        pre-activation (weighted sum plus bias).

    Raises
    ------
    BoxError, ShapeError
        For a malformed box.
    UncertifiedBoundError
        When a range cannot be enclosed (an activation of an earlier layer
        that cannot be evaluated in ball arithmetic).

    Examples
    --------
    >>> import sympy
    >>> from symnet import Network
    >>> from symnet.bounds import preactivation_ranges
    >>> net = Network.dense([[[2, -1]], [[3]]], biases=[[1], [0]], activations=["tanh", "identity"])
    >>> r = preactivation_ranges(net, [(0, 1), (0, sympy.Rational(1, 2))])
    >>> (lo, hi), = r[0]                # 2 x1 - x2 + 1 ranges over [1/2, 3]
    >>> lo <= sympy.Rational(1, 2) and 3 <= hi and hi - lo < 2.5 + 1e-6
    True
    >>> lo, hi = r[1][0]
    >>> lo <= 3 * sympy.tanh(sympy.Rational(1, 2)) and 3 * sympy.tanh(3) <= hi
    True
    """
    from ..errors import UncertifiedBoundError

    check_network(net, "preactivation_ranges")
    order = as_int(order, "order", minimum=0, maximum=32)
    prec = as_prec(prec)
    try:
        exact = interval_ranges(net, box)   # exact where the maps are affine in the box
    except UncertifiedBoundError:
        exact = None
    with precision(prec):
        b = parse_box(box, net.n_inputs)
        ranges = model_ranges(net, b.balls(), order)
        out = []
        for k, s in enumerate(net.stages()):
            row = []
            for i, node in enumerate(s.nodes):
                try:
                    lo, hi = rational_bounds(ranges[node])
                except Uncertifiable:
                    if exact is None:
                        raise UncertifiedBoundError(
                            f"no certified range for the pre-activation of neuron {node!r} on "
                            "this box (an enclosure of an earlier layer is not finite)") from None
                    lo, hi = exact[k][i]
                if exact is not None:   # both enclose the range: intersect
                    lo, hi = max(lo, exact[k][i][0]), min(hi, exact[k][i][1])
                row.append((lo, hi))
            out.append(row)
    return out
