"""The architecture's costs: cold path, big dense networks, import time.

    python -m bench core

* Cold path: ``Network.dense(W, b)`` + the first ``expand`` of that fresh
  network, beside (a) a plain numpy dense kernel written here from scratch
  (the reference a user could write: monomial tables, truncated products by
  scatter-add, the tanh series shifted to each neuron's constant) and (b)
  symnet's own dense kernel run on a prebuilt plan (no validation, no
  planning, no wrapping).  Tables are warm in all three.  Target: cold path
  within 1.5x of the numpy reference.
* A 784-256-256-10 float network: ``Network.dense`` (target < 0.1 s), its
  first evaluation on 1,000 points (target < 50 ms), peak memory of building
  it against its weight arrays (target < 2x).
* ``import symnet`` against ``import sympy`` (fresh interpreters; target
  at most 1.2x).
"""

import math
import statistics
import subprocess
import sys
import time
import tracemalloc
from itertools import combinations_with_replacement

import numpy as np

try:
    from . import workloads
except ImportError:  # run as a script
    import workloads


# ---------------------------------------------------------------------------
# a plain numpy dense kernel (the reference)
# ---------------------------------------------------------------------------

_TABLES = {}


def reference_tables(n, Q):
    """Monomials (graded) and, per degree pair, the pairs (i, j) -> k of every product."""
    key = (n, Q)
    if key not in _TABLES:
        monos = [()]
        for d in range(1, Q + 1):
            monos.extend(combinations_with_replacement(range(n), d))
        index = {m: i for i, m in enumerate(monos)}
        deg = np.array([len(m) for m in monos])
        i1, i2, k = [], [], []
        for a, ma in enumerate(monos):
            if not ma:
                continue
            for b, mb in enumerate(monos):
                if not mb or len(ma) + len(mb) > Q:
                    continue
                i1.append(a)
                i2.append(b)
                k.append(index[tuple(sorted(ma + mb))])
        pairs = (np.array(i1), np.array(i2), np.array(k))
        lin = np.array([index[(j,)] for j in range(n)])
        _TABLES[key] = (len(monos), deg, pairs, lin)
    return _TABLES[key]


def reference_kernel(Ws, bs, Q, g):
    """Series-mode expansion of a tanh network with the Maclaurin coefficients ``g`` (floats)."""
    N, deg, (i1, i2, k), lin = reference_tables(Ws[0].shape[1], Q)
    H = np.zeros((N, Ws[0].shape[1]))
    H[lin, np.arange(len(lin))] = 1.0
    for layer, (W, b) in enumerate(zip(Ws, bs)):
        Z = H @ W.T
        Z[0] += b
        if layer == len(Ws) - 1:
            return Z
        c0 = Z[0].copy()
        V = Z.copy()
        V[0] = 0
        P, Hn = V, np.zeros_like(Z)
        q = len(g) - 1
        D = []
        for kk in range(q + 1):        # D_k(c0) = sum_m C(m, k) g_m c0^(m-k)
            acc = np.zeros_like(c0)
            for m in range(q, kk - 1, -1):
                acc = acc * c0 + math.comb(m, kk) * g[m]
            D.append(acc)
        Hn[0] = D[0]
        for kk in range(1, q + 1):
            Hn += P * D[kk]
            if kk < q:
                C = np.zeros_like(P)
                np.add.at(C, k, P[i1] * V[i2])
                P = C
        H = Hn


# ---------------------------------------------------------------------------

def _median(f, repeat):
    from .expand_bench import median_time
    return median_time(f, repeat)


def _fmt(t):
    return f"{t * 1e3:.2f} ms" if t < 0.1 else f"{t:.3f} s"


def _table(header, rows):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)), flush=True)
    print("-|-".join("-" * w for w in widths), flush=True)
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)), flush=True)


def cold_path(repeat=7):
    from symnet import Network, expand, get_activation
    from symnet.engines import Plan, get_engine

    print("Cold path: Network.dense + first expand of the fresh network (float, series mode)")
    header = ["workload", "monomials", "numpy reference", "symnet kernel only",
              "symnet cold path", "cold / reference", "cold / kernel", "target", "symnet warm"]
    rows = []
    for name in ("W2", "W3", "W4"):
        k, n, hidden, Q = workloads.SHAPES[name]
        Ws, bs = workloads.weights(k, n, hidden)
        g = [float(c) for c in get_activation("tanh").maclaurin(Q)]
        ref = reference_kernel(Ws, bs, Q, g)           # warm the reference tables
        net = Network.dense(Ws, bs, activations="tanh")
        p = expand(net, Q)                              # warm symnet's tables
        assert np.allclose(ref[:, 0].sum(), sum(p.terms().values()), rtol=1e-9, atol=1e-12)
        eng = get_engine("dense")
        rules = tuple(tuple(None if a.is_identity else a.series_rule(Q) for a in s.activations)
                      for s in net.stages())
        plan = Plan(net, Q, rules, None, "RR")
        reps = repeat if name != "W4" else 3
        t_ref = _median(lambda: reference_kernel(Ws, bs, Q, g), reps)
        t_ker = _median(lambda: eng.coefficients(plan), reps)
        t_cold = _median(lambda: expand(Network.dense(Ws, bs, activations="tanh"), Q), reps)
        t_warm = _median(lambda: expand(net, Q), reps)
        rows.append([f"{name} float Q={Q}", f"{p.nterms:,}", _fmt(t_ref), _fmt(t_ker),
                     _fmt(t_cold), f"{t_cold / t_ref:.2f}", f"{t_cold / t_ker:.2f}", "<= 1.5",
                     _fmt(t_warm)])
        print(f"  {rows[-1][0]}: done", flush=True)
    _table(header, rows)


def big_network():
    from symnet import Network

    print()
    print("A 784-256-256-10 float network (relu)")
    rng = np.random.RandomState(0)
    sizes = [784, 256, 256, 10]
    Ws = [rng.randn(b, a) / math.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [0.1 * rng.randn(b) for b in sizes[1:]]
    weight_bytes = sum(w.nbytes for w in Ws) + sum(b.nbytes for b in bs)
    t_build = _median(lambda: Network.dense(Ws, bs, activations="relu"), 5)
    X = rng.randn(1000, 784)
    firsts = []
    for _ in range(5):
        net = Network.dense(Ws, bs, activations="relu")
        t0 = time.perf_counter()
        net(X)
        firsts.append(time.perf_counter() - t0)
    tracemalloc.start()
    net = Network.dense(Ws, bs, activations="relu")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = [["Network.dense", _fmt(t_build), "< 100 ms"],
            ["first evaluation, 1,000 points", _fmt(statistics.median(firsts)), "< 50 ms"],
            ["peak memory while building / weights",
             f"{peak / 2**20:.1f} MiB / {weight_bytes / 2**20:.1f} MiB = {peak / weight_bytes:.2f}x",
             "< 2x"]]
    _table(["measure", "symnet", "target"], rows)


def import_time(repeat=5):
    print()
    print("Import time (fresh interpreters, median of %d)" % repeat)

    def t(stmt):
        code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
        return statistics.median(
            float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeat))
    ts, tn = t("import sympy"), t("import symnet")
    _table(["import", "time", "ratio", "target"],
           [["sympy", _fmt(ts), "1.00", ""], ["symnet", _fmt(tn), f"{tn / ts:.2f}", "<= 1.2"]])


def run(repeat=7):
    cold_path(repeat)
    big_network()
    import_time()


if __name__ == "__main__":
    run()
