"""Reference implementations the benchmarks compare against.

``plain_sympy``: what a user would write with sympy alone: substitute the
Maclaurin polynomial of every activation into the network expression,
``expand``, drop the terms above the order (truncating after each layer,
which is already kinder than expanding the whole composition).

``sympy_ring``: sympy's sparse polynomial ring over QQ (or RR) with
truncation after every product, the best one can do with sympy's own
polynomial arithmetic.
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
    R, *xs = ring([s.name for s in net.inputs], domain)

    def trunc(p):
        return R({m: c for m, c in p.items() if sum(m) <= order})

    G = net.graph
    conv = (lambda v: domain.convert(float(v))) if domain == RR else \
        (lambda v: domain.from_sympy(sympy.sympify(v)))
    val = {n: x for n, x in zip(G.graph["inputs"], xs)}
    for s in net.stages():
        for n, a in zip(s.nodes, s.activations):
            z = R(conv(G.nodes[n]["bias"]))
            for p in G.predecessors(n):
                z += val[p] * conv(G.edges[p, n]["weight"])
            if a.name == "identity":
                val[n] = z
                continue
            g = [conv(c) for c in a.maclaurin(order)]
            acc = R(g[-1])
            for c in reversed(g[:-1]):  # Horner with truncation
                acc = trunc(acc * z) + c
            val[n] = acc
    return [val[o] for o in net.outputs]
