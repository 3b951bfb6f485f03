"""Exact equivalence of piecewise-linear networks, and a canonical form.

:func:`equivalent` enumerates the regions of the *difference* network
(both networks side by side, outputs subtracted) and checks that its affine
map is zero on every region; otherwise it returns a witness: an exact point
of the box where the outputs differ, with both exact values.

:func:`canonical` removes the redundancy Huang (arXiv 2202.01919) describes:
units whose pre-activation never crosses a kink on the box are folded into
their consumers (dead units become biases, always-linear units become skip
connections), identity hidden units are folded, units with positively
proportional hyperplanes are merged (``relu(a z) = a relu(z)`` for ``a > 0``),
positively homogeneous units (relu, leaky_relu) are rescaled so that their
first non-zero incoming coefficient is +-1, unused units are dropped and
every layer is sorted.  Two networks that differ by a permutation or a
positive rescaling of hidden units get identical canonical forms.

Examples
--------
>>> import sympy, symnet
>>> from symnet import Network
>>> a = Network.dense([[[1], [-1]], [[1, 1]]], activations=["relu", "identity"])
>>> R = sympy.Rational
>>> b = Network.dense([[[-2], [3]], [[R(1, 2), R(1, 3)]]], activations=["relu", "identity"])
>>> symnet.equivalent(a, b).equal
True
>>> symnet.canonical(a) == symnet.canonical(b)
True
"""

from __future__ import annotations

import sympy
from flint import fmpq

from ..errors import ShapeError
from .exactnet import ExactNet, ExactStage, Unit, compile_network, fmpq_to_sympy

__all__ = ["equivalent", "Equivalence", "EquivalenceWitness", "canonical", "CanonicalReport",
           "difference_net"]

_S = fmpq_to_sympy


def _shift(en, offset):
    """Copies of en's stages with neuron positions shifted by ``offset``."""
    d = en.n_inputs

    def mv(p):
        return p if p < d else p + offset
    stages = []
    for st in en.stages:
        units = [Unit(u.node, mv(u.position), u.layer, u.name, u.kinks, u.slopes, u.intercepts)
                 for u in st.units]
        stages.append(ExactStage([mv(p) for p in st.sources], st.W, st.b, units))
    return stages, [mv(p) for p in en.outputs]


def difference_net(e1, e2):
    """An ExactNet computing ``e1(x) - e2(x)`` (both networks side by side).

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.pwl.exactnet import compile_network
    >>> from symnet.pwl.equivalence import difference_net
    >>> a = compile_network(Network.dense([[[3]]], activations=["identity"]))
    >>> difference_net(a, a).evaluate([5])
    (0,)
    """
    d = e1.n_inputs
    n1 = len(e1.units)
    s1, o1 = _shift(e1, 0)
    s2, o2 = _shift(e2, n1)
    base = d + n1 + len(e2.units)
    srcs = sorted(set(o1) | set(o2))
    col = {p: i for i, p in enumerate(srcs)}
    W, units = [], []
    for k, (a, b) in enumerate(zip(o1, o2)):
        row = [fmpq(0)] * len(srcs)
        row[col[a]] += 1
        row[col[b]] -= 1
        W.append(row)
        units.append(Unit(("difference", k + 1), base + k, len(s1) + len(s2) + 1, "identity",
                          (), (fmpq(1),), (fmpq(0),)))
    last = ExactStage(srcs, W, [fmpq(0)] * len(o1), units)
    return ExactNet(d, e1.inputs, s1 + s2 + [last], [u.position for u in units])


class EquivalenceWitness(tuple):
    """A point where two networks differ: the exact point itself, with both outputs attached.

    It *is* the point (a tuple of sympy Rationals in the closed box), so
    ``net(w)`` and ``pw(w)`` take it as it is.

    Attributes
    ----------
    point : tuple of sympy Rationals (in the closed box)
    first, second : tuples of sympy Rationals (the outputs of each network)

    Examples
    --------
    >>> from symnet.pwl.equivalence import EquivalenceWitness
    >>> w = EquivalenceWitness((0,), (1,), (3,))
    >>> w == (0,), w.difference
    (True, (-2,))
    """

    def __new__(cls, point, first, second):
        obj = super().__new__(cls, point)
        obj.first, obj.second = tuple(first), tuple(second)
        return obj

    @property
    def point(self):
        return tuple(self)

    @property
    def difference(self):
        return tuple(a - b for a, b in zip(self.first, self.second))

    def __repr__(self):
        return f"EquivalenceWitness(point={self.point}, first={self.first}, second={self.second})"


