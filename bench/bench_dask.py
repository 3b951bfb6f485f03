"""The Dask engine beside the local dense engine: equality, efficiency, scale.

    python -m bench dask                     # everything, sizes chosen for this machine
    python -m bench.bench_dask --help        # sizes by hand (--scale-width 1024 ...)

1. Equality: on workloads that fit locally, the Dask engine's coefficients
   against the local dense engine's (max |difference| / max |coefficient|),
   on a LocalCluster of 2 single-threaded worker processes.
2. Efficiency: the largest workload that fits this process, local vs Dask
   (2 workers): median wall time of warm runs (product tables built), and
   the first run of each.
3. Scale: 60 inputs, two tanh layers of ``width``, order 4 on a LocalCluster
   of ``workers`` workers with a ``memory`` limit each (a layer's dense state
   exceeds one worker's limit): wall time, the peak resident memory of every
   worker process (sampled every 0.1 s), bytes spilled, and cross-checks: the
   coefficients of degree <= 2 against the local engine (an order-2 expansion
   with the same series degree 4 is their exact truncation), and, at a
   smaller width that fits locally, the top 100 coefficients.

Rows print as they finish.  Workers get 1 BLAS thread (Dask's default), as
does this process (``python -m bench`` pins it).
"""

import argparse
import os
import statistics
import sys
import threading
import time

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

from bench.workloads import network, weights  # noqa: E402
from symnet import Network, expand, local_polynomials  # noqa: E402
from symnet._validate import available_memory  # noqa: E402
from symnet.engines.dask_engine import DaskEngine  # noqa: E402
from symnet.engines.dense import dense_estimate  # noqa: E402
from symnet.monomials import basis  # noqa: E402


def say(*a):
    print(*a, flush=True)


def fmt(t):
    return "-" if t is None else (f"{t * 1e3:.0f} ms" if t < 1 else f"{t:.1f} s")


def gib(b):
    return f"{b / 2**30:.2f} GiB"


def mlp60(width, seed=0, n=60):
    Ws, bs = weights(60 + seed, n, [width, width])
    return Network.dense(Ws, bs, activations="tanh")


def vec(p):
    if getattr(p, "_dense", None) is not None:
        return np.asarray(p._dense[1])
    B = basis(len(p.variables), p.order)
    out = np.zeros(B.size)
    for e, c in p.terms().items():
        out[B.index_of(e)] = c
    return out


def rel(a, b):
    return float(np.max(np.abs(a - b)) / max(1e-300, np.max(np.abs(b))))


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


class PeakMemory:
    """Largest resident memory of each worker process, sampled in a thread.

    A brake for a shared machine: if its available memory falls under
    ``floor`` bytes, the workers are killed (the run then fails) rather than
    let the kernel's OOM killer pick some other process.
    """

    def __init__(self, client, every=0.1, floor=1 << 30):
        import psutil

        self.psutil = psutil
        self.procs = {a: psutil.Process(p) for a, p in client.run(os.getpid).items()}
        self.peak = {a: 0 for a in self.procs}
        self.dirs = list(client.run(lambda dask_worker: dask_worker.local_directory).values())
        self.disk = 0          # peak bytes spilled to the workers' directories
        self.every = every
        self.floor = floor
        self.aborted = False
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _spilled(self):
        total = 0
        for d in self.dirs:
            for root, _, files in os.walk(d):
                for f in files:
                    try:
                        total += os.path.getsize(os.path.join(root, f))
                    except OSError:
                        pass
        return total

    def _run(self):
        tick = 0
        while not self._stop.is_set():
            tick += 1
            if tick % 10 == 0:
                self.disk = max(self.disk, self._spilled())
            for a, p in self.procs.items():
                try:
                    self.peak[a] = max(self.peak[a], p.memory_info().rss)
                except Exception:
                    pass
            if self.psutil.virtual_memory().available < self.floor:
                self.aborted = True
                for p in self.procs.values():
                    try:
                        p.kill()
                    except Exception:
                        pass
            time.sleep(self.every)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def cluster(workers, memory):
    from distributed import Client, LocalCluster

    lc = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      memory_limit=memory, dashboard_address=":0", silence_logs=40)
    return lc, Client(lc)


# ---------------------------------------------------------------------------

