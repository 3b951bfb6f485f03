"""Certified error bounds beside the measured error: how tight, how fast.

    python -m bench bounds          (or: python bench/bench_bounds.py)

Table 1: W2-sized networks (10 inputs, tanh 50-50, Q = 3; the W2 weights of
docs/expansion.md scaled by 1/4 so that the series converges on the box),
box [-r, r]^10.  Table 2: Q = 1..5 on a small network.  "measured" is the
largest |net(x) - p(x)| over 10^4 uniform random points and every corner of
the box (float64; the errors are far above float64 rounding), "ratio" is
bound / measured (>= 1 always; 1 is perfectly tight), "time" the wall time
of one error_bound call (caches warm after the first row), with ``timeout=None``.
"""

import itertools
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bench.workloads import weights  # noqa: E402
from symnet import Network, expand  # noqa: E402
from symnet.bounds import error_bound  # noqa: E402
from symnet.errors import NotSupportedError  # noqa: E402


def measured(net, p, box, n=10000, seed=0):
    lo = np.array([float(a) for a, _ in box])
    hi = np.array([float(b) for _, b in box])
    rng = np.random.RandomState(seed)
    X = lo + (hi - lo) * rng.rand(n, len(box))
    if len(box) <= 14:
        C = np.array(list(itertools.product(*zip(lo, hi))))
        X = np.vstack([X, C])
    return float(np.abs(net(X)[:, 0] - p(X)).max())


def taylor_poly(net, order, at):
    try:
        return expand(net, order, mode="taylor", at=list(at))
    except (NotSupportedError, TypeError, ValueError):
        return None


def row(label, net, p, box, mode=None, **kw):
    kw.setdefault("timeout", None)  # the full work, not cut by the default 10 s budget
    t = time.perf_counter()
    b = error_bound(net, p, box, mode=mode, **kw)
    dt = time.perf_counter() - t
    m = measured(net, p, box)
    print(f"| {label:<50} | {b.mode:<6} | {b.tm_order:>2} | {float(b):10.3e} | {m:10.3e} | "
          f"{float(b) / m:6.3f} | {dt:7.2f} s |")


def header(title):
    print()
    print(title)
    print()
    print(f"| {'polynomial':<50} | {'model':<6} | {'TM':>2} | {'bound':>10} | {'measured':>10} | "
          f"{'ratio':>6} | {'time':>9} |")
    print(f"|{'-' * 52}|{'-' * 8}|{'-' * 4}|{'-' * 12}|{'-' * 12}|{'-' * 8}|{'-' * 11}|")


def w2(scale, seed=0):
    Ws, bs = weights(2, 10, [50, 50], seed)
    return Network.dense([W * scale for W in Ws], [b * scale for b in bs], activations="tanh")


def main():
    header("W2-sized: 10 inputs, tanh 50-50, float weights x 1/4, Q = 3 "
           "(model: the tighter of series/taylor; TM: Taylor-model degree)")
    net = w2(0.25)
    p = expand(net, 3)
    box = [(-0.1, 0.1)] * 10
    row("series mode, box [-0.1, 0.1]^10", net, p, box, "series", tm_order=3)
    for tm in (3, 4, 5):
        row("series mode, box [-0.1, 0.1]^10", net, p, box, "taylor", tm_order=tm)
    row("series mode, box [-0.1, 0.1]^10 (default)", net, p, box)
    row("series mode, box [-0.2, 0.2]^10 (default)", net, p, [(-0.2, 0.2)] * 10)
    for seed in (1, 2):
        other = w2(0.25, seed)
        row(f"series mode, seed {seed}, box [-0.1, 0.1]^10", other, expand(other, 3), box)
    at = [0.05] * 10
    pt = taylor_poly(net, 3, at)
    if pt is not None:
        box = [(a - 0.1, a + 0.1) for a in at]
        for tm in (3, 4, 5):
            row("taylor mode at 0.05, box at +/- 0.1", net, pt, box, tm_order=tm)
        wide = [(a - 0.2, a + 0.2) for a in at]
        row("taylor mode at 0.05, box at +/- 0.2", net, pt, wide)
        row("taylor mode at 0.05, box at +/- 0.2, splits=4", net, pt, wide, splits=4)
    else:
        print("(taylor mode not available yet)")

    header("Small network: 3 inputs, tanh 8-8, float weights x 1/2, box [-0.25, 0.25]^3, "
           "default options")
    rng = np.random.RandomState(7)
    sizes = [3, 8, 8, 1]
    Ws = [rng.randn(b, a) / np.sqrt(a) / 2 for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [0.25 * rng.randn(b) for b in sizes[1:]]
    small = Network.dense(Ws, bs, activations="tanh")
    box = [(-0.25, 0.25)] * 3
    for Q in range(1, 6):
        row(f"series mode, Q = {Q}", small, expand(small, Q), box)
    for Q in range(1, 6):
        pt = taylor_poly(small, Q, [0, 0, 0])
        if pt is None:
            break
        row(f"taylor mode at 0, Q = {Q}", small, pt, box)
    wide = [(-1, 1)] * 3
    pt = taylor_poly(small, 3, [0, 0, 0])
    if pt is not None:
        for sp in (0, 4, 16, 64):
            row(f"taylor mode at 0, Q = 3, box [-1, 1]^3, splits={sp}", small, pt, wide,
                splits=sp)


if __name__ == "__main__":
    main()
