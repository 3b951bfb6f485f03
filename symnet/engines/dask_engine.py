"""The Dask engine: float64 expansions and batched local polynomials on a cluster.

``expand(net, order, engine="dask")`` runs the dense float engine's algorithm
on a ``dask.distributed`` cluster: the current client
(``distributed.get_client()``), the one given to :class:`DaskEngine`, or a
``LocalCluster`` the engine starts and closes itself when there is none.
Dask is an optional dependency (``pip install "symnet[dask]"``); it is
imported only when the engine runs.

How a layer is distributed
--------------------------
A layer's polynomials form an array of shape ``(N, P, width)`` (``N``
monomials, ``P`` centres), kept as *neuron chunks* of ``m`` columns, one
Dask key each.

* **Activation** (the expensive step): one task per neuron chunk runs the
  dense engine's kernel :func:`~symnet.engines.dense.activate_columns` on its
  columns; columns are independent, so chunks never talk to each other.  The
  monomial product tables are built once per worker process (a worker-side
  cache keyed by ``(n, Q)``, warmed under a lock).
* **Linear step** ``Z = H W^T + b``: every row (monomial) of ``Z`` depends only
  on the same row of ``H``, so the product is blocked by *rows*: each chunk
  is cut into ``R`` row blocks, one task per row block multiplies its rows
  by ``W^T`` (one GEMM) and splits the result into the next layer's neuron
  chunks (a distributed transpose: each coefficient crosses the network at
  most twice per layer).  A narrow layer (the linear output) is instead
  the sum of one partial product per producer chunk (``K`` arrays of ``N x
  width`` moved instead of the whole state).

The chunk width ``m`` and ``R`` are chosen from the workers' memory limit:
a task's working set (about ``10 m`` columns of ``8 N P`` bytes, measured
6-9 for the kernel) plus the product tables plus the worker's share of the
layer must stay under the fraction of the limit below which Dask does not
spill; if the share does not fit, the layer spills to disk (when Dask's
spilling is on) and the chunks shrink.  :meth:`DaskEngine.check` (called by
:func:`symnet.expand`) refuses a plan that cannot fit even one neuron per
task with :class:`~symnet.errors.ExpansionTooLargeError`, naming the numbers
and the chunking.

Results, failures
-----------------
By default the coefficients are gathered and ``expand`` returns the same
:class:`~symnet.Polynomial` as the dense engine (equal to 1e-12 relative:
only the summation order of the products differs).
``DaskEngine(keep="distributed")`` returns a :class:`DistributedCoefficients`
instead: the coefficients stay on the workers as a Dask array, with
:meth:`~DistributedCoefficients.top_k`, :meth:`~DistributedCoefficients.to_parquet`
and :meth:`~DistributedCoefficients.to_zarr`, so no process ever holds them
all.  Every task is a pure function of its inputs: when a worker dies, Dask
recomputes the lost keys (``retries`` more attempts for a task that raises);
the result is then identical, or the call raises (a task's own exception,
or :class:`~symnet.errors.ResourceError` when workers keep dying), never a
partial polynomial.

Many centres (:func:`symnet.local_polynomials`) are split by centres
instead: each task runs the local dense engine on a chunk of points.
:func:`map_boxes` maps a function (e.g. :func:`symnet.error_bound` over
many boxes) on the same cluster.

Cost on W machines (a paper estimate)
-------------------------------------
For a layer of width ``w`` after one of width ``w'``, with ``S = 8 N P w``
bytes of coefficients: the activation costs ``w`` times the one-neuron
kernel time and divides by ``W``; the linear step is ``2 N P w' w`` flops,
also divided by ``W``; the transpose moves at most ``(W-1)/W (S' + S)``
bytes, i.e. about ``2 S / W`` in and out of each machine per layer.  With
1 GB/s links, 60 inputs, order 4 and ``w = 1024`` (``S = 5.2 GB``) that is
about 1.3 s per layer on 8 machines, against about 25 s of kernel time
(0.1 s per neuron per core): compute-bound, so the time falls like ``1/W``
until the ``R x chunks`` tasks per layer (about 1 ms of scheduler time
each) dominate.  Memory per worker is ``S / W`` plus one task's working set
and the tables, so ``W`` machines hold layers ``W`` times larger.

Examples
--------
>>> from symnet.engines import get_engine
>>> eng = get_engine("dask")
>>> eng.name, eng.domains
('dask', ('RR',))
"""

from __future__ import annotations

import functools
import math
import operator
import os
import threading
import uuid
from dataclasses import dataclass, replace

import numpy as np

from .._validate import available_memory, memory_limit_bytes
from ..errors import (ArgumentError, DomainError, ExpansionTooLargeError, NotSupportedError,
                      ResourceError, SymnetError)
from ..monomials import basis as monomial_basis
from .contexts import FloatContext
from .dense import DenseEngine, activate_columns, dense_estimate, polynomials_from_dense

__all__ = ["DaskEngine", "DistributedCoefficients", "map_boxes"]

#: Peak bytes of one activation task, in columns of ``8 N P`` bytes per neuron
#: of its chunk: the gathered pre-activations, their copy, the kernel's
#: powers and gather buffers (measured 6-9).
ACT_COLUMNS = 10
#: Peak bytes of a row-block task per column of its rows: the pieces, their
#: concatenation, the product and its split into chunks.
ROW_COLUMNS = 4
#: What a worker process uses before it holds any data, when it cannot be measured.
BASE_BYTES = 200 << 20
_KEEP = ("memory", "distributed")
_ADDRESS_HINT = ('connect to a scheduler first: from distributed import Client; '
                 'client = Client("tcp://scheduler:8786")')


def _distributed():
    try:
        import distributed
    except ImportError:
        raise NotSupportedError(
            "the dask engine needs dask.distributed, an optional dependency: "
            "pip install 'symnet[dask]'") from None
    return distributed


# ---------------------------------------------------------------------------
# clients and clusters
# ---------------------------------------------------------------------------

class _Session:
    """A client for one call, and what to close afterwards (a client or cluster we started)."""

    def __init__(self, client, owned=()):
        self.client = client
        self.owned = list(owned)

    def detach(self):
        owned, self.owned = self.owned, []
        return owned

    def close(self):
        _close(self.detach())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _close(objs):
    for obj in objs:
        try:
            obj.close()
        except Exception:  # pragma: no cover - best effort on shutdown
            pass


def _default_cluster_kwargs():
    return {"n_workers": max(1, min(os.cpu_count() or 1, 8)), "threads_per_worker": 1,
            "processes": True, "dashboard_address": ":0"}


