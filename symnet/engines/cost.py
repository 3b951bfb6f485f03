"""The cost model: memory and work of an expansion, in O(layers), not O(order).

Every engine prices a plan with it (``engine.estimate(plan)``) and
:func:`symnet.expand` consults it before anything is built, so an impossible
request is refused in milliseconds with the estimate and the limit.  The
peak memory is engine-faithful (within 1.5x of the measured peak on the
benchmark workloads: ``tests/test_memory_estimate.py``); the work counts
float64 products (about ``OPS_PER_SECOND`` a second on one core), the
activation series and the engines' own cost search included.

Examples
--------
>>> from symnet import Network
>>> from symnet.engines.cost import estimate
>>> estimate(Network.dense([[[1, 2]]]), 3)["monomials"]
10
"""

from __future__ import annotations

import math

__all__ = ["estimate", "MAX_WORK", "OPS_PER_SECOND", "BASE_BYTES", "describe_count",
           "describe_bytes", "describe_seconds"]

#: Above this many estimated operations (float coefficient products, about 1.5e8 a
#: second on one core: some ten minutes) an expansion is refused.
MAX_WORK = 10**11
#: float products per second of the dense engine on one core (the ``work`` unit)
OPS_PER_SECOND = 1.5e8

#: fixed bytes of an expansion (Python objects, small arrays), measured
BASE_BYTES = 100_000
_LOG2 = math.log(2)
_BIG = 2.0 ** 1000   # "beyond any machine": large numbers stay finite floats


def _comb(a, k):
    """``C(a, k)``: exact while it has at most 1000 bits, else a float (capped at 2**1000).

    O(1) in ``a`` (any size) and ``k``: an exact ``math.comb`` only for ``min(k, a - k)
    < 200``; beyond that ``C(a, k) >= 2**200`` and its size comes from ``lgamma``.
    """
    if k < 0 or k > a:
        return 0
    k = min(k, a - k)
    if k and a.bit_length() > 1000:   # C(a, k) >= a: beyond any machine
        return _BIG
    if k < 200:
        v = math.comb(a, k)
        return v if v.bit_length() <= 1000 else _BIG
    lg = (math.lgamma(a + 1) - math.lgamma(k + 1) - math.lgamma(a - k + 1)) / _LOG2
    return 2.0 ** min(max(lg, 200.0), 1000.0)


def _log_partitions(k):
    """Natural log of Hardy-Ramanujan's estimate of the number of partitions of ``k``."""
    if k < 1:
        return 0.0
    return max(0.0, math.pi * math.sqrt(2 * k / 3) - math.log(4 * k * math.sqrt(3)))


def _big(v):
    """An exact count as a float once it is beyond 2**62 (the estimate's arithmetic stays
    finite: products of floats overflow to inf, products with huge ints raise)."""
    return float(v) if v > 2**62 else v


def _stage_facts(net):
    """Per stage: (width, nonlinear neurons, distinct nonlinear activations, reads only inputs)."""
    n = net.n_inputs
    out = []
    for s in net.stages():
        acts = [a for a in s.activations if not a.is_identity]
        out.append((len(s.nodes), len(acts), len({a.name for a in acts}),
                    all(p < n for p in s.sources)))
    return out


def _norm_domain(domain):
    if domain == "mpf":
        return "mpf"
    if domain in ("RR", "float", "float64", "rr"):
        return "RR"
    return "QQ"


