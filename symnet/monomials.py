"""The monomial basis: every monomial of total degree <= Q in n variables, ranked.

This is the package's monomial order: by total degree, then (within a
degree) colex order of the sorted variable-index multiset.  The dense engines
store polynomials as coefficient vectors in this order; Super Space features
and polynomial vectors use it too.

Monomials of degree ``d`` in ``n`` variables are stored as sorted index
multisets ``i_1 <= ... <= i_d`` and ranked in colex order by the
combinatorial number system, ``rank = sum_k C(i_k + k - 1, k)``, so the rank
of a product is computed in a few vectorised operations: no dictionary, no
Python loop over monomials.  Global index = offset of the degree + rank.

Product tables are built per degree block ``(d1, d2)`` in time proportional
to the pairs they hold and cached per basis.
"""

from __future__ import annotations

from functools import lru_cache
from math import comb

import numpy as np

__all__ = ["MonomialBasis", "basis", "monomials", "nn2poly_label"]


class MonomialBasis:
    """All monomials of total degree <= ``order`` in ``nvars`` variables.

    Parameters
    ----------
    nvars : int
    order : int

    Examples
    --------
    >>> from symnet.monomials import MonomialBasis
    >>> B = MonomialBasis(2, 2)
    >>> B.size, B.exponents().tolist()
    (6, [[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 2]])
    >>> B.index_of((1, 1))
    4
    """

    def __init__(self, nvars, order):
        self.n = int(nvars)
        self.order = int(order)
        self.counts = [comb(self.n + d - 1, d) if self.n else int(d == 0)
                       for d in range(self.order + 1)]
        self.offsets = [0]
        for c in self.counts:
            self.offsets.append(self.offsets[-1] + c)
        self.size = self.offsets[-1]
        # rank() only needs C(i + k - 1, k) for a variable index i < n and a position
        # k <= order: at most the basis size, so it fits int64 whenever the basis fits
        # memory (a table over all C(a, k), a <= n + order, overflows int64 from order 66
        # in one variable).  Row i, column k; entries past int64 are never read, clipped.
        self._binom = _rank_table(self.n, self.order)
        self._ms = {0: np.zeros((1, 0), dtype=np.int32)}
        self._tables = {}
        self._sym = {}
        self._exps = None

    def block(self, d):
        """Slice of the global index for degree ``d``."""
        return slice(self.offsets[d], self.offsets[d + 1])

    def multisets(self, d):
        """(N_d, d) array of sorted variable indices, in rank order."""
        if d not in self._ms:
            prev = self.multisets(d - 1)
            parts = []
            for j in range(self.n):
                k = comb(j + d - 1, d - 1)  # multisets of degree d-1 over {0..j}
                p = prev[:k]
                parts.append(np.concatenate([p, np.full((k, 1), j, dtype=np.int32)], axis=1))
            self._ms[d] = np.concatenate(parts, axis=0) if parts else np.zeros((0, d), np.int32)
        return self._ms[d]

    def rank(self, ms):
        """Ranks (within their degree) of sorted multisets, one per row."""
        d = ms.shape[1]
        if d == 0:
            return np.zeros(ms.shape[0], dtype=np.int64)
        return self._binom[ms, np.arange(1, d + 1)].sum(axis=1)

    def exponents(self):
        """(size, n) array of exponent vectors in global index order."""
        if self._exps is None:
            E = np.zeros((self.size, self.n), dtype=np.int64)
            for d in range(1, self.order + 1):
                ms = self.multisets(d)
                rows = np.repeat(np.arange(self.offsets[d], self.offsets[d + 1]), d)
                np.add.at(E, (rows, ms.ravel()), 1)
            self._exps = E
        return self._exps

    def index_of(self, exps):
        """Global index of one exponent tuple (or -1 if the degree is too high)."""
        d = sum(exps)
        if d > self.order:
            return -1
        ms = np.array([[i for i, e in enumerate(exps) for _ in range(e)]], dtype=np.int32)
        return int(self.offsets[d] + self.rank(ms.reshape(1, d))[0])

    def product_table(self, d1, d2):
        """(N_d1, N_d2) ranks, in degree d1 + d2, of every product of monomials."""
        key = (d1, d2)
        if key not in self._tables:
            if d1 > d2:
                self._tables[key] = self.product_table(d2, d1).T
            else:
                A, B = self.multisets(d1), self.multisets(d2)
                na, nb = A.shape[0], B.shape[0]
                M = np.concatenate([np.repeat(A, nb, axis=0), np.tile(B, (na, 1))], axis=1)
                M.sort(axis=1)
                self._tables[key] = self.rank(M).reshape(na, nb)
        return self._tables[key]

    def gather_plan(self, d1, d2, symmetric=False):
        """Pairs of the block ``(d1, d2)`` laid out by product, for gather-only products.

        Returns ``(slots, outs, diag)``.  ``outs`` lists the ranks (in degree
        ``d1 + d2``) that receive a pair, most factorisations first;
        ``slots[s] = (i1, i2)`` lists one factorisation of each of the first
        ``len(i1)`` of them, so ``acc[:m] += A[i1] * B[i2]`` over the slots
        and ``C[outs] += acc`` compute the block with contiguous writes and a
        single scatter.  With ``symmetric`` (``d1 == d2``) only pairs
        ``i1 < i2`` are listed and ``diag`` holds ``(square ranks, roots)``.
        """
        key = (d1, d2, symmetric)
        if key not in self._sym:
            T = self.product_table(d1, d2)
            n1, n2 = T.shape
            diag = None
            if symmetric:
                i1, i2 = np.triu_indices(n1, k=1)
                flat = T[i1, i2]
                roots = np.arange(n1)
                diag = (T[roots, roots], roots)
            else:
                flat = T.ravel()
                i1, i2 = np.divmod(np.arange(flat.size), n2)
            nd = self.counts[d1 + d2]
            slots = []
            outs = np.zeros(0, dtype=np.intp)
            if flat.size:
                counts = np.bincount(flat, minlength=nd)
                outs = np.argsort(-counts, kind="stable")
                outs = outs[counts[outs] > 0]
                pos = np.empty(nd, dtype=np.intp)
                pos[outs] = np.arange(len(outs))
                p = pos[flat]
                perm = np.argsort(p, kind="stable")
                sp = p[perm]
                first = np.searchsorted(sp, np.arange(len(outs)))
                slot = np.arange(sp.size) - first[sp]
                for s in range(int(counts.max())):
                    sel = perm[slot == s]
                    # sel is ordered by output position: 0, 1, ..., m-1
                    slots.append((i1[sel].astype(np.intp), i2[sel].astype(np.intp)))
            self._sym[key] = (slots, outs.astype(np.intp), diag)
        return self._sym[key]

    def npairs(self, d1, d2, symmetric=False):
        a, b = self.counts[d1], self.counts[d2]
        return a * (a - 1) // 2 if symmetric else a * b

    def evaluate_monomials(self, X):
        """(n_samples, size) values of every monomial at the rows of X."""
        X = np.asarray(X)
        out = np.empty((X.shape[0], self.size), dtype=np.result_type(X.dtype, np.float64))
        out[:, 0] = 1
        for d in range(1, self.order + 1):
            ms = self.multisets(d)
            parent = self.offsets[d - 1] + self.rank(ms[:, :-1])
            out[:, self.block(d)] = out[:, parent] * X[:, ms[:, -1]]
        return out