def _current_client(distributed):
    try:
        return distributed.get_client()
    except ValueError:
        return None


def _session(client=None, start_cluster=True, cluster_kwargs=None):
    """The client to use: given, current, or a LocalCluster started for this call."""
    distributed = _distributed()
    if isinstance(client, str):
        try:
            c = distributed.Client(client, set_as_default=False, timeout="10s")
        except OSError as e:
            raise ResourceError(f"cannot reach the Dask scheduler at {client!r}: {e}") from None
        return _Session(c, [c])
    if client is not None:
        if not isinstance(client, distributed.Client):
            raise ArgumentError(f"client must be a distributed.Client or a scheduler address "
                                f"such as 'tcp://scheduler:8786', got {type(client).__name__}")
        return _Session(client)
    current = _current_client(distributed)
    if current is not None:
        return _Session(current)
    if not start_cluster:
        raise ArgumentError(
            "no Dask client is running and this engine may not start a LocalCluster "
            f"(start_cluster=False); {_ADDRESS_HINT} (it becomes the current client), pass "
            "client=... to DaskEngine, or allow start_cluster=True")
    kw = _default_cluster_kwargs()
    kw.update(cluster_kwargs or {})
    cluster = distributed.LocalCluster(**kw)
    c = distributed.Client(cluster, set_as_default=False)
    return _Session(c, [c, cluster])


@dataclass(frozen=True)
class _Resources:
    workers: int
    threads: int      # per worker (the largest)
    limit: int        # bytes per worker (the smallest)
    base: int         # bytes a worker already uses
    spill: bool       # Dask spills stored keys to disk past `target`
    target: float     # fraction of the limit kept in memory
    where: str


def _memory_fractions():
    try:
        import dask
    except ImportError:
        return 0.6, True
    cfg = dask.config.get("distributed.worker.memory", default={})
    target = cfg.get("target") or cfg.get("spill") or 0.6
    spill = bool(cfg.get("target") or cfg.get("spill"))
    return float(target), spill


def _spill_fraction():
    """Fraction of the limit at which a worker spills by process memory (Dask's ``spill``)."""
    try:
        import dask
    except ImportError:
        return 0.7
    v = dask.config.get("distributed.worker.memory.spill", default=0.7)
    return float(v) if v else 0.7


#: seconds to wait for a first worker (a cluster just started, or a worker being restarted)
WORKER_WAIT = 30


def _workers(client):
    try:
        return client.scheduler_info(n_workers=-1)["workers"]
    except TypeError:   # older distributed: every worker is listed
        return client.scheduler_info()["workers"]


def _client_resources(client):
    info = _workers(client)
    if not info:   # starting up, or a nanny restarting a worker: wait a little
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except Exception:  # noqa: BLE001 - a timeout of any distributed version
            pass
        info = _workers(client)
    if not info:
        raise ResourceError(f"the Dask cluster has no workers (waited {WORKER_WAIT} s); "
                            "start some, or wait for them: client.wait_for_workers(1)")
    limits = {a: int(w.get("memory_limit") or 0) for a, w in info.items()}
    if not all(limits.values()):   # no limit: what the host has, shared by its workers
        avail = client.run(available_memory, workers=[a for a, v in limits.items() if not v])
        hosts = {}
        for a, w in info.items():
            hosts[w.get("host")] = hosts.get(w.get("host"), 0) + 1
        for a in avail:
            limits[a] = avail[a] // max(1, hosts.get(info[a].get("host"), 1))
    base = max(int((w.get("metrics") or {}).get("memory") or BASE_BYTES) for w in info.values())
    target, spill = _memory_fractions()
    lim = min(limits.values())
    return _Resources(len(info), max(int(w.get("nthreads") or 1) for w in info.values()), lim,
                      base, spill, target,
                      f"{len(info)} Dask workers with a {_gib(lim)} memory limit each")


