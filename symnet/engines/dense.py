"""The dense engine: monomial-major numpy arrays, float64 or mpf.

A batch of polynomials is an array of shape ``(basis.size, width)``: one row
per monomial (the package's monomial order, :mod:`symnet.monomials`), one
column per neuron (and centre), so a layer's linear map is one matrix
product and every product of polynomials is a gather / multiply /
segmented-sum over cached pair tables, vectorised over the whole layer.
The same kernels run on float64 arrays (:class:`~.contexts.FloatContext`)
and on object arrays of mpmath numbers (:class:`~.contexts.MpfContext`).

Examples
--------
>>> from symnet import Network, expand
>>> expand(Network.dense([[[0.5]]], activations=["tanh"]), 3).coeff((3,))
-0.041666666666666664
"""

from __future__ import annotations

from math import comb

import numpy as np

from ..errors import NonAnalyticActivationError
from ..monomials import basis as monomial_basis
from .contexts import FloatContext, MpfContext
from .graded import activate

__all__ = ["Graded", "DenseAlgebra", "DenseEngine", "dense_estimate", "activate_columns",
           "polynomials_from_dense"]


class Graded:
    """An array of polynomials (columns) and the degree range of its non-constant part.

    Examples
    --------
    >>> import numpy as np
    >>> from symnet.monomials import basis
    >>> from symnet.engines.dense import DenseAlgebra, Graded
    >>> X = DenseAlgebra(basis(1, 3)).from_array(np.array([[1.0], [0.0], [2.0], [0.0]]))
    >>> isinstance(X, Graded), X.lo, X.hi          # 1 + 2 x**2: degrees 2..2
    (True, 2, 2)
    """

    __slots__ = ("a", "lo", "hi")

    def __init__(self, a, lo, hi):
        self.a, self.lo, self.hi = a, lo, hi


class DenseAlgebra:
    """Columns of monomial coefficient arrays over one basis, for :mod:`.graded`.

    Examples
    --------
    >>> import numpy as np
    >>> from symnet.monomials import basis
    >>> from symnet.engines.dense import DenseAlgebra
    >>> A = DenseAlgebra(basis(1, 3))
    >>> X = A.from_array(np.array([[0.0], [1.0], [1.0], [0.0]]))      # x + x**2
    >>> Y = A.mul(X, X, 3, same=True)                                 # x**2 + 2 x**3 + O(x**4)
    >>> Y.a[:, 0], A.degrees(Y)
    (array([0., 0., 1., 2.]), (2, 3))
    """

    def __init__(self, B):
        self.B = B
        self.Q = B.order

    def degrees(self, X):
        return (X.lo, X.hi) if X.lo else (None, None)

    def size(self, X, d):
        return self.B.counts[d] if X.lo and X.lo <= d <= X.hi else 0

    def est(self, V, d):
        return self.B.counts[d]

    def from_array(self, a):
        lo, hi = None, 0
        B = self.B
        for d in range(1, B.order + 1):
            blk = a[B.block(d)]
            if blk.size and np.any(blk):
                lo = d if lo is None else lo
                hi = d
        return Graded(a, lo or 0, hi)

    def mul(self, X, Y, order, same=False):
        B = self.B
        A, Bv = X.a, Y.a
        C = np.zeros_like(A)
        hi = 0
        x0 = A[0] if np.any(A[0]) else None
        y0 = Bv[0] if (not same and np.any(Bv[0])) else None
        if x0 is not None and Y.lo:   # X's constant row scales Y
            top = B.offsets[min(order, Y.hi) + 1]
            r0 = B.offsets[Y.lo]
            C[r0:top] += Bv[r0:top] * x0
            hi = max(hi, min(order, Y.hi))
        if y0 is not None and X.lo:
            top = B.offsets[min(order, X.hi) + 1]
            r0 = B.offsets[X.lo]
            C[r0:top] += A[r0:top] * y0
            hi = max(hi, min(order, X.hi))
        if x0 is not None and y0 is not None:
            C[0] = x0 * y0
        if X.lo and Y.lo:
            self._mul_nonconstant(X, Y, order, same, C)
            if X.lo + Y.lo <= order:
                hi = max(hi, min(order, X.hi + Y.hi))
        lo = [d for d in (X.lo if y0 is not None else 0, Y.lo if x0 is not None else 0,
                          X.lo + Y.lo if X.lo and Y.lo and X.lo + Y.lo <= order else 0) if d]
        return Graded(C, min(lo) if lo else 0, hi if lo else 0)

    def _mul_nonconstant(self, X, Y, order, same, C):
        B = self.B
        A, Bv = X.a, Y.a
        if B.n == 1:   # one variable: row d is degree d, a truncated convolution by shifts
            for d1 in range(X.lo, min(X.hi, order - Y.lo) + 1):
                top = min(Y.hi, order - d1)
                C[d1 + Y.lo:d1 + top + 1] += A[d1] * Bv[Y.lo:top + 1]
            return
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
                        acc *= 2
                    Cd[outs] += acc
                if sym:
                    sq, roots = diag
                    Cd[sq] += A1[roots] * A1[roots]

    def constant(self, D):
        a = np.zeros((self.B.size,) + np.shape(D), dtype=np.asarray(D).dtype)
        a[0] = D
        return Graded(a, 0, 0)

    def add_const(self, R, D):
        R.a[0] = D
        return R

    def axpy(self, H, P, D):
        r = self.B.offsets[P.lo]
        top = self.B.offsets[P.hi + 1]
        H.a[r:top] += P.a[r:top] * D
        if H.lo:
            H.lo, H.hi = min(H.lo, P.lo), max(H.hi, P.hi)
        else:
            H.lo, H.hi = P.lo, P.hi
        return H

    def nonzero(self, D):
        return bool(np.any(D))


