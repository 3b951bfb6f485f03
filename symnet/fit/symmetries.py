"""The symmetries of an architecture, acting on its weights.

Two weight vectors related by a symmetry give the same network function:
permuting hidden units of one layer (with the same activation, the same
sources and the same targets), and flipping the sign of a hidden unit's
incoming weights, bias and outgoing weights when its activation is odd
(``tanh(-z) = -tanh(z)``), or of its incoming weights and bias alone when it
is even.  In series mode "odd" means the Maclaurin polynomial used is odd.

A symmetry acts on the unknowns as a signed permutation; the group they
generate splits solutions into orbits.

Examples
--------
>>> from symnet import Network
>>> from symnet.fit.symmetries import architecture_symmetries
>>> from symnet.fit.equations import unknowns_of
>>> net = Network.mlp([1, 2, 1], activation=["tanh", "identity"])
>>> sym = architecture_symmetries(net, unknowns_of(net))
>>> sym.names
['sign flip of h1_1 (tanh is odd)', 'sign flip of h1_2 (tanh is odd)', 'swap h1_1 <-> h1_2']
>>> sym.group_order
8
"""

from __future__ import annotations

from math import factorial

import numpy as np
import sympy

__all__ = []


class Symmetries:
    """Generators (signed permutations of the unknowns) and their descriptions."""

    def __init__(self, unknowns, generators, names, dropped, group_order):
        self.unknowns = tuple(unknowns)
        self.generators = generators  # list of (perm, sign): x'[perm[i]] = sign[i] * x[i]
        self.names = names
        self.dropped = dropped  # descriptions of symmetries the weight structure breaks
        self.group_order = group_order  # an upper bound on the orbit size

    def __bool__(self):
        return bool(self.generators)

    @staticmethod
    def apply(gen, x):
        perm, sign = gen
        out = [None] * len(x)
        for i, (j, s) in enumerate(zip(perm, sign)):
            out[j] = x[i] if s > 0 else -x[i]
        return out

    def orbit(self, x, limit=10_000, key=tuple):
        """Distinct images of the point ``x`` (a list) under the group; None past ``limit``."""
        x = list(x)
        seen = {key(x): x}
        frontier = [x]
        while frontier:
            nxt = []
            for p in frontier:
                for g in self.generators:
                    q = self.apply(g, p)
                    k = key(q)
                    if k not in seen:
                        seen[k] = q
                        if len(seen) > limit:
                            return None
                        nxt.append(q)
            frontier = nxt
        return list(seen.values())


def _parity(act, mode, degree):
    """'odd', 'even' or None for the activation as used (series: its Maclaurin polynomial)."""
    if act.name == "identity":
        return "odd"
    if mode == "series":
        if not act.analytic:
            return None
        try:
            coeffs = act.maclaurin(degree)
        except Exception:  # noqa: BLE001 - an activation without a usable series
            return None
        if all(c == 0 for c in coeffs[0::2]):
            return "odd"
        if all(c == 0 for c in coeffs[1::2]):
            return "even"
        return None
    z = sympy.Symbol("z", real=True)
    try:
        f, g = act(z), act(-z)
        if sympy.simplify(f + g) == 0:
            return "odd"
        if sympy.simplify(f - g) == 0:
            return "even"
    except Exception:  # noqa: BLE001
        return None
    return None


def _slot_values(net):
    G = net.graph
    vals = {}
    for n in net.neurons:
        vals[("b", n)] = G.nodes[n]["bias"]
        for p in G.predecessors(n):
            vals[("w", p, n)] = G.edges[p, n]["weight"]
    return vals


def _induced(mapping, slots, index, counts):
    """The signed permutation of the unknowns induced by ``{slot: (slot', sign)}``, or None."""
    n = len(index)
    perm = list(range(n))
    sign = [1] * n
    moved = set()
    for src, (dst, s) in mapping.items():
        a, b = slots[src], slots[dst]
        a_sym = isinstance(a, sympy.Symbol) and a in index
        b_sym = isinstance(b, sympy.Symbol) and b in index
        if a_sym and b_sym:
            if counts[a] != 1 or counts[b] != 1:
                return None  # a tied weight: the action is not a map on the unknowns
            i = index[a]
            if i in moved:
                return None
            moved.add(i)
            perm[i] = index[b]
            sign[i] = s
        elif not a_sym and not b_sym:
            if isinstance(a, sympy.Basic) and a.free_symbols or isinstance(
                    b, sympy.Basic) and b.free_symbols:
                return None
            if sympy.sympify(b) != s * sympy.sympify(a):
                return None
        else:
            return None
    if sorted(perm) != list(range(n)):
        return None
    if perm == list(range(n)) and all(s == 1 for s in sign):
        return None  # acts trivially on the unknowns (e.g. only constant zeros moved)
    return tuple(perm), tuple(sign)