def equality(client, quick):
    say("\n1. Equality with the local dense engine (2 worker processes)")
    say(f"{'workload':34s} {'monomials':>10s} {'local':>9s} {'dask':>9s} {'max rel diff':>13s}")
    cases = [("W2 10 in, tanh 50-50, Q=3", network("W2"), 3),
             ("W3 8 in, tanh 32-32-32, Q=5", network("W3"), 5),
             ("W4 20 in, tanh 64-64, Q=4", network("W4"), 4)]
    if not quick:
        cases.append(("60 in, tanh 64-64, Q=4", mlp60(64), 4))
    worst = 0.0
    for label, net, Q in cases:
        expand(net, Q, domain="RR", memory_limit=None)
        tl, p = timed(lambda: expand(net, Q, domain="RR", memory_limit=None))
        expand(net, Q, domain="RR", engine="dask")
        td, q = timed(lambda: expand(net, Q, domain="RR", engine="dask"))
        r = rel(vec(q), vec(p))
        worst = max(worst, r)
        say(f"{label:34s} {basis(net.n_inputs, Q).size:>10,} {fmt(tl):>9s} {fmt(td):>9s} "
            f"{r:>13.1e}")
    net = network("W2")
    X = np.random.default_rng(0).uniform(-1, 1, (256, 10))
    tl, ps = timed(lambda: local_polynomials(net, X, 3))
    td, qs = timed(lambda: local_polynomials(net, X, 3, engine="dask"))
    r = max(rel(vec(q), vec(p)) for p, q in zip(ps, qs))
    worst = max(worst, r)
    say(f"{'W2 local_polynomials, 256 points':34s} {286:>10,} {fmt(tl):>9s} {fmt(td):>9s} "
        f"{r:>13.1e}")
    say(f"worst relative difference {worst:.1e} (required <= 1e-12): "
        f"{'OK' if worst <= 1e-12 else 'FAIL'}")
    return worst


