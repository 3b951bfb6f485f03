"""Super Space: feature construction, exact least squares, and training as equation solving.

    python -m bench fit          (or: python bench/bench_fit.py [--quick])

Table 1: monomial features.  float64 at d = 10 inputs, order 4 (1,001
columns), 100k rows, beside scikit-learn's ``PolynomialFeatures`` (the same
columns in another order; target: within 1.5x); exact rationals
(``fmpq_mat``) at 10k rows.  Times are medians of ``--repeat`` runs after a
warm-up (the first touch of an 800 MB array costs page faults in both).

Table 2: ``SuperSpaceRegressor`` on exact data (a planted polynomial,
recovered exactly) and on float data.

Table 3: ``solve_weights(method="numeric")`` recovering a planted tanh
network (2 inputs, 3 hidden units, 13 weights) from its order-7
coefficients: success = the planted weights are among the solutions (up to
the 48 symmetries), time per trial (target < 10 s).
"""

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from fractions import Fraction  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from symnet import Network  # noqa: E402
from symnet.fit import SuperSpaceRegressor, monomial_features, solve_weights  # noqa: E402
from symnet.fit.equations import unknowns_of  # noqa: E402


def median_time(fn, repeat):
    fn()  # warm-up
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def line(*cells, widths):
    print("| " + " | ".join(str(c).rjust(w) if i else str(c).ljust(w)
                            for i, (c, w) in enumerate(zip(cells, widths))) + " |", flush=True)


def features_table(repeat, quick):
    W = (52, 10, 12, 14, 8)
    print("\nTable 1: monomial features\n")
    line("workload", "symnet", "sklearn", "sklearn/symnet", "target", widths=W)
    line(*["-" * w for w in W], widths=W)
    rng = np.random.default_rng(0)
    n = 20_000 if quick else 100_000
    X = rng.uniform(-1, 1, (n, 10))
    ours = median_time(lambda: monomial_features(X, 4), repeat)
    try:
        from sklearn.preprocessing import PolynomialFeatures
        pf = PolynomialFeatures(4).fit(X[:10])
        theirs = median_time(lambda: pf.transform(X), repeat)
        ratio = f"{theirs / ours:.2f}x"
        tt = f"{theirs:.3f} s"
    except ImportError:
        tt, ratio = "n/a", "n/a"
    line(f"float64, d=10, Q=4, {n:,} rows (1,001 cols)", f"{ours:.3f} s", tt, ratio,
         ">= 0.67x", widths=W)
    for d, q in ((3, 4), (10, 4)):
        rows = 2_000 if quick else 10_000
        Xq = [[Fraction(int(a), 8) for a in r] for r in rng.integers(-16, 17, (rows, d))]
        t = median_time(lambda: monomial_features(Xq, q), max(1, repeat // 2))
        F, mons = monomial_features(Xq[:2], q)
        line(f"exact fmpq_mat, d={d}, Q={q}, {rows:,} rows ({len(mons):,} cols)",
             f"{t:.3f} s", "-", "-", "-", widths=W)


def regression_table(repeat, quick):
    W = (52, 10, 30)
    print("\nTable 2: SuperSpaceRegressor.fit\n")
    line("workload", "time", "result", widths=W)
    line(*["-" * w for w in W], widths=W)
    rng = np.random.default_rng(1)
    rows = 2_000 if quick else 10_000
    Xq = [[Fraction(int(a), 8) for a in r] for r in rng.integers(-16, 17, (rows, 3))]
    coef = {(0, 0, 0): Fraction(1, 3), (1, 1, 0): -2, (0, 0, 3): Fraction(5, 7),
            (2, 0, 2): Fraction(-1, 9)}
    y = [sum(c * a ** e[0] * b ** e[1] * z ** e[2] for e, c in coef.items()) for a, b, z in Xq]
    reg = SuperSpaceRegressor(4)
    t = median_time(lambda: reg.fit(Xq, y), max(1, repeat // 2))
    got = {e: c for e, c in reg.polynomial_.terms().items()}
    ok = got == {e: c for e, c in coef.items()}
    line(f"exact, d=3, Q=4, {rows:,} rows (35 cols)", f"{t:.3f} s",
         "planted polynomial exact" if ok else "MISMATCH", widths=W)
    n = 20_000 if quick else 100_000
    X = rng.uniform(-1, 1, (n, 10))
    yf = np.sin(X.sum(axis=1) / 4)
    reg = SuperSpaceRegressor(3)
    t = median_time(lambda: reg.fit(X, yf), 1)
    line(f"float64, d=10, Q=3, {n:,} rows (286 cols)", f"{t:.3f} s",
         f"R^2 {reg.score(X, yf):.6f}", widths=W)


def planted(seed, template):
    rng = np.random.default_rng(seed)
    W1, b1 = rng.uniform(-1, 1, (3, 2)), rng.uniform(-0.5, 0.5, 3)
    W2, b2 = rng.uniform(-1, 1, (1, 3)), rng.uniform(-0.5, 0.5, 1)
    net = Network.dense([W1, W2], [b1, b2], activations=["tanh", "identity"])
    truth = np.concatenate([np.column_stack([W1, b1]).ravel(), W2.ravel(), b2])
    return net, dict(zip(unknowns_of(template), truth))


def solve_table(trials, starts):
    W = (8, 10, 9, 12, 10, 9)
    print(f"\nTable 3: solve_weights numeric, planted 2-3-1 tanh network, order 7, "
          f"{starts} starts\n")
    line("trial", "recovered", "orbits", "converged", "time", "max err", widths=W)
    line(*["-" * w for w in W], widths=W)
    template = Network.mlp([2, 3, 1], activation=["tanh", "identity"])
    ok, times = 0, []
    for seed in range(trials):
        net, truth = planted(1000 + seed, template)
        t = time.perf_counter()
        res = solve_weights(template, net, 7, method="numeric", starts=starts, seed=seed)
        dt = time.perf_counter() - t
        tv = np.array([truth[u] for u in res.unknowns])
        errs = [np.max(np.abs(np.array([s[u] for u in res.unknowns]) - tv))
                for s in res.solutions]
        err = min(errs, default=float("inf"))
        hit = err < 1e-6
        ok += hit
        times.append(dt)
        line(str(seed), "yes" if hit else "no", str(len(res.orbits)),
             f"{res.converged}/{starts}", f"{dt:.2f} s", f"{err:.1e}", widths=W)
    print(f"\nsuccess {ok}/{trials} = {100 * ok / trials:.0f}%, median {statistics.median(times):.2f}"
          f" s per trial, max {max(times):.2f} s (target < 10 s)", flush=True)


def run(quick=False, repeat=3, trials=None, starts=32):
    features_table(repeat, quick)
    regression_table(repeat, quick)
    solve_table(trials or (5 if quick else 20), starts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes, 5 trials")
    ap.add_argument("--repeat", type=int, default=3, help="timing repeats (median)")
    ap.add_argument("--trials", type=int, help="planted-network trials (default 20)")
    ap.add_argument("--starts", type=int, default=32, help="starts per trial (default 32)")
    args = ap.parse_args(argv)
    run(quick=args.quick, repeat=args.repeat, trials=args.trials, starts=args.starts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
