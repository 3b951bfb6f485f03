"""The affine map of one activation pattern, for any weights (symbolic ones too).

With symbolic weights the regions cannot be enumerated (their existence
depends on the weights), but the map of a given pattern is a polynomial
expression in the weights: this is the pattern-wise answer.

Examples
--------
>>> import sympy
>>> from symnet import Network
>>> from symnet.pwl import pattern_affine
>>> net = Network.mlp([1, 2, 1], activation=["relu", "identity"])
>>> M, c = pattern_affine(net, (1, 0))
>>> M[0, 0], c[0, 0]
(w1_1_1*w2_1_1, b1_1*w2_1_1 + b2_1)
"""

from __future__ import annotations

import sympy

from ..errors import ShapeError
from .exactnet import _pieces, fmpq_to_sympy

__all__ = ["pattern_affine"]


def _w(v):
    return sympy.Rational(v) if isinstance(v, float) else sympy.sympify(v)


def pattern_affine(net, pattern):
    """``(M, c)`` (sympy Matrices) of the network on the region of one activation pattern.

    Parameters
    ----------
    net : Network
        Piecewise-linear activations; weights may be symbolic (floats are
        taken at their exact binary value).
    pattern : tuple or dict
        One piece index per kinked unit, in network order (as
        ``PiecewiseLinear.units``), or ``{node: piece}``.

    Returns
    -------
    (sympy.Matrix, sympy.Matrix)
        Expressions in the weights: valid wherever the pattern's region is
        non-empty.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.pwl import pattern_affine
    >>> pattern_affine(Network.dense([[[2]], [[3]]], activations=["relu", "identity"]), (1,))
    (Matrix([[6]]), Matrix([[0]]))
    """
    d = net.n_inputs
    acts = []
    for st in net.stages():
        for node, act in zip(st.nodes, st.activations):
            acts.append((node, _pieces(act, node, st.layer)))
    kinked = [node for node, (k, _, _) in acts if k]
    if isinstance(pattern, dict):
        missing = [n for n in kinked if n not in pattern]
        if missing:
            raise ShapeError(f"pattern_affine(): no piece given for the units {missing}")
        pieces = {n: int(pattern[n]) for n in kinked}
    else:
        pattern = tuple(pattern)
        if len(pattern) != len(kinked):
            raise ShapeError(f"pattern_affine(): expected {len(kinked)} pieces (one per kinked "
                             f"unit), got {len(pattern)}")
        pieces = dict(zip(kinked, (int(p) for p in pattern)))
    rows = [(sympy.Matrix([[1 if j == i else 0 for j in range(d)]]), sympy.S.Zero)
            for i in range(d)]
    k = 0
    for st in net.stages():
        src = [rows[p] for p in st.sources]
        for i, (row, b) in enumerate(zip(st.weights, st.biases)):
            node = st.nodes[i]
            kinks, slopes, icpts = acts[k][1]
            k += 1
            lin = sympy.zeros(1, d)
            const = _w(b)
            for j, (w, (m, c)) in enumerate(zip(row, src)):
                if st.has_edge(i, j) and w != 0:
                    lin += _w(w) * m
                    const += _w(w) * c
            p = pieces.get(node, 0) if kinks else 0
            if not 0 <= p <= len(kinks):
                raise ShapeError(f"pattern_affine(): unit {node!r} has pieces 0..{len(kinks)}, "
                                 f"got {p}")
            s, c0 = fmpq_to_sympy(slopes[p]), fmpq_to_sympy(icpts[p])
            rows.append((sympy.expand(s * lin), sympy.expand(s * const + c0)))
    outs = [rows[p] for p in net.output_positions()]
    M = sympy.Matrix.vstack(*[m for m, _ in outs])
    c = sympy.Matrix([[c] for _, c in outs])
    return M, c
