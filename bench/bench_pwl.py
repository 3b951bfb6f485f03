"""Exact linear regions of relu networks, beside a float64 LP reference.

    python -m bench pwl             (or: python bench/bench_pwl.py [--timeout S])

Workloads: seeded He-initialised relu networks (``W ~ N(0, 2/n_in)``,
``b ~ N(0, 1/4)``, float64 weights taken at their exact binary value), one
output.  "exact" is ``symnet.piecewise`` plus everything that makes the
complex (every region's affine map and irredundant inequalities; in 1-D the
breakpoints and the merged pieces).  "float LP" is a layer-by-layer
enumeration written here with scipy's HiGHS in float64: a region is split by
a unit when the Chebyshev radius of both sides exceeds 1e-9 (the usual float
approach); it is cut off after ``--timeout`` seconds.  The two sets of
activation patterns are compared: "lost" are exact regions the float method
missed, "invented" float regions with no exact counterpart.
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import symnet  # noqa: E402
from symnet import Network  # noqa: E402

SEED = 2024
WORKLOADS = [
    # name, inputs, hidden widths, box, target seconds
    ("1 input, relu 32x4, [-10, 10]", 1, [32, 32, 32, 32], [(-10, 10)], 0.3),
    ("2 inputs, relu 16x3, [-1, 1]^2", 2, [16, 16, 16], [(-1, 1)] * 2, 2.0),
    ("2 inputs, relu 32x3, [-1, 1]^2", 2, [32, 32, 32], [(-1, 1)] * 2, 20.0),
    ("4 inputs, relu 8x2, [0, 1]^4", 4, [8, 8], [(0, 1)] * 4, 10.0),
]


def he_network(d, widths, seed):
    rng = np.random.RandomState(seed)
    sizes = [d] + list(widths) + [1]
    Ws = [rng.randn(b, a) * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [0.5 * rng.randn(b) for b in sizes[1:]]
    return Network.dense(Ws, bs, activations=["relu"] * len(widths) + ["identity"])


# ---------------------------------------------------------------------------
# the float64 reference: HiGHS LPs, layer by layer
# ---------------------------------------------------------------------------

class Timeout(Exception):
    pass


def _cheb(A, b, linprog):
    """Chebyshev centre and radius of {A x <= b} (float), radius capped at 1."""
    norms = np.linalg.norm(A, axis=1)
    d = A.shape[1]
    c = np.zeros(d + 1)
    c[-1] = -1.0
    res = linprog(c, A_ub=np.hstack([A, norms[:, None]]), b_ub=b,
                  bounds=[(None, None)] * d + [(None, 1.0)], method="highs")
    if res.status != 0:
        return None, -1.0
    return res.x[:d], res.x[d]


def _bbox(A, b, d, linprog):
    lo, hi = np.empty(d), np.empty(d)
    for i in range(d):
        c = np.zeros(d)
        c[i] = 1.0
        r1 = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None)] * d, method="highs")
        r2 = linprog(-c, A_ub=A, b_ub=b, bounds=[(None, None)] * d, method="highs")
        lo[i] = r1.x[i] if r1.status == 0 else -np.inf
        hi[i] = r2.x[i] if r2.status == 0 else np.inf
    return lo, hi


def float_regions(net, box, timeout, tol=1e-9):
    """Patterns of the regions found by float64 LPs (HiGHS), or raise Timeout.

    A unit whose hyperplane misses the region's bounding box (interval
    arithmetic) needs no LP; otherwise each side is kept when its Chebyshev
    radius exceeds ``tol``; each new region gets its bounding box by 2d LPs.
    """
    from scipy.optimize import linprog

    t0 = time.perf_counter()
    d = net.n_inputs
    layers = net.dense_layers()
    A0, b0 = [], []
    for i, (lo, hi) in enumerate(box):
        e = np.zeros(d)
        e[i] = 1
        A0 += [-e, e]
        b0 += [-float(lo), float(hi)]
    A0, b0 = np.array(A0), np.array(b0)
    c0, r0 = _cheb(A0, b0, linprog)
    bb0 = (np.array([float(lo) for lo, _ in box]), np.array([float(hi) for _, hi in box]))
    regions = [(A0, b0, c0, bb0, (), np.hstack([np.eye(d), np.zeros((d, 1))]))]
    for act, W, bias in layers[:-1]:
        W = np.array(W, dtype=float)
        bias = np.array(bias, dtype=float)
        new = []
        for A, b, cen, bb, pat, H in regions:
            Z = W @ H
            Z[:, -1] += bias
            work = [(A, b, cen, bb, pat)]
            for j in range(Z.shape[0]):
                a, c = Z[j, :d], Z[j, d]
                nxt = []
                for A1, b1, c1, bb1, p1 in work:
                    if time.perf_counter() - t0 > timeout:
                        raise Timeout(len(new) + len(nxt) + len(work))
                    zlo = c + np.minimum(a * bb1[0], a * bb1[1]).sum()
                    zhi = c + np.maximum(a * bb1[0], a * bb1[1]).sum()
                    if zlo > tol:
                        nxt.append((A1, b1, c1, bb1, p1 + (1,)))
                        continue
                    if zhi < -tol:
                        nxt.append((A1, b1, c1, bb1, p1 + (0,)))
                        continue
                    v = a @ c1 + c
                    sides = {}
                    for side, sgn in ((0, 1), (1, -1)):     # side 0: z <= 0, side 1: z >= 0
                        A2 = np.vstack([A1, sgn * a])
                        b2 = np.append(b1, -sgn * c)
                        if (side == 0 and v < -tol) or (side == 1 and v > tol):
                            sides[side] = (A2, b2, c1)
                            continue
                        cc, r = _cheb(A2, b2, linprog)
                        sides[side] = (A2, b2, cc) if r > tol else None
                    if sides[0] is not None and sides[1] is not None:
                        for side in (0, 1):
                            A2, b2, cc = sides[side]
                            nxt.append((A2, b2, cc, _bbox(A2, b2, d, linprog), p1 + (side,)))
                    elif sides[1] is not None:
                        nxt.append((A1, b1, c1, bb1, p1 + (1,)))
                    else:
                        nxt.append((A1, b1, c1, bb1, p1 + (0,)))
                work = nxt
            for A1, b1, c1, bb1, p1 in work:
                mask = np.array(p1[len(pat):], dtype=float)
                new.append((A1, b1, c1, bb1, p1, Z * mask[:, None]))
        regions = new
    return {p for *_, p, _ in regions}


# ---------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------

def exact_complex(net, box):
    symnet.piecewise(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]),
                     box=[(0, 1)]).regions[0].inequalities      # warm up: imports
    t = time.perf_counter()
    pw = symnet.piecewise(net, box=box)
    if net.n_inputs == 1:
        pw.breakpoints
        pieces = len(pw.merged())
    else:
        for r in pw.regions:
            r.affine
            r.inequalities
        pieces = None
    return pw, pieces, time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser(prog="bench_pwl")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds before the float reference is cut off (default 120)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    print()
    print(f"Exact linear regions (symnet.piecewise) vs a float64 HiGHS LP enumeration; "
          f"He-initialised relu networks, seed {args.seed}")
    print()
    print(f"| {'workload':<32} | {'regions':>7} | {'pieces':>6} | {'exact time':>10} | "
          f"{'target':>6} | {'float LP regions':>16} | {'float time':>10} | {'lost':>4} | "
          f"{'invented':>8} |")
    print(f"|{'-' * 34}|{'-' * 9}|{'-' * 8}|{'-' * 12}|{'-' * 8}|{'-' * 18}|{'-' * 12}|"
          f"{'-' * 6}|{'-' * 10}|")
    notes = []
    for k, (name, d, widths, box, target) in enumerate(WORKLOADS):
        net = he_network(d, widths, args.seed + k)
        pw, pieces, dt = exact_complex(net, box)
        exact = {r.pattern for r in pw.regions}
        t = time.perf_counter()
        try:
            fl = float_regions(net, box, args.timeout)
            ft = time.perf_counter() - t
            lost, invented = exact - fl, fl - exact
            fcount, ftime = str(len(fl)), f"{ft:8.2f} s"
            nl, ni = str(len(lost)), str(len(invented))
            if lost:
                thin = min(_inradius(pw.regions[[r.pattern for r in pw.regions].index(p)])
                           for p in lost)
                notes.append(f"{name}: the float method lost {len(lost)} region(s); the "
                             f"thinnest has inradius {thin:.2e}")
            if invented:
                notes.append(f"{name}: the float method invented {len(invented)} pattern(s) "
                             "with no exact region (slivers below float resolution)")
        except Timeout as e:
            fcount, ftime, nl, ni = f"> {e.args[0]} (cut)", f"> {args.timeout:.0f} s", "?", "?"
        print(f"| {name:<32} | {len(pw):>7} | {pieces if pieces is not None else '-':>6} | "
              f"{dt:8.3f} s | {target:>4} s | {fcount:>16} | {ftime:>10} | {nl:>4} | {ni:>8} |",
              flush=True)
    print()
    for n in notes:
        print("  " + n)
    if not notes:
        print("  Where both finished, the float method found exactly the exact regions.")
    return 0


def _inradius(region):
    """Float inradius of an exact region (for the notes)."""
    from scipy.optimize import linprog
    A, b = region.inequalities
    A = np.array(A.tolist(), dtype=float)
    b = np.array(b.tolist(), dtype=float).ravel()
    _, r = _cheb(A, b, linprog)
    return r


if __name__ == "__main__":
    sys.exit(main())