class Equivalence:
    """The answer of :func:`equivalent`: ``equal`` and, when not equal, a ``witness``.

    ``bool(result)`` is ``result.equal``; ``regions`` is the number of regions
    of the common refinement that was checked.

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> bool(symnet.equivalent(Network.dense([[[2]]], activations=["identity"]),
    ...                        Network.dense([[[1], [1]], [[1, 1]]], activations=["identity"] * 2)))
    True
    """

    def __init__(self, equal, witness, regions, box):
        self.equal, self.witness, self.regions, self.box = equal, witness, regions, box

    def __bool__(self):
        return self.equal

    def __repr__(self):
        if self.equal:
            return f"<Equivalence: equal on {self.box} ({self.regions} regions checked)>"
        w = self.witness
        return (f"<Equivalence: different on {self.box}: at {w.point} the outputs are "
                f"{w.first} and {w.second}>")


def _nonzero_point(region):
    """An exact point of a region where its (non-zero) affine map does not vanish."""
    M, c = region._affine_q()

    def g(x):
        return [sum((a * v for a, v in zip(row, x)), fmpq(0)) + ci for row, ci in zip(M, c)]
    p = region._point_q()
    if any(g(p)):
        return p
    cone = region._generators()
    for gen in list(cone.gens) + list(cone.lin):
        t = gen.vec[-1]
        if t > 0:
            q = tuple((pi + fmpq(v, t)) / 2 for pi, v in zip(p, gen.vec[:-1]))
        else:
            q = tuple(pi + v for pi, v in zip(p, gen.vec[:-1]))
        if any(g(q)):
            return q
    raise ArithmeticError("a non-zero affine map vanishes on a full-dimensional region")


def equivalent(n1, n2, box=None, *, max_regions=None, method="auto", timeout=600.0):
    """Whether two piecewise-linear networks compute the same function on a box, exactly.

    Parameters
    ----------
    n1, n2 : Network
        Same number of inputs (matched by position) and outputs.
    box : None, [(lo, hi), ...] or (A, b)
    max_regions : int, optional
        Budget for the common refinement (default
        :data:`~symnet.pwl.regions.DEFAULT_MAX_REGIONS`).
    timeout : float or None
        Seconds before the enumeration stops with a ResourceError (None: no limit).

    Returns
    -------
    Equivalence
        ``.equal`` and ``.witness`` (None, or an exact point of the closed box
        where the outputs differ, with both networks' exact outputs).

    Examples
    --------
    >>> import sympy, symnet
    >>> from symnet import Network
    >>> relu = Network.dense([[[1]], [[1]]], activations=["relu", "identity"])
    >>> shifted = Network.dense([[[1]], [[1]]], biases=[[sympy.Rational(1, 1000)], [0]],
    ...                         activations=["relu", "identity"])
    >>> r = symnet.equivalent(relu, shifted, box=[(-1, 1)])
    >>> r.equal, r.witness.point, r.witness.first, r.witness.second
    (False, (-1/2000,), (0,), (1/2000,))
    """
    from .regions import DEFAULT_MAX_REGIONS, PiecewiseLinear, _run, parse_box

    e1, e2 = compile_network(_as_exact_biases(n1)), compile_network(_as_exact_biases(n2))
    if e1.n_inputs != e2.n_inputs:
        raise ShapeError(f"equivalent(): the networks have {e1.n_inputs} and {e2.n_inputs} inputs")
    if e1.n_outputs != e2.n_outputs:
        raise ShapeError(f"equivalent(): the networks have {e1.n_outputs} and {e2.n_outputs} "
                         "outputs")
    diff = difference_net(e1, e2)
    b = parse_box(box, diff.n_inputs)
    cells, out_idx, scales, method = _run(
        diff, b, DEFAULT_MAX_REGIONS if max_regions is None else max_regions, method,
        timeout=timeout)
    pw = PiecewiseLinear(diff, cells, b, out_idx, scales, method=method)
    for r in pw.regions:
        M, c = r._affine_q()
        if any(v != 0 for row in M for v in row) or any(v != 0 for v in c):
            x = _nonzero_point(r)
            w = EquivalenceWitness(tuple(_S(v) for v in x),
                                   tuple(_S(v) for v in e1.evaluate(x)),
                                   tuple(_S(v) for v in e2.evaluate(x)))
            return Equivalence(False, w, len(pw), repr(b))
    return Equivalence(True, None, len(pw), repr(b))