def efficiency(client, width, repeat):
    say(f"\n2. Efficiency: 60 inputs, tanh {width}-{width}, Q=4 (the largest that fits this "
        "process), 2 worker processes")
    net = mlp60(width)
    tl0, p = timed(lambda: expand(net, 4, domain="RR", memory_limit=None))
    td0, q = timed(lambda: expand(net, 4, domain="RR", engine="dask"))
    tls, tds = [], []
    for _ in range(repeat):     # interleaved: the machine's load hits both alike
        tls.append(timed(lambda: expand(net, 4, domain="RR", memory_limit=None))[0])
        tds.append(timed(lambda: expand(net, 4, domain="RR", engine="dask"))[0])
    tl, td = statistics.median(tls), statistics.median(tds)
    est = DaskEngine().estimate(_plan(net, 4))
    say(f"{'':22s} {'first run':>10s} {'warm (median of ' + str(repeat) + ')':>22s}")
    say(f"{'local dense engine':22s} {fmt(tl0):>10s} {fmt(tl):>22s}")
    say(f"{'dask engine':22s} {fmt(td0):>10s} {fmt(td):>22s}   "
        f"(chunks of {est['chunk']} neurons, {est['row_blocks']} row blocks)")
    say(f"dask / local = {td / tl:.2f} warm, {td0 / tl0:.2f} first run (required <= 1.5); "
        f"max rel diff {rel(vec(q), vec(p)):.1e}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return td / tl


def _plan(net, order):
    from symnet.engines import Plan

    rules = tuple(tuple(None if a.is_identity else a.rule for a in s.activations)
                  for s in net.stages())
    return Plan(net, order, rules, None, "RR")


def scale(width, workers, memory, check_width):
    from dask.utils import parse_bytes

    limit = parse_bytes(memory)
    N = basis(60, 4).size
    layer = 8 * N * width
    say(f"\n3. Scale: 60 inputs, tanh {width}-{width}, Q=4 ({N:,} monomials; one layer "
        f"{gib(layer)} dense) on {workers} workers x {memory}")
    lc, client = cluster(workers, memory)
    try:
        net = mlp60(width)
        eng = DaskEngine(keep="distributed")
        est = eng.estimate(_plan(net, 4))
        say(f"plan: chunks of {est['chunk']} neurons ({est['tasks']} activation tasks), "
            f"{est['row_blocks']} row blocks, estimated peak {gib(est['per_worker_bytes'])} "
            f"per worker (limit {gib(est['worker_limit'])}), spill "
            f"{gib(est['spill_bytes'])} per worker")
        pids = client.run(os.getpid)
        with PeakMemory(client) as mem:
            try:
                t, res = timed(lambda: expand(net, 4, domain="RR", engine=eng))
            except Exception as e:
                if not mem.aborted:
                    raise
                say(f"ABORTED: this machine's available memory fell under 1 GiB (other "
                    f"processes); the workers were stopped ({type(e).__name__})")
                return None, max(mem.peak.values())
        restarted = set(pids.values()) - set(client.run(os.getpid).values())
        peak = max(mem.peak.values())
        say(f"completed in {fmt(t)}; peak worker memory {gib(peak)} "
            f"({', '.join(gib(v) for v in sorted(mem.peak.values()))}) vs limit "
            f"{gib(limit)}: {'under' if peak < limit else 'OVER'}; workers restarted: "
            f"{len(restarted)}; peak spilled to disk {gib(mem.disk)} (all workers)")
        top = res.top_k(5)
        say("top 5: " + ", ".join(f"{c:+.4f}" for _, c in top))
        # degree <= 2 against the local engine (exact truncation of the same polynomial)
        n2 = basis(60, 2).size
        low = client.compute(res.coefficients[:n2, 0, 0]).result()
        ref = vec(expand(net, 2, series_degree=4, domain="RR", memory_limit=None))
        say(f"degree <= 2 coefficients ({n2:,}) vs local expand(order=2, series_degree=4): "
            f"max rel diff {rel(low, ref):.1e}")
        res.close()
        # the top 100 at a width that fits locally, same cluster and code path
        small = mlp60(check_width)
        with expand(small, 4, domain="RR", engine=eng) as r2:
            top = r2.top_k(100)
        p = expand(small, 4, domain="RR", memory_limit=None)
        B = basis(60, 4)
        want = sorted(p.terms().items(), key=lambda kv: (-abs(kv[1]), B.index_of(kv[0])))[:100]
        same = [e for e, _ in top] == [e for e, _ in want]
        r = rel(np.array([c for _, c in top]), np.array([c for _, c in want]))
        say(f"width {check_width} on the same cluster: top 100 monomials "
            f"{'identical' if same else 'DIFFER'} to the local engine's, max rel diff {r:.1e}")
        return t, peak
    finally:
        client.close()
        lc.close()


def choose_efficiency_width():
    """The widest 60-input, order-4 workload the local engine fits in half the free memory."""
    free = available_memory() // 2
    for w in (512, 256, 128, 64):
        if dense_estimate(60, 4, 60 + 2 * w + 1, w) < free:
            return w
    return 32


def run(quick=False, repeat=3, scale_width=None, scale_workers=4, scale_memory=None,
        check_width=64, eff_width=None, skip_scale=False):
    import distributed

    say(f"symnet Dask engine benchmark: dask {distributed.__version__}, {os.cpu_count()} cores, "
        f"{gib(available_memory())} available, load average {os.getloadavg()[0]:.1f}")
    lc, client = cluster(2, "auto")
    try:
        equality(client, quick)
        efficiency(client, eff_width or (64 if quick else choose_efficiency_width()), repeat)
    finally:
        client.close()
        lc.close()
    if skip_scale:
        return
    if scale_width is None:   # the brief's run if this machine has the memory, else half of it
        full = available_memory() > scale_workers * 2.5 * 2**30 + (2 << 30)
        scale_width, scale_memory = (1024, "2.5GB") if full and not quick else (512, "1.5GB")
    scale(scale_width, scale_workers, scale_memory or "2.5GB", check_width)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench.bench_dask", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--eff-width", type=int)
    ap.add_argument("--scale-width", type=int)
    ap.add_argument("--scale-workers", type=int, default=4)
    ap.add_argument("--scale-memory")
    ap.add_argument("--check-width", type=int, default=64)
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--only-scale", action="store_true")
    a = ap.parse_args(argv)
    if a.only_scale:
        scale(a.scale_width or 1024, a.scale_workers, a.scale_memory or "2.5GB", a.check_width)
        return 0
    run(a.quick, a.repeat, a.scale_width, a.scale_workers, a.scale_memory, a.check_width,
        a.eff_width, a.skip_scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
