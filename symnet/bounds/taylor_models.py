"""The Taylor-model engine: every neuron enclosed over a box as ``P(y) + I``.

``P`` is a polynomial of degree ``<= Q`` in the shifted inputs
``y = x - center`` with ball coefficients (a vector in the package's
monomial order, :mod:`symnet.monomials`), ``I`` a ball.  A linear layer
maps models linearly (the exact weights become balls containing them).  A
product is truncated at degree ``Q``; the dropped part is bounded over the
box and moved into the interval, as are the cross terms with the
intervals.  An activation with pre-activation ``z = c + w`` and range ``R``
becomes a polynomial in ``w`` plus a remainder interval, by a *neuron rule*
of :mod:`symnet.bounds.enclosures` (series or Taylor mode).  A neuron whose
model is worse than its plain range ``sigma(R)`` is replaced by the
constant model ``0 + sigma(R)``.

The propagation is :meth:`symnet.Network.forward` with a step that maps a
stage's source models to its neurons' models.

Examples
--------
>>> import flint
>>> from symnet import Network
>>> from symnet.bounds.balls import precision
>>> from symnet.bounds.enclosures import neuron_taylor
>>> from symnet.bounds.taylor_models import TaylorModels
>>> net = Network.dense([[[1]]], activations=["tanh"])
>>> with precision(96):
...     half = flint.arb(0.5)
...     tm = TaylorModels(net, 3, [flint.arb(0)], [(-half, half)])
...     (P, I), = tm.run(lambda s, act, c, w, R: neuron_taylor(act, c, w, R, 3, 2))[0]
...     [float(v.mid()) for v in P], float(I.abs_upper()) < 0.006
([0.0, 1.0, 0.0, -0.3333333333333333], True)
"""

from __future__ import annotations

import heapq
from math import comb

import numpy as np
from flint import arb, arb_mat

from .arbprint import to_ball
from .balls import Uncertifiable, check_time, ipow, time_left, union
from .enclosures import neuron_range_only

__all__ = ["TaylorModels", "weight_balls"]


def weight_balls(net):
    """Per stage ``(W, b)``: object arrays of balls containing the weights and biases.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.bounds.taylor_models import weight_balls
    >>> (W, b), = weight_balls(Network.dense([[[1, 2]]], biases=[[3]]))
    >>> W.shape, float(b[0].mid())
    ((1, 2), 3.0)
    """
    out = []
    for s in net.stages():
        W = np.empty((len(s.nodes), len(s.sources)), dtype=object)
        for i, row in enumerate(s.weights):
            for j, w in enumerate(row):
                W[i, j] = to_ball(w, f"weight into neuron {s.nodes[i]!r}")
        b = np.empty(len(s.nodes), dtype=object)
        for i, (v, nd) in enumerate(zip(s.biases, s.nodes)):
            b[i] = to_ball(v, f"bias of neuron {nd!r}")
        out.append((W, b))
    return out


def _matmul(A, B):
    """Product of two 2-D object arrays of balls (via arb_mat: rigorous, in C)."""
    if A.shape[0] * A.shape[1] * B.shape[1] < 2000:
        return A @ B
    C = arb_mat(A.tolist()) * arb_mat(B.tolist())
    out = np.empty((A.shape[0], B.shape[1]), dtype=object)
    out[...] = C.tolist()
    return out


def _objects(values):
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


class _Model:
    """A batched-free model of one node: coefficient vector P, interval I, degree."""

    __slots__ = ("P", "I", "deg")

    def __init__(self, P, I, deg):
        self.P, self.I, self.deg = P, I, deg