def _as_exact_biases(net):
    """Strings in biases (as some doctests pass them) are not weights; leave the net as is."""
    return net


# ---------------------------------------------------------------------------
# canonical form
# ---------------------------------------------------------------------------

class CanonicalReport:
    """What :func:`canonical` removed.

    Attributes
    ----------
    dead_units, linear_units, identity_units, merged_units, unused_units : list of node keys
        Of the original network.
    parameters_before, parameters_after : int

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> net = Network.dense([[[1], [2]], [[1, 1]]], activations=["relu", "identity"])
    >>> symnet.canonical(net, report=True)[1]
    <CanonicalReport: removed 1 merged unit(s); parameters 7 -> 4 (3 removed)>
    """

    def __init__(self):
        self.dead_units, self.linear_units, self.identity_units = [], [], []
        self.merged_units, self.unused_units = [], []
        self.parameters_before = self.parameters_after = 0

    @property
    def parameters_removed(self):
        return self.parameters_before - self.parameters_after

    def __repr__(self):
        parts = [f"{len(v)} {k}" for k, v in (
            ("dead", self.dead_units), ("always-linear", self.linear_units),
            ("identity", self.identity_units), ("merged", self.merged_units),
            ("unused", self.unused_units)) if v]
        what = ", ".join(parts) + " unit(s)" if parts else "no unit"
        return (f"<CanonicalReport: removed {what}; parameters "
                f"{self.parameters_before} -> {self.parameters_after} "
                f"({self.parameters_removed} removed)>")


class _U:
    __slots__ = ("key", "orig", "act", "inw", "bias", "output", "depth", "name")

    def __init__(self, key, orig, act, inw, bias, output, name):
        self.key, self.orig, self.act, self.inw, self.bias = key, orig, act, inw, bias
        self.output, self.name = output, name
        self.depth = 0


def canonical(net, box=None, *, report=False, max_regions=None, timeout=600.0):
    """A canonical form of a piecewise-linear network (on a box).

    Parameters
    ----------
    net : Network
    box : None, [(lo, hi), ...] or (A, b)
        Units are dead or always linear *on this domain*; the result is
        equivalent to ``net`` there.
    report : bool
        Also return a :class:`CanonicalReport` (units and parameters removed).
    max_regions, timeout
        Budgets of the region enumeration, as :func:`symnet.piecewise`.

    Returns
    -------
    Network, or (Network, CanonicalReport)
        Exact weights; hidden neurons named ``(layer, i)`` in canonical order,
        outputs ``(L, k)`` in the original output order.

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> net = Network.dense([[[1], [2], [-1]], [[1, 1, 0]]], biases=[[0, 0, 5], [0]],
    ...                     activations=["relu", "identity"])
    >>> c, rep = symnet.canonical(net, box=[(-1, 1)], report=True)
    >>> print(c)
    h1_1 = Max(0, x1)
    h2_1 = 3*h1_1
    >>> rep.merged_units, rep.linear_units, rep.parameters_removed
    ([(1, 2)], [(1, 3)], 6)
    """
    from .regions import piecewise

    en = compile_network(net)
    d = en.n_inputs
    rep = CanonicalReport()
    rep.parameters_before = net.n_parameters
    pw = piecewise(net, box, timeout=timeout,
                   **({} if max_regions is None else {"max_regions": max_regions}))
    used = {p: set() for p in en.kinked}
    for r in pw.regions:
        for p, piece in zip(en.kinked, r.pattern):
            used[p].add(piece)
    outputs = set(en.outputs)
    units = {}
    order = []
    for st in en.stages:
        for row, b, u in zip(st.W, st.b, st.units):
            inw = {}
            for w, p in zip(row, st.sources):
                if w != 0:
                    inw[p] = inw.get(p, fmpq(0)) + w
            units[u.position] = _U(u.position, u.node, u, inw, b, u.position in outputs, u.name)
            order.append(u.position)
    # 1. fold units that are affine on the whole box (and identity hidden units)
    for p in order:
        U = units[p]
        if U.output:
            continue
        u = U.act
        if u.kinks:
            pieces = used[p]
            if len(pieces) != 1:
                continue
            piece = next(iter(pieces))
            (rep.dead_units if u.slopes[piece] == 0 else rep.linear_units).append(u.node)
        else:
            piece = 0
            rep.identity_units.append(u.node)
        s, c = u.slopes[piece], u.intercepts[piece]
        _fold(units, p, s, c)
    # 2. prune, normalise, merge, sort (until nothing changes)
    index = {}
    while True:
        changed = _prune(units, rep, d)
        _depths(units, d)
        index = {i: (0, i) for i in range(d)}
        by_depth = {}
        for q, U in units.items():
            if not U.output:
                by_depth.setdefault(U.depth, []).append(q)
        merged_any = False
        for depth in sorted(by_depth):
            qs = by_depth[depth]
            srcs = sorted({s for q in qs for s in units[q].inw}, key=lambda s: index[s])
            for q in qs:
                U = units[q]
                if U.act.homogeneous:
                    row = [U.inw.get(s, fmpq(0)) for s in srcs] + [U.bias]
                    a = next((abs(v) for v in row if v != 0), None)
                    if a is not None and a != 1:
                        U.inw = {s: w / a for s, w in U.inw.items()}
                        U.bias = U.bias / a
                        for V in units.values():
                            if q in V.inw:
                                V.inw[q] = V.inw[q] * a
            keyed = {}
            for q in qs:
                if q not in units:
                    continue
                U = units[q]
                k = (U.act.name, tuple(U.inw.get(s, fmpq(0)) for s in srcs), U.bias)
                if k in keyed:
                    keep = keyed[k]
                    for V in units.values():
                        if q in V.inw:
                            V.inw[keep] = V.inw.get(keep, fmpq(0)) + V.inw.pop(q)
                    rep.merged_units.append(U.orig)
                    del units[q]
                    merged_any = True
                else:
                    keyed[k] = q
            ordered = sorted(keyed.items(), key=lambda kv: _sort_key(kv[0]))
            for i, (_, q) in enumerate(ordered, start=1):
                index[q] = (depth, i)
        if not changed and not merged_any:
            break
    return _build(net, en, units, index, rep, report)


