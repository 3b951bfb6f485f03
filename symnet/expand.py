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
    OrderError,
    ShapeError,
)
from .network import Network
from .polynomial import Polynomial, _check_order

__all__ = ["expand", "estimate_work", "local_polynomials"]

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
    """Refuse work past the limit; returns the limit in bytes (None: no check)."""
    if memory_limit is None:
        return None
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
    return limit


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


def _choose_domain(net, domain, at_floats=False):
    if domain is None:
        if (net.has_floats or at_floats) and not net.is_symbolic:
            return "RR"
        return "QQ"
    if not isinstance(domain, str):
        raise DomainError(f"domain must be a string such as 'QQ' or 'RR', got {domain!r}")
    if domain in _EXACT_NAMES:
        return "QQ"
    if domain in _FLOAT_NAMES or domain == "mpf":
        if net.is_symbolic:
            raise DomainError(
                f"domain={domain!r} needs numeric weights, but the weights contain the symbols "
                f"{sorted(map(str, net.free_symbols))}; use the default (symbolic) domain or "
                "net.subs(...) first")
        return "RR" if domain in _FLOAT_NAMES else "mpf"
    raise DomainError(f"unknown domain {domain!r}; expected 'QQ' (exact), 'RR' (float64) or "
                      "'mpf' (arbitrary precision)")


def _check_at(net, at):
    n = net.n_inputs
    if at is None:
        return (sympy.S.Zero,) * n
    try:
        import numpy as np
        if isinstance(at, np.ndarray):
            at = at.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(at, sympy.MatrixBase):
        at = list(at)
    if not isinstance(at, (list, tuple)):
        at = [at] if n == 1 else at
        if not isinstance(at, list):
            raise ShapeError(f"at: expected a point with {n} coordinates, got {at!r}")
    if len(at) != n:
        raise ShapeError(f"at: expected a point with {n} coordinates (one per input "
                         f"{net.inputs}), got {len(at)}")
    from .network import _as_weight
    return tuple(_as_weight(a, f"at[{j}]") for j, a in enumerate(at))


def expand(net, order, *, mode="series", series_degree=None, at=None, domain=None, prec=None,
           box=None, memory_limit="auto"):
    """The polynomial of a network, with every coefficient identified.

    Parameters
    ----------
    net : Network
    order : int
        Total degree at which the result is truncated (``Q``).
    mode : {"series", "taylor"}
        ``"series"``: each non-identity activation replaced by its Maclaurin
        polynomial of degree ``series_degree`` (the NN2Poly polynomial).
        ``"taylor"``: the exact Taylor polynomial of the network itself at
        ``at``, every neuron expanded around its own pre-activation value;
        the result is in the shifted variables ``x_i - at_i``.
    series_degree : int or sequence of int, optional
        Series mode: degree ``q_l`` of the activation series, one for all
        layers or one per layer; default ``order``.
    at : sequence, optional
        Taylor mode: the expansion point (default the origin).  Exact
        numbers (or symbols) give exact coefficients such as
        ``e/(1 + e)**2``; floats give float64.
    domain : {None, "QQ", "RR", "mpf"}
        Coefficient domain.  By default exact (``QQ``, with exact constants
        such as ``log(2)`` as needed, or polynomials in the weights when
        they are symbolic) when every weight is exact, float64 (``RR``) when
        any weight is a float.  ``"QQ"`` converts floats to their exact
        binary value: exact, but coefficients grow to thousands of bits and
        it is 10-20 times slower than float.  ``"RR"`` evaluates exact
        weights in float64; ``"mpf"`` uses mpmath at ``prec`` bits.
    prec : int, optional
        Bits of precision for ``domain="mpf"`` (default 128).
    box : sequence of (lo, hi), optional
        Input box the polynomial is meant for: series mode warns when a
        neuron's pre-activation range leaves its activation's radius of
        convergence (see :func:`symnet.convergence_report`).
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

    Taylor mode at a point: the derivative of sigmoid(x + 1) at 0 is e/(1 + e)**2.

    >>> p = expand(Network.dense([[[1]]], biases=[[1]], activations=["sigmoid"]), 1,
    ...            mode="taylor")
    >>> sympy.simplify(p.coeff((1,)) - sympy.E / (1 + sympy.E)**2)
    0
    """
    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}; build one with "
                         "Network.dense(...), Network.from_graph(...) or symnet.from_torch(...)")
    order = _check_order(order)
    if mode not in ("series", "taylor"):
        raise ValueError(f"mode must be 'series' or 'taylor', got {mode!r}")
    if prec is not None and domain != "mpf":
        raise DomainError("prec= is only meaningful with domain='mpf'")
    if prec is not None and (not isinstance(prec, numbers.Integral) or prec < 2):
        raise DomainError(f"prec must be a number of bits >= 2, got {prec!r}")
    if mode == "series":
        if at is not None:
            raise ValueError("at= is only for mode='taylor' (series mode expands every "
                             "activation at 0 by definition)")
        qs = _series_degrees(net, order, series_degree)
        for stage in net.stages():
            for node, act in zip(stage.nodes, stage.activations):
                if not act.analytic:
                    raise NonAnalyticActivationError(
                        f"neuron {node!r} uses {act.name!r}, which is not analytic: it has no "
                        "Maclaurin series, so series mode cannot expand it; use mode='taylor' "
                        "at a point off its kinks, or symnet's piecewise-linear tools for ReLU "
                        "networks")
        dom = _choose_domain(net, domain)
        if box is not None:
            _warn_convergence(net, box)
        _check_memory(net, order, "RR" if dom != "QQ" else "QQ", memory_limit)
        meta = {"mode": "series", "series_degree": tuple(qs)}
        if dom == "QQ":
            return _expand_exact(net, order, qs, float_output=net.has_floats and domain is None,
                                 meta=meta)
        return _expand_dense(net, order, qs, None, dom, prec, meta)
    if series_degree is not None:
        raise ValueError("series_degree= is only for mode='series'")
    point = _check_at(net, at)
    at_floats = any(isinstance(a, float) for a in point)
    dom = _choose_domain(net, domain, at_floats)
    _check_memory(net, order, "RR" if dom != "QQ" else "QQ", memory_limit)
    meta = {"mode": "taylor"}
    if dom == "QQ":
        return _expand_exact(net, order, None, float_output=(net.has_floats or at_floats)
                             and domain is None, center=point, meta=meta)
    return _expand_dense(net, order, None, [point], dom, prec, meta)


