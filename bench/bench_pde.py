"""Benchmark of symnet.pde: prints a table of wall-clock times.

Run with ``python bench/bench_pde.py``.  Targets (issue 4): the whole visible
table of docs/pde.md in under 20 s; a 5-leaf tree with transcendental
constituents in under 5 s; a sum of three ridge functions (210 minors) in
under 10 s.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import sympy  # noqa: E402
from sympy import cos, exp, log, sin, sinh, tanh  # noqa: E402

import symnet  # noqa: E402
from symnet import Neuron, RidgeSum, Tree, check_pde  # noqa: E402

x, y, z, w, u = sympy.symbols("x y z w u")

TABLE = [
    ("((x,y),z)", exp(x * y) + z),
    ("((x,y),z)", x * y + y * z + x * z),
    ("((x,y),z)", x * y + y * z),
    ("((x,z),y)", x * y + y * z),
    ("((x,y),(z,w))", exp(x * y) * sin(z + w) + x * y),
    ("((x,y,z),w)", x * w + y * z),
    (Neuron([x, y, z]), tanh(2 * x - 3 * y + z + 1)),
    (Neuron([x, y]), exp(x * y)),
    (RidgeSum(2, [x, y]), x**4 - 6 * x**2 * y**2 + y**4),
    (RidgeSum(2, [x, y]), x * exp(y)),
    (RidgeSum(2, [x, y]), 2 * x**2 + 2 * y**2),
]


def five_leaf():
    h1 = tanh(x * y + sin(x))
    h2 = exp(h1) * cos(z) + h1 * z
    h3 = log(2 + u**2) * sinh(w) + w
    return Tree("(((x,y),z),(w,u))"), sin(h2 + h3) * h3 + exp(h2 * h3)


def five_leaf_nested():
    # the kind of function the property tests build: nested tanh/sin/exp, 5 leaves
    a = -u / 2 + 3 * w**2 + 3 * w + x**2 + x * (u / 2 + tanh(u)) * (w**2 + w) + x - tanh(u)
    t = tanh(a)
    b = -4 * y + (2 * y + sin(y)) * t - 2 * sin(y) + t**2 + 2 * t
    f = tanh(12 * y - 3 * (2 * y + sin(y)) * t + b**2 + b * exp(z / 3) + 2 * exp(z / 3) + 6 * sin(y)
             - 3 * t**2 - 6 * t)
    return Tree("(((x,u,w),y),z)"), f


def five_leaf_wrong():
    tree, f = five_leaf()
    return Tree("(((x,z),y),(w,u))"), f


def three_ridges():
    return RidgeSum(3, [x, y]), tanh(x + 2 * y) + sin(3 * x - y) + exp(x - 5 * y)


def three_ridges_wrong():
    return RidgeSum(3, [x, y]), tanh(x + 2 * y) + sin(3 * x - y) + exp(x * y)


def three_ridges_complex():
    # (x + i y)^5 real part: harmonic, annihilated by the Laplacian times anything
    return RidgeSum(3, [x, y]), sympy.expand(sympy.re(sympy.expand((x + sympy.I * y) ** 5)))


def timed(label, fn, target=None):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    verdict = "" if target is None else ("ok" if dt < target else "SLOW")
    return label, dt, target, verdict, out


def main():
    rows = []

    def table():
        return [check_pde(f, arch) for arch, f in TABLE]

    rows.append(timed("docs table (11 checks)", table, 20.0))
    for label, make, target in [
        ("5-leaf tree, transcendental, satisfied", five_leaf, 5.0),
        ("5-leaf tree, transcendental, wrong tree", five_leaf_wrong, 5.0),
        ("5-leaf tree, nested tanh/sin/exp, satisfied", five_leaf_nested, 5.0),
        ("3 ridge functions (210 minors), satisfied", three_ridges, 10.0),
        ("3 ridge functions (210 minors), violated", three_ridges_wrong, 10.0),
        ("3 ridges, harmonic quintic", three_ridges_complex, 10.0),
    ]:
        arch, f = make()
        rows.append(timed(label, lambda: check_pde(f, arch), target))
    rows.append(timed("variety_equations ((x,y),z), degree 3", lambda: symnet.variety_equations("((x,y),z)", 3)))
    rows.append(timed("variety_equations RidgeSum(3), degree 6",
                      lambda: symnet.variety_equations(RidgeSum(3, [x, y]), 6)))

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  {'target':>7}  result")
    print("-" * (width + 40))
    for label, dt, target, verdict, out in rows:
        if isinstance(out, list) and out and isinstance(out[0], symnet.PDECheck):
            res = " ".join(f"{r.satisfied}/{r.representable}" for r in out)
        elif isinstance(out, symnet.PDECheck):
            res = f"satisfied={out.satisfied} representable={out.representable}"
        else:
            res = f"{len(out)} equations"
        tgt = "" if target is None else f"{target:.0f}"
        print(f"{label:<{width}}  {dt:8.2f}  {tgt:>7}  {verdict:4} {res}")


if __name__ == "__main__":
    main()
