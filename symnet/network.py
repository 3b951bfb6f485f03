"""Networks as symbolic expression graphs.

A :class:`Network` wraps a networkx DiGraph.  Input nodes carry a sympy
Symbol (node attribute ``symbol``); every other node is a neuron with a
``bias`` and an ``activation`` (a name in the activation table); edges
carry a ``weight``.  Weights and biases may be exact numbers, floats or
sympy expressions; the network itself never rounds anything.

Examples
--------
>>> from symnet import Network
>>> net = Network.dense([[[1, -2], [3, 4]], [[1, 1]]], biases=[[0, 1], [0]])
>>> net.inputs
(x1, x2)
>>> net.expr()
tanh(x1 - 2*x2) + tanh(3*x1 + 4*x2 + 1)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

import networkx as nx
import sympy

from .activations import get_activation, numpy_function
from .errors import InputError, ShapeError, WeightError

__all__ = ["Network"]


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------

def _as_weight(value, where):
    """Validate one weight or bias: Python float, or a sympy expression."""
    try:
        import numpy as np
        if isinstance(value, np.generic):
            value = value.item()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, bool):
        raise WeightError(f"{where}: expected a number or sympy expression, got the bool {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise WeightError(f"{where}: weights must be finite, got {value!r}")
        return value
    if isinstance(value, numbers.Integral):
        return sympy.Integer(int(value))
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, (complex, numbers.Complex)) and not isinstance(value, numbers.Real):
        raise WeightError(f"{where}: expected a real number, got the complex {value!r}")
    if isinstance(value, numbers.Rational):
        return sympy.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real) and not isinstance(value, sympy.Basic):
        return _as_weight(float(value), where)
    if isinstance(value, str):
        raise WeightError(
            f"{where}: got the string {value!r}; pass a number, fractions.Fraction or a sympy "
            "expression (strings are never evaluated)")
    if not isinstance(value, sympy.Basic):
        raise WeightError(
            f"{where}: expected a number or sympy expression, got {type(value).__name__} {value!r}")
    if not isinstance(value, sympy.Expr):
        raise WeightError(f"{where}: expected a sympy expression, got {value!r}")
    if value.is_Float:
        return _as_weight(float(value), where)
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise WeightError(f"{where}: weights must be finite, got {value}")
    if value.is_number:
        if value.is_extended_real is False:
            raise WeightError(f"{where}: expected a real number, got {value}")
    return value


def _is_float(w):
    return isinstance(w, float) or (isinstance(w, sympy.Basic) and w.has(sympy.Float))


def _to_sympy(w):
    return sympy.Float(w) if isinstance(w, float) else w


def _matrix(m, where):
    """Nested lists / numpy array / sympy Matrix -> list of rows."""
    if isinstance(m, sympy.MatrixBase):
        return [list(m.row(i)) for i in range(m.rows)]
    try:
        import numpy as np
        if isinstance(m, np.ndarray):
            if m.ndim != 2:
                raise ShapeError(f"{where}: expected a 2-D matrix, got an array of shape {m.shape}")
            return [list(r) for r in m.tolist()] if m.dtype != object else [list(r) for r in m]
    except ImportError:  # pragma: no cover
        pass
    if hasattr(m, "detach") and hasattr(m, "numpy"):  # a torch tensor
        return _matrix(m.detach().cpu().numpy(), where)
    if not isinstance(m, (list, tuple)):
        raise ShapeError(f"{where}: expected a matrix (nested lists, numpy array or sympy Matrix), "
                         f"got {type(m).__name__}")
    rows = []
    for r in m:
        if isinstance(r, (list, tuple)):
            rows.append(list(r))
        elif hasattr(r, "tolist"):
            rows.append(list(r.tolist()))
        else:
            raise ShapeError(f"{where}: expected a list of rows, got a row {r!r}")
    if len({len(r) for r in rows}) > 1:
        raise ShapeError(f"{where}: rows have different lengths {[len(r) for r in rows]}")
    return rows


def _vector(v, where):
    if isinstance(v, sympy.MatrixBase):
        if 1 not in v.shape:
            raise ShapeError(f"{where}: expected a vector, got a matrix of shape {v.shape}")
        return list(v)
    try:
        import numpy as np
        if isinstance(v, np.ndarray):
            if v.ndim != 1:
                raise ShapeError(f"{where}: expected a 1-D vector, got an array of shape {v.shape}")
            return list(v.tolist()) if v.dtype != object else list(v)
    except ImportError:  # pragma: no cover
        pass
    if hasattr(v, "detach") and hasattr(v, "numpy"):
        return _vector(v.detach().cpu().numpy(), where)
    if not isinstance(v, (list, tuple)):
        raise ShapeError(f"{where}: expected a vector, got {type(v).__name__} {v!r}")
    return list(v)


def _symbols(inputs, n, where="inputs"):
    if inputs is None:
        return tuple(sympy.symbols(f"x1:{n + 1}")) if n else ()
    if isinstance(inputs, str):
        inputs = sympy.symbols(inputs, seq=True)
    if isinstance(inputs, sympy.Symbol):
        inputs = (inputs,)
    inputs = tuple(inputs)
    for s in inputs:
        if not isinstance(s, sympy.Symbol):
            raise InputError(f"{where}: expected sympy Symbols, got {type(s).__name__} {s!r}")
    if len(set(inputs)) != len(inputs):
        raise InputError(f"{where}: input symbols must be distinct, got {inputs}")
    if n is not None and len(inputs) != n:
        raise ShapeError(f"{where}: the first weight matrix has {n} columns (inputs), "
                         f"but {len(inputs)} input symbols were given")
    return inputs


# ---------------------------------------------------------------------------
# the compiled layered view shared by evaluation and the engines
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Stage:
    """One generation of neurons: every neuron whose sources are computed.

    ``sources`` are global node positions (inputs first, then neurons in
    stage order); ``weights[i][j]`` is the weight from ``sources[j]`` into
    ``nodes[i]`` (zero where there is no edge).
    """

    layer: int
    nodes: tuple
    sources: tuple
    weights: tuple
    biases: tuple
    activations: tuple


class Network:
    """A feed-forward network as a symbolic expression graph.

    Build one with :meth:`dense`, :meth:`mlp` or :meth:`from_graph`.  The
    network is immutable: its graph is frozen.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Network
    >>> net = Network.dense([[[sympy.Rational(1, 2)]]], activations=["tanh"])
    >>> net.expr()
    tanh(x1/2)
    >>> float(net([1.0]))  # doctest: +ELLIPSIS
    0.4621...
    """

    def __init__(self, graph, *, inputs=None, outputs=None):
        if not isinstance(graph, nx.DiGraph):
            raise TypeError(f"expected a networkx DiGraph, got {type(graph).__name__}")
        G = graph.copy()
        if not nx.is_directed_acyclic_graph(G):
            cycle = nx.find_cycle(G)
            raise ShapeError(f"a network must be acyclic; found the cycle {cycle}")
        input_nodes = [n for n, d in G.nodes(data=True) if "symbol" in d]
        if inputs is not None:
            input_nodes = list(inputs)
            for n in input_nodes:
                if n not in G or "symbol" not in G.nodes[n]:
                    raise InputError(f"input node {n!r} is not a node with a 'symbol' attribute")
        syms = _symbols([G.nodes[n]["symbol"] for n in input_nodes], None, "input symbols")
        for n in input_nodes:
            if G.in_degree(n):
                raise ShapeError(f"input node {n!r} has incoming edges {list(G.predecessors(n))}")
        neurons = [n for n in nx.lexicographical_topological_sort(G, key=_order_key(G))
                   if n not in set(input_nodes)]
        for n in neurons:
            d = G.nodes[n]
            if "symbol" in d:
                raise InputError(f"node {n!r} has a symbol but is not listed among the inputs")
            act = get_activation(d.get("activation", "identity"))
            d["activation"] = act.name
            d["bias"] = _as_weight(d.get("bias", 0), f"bias of neuron {n!r}")
        for u, v, d in G.edges(data=True):
            d["weight"] = _as_weight(d.get("weight", 1), f"weight of edge {u!r} -> {v!r}")
        if outputs is None:
            outputs = G.graph.get("outputs")
        if outputs is None:
            outputs = [n for n in neurons if G.out_degree(n) == 0]
        outputs = tuple(outputs)
        if not outputs:
            raise ShapeError("a network needs at least one output neuron")
        for o in outputs:
            if o not in G:
                raise ShapeError(f"output {o!r} is not a node of the graph")
            if o in set(input_nodes):
                raise ShapeError(f"output {o!r} is an input node; outputs must be neurons")
        G.graph["outputs"] = list(outputs)
        G.graph["inputs"] = list(input_nodes)
        self._graph = nx.freeze(G)
        self._input_nodes = tuple(input_nodes)
        self._inputs = syms
        self._outputs = outputs
        self._neurons = tuple(neurons)
        self._stages = None
        self._names = None
        self._cache = {}

    # -- constructors ------------------------------------------------------
    @classmethod
    def dense(cls, weights, biases=None, activations="tanh", inputs=None):
        """A dense feed-forward network from its weight matrices.

        Parameters
        ----------
        weights : sequence of matrices
            ``W_l`` of shape ``(n_out, n_in)``, as in ``torch.nn.Linear``;
            nested lists, numpy arrays or sympy Matrices.  Entries may be
            ints, Fractions, sympy numbers or expressions, or floats.
        biases : sequence of vectors, optional
            ``b_l`` of length ``n_out``; zeros by default.
        activations : str or sequence of str
            One name per layer; a single name means every hidden layer uses
            it and the last layer is ``"identity"``.
        inputs : sequence of sympy Symbols or str, optional
            Defaults to ``x1 ... xn``.

        Returns
        -------
        Network

        Examples
        --------
        >>> from symnet import Network
        >>> net = Network.dense([[[1, 2]]], activations=["sigmoid"])
        >>> net.expr()
        1/(exp(-x1 - 2*x2) + 1)
        """
        if isinstance(weights, sympy.MatrixBase) or (hasattr(weights, "ndim")
                                                     and getattr(weights, "ndim", 0) == 2):
            weights = [weights]
        weights = [_matrix(W, f"layer {l + 1} weights") for l, W in enumerate(weights)]
        if not weights:
            raise ShapeError("dense(): expected at least one weight matrix")
        L = len(weights)
        if biases is None:
            biases = [None] * L
        else:
            biases = list(biases)
            if len(biases) != L:
                raise ShapeError(f"dense(): {L} weight matrices but {len(biases)} bias vectors")
        acts = _layer_activations(activations, L)
        n_in = len(weights[0][0]) if weights[0] else 0
        inputs = _symbols(inputs, n_in)
        G = nx.DiGraph()
        prev = []
        for j, s in enumerate(inputs):
            G.add_node(s.name, symbol=s)
            prev.append(s.name)
        for l, W in enumerate(weights):
            n_out = len(W)
            cols = len(W[0]) if W else 0
            if cols != len(prev):
                raise ShapeError(
                    f"layer {l + 1}: weight matrix has shape ({n_out}, {cols}) but the layer "
                    f"before it has {len(prev)} {'inputs' if l == 0 else 'neurons'}: expected "
                    f"shape ({n_out}, {len(prev)})")
            b = biases[l]
            b = [0] * n_out if b is None else _vector(b, f"layer {l + 1} biases")
            if len(b) != n_out:
                raise ShapeError(f"layer {l + 1}: weight matrix has shape ({n_out}, {cols}) "
                                 f"but the bias has length {len(b)}; expected {n_out}")
            cur = []
            for i in range(n_out):
                node = (l + 1, i + 1)
                G.add_node(node, bias=_as_weight(b[i], f"layer {l + 1} bias [{i}]"),
                           activation=acts[l])
                for j, src in enumerate(prev):
                    G.add_edge(src, node,
                               weight=_as_weight(W[i][j], f"layer {l + 1} weights [{i}, {j}]"))
                cur.append(node)
            prev = cur
        return cls(G, inputs=[s.name for s in inputs], outputs=prev)

    @classmethod
    def mlp(cls, sizes, activation="tanh", inputs=None):
        """A dense network whose every weight and bias is a fresh Symbol.

        Weights are named ``w{l}_{i}_{j}`` and biases ``b{l}_{i}`` (layer,
        neuron, input; all counted from 1).

        Parameters
        ----------
        sizes : sequence of int
            ``[n_inputs, hidden..., n_outputs]``.
        activation : str or sequence of str
            As ``activations`` in :meth:`dense`.
        inputs : sequence of Symbols, optional

        Examples
        --------
        >>> from symnet import Network
        >>> Network.mlp([2, 1], activation=["tanh"]).expr()
        tanh(b1_1 + w1_1_1*x1 + w1_1_2*x2)
        """
        sizes = list(sizes)
        if len(sizes) < 2 or any(not isinstance(s, int) or isinstance(s, bool) or s < 1
                                 for s in sizes):
            raise ShapeError(f"mlp(): expected sizes [n_inputs, ..., n_outputs] of positive ints, "
                             f"got {sizes}")
        Ws, bs = [], []
        for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            Ws.append([[sympy.Symbol(f"w{l}_{i}_{j}") for j in range(1, a + 1)]
                       for i in range(1, b + 1)])
            bs.append([sympy.Symbol(f"b{l}_{i}") for i in range(1, b + 1)])
        return cls.dense(Ws, bs, activations=activation, inputs=inputs)

    @classmethod
    def from_graph(cls, G, *, inputs=None, outputs=None):
        """Any DAG of neurons, skip connections allowed.

        Parameters
        ----------
        G : networkx.DiGraph
            Input nodes have a ``symbol`` attribute (a sympy Symbol); other
            nodes may have ``bias`` (default 0) and ``activation`` (default
            ``"identity"``); edges may have ``weight`` (default 1).
        inputs : sequence of nodes, optional
            Input order; default: input nodes in insertion order.
        outputs : sequence of nodes, optional
            Default ``G.graph["outputs"]`` or else every neuron without
            successors.

        Examples
        --------
        >>> import networkx as nx, sympy
        >>> from symnet import Network
        >>> x, y = sympy.symbols("x y")
        >>> G = nx.DiGraph()
        >>> G.add_node("x", symbol=x); G.add_node("y", symbol=y)
        >>> G.add_node("h", activation="tanh"); G.add_node("out", bias=1)
        >>> G.add_edge("x", "h", weight=2); G.add_edge("y", "h", weight=-1)
        >>> G.add_edge("h", "out", weight=3); G.add_edge("x", "out", weight=5)
        >>> Network.from_graph(G).expr()
        5*x + 3*tanh(2*x - y) + 1
        """
        return cls(G, inputs=inputs, outputs=outputs)

    # -- views ---------------------------------------------------------------
    @property
    def graph(self):
        """The frozen networkx DiGraph."""
        return self._graph

    @property
    def inputs(self):
        """The input Symbols, in order."""
        return self._inputs

    @property
    def outputs(self):
        """The output nodes (graph keys), in order."""
        return self._outputs

    @property
    def neurons(self):
        """Every non-input node, in topological order."""
        return self._neurons

    @property
    def n_inputs(self):
        return len(self._inputs)

    @property
    def n_outputs(self):
        return len(self._outputs)

    def stages(self):
        """The network as generations of neurons (one per layer for dense nets).

        Returns
        -------
        tuple of Stage

        Examples
        --------
        >>> from symnet import Network
        >>> [s.layer for s in Network.dense([[[1]], [[2]]]).stages()]
        [1, 2]
        """
        if self._stages is None:
            self._stages = self._compile()
        return self._stages

    @property
    def layers(self):
        """Lists of neuron keys, one per generation."""
        return [list(s.nodes) for s in self.stages()]

    def _compile(self):
        G = self._graph
        pos = {n: i for i, n in enumerate(self._input_nodes)}
        depth = {n: 0 for n in self._input_nodes}
        for n in self._neurons:
            preds = list(G.predecessors(n))
            depth[n] = 1 + max((depth[p] for p in preds), default=0)
        by_layer = {}
        for n in self._neurons:
            by_layer.setdefault(depth[n], []).append(n)
        stages = []
        for layer in sorted(by_layer):
            nodes = by_layer[layer]
            srcs = []
            seen = set()
            for n in nodes:
                for p in G.predecessors(n):
                    if p not in seen:
                        seen.add(p)
                        srcs.append(p)
            srcs.sort(key=lambda p: pos[p])
            col = {p: j for j, p in enumerate(srcs)}
            W = []
            for n in nodes:
                row = [sympy.S.Zero] * len(srcs)
                for p in G.predecessors(n):
                    row[col[p]] = G.edges[p, n]["weight"]
                W.append(tuple(row))
            stages.append(Stage(
                layer=layer, nodes=tuple(nodes), sources=tuple(pos[p] for p in srcs),
                weights=tuple(W), biases=tuple(G.nodes[n]["bias"] for n in nodes),
                activations=tuple(get_activation(G.nodes[n]["activation"]) for n in nodes)))
            for n in nodes:
                pos[n] = len(pos)
        return tuple(stages)

    def _output_positions(self):
        pos = {n: i for i, n in enumerate(self._input_nodes)}
        for s in self.stages():
            for n in s.nodes:
                pos[n] = len(pos)
        return [pos[o] for o in self._outputs]

    def parameters(self):
        """Every weight and bias, in stage order (a flat list).

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1, 2]]], biases=[[3]]).parameters()
        [1, 2, 3]
        """
        out = []
        G = self._graph
        for n in self._neurons:
            for p in G.predecessors(n):
                out.append(G.edges[p, n]["weight"])
            out.append(G.nodes[n]["bias"])
        return out

    @property
    def free_symbols(self):
        """Symbols appearing in weights or biases (not the inputs)."""
        if "free_symbols" not in self._cache:
            out = set()
            for w in self.parameters():
                if isinstance(w, sympy.Basic):
                    out |= w.free_symbols
            self._cache["free_symbols"] = frozenset(out)
        return set(self._cache["free_symbols"])

    @property
    def has_floats(self):
        """True when any weight or bias is a float."""
        if "has_floats" not in self._cache:
            self._cache["has_floats"] = any(_is_float(w) for w in self.parameters())
        return self._cache["has_floats"]

    def _float_arrays(self):
        """(W, b) float64 arrays per stage, cached (internal)."""
        if "float_arrays" not in self._cache:
            import numpy as np
            self._cache["float_arrays"] = [
                (np.array([[float(w) for w in row] for row in s.weights], dtype=float)
                 .reshape(len(s.nodes), len(s.sources)),
                 np.array([float(v) for v in s.biases], dtype=float))
                for s in self.stages()]
        return self._cache["float_arrays"]

    @property
    def is_symbolic(self):
        """True when any weight or bias contains a Symbol."""
        return bool(self.free_symbols)

    # -- expressions and evaluation ----------------------------------------
    def expr(self):
        """The exact sympy expression(s) of the outputs, with the true activations.

        Returns
        -------
        sympy.Expr, or a tuple of them for several outputs.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1]], [[2]]], biases=[[1], [0]]).expr()
        2*tanh(x1 + 1)
        """
        G = self._graph
        val = {n: G.nodes[n]["symbol"] for n in self._input_nodes}
        for s in self.stages():
            for n, act in zip(s.nodes, s.activations):
                zexpr = _to_sympy(G.nodes[n]["bias"]) + sympy.Add(
                    *[_to_sympy(G.edges[p, n]["weight"]) * val[p] for p in G.predecessors(n)])
                val[n] = act(zexpr)
        out = tuple(val[o] for o in self._outputs)
        return out[0] if len(out) == 1 else out

    def __call__(self, x):
        """Evaluate the network in float64.

        Parameters
        ----------
        x : array_like
            One point of shape ``(n_inputs,)`` or a batch ``(n_samples, n_inputs)``.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_samples, n_outputs)`` for a batch, ``(n_outputs,)`` for
            a point (a 0-d array for a single output).
        """
        import numpy as np

        if self.is_symbolic:
            raise WeightError(
                f"cannot evaluate numerically: weights contain the symbols "
                f"{sorted(map(str, self.free_symbols))}; substitute them first with net.subs(...)")
        X = np.asarray(x, dtype=float)
        single = X.ndim == 1
        if single:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ShapeError(f"expected points of shape (n_samples, {self.n_inputs}), "
                             f"got {np.shape(x)}")
        cols = [X[:, j] for j in range(self.n_inputs)]
        for s, (W, b) in zip(self.stages(), self._float_arrays()):
            H = np.stack([cols[p] for p in s.sources], axis=1) if s.sources else \
                np.zeros((X.shape[0], 0))
            Z = H @ W.T + b
            for i, act in enumerate(s.activations):
                cols.append(numpy_function(act)(Z[:, i]))
        out = np.stack([cols[p] for p in self._output_positions()], axis=1)
        if single:
            out = out[0]
            return out[0] if out.shape == (1,) else out
        return out

    def subs(self, mapping):
        """A new network with symbols in the weights substituted.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Network
        >>> net = Network.mlp([1, 1], activation=["identity"])
        >>> net.subs({sympy.Symbol("w1_1_1"): 2, sympy.Symbol("b1_1"): 3}).expr()
        2*x1 + 3
        """
        mapping = {sympy.sympify(k): sympy.sympify(v) for k, v in dict(mapping).items()}
        G = nx.DiGraph(self._graph)
        for n in self._neurons:
            b = G.nodes[n]["bias"]
            if isinstance(b, sympy.Basic):
                G.nodes[n]["bias"] = b.subs(mapping)
        for u, v, d in G.edges(data=True):
            if isinstance(d["weight"], sympy.Basic):
                d["weight"] = d["weight"].subs(mapping)
        return type(self)(G, inputs=self._input_nodes, outputs=self._outputs)

    # -- printing ----------------------------------------------------------
    def _neuron_names(self):
        if self._names is None:
            names = {}
            for s in self.stages():
                for k, n in enumerate(s.nodes):
                    if isinstance(n, tuple) and len(n) == 2 and all(isinstance(i, int) for i in n):
                        names[n] = (f"h{n[0]}_{n[1]}", f"h^{{({n[0]})}}_{{{n[1]}}}")
                    else:
                        names[n] = (str(n), sympy.latex(sympy.Symbol(str(n))))
            for n, s in zip(self._input_nodes, self._inputs):
                names[n] = (s.name, None)
            self._names = names
        return self._names

    def _equations(self):
        G = self._graph
        names = self._neuron_names()
        symbol = {n: G.nodes[n]["symbol"] for n in self._input_nodes}
        for n in self._neurons:
            symbol[n] = sympy.Symbol(names[n][0])
        eqs = []
        for s in self.stages():
            for n, act in zip(s.nodes, s.activations):
                zexpr = _to_sympy(G.nodes[n]["bias"]) + sympy.Add(
                    *[_to_sympy(G.edges[p, n]["weight"]) * symbol[p] for p in G.predecessors(n)])
                eqs.append((n, symbol[n], act(zexpr)))
        return eqs, symbol

    def _sympystr(self, printer):
        lines = [f"{printer._print(lhs)} = {printer._print(rhs)}"
                 for _, lhs, rhs in self._equations()[0]]
        return "\n".join(lines)

    def _latex(self, printer):
        eqs, symbol = self._equations()
        names = self._neuron_names()
        latex_names = {s: names[n][1] for n, s in symbol.items() if names[n][1]}
        rows = []
        for n, lhs, rhs in eqs:
            r = printer._print(rhs.xreplace({s: sympy.Symbol(v) for s, v in latex_names.items()}))
            rows.append(f"{latex_names[lhs]} &= {r}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self):
        return "$\\displaystyle " + sympy.latex(self) + "$"

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        sizes = [str(self.n_inputs)] + [
            f"{len(s.nodes)} {_act_summary(s.activations)}" for s in self.stages()]
        kind = "symbolic" if self.is_symbolic else ("float" if self.has_floats else "exact")
        return f"<Network {' -> '.join(sizes)}, inputs {self._inputs}, {kind} weights>"

    def __eq__(self, other):
        if not isinstance(other, Network):
            return NotImplemented
        return (self._inputs == other._inputs and self._outputs == other._outputs
                and nx.utils.graphs_equal(self._graph, other._graph))

    def __hash__(self):
        return hash((self._inputs, self._outputs, len(self._neurons)))


def _act_summary(acts):
    names = sorted({a.name for a in acts})
    return names[0] if len(names) == 1 else "/".join(names)


def _order_key(G):
    order = {n: i for i, n in enumerate(G.nodes)}
    return lambda n: f"{order[n]:012d}"


def _layer_activations(activations, L):
    if isinstance(activations, str) or not hasattr(activations, "__iter__"):
        name = get_activation(activations).name
        return [name] * (L - 1) + ["identity"]
    acts = [get_activation(a).name for a in activations]
    if len(acts) != L:
        raise ShapeError(f"expected {L} activations (one per layer), got {len(acts)}: {acts}")
    return acts