def _warn_convergence(net, box):
    try:
        from .bounds import _convergence_warnings
    except ImportError:  # pragma: no cover - the bounds module is optional here
        return
    import warnings
    for msg in _convergence_warnings(net, box):
        warnings.warn(msg, RuntimeWarning, stacklevel=3)


def _wrap(polys):
    return polys[0] if len(polys) == 1 else tuple(polys)


# ---------------------------------------------------------------------------
# float64 and mpf: the dense engine
# ---------------------------------------------------------------------------

_LOCAL_NP = {
    "relu": (lambda c: (c > 0) * c, lambda c: (c > 0) * 1.0, (0.0,)),
    "leaky_relu": (lambda c: c * ((c > 0) + (c <= 0) * 0.01), lambda c: (c > 0) + (c <= 0) * 0.01,
                   (0.0,)),
    "hardtanh": (lambda c: c.clip(-1.0, 1.0), lambda c: (abs(c) < 1) * 1.0, (-1.0, 1.0)),
}


def _mp_ctx(prec):
    import mpmath

    ctx = mpmath.mp.clone()
    ctx.prec = prec or 128
    return ctx


def _expand_dense(net, order, qs, centers, dom, prec, meta, batch=False):
    import numpy as np

    from .activations import taylor_from_system

    stages = net.stages()
    layer_of = {id(s): k for k, s in enumerate(stages)}
    if dom == "RR":
        arrays = None
        conv = float
        const = float
        dtype = float
    else:
        ctx = _mp_ctx(prec)

        def conv(v):
            if isinstance(v, float):
                return ctx.mpf(v)
            v = sympy.sympify(v)
            if v.is_Rational:
                return ctx.mpf(int(v.p)) / int(v.q)
            return ctx.mpf(str(sympy.N(v, int(ctx.dps) + 10)))

        def const(q):
            return ctx.mpf(q.numerator) / q.denominator

        dtype = object
        arrays = []
        for s in stages:
            W = np.empty((len(s.nodes), len(s.sources)), dtype=object)
            for i, row in enumerate(s.weights):
                for j, w in enumerate(row):
                    W[i, j] = conv(w)
            b = np.empty(len(s.nodes), dtype=object)
            for i, v in enumerate(s.biases):
                b[i] = conv(v)
            arrays.append((W, b))
    cache = {}

    def gvec(act, q):
        key = (act.name, q)
        if key not in cache:
            try:
                cache[key] = [conv(c) for c in act.maclaurin(q)]
            except (TypeError, ValueError):
                raise DomainError(f"the series of {act.name!r} has non-numeric coefficients; "
                                  "use the exact domain") from None
        return cache[key]

    def taylor_cols(act, c0, K, node_names):
        """(K+1,) + c0.shape Taylor coefficients of act at c0 (float or mpf)."""
        if not act.analytic:
            if dom == "RR" and act.name in _LOCAL_NP:
                f0, f1, kinks = _LOCAL_NP[act.name]
                for k in kinks:
                    if np.any(c0 == k):
                        raise NonAnalyticActivationError(
                            f"{act.name} is not differentiable at {k}: a pre-activation of "
                            f"{node_names} sits on the kink; move the expansion point")
                D = np.zeros((K + 1,) + c0.shape, dtype=dtype)
                D[0] = f0(c0)
                if K >= 1:
                    D[1] = f1(c0)
                return D
            D = np.zeros((K + 1,) + c0.shape, dtype=dtype)
            for idx in np.ndindex(c0.shape):
                slope, icpt = act.local(sympy.Float(str(c0[idx]), 30)
                                        if dom != "RR" else sympy.Float(float(c0[idx])))
                D[(0,) + idx] = conv(slope) * c0[idx] + conv(icpt)
                if K >= 1:
                    D[(1,) + idx] = conv(slope)
            return D
        if act.polynomial_degree is not None:
            return _dense.series_D(np.asarray([c for c in gvec(act, act.polynomial_degree)],
                                              dtype=dtype), c0, K)
        rules = act._rules
        if rules is None:
            D = np.zeros((K + 1,) + c0.shape, dtype=dtype)
            zs = sympy.Symbol("z")
            for k in range(K + 1):
                fk = sympy.diff(act.func(zs), zs, k) / sympy.factorial(k)
                fn = sympy.lambdify(zs, fk, modules=["numpy"] if dom == "RR" else ["mpmath"])
                D[k] = np.vectorize(fn, otypes=[dtype])(c0) if dom != "RR" else fn(c0)
            return D
        value_rule, deriv_rules, atoms = rules
        zs = sympy.Symbol("z")
        vals = []
        for a in atoms:
            fn = _atom_fn(a(zs), zs, dom)
            vals.append(fn(c0))
        zero = np.zeros_like(c0)
        res = taylor_from_system(value_rule, deriv_rules, c0, vals, K, const, zero)
        return np.stack([np.asarray(r, dtype=dtype) * np.ones_like(c0) for r in res])

    def stage_D(stage, mask, c0):
        k = layer_of[id(stage)]
        acts = [a for a, m in zip(stage.activations, mask) if m]
        nodes = [n for n, m in zip(stage.nodes, mask) if m]
        if qs is not None:  # series mode
            q = qs[k]
            K = min(order, q)
        else:
            K = order
        D = np.zeros((K + 1,) + c0.shape, dtype=dtype)
        groups = {}
        for i, a in enumerate(acts):
            groups.setdefault(a.name, (a, []))[1].append(i)
        for a, idx in groups.values():
            idx = np.asarray(idx)
            if qs is not None:
                D[:, :, idx] = _dense.series_D(np.asarray(gvec(a, q), dtype=dtype), c0[:, idx], K)
            else:
                D[:, :, idx] = taylor_cols(a, c0[:, idx], K, [nodes[i] for i in idx])
        return D

    if centers is not None:
        C = np.array([[conv(v) for v in c] for c in centers], dtype=dtype)
    else:
        C = None
    if dom != "RR":
        import mpmath
        with mpmath.workprec(ctx.prec):
            B, coeffs = _dense.run(net, order, stage_D, centers=C, arrays=arrays)
    else:
        B, coeffs = _dense.run(net, order, stage_D, centers=C, arrays=arrays)
    out = []
    for p in range(coeffs.shape[1]):
        center = None if centers is None else tuple(centers[p])
        polys = [_dense_poly(net, order, B, coeffs[:, p, k], dom, center, meta)
                 for k in range(coeffs.shape[2])]
        out.append(_wrap(polys))
    return out if batch else out[0]


