"""The reference workloads of docs/expansion.md.

W2 = 10 inputs, tanh 50-50, Q = 3; W3 = 8 inputs, tanh 32-32-32, Q = 5;
W4 = 20 inputs, tanh 64-64, Q = 4; W5 = 4 inputs, tanh 16, Q = 3 with
every weight symbolic.  Weights: ``RandomState(seed + 1000*k)`` for Wk,
layer by layer, ``W = randn(n_out, n_in)/sqrt(n_in)``, ``b = 0.5*randn(n_out)``;
"k/64" rounds each to ``round(64*w)/64``.
"""

import numpy as np
import sympy

from symnet import Network

SHAPES = {
    "W2": (2, 10, [50, 50], 3),
    "W3": (3, 8, [32, 32, 32], 5),
    "W4": (4, 20, [64, 64], 4),
    "W5": (5, 4, [16], 3),
}


def weights(k, n, hidden, seed=0):
    rng = np.random.RandomState(seed + 1000 * k)
    sizes = [n] + list(hidden) + [1]
    Ws, bs = [], []
    for a, b in zip(sizes[:-1], sizes[1:]):
        Ws.append(rng.randn(b, a) / np.sqrt(a))
        bs.append(0.5 * rng.randn(b))
    return Ws, bs


def network(name, kind="float", seed=0):
    """The workload network; kind is 'float', 'k/64' or 'symbolic'."""
    k, n, hidden, _ = SHAPES[name]
    if kind == "symbolic":
        return Network.mlp([n] + list(hidden) + [1], activation="tanh")
    Ws, bs = weights(k, n, hidden, seed)
    if kind == "k/64":
        q = lambda v: sympy.Rational(int(round(64 * v)), 64)  # noqa: E731
        Ws = [[[q(v) for v in row] for row in W] for W in Ws]
        bs = [[q(v) for v in b] for b in bs]
    return Network.dense(Ws, bs, activations="tanh")


def ten_inputs(seed=0):
    """10 inputs, tanh 50-50, float (the NN2Poly scaling workload, same weights as W2)."""
    return network("W2", "float", seed)