def _sort_key(k):
    name, row, bias = k
    return (name, tuple(row), bias)


def _fold(units, p, s, c):
    """Replace unit p (whose output is s z + c on the box) in all its consumers."""
    U = units.pop(p)
    for V in units.values():
        w = V.inw.pop(p, None)
        if w is None:
            continue
        for src, a in U.inw.items():
            V.inw[src] = V.inw.get(src, fmpq(0)) + w * s * a
        V.bias = V.bias + w * (s * U.bias + c)


def _prune(units, rep, d):
    changed = False
    for V in units.values():
        for k in [k for k, w in V.inw.items() if w == 0]:
            del V.inw[k]
            changed = True
    while True:
        consumed = {s for V in units.values() for s in V.inw}
        dead = [q for q, U in units.items() if not U.output and q not in consumed]
        if not dead:
            break
        for q in dead:
            rep.unused_units.append(units[q].orig)
            del units[q]
            changed = True
    # a hidden unit with a constant pre-activation is a constant: fold it
    for q in sorted(units):
        U = units.get(q)
        if U is None or U.output or U.inw:
            continue
        u = U.act
        val = u.apply(U.bias)
        rep.dead_units.append(u.node)
        _fold(units, q, fmpq(0), val)
        changed = True
    return changed


def _depths(units, d):
    for q in sorted(units):
        U = units[q]
        U.depth = 1 + max((units[s].depth for s in U.inw if s >= d), default=0)


def _build(net, en, units, index, rep, report):
    import networkx as nx

    from ..network import Network

    d = en.n_inputs
    outs = [units[p] for p in en.outputs]
    L = max((U.depth for U in outs), default=1)
    name = {i: en.input_nodes[i] for i in range(d)}
    for q, U in units.items():
        if not U.output:
            name[q] = index[q]
    for k, p in enumerate(en.outputs, start=1):
        name[p] = (L, k)
    G = nx.DiGraph()
    for i in range(d):
        G.add_node(name[i], symbol=en.inputs[i])
    hidden = sorted((q for q, U in units.items() if not U.output), key=lambda q: index[q])
    for q in hidden + list(en.outputs):
        U = units[q]
        G.add_node(name[q], activation=U.name, bias=_S(U.bias))
    for q in hidden + list(en.outputs):
        U = units[q]
        for s in sorted(U.inw, key=lambda s: (index.get(s, (L, 0)), s)):
            G.add_edge(name[s], name[q], weight=_S(U.inw[s]))
    G.graph["outputs"] = [name[p] for p in en.outputs]
    out = Network.from_graph(G, inputs=[name[i] for i in range(d)],
                             outputs=[name[p] for p in en.outputs])
    rep.parameters_after = out.n_parameters
    return (out, rep) if report else out


_ = sympy