def _name(net, node):
    if isinstance(node, tuple) and len(node) == 2 and all(isinstance(i, int) for i in node):
        return f"h{node[0]}_{node[1]}"
    return str(node)


def architecture_symmetries(net, unknowns, mode="series", series_degree=None, order=None):
    """Hidden-unit permutations and sign flips of ``net``, as signed permutations of ``unknowns``.

    A symmetry is kept only when it maps every weight slot it moves to a
    slot holding another unknown (or an equal constant): fixed nonzero
    weights or tied weights break it (it is then listed in ``dropped``).
    """
    G = net.graph
    slots = _slot_values(net)
    index = {s: i for i, s in enumerate(unknowns)}
    counts = {}
    for v in slots.values():
        if isinstance(v, sympy.Basic):
            if isinstance(v, sympy.Symbol):
                counts[v] = counts.get(v, 0) + 1
            else:
                for s in v.free_symbols:
                    counts[s] = counts.get(s, 0) + 2  # inside an expression: never movable
    outputs = set(net.outputs)
    stages = net.stages()
    degrees = _stage_degrees(len(stages), series_degree, order)
    gens, names, dropped = [], [], []
    group_order = 1
    for stage, q in zip(stages, degrees):
        hidden = [(u, a) for u, a in zip(stage.nodes, stage.activations) if u not in outputs]
        for u, act in hidden:
            par = _parity(act, mode, q)
            if par is None:
                continue
            mapping = {("b", u): (("b", u), -1)}
            for p in G.predecessors(u):
                mapping[("w", p, u)] = (("w", p, u), -1)
            if par == "odd":
                for s in G.successors(u):
                    mapping[("w", u, s)] = (("w", u, s), -1)
            what = f"sign flip of {_name(net, u)} ({act.name} is {par})"
            g = _induced(mapping, slots, index, counts)
            if g is None:
                dropped.append(what)
            else:
                gens.append(g)
                names.append(what)
                group_order *= 2
        groups = {}
        for u, act in hidden:
            key = (act.name, frozenset(G.predecessors(u)), frozenset(G.successors(u)))
            groups.setdefault(key, []).append(u)
        for members in groups.values():
            ok = 0
            for u, v in zip(members, members[1:]):
                mapping = {("b", u): (("b", v), 1), ("b", v): (("b", u), 1)}
                for p in G.predecessors(u):
                    mapping[("w", p, u)] = (("w", p, v), 1)
                    mapping[("w", p, v)] = (("w", p, u), 1)
                for s in G.successors(u):
                    mapping[("w", u, s)] = (("w", v, s), 1)
                    mapping[("w", v, s)] = (("w", u, s), 1)
                what = f"swap {_name(net, u)} <-> {_name(net, v)}"
                g = _induced(mapping, slots, index, counts)
                if g is None:
                    dropped.append(what)
                else:
                    gens.append(g)
                    names.append(what)
                    ok += 1
            if ok == len(members) - 1 and ok:
                group_order *= factorial(len(members))
            elif ok:
                group_order *= 2 ** ok
    return Symmetries(unknowns, gens, names, dropped, group_order)


def _stage_degrees(L, series_degree, order):
    if series_degree is None:
        return [order if order is not None else 64] * L
    if isinstance(series_degree, (list, tuple)) or hasattr(series_degree, "__len__"):
        return list(series_degree)
    return [series_degree] * L


def float_key(x):
    """Orbit bookkeeping key of a float point (signs and permutations are exact in float)."""
    return tuple(float(v) for v in x)


def nearest(points, x):
    """Index and distance of the point of ``points`` (an array) nearest ``x``."""
    if len(points) == 0:
        return -1, np.inf
    d = np.linalg.norm(np.asarray(points) - np.asarray(x)[None, :], axis=1)
    i = int(np.argmin(d))
    return i, float(d[i])
