"""The float64 engine: dense monomial-major arrays (internal).

A batch of polynomials is an array of shape ``(basis.size, width)``: one row
per monomial (graded order), one column per neuron, so a layer's linear map
is a single matrix product ``Z = H W^T`` and every product of polynomials is
a gather / multiply / segmented-sum over cached pair tables, vectorised over
all neurons of a layer at once.
"""

from __future__ import annotations

from math import comb

import numpy as np

from ._monomials import basis as _basis

__all__ = []

_CHUNK = 1 << 15


class Graded:
    """An array of polynomials with the degrees that may be nonzero."""

    __slots__ = ("a", "lo", "hi")

    def __init__(self, a, lo, hi):
        self.a, self.lo, self.hi = a, lo, hi


def _degrees_present(B, A):
    lo, hi = None, 0
    for d in range(1, B.order + 1):
        blk = A[B.block(d)]
        if blk.size and np.any(blk):
            lo = d if lo is None else lo
            hi = d
    return (lo or 0), hi


def _block_cost(B, alo, ahi, blo, bhi, same):
    cost = 0
    for d1 in range(alo, ahi + 1):
        for d2 in range(blo, bhi + 1):
            if d1 + d2 > B.order or (same and d2 < d1):
                continue
            cost += B.npairs(d1, d2, symmetric=same and d1 == d2)
    return cost


def mul(B, X, Y, same=False):
    """Truncated product of two graded batches (columnwise)."""
    A, Bv = X.a, Y.a
    w = A.shape[1]
    lo, hi = X.lo + Y.lo, min(B.order, X.hi + Y.hi)
    C = np.zeros((B.size, w), dtype=A.dtype)
    for d1 in range(X.lo, X.hi + 1):
        A1 = A[B.block(d1)]
        for d2 in range(Y.lo, Y.hi + 1):
            d = d1 + d2
            if d > B.order:
                break
            if same and d2 < d1:
                continue
            B2 = Bv[B.block(d2)]
            Cd = C[B.block(d)]
            if same and d1 == d2:
                T = B.product_table(d1, d1)
                diag = T[np.arange(T.shape[0]), np.arange(T.shape[0])]
                Cd[diag] += A1 * A1
                factor = 2.0
                plans = B.reduction(d1, d1, symmetric=True, chunk_rows=_CHUNK)
            else:
                factor = 2.0 if same else 1.0
                plans = B.reduction(d1, d2, chunk_rows=_CHUNK)
            for i1, i2, starts, outs in plans:
                if len(i1) == 0:
                    continue
                prod = A1[i1]
                prod *= B2[i2]
                s = np.add.reduceat(prod, starts, axis=0)
                if factor != 1.0:
                    s *= factor
                Cd[outs] += s
    return Graded(C, lo, hi)


def powers(B, V, K):
    """[None, V, V^2, ..., V^K] truncated at the basis order, cheapest chain."""
    P = [None, V]
    for k in range(2, K + 1):
        lo = k * V.lo
        if lo > B.order:
            P.append(None)
            continue
        best = None
        for a in range(1, k // 2 + 1):
            b = k - a
            X, Y = P[a], P[b]
            if X is None or Y is None:
                continue
            c = _block_cost(B, X.lo, X.hi, Y.lo, Y.hi, a == b)
            if best is None or c < best[0]:
                best = (c, a, b)
        if best is None:
            P.append(None)
            continue
        _, a, b = best
        P.append(mul(B, P[a], P[b], same=(a == b)))
    return P


def series_D(g, c0, K):
    """D_k(c0) = sum_{m>=k} C(m, k) g_m c0^(m-k) for k <= K, vectorised over c0."""
    q = len(g) - 1
    D = np.zeros((K + 1, c0.shape[0]))
    for k in range(min(K, q) + 1):
        acc = np.zeros_like(c0)
        for m in range(q, k - 1, -1):  # Horner in c0
            acc = acc * c0 + comb(m, k) * g[m]
        D[k] = acc
    return D


def apply_activation(B, Z, Dfun, K):
    """h = sum_k D_k(c0) v^k for every column of Z (no identity columns here)."""
    c0 = Z[0].copy()
    V = Z.copy()
    V[0] = 0.0
    lo, hi = _degrees_present(B, V)
    D = Dfun(c0)  # (K + 1, width)
    H = np.zeros_like(Z)
    H[0] = D[0]
    if lo == 0:  # v is zero: the neuron is a constant
        return H
    Kmax = min(K, B.order // lo)
    P = powers(B, Graded(V, lo, hi), Kmax)
    for k in range(1, Kmax + 1):
        if P[k] is None or not np.any(D[k]):
            continue
        H += P[k].a * D[k]
    return H


def run(net, order, stage_D, dtype=float):
    """Expand every output of ``net``: returns ``(basis, coeffs)`` with coeffs (size, n_out).

    ``stage_D(stage, mask, c0, K)`` returns the (K+1, width) D matrix of
    the non-identity neurons of a stage (``mask``) at their constants c0.
    """
    n = net.n_inputs
    B = _basis(n, order)
    total = n + len(net.neurons)
    Hall = np.zeros((B.size, total), dtype=dtype)
    if order >= 1:
        Hall[B.offsets[1] + np.arange(n), np.arange(n)] = 1.0
    col = n
    for stage in net.stages():
        width = len(stage.nodes)
        src = np.asarray(stage.sources, dtype=np.intp)
        W = np.asarray(stage.weights, dtype=dtype)
        b = np.asarray(stage.biases, dtype=dtype)
        if len(src) and src[-1] - src[0] + 1 == len(src):
            Hs = Hall[:, src[0]:src[-1] + 1]
        else:
            Hs = Hall[:, src]
        Z = Hs @ W.T if len(src) else np.zeros((B.size, width), dtype=dtype)
        Z[0] += b
        ident = np.array([a.name == "identity" for a in stage.activations])
        out = Hall[:, col:col + width]
        if ident.all():
            out[...] = Z
        else:
            nonid = ~ident
            out[:, ident] = Z[:, ident]
            Dfun, K = stage_D(stage, nonid)
            out[:, nonid] = apply_activation(B, Z[:, nonid], Dfun, K)
        col += width
    return B, Hall[:, net._output_positions()]
