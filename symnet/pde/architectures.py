"""Architectures whose PDE constraints symnet knows: trees, neurons, ridge sums.

Three kinds of architecture are supported:

* :class:`Tree` -- a rooted tree whose leaves are distinct input variables and
  whose internal nodes compute arbitrary smooth functions of their children;
* :class:`Neuron` -- a single neuron ``sigma(w . x + b)``;
* :class:`RidgeSum` -- one hidden layer of ``m`` neurons with a linear output,
  on two inputs: ``f_1(a_1 x + b_1 y) + ... + f_m(a_m x + b_m y)``.

Examples
--------
>>> from symnet import Tree
>>> t = Tree("((x,y),z)")
>>> t
Tree('((x, y), z)')
>>> t.leaves
(x, y, z)
"""

import re

import sympy

from ..errors import FormatError, InputError, NotSupportedError, ShapeError

__all__ = ["Tree", "Neuron", "RidgeSum"]


def _deeper_network_error(what):
    return NotSupportedError(
        "PDE constraints of networks deeper than one layer of neurons are not "
        f"supported yet: got {what} used as an input. Supported architectures are "
        "Tree(spec) (arbitrary smooth functions at the nodes), Neuron(inputs) and "
        "RidgeSum(m, inputs)."
    )


def _as_symbol(leaf, where):
    """A leaf of a tree spec as a Symbol (names are turned into Symbols)."""
    if isinstance(leaf, sympy.Symbol):
        return leaf
    if isinstance(leaf, str):
        name = leaf.strip()
        if not name.isidentifier():
            raise FormatError(
                f"a tree leaf must be a variable name such as 'x' or 'x1'; got {leaf!r}{where}"
            )
        return sympy.Symbol(name)
    if isinstance(leaf, (Neuron, RidgeSum)):
        raise _deeper_network_error(repr(leaf))
    raise InputError(
        "tree leaves must be sympy Symbols (or variable names); got "
        f"{leaf!r} of type {type(leaf).__name__}{where}"
    )


_TOKEN = re.compile(r"\s*(?:(?P<open>[(\[])|(?P<close>[)\]])|(?P<comma>,)|(?P<name>[^\s()\[\],]+))")


