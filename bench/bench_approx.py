"""Polynomial surrogates and compression: exactness and speed, side by side.

    python -m bench approx          (or: python bench/bench_approx.py)

Table 1: the known optima of ReLU on [-1, 1] (and LeakyReLU_{1/5} = 3x/5 + 2|x|/5),
reproduced exactly: coefficients, certified max error, equioscillation.
Table 2: tanh on [-3, 3] at degree 15.  "E" is Remez's levelled error, a lower
bound of the best (minimax) error E* (de la Vallee Poussin); "attained" is a
value |tanh - p| really takes (certified lower bound, at the reference
points); "certified" the certified upper bound.  So (attained - E)/E bounds
how far the rounded polynomial's error is above E*, and certified/attained how
far the certificate is above the true sup error.  numpy's Chebyshev
interpolation (float coefficients, certified by symnet after converting them
exactly) is shown beside it.
Table 3: compression of a 4-input tanh 32-32 regression network (seeded
weights, rows scaled so every certified pre-activation range on [-1, 1]^4 lies
in [-3, 3]) to polynomials; errors measured on 2000 seeded points of the box.
Times are wall times of one call (fit and certificate included).
"""

import os
import sys
import time
from fractions import Fraction as F

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import symnet  # noqa: E402
from symnet import Network, approximate, compress  # noqa: E402
from symnet.approximation import sup_error  # noqa: E402
from symnet.approximation._ranges import preactivation_ranges  # noqa: E402


def out(line=""):
    print(line, flush=True)


def timed(fn, *a, **k):
    t = time.perf_counter()
    r = fn(*a, **k)
    return r, time.perf_counter() - t


def fmt_poly(ap):
    return str(ap.polynomial.as_expr())


# -- table 1 -----------------------------------------------------------------------------

KNOWN = [
    ("relu", 1, "minimax", [F(1, 4), F(1, 2)], F(1, 4)),
    ("relu", 1, "l2", [F(1, 4), F(1, 2)], F(1, 4)),
    ("relu", 2, "l2", [F(3, 32), F(1, 2), F(15, 32)], F(3, 32)),
    ("relu", 2, "minimax", [F(1, 16), F(1, 2), F(1, 2)], F(1, 16)),
    ("leaky_relu[1/5]", 1, "minimax", [F(1, 5), F(3, 5)], F(1, 5)),
]


def table_known():
    out("Known optima on [-1, 1] (exact rationals expected)")
    out()
    out(f"| {'activation':<16} | {'n':>1} | {'method':<7} | {'p(x)':<24} | {'max error':>9} | "
        f"{'exact':<5} | {'equioscillation':<28} | {'time':>7} |")
    out(f"|{'-' * 18}|{'-' * 3}|{'-' * 9}|{'-' * 26}|{'-' * 11}|{'-' * 7}|{'-' * 30}|"
        f"{'-' * 9}|")
    for name, n, method, want, err in KNOWN:
        ap, dt = timed(approximate, name, (-1, 1), n, method=method)
        got = list(ap.fractions())
        ok = got == want and ap.max_error.rational == err == ap.max_error.lower
        eq = "" if ap.equioscillation is None else ", ".join(str(x) for x, _ in ap.equioscillation)
        out(f"| {name:<16} | {n:>1} | {method:<7} | {fmt_poly(ap):<24} | "
            f"{str(ap.max_error.as_rational()):>9} | {'yes' if ok else 'NO':<5} | {eq:<28} | "
            f"{dt:5.2f} s |")


# -- table 2 -----------------------------------------------------------------------------

