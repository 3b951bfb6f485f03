"""Independent oracles for the engine: plain sympy on tiny networks.

Nothing here uses symnet's engines: the network is rebuilt as a sympy
expression with every activation replaced by its Maclaurin polynomial (taken
from ``sympy.series`` of the activation's sympy function, not from symnet's
rule table), expanded, and the terms above the order dropped.
"""

import sympy

_t = sympy.Symbol("_t")


def truncate(expr, variables, order):
    e = sympy.expand(expr.subs({x: _t * x for x in variables}, simultaneous=True))
    return sympy.expand(sum(e.coeff(_t, k) for k in range(order + 1)))


def maclaurin(func, degree):
    z = sympy.Symbol("_z")
    ser = sympy.series(func(z), z, 0, degree + 1).removeO()
    return [sympy.expand(ser).coeff(z, k) for k in range(degree + 1)]


def series_oracle(net, order, series_degree=None):
    """The series-mode polynomial(s) of ``net`` as sympy expressions."""
    G = net.graph
    X = net.inputs
    val = {n: G.nodes[n]["symbol"] for n in G.graph["inputs"]}
    for k, s in enumerate(net.stages()):
        q = order if series_degree is None else (
            series_degree[k] if isinstance(series_degree, (list, tuple)) else series_degree)
        for n, a in zip(s.nodes, s.activations):
            z = sympy.sympify(G.nodes[n]["bias"]) + sympy.Add(
                *[sympy.sympify(G.edges[p, n]["weight"]) * val[p] for p in G.predecessors(n)])
            if a.name == "identity":
                val[n] = truncate(z, X, order)
            else:
                g = maclaurin(a.func, q)
                val[n] = truncate(sum(c * z**j for j, c in enumerate(g)), X, order)
    return [val[o] for o in net.outputs]
