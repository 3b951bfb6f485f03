"""Independent oracles for the bounds tests: mpmath evaluation, not symnet's engines.

The network and the polynomial are evaluated by mpmath at ``DPS`` digits from
the activations' sympy functions, so float rounding in a test cannot hide a
violated bound.
"""

import itertools
import math

import mpmath
import numpy as np
import sympy

from symnet import Polynomial

DPS = 45


# ---------------------------------------------------------------------------
# an independent high-precision evaluator (mpmath, not symnet's engines)
# ---------------------------------------------------------------------------

def _mp(v):
    if isinstance(v, float):
        return mpmath.mpf(v)
    return mpmath.mpf(sympy.N(v, DPS + 10))


class MpNet:
    """The network evaluated in mpmath from its sympy activation functions."""

    def __init__(self, net):
        self.net = net
        zs = sympy.Symbol("z")
        self.stages = []
        for s in net.stages():
            W = [[_mp(w) for w in row] for row in s.weights]
            b = [_mp(v) for v in s.biases]
            fs = [sympy.lambdify(zs, a.func(zs), "mpmath") for a in s.activations]
            self.stages.append((s.sources, W, b, fs))
        self.outs = net.output_positions()

    def __call__(self, x):
        cols = [mpmath.mpf(v) for v in x]
        for sources, W, b, fs in self.stages:
            for i, f in enumerate(fs):
                z = b[i] + mpmath.fsum(W[i][j] * cols[p] for j, p in enumerate(sources))
                cols.append(f(z))
        return [cols[p] for p in self.outs]


class MpPoly:
    def __init__(self, p):
        self.center = [_mp(a) for a in p.center]
        self.terms = [(e, _mp(c)) for e, c in p.terms().items()]

    def __call__(self, x):
        y = [mpmath.mpf(v) - a for v, a in zip(x, self.center)]
        acc = mpmath.mpf(0)
        for e, c in self.terms:
            t = c
            for yi, k in zip(y, e):
                if k:
                    t *= yi**k
            acc += t
        return acc


def sample_points(box, n_random=60, seed=0):
    lo = [float(a) for a, _ in box]
    hi = [float(b) for _, b in box]
    pts = [list(c) for c in itertools.product(*zip(lo, hi))]
    rng = np.random.RandomState(seed)
    pts += (np.array(lo) + (np.array(hi) - np.array(lo)) * rng.rand(n_random, len(box))).tolist()
    pts.append([(a + b) / 2 for a, b in zip(lo, hi)])
    return pts


def measured_error(net, polys, box, n_random=60, seed=0):
    """A lower estimate of max_k max_x |net_k(x) - p_k(x)| over the box.

    The maximum over the corners, the centre and random points, computed by
    mpmath at DPS digits, minus an allowance 10**(10 - DPS) * (1 + scale)
    for mpmath's own rounding (far above it), so that an exact network
    whose error is 0 does not measure 1e-31.
    """
    polys = polys if isinstance(polys, tuple) else (polys,)
    with mpmath.workdps(DPS):
        f = MpNet(net)
        ps = [MpPoly(p) for p in polys]
        worst = mpmath.mpf(0)
        scale = mpmath.mpf(0)
        for x in sample_points(box, n_random, seed):
            vals = f(x)
            for v, p in zip(vals, ps):
                px = p(x)
                worst = max(worst, abs(v - px))
                scale = max(scale, abs(v), abs(px))
        return max(mpmath.mpf(0), worst - mpmath.mpf(10) ** (10 - DPS) * (1 + scale))


def taylor_oracle(net, at, order):
    """The exact Taylor polynomial of a tiny network at ``at`` (plain sympy derivatives)."""
    f = net.expr()
    X = net.inputs
    terms = {}
    for d in range(order + 1):
        for combo in itertools.combinations_with_replacement(range(len(X)), d):
            e = tuple(combo.count(i) for i in range(len(X)))
            g = f
            for i, k in enumerate(e):
                if k:
                    g = sympy.diff(g, X[i], k)
            c = g.subs(dict(zip(X, at))) / math.prod(math.factorial(k) for k in e)
            terms[e] = c
    return Polynomial(terms, X, order, center=at)