def _atom_fn(expr, zs, dom):
    import numpy as np

    if dom == "RR":
        from .activations import _np
        mods = [{"erf": _np("erf")}, "numpy"]
        fn = sympy.lambdify(zs, expr, modules=mods)
        return lambda c: np.asarray(fn(c), dtype=float) * np.ones_like(c)
    fn = sympy.lambdify(zs, expr, modules=["mpmath"])
    return lambda c: np.vectorize(fn, otypes=[object])(c)


def _dense_poly(net, order, B, c, dom, center, meta):
    if dom == "RR":
        p = Polynomial._from_lazy(net.inputs, order, None, "RR", dense=(B, c.copy()),
                                  center=center)
    else:
        E = B.exponents()
        terms = {tuple(int(e) for e in E[i]): c[i] for i in range(len(c)) if c[i] != 0}
        p = Polynomial._from_terms(net.inputs, order, terms, center=center, domain="mpf")
    p._meta = meta
    return p


# ---------------------------------------------------------------------------
# exact: the python-flint engine
# ---------------------------------------------------------------------------

def _expand_exact(net, order, qs, float_output=False, center=None, meta=None):
    stages = net.stages()
    exprs = []
    for s in stages:
        for row in s.weights:
            exprs.extend(row)
        exprs.extend(s.biases)
    series_keys = []
    if qs is not None:
        for k, s in enumerate(stages):
            for a in s.activations:
                if a.name != "identity" and (a, qs[k]) not in series_keys:
                    series_keys.append((a, qs[k]))
    gstart = len(exprs)
    for a, q in series_keys:
        exprs.extend(a.maclaurin(q))
    cstart = len(exprs)
    if center is not None:
        exprs.extend(center)
    extra = 0
    if qs is None:  # Taylor mode: slots for the values each neuron needs
        for s in stages:
            for a in s.activations:
                if a.name == "identity":
                    continue
                rules = a._rules
                extra += (len(rules[2]) if rules is not None else order + 1) + 2
    ring, elems = _exact.make_ring(net.n_inputs, exprs, extra)
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
    cvals = elems[cstart:cstart + len(center)] if center is not None else None

    if qs is not None:
        def neuron_D(s, i, c0, K):
            act = stages[s].activations[i]
            q = qs[s]
            return _exact.series_D(gtab[(act.name, q)], c0, min(K, q), ring.one)
    else:
        def neuron_D(s, i, c0, K):
            act = stages[s].activations[i]
            try:
                return _exact.taylor_D(ring, act, c0, order)
            except NonAnalyticActivationError as e:
                raise NonAnalyticActivationError(f"neuron {stages[s].nodes[i]!r}: {e}") from None

    outs = _exact.run(net, order, ring, weights, biases, neuron_D, center=cvals)
    conv = _exact.converter(ring, float_output=float_output)
    n = net.n_inputs
    dom = _domain_name(ring, float_output)
    polys = []
    for graded in outs:
        lazy = (lambda g=graded: _exact.to_terms(ring, g, n, conv))
        p = Polynomial._from_lazy(net.inputs, order, lazy, dom, center=center)
        p._meta = meta
        polys.append(p)
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