def estimate(net, order, *, domain="RR", mode="series", points=1, prec=None,
             series_degree=None, series_rules=True):
    """The estimate behind :func:`symnet.estimate_work` (arguments already validated).

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.engines.cost import estimate
    >>> estimate(Network.dense([[[1]]], activations=["tanh"]), 10**6, domain="QQ")["work"] > 1e12
    True
    """
    Q = order
    Qf = float(min(Q, 10**60))                 # powers of the order, as floats
    points = max(1, int(points))
    dom = _norm_domain(domain)
    n = net.n_inputs
    facts = _stage_facts(net)
    nodes = n + len(net.neurons)
    N = _comb(n + Q, Q)                       # monomials of degree <= Q
    NQ = _comb(n + Q - 1, Q) if Q else 1      # monomials of degree exactly Q
    # unordered pairs of non-constant monomials with total degree <= Q
    pairs = max(0, _comb(2 * n + Q, Q) - 2 * N + 1) / 2 if n else 0
    N, NQ, pairs = _big(N), _big(NQ), _big(pairs)
    nonlinear = sum(f[1] for f in facts)
    deep = sum(1 for k, f in enumerate(facts) if f[1] and not f[3])

    # -- memory -----------------------------------------------------------
    if dom == "QQ":
        # every neuron's polynomial is kept (N terms); a term is an exponent word and a
        # rational whose size grows with the depth l and the order
        symbolic = net.is_symbolic
        nbytes, depth = 0, 0
        for width, nl, _, _ in facts:
            depth += 1 if nl else 0
            term = 32 + 6 * max(1, depth) * max(1.0, Qf)
            if symbolic:
                term *= 4
            nbytes += width * N * term * points
        top = 32 + 6 * max(1, depth) * max(1.0, Qf)
        nbytes += (min(Q, 8) + 2) * N * top * points     # one neuron's powers
    else:
        item = 8 if dom == "RR" else 8 + 100 + (prec or 128) // 8
        peak, kept = 0, 0
        for width, nl, _, linear in facts:
            arrays = N * kept                     # the outputs of earlier stages are kept
            if not nl:
                arrays += 2 * N * width           # Z and the product's temporary
            elif linear or Q <= 3:
                # the power chain: Z and v**2 .. v**K, then their sum; while v**K is
                # built, four gather / multiply / scatter buffers of the top degree
                arrays += N * width * Qf + max(N * width, 4 * NQ * nl)
            else:
                # Horner: Z, R_j, R_{j-1} and five buffers
                arrays += 3 * N * width + 5 * NQ * nl
            peak = max(peak, item * points * arrays)
            kept += width
        # cached pair tables (ranks and gather plans) of the blocks that are multiplied:
        # only (1, d) for a first layer whose pre-activations are linear
        nbytes = peak + 32 * (pairs if deep else n * N)
    nbytes += BASE_BYTES

    # -- work -------------------------------------------------------------
    depth = sum(1 for f in facts if f[1])     # nonlinear generations
    if dom == "QQ":
        scale = 8 * max(1.0, depth * Qf / 16)  # flint rationals of growing size
    elif dom == "mpf":
        scale = 3000 * max(1.0, ((prec or 128) / 128) ** 1.5)   # a Python mpf product each
    else:
        scale = 1
    products = pairs * max(1, nonlinear) * max(1, min(Q, 8)) * points
    ops = products * scale
    ops += 20 * Qf ** 2 * (nonlinear if dom == "QQ" else deep)   # the engines' cost search
    rule_degree = Qf if series_degree is None else float(
        min(series_degree, 10**60))
    if mode == "series" and series_rules:
        # exact Maclaurin coefficients of each distinct activation, whatever the domain:
        # O(q**2) products of numbers of O(q) bits
        ops += rule_degree ** 3 * len({a.name for s in net.stages() for a in s.activations
                                       if not a.is_identity})
    elif mode == "series":
        pass
    elif dom == "QQ":
        ops += 8 * Qf ** 2 * nonlinear * scale
        if depth >= 2:   # coefficients are polynomials in named constants: ~partitions(Q) terms
            ops += 30 * nonlinear * Qf ** 2 * math.exp(min(690.0, (depth - 1) *
                                                           _log_partitions(Qf)))
    else:
        ops += 200 * Qf ** 2 * sum(f[2] for f in facts) * (1 if dom == "RR" else scale / 10)
    nbytes, ops = min(nbytes, _BIG), min(ops, _BIG)
    return {"monomials": N, "neurons": len(net.neurons), "slots": min(N * nodes, _BIG),
            "bytes": nbytes, "ops": min(products, _BIG), "work": ops,
            "seconds": ops / OPS_PER_SECOND}


def describe_count(x):
    """A count for a message: exact below 1e15, else in powers of ten (any size).

    Examples
    --------
    >>> from symnet.engines.cost import describe_count
    >>> describe_count(1234567), describe_count(10**20), describe_count(10**400)
    ('1,234,567', '1.00e+20', 'about 2**1328')
    """
    if isinstance(x, int) and x < 10**15:
        return f"{x:,}"
    if x >= _BIG:
        return f"about 2**{x.bit_length() - 1}" if isinstance(x, int) else "more than 1e300"
    return f"{float(x):.2e}"


def describe_bytes(nbytes):
    """A memory size for a message, in GiB (with the bytes when it is under 0.01 GiB).

    Parameters
    ----------
    nbytes : int or float

    Returns
    -------
    str

    Examples
    --------
    >>> from symnet.engines.cost import describe_bytes
    >>> describe_bytes(3 * 2**30), describe_bytes(1000), describe_bytes(2**60)
    ('3.00 GiB', '9.3e-07 GiB (1,000 bytes)', '1.1e+09 GiB')
    """
    g = nbytes / 2**30
    if g >= 1e6:
        return f"{g:.1e} GiB"
    return f"{g:.2f} GiB" if g >= 0.01 else f"{g:.2g} GiB ({int(nbytes):,} bytes)"


def describe_seconds(seconds):
    """A duration for a message: seconds, minutes, hours or days, years when very long.

    Parameters
    ----------
    seconds : float

    Returns
    -------
    str

    Examples
    --------
    >>> from symnet.engines.cost import describe_seconds
    >>> describe_seconds(5), describe_seconds(7200), describe_seconds(3 * 86400)
    ('about 5.0 s', 'about 2 hours', 'about 3 days')
    >>> describe_seconds(1e10)
    '3.2e+02 years'
    """
    if seconds >= 3.15e9:
        return f"{seconds / 3.15e7:.1e} years"
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"about {seconds / size:.0f} {unit}"
    return f"about {seconds:.1f} s"
