"""Expanding a network into its polynomial.

:func:`expand` picks a coefficient domain from the weights, checks that the
work fits this machine, runs the exact (python-flint) or float (numpy)
engine and wraps the result in :class:`~symnet.Polynomial` objects.

Series mode (the NN2Poly polynomial): every non-identity activation is
replaced by its Maclaurin polynomial of degree ``q_l`` (``series_degree``)
applied to the whole pre-activation, bias included, and the result is
truncated at total degree ``order``.

Examples
--------
>>> from symnet import Network, expand
>>> net = Network.dense([[[1, 2]]], activations=["sigmoid"])
>>> p = expand(net, 3)
>>> p.coeff((1, 2))
-1/4
"""

from __future__ import annotations

import numbers
import os
from math import comb

import sympy

from . import _dense, _exact
from .activations import _check_degree
from .errors import (
    DomainError,
    ExpansionTooLargeError,
    InputError,
    NonAnalyticActivationError,
    NotSupportedError,
    OrderError,
    ShapeError,
)
from .network import Network
from .polynomial import Polynomial, _check_order

__all__ = ["expand", "estimate_work"]

_EXACT_NAMES = {"QQ", "exact", "qq"}
_FLOAT_NAMES = {"RR", "float", "float64", "rr"}


def _available_memory():
    """Bytes of memory available to this process (best effort)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 8 << 30


def estimate_work(net, order, *, domain="RR"):
    """Estimated size of an expansion: monomials, neurons and bytes.

    Parameters
    ----------
    net : Network
    order : int
    domain : str
        ``"RR"`` (float engine) or ``"QQ"`` (exact engine).

    Returns
    -------
    dict
        ``monomials`` (of degree <= order), ``neurons``, ``slots``
        (monomials x nodes) and ``bytes`` (a rough peak estimate).

    Examples
    --------
    >>> from symnet import Network, estimate_work
    >>> estimate_work(Network.dense([[[1, 2]]]), 3)["monomials"]
    10
    """
    n = net.n_inputs
    order = _check_order(order)
    N = comb(n + order, order)
    nodes = n + len(net.neurons)
    width = max((len(s.nodes) for s in net.stages()), default=1)
    if domain in _FLOAT_NAMES:
        # node arrays, power temporaries, pair tables
        counts = [comb(n + d - 1, d) for d in range(order + 1)]
        pairs = sum(counts[a] * counts[b] for a in range(1, order + 1)
                    for b in range(a, order + 1 - a))
        nbytes = 8 * N * (nodes + 4 * width) + 48 * pairs
    else:
        nbytes = 160 * N * (nodes + 4 * width)
    return {"monomials": N, "neurons": len(net.neurons), "slots": N * nodes, "bytes": nbytes}


def _check_memory(net, order, domain, memory_limit):
    if memory_limit is None:
        return
    est = estimate_work(net, order, domain=domain)
    if memory_limit == "auto":
        avail = _available_memory()
        limit = avail // 2
        where = f"half of the {avail / 2**30:.1f} GiB this machine has available"
    else:
        if not isinstance(memory_limit, numbers.Real) or memory_limit <= 0:
            raise ValueError(f"memory_limit must be 'auto', None or a positive number of bytes, "
                             f"got {memory_limit!r}")
        limit = memory_limit
        where = f"memory_limit={memory_limit}"
    if est["bytes"] > limit:
        raise ExpansionTooLargeError(
            f"this expansion needs about {est['bytes'] / 2**30:.2f} GiB ({est['monomials']:,} "
            f"monomials x {net.n_inputs + len(net.neurons)} nodes), more than {where}; lower "
            f"the order, or pass memory_limit=None to expand(...) to run it anyway")


def _series_degrees(net, order, series_degree):
    stages = net.stages()
    L = len(stages)
    if series_degree is None:
        return [order] * L
    if isinstance(series_degree, (list, tuple)) or hasattr(series_degree, "__len__"):
        qs = list(series_degree)
        if len(qs) != L:
            raise ShapeError(f"series_degree: expected one degree per layer ({L} layers), "
                             f"got {len(qs)}: {qs}")
    else:
        qs = [series_degree] * L
    try:
        return [_check_degree(q) for q in qs]
    except OrderError:
        raise OrderError(f"series_degree must be a non-negative int or one per layer, "
                         f"got {series_degree!r}") from None


def _choose_domain(net, domain):
    if domain is None:
        if net.has_floats and not net.is_symbolic:
            return "RR"
        return "QQ"
    if not isinstance(domain, str):
        raise DomainError(f"domain must be a string such as 'QQ' or 'RR', got {domain!r}")
    if domain in _EXACT_NAMES:
        return "QQ"
    if domain in _FLOAT_NAMES:
        if net.is_symbolic:
            raise DomainError(
                f"domain={domain!r} needs numeric weights, but the weights contain the symbols "
                f"{sorted(map(str, net.free_symbols))}; use the default (symbolic) domain or "
                "net.subs(...) first")
        return "RR"
    raise DomainError(f"unknown domain {domain!r}; expected 'QQ' (exact) or 'RR' (float64)")


def expand(net, order, *, mode="series", series_degree=None, domain=None, memory_limit="auto"):
    """The polynomial of a network, with every coefficient identified.

    Parameters
    ----------
    net : Network
    order : int
        Total degree at which the result is truncated (``Q``).
    mode : {"series"}
        ``"series"``: each non-identity activation replaced by its Maclaurin
        polynomial of degree ``series_degree`` (the NN2Poly polynomial).
    series_degree : int or sequence of int, optional
        Degree ``q_l`` of the activation series, one for all layers or one
        per layer; default ``order``.
    domain : {None, "QQ", "RR"}
        Coefficient domain.  By default exact (``QQ``, with exact constants
        such as ``log(2)`` as needed, or polynomials in the weights when
        they are symbolic) when every weight is exact, float64 (``RR``) when
        any weight is a float.  ``"QQ"`` converts floats to their exact
        binary value: exact, but coefficients grow to thousands of bits and
        it is 10-20 times slower than float.  ``"RR"`` evaluates exact
        weights in float64.
    memory_limit : "auto", int or None
        Refuse (``ExpansionTooLargeError``) when the estimated memory exceeds
        half the available memory (``"auto"``) or this many bytes; ``None``
        disables the check.

    Returns
    -------
    Polynomial, or a tuple of them (one per output)

    Examples
    --------
    >>> import sympy
    >>> from symnet import Network, expand
    >>> net = Network.dense([[[1, 2]]], activations=["sigmoid"])
    >>> print(expand(net, 3))
    1/2 + x1/4 + x2/2 - x1**3/48 - x1**2*x2/8 - x1*x2**2/4 - x2**3/6 + O(|(x1, x2)|**4)
    >>> expand(Network.dense([[[0.5]]], activations=["tanh"]), 3).coeff((3,))
    -0.041666666666666664
    """
    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}; build one with "
                         "Network.dense(...), Network.from_graph(...) or symnet.from_torch(...)")
    order = _check_order(order)
    if mode != "series":
        if mode == "taylor":
            raise NotSupportedError("mode='taylor' is not available yet")
        raise ValueError(f"mode must be 'series' or 'taylor', got {mode!r}")
    qs = _series_degrees(net, order, series_degree)
    for stage in net.stages():
        for node, act in zip(stage.nodes, stage.activations):
            if not act.analytic:
                raise NonAnalyticActivationError(
                    f"neuron {node!r} uses {act.name!r}, which is not analytic: it has no "
                    "Maclaurin series, so series mode cannot expand it; use mode='taylor' at a "
                    "point off its kinks, or symnet's piecewise-linear tools for ReLU networks")
    dom = _choose_domain(net, domain)
    _check_memory(net, order, dom, memory_limit)
    if dom == "RR":
        return _expand_float(net, order, qs)
    return _expand_exact(net, order, qs, float_output=net.has_floats and domain is None)


def _wrap(polys):
    return polys[0] if len(polys) == 1 else tuple(polys)


def _expand_float(net, order, qs):
    import numpy as np

    cache = {}

    def gvec(act, q):
        key = (act.name, q)
        if key not in cache:
            try:
                cache[key] = [float(c) for c in act.maclaurin(q)]
            except TypeError:
                raise DomainError(f"the series of {act.name!r} has non-numeric coefficients; "
                                  "use the exact domain") from None
        return cache[key]

    stages = net.stages()
    layer_of = {id(s): k for k, s in enumerate(stages)}

    def stage_D(stage, mask):
        q = qs[layer_of[id(stage)]]
        K = min(order, q)
        acts = [a for a, m in zip(stage.activations, mask) if m]

        def Dfun(c0):
            D = np.zeros((K + 1, c0.shape[0]))
            names = {}
            for i, a in enumerate(acts):
                names.setdefault(a.name, (a, []))[1].append(i)
            for a, idx in names.values():
                idx = np.asarray(idx)
                D[:, idx] = _dense.series_D(gvec(a, q), c0[idx], K)
            return D

        return Dfun, K

    B, C = _dense.run(net, order, stage_D)
    polys = [Polynomial._from_lazy(net.inputs, order, None, "RR", dense=(B, C[:, k].copy()))
             for k in range(C.shape[1])]
    return _wrap(polys)


def _expand_exact(net, order, qs, float_output=False):
    stages = net.stages()
    exprs = []
    for s in stages:
        for row in s.weights:
            exprs.extend(row)
        exprs.extend(s.biases)
    series_keys = []
    for k, s in enumerate(stages):
        for a in s.activations:
            if a.name != "identity" and (a, qs[k]) not in series_keys:
                series_keys.append((a, qs[k]))
    gstart = len(exprs)
    for a, q in series_keys:
        exprs.extend(a.maclaurin(q))
    ring, elems = _exact.make_ring(net.n_inputs, exprs)
    pos = 0
    weights, biases = [], []
    for s in stages:
        W = []
        for row in s.weights:
            W.append(elems[pos:pos + len(row)])
            pos += len(row)
        weights.append(W)
        biases.append(elems[pos:pos + len(s.biases)])
        pos += len(s.biases)
    gtab = {}
    pos = gstart
    for a, q in series_keys:
        gtab[(a.name, q)] = [g if _exact._nonzero(g) else None for g in elems[pos:pos + q + 1]]
        pos += q + 1

    def neuron_D(s, i, c0, K):
        act = stages[s].activations[i]
        q = qs[s]
        return _exact.series_D(gtab[(act.name, q)], c0, min(K, q), ring.one)

    outs = _exact.run(net, order, ring, weights, biases, neuron_D)
    conv = _exact.converter(ring, float_output=float_output)
    n = net.n_inputs
    dom = _domain_name(ring, float_output)
    polys = []
    for graded in outs:
        lazy = (lambda g=graded: _exact.to_terms(ring, g, n, conv))
        polys.append(Polynomial._from_lazy(net.inputs, order, lazy, dom))
    return _wrap(polys)


def _domain_name(ring, float_output):
    params = ring.params
    if not params:
        return "RR" if float_output else "QQ"
    if float_output:
        return "EX"
    names = [sympy.sstr(p) for p in params]
    if len(names) > 8:
        names = names[:4] + [f"... ({len(names)} parameters)"]
    return "QQ[" + ", ".join(names) + "]"