# ---------------------------------------------------------------------------
# many local polynomials at once
# ---------------------------------------------------------------------------

def local_polynomials(net, X, order, *, domain="RR"):
    """Taylor polynomials of the network at many points, batched (float64).

    Parameters
    ----------
    net : Network
    X : array_like, shape (n_points, n_inputs)
        The expansion points.
    order : int

    Returns
    -------
    list
        One entry per point: a Polynomial (or a tuple, one per output)
        centred at that point.

    Examples
    --------
    >>> import numpy as np
    >>> from symnet import Network, local_polynomials
    >>> net = Network.dense([[[1.0]]], activations=["tanh"])
    >>> ps = local_polynomials(net, np.array([[0.0], [1.0]]), 2)
    >>> print(ps[1])
    0.761594155955765 + 0.419974341614026*(x1 - 1.0) - 0.319850004224612*(x1 - 1.0)**2 + O(|x1 - 1.0|**3)
    """
    import numpy as np

    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}")
    order = _check_order(order)
    if domain not in _FLOAT_NAMES:
        raise DomainError("local_polynomials works in float64 (domain='RR'); use "
                          "expand(net, order, mode='taylor', at=point) for exact ones")
    if net.is_symbolic:
        raise DomainError("local_polynomials needs numeric weights; use net.subs(...) first")
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != net.n_inputs:
        raise ShapeError(f"X: expected points of shape (n_points, {net.n_inputs}), got "
                         f"{X.shape}")
    if not np.all(np.isfinite(X)):
        raise ShapeError("X: points must be finite")
    limit = _check_memory(net, order, "RR", "auto")  # one point must fit
    # a batch of c points needs about c times one point's memory: at most 64, within the limit
    per_point = max(1, estimate_work(net, order)["bytes"])
    chunk = max(1, min(len(X), 64, limit // per_point))
    out = []
    for s in range(0, len(X), chunk):
        out.extend(_expand_dense(net, order, None, [tuple(r) for r in X[s:s + chunk]], "RR",
                                 None, {"mode": "taylor"}, batch=True))
    return out
