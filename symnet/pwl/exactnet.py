"""A piecewise-linear network in exact rational form.

:func:`compile_network` reads a :class:`~symnet.network.Network` through its
public stage interface and returns an :class:`ExactNet`: every weight and bias
a python-flint ``fmpq`` (floats at their exact binary value), every neuron's
activation as its *pieces* between kinks (slope and intercept of each linear
piece, the kinks in increasing order).  Activations are recognised by their
rule kind, never by name: ``PiecewiseLinearRule`` (relu, leaky_relu[a],
hardtanh[lo, hi], ...) and polynomial rules of degree <= 1 (identity).

The integer form used by the region engines is :meth:`ExactNet.integer_stages`:
each position ``p`` carries a positive integer scale ``S_p`` and the engines
store ``S_p * t * value`` for a homogeneous point ``(t x, t)``; every stage is
then an integer matrix product followed by integer piece maps.

Examples
--------
>>> from symnet import Network
>>> from symnet.pwl.exactnet import compile_network
>>> en = compile_network(Network.dense([[[1], [-1]], [[1, 1]]], activations=["relu", "identity"]))
>>> en.n_inputs, len(en.stages), en.kinked
(1, 2, (1, 2))
>>> en.evaluate([3])
(3,)
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy
from flint import fmpq

from ..errors import ActivationError, ShapeError, WeightError

__all__ = ["ExactNet", "ExactStage", "Unit", "compile_network", "to_fmpq", "fmpq_to_sympy",
           "parse_exact"]


def to_fmpq(v, where="weight"):
    """An ``fmpq`` from an int, Fraction, float (its exact binary value) or sympy number.

    Raises :class:`~symnet.errors.WeightError` for symbols and irrational numbers.

    Examples
    --------
    >>> from symnet.pwl.exactnet import to_fmpq
    >>> to_fmpq(0.5), to_fmpq(sympy.Rational(-2, 3))
    (1/2, -2/3)
    """
    if isinstance(v, fmpq):
        return v
    if isinstance(v, bool):
        raise WeightError(f"{where}: expected a number, got the bool {v!r}")
    if isinstance(v, int):
        return fmpq(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise WeightError(f"{where}: expected a finite number, got {v!r}")
        n, d = v.as_integer_ratio()
        return fmpq(n, d)
    if isinstance(v, Fraction):
        return fmpq(v.numerator, v.denominator)
    if type(v).__module__ == "numpy":
        return to_fmpq(v.item(), where)
    if isinstance(v, sympy.Basic):
        if v.free_symbols:
            raise WeightError(
                f"{where} is the symbolic expression {v}; exact piecewise-linear analysis needs "
                "numeric weights: substitute the symbols first with net.subs(...)")
        if v.is_Rational:
            return fmpq(int(v.p), int(v.q))
        if v.is_Float:
            r = sympy.Rational(v)
            return fmpq(int(r.p), int(r.q))
        if v.has(sympy.Float):
            return to_fmpq(v.xreplace({f: sympy.Rational(f) for f in v.atoms(sympy.Float)}),
                           where)
        raise WeightError(f"{where} is the irrational number {v}; exact piecewise-linear "
                          "analysis needs rational weights (or floats)")
    raise WeightError(f"{where}: expected a number, got {type(v).__name__} {v!r}")


def fmpq_to_sympy(q):
    """The sympy Rational of an ``fmpq`` (or int).

    Examples
    --------
    >>> from flint import fmpq
    >>> from symnet.pwl.exactnet import fmpq_to_sympy
    >>> fmpq_to_sympy(fmpq(-3, 4))
    -3/4
    """
    if isinstance(q, int):
        return sympy.Integer(q)
    return sympy.Rational(int(q.p), int(q.q))


def parse_exact(v, where):
    """An exact ``fmpq`` from a number or a string such as ``"1/3"``; floats refused.

    Examples
    --------
    >>> from symnet.pwl.exactnet import parse_exact
    >>> parse_exact("-1/3", "x")
    -1/3
    """
    from .._validate import as_exact
    from ..errors import ArgumentError

    if isinstance(v, float) or (isinstance(v, sympy.Basic) and v.has(sympy.Float)) or (
            type(v).__module__ == "numpy" and getattr(v, "dtype", None) is not None
            and v.dtype.kind == "f"):
        raise ArgumentError(
            f"{where}: got the float {v!r}; pass exact numbers (int, fractions.Fraction, "
            "sympy.Rational or a string such as '1/10'): a float is rarely the number meant")
    try:
        e = as_exact(v, where)
    except WeightError as err:
        raise ArgumentError(str(err)) from None
    if not e.is_Rational:
        raise ArgumentError(f"{where}: expected a rational number, got {e}")
    return fmpq(int(e.p), int(e.q))


class Unit:
    """One neuron: its pieces between kinks.

    Attributes
    ----------
    node : the graph key; position : int (global); layer : int (stage number)
    name : activation name
    kinks : tuple of fmpq, increasing (empty for affine activations)
    slopes, intercepts : tuples of fmpq, one per piece (``len(kinks) + 1``)

    Examples
    --------
    >>> from symnet.pwl.exactnet import Unit
    >>> u = Unit("h", 1, 1, "relu", [0], [0, 1], [0, 0])
    >>> u.apply(-2), u.apply(3), u.homogeneous
    (0, 3, True)
    """

    __slots__ = ("node", "position", "layer", "name", "kinks", "slopes", "intercepts",
                 "homogeneous")

    def __init__(self, node, position, layer, name, kinks, slopes, intercepts):
        self.node, self.position, self.layer, self.name = node, position, layer, name
        self.kinks, self.slopes, self.intercepts = tuple(kinks), tuple(slopes), tuple(intercepts)
        #: act(a z) = a act(z) for a > 0 (relu, leaky_relu, identity)
        self.homogeneous = all(c == 0 for c in self.intercepts) and all(k == 0 for k in self.kinks)

    def piece(self, z):
        """Index of the piece holding the exact value ``z`` (ties go to the upper piece)."""
        i = 0
        for k in self.kinks:
            if z < k:
                return i
            i += 1
        return i

    def apply(self, z):
        p = self.piece(z)
        return self.slopes[p] * z + self.intercepts[p]

    def __repr__(self):
        return f"Unit({self.node!r}, {self.name})"


def _pieces(act, node, layer):
    """(kinks, slopes, intercepts) of an activation, by its rule kind."""
    rule = act.rule
    if act.kind == "piecewise_linear":
        bps = list(rule.breakpoints)
        sl, ic = list(rule.slopes), list(rule.intercepts)
        try:
            bps = [to_fmpq(b) for b in bps]
            sl = [to_fmpq(s) for s in sl]
            ic = [to_fmpq(c) for c in ic]
        except WeightError:
            raise ActivationError(
                f"neuron {node!r} (layer {layer}): the piecewise-linear activation {act.name!r} "
                "has irrational breakpoints or slopes; exact region analysis needs rationals"
            ) from None
        kinks, slopes, icpts = [], [sl[0]], [ic[0]]
        for i, b in enumerate(bps):
            if sl[i + 1] != slopes[-1]:
                kinks.append(b)
                slopes.append(sl[i + 1])
                icpts.append(ic[i + 1])
        return kinks, slopes, icpts
    if act.kind == "polynomial" and rule.degree is not None and rule.degree <= 1:
        cs = list(rule.coefficients) + [0, 0]
        try:
            return [], [to_fmpq(cs[1])], [to_fmpq(cs[0])]
        except WeightError:
            raise ActivationError(f"neuron {node!r} (layer {layer}): the affine activation "
                                  f"{act.name!r} has irrational coefficients") from None
    raise ActivationError(
        f"neuron {node!r} (layer {layer}) has the activation {act.name!r}, which is not "
        "piecewise linear; symnet.piecewise needs relu, leaky_relu[a], hardtanh[lo, hi], "
        "identity or another PiecewiseLinearRule activation (for smooth activations use "
        "symnet.expand or symnet.local_polynomials)")


class ExactStage:
    """One stage: sources (global positions), exact rows and biases, units.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.pwl.exactnet import compile_network
    >>> compile_network(Network.dense([[[1, 2]]], activations=["relu"])).stages[0]
    ExactStage(1 units, 2 sources)
    """

    __slots__ = ("sources", "W", "b", "units", "edges")

    def __init__(self, sources, W, b, units, edges=None):
        self.sources, self.W, self.b, self.units = tuple(sources), W, b, units
        self.edges = edges

    def __repr__(self):
        return f"ExactStage({len(self.units)} units, {len(self.sources)} sources)"


class ExactNet:
    """A network in exact rational form (see :func:`compile_network`).

    Attributes
    ----------
    n_inputs : int
    inputs : tuple of sympy Symbols
    stages : list of ExactStage
    outputs : tuple of int (global positions)
    units : list of Unit, in global position order (``units[p - n_inputs]``)
    kinked : tuple of int
        Global positions of the units with at least one kink, in order: an
        activation pattern is one piece index per kinked unit.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.pwl.exactnet import compile_network
    >>> en = compile_network(Network.dense([[[1], [-1]], [[1, 1]]], activations=["relu", "identity"]))
    >>> en.evaluate([-3]), en.lex_pattern([0], [[1]])
    ((3,), ((1, 0, 0), (1, 2)))
    """

    def __init__(self, n_inputs, inputs, stages, outputs, input_nodes=None):
        self.n_inputs = n_inputs
        self.inputs = tuple(inputs)
        self.input_nodes = tuple(input_nodes) if input_nodes is not None else self.inputs
        self.stages = list(stages)
        self.outputs = tuple(outputs)
        self.units = [u for s in self.stages for u in s.units]
        self.kinked = tuple(u.position for u in self.units if u.kinks)
        self._int = None

    @property
    def n_outputs(self):
        return len(self.outputs)

    def unit(self, position):
        return self.units[position - self.n_inputs]

    # -- exact evaluation --------------------------------------------------
    def evaluate(self, x, *, all_values=False):
        """Exact values of the outputs at an exact point (fmpq in, fmpq out)."""
        vals = [to_fmpq(v) for v in x]
        for st in self.stages:
            src = [vals[p] for p in st.sources]
            for row, b, u in zip(st.W, st.b, st.units):
                z = b
                for w, v in zip(row, src):
                    if w:
                        z += w * v
                vals.append(u.apply(z))
        if all_values:
            return vals
        return tuple(vals[p] for p in self.outputs)

    def pre_activations(self, x):
        """Exact pre-activations of every unit at ``x`` (a list aligned with ``units``)."""
        vals = [to_fmpq(v) for v in x]
        pre = []
        for st in self.stages:
            src = [vals[p] for p in st.sources]
            for row, b, u in zip(st.W, st.b, st.units):
                z = b
                for w, v in zip(row, src):
                    if w:
                        z += w * v
                pre.append(z)
                vals.append(u.apply(z))
        return pre

    def lex_pattern(self, x, directions):
        """Pieces at ``x + e1 d1 + e1^2 d2 + ...`` for infinitesimal ``e1 >> e2 >> ...``.

        Returns ``(pattern (pieces of every unit), ties (positions of units whose
        pre-activation is exactly at a kink at x))``.  Each value is carried with
        its directional derivatives; a piece is chosen by the lexicographic sign.
        """
        k = len(directions)
        vals = [[to_fmpq(v)] + [to_fmpq(dv[i]) for dv in directions] for i, v in enumerate(x)]
        pieces, ties = [], []
        zero = fmpq(0)
        for st in self.stages:
            src = [vals[p] for p in st.sources]
            for row, b, u in zip(st.W, st.b, st.units):
                z = [b] + [zero] * k
                for w, v in zip(row, src):
                    if w:
                        z = [a + w * c for a, c in zip(z, v)]
                p = 0
                for kk in u.kinks:
                    first = z[0] - kk
                    if first == 0:
                        first = next((c for c in z[1:] if c != 0), zero)
                        if first != 0:   # a hyperplane through x (not a constant at the kink)
                            ties.append(u.position)
                    if first < 0:
                        break
                    p += 1
                pieces.append(p)
                s, c = u.slopes[p], u.intercepts[p]
                vals.append([s * z[0] + c] + [s * dz for dz in z[1:]])
        return tuple(pieces), tuple(ties)

    def affine_of_pattern(self, pieces):
        """Exact (M rows, c) of the outputs for a full pattern (one piece per unit)."""
        d = self.n_inputs
        zero = fmpq(0)
        rows = [[fmpq(1) if j == i else zero for j in range(d)] + [zero] for i in range(d)]
        for st in self.stages:
            src = [rows[p] for p in st.sources]
            for row, b, u in zip(st.W, st.b, st.units):
                z = [zero] * d + [b]
                for w, v in zip(row, src):
                    if w:
                        z = [a + w * c for a, c in zip(z, v)]
                p = pieces[u.position - d]
                s, c = u.slopes[p], u.intercepts[p]
                h = [s * a for a in z]
                h[-1] += c
                rows.append(h)
        out = [rows[p] for p in self.outputs]
        return [r[:d] for r in out], [r[d] for r in out]

    # -- the integer form ----------------------------------------------------
    def integer_stages(self):
        """Integer stage data for the region engines (cached).

        Returns a list, per stage, of ``(coef, units)`` where ``coef[j]`` is the
        integer row over ``stage.sources`` followed by the integer bias
        coefficient (of ``t``), and ``units[j] = (kinks, alphas, betas)`` with
        kinks as ``(num, den)`` pairs: the kink test at a point is
        ``sign(den * Z - num * t)`` and piece ``p`` maps ``Z`` to
        ``alphas[p] * Z + betas[p] * t``.  Also returns the output scales.
        """
        if self._int is not None:
            return self._int
        scale = {i: fmpq(1) for i in range(self.n_inputs)}
        out = []
        for st in self.stages:
            coefs, udata = [], []
            for row, b, u in zip(st.W, st.b, st.units):
                cs = [w / scale[p] for w, p in zip(row, st.sources)]
                den = 1
                for c in cs + [b]:
                    den = math.lcm(den, int(c.q))
                sz = fmpq(den)
                ints = [int((c * sz).p) for c in cs] + [int((b * sz).p)]
                hden = 1
                for s, c in zip(u.slopes, u.intercepts):
                    hden = math.lcm(hden, int((s / sz).q), int(c.q))
                sh = fmpq(hden)
                alphas = tuple(int((s * sh / sz).p) for s in u.slopes)
                betas = tuple(int((c * sh).p) for c in u.intercepts)
                kinks = []
                for k in u.kinks:
                    q = k * sz
                    kinks.append((int(q.p), int(q.q)))
                coefs.append(ints)
                udata.append((tuple(kinks), alphas, betas))
                scale[u.position] = sh
            out.append((coefs, udata))
        self._int = (out, [scale[p] for p in self.outputs])
        return self._int

    def last_use(self):
        """Per position, the index of the last stage reading it (outputs: len(stages))."""
        last = {}
        for k, st in enumerate(self.stages):
            for p in st.sources:
                last[p] = k
        for p in self.outputs:
            last[p] = len(self.stages)
        return last


def compile_network(net):
    """The exact rational form of a piecewise-linear :class:`~symnet.network.Network`.

    Raises
    ------
    ActivationError
        A neuron's activation is not piecewise linear (the message names it).
    WeightError
        A weight is symbolic or irrational.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.pwl.exactnet import compile_network
    >>> compile_network(Network.dense([[[0.5]]], activations=["relu"])).stages[0].W
    [[1/2]]
    """
    from ..network import Network

    if not isinstance(net, Network):
        raise ShapeError(f"expected a symnet Network, got {type(net).__name__}")
    d = net.n_inputs
    if d == 0:
        raise ShapeError("the network has no inputs")
    stages = []
    pos = d
    for st in net.stages():
        rows = st.weights
        W = []
        for i, (node, r) in enumerate(zip(st.nodes, rows)):
            W.append([to_fmpq(w, f"weight into neuron {node!r} from source {j}")
                      if st.has_edge(i, j) else fmpq(0) for j, w in enumerate(r)])
        b = [to_fmpq(v, f"bias of neuron {node!r}") for node, v in zip(st.nodes, st.biases)]
        units = []
        for node, act in zip(st.nodes, st.activations):
            kinks, slopes, icpts = _pieces(act, node, st.layer)
            units.append(Unit(node, pos, st.layer, act.name, kinks, slopes, icpts))
            pos += 1
        stages.append(ExactStage(st.sources, W, b, units))
    return ExactNet(d, net.inputs, stages, net.output_positions(), net.input_nodes)