def table_tanh():
    out()
    out("tanh on [-3, 3], degree 15: minimax (Remez) beside Chebyshev interpolation and L2")
    out()
    out(f"| {'polynomial':<30} | {'certified':>10} | {'attained':>10} | {'cert/att':>8} | "
        f"{'(att-E)/E':>9} | {'vs minimax':>10} | {'exact Q':<7} | {'time':>7} |")
    out(f"|{'-' * 32}|{'-' * 12}|{'-' * 12}|{'-' * 10}|{'-' * 11}|{'-' * 12}|{'-' * 9}|"
        f"{'-' * 9}|")
    mm, dt_mm = timed(approximate, "tanh", (-3, 3), 15)
    E = mm.info["levelled_error"]
    best = float(mm.max_error.lower)

    def row(label, cert, att, exact, dt, gap=None):
        out(f"| {label:<30} | {float(cert):10.4e} | {float(att):10.4e} | "
            f"{float(cert) / float(att):8.5f} | "
            f"{'' if gap is None else f'{gap:9.1e}':>9} | {float(att) / best:10.4f} | "
            f"{'yes' if exact else 'no':<7} | {dt:5.2f} s |")

    assert all(c.is_Rational for c in mm.coefficients)
    row(f"symnet minimax ({mm.info['iterations']} Remez steps)", mm.max_error,
        mm.max_error.lower, True, dt_mm, (float(mm.max_error.lower) - E) / E)
    for method in ("chebyshev", "l2"):
        ap, dt = timed(approximate, "tanh", (-3, 3), 15, method=method)
        row(f"symnet {method}", ap.max_error, ap.max_error.lower, True, dt)
    # numpy: Chebyshev interpolation in float64, on t in [-1, 1]
    t0 = time.perf_counter()
    cheb = np.polynomial.chebyshev.Chebyshev.interpolate(np.tanh, 15, domain=[-3, 3])
    dt_np = time.perf_counter() - t0
    mono = cheb.convert(kind=np.polynomial.Polynomial, domain=[-3, 3], window=[-3, 3]).coef
    x = np.linspace(-3, 3, 200001)
    dense = float(np.abs(np.tanh(x) - cheb(x)).max())
    cert = sup_error("tanh", [F(float(c)) for c in mono], -3, 3)
    row("numpy Chebyshev.interpolate", cert, max(cert.lower, F(dense)), False, dt_np)
    out()
    out(f"Remez levelled error E = {E:.10e}; minimax certified in {dt_mm:.2f} s "
        f"(target < 2 s); certificate / attained = {mm.max_error.ratio:.5f} (target <= 1.01); "
        f"numpy's interpolant is {float(max(cert.lower, F(dense))) / best:.3f}x the minimax "
        "error")


# -- table 3 -----------------------------------------------------------------------------

def drawn_network(seed=0):
    """4 inputs, tanh 32-32, 1 output; each hidden row scaled so that its certified range
    (|b| + sum |w| with inputs and tanh values in [-1, 1]) is within 3 on [-1, 1]^4."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(size=(32, 4))
    b1 = rng.uniform(-0.5, 0.5, size=32)
    shrink = 1 - 1e-9          # float rounding must not push a range past 3
    W1 *= shrink * (3 - np.abs(b1))[:, None] / np.abs(W1).sum(axis=1, keepdims=True)
    W2 = rng.normal(size=(32, 32))
    b2 = rng.uniform(-0.5, 0.5, size=32)
    W2 *= shrink * (3 - np.abs(b2))[:, None] / np.abs(W2).sum(axis=1, keepdims=True)
    W3 = rng.normal(size=(1, 32)) / np.sqrt(32)
    return Network.dense([W1, W2, W3], [b1, b2, [0.0]], activations=["tanh", "tanh", "identity"])


def table_compress():
    out()
    net = drawn_network()
    box = [(-1, 1)] * 4
    ranges = preactivation_ranges(net, box)
    reach = max(max(abs(float(a)), abs(float(b))) for layer in ranges[:2] for a, b in layer)
    X = np.random.default_rng(1).uniform(-1, 1, size=(2000, 4))
    y = net(X)[:, 0]
    out(f"Compression: 4-input tanh 32-32 network, {net.n_parameters} parameters, certified "
        f"pre-activation ranges within [-{reach:.3f}, {reach:.3f}] on [-1, 1]^4; output on the "
        f"data: std {y.std():.3f}, range [{y.min():.3f}, {y.max():.3f}]")
    out()
    out(f"| {'compression':<36} | {'coeffs':>6} | {'ratio':>6} | {'certified':>10} | "
        f"{'data max':>10} | {'data RMS':>10} | {'time':>7} |")
    out(f"|{'-' * 38}|{'-' * 8}|{'-' * 8}|{'-' * 12}|{'-' * 12}|{'-' * 12}|{'-' * 9}|")
    cases = [
        ("degree-4 surrogates, order 4", dict(degree=4, order=4)),
        ("degree-4 surrogates, order 4, refit", dict(degree=4, order=4, refit=True)),
        ("degree-4, order 4, 20 terms refit", dict(degree=4, order=4, terms=20)),
        ("degree-3 surrogates, order 9 (full)", dict(degree=3, order=9)),
    ]
    for label, kw in cases:
        c, dt = timed(compress, net, box=box, data=X, **kw)
        cert = "--" if c.certified_error is None else f"{c.certified_error:10.3e}"
        out(f"| {label:<36} | {c.coefficients:>6} | {c.ratio:6.1f} | {cert:>10} | "
            f"{c.max_error:10.3e} | {c.rms_error:10.3e} | {dt:5.2f} s |")
    out()
    out("certified = |net - net~| (surrogate errors propagated with certified ranges) + "
        "|net~ - p| (the surrogate network's exact full expansion minus p, bounded on the box)")
    c = compress(net, box=box, data=X, degree=4, order=4, name="tanh 32-32")
    out()
    out(str(c))
    out()
    out(c.latex_table())


def main():
    out(f"symnet {symnet.__version__}")
    out()
    table_known()
    table_tanh()
    table_compress()


if __name__ == "__main__":
    main()