class TaylorModels:
    """Propagates Taylor models of degree Q through a network over a box.

    Parameters
    ----------
    net : Network
    Q : int
        The degree of the models.
    center : list of balls
        The expansion point (``y = x - center``).
    yranges : list of (ball, ball)
        Exact ends of each ``y_i`` over the box.
    weights : list, optional
        :func:`weight_balls` of ``net`` (computed when omitted).

    Examples
    --------
    Bounds of ``1 + y - 2 y**2`` for ``y`` in ``[-1/2, 1/2]`` (its range is
    ``[0, 9/8]``): term by term, then by bisection.

    >>> import flint
    >>> import numpy as np
    >>> from symnet import Network
    >>> from symnet.bounds.balls import precision
    >>> from symnet.bounds.taylor_models import TaylorModels
    >>> net = Network.dense([[[1]]], activations=["tanh"])
    >>> with precision(64):
    ...     h = flint.arb(0.5)
    ...     tm = TaylorModels(net, 2, [flint.arb(0)], [(-h, h)])
    ...     P = np.array([flint.arb(1), flint.arb(1), flint.arb(-2)], dtype=object)
    ...     rough, tight = tm.bound(P), tm.refined_bound(P, flint.arb(0))
    >>> tm.N, round(float(rough.upper()), 6), 1.125 <= float(tight.upper()) < 1.126
    (3, 1.5, True)
    """

    def __init__(self, net, Q, center, yranges, weights=None):
        from ..monomials import basis

        self.net = net
        self.n = n = net.n_inputs
        self.Q = Q
        self.B = basis(n, Q)
        self.N = self.B.size
        self.center = center
        self.zero = arb(0)
        E = self.B.exponents()
        pw = []
        for (ylo, yhi) in yranges:
            row = [arb(1)]
            for k in range(1, Q + 1):
                row.append(ipow(union(ylo, yhi), k))
            pw.append(row)
        self.yballs = [union(lo, hi) for lo, hi in yranges]
        self.ylo = [lo for lo, _ in yranges]
        self.yhi = [hi for _, hi in yranges]
        M = np.empty(self.N, dtype=object)
        for m in range(self.N):
            v = arb(1)
            for i in range(n):
                if E[m, i]:
                    v = v * pw[i][E[m, i]]
            M[m] = v
        self.M = M
        self.Mb = [M[self.B.block(d)] for d in range(Q + 1)]
        self.weights = weight_balls(net) if weights is None else weights
        self._shifts = None

    # -- bounds of polynomials over the box ---------------------------------------
    def degree_bounds(self, P, degs=None):
        """(Q+1, width) balls bounding each homogeneous component over the box.

        ``degs = (lo, hi)``: the components outside are known to be zero.
        """
        lo, hi = (0, self.Q) if degs is None else degs
        out = np.full((self.Q + 1,) + P.shape[1:], self.zero, dtype=object)
        for d in range(lo, min(hi, self.Q) + 1):
            out[d] = self.Mb[d] @ P[self.B.block(d)]
        return out

    def bound(self, P):
        """Balls bounding the polynomial(s) P over the box (term by term)."""
        return self.M @ P

    def _shift_tables(self):
        if self._shifts is None:
            E = self.B.exponents()
            index = {tuple(int(v) for v in row): m for m, row in enumerate(E)}
            tabs = []
            for i in range(self.n):
                per = []
                for k in range(1, self.Q + 1):
                    src = np.flatnonzero(E[:, i] == k)
                    if not len(src):
                        continue
                    for j in range(k):
                        tgt = []
                        for m in src:
                            e = [int(v) for v in E[m]]
                            e[i] = j
                            tgt.append(index[tuple(e)])
                        per.append((k, j, src, np.array(tgt, dtype=np.intp)))
                tabs.append(per)
            self._shifts = tabs
        return self._shifts

    def shift(self, coeffs, i, delta):
        """Coefficients of ``p(u + delta e_i)`` from those of ``p(u)``."""
        out = coeffs.copy()
        pw = [arb(1)]
        for _ in range(self.Q):
            pw.append(pw[-1] * delta)
        for k, j, src, tgt in self._shift_tables()[i]:
            out[tgt] = out[tgt] + coeffs[src] * (comb(k, j) * pw[k - j])
        return out

    def _leaf_bound(self, coeffs, half):
        E = self.B.exponents()
        M = None
        for i in range(self.n):
            h = union(-half[i], half[i])
            pw = _objects([arb(1)] + [ipow(h, k) for k in range(1, self.Q + 1)])
            col = pw[E[:, i]]
            M = col if M is None else M * col
        return M @ coeffs

    def refined_bound(self, G, I, budget=48):
        """Ball containing ``G(y) + I`` for every y in the box, by bisection.

        ``G`` is a coefficient vector; the box is cut into at most
        ``budget + 1`` boxes, each bounded by ``G`` re-expanded at its centre
        (so the linear part there is exact), splitting the worst box first.
        Stops early (still valid: the boxes cover the box) when the time
        budget runs out.
        """
        root = self.bound(G) + I
        if budget <= 0 or self.n == 0 or not root.is_finite():
            return root
        center, half = [], []
        for lo, hi in zip(self.ylo, self.yhi):
            c = arb(((lo + hi) / 2).mid())
            h = arb(union(c - lo, hi - c).upper())
            center.append(c)
            half.append(h)
        coeffs = G
        for i, c in enumerate(center):
            if not c.is_zero():
                coeffs = self.shift(coeffs, i, c)
        heap, tick = [], 0
        E = self.B.exponents()

        def push(cf, hf):
            nonlocal tick
            v = self._leaf_bound(cf, hf) + I
            heapq.heappush(heap, (-float(v.abs_upper()), tick, v, cf, hf))
            tick += 1

        push(coeffs, half)
        for _ in range(budget):
            if not time_left():
                break
            neg, _, v, cf, hf = heap[0]
            # the value at the centre is attained: stop when the worst box is tight
            at_c = cf[0] + I
            if float(at_c.abs_upper()) >= -neg * 0.995 or not v.is_finite():
                break
            heapq.heappop(heap)
            # split the variable whose terms weigh most (a float heuristic)
            with np.errstate(all="ignore"):
                mids = np.abs(np.array([float(c.mid()) for c in cf]))
                hs = np.array([float(h) for h in hf])
                weight = mids * np.prod(hs[None, :] ** E, axis=1)
                weight[0] = 0.0
                score = np.nan_to_num((weight[:, None] * E).sum(axis=0), nan=np.inf)
            i = int(np.argmax(score))
            h2 = hf[i] / 2
            if not h2.is_exact():
                heapq.heappush(heap, (neg, -1, v, cf, hf))
                break
            hh = list(hf)
            hh[i] = h2
            push(self.shift(cf, i, -h2), hh)
            push(self.shift(cf, i, h2), hh)
        out = None
        for _, _, v, _, _ in heap:
            out = v if out is None else union(out, v)
        if out.abs_upper() < root.abs_upper():
            return out
        return root

    # -- products -------------------------------------------------------------------
    def tm_mul(self, A, B, same=False):
        """Product of batched models without constant terms.

        A model is ``(P, I, degree bounds, (lowest, highest) degree)``.
        ``same``: ``A`` is ``B`` (a square: each unordered pair of monomials
        once, doubled).
        """
        PA, IA, bA, (la, ha) = A
        PB, IB, bB, (lb, hb) = B
        Q, Bs = self.Q, self.B
        width = PA.shape[1]
        PC = np.full(PA.shape, self.zero, dtype=object)
        for d1 in range(la, min(ha, Q - lb) + 1):
            for d2 in range(lb, min(hb, Q - d1) + 1):
                if same and d2 < d1:
                    continue
                check_time()
                sym = same and d1 == d2
                slots, outs, diag = Bs.gather_plan(d1, d2, symmetric=sym)
                A1 = PA[Bs.block(d1)]
                B2 = PB[Bs.block(d2)]
                base = Bs.offsets[d1 + d2]
                if len(outs):
                    acc = np.full((len(outs), width), self.zero, dtype=object)
                    for i1, i2 in slots:
                        m = len(i1)
                        acc[:m] += A1[i1] * B2[i2]
                    if same:
                        acc = acc * 2  # exact: a*b + b*a = 2*(a*b)
                    PC[base + outs] += acc
                if sym:
                    sq, roots = diag
                    PC[base + sq] += A1[roots] * A1[roots]
        dropped = np.full(width, self.zero, dtype=object)
        for d1 in range(la, ha + 1):
            tail = None
            for d2 in range(max(lb, Q - d1 + 1), hb + 1):
                tail = bB[d2] if tail is None else tail + bB[d2]
            if tail is not None:
                dropped = dropped + bA[d1] * tail
        totA = bA[la:ha + 1].sum(axis=0)
        totB = bB[lb:hb + 1].sum(axis=0)
        IC = dropped + (totA + IA) * IB + IA * totB
        degs = (la + lb, min(Q, ha + hb))
        if degs[0] > Q:
            degs = (Q + 1, Q)  # empty: everything went into the interval
        return PC, IC, self.degree_bounds(PC, degs), degs

    # -- the forward pass -------------------------------------------------------------
    def _input_models(self):
        Bs, Q = self.B, self.Q
        out = []
        for i in range(self.n):
            P = np.full(self.N, self.zero, dtype=object)
            P[0] = self.center[i]
            I = self.zero
            if Q >= 1:
                P[Bs.offsets[1] + i] = arb(1)
            else:
                I = self.yballs[i]
            out.append(_Model(P, I, 1 if Q >= 1 else 0))
        return out

    def run(self, neuron_rule):
        """Models of the outputs, the pre-activation ranges and the failures.

        ``neuron_rule(stage index, act, cstar, Wr, R)`` returns
        ``(D, E)``: the model of the activation as a polynomial ``D`` in
        ``w = z - cstar`` (``Wr`` encloses ``w``, ``R`` encloses ``z``) and
        a remainder ball ``E``.  It raises ``Uncertifiable`` when it cannot
        enclose; the neuron then gets the constant model ``0 + sigma(R)``
        (and the failure is recorded).

        Returns
        -------
        outs : list of (P, I)
        ranges : dict node -> ball
        failures : list of (node, activation name, reason)
        """
        N, Q = self.N, self.Q
        stages = self.net.stages()
        index = {id(s): k for k, s in enumerate(stages)}
        last_use = {}
        for s_idx, stage in enumerate(stages):
            for p in stage.sources:
                last_use[p] = s_idx
        keep = set(self.net.output_positions())
        failures, ranges = [], {}

        def step(stage, src):
            s_idx = index[id(stage)]
            W, b = self.weights[s_idx]
            width = len(stage.nodes)
            dv = max((m.deg for m in src), default=0)
            if src:
                H = np.stack([m.P for m in src], axis=1)
                IH = _objects([m.I for m in src])
                Z = _matmul(H, W.T)
                IZ = W @ IH
            else:
                Z = np.full((N, width), self.zero, dtype=object)
                IZ = np.full(width, self.zero, dtype=object)
            for j, p in enumerate(stage.sources):
                if last_use.get(p) == s_idx and p not in keep:
                    src[j].P = None  # no later stage reads it: free the memory
            Z[0] = Z[0] + b
            c0 = Z[0].copy()
            cstar = _objects([arb(c.mid()) for c in c0])
            V = Z.copy()
            V[0] = self.zero
            Iw = IZ + (c0 - cstar)
            vdeg = (1, dv) if dv >= 1 else (Q + 1, Q)
            bv = self.degree_bounds(V, vdeg)
            Wr = bv.sum(axis=0) + Iw
            R = cstar + Wr
            Ds, Es = [], []
            for i, act in enumerate(stage.activations):
                check_time()
                node = stage.nodes[i]
                ranges[node] = R[i]
                try:
                    if not R[i].is_finite():
                        raise Uncertifiable(f"the pre-activation range {R[i]} is not finite")
                    D, E = neuron_rule(s_idx, act, cstar[i], Wr[i], R[i])
                    if not E.is_finite() or not all(d.is_finite() for d in D):
                        raise Uncertifiable("an enclosure is not finite")
                except Uncertifiable as exc:
                    try:
                        D, E = neuron_range_only(act, R[i]) if R[i].is_finite() else \
                            ([arb(0)], arb.nan())
                    except Uncertifiable:
                        D, E = [arb(0)], arb.nan()
                    failures.append((node, act.name, str(exc)))
                Ds.append(D)
                Es.append(E)
            Kp = max(len(D) for D in Ds) - 1
            Dm = np.full((Kp + 1, width), self.zero, dtype=object)
            for i, D in enumerate(Ds):
                for k, d in enumerate(D):
                    Dm[k, i] = d
            Pout = np.full((N, width), self.zero, dtype=object)
            Pout[0] = Dm[0]
            Iout = _objects(Es)
            outdeg = 0
            if Kp >= 1:
                base = (V, Iw, bv, vdeg)
                power = base
                Pout = Pout + V * Dm[1][None, :]
                Iout = Iout + Dm[1] * Iw
                outdeg = dv
                for k in range(2, Kp + 1):
                    power = self.tm_mul(power, base, same=(k == 2))
                    if power[3][0] <= Q:
                        Pout = Pout + power[0] * Dm[k][None, :]
                        outdeg = max(outdeg, power[3][1])
                    Iout = Iout + Dm[k] * power[1]
            for i, act in enumerate(stage.activations):
                # a model whose interval is wider than the activation's whole range
                # is worse than the constant model 0 + sigma(R): use that instead
                if act.is_identity or not R[i].is_finite():
                    continue
                try:
                    _, rng = neuron_range_only(act, R[i])
                except Uncertifiable:
                    continue
                worse = not Iout[i].is_finite() or not (Iout[i].rad() < rng.rad())
                if not worse:
                    # a model whose range is far wider than the activation's is
                    # wildly oscillating (cos over many periods, ...)
                    whole = self.M @ Pout[:, i] + Iout[i]
                    worse = not whole.is_finite() or whole.rad() > 4 * rng.rad()
                if worse:
                    Pout[:, i] = self.zero
                    Iout[i] = rng
            deg = min(outdeg, Q)
            return [_Model(Pout[:, i], Iout[i], deg) for i in range(width)]

        outs = self.net.forward(self._input_models(), step)
        return [(m.P, m.I) for m in outs], ranges, failures