def _local_resources(cluster_kwargs):
    kw = _default_cluster_kwargs()
    kw.update(cluster_kwargs or {})
    workers = int(kw.get("n_workers") or 1)
    threads = int(kw.get("threads_per_worker") or 1)
    lim = kw.get("memory_limit", "auto")
    if lim in ("auto", None):
        cores = os.cpu_count() or 1
        lim = int(min(available_memory(), _system_memory()) * min(1.0, threads / cores))
        if not kw.get("processes", True):
            lim = int(available_memory() // workers)
    elif isinstance(lim, str):
        from dask.utils import parse_bytes

        lim = parse_bytes(lim)
    target, spill = _memory_fractions()
    return _Resources(workers, threads, int(lim), BASE_BYTES, spill, target,
                      f"the LocalCluster it would start ({workers} workers of {_gib(lim)})")


def _system_memory():
    try:
        from distributed.system import MEMORY_LIMIT

        return int(MEMORY_LIMIT)
    except ImportError:  # pragma: no cover
        return available_memory()


def _gib(nbytes):
    g = nbytes / 2**30
    return f"{g:.2f} GiB" if g >= 0.01 else f"{int(nbytes):,} bytes"


# ---------------------------------------------------------------------------
# the layout: chunk sizes from the workers' memory, and the guard
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Layout:
    mode: str            # "layers" or "centres"
    monomials: int
    centres: int
    chunk: int           # neurons per activation task
    row_blocks: int
    centre_chunk: int    # centres per task (mode "centres")
    tasks: int           # activation (or centre) tasks in the whole run
    per_worker: int      # estimated peak bytes per worker
    state: int           # peak bytes of live coefficients over the cluster
    spill: int           # bytes per worker expected to go to disk
    tables: int
    transfer: int        # bytes moved between workers (upper estimate)
    fits: bool
    reason: str

    def as_dict(self, res):
        return {"bytes": res.workers * self.per_worker,
                "per_worker_bytes": self.per_worker, "worker_limit": res.limit,
                "workers": res.workers, "threads": res.threads, "mode": self.mode,
                "monomials": self.monomials, "centres": self.centres, "chunk": self.chunk,
                "row_blocks": self.row_blocks, "centre_chunk": self.centre_chunk,
                "tasks": self.tasks, "state_bytes": self.state, "spill_bytes": self.spill,
                "table_bytes": self.tables, "transfer_bytes": self.transfer,
                "fits": self.fits, "reason": self.reason}


def _layout(plan, res, limit=None, chunk=None, row_blocks=None):
    """Chunking of ``plan`` for the workers ``res`` (``limit``: bytes per worker, else theirs)."""
    net = plan.net
    n, Q = net.n_inputs, plan.order
    N = math.comb(n + Q, Q)
    P = len(plan.centers) if plan.centers else 1
    limit = res.limit if limit is None else min(limit, res.limit)
    widths = [len(s.nodes) for s in net.stages()] or [1]
    wmax = max(widths)
    threads, workers = res.threads, res.workers
    tables = dense_estimate(n, Q, 0, 0)
    room = int(res.target * limit) - res.base - tables
    col = 8 * N * P
    # many centres, each fitting a worker: split by centres (no communication)
    if P > 1 and chunk is None:
        one = max(1, DenseEngine().estimate(replace(plan, centers=plan.centers[:1]))["bytes"]
                  - tables)
        c = room // max(1, threads * one)
        if c >= 1:
            c = int(min(c, max(1, -(-P // (2 * workers * threads))), 4096))
            tasks = -(-P // c)
            per = res.base + tables + threads * c * one
            return _Layout("centres", N, P, 0, 1, c, tasks, per, 8 * N * P * net.n_outputs, 0,
                           tables, 8 * N * P * net.n_outputs, True, "")
    state = int(1.25 * col * wmax)          # a layer, plus what the transpose holds twice
    share = -(-state // workers)
    one = ACT_COLUMNS * col
    spill = 0
    if chunk is not None:
        m = int(chunk)
    else:
        m = (room - share) // max(1, threads * one)
        if m < 1 and res.spill:            # the layer spills to disk; tasks get half the room
            m = (room // 2) // max(1, threads * one)
        # at least 4 tasks per thread in the widest layer, for balance
        m = int(max(1, min(m, wmax, max(1, -(-wmax // (4 * workers * threads))))))
    work = threads * one * m
    if room - work < share:
        spill = share - max(0, room - work)
    rows_budget = max(1, (room - share if room > share else room // 2) // max(1, threads))
    if row_blocks is not None:
        R = int(row_blocks)
    else:
        R = -(-ROW_COLUMNS * 8 * P * 2 * wmax * N // rows_budget)
        R = max(R, 2 * workers * threads)
    R = int(max(1, min(R, N)))
    if spill:    # Dask keeps the process near its spill threshold; tasks run on top
        per = max(int(_spill_fraction() * limit), res.base + tables) + work
    else:
        per = res.base + tables + work + share
    tasks = sum(-(-w // m) for w in widths)
    transfer = 2 * col * sum(widths)
    fits, reason = True, ""
    need = res.base + tables + threads * one
    if need > res.target * limit:
        fits = False
        reason = (f"one neuron's activation needs about {_gib(one)} per task ({N:,} monomials "
                  f"x {P} centres x {ACT_COLUMNS} arrays of 8 bytes), {threads} tasks per worker, "
                  f"besides {_gib(tables)} of product tables and {_gib(res.base)} the worker "
                  f"already uses: {_gib(need)}, more than the {_gib(res.target * limit)} a "
                  f"worker with a {_gib(limit)} limit keeps in memory; even chunks of 1 neuron "
                  f"({tasks} tasks) need workers of at least {_gib(need / res.target)}")
    elif chunk is not None and res.base + tables + work > res.target * limit:
        fits = False
        fit = max(0, int((res.target * limit - res.base - tables) // (threads * one)))
        reason = (f"chunks of {m} neurons need about {_gib(work)} per worker for the tasks "
                  f"({threads} at a time) besides {_gib(tables)} of product tables and "
                  f"{_gib(res.base)} in use, more than the {_gib(res.target * limit)} a worker "
                  f"with a {_gib(limit)} limit keeps in memory; at most {fit} neurons per chunk "
                  "fit")
    elif spill and not res.spill:
        fits = False
        k = -(-state // max(1, room - threads * one))
        reason = (f"a layer's coefficients ({_gib(state)} with the transpose, {_gib(share)} "
                  f"per worker) do not fit next to chunks of {m} neuron(s) and Dask's spilling "
                  f"to disk is off; it needs at least {k} such workers, or spilling enabled")
    return _Layout("layers", N, P, m, R, 0, tasks, per, state, spill, tables, transfer, fits,
                   reason)


# ---------------------------------------------------------------------------
# worker-side functions (pure: a retried task gives the same bytes)
# ---------------------------------------------------------------------------

_WARM_LOCK = threading.Lock()
_WARMED = set()


def _worker_basis(n, order):
    """The worker's basis, with the product tables the kernel uses built once, under a lock."""
    B = monomial_basis(n, order)
    key = (n, order)
    if key not in _WARMED:
        with _WARM_LOCK:
            if key not in _WARMED:
                _warm(B)
                _WARMED.add(key)
    return B


def _warm(B):
    """Run the kernel on one dummy column of degree 1 and one of full degree."""
    from ..activations import PolynomialRule

    n, Q = B.n, B.order
    if Q < 2 or n == 0:
        return
    rule = PolynomialRule([1.0] * (Q + 1))
    rng = np.random.default_rng(0)
    Z = np.zeros((B.size, 1, 1))
    Z[1:n + 1, 0, 0] = rng.standard_normal(n)
    activate_columns(B, Z, [rule], ["warm-up"], FloatContext())
    Z = rng.standard_normal((B.size, 1, 1))
    activate_columns(B, Z, [rule], ["warm-up"], FloatContext())


def _act_task(n, order, P, rules, nodes, bias, win, cin, centres, zparts):
    """One neuron chunk: its pre-activations (pieces, input weights, bias) -> activations."""
    B = _worker_basis(n, order)
    m = len(rules)
    if zparts:
        Z = np.concatenate(zparts, axis=0) if len(zparts) > 1 else np.array(zparts[0])
    else:
        Z = np.zeros((B.size, P, m))
    if len(cin):
        if order >= 1:
            Z[B.offsets[1] + cin] += win.T[:, None, :]
        if centres is not None:
            Z[0] += centres[:, cin] @ win.T
    Z[0] += bias
    ident = np.array([r is None for r in rules])
    if ident.all():
        return Z
    sel = ~ident
    Zs = np.ascontiguousarray(Z[:, :, sel]) if ident.any() else Z
    H = activate_columns(B, Zs, [r for r in rules if r is not None],
                         [nd for nd, r in zip(nodes, rules) if r is not None], FloatContext())
    if ident.any():
        Z[:, :, sel] = H
        return Z
    return H


def _rows_task(H, r0, r1):
    return H[r0:r1]


def _columns(a, loc):
    """``a[:, :, loc]``: a view when ``loc`` is a range (the usual case), else a copy."""
    if len(loc) and loc[-1] - loc[0] == len(loc) - 1 and np.all(np.diff(loc) == 1):
        return a[:, :, int(loc[0]):int(loc[-1]) + 1]
    return a[:, :, loc]


def _zrow_task(parts, locs, W, splits):
    """Rows of the next pre-activations, ``H[rows] @ W.T``, split into its neuron chunks."""
    rows, P = parts[0].shape[:2]
    q = W.shape[1]
    Hs = np.empty((rows, P, q))
    pos = 0
    for part, loc in zip(parts, locs):
        Hs[:, :, pos:pos + len(loc)] = _columns(part, loc)
        pos += len(loc)
    Z = (Hs.reshape(rows * P, q) @ W.T).reshape(rows, P, W.shape[0])
    del Hs
    return tuple(np.ascontiguousarray(Z[:, :, a:b]) for a, b in splits)


def _partial_task(H, loc, W):
    N, P = H.shape[:2]
    Hs = np.ascontiguousarray(_columns(H, loc))
    return (Hs.reshape(N * P, len(loc)) @ W.T).reshape(N, P, W.shape[0])


def _sum_task(parts):
    out = np.array(parts[0])
    for p in parts[1:]:
        out += p
    return out


def _pick_task(H, c):
    return np.ascontiguousarray(H[:, :, c:c + 1])


def _input_task(n, order, P, j, centres):
    """The column of an input variable ``x_j`` (expanded at the centres)."""
    B = monomial_basis(n, order)
    out = np.zeros((B.size, P, 1))
    if order >= 1:
        out[B.offsets[1] + j] = 1.0
    if centres is not None:
        out[0, :, 0] = centres[:, j]
    return out


def _centres_task(plan, centres):
    """The local dense engine on a chunk of centres."""
    return DenseEngine().coefficients(replace(plan, centers=centres))[1]


def _topk_task(block, p, k, top):
    a = block[:, p, k]
    top = min(top, a.size)
    idx = np.argpartition(-np.abs(a), top - 1)[:top] if top < a.size else np.arange(a.size)
    return idx, a[idx]


def _parquet_task(path, parts, r0, n, order, names, columns, metadata):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = parts[0].shape[0]
    idx = np.arange(r0, r0 + rows, dtype=np.int64)
    deg, exps = _exponents(n, order, idx)
    data = {"index": idx, "degree": deg.astype(np.int16)}
    for j, name in enumerate(names):
        data[name] = exps[:, j].astype(np.int16)
    c = 0
    for part in parts:
        for p in range(part.shape[1]):
            for k in range(part.shape[2]):
                data[columns[c]] = np.ascontiguousarray(part[:, p, k])
                c += 1
    table = pa.table(data).replace_schema_metadata(metadata)
    pq.write_table(table, path)
    return path


def _exponents(n, order, idx):
    """Degrees and exponent rows of global monomial indices (combinatorial unranking)."""
    idx = np.asarray(idx, dtype=np.int64)
    counts = [math.comb(n + d - 1, d) if n else int(d == 0) for d in range(order + 1)]
    offsets = np.cumsum([0] + counts)
    deg = np.searchsorted(offsets, idx, side="right") - 1
    exps = np.zeros((idx.size, n), dtype=np.int64)
    for d in range(1, order + 1):
        sel = np.flatnonzero(deg == d)
        if not sel.size:
            continue
        r = idx[sel] - offsets[d]
        for k in range(d, 0, -1):   # i_k = max i with C(i + k - 1, k) <= r
            table = np.array([math.comb(i + k - 1, k) for i in range(n)], dtype=np.int64)
            i_k = np.searchsorted(table, r, side="right") - 1
            r = r - table[i_k]
            np.add.at(exps, (sel, i_k), 1)
    return deg, exps


# ---------------------------------------------------------------------------
# the graph of a layered run
# ---------------------------------------------------------------------------

def _layers_graph(plan, lay, token):
    """Dask graph (legacy tuple tasks) of a layered run, and the keys of the output columns."""
    net = plan.net
    n, Q = net.n_inputs, plan.order
    N, P, m, R = lay.monomials, lay.centres, lay.chunk, lay.row_blocks
    centres = None if plan.centers is None else np.array(
        [[float(v) for v in c] for c in plan.centers], dtype=float)
    stages = net.stages()
    bounds = [int(v) for v in np.linspace(0, N, R + 1)]
    dsk = {}
    where = {}                                  # global position -> (stage, chunk, column)
    name = f"symnet-{token}"
    start = n
    for k, s in enumerate(stages):
        w = len(s.nodes)
        W, b = s.weight_array(), s.bias_array()
        src = list(s.sources)
        inp = np.array([i for i, p in enumerate(src) if p < n], dtype=np.intp)
        cin = np.array([src[i] for i in inp], dtype=np.intp)
        groups = {}                             # producer chunk -> (local columns, source indices)
        for i, p in enumerate(src):
            if p >= n:
                k2, j2, c = where[p]
                g = groups.setdefault((k2, j2), ([], []))
                g[0].append(c)
                g[1].append(i)
        splits = [(a, min(a + m, w)) for a in range(0, w, m)]
        zparts = [None] * len(splits)
        if groups:
            q = sum(len(g[1]) for g in groups.values())
            narrow = len(splits) == 1 and len(groups) * w <= q + w
            if narrow:                          # partial products per producer chunk, summed
                parts = []
                for (k2, j2), (loc, idx) in groups.items():
                    key = (f"{name}-partial", k, k2, j2)
                    dsk[key] = (_partial_task, (f"{name}-act", k2, j2),
                                np.array(loc, dtype=np.intp), np.ascontiguousarray(W[:, idx]))
                    parts.append(key)
                level = 0
                while len(parts) > 1:
                    nxt = []
                    for g0 in range(0, len(parts), 8):
                        key = (f"{name}-sum", k, level, g0)
                        dsk[key] = (_sum_task, list(parts[g0:g0 + 8]))
                        nxt.append(key)
                    parts, level = nxt, level + 1
                zparts[0] = [parts[0]]
            else:                               # the distributed transpose, by row blocks
                order_idx = [i for _, idx in groups.values() for i in idx]
                wkey = (f"{name}-W", k)
                dsk[wkey] = np.ascontiguousarray(W[:, order_idx])
                locs = [np.array(loc, dtype=np.intp) for loc, _ in groups.values()]
                for r in range(R):
                    pieces = []
                    for (k2, j2) in groups:
                        pk = (f"{name}-rows", k2, j2, r)
                        if pk not in dsk:
                            dsk[pk] = (_rows_task, (f"{name}-act", k2, j2), bounds[r],
                                       bounds[r + 1])
                        pieces.append(pk)
                    zk = (f"{name}-zrow", k, r)
                    dsk[zk] = (_zrow_task, pieces, locs, wkey, splits)
                    for j in range(len(splits)):
                        dsk[(f"{name}-z", k, r, j)] = (operator.getitem, zk, j)
                for j in range(len(splits)):
                    zparts[j] = [(f"{name}-z", k, r, j) for r in range(R)]
        rules = plan.rules[k]
        for j, (a, bnd) in enumerate(splits):
            win = np.ascontiguousarray(W[a:bnd][:, inp]) if len(inp) else None
            dsk[(f"{name}-act", k, j)] = (
                _act_task, n, Q, P, list(rules[a:bnd]), [str(v) for v in s.nodes[a:bnd]],
                np.array(b[a:bnd]), win, cin, centres, zparts[j] or [])
            for c in range(a, bnd):
                where[start + c] = (k, j, c - a)
        start += w
    outs = []
    for i, pos in enumerate(net.output_positions()):
        key = (f"{name}-out", i)
        if pos < n:
            dsk[key] = (_input_task, n, Q, P, pos, centres)
        else:
            k, j, c = where[pos]
            dsk[key] = (_pick_task, (f"{name}-act", k, j), c)
        outs.append(key)
    return dsk, outs


# ---------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------

class DaskEngine:
    """The float64 expansion on a ``dask.distributed`` cluster.

    Parameters
    ----------
    client : distributed.Client or str, optional
        The client, or a scheduler address such as ``"tcp://scheduler:8786"``
        (connected for each call).  Default: the current client
        (``distributed.get_client()``), else a ``LocalCluster`` started and
        closed for the call.
    keep : {"memory", "distributed"}
        ``"memory"``: gather the coefficients, return Polynomials.
        ``"distributed"``: return a :class:`DistributedCoefficients` left on
        the cluster (it then owns a cluster it started: close it).
    start_cluster : bool
        Whether a ``LocalCluster`` may be started when there is no client.
    cluster_kwargs : dict, optional
        Arguments of that ``LocalCluster`` (default: one single-threaded
        worker process per core, up to 8).
    chunk : int, optional
        Neurons per activation task (default from the workers' memory).
    row_blocks : int, optional
        Row blocks of the linear step (default from the workers' memory).
    retries : int
        Extra attempts of a task that raises.

    Examples
    --------
    >>> import pytest; distributed = pytest.importorskip("distributed")
    >>> from symnet import Network, expand
    >>> from symnet.engines.dask_engine import DaskEngine
    >>> net = Network.dense([[[0.5]]], activations=["tanh"])
    >>> with distributed.LocalCluster(n_workers=1, processes=False,
    ...                               dashboard_address=":0") as cluster:
    ...     with distributed.Client(cluster):     # the current client
    ...         p = expand(net, 3, engine="dask", domain="RR")
    >>> p.coeff((3,))
    -0.041666666666666664
    >>> DaskEngine("tcp://scheduler:8786", keep="distributed")
    DaskEngine(client='tcp://scheduler:8786', keep='distributed')
    """

    name = "dask"
    domains = ("RR",)
    #: :func:`symnet.local_polynomials` hands this engine every point at once.
    batches_centres = True

    def __init__(self, client=None, *, keep="memory", start_cluster=True, cluster_kwargs=None,
                 chunk=None, row_blocks=None, retries=2):
        if keep not in _KEEP:
            raise ArgumentError(f"keep must be 'memory' or 'distributed', got {keep!r}")
        for label, v in (("chunk", chunk), ("row_blocks", row_blocks)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise ArgumentError(f"{label} must be a positive int or None, got {v!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ArgumentError(f"retries must be a non-negative int, got {retries!r}")
        if cluster_kwargs is not None and not isinstance(cluster_kwargs, dict):
            raise ArgumentError("cluster_kwargs must be a dict of LocalCluster arguments")
        if client is not None and not isinstance(client, str) and \
                not callable(getattr(client, "scheduler_info", None)):
            raise ArgumentError(f"client must be a distributed.Client or a scheduler address "
                                f"such as 'tcp://host:8786', got {type(client).__name__} "
                                f"{client!r}")
        self.client = client
        self.keep = keep
        self.start_cluster = bool(start_cluster)
        self.cluster_kwargs = dict(cluster_kwargs or {})
        self.chunk = chunk
        self.row_blocks = row_blocks
        self.retries = retries

    def __repr__(self):
        args = []
        if self.client is not None:
            args.append(f"client={self.client!r}")
        if self.keep != "memory":
            args.append(f"keep={self.keep!r}")
        if not self.start_cluster:
            args.append("start_cluster=False")
        for label in ("chunk", "row_blocks"):
            if getattr(self, label) is not None:
                args.append(f"{label}={getattr(self, label)}")
        return f"DaskEngine({', '.join(args)})"

    # -- resources ------------------------------------------------------------
    def _resources(self):
        """The workers' resources, without starting anything."""
        client = self.client
        if client is None:
            try:
                import distributed
            except ImportError:     # no dask: describe the cluster it would start
                return _local_resources(self.cluster_kwargs)
            client = _current_client(distributed)
        if client is not None and not isinstance(client, str):
            return _client_resources(client)
        if isinstance(client, str):
            with _session(client) as s:
                return _client_resources(s.client)
        return _local_resources(self.cluster_kwargs)

    def _check_domain(self, plan):
        if plan.domain != "RR":
            raise DomainError(
                f"the dask engine computes in float64 (domain 'RR'), not {plan.domain!r}: exact "
                "and symbolic expansions run locally (engine='exact'); pass domain='RR' to "
                "expand the numeric weights in floats on the cluster")

    def estimate(self, plan, memory_limit="auto"):
        """Estimated memory and chunking of ``plan`` on the cluster.

        Returns
        -------
        dict
            ``bytes`` (over the whole cluster), ``per_worker_bytes``,
            ``worker_limit``, ``workers``, ``threads``, ``mode`` (``"layers"``
            or ``"centres"``), ``chunk`` (neurons per task), ``row_blocks``,
            ``centre_chunk``, ``tasks``, ``state_bytes``, ``spill_bytes``,
            ``table_bytes``, ``transfer_bytes``, ``fits``, ``reason``.

        Examples
        --------
        >>> from symnet import Network
        >>> from symnet.engines import Plan
        >>> from symnet.engines.dask_engine import DaskEngine
        >>> net = Network.dense([[[0.5, 1.0]]], activations=["tanh"])
        >>> plan = Plan(net, 3, ((net.stages()[0].activations[0].rule,),), None, "RR")
        >>> est = DaskEngine(cluster_kwargs={"n_workers": 2}).estimate(plan)
        >>> est["monomials"], est["fits"]
        (10, True)
        """
        self._check_domain(plan)
        res = self._resources()
        limit = None
        if not (memory_limit is None or isinstance(memory_limit, str) and memory_limit == "auto"):
            limit = memory_limit_bytes(memory_limit)[0]
        return _layout(plan, res, limit, self.chunk, self.row_blocks).as_dict(res)

    def check(self, plan, memory_limit="auto"):
        """Refuse a plan the workers cannot hold (:func:`symnet.expand` calls this).

        ``memory_limit``: ``"auto"`` (the workers' own limits), a number of
        bytes per worker, or ``None`` (no check).  With ``keep="memory"`` the
        gathered coefficients must also fit this process.

        Raises
        ------
        ExpansionTooLargeError
            With the estimate, the limit and the chunking it would need.

        Examples
        --------
        >>> from symnet import Network
        >>> from symnet.engines import Plan
        >>> from symnet.engines.dask_engine import DaskEngine
        >>> net = Network.dense([[[0.5]]], activations=["tanh"])
        >>> plan = Plan(net, 3, ((net.stages()[0].activations[0].rule,),), None, "RR")
        >>> DaskEngine(cluster_kwargs={"n_workers": 1}).check(plan)["chunk"]
        1
        """
        self._check_domain(plan)
        if memory_limit is None:
            return None
        est = self.estimate(plan, memory_limit)
        if not est["fits"]:
            raise ExpansionTooLargeError(
                f"the dask engine cannot run this expansion on {self._resources().where}: "
                f"{est['reason']}")
        if self.keep == "memory":
            local, where = memory_limit_bytes("auto")
            out = 8 * est["monomials"] * est["centres"] * plan.net.n_outputs
            if out > local:
                raise ExpansionTooLargeError(
                    f"the coefficients ({_gib(out)}) would be gathered into this process, more "
                    f"than {where}; use DaskEngine(keep='distributed') to leave them on the "
                    "cluster (to_parquet, to_zarr, top_k)")
        return est

    # -- running --------------------------------------------------------------
    def run(self, plan):
        """One tuple of Polynomials (one per output) per centre, or with
        ``keep="distributed"`` a :class:`DistributedCoefficients`.

        Examples
        --------
        >>> import pytest; distributed = pytest.importorskip("distributed")
        >>> from symnet import Network
        >>> from symnet.engines import Plan
        >>> from symnet.engines.dask_engine import DaskEngine
        >>> net = Network.dense([[[0.5]]], activations=["tanh"])
        >>> plan = Plan(net, 3, ((net.stages()[0].activations[0].rule,),), None, "RR")
        >>> eng = DaskEngine(cluster_kwargs={"n_workers": 1, "processes": False})
        >>> print(eng.run(plan)[0][0])    # on a LocalCluster started and closed for the call
        0.5*x1 - 0.0416666666666667*x1**3 + O(|x1|**4)
        """
        self._check_domain(plan)
        session = _session(self.client, self.start_cluster, self.cluster_kwargs)
        try:
            client = session.client
            res = _client_resources(client)
            lay = _layout(plan, res, None, self.chunk, self.row_blocks)
            token = uuid.uuid4().hex[:12]
            if lay.mode == "centres":
                blocks = self._centres(client, plan, lay, token)
            else:
                dsk, outs = _layers_graph(plan, lay, token)
                import dask

                # the weight matrices travel inside the graph (recomputable if a worker dies)
                with dask.config.set({"distributed.admin.large-graph-warning-threshold":
                                      "1GB"}):
                    futs = client.get(dsk, outs, sync=False, retries=self.retries)
                blocks = [(f, (0, lay.centres), (i, i + 1)) for i, f in enumerate(futs)]
                del futs
            result = DistributedCoefficients(client, blocks, plan, lay.monomials)
            if self.keep == "distributed":
                result._owned = session.detach()
                _wait(client, [b[0] for b in blocks])
                return result
            try:
                return polynomials_from_dense(plan, result._gather())
            finally:
                result._release()
        finally:
            session.close()

    def _centres(self, client, plan, lay, token):
        P, c = lay.centres, lay.centre_chunk
        pkey = f"symnet-{token}-plan"
        dsk = {pkey: plan}
        keys, spans = [], []
        for i, a in enumerate(range(0, P, c)):
            key = (f"symnet-{token}-centres", i)
            dsk[key] = (_centres_task, pkey, tuple(plan.centers[a:a + c]))
            keys.append(key)
            spans.append((a, min(a + c, P)))
        futs = client.get(dsk, keys, sync=False, retries=self.retries)
        n_out = plan.net.n_outputs
        return [(f, span, (0, n_out)) for f, span in zip(futs, spans)]


def _wait(client, futures):
    """Wait for futures, turning cluster failures into symnet errors."""
    try:
        with client.as_current():
            _distributed().wait(futures)
        bad = [f for f in futures if f.status == "error"]
        if bad:
            bad[0].result()
        if any(f.status == "cancelled" for f in futures):
            raise ResourceError("the Dask cluster cancelled the expansion; nothing was returned")
    except SymnetError:
        raise
    except Exception as e:
        raise _cluster_error(e) from e


def _cluster_error(e):
    kind = type(e).__name__
    if kind in ("KilledWorker", "CancelledError", "FutureCancelledError",
                "FuturesCancelledError", "CommClosedError", "TimeoutError"):
        return ResourceError(
            f"the Dask cluster failed during the expansion ({kind}: {e}); nothing was returned "
            "(workers that keep dying are usually out of memory: lower the chunk, or use "
            "workers with more memory)")
    return e


def _gather(client, futures):
    try:
        return client.gather(futures)
    except SymnetError:
        raise
    except Exception as e:
        err = _cluster_error(e)
        if err is e:
            raise
        raise err from e


# ---------------------------------------------------------------------------
# results left on the cluster
# ---------------------------------------------------------------------------

class DistributedCoefficients:
    """The coefficients of an expansion, left on a Dask cluster.

    What ``expand(..., engine=DaskEngine(keep="distributed"))`` returns: the
    coefficient array of shape ``(monomials, centres, outputs)`` in the
    package's monomial order (:mod:`symnet.monomials`) as Dask blocks on the
    workers.  Nothing is gathered unless asked: :meth:`top_k` brings back
    ``k`` terms, :meth:`to_parquet` and :meth:`to_zarr` write from the
    workers, :meth:`to_polynomials` gathers everything.  Close it (or use it
    as a context manager) to free the workers' memory and a cluster the
    engine started.

    Attributes
    ----------
    variables : tuple of Symbol
    order : int
    centers : tuple or None
    shape : tuple
        ``(monomials, centres, outputs)``.
    meta : dict

    Examples
    --------
    >>> import pytest; distributed = pytest.importorskip("distributed")
    >>> from symnet import Network, expand
    >>> from symnet.engines.dask_engine import DaskEngine
    >>> net = Network.dense([[[0.5]]], activations=["tanh"])
    >>> eng = DaskEngine(keep="distributed", cluster_kwargs={"n_workers": 1, "processes": False})
    >>> with expand(net, 3, domain="RR", engine=eng) as res:
    ...     print(res.shape, res.top_k(2))
    (4, 1, 1) [((1,), 0.5), ((3,), -0.041666666666666664)]
    """

    def __init__(self, client, blocks, plan, monomials):
        net = plan.net
        self._client = client
        self._blocks = list(blocks)       # (future, (p0, p1), (k0, k1))
        self._owned = []
        self.variables = tuple(net.inputs)
        self.order = plan.order
        self.centers = plan.centers
        self.meta = dict(plan.meta)
        P = len(plan.centers) if plan.centers else 1
        self.shape = (monomials, P, net.n_outputs)

    def __repr__(self):
        N, P, K = self.shape
        state = "closed" if self._blocks is None else f"{len(self._blocks)} blocks"
        return (f"<DistributedCoefficients: {N:,} monomials x {P} centres x {K} outputs, "
                f"order {self.order}, {state}>")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _live(self):
        if self._blocks is None:
            raise ArgumentError("these coefficients were closed (their cluster memory freed)")
        return self._blocks

    def _gather(self):
        blocks = self._live()
        parts = _gather(self._client, [b[0] for b in blocks])
        out = np.empty(self.shape)
        for (_, (p0, p1), (k0, k1)), a in zip(blocks, parts):
            out[:, p0:p1, k0:k1] = a
        return out

    def _release(self):
        self._blocks = None

    def close(self):
        """Free the coefficients on the workers (and a cluster the engine started)."""
        self._release()
        _close(self._owned)
        self._owned = []

    @property
    def coefficients(self):
        """The coefficients as a Dask array of shape ``(monomials, centres, outputs)``."""
        import dask
        import dask.array as da

        N = self.shape[0]
        cells = {}
        for f, (p0, p1), (k0, k1) in self._live():
            cells[(p0, k0)] = da.from_delayed(dask.delayed(f), shape=(N, p1 - p0, k1 - k0),
                                              dtype=float)
        ps = sorted({p for p, _ in cells})
        ks = sorted({k for _, k in cells})
        return da.block([[[cells[(p, k)] for k in ks] for p in ps]])

    def _locate(self, center, output):
        for f, (p0, p1), (k0, k1) in self._live():
            if p0 <= center < p1 and k0 <= output < k1:
                return f, center - p0, output - k0
        raise ArgumentError(f"no centre {center} / output {output}: the shape is {self.shape}")

    def top_k(self, k=10, *, output=0, center=0):
        """The ``k`` largest coefficients in absolute value, computed on the workers.

        Returns
        -------
        list of (exponents, coefficient)
            Sorted by decreasing ``|coefficient|`` (ties by monomial order).

        Examples
        --------
        >>> import pytest; distributed = pytest.importorskip("distributed")
        >>> from symnet import Network, expand
        >>> from symnet.engines.dask_engine import DaskEngine
        >>> eng = DaskEngine(keep="distributed", cluster_kwargs={"processes": False})
        >>> with expand(Network.dense([[[0.5, 2.0]]], activations=["tanh"]), 3, domain="RR",
        ...             engine=eng) as res:
        ...     res.top_k(1)
        [((0, 3), -2.6666666666666665)]
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ArgumentError(f"k must be a positive int, got {k!r}")
        f, p, j = self._locate(center, output)
        idx, vals = _gather(self._client, [self._client.submit(_topk_task, f, p, j, k,
                                                                 pure=False)])[0]
        order = sorted(range(len(idx)), key=lambda i: (-abs(vals[i]), idx[i]))
        idx = np.array([idx[i] for i in order], dtype=np.int64)
        _, exps = _exponents(len(self.variables), self.order, idx)
        return [(tuple(int(e) for e in exps[i]), float(vals[order[i]]))
                for i in range(len(order))]

    def to_polynomials(self):
        """Gather into Polynomials, as :func:`symnet.expand` returns them.

        Returns
        -------
        Polynomial, or a tuple (one per output); a list of those for several centres

        Examples
        --------
        >>> import pytest; distributed = pytest.importorskip("distributed")
        >>> from symnet import Network, expand
        >>> from symnet.engines.dask_engine import DaskEngine
        >>> eng = DaskEngine(keep="distributed", cluster_kwargs={"processes": False})
        >>> with expand(Network.dense([[[0.5]]], activations=["tanh"]), 3, domain="RR",
        ...             engine=eng) as res:
        ...     print(res.to_polynomials())
        0.5*x1 - 0.0416666666666667*x1**3 + O(|x1|**4)
        """
        from ..polynomial import Polynomial

        coeffs = self._gather()
        out = []
        centers = self.centers or (None,)
        for p, c in enumerate(centers):
            polys = []
            for k in range(self.shape[2]):
                polys.append(Polynomial.from_vector(coeffs[:, p, k], self.variables, self.order,
                                                    center=c, meta=self.meta))
            out.append(polys[0] if len(polys) == 1 else tuple(polys))
        return out[0] if len(out) == 1 else out

    def _column_names(self):
        N, P, K = self.shape
        names = []
        for _, (p0, p1), (k0, k1) in self._live():
            for p in range(p0, p1):
                for k in range(k0, k1):
                    if P == 1:
                        names.append("coefficient" if K == 1 else f"coefficient_{k}")
                    else:
                        names.append(f"coefficient_{p}_{k}")
        return names

    def to_parquet(self, path, *, rows_per_file=1 << 20):
        """Write the coefficients as a directory of Parquet files, from the workers.

        One file per block of rows, with columns ``index`` (the monomial's
        position in the package's order), ``degree``, one exponent column
        per variable and one ``coefficient`` column per output (and centre).
        The path must be visible to every worker (a shared file system).

        Returns
        -------
        list of str
            The files written.

        Examples
        --------
        >>> import os, tempfile, pytest
        >>> distributed = pytest.importorskip("distributed"); pq = pytest.importorskip("pyarrow.parquet")
        >>> from symnet import Network, expand
        >>> from symnet.engines.dask_engine import DaskEngine
        >>> eng = DaskEngine(keep="distributed", cluster_kwargs={"processes": False})
        >>> with tempfile.TemporaryDirectory() as d, expand(
        ...         Network.dense([[[0.5]]], activations=["tanh"]), 3, domain="RR",
        ...         engine=eng) as res:
        ...     files = res.to_parquet(os.path.join(d, "c.parquet"))
        ...     print(len(files), pq.read_table(files[0]).column("coefficient").to_pylist())
        1 [0.0, 0.5, 0.0, -0.041666666666666664]
        """
        import json

        if isinstance(rows_per_file, bool) or not isinstance(rows_per_file, int) or \
                rows_per_file < 1:
            raise ArgumentError(f"rows_per_file must be a positive int, got {rows_per_file!r}")
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise NotSupportedError("to_parquet needs pyarrow: pip install 'symnet[dask]'")
        path = os.fspath(path)
        os.makedirs(path, exist_ok=True)
        N = self.shape[0]
        client = self._client
        names = [str(v) for v in self.variables]
        columns = self._column_names()
        meta = {b"symnet": json.dumps({
            "variables": names, "order": self.order,
            "centers": None if self.centers is None else [[float(v) for v in c]
                                                          for c in self.centers]}).encode()}
        futs = []
        for i, r0 in enumerate(range(0, N, rows_per_file)):
            r1 = min(N, r0 + rows_per_file)
            parts = [client.submit(_rows_task, f, r0, r1, pure=False)
                     for f, _, _ in self._live()]
            file = os.path.join(path, f"part-{i:05d}.parquet")
            futs.append(client.submit(_parquet_task, file, parts, r0, len(names), self.order,
                                      names, columns, meta, pure=False))
        return _gather(client, futs)

    def to_zarr(self, path, *, rows_per_chunk=1 << 20):
        """Write the coefficient array ``(monomials, centres, outputs)`` to a Zarr store.

        The array's attributes record ``variables``, ``order`` and
        ``centers``.  Written from the workers (the path must be visible to
        them).

        Examples
        --------
        >>> import os, tempfile, pytest
        >>> distributed = pytest.importorskip("distributed"); zarr = pytest.importorskip("zarr")
        >>> from symnet import Network, expand
        >>> from symnet.engines.dask_engine import DaskEngine
        >>> eng = DaskEngine(keep="distributed", cluster_kwargs={"processes": False})
        >>> with tempfile.TemporaryDirectory() as d, expand(
        ...         Network.dense([[[0.5]]], activations=["tanh"]), 3, domain="RR",
        ...         engine=eng) as res:
        ...     z = zarr.open_array(res.to_zarr(os.path.join(d, "c.zarr")), mode="r")
        ...     print(z.shape, z.attrs["order"], z[3, 0, 0])
        (4, 1, 1) 3 -0.041666666666666664
        """
        try:
            import zarr
        except ImportError:
            raise NotSupportedError("to_zarr needs zarr: pip install zarr") from None
        path = os.fspath(path)
        arr = self.coefficients.rechunk((min(rows_per_chunk, self.shape[0]), 1, 1))
        import dask.array as da

        store = da.to_zarr(arr, path, overwrite=True, compute=False)
        _wait(self._client, [self._client.compute(store)])
        z = zarr.open_array(path, mode="r+")
        z.attrs.update({"variables": [str(v) for v in self.variables], "order": self.order,
                        "centers": None if self.centers is None else
                        [[float(v) for v in c] for c in self.centers]})
        return path


# ---------------------------------------------------------------------------
# mapping a function over boxes
# ---------------------------------------------------------------------------

_FN_LOCK = threading.Lock()


class _Exclusive:
    """``fn`` run under a per-process lock: one call at a time in each worker process."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, box):
        with _FN_LOCK:
            return self.fn(box)


def map_boxes(fn, boxes, *, client=None, start_cluster=True, cluster_kwargs=None, retries=2,
              exclusive=True, **kwargs):
    """``[fn(box, **kwargs) for box in boxes]``, one task per box on a Dask cluster.

    For the float :func:`symnet.error_bound` over many boxes:
    ``map_boxes(functools.partial(error_bound, net, poly), boxes)``.

    Parameters
    ----------
    fn : callable
        Picklable (a module-level function or a ``functools.partial`` of one).
    boxes : iterable
    client : distributed.Client or str, optional
        As for :class:`DaskEngine` (default the current client, else a
        ``LocalCluster`` for the call).
    retries : int
        Extra attempts of a task that raises.
    exclusive : bool
        Run one call at a time per worker process (default).  The ball
        arithmetic of :func:`symnet.error_bound` keeps its working precision
        in process-global state (python-flint's ``ctx.prec``), so concurrent
        calls in the threads of one worker can change each other's
        precision (a valid but slightly looser bound, not reproducible);
        pass False for a thread-safe ``fn``.
    **kwargs
        Passed to ``fn``.

    Returns
    -------
    list
        The results, in the order of ``boxes``.

    Examples
    --------
    >>> import functools, pytest; distributed = pytest.importorskip("distributed")
    >>> from symnet import Network, expand, error_bound
    >>> from symnet.engines.dask_engine import map_boxes
    >>> net = Network.dense([[[0.5]]], activations=["tanh"])
    >>> p = expand(net, 3, domain="RR")
    >>> boxes = [[(-0.5, 0.5)], [(0, 0.25)]]
    >>> bounds = map_boxes(functools.partial(error_bound, net, p), boxes,
    ...                    cluster_kwargs={"n_workers": 1, "processes": False})
    >>> [float(b) == float(error_bound(net, p, box)) for b, box in zip(bounds, boxes)]
    [True, True]
    """
    if not callable(fn):
        raise ArgumentError(f"fn must be callable, got {type(fn).__name__}")
    boxes = list(boxes)
    f = functools.partial(fn, **kwargs) if kwargs else fn
    try:
        import cloudpickle

        cloudpickle.dumps(f)
    except Exception as e:
        raise ArgumentError(f"map_boxes needs a picklable function (it is sent to the "
                            f"workers): {type(e).__name__}: {e}") from None
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ArgumentError(f"retries must be a non-negative int, got {retries!r}")
    if not boxes:
        return []
    if exclusive:
        f = _Exclusive(f)
    with _session(client, start_cluster, cluster_kwargs) as s:
        futs = s.client.map(f, boxes, retries=retries, pure=False)
        return list(_gather(s.client, futs))
