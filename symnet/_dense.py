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

from .monomials import basis as _basis

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


def _block_cost(B, alo, ahi, blo, bhi, same, order=None):
    order = B.order if order is None else order
    cost = 0
    for d1 in range(alo, ahi + 1):
        for d2 in range(blo, bhi + 1):
            if d1 + d2 > order or (same and d2 < d1):
                continue
            cost += B.npairs(d1, d2, symmetric=same and d1 == d2)
    return cost


def mul(B, X, Y, same=False, order=None, out=None):
    """Truncated product of two graded batches (columnwise).

    Degrees above ``order`` (default the basis order) are not computed; with
    ``out`` the product is added to that array.
    """
    order = B.order if order is None else order
    A, Bv = X.a, Y.a
    w = A.shape[1]
    lo, hi = X.lo + Y.lo, min(order, X.hi + Y.hi)
    C = np.zeros((B.size, w), dtype=A.dtype) if out is None else out
    for d1 in range(X.lo, X.hi + 1):
        A1 = A[B.block(d1)]
        for d2 in range(Y.lo, Y.hi + 1):
            d = d1 + d2
            if d > order:
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
    D = np.zeros((K + 1,) + c0.shape, dtype=c0.dtype)
    for k in range(min(K, q) + 1):
        acc = np.zeros_like(c0)
        for m in range(q, k - 1, -1):  # Horner in c0
            acc = acc * c0 + comb(m, k) * g[m]
        D[k] = acc
    return D


def _horner_cost(B, V, K):
    """Pairs multiplied by the truncated Horner scheme."""
    cost = 0
    for j in range(K - 1, -1, -1):
        T = B.order - j * V.lo
        # R_{j+1} has nonconstant degrees lo .. T - lo
        cost += _block_cost(B, V.lo, T - V.lo, V.lo, V.hi, False, order=T)
    return cost


def _powers_cost(B, V, K):
    cost = 0
    ranges = {1: (V.lo, V.hi)}
    for k in range(2, K + 1):
        best = None
        for a in range(1, k // 2 + 1):
            b = k - a
            if a not in ranges or b not in ranges:
                continue
            (alo, ahi), (blo, bhi) = ranges[a], ranges[b]
            c = _block_cost(B, alo, ahi, blo, bhi, a == b)
            best = c if best is None else min(best, c)
        if best is None or k * V.lo > B.order:
            break
        ranges[k] = (k * V.lo, min(B.order, k * V.hi))
        cost += best
    return cost


def horner(B, V, D, K):
    """sum_k D_k V^k by the truncated Horner scheme R_j = D_j + V R_{j+1}.

    R_j is only needed up to degree Q - j*lo (it is multiplied by V j more
    times), so every step works on fewer degrees than the powers would.
    """
    Q = B.order
    R = np.zeros_like(V.a)
    R[0] = D[K]
    rlo, rhi = 0, 0  # degrees of R's nonconstant part (rlo = 0: none)
    for j in range(K - 1, -1, -1):
        T = Q - j * V.lo
        new = np.zeros_like(V.a)
        # V times R's constant row: a scaling
        top = B.offsets[min(T, V.hi) + 1]
        r0 = B.offsets[V.lo]
        new[r0:top] = V.a[r0:top] * R[0]
        if rlo:
            mul(B, Graded(R, rlo, rhi), V, order=T, out=new)
        new[0] = D[j]
        R = new
        rlo, rhi = V.lo, T
    return R


def apply_activation(B, Z, D):
    """h = sum_k D_k v^k for every column of Z (its row 0 holds c0).

    ``D`` has shape (K + 1, width): the coefficients of each column.  The
    cheaper of the power chain and the truncated Horner scheme is used.
    """
    V = Z
    V[0] = 0
    lo, hi = _degrees_present(B, V)
    H = np.zeros_like(Z)
    H[0] = D[0]
    if lo == 0:  # v is zero: the neuron is a constant
        return H
    K = D.shape[0] - 1
    Kmax = min(K, B.order // lo)
    while Kmax >= 1 and not np.any(D[Kmax]):
        Kmax -= 1
    if Kmax == 0:
        return H
    Vg = Graded(V, lo, hi)
    if Kmax >= 2 and _horner_cost(B, Vg, Kmax) < _powers_cost(B, Vg, Kmax):
        return horner(B, Vg, D, Kmax)
    P = powers(B, Vg, Kmax)
    for k in range(1, Kmax + 1):
        if P[k] is None or not np.any(D[k]):
            continue
        r = B.offsets[P[k].lo]
        H[r:] += P[k].a[r:] * D[k]
    return H


def run(net, order, stage_D, centers=None, arrays=None):
    """Expand every output of ``net`` at a batch of centres.

    Returns ``(basis, coeffs)`` with coeffs of shape (size, n_centres, n_out).
    Without centres there is one, the origin (series mode).  Columns of the
    working arrays are centre-major: column ``p * width + i`` is neuron ``i``
    expanded at centre ``p``.  ``stage_D(stage, mask, c0)`` returns the
    (K+1, P, m) coefficients of the ``m`` non-identity neurons (``mask``)
    given their constant terms ``c0`` of shape (P, m).
    """
    n = net.n_inputs
    B = _basis(n, order)
    P = 1 if centers is None else centers.shape[0]
    where = [(0, j) for j in range(n)]
    blocks = [None]  # the input block (a_j + y_j) is never materialised
    arrays = net._float_arrays() if arrays is None else arrays
    dtype = arrays[0][0].dtype if arrays else float
    for stage, (W, b) in zip(net.stages(), arrays):
        width = len(stage.nodes)
        Z = np.zeros((B.size, P, width), dtype=dtype)
        loc = [where[p] for p in stage.sources]
        inp = [k for k, (blk, _) in enumerate(loc) if blk == 0]
        if inp:
            cols = np.array([loc[k][1] for k in inp])
            Win = W[:, inp]
            if order >= 1:
                Z[B.offsets[1] + cols] += Win.T[:, None, :]
            if centers is not None:
                Z[0] += centers[:, cols] @ Win.T
        rest = [k for k, (blk, _) in enumerate(loc) if blk != 0]
        if rest:
            bids = {loc[k][0] for k in rest}
            if len(bids) == 1 and [loc[k][1] for k in rest] == \
                    list(range(blocks[next(iter(bids))].shape[2])):
                Hs = blocks[next(iter(bids))]
            else:
                Hs = np.stack([blocks[loc[k][0]][:, :, loc[k][1]] for k in rest], axis=2)
            Z += Hs @ W[:, rest].T
        Z[0] += b
        ident = np.array([a.name == "identity" for a in stage.activations])
        if ident.all():
            out = Z
        else:
            out = Z.copy() if ident.any() else Z
            sel = ~ident
            Zs = np.ascontiguousarray(Z[:, :, sel]) if ident.any() else Z
            m = int(sel.sum())
            D = stage_D(stage, sel, Zs[0].copy())  # (K + 1, P, m)
            Hs = apply_activation(B, Zs.reshape(B.size, P * m),
                                  D.reshape(D.shape[0], P * m)).reshape(B.size, P, m)
            if ident.any():
                out[:, :, sel] = Hs
            else:
                out = Hs
        bi = len(blocks)
        blocks.append(out)
        where.extend((bi, i) for i in range(width))
    outs = []
    for p in net._output_positions():
        blk, c = where[p]
        outs.append(blocks[blk][:, :, c])
    return B, np.stack(outs, axis=2)
