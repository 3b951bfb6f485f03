"""The expansion benchmark: symnet beside plain sympy, sympy's ring and NN2Poly."""

import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from . import workloads
from .reference import plain_sympy, sympy_ring, sympy_ring_rr

TARGETS = {  # seconds, from the issue
    ("W2", "float"): 0.002, ("W3", "float"): 0.010, ("W4", "float"): 0.120,
    ("W2", "k/64"): 0.050, ("W3", "k/64"): 0.5, ("W4", "k/64"): 0.75,
    ("W5", "symbolic"): 0.005, ("10in Q=7", "float"): 3.0,
}


def median_time(f, repeat):
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def _child(q, fn, name, kind, order):
    net = workloads.network(name, kind) if name in workloads.SHAPES else workloads.ten_inputs()
    t0 = time.perf_counter()
    fn(net, order)
    q.put(time.perf_counter() - t0)


def timed_reference(fn, name, kind, order, timeout):
    """Seconds taken by fn(net, order) in a subprocess, or None past the timeout."""
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, fn, name, kind, order))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()
        p.join()
        return None
    return q.get() if not q.empty() else None


def fmt(t, cap=None):
    if t is None:
        return f"> {cap:.0f} s" if cap else "n/a"
    if t < 1e-2:
        return f"{t * 1e3:.2f} ms"
    if t < 1:
        return f"{t * 1e3:.0f} ms"
    return f"{t:.2f} s"


def nn2poly_available():
    if not shutil.which("Rscript"):
        return False
    r = subprocess.run(["Rscript", "-e", "library(nn2poly)"], capture_output=True)
    return r.returncode == 0


def nn2poly_time(net, order, timeout):
    """Time NN2Poly on the same weights (needs R and the nn2poly package)."""
    import numpy as np

    stages = net.stages()
    with tempfile.TemporaryDirectory() as d:
        names = []
        for k, (s, (W, b)) in enumerate(zip(stages, [(s.weight_array(), s.bias_array()) for s in stages])):
            M = np.vstack([b[None, :], W.T])  # (n_in + 1) x n_out, row 0 the bias
            np.savetxt(os.path.join(d, f"w{k}.csv"), M, delimiter=",")
            names.append("linear" if s.activations[0].name == "identity" else
                         s.activations[0].name)
        taylor = ", ".join("1" if n == "linear" else str(order) for n in names)
        script = f"""
suppressMessages(library(nn2poly))
w <- lapply(0:{len(names) - 1}, function(k) as.matrix(read.csv(file.path("{d}",
       paste0("w", k, ".csv")), header = FALSE)))
names(w) <- c({", ".join(repr(n) for n in names)})
ts <- sapply(1:3, function(i) system.time(nn2poly(w, max_order = {order},
       taylor_orders = c({taylor})))[["elapsed"]])
cat(median(ts))
"""
        try:
            r = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                               timeout=timeout)
            return float(r.stdout.strip())
        except (subprocess.TimeoutExpired, ValueError):
            return None


WIDTHS = [34, 10, 24, 9, 12, 28, 16]
HEADER = ["workload", "monomials", "symnet", "target", "plain sympy",
          "sympy ring (same algorithm)", "NN2Poly"]


def _print_row(cells):
    """One row, printed (and flushed) as soon as it is measured."""
    print(" | ".join(str(c).ljust(w) for c, w in zip(cells, WIDTHS)), flush=True)


def run(quick=True, timeout=60.0, repeat=5):
    import symnet
    from symnet import expand
    from symnet.monomials import basis

    have_r = nn2poly_available()
    print(f"symnet {symnet.__version__}: expansion, median of {repeat}, one core"
          + ("" if not quick else " (quick: --full adds plain sympy and sympy's ring)"),
          flush=True)
    _print_row(HEADER)
    print("-|-".join("-" * w for w in WIDTHS), flush=True)
    for name, kinds in [("W2", ["float", "k/64"]), ("W3", ["float", "k/64"]),
                        ("W4", ["float", "k/64"]), ("W5", ["symbolic"])]:
        _, n, hidden, Q = workloads.SHAPES[name]
        for kind in kinds:
            net = workloads.network(name, kind)
            expand(net, Q)  # warm the pair tables and caches
            reps = repeat if not (kind == "k/64" and name == "W4") else max(3, repeat // 2)
            t = median_time(lambda: expand(net, Q), reps)
            p = expand(net, Q)
            sym = ring = nn = None
            if not quick:
                sym = timed_reference(plain_sympy, name, kind, Q, timeout)
                if kind != "symbolic":
                    ref = sympy_ring_rr if kind == "float" else sympy_ring
                    ring = timed_reference(ref, name, kind, Q, timeout)
                if have_r and kind == "float":
                    nn = nn2poly_time(net, Q, timeout)
            _print_row([f"{name} {kind} Q={Q}", f"{p.nterms:,}", fmt(t),
                        fmt(TARGETS.get((name, kind))),
                        "skipped" if quick else fmt(sym, timeout),
                        "skipped" if quick or kind == "symbolic" else fmt(ring, timeout),
                        fmt(nn) if have_r else "R not installed"])
    net = workloads.ten_inputs()
    for Q in (5, 6, 7):
        basis.cache_clear()
        t0 = time.perf_counter()
        p = expand(net, Q)
        first = time.perf_counter() - t0
        t = median_time(lambda: expand(net, Q), max(1, repeat // 2))
        nn = nn2poly_time(net, Q, timeout) if have_r and not quick else None
        _print_row([f"10 in, tanh 50-50, float Q={Q}", f"{p.nterms:,}",
                    f"{fmt(first)} (cached {fmt(t)})",
                    fmt(TARGETS.get((f"10in Q={Q}", "float"))), "-", "-",
                    fmt(nn) if have_r else "R not installed"])
    print()
    print("NN2Poly 1.0 reference (docs/expansion.md, same machine class): W2 3-4 ms; 10 inputs "
          "50-50: Q=5 0.28 s, Q=6 1.9 s, Q=7 27 s.", flush=True)