def dense_estimate(n, order, nodes, width, itemsize=8):
    """Estimated peak bytes of a dense expansion (node arrays, temporaries, pair tables).

    Examples
    --------
    >>> from symnet.engines.dense import dense_estimate
    >>> dense_estimate(10, 3, 110, 50) > 0
    True
    """
    N = comb(n + order, order)
    counts = [comb(n + d - 1, d) for d in range(order + 1)]
    pairs = sum(counts[a] * counts[b] for a in range(1, order + 1)
                for b in range(a, order + 1 - a))
    return itemsize * N * (nodes + 4 * width) + 48 * pairs


class DenseEngine:
    """numpy float64 (``"RR"``) or mpmath object arrays (``"mpf"``).

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.engines import Plan
    >>> from symnet.engines.dense import DenseEngine
    >>> net = Network.dense([[[1]]], activations=["tanh"])
    >>> plan = Plan(net, 3, ((net.stages()[0].activations[0].rule,),), None, "RR")
    >>> (p,), = DenseEngine().run(plan)
    >>> print(p)
    1.0*x1 - 0.333333333333333*x1**3 + O(|x1|**4)
    >>> DenseEngine().estimate(plan)["monomials"]
    4
    """

    name = "dense"
    domains = ("RR", "mpf")

    def estimate(self, plan):
        """The cost model's estimate of this plan (see :mod:`symnet.engines.cost`)."""
        from .cost import estimate
        return estimate(plan.net, plan.order, domain=plan.domain,
                        mode="series" if plan.centers is None else "taylor",
                        points=len(plan.centers) if plan.centers else 1, prec=plan.prec)

    def run(self, plan):
        """One tuple of Polynomials (one per output) per centre."""
        B, coeffs = self.coefficients(plan)
        return polynomials_from_dense(plan, coeffs)

    def coefficients(self, plan):
        """``(basis, coeffs)`` with coeffs of shape (size, n_centres, n_out)."""
        if plan.domain == "RR":
            ctx, dtype = FloatContext(), float
            arrays = [(s.weight_array(), s.bias_array()) for s in plan.net.stages()]
            conv = float
        else:
            ctx, dtype = MpfContext(plan.prec or 128), object
            conv = ctx.number
            arrays = []
            for s in plan.net.stages():
                W = np.empty(s.shape, dtype=object)
                for i, row in enumerate(s.weights):
                    for j, w in enumerate(row):
                        W[i, j] = conv(w)
                b = np.empty(len(s.nodes), dtype=object)
                for i, v in enumerate(s.biases):
                    b[i] = conv(v)
                arrays.append((W, b))
        centers = None
        if plan.centers is not None:
            centers = np.array([[conv(v) for v in c] for c in plan.centers], dtype=dtype)
        return _run(plan, ctx, dtype, arrays, centers)


