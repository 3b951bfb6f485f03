"""Expanding a network into its polynomial: validate -> plan -> engine -> Polynomial.

Series mode (the NN2Poly polynomial): every non-identity activation is
replaced by its Maclaurin polynomial of degree ``q_l`` (``series_degree``)
applied to the whole pre-activation, bias included, and the result is
truncated at total degree ``order``.  Taylor mode: the network's own Taylor
polynomial at a point, every neuron expanded around its own pre-activation
value.  Both are one algorithm: each neuron gets a *rule* (its activation's
rule in Taylor mode; the Maclaurin polynomial, or a surrogate, in series
mode) and the engine expands ``rule`` around the neuron's constant term.

Examples
--------
>>> from symnet import Network, expand
>>> net = Network.dense([[[1, 2]]], activations=["sigmoid"])
>>> p = expand(net, 3)
>>> p.coeff((1, 2))
-1/4
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import sympy

from ._validate import as_order, as_prec, as_series_degrees, as_weight, memory_limit_bytes
from .activations import PolynomialRule, get_activation
from .engines import Plan, get_engine
from .engines.cost import (BASE_BYTES, MAX_WORK, OPS_PER_SECOND, describe_bytes,
                           describe_count, describe_seconds)
from .engines.cost import estimate as cost_estimate
from .errors import (ActivationError, ArgumentError, DomainError, ExpansionTooLargeError, InputError,
                     NonAnalyticActivationError, ShapeError, SymnetError,
                     WeightError)
from .network import Network

__all__ = ["expand", "estimate_work", "local_polynomials", "surrogates_per_neuron"]

_EXACT_NAMES = {"QQ", "exact", "qq"}
_FLOAT_NAMES = {"RR", "float", "float64", "rr"}


def _check_net(net):
    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}; build one with "
                         "Network.dense(...), Network.from_graph(...) or symnet.from_torch(...)")


def estimate_work(net, order, *, domain="RR", mode="series", points=1, prec=None,
                  series_degree=None, series_rules=True):
    """Estimated size of an expansion: monomials, neurons, peak bytes and operations.

    The estimate costs O(layers) whatever the order (closed forms: no loop over
    degrees), so :func:`expand` refuses an impossible request in milliseconds.

    Parameters
    ----------
    net : Network
    order : int
    domain : str
        ``"RR"`` (float engine), ``"QQ"`` (exact engine) or ``"mpf"``.
    mode : {"series", "taylor"}
    points : int
        Taylor mode: centres expanded at once (:func:`local_polynomials`).
    prec : int, optional
        Bits of an ``"mpf"`` expansion (default 128).
    series_degree : int, optional
        Series mode: the largest activation series degree (default ``order``).
    series_rules : bool
        Series mode: False when surrogates replace the activations (no
        Maclaurin coefficients to compute).

    Returns
    -------
    dict
        ``monomials`` (of degree <= order), ``neurons``, ``slots``
        (monomials x nodes), ``bytes`` (the peak, within 1.5x of the
        measured peak on the benchmark workloads), ``ops`` (coefficient
        products of the expansion itself, whatever the domain), ``work``
        (everything, the activation series and the domain's cost per
        product included, in float64 products: about ``1.5e8`` a second on
        one core) and ``seconds`` (``work`` in seconds).  Numbers too large
        for a machine are floats (at most ``2**1000``).

    Examples
    --------
    >>> from symnet import Network, estimate_work
    >>> estimate_work(Network.dense([[[1, 2]]]), 3)["monomials"]
    10
    >>> est = estimate_work(Network.dense([[[1]]], activations=["tanh"]), 10**6, domain="QQ")
    >>> est["work"] > 1e12                     # refused by expand: years of work
    True
    """
    _check_net(net)
    Q = as_order(order, maximum=None)
    if mode not in ("series", "taylor"):
        raise ArgumentError(f"mode must be 'series' or 'taylor', got {mode!r}")
    if series_degree is not None:
        series_degree = as_order(series_degree, maximum=None)
    return cost_estimate(net, Q, domain=domain, mode=mode, points=points, prec=prec,
                         series_degree=series_degree, series_rules=series_rules)


def _check_cost(net, order, domain, memory_limit, *, mode="series", points=1, prec=None,
                series_degree=None, series_rules=True):
    """Refuse work past the memory limit or the work bound; returns the limit in bytes.

    Runs before any rule or table is built, in O(layers).
    """
    limit, where = memory_limit_bytes(memory_limit)
    if limit is None:
        return None
    est = estimate_work(net, order, domain=domain, mode=mode, points=points, prec=prec,
                        series_degree=series_degree, series_rules=series_rules)
    over_memory, over_work = est["bytes"] > limit, est["work"] > MAX_WORK
    if over_memory or over_work:
        raise ExpansionTooLargeError(
            f"this expansion (order {describe_count(order)}: {describe_count(est['monomials'])} monomials x "
            f"{net.n_inputs + len(net.neurons)} nodes) needs about {describe_bytes(est['bytes'])} and "
            f"{describe_count(est['work'])} operations ({describe_seconds(est['seconds'])} on one core); "
            f"the limits are {describe_bytes(limit)} ({where}) and {float(MAX_WORK):.0e} operations "
            f"({describe_seconds(MAX_WORK / OPS_PER_SECOND)}); lower the order, or pass "
            "memory_limit=None to run it anyway")
    return limit


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
    if type(at).__module__ == "numpy" and hasattr(at, "tolist"):
        at = at.tolist()
    if isinstance(at, sympy.MatrixBase):
        at = list(at)
    if not isinstance(at, (list, tuple)):
        if n == 1:
            at = [at]
        else:
            raise ShapeError(f"at: expected a point with {n} coordinates, got {at!r}")
    if len(at) != n:
        raise ShapeError(f"at: expected a point with {n} coordinates (one per input "
                         f"{net.inputs}), got {len(at)}")
    return tuple(as_weight(a, f"at[{j}]") for j, a in enumerate(at))


def _surrogate_rule(sur, where):
    """``(rule, activation name or None)`` from an Approximation, a rule or coefficients."""
    if isinstance(sur, PolynomialRule):
        return sur, None
    coeffs = getattr(sur, "coefficients", sur)
    act = getattr(sur, "activation", None)
    try:
        return PolynomialRule(list(coeffs)), getattr(act, "name", None)
    except (TypeError, ValueError) as e:
        raise ArgumentError(f"{where}: expected an Approximation (or its exact coefficients), "
                            f"got {type(sur).__name__} ({e})") from None


def surrogates_per_neuron(net, surrogate):
    """Which surrogate each neuron uses: ``expand``'s ``surrogate=`` rules, in one place.

    ``surrogate``: one object for every non-identity neuron; a dict keyed by
    neuron or by activation name (neuron first); or a list with one entry
    per layer (the identity layers may be left out).

    Returns
    -------
    list of lists
        Per stage, per neuron: the object given, or None (identity neurons,
        or none given).

    Raises
    ------
    ShapeError
        A list of the wrong length.
    ActivationError
        A dict naming an activation no neuron uses.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.expand import surrogates_per_neuron
    >>> net = Network.dense([[[1], [2]], [[1, 1]]], activations=["tanh", "identity"])
    >>> surrogates_per_neuron(net, {(1, 2): "b", "tanh": "a"})
    [['a', 'b'], [None]]
    """
    stages = net.stages()
    if isinstance(surrogate, dict):   # keyed by neuron, or by activation name
        nodes = {n for st in stages for n in st.nodes}
        by_node = {k: v for k, v in surrogate.items() if k in nodes}
        by_name = {get_activation(k).name: v for k, v in surrogate.items()
                   if k not in nodes}   # aliases and family spellings too
        present = {a.name for st in stages for a in st.activations if not a.is_identity}
        unused = sorted(set(by_name) - present)
        if unused:
            raise ActivationError(
                f"surrogate: no neuron uses {unused[0]!r} (the network's activations are "
                f"{sorted(present)}); a dict maps activation names or neurons to surrogates")

        def pick(k, node, act):
            return by_node[node] if node in by_node else by_name.get(act.name)
    elif isinstance(surrogate, (list, tuple)) and not all(
            isinstance(c, (int, float, Fraction, sympy.Basic)) for c in surrogate):
        active = [k for k, s in enumerate(stages)
                  if not all(a.is_identity for a in s.activations)]
        if len(surrogate) == len(stages):
            layers = list(range(len(stages)))
        elif len(surrogate) == len(active):   # the identity output layer may be left out
            layers = active
        else:
            raise ShapeError(f"surrogate: expected one entry per layer ({len(stages)}, or "
                             f"{len(active)} without the identity layers), got "
                             f"{len(surrogate)}")
        per_layer = dict(zip(layers, surrogate))

        def pick(k, node, act):
            return per_layer.get(k)
    else:
        def pick(k, node, act):
            return surrogate
    return [[None if act.is_identity else pick(k, node, act)
             for node, act in zip(s.nodes, s.activations)] for k, s in enumerate(stages)]


def _series_rules(net, qs, surrogate):
    """One rule per neuron: the truncated Maclaurin polynomial (or the surrogate)."""
    stages = net.stages()
    given_for = None if surrogate is None else surrogates_per_neuron(net, surrogate)
    made = {}   # id(object) -> (rule, activation name): each object converted once
    out, cache = [], {}
    for k, s in enumerate(stages):
        rules = []
        for i, (node, act) in enumerate(zip(s.nodes, s.activations)):
            if act.is_identity:
                rules.append(None)
                continue
            obj = None if given_for is None else given_for[k][i]
            if obj is not None:
                if id(obj) not in made:
                    made[id(obj)] = _surrogate_rule(obj, f"surrogate for neuron {node!r}")
                rule, made_for = made[id(obj)]
                if made_for is not None and made_for != act.name:
                    raise ActivationError(
                        f"neuron {node!r} uses {act.name!r}, but the surrogate given for it "
                        f"approximates {made_for!r}; pass one made with "
                        f"symnet.approximate({act.name!r}, ...) (or a dict name -> surrogate)")
                rules.append(rule)
                continue
            if not act.analytic:
                raise NonAnalyticActivationError(
                    f"neuron {node!r} uses {act.name!r}, which is not analytic: it has no "
                    "Maclaurin series, so series mode cannot expand it; use mode='taylor' "
                    "at a point off its kinks, symnet.piecewise(net) for the exact "
                    "piecewise-linear map, or expand(..., surrogate=symnet.approximate(...)) "
                    "for a polynomial surrogate")
            key = (act.name, qs[k])
            rule = cache.get(key)
            if rule is None:
                rule = cache[key] = act.series_rule(qs[k])
            rules.append(rule)
        out.append(tuple(rules))
    return tuple(out)


def _taylor_rules(net):
    return tuple(tuple(None if a.is_identity else a.rule for a in s.activations)
                 for s in net.stages())


def expand(net, order, *, mode="series", series_degree=None, at=None, domain=None, prec=None,
           box=None, memory_limit="auto", surrogate=None, engine=None):
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
        half the memory this process may still use (``"auto"``: the
        smallest of available memory, the cgroup limit and ``RLIMIT_AS``)
        or this many bytes, or when the estimated work is hours; ``None``
        disables both checks.
    surrogate : Approximation, dict or list, optional
        Series mode: a polynomial to use in place of every non-identity
        activation (one Approximation, a mapping activation name or neuron
        -> Approximation, or one per layer); activations without one keep
        their Maclaurin series.
    engine : str or engine object, optional
        An engine by name (see :mod:`symnet.engines`) or a configured one
        such as ``DaskEngine(client, keep="distributed")``; default by domain.

    Returns
    -------
    Polynomial, or a tuple of them (one per output)

    Raises
    ------
    ExpansionTooLargeError
        When the estimated memory or work (:func:`estimate_work`) is beyond
        the limits, in milliseconds and before any work, with both
        estimates and both limits in the message.

    Warns
    -----
    RuntimeWarning
        When float64 coefficients overflow (huge weights, high orders): the
        warning names the cause and ``p.meta["nonfinite"]`` is True.

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
    _check_net(net)
    order = as_order(order, maximum=None)   # the cost model below refuses, with the estimate
    if not isinstance(mode, str) or mode not in ("series", "taylor"):
        raise ArgumentError(f"mode must be 'series' or 'taylor', got {mode!r}")
    if prec is not None and domain != "mpf":
        raise DomainError(f"prec= is only meaningful with domain='mpf', got domain={domain!r}")
    if prec is not None:
        prec = as_prec(prec)
    memory_limit_bytes(memory_limit)   # a bad limit is refused before any work
    if mode == "series":
        if at is not None:
            raise ArgumentError(f"at= is only for mode='taylor' (series mode expands every "
                                f"activation at 0 by definition), got at={at!r}")
        qs = as_series_degrees(series_degree, order, len(net.stages()), maximum=None)
        dom = _choose_domain(net, domain)
        eng = get_engine(engine, domain=dom)
        if not hasattr(eng, "check"):   # refused before any series or table is built
            _check_cost(net, order, dom, memory_limit, prec=prec,
                        series_degree=max(qs, default=0), series_rules=surrogate is None)
        rules = _series_rules(net, qs, surrogate)
        if box is not None:
            _warn_convergence(net, box)
        meta = {"mode": "series", "series_degree": tuple(qs)}
        if surrogate is not None:
            meta["surrogate"] = surrogate   # error_bound accounts for the surrogates' errors
        plan = Plan(net, order, rules, None, dom, prec,
                    float_output=net.has_floats and domain is None, meta=meta)
    else:
        if series_degree is not None:
            raise ArgumentError(f"series_degree= is only for mode='series', got "
                                f"series_degree={series_degree!r} with mode='taylor'")
        if surrogate is not None:
            raise ArgumentError("surrogate= is only for mode='series' (Taylor mode expands the "
                                "activations themselves)")
        point = _check_at(net, at)
        at_floats = any(isinstance(a, float) for a in point)
        dom = _choose_domain(net, domain, at_floats)
        eng = get_engine(engine, domain=dom)
        if not hasattr(eng, "check"):
            _check_cost(net, order, dom, memory_limit, mode="taylor", prec=prec)
        plan = Plan(net, order, _taylor_rules(net), (point,), dom, prec,
                    float_output=(net.has_floats or at_floats) and domain is None,
                    meta={"mode": "taylor"})
    if hasattr(eng, "check"):   # an engine running elsewhere guards its own memory
        eng.check(plan, memory_limit)
    return _run(eng, plan)[0]


def _run(eng, plan):
    """Run the engine; one result (a Polynomial, or a tuple for several outputs) per centre.

    An engine may return its own result object instead of a list (coefficients left on a
    cluster); it is passed through.  A float64 result that overflowed (``meta["nonfinite"]``,
    set by :meth:`Polynomial.from_vector`) is reported once, with its likely cause.
    """
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        res = eng.run(plan)   # numpy's own overflow warnings name no cause: reported below
    if not isinstance(res, list):
        return [res]
    out = [_wrap(list(polys)) for polys in res]
    bad = [p for polys in res for p in polys if p.meta.get("nonfinite")]
    if bad:
        warnings.warn(
            f"float64 overflow: {len(bad)} of the {sum(len(r) for r in res)} polynomials have "
            f"infinite or NaN coefficients (largest |weight| or |bias| "
            f"{_largest_weight(plan.net):.3g}; order {plan.order}); their meta['nonfinite'] is "
            "True; expand with domain='QQ' or domain='mpf', or scale the weights",
            RuntimeWarning, stacklevel=3)
    return out


def _largest_weight(net):
    import numpy as np

    big = 0.0
    for s in net.stages():
        try:
            W, b = s.weight_array(), s.bias_array()
        except SymnetError:   # symbolic weights: not a float expansion
            continue
        big = max(big, float(np.abs(W).max(initial=0)), float(np.abs(b).max(initial=0)))
    return big


def _warn_convergence(net, box):
    from .bounds import convergence_warnings

    for msg in convergence_warnings(net, box):
        warnings.warn(msg, RuntimeWarning, stacklevel=3)


def _wrap(polys):
    return polys[0] if len(polys) == 1 else tuple(polys)


def local_polynomials(net, X, order, *, domain="RR", engine=None):
    """Taylor polynomials of the network at many points, batched (float64).

    Parameters
    ----------
    net : Network
    X : array_like, shape (n_points, n_inputs)
        The expansion points.
    order : int
    engine : str or engine object, optional
        An engine by name (default the dense float engine); ``"dask"``
        spreads the points over a Dask cluster.

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

    _check_net(net)
    order = as_order(order, maximum=None)
    if not isinstance(domain, str) or domain not in _FLOAT_NAMES:
        raise DomainError("local_polynomials works in float64 (domain='RR'); use "
                          "expand(net, order, mode='taylor', at=point) for exact ones")
    if net.is_symbolic:
        raise DomainError("local_polynomials needs numeric weights; use net.subs(...) first")
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ShapeError(f"X: expected numeric points of shape (n_points, {net.n_inputs}), got "
                         f"{type(X).__name__}") from None
    if X.ndim != 2 or X.shape[1] != net.n_inputs:
        raise ShapeError(f"X: expected points of shape (n_points, {net.n_inputs}), got "
                         f"{X.shape}")
    if not np.all(np.isfinite(X)):
        i, j = (int(v) for v in np.argwhere(~np.isfinite(X))[0])
        raise WeightError(f"X: points must be finite, got {X[i, j]} at point {i}, coordinate {j}")
    eng = get_engine(engine, domain="RR")
    limit = _check_cost(net, order, "RR", "auto", mode="taylor")  # one point must fit
    est = estimate_work(net, order, mode="taylor", points=max(1, len(X)))
    if est["work"] > MAX_WORK:
        raise ExpansionTooLargeError(
            f"local_polynomials at {len(X):,} points, order {describe_count(order)}, needs "
            f"about {describe_count(est['work'])} operations ({describe_seconds(est['seconds'])} "
            f"on one core), more than the limit of {float(MAX_WORK):.0e}; use fewer points or "
            "a lower order")
    per_point = max(1, estimate_work(net, order, mode="taylor")["bytes"] - BASE_BYTES)
    chunk = max(1, min(len(X), 64, limit // per_point))
    if getattr(eng, "batches_centres", False):   # the engine chunks the points itself
        chunk = max(1, len(X))
    rules = _taylor_rules(net)
    out = []
    for s in range(0, len(X), chunk):
        pts = tuple(tuple(float(v) for v in r) for r in X[s:s + chunk])
        plan = Plan(net, order, rules, pts, "RR", meta={"mode": "taylor"})
        out.extend(_run(eng, plan))
    return out