_INT64_MAX = (1 << 63) - 1


def _rank_table(n, order):
    """``T[i, k] = C(i + k - 1, k)`` for ``i < n``, ``k <= order`` (int64, clipped).

    The rank of a sorted multiset ``i_1 <= ... <= i_d`` is
    ``sum_k T[i_k, k]``: the colex rank of the combinatorial number system.
    """
    T = np.zeros((max(n, 1), order + 1), dtype=np.int64)
    for i in range(n):
        v = 1                      # C(i - 1, 0)
        row = [1]
        for k in range(1, order + 1):
            v = v * (i + k - 1) // k   # C(i + k - 1, k) from C(i + k - 2, k - 1)
            row.append(min(v, _INT64_MAX))
            if v > _INT64_MAX:        # the rest of the row is never read: a rank past it
                row.extend([_INT64_MAX] * (order - k))   # would index a basis beyond memory
                break
        T[i] = row
    return T


@lru_cache(maxsize=16)
def basis(nvars, order):
    """A cached :class:`MonomialBasis` (its tables are cached with it).

    Examples
    --------
    >>> from symnet.monomials import basis
    >>> basis(3, 2) is basis(3, 2)
    True
    """
    return MonomialBasis(nvars, order)


def monomials(nvars, order):
    """Exponent tuples of every monomial of degree <= ``order``, in the package's order.

    Examples
    --------
    >>> from symnet.monomials import monomials
    >>> monomials(2, 2)
    [(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]
    """
    return [tuple(int(e) for e in row) for row in basis(nvars, order).exponents()]


def nn2poly_label(exponents):
    """NN2Poly's label of a monomial: ``"0"`` for 1, ``"1,1,2"`` for ``x1**2*x2``.

    Parameters
    ----------
    exponents : tuple of int
        The exponent of each variable.

    Returns
    -------
    str

    Examples
    --------
    >>> from symnet import nn2poly_label
    >>> nn2poly_label((2, 1, 0)), nn2poly_label((0, 0, 0))
    ('1,1,2', '0')
    """
    parts = [str(i + 1) for i, e in enumerate(exponents) for _ in range(int(e))]
    return ",".join(parts) if parts else "0"