def _run(plan, ctx, dtype, arrays, centers):
    net, order = plan.net, plan.order
    n = net.n_inputs
    B = monomial_basis(n, order)
    P = 1 if centers is None else centers.shape[0]
    blocks = []
    stage_index = {id(s): k for k, s in enumerate(net.stages())}

    def step(stage, src):
        k = stage_index[id(stage)]
        W, b = arrays[k]
        rules = plan.rules[k]
        width = len(stage.nodes)
        Z = np.zeros((B.size, P, width), dtype=dtype)
        inp = [j for j, r in enumerate(src) if r[0] < 0]
        if inp:
            cols = np.array([src[j][1] for j in inp])
            Win = W[:, inp]
            if order >= 1:
                Z[B.offsets[1] + cols] += Win.T[:, None, :]
            if centers is not None:
                Z[0] += centers[:, cols] @ Win.T
        rest = [j for j, r in enumerate(src) if r[0] >= 0]
        if rest:
            bids = {src[j][0] for j in rest}
            blk = blocks[next(iter(bids))]
            if len(bids) == 1 and [src[j][1] for j in rest] == list(range(blk.shape[2])):
                Hs = blk
            else:
                Hs = np.stack([blocks[src[j][0]][:, :, src[j][1]] for j in rest], axis=2)
            Z += Hs @ W[:, rest].T
        Z[0] += b
        ident = np.array([r is None for r in rules])
        if ident.all():
            out = Z
        else:
            sel = ~ident
            Zs = np.ascontiguousarray(Z[:, :, sel]) if ident.any() else Z
            Hs = activate_columns(B, Zs, [r for r in rules if r is not None],
                                  [nd for nd, r in zip(stage.nodes, rules) if r is not None], ctx)
            if ident.any():
                out = Z.copy()
                out[:, :, sel] = Hs
            else:
                out = Hs
        bi = len(blocks)
        blocks.append(out)
        return [(bi, i) for i in range(width)]

    outs = net.forward([(-1, j) for j in range(n)], step)
    coeffs = np.stack([blocks[bi][:, :, c] for bi, c in outs], axis=2)
    return B, coeffs


def polynomials_from_dense(plan, coeffs):
    """Polynomials from coefficient arrays of shape (basis size, n_centres, n_outputs).

    Examples
    --------
    >>> import numpy as np
    >>> from symnet import Network
    >>> from symnet.engines import Plan
    >>> from symnet.engines.dense import polynomials_from_dense
    >>> plan = Plan(Network.dense([[[1.0]]], activations=["identity"]), 1, ((None,),), None, "RR")
    >>> print(polynomials_from_dense(plan, np.array([[[0.0]], [[2.0]]]))[0][0])
    2.0*x1 + O(|x1|**2)
    """
    from ..polynomial import Polynomial

    net = plan.net
    centers = plan.centers or (None,)
    return [tuple(Polynomial.from_vector(coeffs[:, p, k], net.inputs, plan.order, center=c,
                                         meta=plan.meta)
                  for k in range(coeffs.shape[2]))
            for p, c in enumerate(centers)]


def activate_columns(B, Z, rules, nodes, ctx):
    """The pure activation kernel: columns of pre-activations -> columns of activations.

    Parameters
    ----------
    B : MonomialBasis
    Z : ndarray, shape (B.size, P, m)
        Pre-activation polynomials of ``m`` neurons at ``P`` centres (row 0
        the constant terms); overwritten.
    rules : list of Rule, one per neuron (no identities)
    nodes : list, the neurons' names (for error messages)
    ctx : FloatContext or MpfContext

    Returns
    -------
    ndarray, shape (B.size, P, m)

    Examples
    --------
    >>> import numpy as np
    >>> from symnet import get_activation
    >>> from symnet.monomials import basis
    >>> from symnet.engines.contexts import FloatContext
    >>> from symnet.engines.dense import activate_columns
    >>> B = basis(1, 3)
    >>> Z = np.zeros((B.size, 1, 1)); Z[1, 0, 0] = 1.0          # z = x
    >>> activate_columns(B, Z, [get_activation("tanh").rule], ["h"], FloatContext())[:, 0, 0]
    array([ 0.        ,  1.        ,  0.        , -0.33333333])
    """
    size, P, m = Z.shape
    A = DenseAlgebra(B)
    c0 = Z[0].copy()                       # (P, m)
    V = Z.reshape(size, P * m)
    V[0] = 0
    Vg = A.from_array(V)
    K = B.order if not Vg.lo else B.order // Vg.lo
    D = _coefficients(ctx, Z.dtype, rules, nodes, c0, K).reshape(K + 1, P * m)
    return activate(A, Vg, D, K).a.reshape(size, P, m)


def _coefficients(ctx, dtype, rules, nodes, c0, K):
    """(K + 1, P, m) Taylor coefficients of each column's rule at its c0."""
    D = np.zeros((K + 1,) + c0.shape, dtype=dtype)
    groups = {}
    for i, r in enumerate(rules):
        groups.setdefault(id(r), (r, []))[1].append(i)
    for r, idx in groups.values():
        idx = np.asarray(idx)
        try:
            res = r.taylor(ctx, c0[:, idx], K)
        except NonAnalyticActivationError as e:
            raise NonAnalyticActivationError(
                f"{e} (neurons {[nodes[i] for i in idx][:6]})") from None
        for k, v in enumerate(res[:K + 1]):
            D[k][:, idx] = v
    return D
