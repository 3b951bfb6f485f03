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
            sym = same and d1 == d2
            slots, outs, diag = B.gather_plan(d1, d2, symmetric=sym)
            if slots:
                i1, i2 = slots[0]
                acc = np.take(A1, i1, axis=0)
                acc *= np.take(B2, i2, axis=0)
                if len(slots) > 1:
                    b1 = np.empty_like(acc)
                    b2 = np.empty_like(acc)
                    for i1, i2 in slots[1:]:
                        m = len(i1)
                        t1, t2 = b1[:m], b2[:m]
                        np.take(A1, i1, axis=0, out=t1)
                        np.take(B2, i2, axis=0, out=t2)
                        t1 *= t2
                        acc[:m] += t1
                if same:
                    acc *= 2.0
                Cd[outs] += acc
            if sym:
                sq, roots = diag
                Cd[sq] += A1[roots] * A1[roots]
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
    V = Z
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
        r = B.offsets[P[k].lo]
        H[r:] += P[k].a[r:] * D[k]
    return H


def run(net, order, stage_D, dtype=float):
    """Expand every output of ``net``: returns ``(basis, coeffs)`` with coeffs (size, n_out).

    ``stage_D(stage, mask)`` returns ``(Dfun, K)``: ``Dfun(c0)`` gives the
    (K+1, width) matrix of the non-identity neurons of a stage (``mask``)
    at their constant terms c0.
    """
    n = net.n_inputs
    B = _basis(n, order)
    # where every node lives: (block, column); block 0 is the inputs
    where = [(0, j) for j in range(n)]
    blocks = [None]  # the input block is never materialised
    for stage, (W, b) in zip(net.stages(), net._float_arrays()):
        width = len(stage.nodes)
        Z = np.zeros((B.size, width), dtype=dtype)
        loc = [where[p] for p in stage.sources]
        inp = [k for k, (blk, _) in enumerate(loc) if blk == 0]
        if inp and order >= 1:
            rows = B.offsets[1] + np.array([loc[k][1] for k in inp])
            Z[rows] += W[:, inp].T
        rest = [k for k, (blk, _) in enumerate(loc) if blk != 0]
        if rest:
            blk_ids = {loc[k][0] for k in rest}
            if len(blk_ids) == 1 and len(rest) == blocks[next(iter(blk_ids))].shape[1] and \
                    [loc[k][1] for k in rest] == list(range(len(rest))):
                Hs = blocks[next(iter(blk_ids))]
            else:
                Hs = np.stack([blocks[loc[k][0]][:, loc[k][1]] for k in rest], axis=1)
            Z += Hs @ W[:, rest].T
        Z[0] += b
        ident = np.array([a.name == "identity" for a in stage.activations])
        if ident.all():
            out = Z
        elif not ident.any():
            Dfun, K = stage_D(stage, ~ident)
            out = apply_activation(B, Z, Dfun, K)
        else:
            out = Z.copy()
            nonid = ~ident
            Dfun, K = stage_D(stage, nonid)
            out[:, nonid] = apply_activation(B, np.ascontiguousarray(Z[:, nonid]), Dfun, K)
        bi = len(blocks)
        blocks.append(out)
        where.extend((bi, i) for i in range(width))
    outs = []
    for p in net._output_positions():
        blk, c = where[p]
        outs.append(blocks[blk][:, c])
    return B, np.stack(outs, axis=1)
