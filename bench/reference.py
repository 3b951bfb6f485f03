"""Reference implementations the benchmarks compare against.

``plain_sympy``: what a user would write with sympy alone: substitute the
Maclaurin polynomial of every activation into the network expression,
``expand``, drop the terms above the order (truncating after each layer,
which is already kinder than expanding the whole composition).

``sympy_ring``: sympy's sparse polynomial ring over QQ (or RR) running the
same graded shift-then-power algorithm as symnet's engines: the best one can
do with sympy's own polynomial arithmetic.
"""

import sympy
from sympy import QQ, RR
from sympy.polys.rings import ring


def plain_sympy(net, order):
    t = sympy.Symbol("_t")
    X = net.inputs

    def trunc(e):
        e = sympy.expand(e.subs({x: t * x for x in X}, simultaneous=True))
        return sympy.expand(sum(e.coeff(t, k) for k in range(order + 1))).subs(t, 1)

    G = net.graph
    val = {n: G.nodes[n]["symbol"] for n in G.graph["inputs"]}
    for s in net.stages():
        for n, a in zip(s.nodes, s.activations):
            z = sympy.sympify(G.nodes[n]["bias"]) + sympy.Add(
                *[sympy.sympify(G.edges[p, n]["weight"]) * val[p] for p in G.predecessors(n)])
            if a.name == "identity":
                val[n] = trunc(z)
            else:
                val[n] = trunc(sum(c * z**k for k, c in enumerate(a.maclaurin(order))))
    return [val[o] for o in net.outputs]


def sympy_ring(net, order, domain=QQ):
    """sympy's PolyElement arithmetic with the same algorithm as symnet's engine:
    homogeneous components, z = c0 + v, T(z) = sum_k D_k(c0) v^k, no product
    ever forming a term above the order."""
    from math import comb

    R, *xs = ring([s.name for s in net.inputs], domain)
    Q = order

    def graded(p):
        comps = [R.zero] * (Q + 1)
        for m, c in p.items():
            d = sum(m)
            if d <= Q:
                comps[d] += R({m: c})
        return comps

    def gmul(a, b):
        out = [R.zero] * (Q + 1)
        for i, ai in enumerate(a):
            if not ai:
                continue
            for j in range(Q + 1 - i):
                if b[j]:
                    out[i + j] += ai * b[j]
        return out

    G = net.graph
    conv = (lambda v: domain.convert(float(v))) if domain == RR else \
        (lambda v: domain.from_sympy(sympy.sympify(v)))
    val = {n: graded(x) for n, x in zip(G.graph["inputs"], xs)}
    for s in net.stages():
        for n, a in zip(s.nodes, s.activations):
            z = [R.zero] * (Q + 1)
            z[0] = R(conv(G.nodes[n]["bias"]))
            for p in G.predecessors(n):
                w = conv(G.edges[p, n]["weight"])
                z = [zi + hi * w for zi, hi in zip(z, val[p])]
            if a.name == "identity":
                val[n] = z
                continue
            c0 = z[0].get((0,) * len(xs), domain.zero)
            v = [R.zero] + z[1:]
            g = [conv(c) for c in a.maclaurin(order)]
            h = [R.zero] * (Q + 1)
            h[0] = R(sum((g[m] * c0**m for m in range(len(g))), domain.zero))
            pk = [R.one] + [R.zero] * Q
            for k in range(1, len(g)):
                pk = gmul(pk, v)
                Dk = sum((comb(m, k) * g[m] * c0**(m - k) for m in range(k, len(g))),
                         domain.zero)
                h = [hi + pi * Dk for hi, pi in zip(h, pk)]
            val[n] = h
    return [sum(val[o], R.zero) for o in net.outputs]


def sympy_ring_rr(net, order):
    """sympy_ring over RR (sympy's float domain), for float workloads."""
    return sympy_ring(net, order, domain=RR)