def _tokenize(spec):
    pos, tokens = 0, []
    spec = spec.rstrip()
    while pos < len(spec):
        m = _TOKEN.match(spec, pos)
        if m is None:  # pragma: no cover - the pattern matches any non-space run
            raise FormatError(f"cannot read the tree spec {spec!r} at position {pos}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return tokens


def _parse_string(spec):
    """Parse ``"((x,y),z)"`` into nested tuples of Symbols."""
    tokens = _tokenize(spec)
    if not tokens:
        raise FormatError("a tree spec must not be empty; expected something like '((x,y),z)'")

    def describe(i):
        if i >= len(tokens):
            return "the end of the spec"
        return f"{tokens[i][1]!r} at position {tokens[i][2]}"

    def node(i):
        # returns (parsed, next index)
        if i >= len(tokens):
            raise FormatError(f"in tree spec {spec!r}: expected a variable or '(' but got the end of the spec")
        kind, text, pos = tokens[i]
        if kind == "name":
            if not text.isidentifier():
                raise FormatError(
                    f"in tree spec {spec!r}: expected a variable name such as 'x' or 'x1', "
                    f"got {text!r} at position {pos}"
                )
            return sympy.Symbol(text), i + 1
        if kind == "open":
            closing = ")" if text == "(" else "]"
            if i + 1 < len(tokens) and tokens[i + 1][0] == "close":
                raise FormatError(
                    f"in tree spec {spec!r}: expected at least one child in every node, got the "
                    f"empty node '{text}{tokens[i + 1][1]}' at position {pos}"
                )
            children, j = [], i + 1
            while True:
                child, j = node(j)
                children.append(child)
                if j < len(tokens) and tokens[j][0] == "comma":
                    j += 1
                    continue
                if j < len(tokens) and tokens[j][0] == "close":
                    if tokens[j][1] != closing:
                        raise FormatError(
                            f"in tree spec {spec!r}: expected {closing!r} to close the bracket at "
                            f"position {pos}, got {describe(j)}"
                        )
                    return tuple(children), j + 1
                raise FormatError(
                    f"in tree spec {spec!r}: expected ',' or {closing!r} after a child, got {describe(j)}"
                )
        raise FormatError(f"in tree spec {spec!r}: expected a variable or '(', got {describe(i)}")

    # a top-level comma list "(x,y),z" is read as the children of the root
    items, i = [], 0
    while True:
        item, i = node(i)
        items.append(item)
        if i < len(tokens) and tokens[i][0] == "comma":
            i += 1
            continue
        if i < len(tokens):
            raise FormatError(f"in tree spec {spec!r}: unexpected {describe(i)} after the tree")
        break
    if len(items) == 1:
        if isinstance(items[0], sympy.Symbol):
            raise FormatError(
                f"a tree spec needs at least one internal node, e.g. '({items[0]},)' or "
                f"'(({items[0]},y),z)'; got the bare variable {spec!r}"
            )
        return items[0]
    return tuple(items)


class Tree:
    """A rooted tree architecture whose leaves are distinct input variables.

    Every internal node computes an arbitrary smooth function of its
    children, so ``Tree("((x,y),z)")`` is the set of functions
    ``g(h(x, y), z)``.  Internal nodes may have any number of children.

    Parameters
    ----------
    spec : str, tuple, list or Tree
        A string such as ``"((x,y),(z,w))"`` (variable names must be Python
        identifiers; square brackets are accepted too) or nested tuples/lists
        whose leaves are sympy Symbols (or names).

    Attributes
    ----------
    children : tuple
        The children of the root: Symbols (leaves) or sub-Trees.
    leaves : tuple of Symbol
        The input variables, in depth-first order; they are the arguments of
        the function ``F`` in :func:`symnet.pde_constraints`.

    Raises
    ------
    FormatError
        If a string spec cannot be parsed.
    InputError
        If a leaf is not a Symbol or a name, or the spec is not a string or
        a sequence.
    NotSupportedError
        If a variable appears at more than one leaf, or a neuron is used as a
        leaf (deeper neuron networks are not supported yet).

    Examples
    --------
    >>> import sympy
    >>> from symnet import Tree
    >>> x, y, z, w = sympy.symbols("x y z w")
    >>> t = Tree(((x, y), (z, w)))
    >>> print(t)
    ((x, y), (z, w))
    >>> t == Tree("((x,y),(z,w))")
    True
    >>> sympy.latex(t)
    '\\\\left(\\\\left(x, y\\\\right), \\\\left(z, w\\\\right)\\\\right)'
    >>> sorted(map(str, t.graph.successors(t)))
    ['(x, y)', '(z, w)']
    """

    __slots__ = ("_children", "_leaves", "_hash")

    def __init__(self, spec):
        if isinstance(spec, Tree):
            self._init_from(spec._children)
            return
        if isinstance(spec, str):
            parsed = _parse_string(spec)
        elif isinstance(spec, (tuple, list, sympy.Tuple)):
            if len(spec) == 0:
                raise FormatError("a tree node must have at least one child; got an empty sequence")
            parsed = spec
        elif isinstance(spec, (Neuron, RidgeSum)):
            raise _deeper_network_error(repr(spec))
        elif isinstance(spec, sympy.Symbol):
            raise InputError(
                f"a Tree spec must be a string such as '(({spec},y),z)' or nested tuples of Symbols; "
                f"got the single Symbol {spec} (write ({spec},) for a one-leaf tree)"
            )
        else:
            raise InputError(
                "a Tree spec must be a string such as '((x,y),z)' or nested tuples of Symbols; "
                f"got {spec!r} of type {type(spec).__name__}"
            )
        children = self._build_children(parsed, "root")
        self._init_from(children)
        self._check_distinct()

    @classmethod
    def _build_children(cls, parsed, path):
        children = []
        for idx, item in enumerate(parsed):
            where = f" (child {idx} of the {path})"
            if isinstance(item, Tree):
                children.append(item)
            elif isinstance(item, (tuple, list, sympy.Tuple)):
                if len(item) == 0:
                    raise FormatError(f"a tree node must have at least one child; got an empty node{where}")
                sub = object.__new__(cls)
                sub._init_from(cls._build_children(item, f"node {idx} of the {path}"))
                children.append(sub)
            else:
                children.append(_as_symbol(item, where))
        return tuple(children)

    def _init_from(self, children):
        self._children = tuple(children)
        leaves = []
        for c in self._children:
            if isinstance(c, Tree):
                leaves.extend(c._leaves)
            else:
                leaves.append(c)
        self._leaves = tuple(leaves)
        self._hash = hash(("symnet.Tree", self._children))

    def _check_distinct(self):
        seen = {}
        for leaf in self._leaves:
            if leaf in seen:
                count = self._leaves.count(leaf)
                raise NotSupportedError(
                    f"trees whose leaves repeat a variable are not supported yet: {leaf} appears "
                    f"at {count} leaves of {self}. Every leaf must be a distinct input variable."
                )
            seen[leaf] = True
        names = {}
        for leaf in self._leaves:
            if leaf.name in names:
                raise InputError(
                    f"two different leaves are both named {leaf.name!r} (Symbols with different "
                    "assumptions); give distinct names"
                )
            names[leaf.name] = leaf

    # -- structure ---------------------------------------------------------
    @property
    def children(self):
        """The children of the root (Symbols and sub-Trees)."""
        return self._children

    @property
    def leaves(self):
        """The input variables in depth-first order."""
        return self._leaves

    @property
    def inputs(self):
        """Alias of :attr:`leaves` (the arguments of ``F``)."""
        return self._leaves

    def internal_nodes(self):
        """All internal nodes (sub-Trees), root first, in depth-first order.

        Examples
        --------
        >>> from symnet import Tree
        >>> [str(v) for v in Tree("((x,y),(z,w))").internal_nodes()]
        ['((x, y), (z, w))', '(x, y)', '(z, w)']
        """
        out = [self]
        for c in self._children:
            if isinstance(c, Tree):
                out.extend(c.internal_nodes())
        return out

    @property
    def depth(self):
        """Number of internal nodes on the longest root-to-leaf path."""
        return 1 + max((c.depth for c in self._children if isinstance(c, Tree)), default=0)

    @property
    def graph(self):
        """The tree as a networkx ``DiGraph``, edges from parent to child.

        Nodes are the sub-Trees (internal nodes) and the leaf Symbols; each
        node has the attributes ``kind`` (``"internal"`` or ``"leaf"``),
        ``leaves`` (its leaf set) and ``label`` (its printed form).  The root
        is ``graph.graph["root"]``.  A fresh graph is built on every access.
        """
        import networkx as nx

        g = nx.DiGraph(root=self)
        for v in self.internal_nodes():
            g.add_node(v, kind="internal", leaves=frozenset(v._leaves), label=str(v))
            for c in v._children:
                if not isinstance(c, Tree):
                    g.add_node(c, kind="leaf", leaves=frozenset([c]), label=str(c))
                g.add_edge(v, c)
        return g

    def draw(self):
        """A multi-line drawing of the tree.

        Examples
        --------
        >>> from symnet import Tree
        >>> print(Tree("((x,y),z)").draw())
        *
        +-- *
        |   +-- x
        |   +-- y
        +-- z
        """
        lines = ["*"]

        def rec(node, prefix):
            for idx, c in enumerate(node._children):
                last = idx == len(node._children) - 1
                if isinstance(c, Tree):
                    lines.append(prefix + "+-- *")
                    rec(c, prefix + ("    " if last else "|   "))
                else:
                    lines.append(prefix + "+-- " + sympy.sstr(c))

        rec(self, "")
        return "\n".join(lines)

    # -- comparison --------------------------------------------------------
    def __eq__(self, other):
        return isinstance(other, Tree) and self._children == other._children

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return self._hash

    # -- printing ----------------------------------------------------------
    def _sympystr(self, printer):
        return "(" + ", ".join(printer._print(c) for c in self._children) + ")"

    def _latex(self, printer):
        return r"\left(" + ", ".join(printer._print(c) for c in self._children) + r"\right)"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        pieces = [printer._print(c) for c in self._children]
        out = pieces[0]
        for p in pieces[1:]:
            out = prettyForm(*out.right(", "))
            out = prettyForm(*out.right(p))
        return prettyForm(*out.parens())

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        return f"Tree({sympy.sstr(self)!r})"

    def _repr_latex_(self):
        return "$" + sympy.latex(self) + "$"


def _as_inputs(inputs, who, *, count=None):
    """Validate a sequence of distinct input Symbols (names are accepted)."""
    if isinstance(inputs, str):
        try:
            syms = sympy.symbols(inputs.replace(",", " "), seq=True)
        except Exception as exc:  # pragma: no cover - symbols() is permissive
            raise FormatError(f"{who}: cannot read the input names {inputs!r}: {exc}") from None
        inputs = tuple(syms)
    elif isinstance(inputs, (Neuron, RidgeSum, Tree)):
        raise _deeper_network_error(repr(inputs))
    try:
        items = tuple(inputs)
    except TypeError:
        raise InputError(
            f"{who}: inputs must be a sequence of sympy Symbols such as sympy.symbols('x y'); "
            f"got {inputs!r} of type {type(inputs).__name__}"
        ) from None
    out = []
    for item in items:
        if isinstance(item, (Neuron, RidgeSum, Tree)):
            raise _deeper_network_error(repr(item))
        if isinstance(item, str) and item.isidentifier():
            item = sympy.Symbol(item)
        if not isinstance(item, sympy.Symbol):
            raise InputError(
                f"{who}: every input must be a sympy Symbol; got {item!r} of type {type(item).__name__}"
            )
        out.append(item)
    if not out:
        raise ShapeError(f"{who}: needs at least one input; got none")
    if len(set(out)) != len(out) or len({s.name for s in out}) != len(out):
        raise InputError(f"{who}: inputs must be distinct variables; got {tuple(out)}")
    if count is not None and len(out) != count:
        raise NotSupportedError(
            f"{who}: only exactly {count} inputs are supported yet; got {len(out)}: {tuple(out)}"
        )
    return tuple(out)


class Neuron:
    """A single neuron ``sigma(w . x + b)`` with an arbitrary smooth activation.

    Parameters
    ----------
    inputs : sequence of Symbol or str
        The distinct input variables (``"x y z"`` is accepted, and so is
        ``Neuron(x, y, z)``).

    Examples
    --------
    >>> import sympy
    >>> from symnet import Neuron
    >>> n = Neuron(sympy.symbols("x y z"))
    >>> n
    Neuron(x, y, z)
    >>> sympy.latex(n)
    '\\\\sigma\\\\left(w_{1} x + w_{2} y + w_{3} z + b\\\\right)'
    """

    __slots__ = ("_inputs",)

    def __init__(self, inputs, *more):
        self._inputs = _as_inputs((inputs,) + more if more else inputs, "Neuron")

    @property
    def inputs(self):
        """The input variables."""
        return self._inputs

    @property
    def graph(self):
        """A networkx ``DiGraph`` with an edge from every input to the neuron."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_node("neuron", kind="neuron")
        for x in self._inputs:
            g.add_node(x, kind="input")
            g.add_edge(x, "neuron")
        return g

    def __eq__(self, other):
        return isinstance(other, Neuron) and self._inputs == other._inputs

    def __hash__(self):
        return hash(("symnet.Neuron", self._inputs))

    def _sympystr(self, printer):
        return "Neuron(" + ", ".join(printer._print(x) for x in self._inputs) + ")"

    def _latex(self, printer):
        terms = [f"w_{{{i}}} {printer._print(x)}" for i, x in enumerate(self._inputs, 1)]
        return r"\sigma\left(" + " + ".join(terms) + r" + b\right)"

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        return sympy.sstr(self)

    def _repr_latex_(self):
        return "$" + sympy.latex(self) + "$"


class RidgeSum:
    """A sum of ``m`` ridge functions of two inputs (one hidden layer, linear output).

    The architecture computes ``f_1(a_1 x + b_1 y) + ... + f_m(a_m x + b_m y)``
    for smooth ``f_i`` and real directions ``(a_i, b_i)``; it is the
    function space of a network with one hidden layer of ``m`` neurons and a
    linear output neuron.

    Parameters
    ----------
    m : int
        Number of ridge functions (hidden neurons), at least 1.
    inputs : sequence of two Symbols, or str
        The two input variables.

    Raises
    ------
    ShapeError
        If ``m`` is not a positive integer.
    NotSupportedError
        If there are not exactly two inputs.

    Examples
    --------
    >>> import sympy
    >>> from symnet import RidgeSum
    >>> r = RidgeSum(2, sympy.symbols("x y"))
    >>> r
    RidgeSum(2, (x, y))
    >>> sympy.latex(r)
    '\\\\sum_{i=1}^{2} f_{i}\\\\left(a_{i} x + b_{i} y\\\\right)'
    """

    __slots__ = ("_m", "_inputs")

    def __init__(self, m, inputs, *more):
        if more:
            inputs = (inputs,) + more
        if isinstance(m, bool) or not isinstance(m, (int, sympy.Integer)):
            raise InputError(f"RidgeSum: m (the number of ridge functions) must be an int; got {m!r}")
        if int(m) < 1:
            raise ShapeError(f"RidgeSum: m (the number of ridge functions) must be at least 1; got {m}")
        self._m = int(m)
        self._inputs = _as_inputs(inputs, "RidgeSum", count=2)

    @property
    def m(self):
        """Number of ridge functions."""
        return self._m

    @property
    def inputs(self):
        """The two input variables."""
        return self._inputs

    @property
    def graph(self):
        """A networkx ``DiGraph``: inputs -> ``m`` hidden neurons -> output."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_node("output", kind="linear")
        for i in range(1, self._m + 1):
            g.add_node(("hidden", i), kind="neuron")
            g.add_edge(("hidden", i), "output")
            for x in self._inputs:
                g.add_node(x, kind="input")
                g.add_edge(x, ("hidden", i))
        return g

    def __eq__(self, other):
        return isinstance(other, RidgeSum) and (self._m, self._inputs) == (other._m, other._inputs)

    def __hash__(self):
        return hash(("symnet.RidgeSum", self._m, self._inputs))

    def _sympystr(self, printer):
        return f"RidgeSum({self._m}, (" + ", ".join(printer._print(x) for x in self._inputs) + "))"

    def _latex(self, printer):
        x, y = (printer._print(v) for v in self._inputs)
        return rf"\sum_{{i=1}}^{{{self._m}}} f_{{i}}\left(a_{{i}} {x} + b_{{i}} {y}\right)"

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        return sympy.sstr(self)

    def _repr_latex_(self):
        return "$" + sympy.latex(self) + "$"


def _network_architecture(net):
    """The PDE architecture of a symnet Network: a single neuron, or one hidden layer
    with a linear output on two inputs (a ridge sum).  Anything deeper is not supported yet."""
    deeper = NotSupportedError(
        "PDE constraints are supported for a single neuron and for one hidden layer with a "
        "linear (identity) output on two inputs; constraints of deeper neuron networks are "
        f"not supported yet (got {net!r})"
    )
    try:
        stages = net.stages()
        G = net.graph
        inputs = tuple(net.inputs)
        outputs = tuple(net.outputs)
    except Exception:  # an unexpected Network-like object
        raise deeper from None
    if len(outputs) != 1:
        raise NotSupportedError(f"PDE constraints need a network with one output; got {len(outputs)} outputs")
    if len(stages) == 1 and len(stages[0].nodes) == 1:
        return Neuron(inputs)
    if len(stages) != 2 or len(stages[1].nodes) != 1:
        raise deeper
    out = stages[1].nodes[0]
    if getattr(stages[1].activations[0], "name", None) != "identity":
        raise deeper
    hidden = set(stages[0].nodes)
    skip = any(p not in hidden for p in G.predecessors(out))
    m = len([p for p in G.predecessors(out) if p in hidden]) + (1 if skip else 0)
    if len(inputs) != 2:
        raise NotSupportedError(
            f"sums of ridge functions are supported for two inputs only; the network has {len(inputs)} inputs"
        )
    return RidgeSum(m, inputs)


def as_architecture(arch):
    """Coerce ``arch`` to a Tree, Neuron or RidgeSum (strings and tuples become Trees)."""
    if isinstance(arch, (Tree, Neuron, RidgeSum)):
        return arch
    if isinstance(arch, (str, tuple, list, sympy.Tuple)):
        return Tree(arch)
    if hasattr(arch, "expr") and callable(getattr(arch, "expr")) and hasattr(arch, "stages"):
        return _network_architecture(arch)
    raise InputError(
        "an architecture must be a Tree, Neuron or RidgeSum (or a tree spec such as '((x,y),z)'); "
        f"got {arch!r} of type {type(arch).__name__}"
    )
