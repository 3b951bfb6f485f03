"""Networks as symbolic expression graphs, stored as layers.

A :class:`Network` is a feed-forward DAG: input nodes carry sympy Symbols,
every other node is a neuron with a bias and an activation, edges carry
weights.  Weights and biases may be exact numbers, floats or sympy
expressions; the network never rounds anything.

The network is *stored* as stages (generations of neurons, one per layer
for dense networks), each holding its weight matrix: a read-only float64
array when every weight is a float, exact rows otherwise.  The networkx
graph (``net.graph``) is built on first use, so building and evaluating a
large dense float network costs what numpy costs.

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

import sympy

from ._validate import as_name, as_symbols, as_weight, is_float_value, printable
from .activations import get_activation
from .errors import InputError, ShapeError, WeightError

__all__ = ["Network", "Stage"]


# ---------------------------------------------------------------------------
# matrices and vectors from what users pass
# ---------------------------------------------------------------------------

def _is_numpy(m):
    return type(m).__module__ == "numpy" and hasattr(m, "ndim")


def _torch_to_numpy(m):
    if hasattr(m, "detach") and hasattr(m, "numpy"):
        return m.detach().cpu().numpy()
    return m


def _float_array(a, where, shape):
    """A read-only finite float64 copy of a float numpy array, or None if not float."""
    import numpy as np

    if a.dtype.kind != "f":
        return None
    out = np.array(a, dtype=np.float64, copy=True).reshape(shape)
    if not np.isfinite(out).all():
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise WeightError(f"{where} {list(idx)}: expected a finite number, got "
                          f"{out[idx]!r}")
    out.flags.writeable = False
    return out


def _matrix(m, where):
    """(float64 array or None, rows) from nested lists / numpy / sympy / torch."""
    m = _torch_to_numpy(m)
    if isinstance(m, sympy.MatrixBase):
        return None, [list(m.row(i)) for i in range(m.rows)]
    if _is_numpy(m):
        if m.ndim != 2:
            raise ShapeError(f"{where}: expected a 2-D matrix, got an array of shape {m.shape}")
        arr = _float_array(m, where, m.shape)
        if arr is not None:
            return arr, None
        return None, [list(r) for r in (m.tolist() if m.dtype != object else m)]
    if not isinstance(m, (list, tuple)):
        raise ShapeError(f"{where}: expected a matrix (nested lists, numpy array or sympy Matrix), "
                         f"got {type(m).__name__}")
    rows = []
    for r in m:
        r = _torch_to_numpy(r)
        if isinstance(r, (list, tuple)):
            rows.append(list(r))
        elif _is_numpy(r) and r.ndim == 1:
            rows.append(list(r.tolist()) if r.dtype != object else list(r))
        else:
            raise ShapeError(f"{where}: expected a list of rows, got a row {r!r}")
    if len({len(r) for r in rows}) > 1:
        raise ShapeError(f"{where}: rows have different lengths {[len(r) for r in rows]}")
    return None, rows


def _vector(v, where):
    """(float64 array or None, list) of a bias vector."""
    v = _torch_to_numpy(v)
    if isinstance(v, sympy.MatrixBase):
        if 1 not in v.shape:
            raise ShapeError(f"{where}: expected a vector, got a matrix of shape {v.shape}")
        return None, list(v)
    if _is_numpy(v):
        if v.ndim != 1:
            raise ShapeError(f"{where}: expected a 1-D vector, got an array of shape {v.shape}")
        arr = _float_array(v, where, v.shape)
        if arr is not None:
            return arr, None
        return None, list(v.tolist()) if v.dtype != object else list(v)
    if not isinstance(v, (list, tuple)):
        raise ShapeError(f"{where}: expected a vector, got {type(v).__name__} {v!r}")
    return None, list(v)


def _to_sympy(w):
    return sympy.Float(w) if isinstance(w, float) else w


# ---------------------------------------------------------------------------
# stages: the stored form
# ---------------------------------------------------------------------------

class Stage:
    """One generation of neurons: every neuron whose sources are computed.

    Attributes
    ----------
    layer : int
        1 for the first generation.
    nodes : tuple
        The neurons' node keys.
    sources : tuple of int
        Global positions of the sources (inputs first, then neurons in
        stage order).
    activations : tuple of Activation
    weights : tuple of tuples
        ``weights[i][j]`` from ``sources[j]`` into ``nodes[i]`` (zero where
        there is no edge): floats or sympy expressions.
    biases : tuple

    Examples
    --------
    >>> from symnet import Network
    >>> s = Network.dense([[[1, 2]]], biases=[[3]]).stages()[0]
    >>> s.weights, s.biases, s.sources
    (((1, 2),), (3,), (0, 1))
    """

    __slots__ = ("layer", "nodes", "sources", "activations", "_rows", "_bias", "_W", "_b",
                 "_edges", "_floats")

    def __init__(self, layer, nodes, sources, activations, *, rows=None, biases=None,
                 W=None, b=None, edges=None):
        self.layer = layer
        self.nodes = tuple(nodes)
        self.sources = tuple(sources)
        self.activations = tuple(activations)
        self._rows = None if rows is None else tuple(tuple(r) for r in rows)
        self._bias = None if biases is None else tuple(biases)
        self._W = W          # float64 arrays, when every weight / bias is a float
        self._b = b
        self._edges = edges  # None: every (source, node) pair is an edge
        self._floats = None

    @property
    def weights(self):
        if self._rows is None:
            self._rows = tuple(tuple(r) for r in self._W.tolist())
        return self._rows

    @property
    def biases(self):
        if self._bias is None:
            self._bias = tuple(self._b.tolist())
        return self._bias

    @property
    def shape(self):
        """``(len(nodes), len(sources))``."""
        return (len(self.nodes), len(self.sources))

    @property
    def has_floats(self):
        """True when a weight or bias of this stage is a float."""
        if self._floats is None:
            if self._W is not None and self._b is not None:
                self._floats = True
            else:
                self._floats = any(is_float_value(w) for r in self.weights for w in r) or any(
                    is_float_value(v) for v in self.biases)
        return self._floats

    def weight_array(self):
        """The weights as a float64 array of shape ``(nodes, sources)`` (cached).

        Raises WeightError when a weight is symbolic.
        """
        if self._W is None:
            self._W = _floats_of(self.weights, self.shape, f"layer {self.layer} weights")
        return self._W

    def bias_array(self):
        """The biases as a float64 array (cached)."""
        if self._b is None:
            self._b = _floats_of([self.biases], (len(self.nodes),),
                                 f"layer {self.layer} biases")
        return self._b

    def has_edge(self, i, j):
        """True when ``sources[j] -> nodes[i]`` is an edge of the graph."""
        return self._edges is None or (i, j) in self._edges

    def __repr__(self):
        return (f"Stage(layer={self.layer}, {len(self.nodes)} neurons, "
                f"{len(self.sources)} sources)")


def _floats_of(rows, shape, where):
    import numpy as np

    try:
        out = np.array([[float(w) for w in r] for r in rows], dtype=float).reshape(shape)
    except TypeError:
        raise WeightError(f"{where}: weights contain symbols; substitute them first with "
                          "net.subs(...)") from None
    out.flags.writeable = False
    return out


class Network:
    """A feed-forward network as a symbolic expression graph.

    Build one with :meth:`dense`, :meth:`mlp` or :meth:`from_graph`.  The
    network is immutable.

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
        import networkx as nx

        if not isinstance(graph, nx.DiGraph):
            raise InputError(f"expected a networkx DiGraph, got {type(graph).__name__}")
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
        syms = as_symbols([G.nodes[n]["symbol"] for n in input_nodes], "input symbols")
        for s in syms:
            as_name(s.name, "input symbol", error=InputError)
        in_set = set(input_nodes)
        for n in input_nodes:
            if G.in_degree(n):
                raise ShapeError(f"input node {n!r} has incoming edges {list(G.predecessors(n))}")
        order = {n: i for i, n in enumerate(G.nodes)}
        neurons = [n for n in nx.lexicographical_topological_sort(
            G, key=lambda n: f"{order[n]:012d}") if n not in in_set]
        for n in neurons:
            d = G.nodes[n]
            if "symbol" in d:
                raise InputError(f"node {n!r} has a symbol but is not listed among the inputs")
            act = get_activation(d.get("activation", "identity"))
            d["activation"] = act.name
            d["bias"] = as_weight(d.get("bias", 0), f"bias of neuron {n!r}")
        for u, v, d in G.edges(data=True):
            d["weight"] = as_weight(d.get("weight", 1), f"weight of edge {u!r} -> {v!r}")
        if outputs is None:
            outputs = G.graph.get("outputs")
        if outputs is None:
            outputs = [n for n in neurons if G.out_degree(n) == 0]
        outputs = tuple(outputs)
        G.graph["outputs"] = list(outputs)
        G.graph["inputs"] = list(input_nodes)
        stages = _compile(G, input_nodes, neurons)
        meta = {k: v for k, v in G.graph.items() if k not in ("inputs", "outputs")}
        self._setup(tuple(input_nodes), syms, stages, outputs, nx.freeze(G), meta)

    def _setup(self, input_nodes, syms, stages, outputs, graph=None, metadata=None):
        self._meta = dict(metadata or {})
        for key in ("inputs", "outputs"):
            if key in self._meta:
                raise ShapeError(f"metadata: {key!r} is reserved")
        self._input_nodes = input_nodes
        self._inputs = syms
        self._stages = tuple(stages)
        self._neurons = tuple(n for s in self._stages for n in s.nodes)
        if not outputs:
            raise ShapeError("a network needs at least one output neuron")
        neuron_set = set(self._neurons)
        for o in outputs:
            if o not in neuron_set:
                if o in set(input_nodes):
                    raise ShapeError(f"output {o!r} is an input node; outputs must be neurons")
                raise ShapeError(f"output {o!r} is not a node of the graph")
        self._outputs = tuple(outputs)
        self._graph = graph
        self._names = None
        self._cache = {}
        pos = {n: i for i, n in enumerate(input_nodes)}
        for n in self._neurons:
            pos[n] = len(pos)
        self._pos = pos
        self._check_weight_symbols()
        return self

    def _check_weight_symbols(self):
        """A weight symbol may not be (or be named like) an input: it would multiply it."""
        if all(s._W is not None and s._b is not None for s in self._stages):
            return
        names = {s.name for s in self._inputs}
        clash = sorted(str(w) for w in self.free_symbols if w.name in names)
        if clash:
            raise InputError(
                f"the weights contain the input symbol(s) {', '.join(clash)}: a weight must not "
                f"depend on the inputs {self._inputs} (a weight x1 on the edge from x1 would "
                "compute x1**2); rename the weight symbols")

    @classmethod
    def _from_stages(cls, input_nodes, syms, stages, outputs, metadata=None):
        return cls.__new__(cls)._setup(tuple(input_nodes), tuple(syms), stages, outputs,
                                       metadata=metadata)

    @property
    def metadata(self):
        """Graph-level facts about the network (a copy), e.g. ``{"output_activation": "softmax"}``.

        Importers record what the network does not compute itself (the
        softmax of a classifier's logits, its class labels); they are kept
        by :meth:`subs`, saved with the network, and appear as attributes of
        ``net.graph.graph``.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1]]]).with_metadata(output_activation="softmax").metadata
        {'output_activation': 'softmax'}
        """
        return dict(self._meta)

    def with_metadata(self, **metadata):
        """The same network (sharing its layers) with metadata added or replaced.

        Examples
        --------
        >>> from symnet import Network
        >>> net = Network.dense([[[1]]]).with_metadata(classes=[0, 1])
        >>> net.graph.graph["classes"]
        [0, 1]
        """
        meta = dict(self._meta)
        meta.update(metadata)
        return type(self)._from_stages(self._input_nodes, self._inputs, self._stages,
                                       self._outputs, meta)

    # -- constructors ------------------------------------------------------
    @classmethod
    def dense(cls, weights, biases=None, activations="tanh", inputs=None):
        """A dense feed-forward network from its weight matrices.

        Parameters
        ----------
        weights : sequence of matrices
            ``W_l`` of shape ``(n_out, n_in)``, as in ``torch.nn.Linear``;
            nested lists, numpy arrays, torch tensors or sympy Matrices.
            Entries may be ints, Fractions, sympy numbers or expressions, or
            floats.  Float numpy arrays are stored as they are (one copy,
            read-only): no per-weight Python work.
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
        if isinstance(weights, sympy.MatrixBase) or (_is_numpy(weights) and weights.ndim == 2):
            weights = [weights]
        if isinstance(weights, (str, bytes)) or not hasattr(weights, "__iter__"):
            raise ShapeError(f"dense(): expected a sequence of weight matrices, got "
                             f"{type(weights).__name__} {weights!r}")
        mats = [_matrix(W, f"layer {l + 1} weights") for l, W in enumerate(weights)]
        if not mats:
            raise ShapeError("dense(): expected at least one weight matrix")
        L = len(mats)
        if biases is None:
            biases = [None] * L
        else:
            if isinstance(biases, (str, bytes)) or not hasattr(biases, "__iter__"):
                raise ShapeError(f"dense(): expected a sequence of bias vectors, got "
                                 f"{type(biases).__name__}")
            biases = list(biases)
            if len(biases) != L:
                raise ShapeError(f"dense(): {L} weight matrices but {len(biases)} bias vectors")
        acts = _layer_activations(activations, L)

        def shape(m):
            arr, rows = m
            if arr is not None:
                return arr.shape
            return (len(rows), len(rows[0]) if rows else 0)

        n_in = shape(mats[0])[1]
        inputs = _symbols(inputs, n_in)
        input_nodes = tuple(s.name for s in inputs)
        prev_nodes, prev_pos = input_nodes, list(range(n_in))
        stages, offset = [], n_in
        for l, m in enumerate(mats):
            n_out, cols = shape(m)
            if cols != len(prev_nodes):
                raise ShapeError(
                    f"layer {l + 1}: weight matrix has shape ({n_out}, {cols}) but the layer "
                    f"before it has {len(prev_nodes)} {'inputs' if l == 0 else 'neurons'}: "
                    f"expected shape ({n_out}, {len(prev_nodes)})")
            W, rows = m
            if rows is not None:
                rows = [[as_weight(w, f"layer {l + 1} weights [{i}, {j}]")
                         for j, w in enumerate(r)] for i, r in enumerate(rows)]
            if biases[l] is None:
                b, bias = None, [sympy.S.Zero] * n_out
            else:
                b, bias = _vector(biases[l], f"layer {l + 1} biases")
                blen = len(b) if b is not None else len(bias)
                if blen != n_out:
                    raise ShapeError(f"layer {l + 1}: weight matrix has shape ({n_out}, {cols}) "
                                     f"but the bias has length {blen}; expected {n_out}")
                if bias is not None:
                    bias = [as_weight(v, f"layer {l + 1} bias [{i}]") for i, v in
                            enumerate(bias)]
            if W is not None and b is None and all(isinstance(v, float) for v in bias):
                import numpy as np
                b = np.array(bias, dtype=float)
                b.flags.writeable = False
                bias = None
            if W is not None and b is None:  # float weights, exact biases: exact rows
                rows, W = W.tolist(), None
            nodes = tuple((l + 1, i + 1) for i in range(n_out))
            act = get_activation(acts[l])
            stages.append(Stage(l + 1, nodes, prev_pos, (act,) * n_out, rows=rows,
                                biases=bias, W=W, b=b if W is not None else None))
            prev_nodes, prev_pos = nodes, list(range(offset, offset + n_out))
            offset += n_out
        return cls._from_stages(input_nodes, inputs, stages, prev_nodes)

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
        try:
            sizes = list(sizes)
        except TypeError:
            raise ShapeError(f"mlp(): expected sizes [n_inputs, ..., n_outputs], got "
                             f"{sizes!r}") from None
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
        """The frozen networkx DiGraph (built on first use for dense networks)."""
        if self._graph is None:
            self._graph = self._build_graph()
        return self._graph

    def _build_graph(self):
        import networkx as nx

        G = nx.DiGraph()
        for n, s in zip(self._input_nodes, self._inputs):
            G.add_node(n, symbol=s)
        nodes = list(self._input_nodes)
        for st in self._stages:
            for i, (n, act) in enumerate(zip(st.nodes, st.activations)):
                G.add_node(n, bias=st.biases[i], activation=act.name)
            for i, (n, row) in enumerate(zip(st.nodes, st.weights)):
                G.add_edges_from((nodes[src], n, {"weight": w})
                                 for j, (src, w) in enumerate(zip(st.sources, row))
                                 if st.has_edge(i, j))
            nodes.extend(st.nodes)
        G.graph.update(self._meta)
        G.graph["outputs"] = list(self._outputs)
        G.graph["inputs"] = list(self._input_nodes)
        return nx.freeze(G)

    @property
    def inputs(self):
        """The input Symbols, in order."""
        return self._inputs

    @property
    def input_nodes(self):
        """The input nodes' keys, in order."""
        return self._input_nodes

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
        return self._stages

    @property
    def layers(self):
        """Lists of neuron keys, one per generation."""
        return [list(s.nodes) for s in self._stages]

    def output_positions(self):
        """Global positions (inputs first, then neurons in stage order) of the outputs.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1, 2]], [[3]]]).output_positions()
        [3]
        """
        return [self._pos[o] for o in self._outputs]

    def forward(self, inputs, step):
        """Run ``step`` stage by stage: the one forward pass every consumer shares.

        Parameters
        ----------
        inputs : list
            One value per input (any type).
        step : callable
            ``step(stage, sources)`` gets the stage and the values of its
            sources (a list, in ``stage.sources`` order) and returns the
            values of its neurons (a list).

        Returns
        -------
        list
            The values of the outputs.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Network
        >>> net = Network.dense([[[1, 2]]], biases=[[1]], activations=["identity"])
        >>> def step(stage, src):
        ...     return [sum(w * v for w, v in zip(row, src)) + b
        ...             for row, b in zip(stage.weights, stage.biases)]
        >>> net.forward(list(net.inputs), step)
        [x1 + 2*x2 + 1]
        """
        vals = list(inputs)
        if len(vals) != self.n_inputs:
            raise ShapeError(f"forward(): expected {self.n_inputs} input values, got {len(vals)}")
        for s in self._stages:
            out = step(s, [vals[p] for p in s.sources])
            vals.extend(out)
        return [vals[p] for p in self.output_positions()]

    def dense_layers(self):
        """The layers of a plain dense stack, or None for any other graph.

        Returns
        -------
        list of (activation name, weight rows, biases) or None
            None unless the network is what :meth:`dense` builds: layers of
            fully connected neurons ``(l, i)``, one activation per layer, no
            skip connections and no extra node or edge attributes.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1, 2]]], biases=[[3]]).dense_layers()
        [('identity', ((1, 2),), (3,))]
        """
        if self._graph is not None and _extra_attributes(self._graph):
            return None  # node or edge attributes beyond symbol/bias/activation/weight
        if [s.name for s in self._inputs] != list(self._input_nodes):
            return None
        prev = tuple(range(self.n_inputs))
        layers = []
        for l, s in enumerate(self._stages, start=1):
            if s.nodes != tuple((l, i) for i in range(1, len(s.nodes) + 1)):
                return None
            if len({a.name for a in s.activations}) != 1 or s.sources != prev or s._edges:
                return None
            layers.append((s.activations[0].name, s.weights, s.biases))
            prev = tuple(range(prev[-1] + 1, prev[-1] + 1 + len(s.nodes))) if prev else \
                tuple(range(self.n_inputs, self.n_inputs + len(s.nodes)))
        if self._outputs != self._stages[-1].nodes:
            return None
        return layers

    def parameters(self):
        """Every weight and bias, neuron by neuron (a flat list).

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1, 2]]], biases=[[3]]).parameters()
        [1, 2, 3]
        """
        out = []
        for s in self._stages:
            for i, (row, b) in enumerate(zip(s.weights, s.biases)):
                out.extend(w for j, w in enumerate(row) if s.has_edge(i, j))
                out.append(b)
        return out

    @property
    def n_parameters(self):
        """Number of weights and biases.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1, 2]], [[3]]]).n_parameters
        5
        """
        return sum(len(s.nodes) * (len(s.sources) + 1) if s._edges is None
                   else len(s._edges) + len(s.nodes) for s in self._stages)

    @property
    def free_symbols(self):
        """Symbols appearing in weights or biases (not the inputs)."""
        if "free_symbols" not in self._cache:
            out = set()
            for s in self._stages:
                if s._W is not None and s._b is not None:
                    continue
                for w in list(s.biases) + [w for r in s.weights for w in r]:
                    if isinstance(w, sympy.Basic):
                        out |= w.free_symbols
            self._cache["free_symbols"] = frozenset(out)
        return set(self._cache["free_symbols"])

    @property
    def has_floats(self):
        """True when any weight or bias is a float."""
        if "has_floats" not in self._cache:
            self._cache["has_floats"] = any(s.has_floats for s in self._stages)
        return self._cache["has_floats"]

    @property
    def is_symbolic(self):
        """True when any weight or bias contains a Symbol."""
        return bool(self.free_symbols)

    @property
    def is_piecewise_linear(self):
        """True when every activation is piecewise linear or the identity.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1]], [[1]]], activations="relu").is_piecewise_linear
        True
        """
        return all(a.kind == "piecewise_linear" or (a.kind == "polynomial" and a.rule.degree <= 1)
                   for s in self._stages for a in s.activations)

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
        def step(s, src):
            return [act.func(_to_sympy(b) + sympy.Add(*[_to_sympy(w) * v for w, v in
                                                         zip(row, src) if w != 0]))
                    for row, b, act in zip(s.weights, s.biases, s.activations)]

        out = tuple(self.forward(list(self._inputs), step))
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

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[2.0]]], activations=["relu"])([[1.0], [-1.0]]).tolist()
        [[2.0], [0.0]]
        """
        import numpy as np

        if self.is_symbolic:
            raise WeightError(
                f"cannot evaluate numerically: weights contain the symbols "
                f"{sorted(map(str, self.free_symbols))}; substitute them first with net.subs(...)")
        try:
            X = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            raise ShapeError(f"expected numeric points of shape (n_samples, {self.n_inputs}), "
                             f"got {type(x).__name__}") from None
        single = X.ndim == 1
        if single:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ShapeError(f"expected points of shape (n_samples, {self.n_inputs}), "
                             f"got {np.shape(x)}")

        blocks = [X]   # values as (block, column) references: dense stacks never copy columns

        def step(s, src):
            if src and all(b == src[0][0] for b, _ in src) and \
                    [c for _, c in src] == list(range(blocks[src[0][0]].shape[1])):
                H = blocks[src[0][0]]
            elif src:
                H = np.stack([blocks[b][:, c] for b, c in src], axis=1)
            else:
                H = np.zeros((X.shape[0], 0))
            Z = H @ s.weight_array().T + s.bias_array()
            acts = s.activations
            if all(a is acts[0] for a in acts):
                Y = acts[0].numpy_function()(Z)
            else:
                Y = np.stack([a.numpy_function()(Z[:, i]) for i, a in enumerate(acts)], axis=1)
            blocks.append(np.asarray(Y, dtype=float).reshape(Z.shape))
            k = len(blocks) - 1
            return [(k, i) for i in range(Z.shape[1])]

        with np.errstate(over="ignore", under="ignore"):
            outs = self.forward([(0, j) for j in range(self.n_inputs)], step)
        out = np.stack([blocks[b][:, c] for b, c in outs], axis=1)
        if single:
            out = out[0]
            return out[0] if out.shape == (1,) else out
        return out

    def map_parameters(self, fn):
        """A network of the same shape with every weight and bias replaced by ``fn(w)``.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[1, 2]]]).map_parameters(lambda w: 2 * w).parameters()
        [2, 4, 0]
        """
        stages = []
        for s in self._stages:
            rows = [[as_weight(fn(w), f"layer {s.layer} weights [{i}, {j}]")
                     for j, w in enumerate(r)] for i, r in enumerate(s.weights)]
            bias = [as_weight(fn(b), f"layer {s.layer} bias [{i}]") for i, b in
                    enumerate(s.biases)]
            stages.append(Stage(s.layer, s.nodes, s.sources, s.activations, rows=rows,
                                biases=bias, edges=s._edges))
        return type(self)._from_stages(self._input_nodes, self._inputs, stages, self._outputs,
                                       self._meta)

    def rationalize(self, denominator=None):
        """The network with every float weight made exact.

        Parameters
        ----------
        denominator : int, optional
            None: each float's exact binary value (the exact network as
            stored).  ``k``: the nearest multiple of ``1/k``.

        Examples
        --------
        >>> from symnet import Network
        >>> Network.dense([[[0.1, 0.5]]]).rationalize().parameters()[1]
        1/2
        >>> Network.dense([[[0.1, 0.5]]]).rationalize(64).parameters()
        [3/32, 1/2, 0]
        """
        from fractions import Fraction

        if denominator is None:
            def conv(w):
                return sympy.Rational(w) if isinstance(w, float) else w
        else:
            from ._validate import as_int
            k = as_int(denominator, "denominator", minimum=1)

            def conv(w):
                return sympy.Rational(round(Fraction(w) * k), k) if isinstance(w, float) else w
        return self.map_parameters(conv)

    def subs(self, mapping):
        """A new network with symbols in the weights substituted.

        Keys are Symbols or their names; values are numbers or sympy
        expressions (strings are not evaluated).

        Examples
        --------
        >>> import sympy
        >>> from symnet import Network
        >>> net = Network.mlp([1, 1], activation=["identity"])
        >>> net.subs({sympy.Symbol("w1_1_1"): 2, "b1_1": 3}).expr()
        2*x1 + 3
        """
        try:
            items = dict(mapping).items()
        except (TypeError, ValueError):
            raise InputError(f"subs(): expected a mapping Symbol -> value, got "
                             f"{type(mapping).__name__}") from None
        rep = {}
        for k, v in items:
            if isinstance(k, str):
                k = sympy.Symbol(as_name(k, "subs() key", error=InputError))
            if not isinstance(k, sympy.Symbol):
                raise InputError(f"subs(): keys must be Symbols or their names, got "
                                 f"{type(k).__name__} {k!r}")
            if k in self._inputs:
                raise InputError(f"subs(): {k} is an input of the network, not a weight")
            rep[k] = _to_sympy(as_weight(v, f"subs() value for {k}"))

        def fn(w):
            if isinstance(w, sympy.Basic) and w.free_symbols & rep.keys():
                w = w.xreplace(rep)
                return float(w) if w.is_Float else w
            return w
        return self.map_parameters(fn)

    # -- printing ----------------------------------------------------------
    def _neuron_names(self):
        if self._names is None:
            names = {}
            for s in self._stages:
                for n in s.nodes:
                    if isinstance(n, tuple) and len(n) == 2 and all(isinstance(i, int) for i in n):
                        names[n] = (f"h{n[0]}_{n[1]}", f"h^{{({n[0]})}}_{{{n[1]}}}")
                    else:
                        names[n] = (str(n), sympy.latex(sympy.Symbol(str(n))))
            for n, s in zip(self._input_nodes, self._inputs):
                names[n] = (s.name, None)
            self._names = names
        return self._names

    def _equations(self):
        names = self._neuron_names()
        symbol = dict(zip(self._input_nodes, self._inputs))
        for n in self._neurons:
            symbol[n] = sympy.Symbol(names[n][0])
        nodes = list(self._input_nodes) + list(self._neurons)
        eqs = []
        for s in self._stages:
            for i, (n, act) in enumerate(zip(s.nodes, s.activations)):
                zexpr = _to_sympy(s.biases[i]) + sympy.Add(
                    *[_to_sympy(w) * symbol[nodes[p]] for j, (p, w) in
                      enumerate(zip(s.sources, s.weights[i])) if s.has_edge(i, j)])
                eqs.append((n, symbol[n], printable(act.func(zexpr))))
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
            f"{len(s.nodes)} {_act_summary(s.activations)}" for s in self._stages]
        kind = "symbolic" if self.is_symbolic else ("float" if self.has_floats else "exact")
        return f"<Network {' -> '.join(sizes)}, inputs {self._inputs}, {kind} weights>"

    def __eq__(self, other):
        if not isinstance(other, Network):
            return NotImplemented
        if (self._inputs, self._input_nodes, self._outputs, self._meta) != \
                (other._inputs, other._input_nodes, other._outputs, other._meta):
            return False
        if len(self._stages) != len(other._stages):
            return False
        for a, b in zip(self._stages, other._stages):
            if (a.nodes, a.sources, a._edges) != (b.nodes, b.sources, b._edges):
                return False
            if tuple(x.name for x in a.activations) != tuple(x.name for x in b.activations):
                return False
            if a._W is not None and b._W is not None and a._b is not None and b._b is not None:
                import numpy as np
                if not (np.array_equal(a._W, b._W) and np.array_equal(a._b, b._b)):
                    return False
            elif a.weights != b.weights or a.biases != b.biases:
                return False
        return True

    def __hash__(self):
        return hash((self._inputs, self._outputs, len(self._neurons)))


def _extra_attributes(G):
    for n, d in G.nodes(data=True):
        if set(d) - {"symbol", "bias", "activation"}:
            return True
    return any(set(d) - {"weight"} for _, _, d in G.edges(data=True))


def _act_summary(acts):
    names = sorted({a.name for a in acts})
    return names[0] if len(names) == 1 else "/".join(names)


_DEFAULT = {}


def _default_symbols(n):
    if n not in _DEFAULT:
        _DEFAULT[n] = tuple(sympy.Symbol(f"x{i}") for i in range(1, n + 1))
    return _DEFAULT[n]


def _symbols(inputs, n):
    if inputs is None:
        return _default_symbols(n)
    if isinstance(inputs, str):
        syms = as_symbols(inputs, "inputs")
    else:
        if isinstance(inputs, sympy.Symbol):
            inputs = (inputs,)
        try:
            inputs = tuple(inputs)
        except TypeError:
            raise InputError(f"inputs: expected sympy Symbols, got {type(inputs).__name__}") \
                from None
        for s in inputs:
            if not isinstance(s, sympy.Symbol):
                raise InputError(f"inputs: expected sympy Symbols, got {type(s).__name__} {s!r}")
        syms = as_symbols(inputs, "inputs")
    for s in syms:
        as_name(s.name, "input symbol", error=InputError)
    if len(syms) != n:
        raise ShapeError(f"inputs: the first weight matrix has {n} columns (inputs), "
                         f"but {len(syms)} input symbols were given")
    return syms


def _layer_activations(activations, L):
    if isinstance(activations, str) or not hasattr(activations, "__iter__"):
        name = get_activation(activations).name
        return [name] * (L - 1) + ["identity"]
    acts = [get_activation(a).name for a in activations]
    if len(acts) != L:
        raise ShapeError(f"expected {L} activations (one per layer), got {len(acts)}: {acts}")
    return acts


def _compile(G, input_nodes, neurons):
    """Stages from a validated graph: generations by longest path from the inputs."""
    pos = {n: i for i, n in enumerate(input_nodes)}
    depth = {n: 0 for n in input_nodes}
    for n in neurons:
        depth[n] = 1 + max((depth[p] for p in G.predecessors(n)), default=0)
    by_layer = {}
    for n in neurons:
        by_layer.setdefault(depth[n], []).append(n)
    stages = []
    for layer in sorted(by_layer):
        nodes = by_layer[layer]
        srcs, seen = [], set()
        for n in nodes:
            for p in G.predecessors(n):
                if p not in seen:
                    seen.add(p)
                    srcs.append(p)
        srcs.sort(key=lambda p: pos[p])
        col = {p: j for j, p in enumerate(srcs)}
        rows, edges = [], set()
        for i, n in enumerate(nodes):
            row = [sympy.S.Zero] * len(srcs)
            for p in G.predecessors(n):
                row[col[p]] = G.edges[p, n]["weight"]
                edges.add((i, col[p]))
            rows.append(row)
        full = len(edges) == len(nodes) * len(srcs)
        stages.append(Stage(layer, nodes, [pos[p] for p in srcs],
                            [get_activation(G.nodes[n]["activation"]) for n in nodes],
                            rows=rows, biases=[G.nodes[n]["bias"] for n in nodes],
                            edges=None if full else frozenset(edges)))
        for n in nodes:
            pos[n] = len(pos)
    return stages
