"""Architectures and what they impose: the Architecture protocol, trees, neurons, ridge sums.

Every architecture is one class implementing :class:`Architecture`; the
generic drivers :func:`symnet.pde_constraints`,
:func:`symnet.nonsingularity_conditions`, :func:`symnet.check_pde` and
:func:`symnet.variety_equations` only call the protocol.  Three kinds are
built in:

* :class:`Tree` -- a rooted tree whose leaves are distinct input variables and
  whose internal nodes compute arbitrary smooth functions of their children;
* :class:`Neuron` -- a single neuron ``sigma(w . x + b)``;
* :class:`RidgeSum` -- one hidden layer of ``m`` neurons with a linear output,
  on two inputs: ``f_1(a_1 x + b_1 y) + ... + f_m(a_m x + b_m y)``.

A new architecture is one subclass: it names its :attr:`~Architecture.inputs`
and returns its :meth:`~Architecture.constraints` and
:meth:`~Architecture.conditions`; everything else has a default.

Examples
--------
>>> from symnet import Tree
>>> t = Tree("((x,y),z)")
>>> t
Tree('((x, y), z)')
>>> t.leaves
(x, y, z)

A fourth architecture, the additive model ``F(x, y) = g(x) + h(y)``,
characterised by the PDE ``F_xy = 0`` (no non-singularity condition is
needed):

>>> import sympy
>>> from symnet import check_pde, pde_constraints
>>> from symnet.pde.architectures import Architecture
>>> from symnet.pde.equations import Constraint
>>> class Additive(Architecture):
...     noun = "additive model"
...     def __init__(self, x, y):
...         self._inputs = (x, y)
...     @property
...     def inputs(self):
...         return self._inputs
...     def constraints(self, reduced=False):
...         return [Constraint(self._inputs, [[(1, 1)]], "additive")]
...     def conditions(self):
...         return []
>>> x, y = sympy.symbols("x y")
>>> [str(c) for c in pde_constraints(Additive(x, y))]
['F_xy = 0']
>>> r = check_pde(sympy.exp(x) + sympy.sin(y), Additive(x, y))
>>> r.satisfied, r.representable
(True, True)
>>> check_pde(x * y, Additive(x, y)).satisfied
False
"""

import abc
import itertools
import math
import numbers
import re
from typing import NamedTuple

import mpmath
import sympy

from .._validate import as_symbols
from ..errors import FormatError, InputError, NotSupportedError, ParseError, ShapeError, SymnetError
from .derivatives import _det, _undefined_derivative, multi_index
from .equations import Condition, Constraint, evaluate_conditions
from .evaluation import (_REL_ZERO, FunctionContext, _gradient_status, _guess_constant)
from .limits import (MAX_SPEC_LENGTH, MAX_TREE_DEPTH, describe_count, describe_value, refuse_if_too_large,
                     refuse_large_det)
from .zero import _BadPoint, _NotNumeric, is_clearly_nonzero, is_exactly_zero

__all__ = ["Architecture", "Representation", "Tree", "Neuron", "RidgeSum", "Decomposition",
           "as_architecture"]


# ---------------------------------------------------------------------------
# the protocol
# ---------------------------------------------------------------------------
class Representation(NamedTuple):
    """What an architecture concludes about a function that satisfies its constraints.

    Attributes
    ----------
    representable : bool or None
        Whether the architecture computes ``f`` near the point (None: inconclusive).
    reason : str
    decomposition : dict or None
        The inner functions, when the architecture can build them.
    directions : list or None
        The directions of ridge functions / weight vectors, when known.

    Examples
    --------
    >>> from symnet.pde.architectures import Representation
    >>> Representation(True, "the gradient is constant").representable
    True
    """

    representable: object
    reason: str
    decomposition: object = None
    directions: object = None


class Architecture(abc.ABC):
    """The protocol every architecture implements.

    The generic drivers (:func:`symnet.pde_constraints`,
    :func:`symnet.nonsingularity_conditions`, :func:`symnet.check_pde`,
    :func:`symnet.variety_equations`) call only these members.  A subclass
    must implement :attr:`inputs`, :meth:`constraints` and
    :meth:`conditions`; :meth:`size_estimate`, :meth:`structural_proof` and
    :meth:`representation` have defaults.

    Attributes
    ----------
    noun : str
        How results name the architecture ("on the tree ((x, y), z)").

    Examples
    --------
    >>> from symnet import Tree
    >>> from symnet.pde.architectures import Architecture
    >>> isinstance(Tree("((x,y),z)"), Architecture)
    True
    >>> Tree("((x,y),z)").size_estimate()[0]
    1
    """

    noun = "architecture"

    @property
    @abc.abstractmethod
    def inputs(self):
        """The input variables (distinct sympy Symbols): the arguments of ``F``."""

    @abc.abstractmethod
    def constraints(self, reduced=False):
        """The PDE constraints, a list of :class:`~symnet.pde.equations.Constraint`.

        ``reduced=True`` may return a smaller set that is equivalent where
        each constraint's ``reference`` is nonzero (default: the full set).
        """

    @abc.abstractmethod
    def conditions(self):
        """The non-singularity conditions (:class:`~symnet.pde.equations.Condition`) under
        which the constraints are sufficient near a point."""

    def size_estimate(self, reduced=False):
        """``(number of constraints, bytes)`` before building them, or None if unknown.

        :func:`symnet.pde_constraints` refuses a request over the limits
        (:mod:`symnet.pde.limits`) up front with a ResourceError.
        """
        return None

    def structural_proof(self, fn, points):
        """Prove every constraint at once for the function ``fn``, or return None.

        ``fn`` is a :class:`~symnet.pde.evaluation.FunctionContext` and
        ``points`` its :class:`~symnet.pde.evaluation.PointValues` at random
        rational points.  A non-None return (a certificate, e.g. the weight
        vector of a neuron) means every constraint is proven identically
        zero; it is passed on to :meth:`representation`.  By default there
        is no such proof and the constraints are proven one by one.
        """
        return None

    def representation(self, fn, values, nonsingular, certificate):
        """Is ``fn`` (which satisfies every constraint) computed by the architecture near the point?

        ``values`` are the :class:`~symnet.pde.evaluation.PointValues` at the
        point, ``nonsingular`` whether every condition holds there (True,
        False or None) and ``certificate`` what :meth:`structural_proof`
        returned.  The default follows the contract of :meth:`conditions`:
        where they hold, the constraints are sufficient.

        Returns
        -------
        Representation
        """
        if nonsingular:
            return Representation(True, "the constraints hold and every non-singularity condition "
                                        "holds at the point")
        if nonsingular is False:
            return Representation(None, "a non-singularity condition fails at the point: inconclusive there")
        return Representation(None, "non-singularity could not be decided at the point")

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(sympy.sstr(x) for x in self.inputs)})"


def _deeper_network_error(what):
    return NotSupportedError(
        "PDE constraints of networks deeper than one layer of neurons are not "
        f"supported yet: got {describe_value(what)} used as an input. Supported architectures are "
        "Tree(spec) (arbitrary smooth functions at the nodes), Neuron(inputs) and "
        "RidgeSum(m, inputs)."
    )


def _constraint_bytes(size, n):
    """Rough bytes of one Constraint with a ``size x size`` matrix over ``n`` inputs."""
    return 400 + size * (56 + 8 * size) + size * size * (56 + 8 * n)


# ---------------------------------------------------------------------------
# trees: the safe spec parser
# ---------------------------------------------------------------------------
def _show(spec, limit=80):
    return repr(spec) if len(spec) <= limit else repr(spec[:limit]) + "..."


def _as_symbol(leaf, where):
    """A leaf of a tree spec as a Symbol (names are turned into Symbols)."""
    if isinstance(leaf, sympy.Symbol):
        return leaf
    if isinstance(leaf, str):
        name = leaf.strip()
        if not name.isidentifier():
            raise FormatError(
                f"a tree leaf must be a variable name such as 'x' or 'x1'; got {describe_value(leaf)}{where}"
            )
        return sympy.Symbol(name)
    if isinstance(leaf, Architecture):
        raise _deeper_network_error(repr(leaf))
    raise InputError(
        "tree leaves must be sympy Symbols (or variable names); got "
        f"{describe_value(leaf)} of type {type(leaf).__name__}{where}"
    )


_TOKEN = re.compile(r"\s*(?:(?P<open>[(\[])|(?P<close>[)\]])|(?P<comma>,)|(?P<name>[^\s()\[\],]+))")
_SEQUENCES = (tuple, list, sympy.Tuple)


def _tokenize(spec):
    pos, tokens = 0, []
    spec = spec.rstrip()
    while pos < len(spec):
        m = _TOKEN.match(spec, pos)
        if m is None:  # pragma: no cover - the pattern matches any non-space run
            raise ParseError(f"cannot read the tree spec {_show(spec)} at position {pos}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return tokens


def _parse_string(spec):
    """Parse ``"((x,y),z)"`` into nested tuples of Symbols (never evaluated)."""
    if len(spec) > MAX_SPEC_LENGTH:
        raise ParseError(f"a tree spec may have at most {MAX_SPEC_LENGTH:,} characters; got {len(spec):,}")
    tokens = _tokenize(spec)
    if not tokens:
        raise ParseError("a tree spec must not be empty; expected something like '((x,y),z)'")
    depth = 0
    for kind, _, pos in tokens:  # bound the nesting before the recursive descent
        depth += 1 if kind == "open" else -1 if kind == "close" else 0
        if depth > MAX_TREE_DEPTH:
            raise ParseError(f"in tree spec {_show(spec)}: expected at most {MAX_TREE_DEPTH} nested levels, "
                             f"got more at position {pos}")

    def describe(i):
        if i >= len(tokens):
            return "the end of the spec"
        return f"{tokens[i][1]!r} at position {tokens[i][2]}"

    def node(i):
        # returns (parsed, next index)
        if i >= len(tokens):
            raise ParseError(f"in tree spec {_show(spec)}: expected a variable or '(' but got the end of "
                             "the spec")
        kind, text, pos = tokens[i]
        if kind == "name":
            if not text.isidentifier():
                raise ParseError(
                    f"in tree spec {_show(spec)}: expected a variable name such as 'x' or 'x1', "
                    f"got {text!r} at position {pos}"
                )
            return sympy.Symbol(text), i + 1
        if kind == "open":
            closing = ")" if text == "(" else "]"
            if i + 1 < len(tokens) and tokens[i + 1][0] == "close":
                raise ParseError(
                    f"in tree spec {_show(spec)}: expected at least one child in every node, got the "
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
                        raise ParseError(
                            f"in tree spec {_show(spec)}: expected {closing!r} to close the bracket at "
                            f"position {pos}, got {describe(j)}"
                        )
                    return tuple(children), j + 1
                raise ParseError(
                    f"in tree spec {_show(spec)}: expected ',' or {closing!r} after a child, "
                    f"got {describe(j)}"
                )
        raise ParseError(f"in tree spec {_show(spec)}: expected a variable or '(', got {describe(i)}")

    # a top-level comma list "(x,y),z" is read as the children of the root
    items, i = [], 0
    while True:
        item, i = node(i)
        items.append(item)
        if i < len(tokens) and tokens[i][0] == "comma":
            i += 1
            continue
        if i < len(tokens):
            raise ParseError(f"in tree spec {_show(spec)}: unexpected {describe(i)} after the tree")
        break
    if len(items) == 1:
        if isinstance(items[0], sympy.Symbol):
            raise ParseError(
                f"a tree spec needs at least one internal node, e.g. '({items[0]},)' or "
                f"'(({items[0]},y),z)'; got the bare variable {_show(spec)}"
            )
        return items[0]
    return tuple(items)


def _check_nesting(spec, error):
    """Refuse nested sequences deeper than MAX_TREE_DEPTH, self-containing or shared (iteratively)."""
    on_path, seen = set(), set()
    stack = [(spec, 1, False)]
    while stack:
        node, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        if id(node) in on_path:
            raise FormatError("a tree spec must not contain itself; got a sequence nested inside itself")
        if id(node) in seen and len(node):
            raise NotSupportedError("trees whose leaves repeat a variable are not supported yet: the same "
                                    "sub-sequence appears twice in the spec")
        if depth > MAX_TREE_DEPTH:
            raise error(f"a tree may be nested at most {MAX_TREE_DEPTH} levels deep; got a deeper spec")
        on_path.add(id(node))
        seen.add(id(node))
        stack.append((node, depth, True))
        for item in node:
            if isinstance(item, _SEQUENCES):
                stack.append((item, depth + 1, False))
            elif isinstance(item, Tree) and depth + item.depth > MAX_TREE_DEPTH:
                raise error(f"a tree may be nested at most {MAX_TREE_DEPTH} levels deep; got "
                            f"{depth + item.depth} levels")


# ---------------------------------------------------------------------------
# trees
# ---------------------------------------------------------------------------
class Decomposition(dict):
    """The inner functions ``{node: h_v}`` of a tree decomposition.

    Keys are sub-Trees; a nested tuple or a spec string naming the node is
    accepted for lookup, e.g. ``d["(x,y)"]`` or ``d[(x, y)]``.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Tree
    >>> from symnet.pde.architectures import Decomposition
    >>> x, y = sympy.symbols("x y")
    >>> d = Decomposition({Tree("(x,y)"): x * y})
    >>> d["(x,y)"], (x, y) in d
    (x*y, True)
    """

    @staticmethod
    def _key(key):
        if isinstance(key, (str, tuple, list)):
            try:
                return Tree(key)
            except SymnetError:
                return key
        return key

    def __getitem__(self, key):
        return super().__getitem__(self._key(key))

    def __contains__(self, key):
        return super().__contains__(self._key(key))

    def get(self, key, default=None):
        return super().get(self._key(key), default)


class Tree(Architecture):
    """A rooted tree architecture whose leaves are distinct input variables.

    Every internal node computes an arbitrary smooth function of its
    children, so ``Tree("((x,y),z)")`` is the set of functions
    ``g(h(x, y), z)``.  Internal nodes may have any number of children.

    Parameters
    ----------
    spec : str, tuple, list or Tree
        A string such as ``"((x,y),(z,w))"`` (variable names must be Python
        identifiers; square brackets are accepted too; it is parsed, never
        evaluated) or nested tuples/lists whose leaves are sympy Symbols (or
        names).  At most :data:`symnet.pde.limits.MAX_TREE_DEPTH` levels.

    Attributes
    ----------
    children : tuple
        The children of the root: Symbols (leaves) or sub-Trees.
    leaves : tuple of Symbol
        The input variables, in depth-first order; they are the arguments of
        the function ``F`` in :func:`symnet.pde_constraints`.

    Raises
    ------
    ParseError
        If a string spec cannot be parsed (a FormatError).
    FormatError
        If a sequence spec has an empty node or is nested too deeply.
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

    __slots__ = ("_children", "_leaves", "_hash", "_depth")
    noun = "tree"

    def __init__(self, spec):
        if isinstance(spec, Tree):
            self._init_from(spec._children)
            return
        if isinstance(spec, str):
            parsed = _parse_string(spec)
            _check_nesting(parsed, ParseError)
        elif isinstance(spec, _SEQUENCES):
            if len(spec) == 0:
                raise FormatError("a tree node must have at least one child; got an empty sequence")
            _check_nesting(spec, FormatError)
            parsed = spec
        elif isinstance(spec, Architecture):
            raise _deeper_network_error(repr(spec))
        elif isinstance(spec, sympy.Symbol):
            raise InputError(
                f"a Tree spec must be a string such as '(({spec},y),z)' or nested tuples of Symbols; "
                f"got the single Symbol {spec} (write ({spec},) for a one-leaf tree)"
            )
        else:
            raise InputError(
                "a Tree spec must be a string such as '((x,y),z)' or nested tuples of Symbols; "
                f"got {describe_value(spec)} of type {type(spec).__name__}"
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
            elif isinstance(item, _SEQUENCES):
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
        depth = 0
        for c in self._children:
            if isinstance(c, Tree):
                leaves.extend(c._leaves)
                depth = max(depth, c._depth)
            else:
                leaves.append(c)
        self._leaves = tuple(leaves)
        self._depth = depth + 1
        self._hash = hash(("symnet.Tree", self._children))

    def _check_distinct(self):
        seen = {}
        for leaf in self._leaves:
            if leaf in seen:
                count = self._leaves.count(leaf)
                raise NotSupportedError(
                    f"trees whose leaves repeat a variable are not supported yet: {leaf} appears "
                    f"at {count} leaves of {_show(str(self))[1:-1]}. Every leaf must be a distinct "
                    "input variable."
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
        out, stack = [], [self]
        while stack:
            v = stack.pop()
            out.append(v)
            stack.extend(c for c in reversed(v._children) if isinstance(c, Tree))
        return out

    @property
    def depth(self):
        """Number of internal nodes on the longest root-to-leaf path."""
        return self._depth

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

    # -- the protocol --------------------------------------------------------
    def size_estimate(self, reduced=False):
        """``(number of constraints, bytes)`` of :meth:`constraints`, computed without building them."""
        n = len(self._leaves)
        count = 0
        for v in self.internal_nodes():
            if v is self:
                continue
            s = len(v._leaves)
            if reduced:
                count += (s - 1) * (n - s)
            else:
                sizes = [len(c._leaves) if isinstance(c, Tree) else 1 for c in v._children]
                count += (s * s - sum(k * k for k in sizes)) // 2 * (n - s)
        return count, count * (_constraint_bytes(2, n) + (300 + 8 * n if reduced else 0))

    def constraints(self, reduced=False):
        """``C_{ij;k}`` for every non-root node; see :func:`symnet.pde_constraints`."""
        inputs = self._leaves
        n = len(inputs)
        pos = {x: i for i, x in enumerate(inputs)}
        out = []
        seen = set()
        for v in self.internal_nodes():
            if v is self:
                continue  # the root imposes nothing
            inside = set(v.leaves)
            outside = [x for x in inputs if x not in inside]
            if not reduced:
                kids = [c.leaves if isinstance(c, Tree) else (c,) for c in v.children]
                for a, b in itertools.combinations(range(len(kids)), 2):
                    for xi in kids[a]:
                        for xj in kids[b]:
                            for xk in outside:
                                i, j, k = pos[xi], pos[xj], pos[xk]
                                matrix = [[multi_index(n, i), multi_index(n, j)],
                                          [multi_index(n, i, k), multi_index(n, j, k)]]
                                out.append(Constraint._trusted(inputs, matrix, "tree", node=v,
                                                               triple=(xi, xj, xk)))
            else:
                ref = v.leaves[0]
                r = pos[ref]
                for xj in v.leaves[1:]:
                    for xk in outside:
                        key = (ref, xj, xk)
                        if key in seen:
                            continue
                        seen.add(key)
                        j, k = pos[xj], pos[xk]
                        matrix = [[multi_index(n, r), multi_index(n, j)],
                                  [multi_index(n, r, k), multi_index(n, j, k)]]
                        reference = sympy.Derivative(sympy.Function("F")(*inputs), ref)
                        out.append(Constraint._trusted(inputs, matrix, "tree", node=v, triple=(ref, xj, xk),
                                                       reference=reference))
        return out

    def conditions(self):
        """A nonzero gradient below every non-root node with at least two leaves (not all of them)."""
        out, seen = [], set()
        everything = frozenset(self._leaves)
        for v in self.internal_nodes():
            leafset = frozenset(v.leaves)
            if v is self or len(leafset) < 2 or leafset == everything or leafset in seen:
                continue
            seen.add(leafset)
            out.append(Condition("gradient", self._leaves, v.leaves, node=v))
        return out

    def _decomposition(self, expr, point):
        out = Decomposition()
        for v in self.internal_nodes():
            if v is self or len(v.leaves) < 2:
                continue
            inside = set(v.leaves)
            out[v] = expr.xreplace({x: point[x] for x in self._leaves if x not in inside})
        return out

    def _pruned(self, keep):
        """The tree restricted to the leaves in ``keep`` (None if nothing is left)."""
        kids = []
        for c in self._children:
            if isinstance(c, Tree):
                sub = c._pruned(keep)
                if sub is not None:
                    kids.append(sub)
            elif c in keep:
                kids.append(c)
        if not kids:
            return None
        return Tree(tuple(kids))

    def representation(self, fn, values, nonsingular, certificate):
        """Representable where every node's gradient is nonzero; ``f``'s unused inputs are pruned first."""
        point = {x: values.user_point[x] for x in fn.inputs}
        if nonsingular:
            return Representation(
                True, "the constraints hold and every non-root node has a nonzero gradient at the point",
                self._decomposition(fn.expr, point))
        # prune the inputs f does not depend on, then re-check non-singularity
        n = len(fn.inputs)
        keep = []
        for i, x in enumerate(fn.inputs):
            st = _gradient_status(values, [multi_index(n, i)])
            if st is True or fn.prove_zero(fn.derivs(multi_index(n, i))) is not True:
                keep.append(x)
        if len(keep) == n:
            if nonsingular is False:
                return Representation(None, "a non-singularity condition fails at the point: "
                                            "inconclusive there")
            return Representation(None, "non-singularity could not be decided at the point")
        if not keep:
            return Representation(True, "f does not depend on the inputs", Decomposition())
        pruned = self._pruned(set(keep))
        dropped = tuple(x for x in fn.inputs if x not in keep)
        sub = FunctionContext(fn.expr, tuple(pruned.leaves), fn.params + dropped, 0, fn.timeout)
        ok, _, _ = evaluate_conditions(pruned.conditions(), sub.values_at(values.user_point))
        names = ", ".join(str(x) for x in dropped)
        if ok:
            return Representation(
                True, f"f does not depend on {names}; on the pruned tree {pruned} every non-root node "
                      "has a nonzero gradient at the point",
                pruned._decomposition(fn.expr, point))
        return Representation(
            None, f"f does not depend on {names}, and a non-singularity condition of the pruned tree fails")

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


# ---------------------------------------------------------------------------
# a single neuron
# ---------------------------------------------------------------------------
def _as_inputs(inputs, who, *, count=None):
    """Validate a sequence of distinct input Symbols (names are accepted)."""
    if isinstance(inputs, Architecture):
        raise _deeper_network_error(repr(inputs))
    if not isinstance(inputs, (str, sympy.Symbol)):
        try:
            items = tuple(inputs)
        except TypeError:
            raise InputError(
                f"{who}: inputs must be a sequence of sympy Symbols such as sympy.symbols('x y'); "
                f"got {describe_value(inputs)} of type {type(inputs).__name__}"
            ) from None
        for item in items:
            if isinstance(item, Architecture):
                raise _deeper_network_error(repr(item))
        inputs = items
    out = as_symbols(inputs, who)
    if not out:
        raise ShapeError(f"{who}: needs at least one input; got none")
    if len({s.name for s in out}) != len(out):
        raise InputError(f"{who}: inputs must be distinct variables; got {tuple(out)}")
    if count is not None and len(out) != count:
        raise NotSupportedError(
            f"{who}: only exactly {count} inputs are supported yet; got {len(out)}: {tuple(out)}"
        )
    return tuple(out)


def _neuron_decomposition(expr, inputs, w, point):
    t = sympy.Symbol("t")
    w_vec = sympy.Matrix(w)
    p = sympy.Matrix([point[x] for x in inputs])
    norm2 = (w_vec.T * w_vec)[0]
    base = p - (w_vec.T * p)[0] * w_vec / norm2
    line = {x: base[i] + t * w_vec[i] / norm2 for i, x in enumerate(inputs)}
    return {"w": sympy.Tuple(*w), "sigma": sympy.Lambda(t, expr.xreplace(line))}


class Neuron(Architecture):
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
    noun = "neuron"

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

    # -- the protocol --------------------------------------------------------
    def size_estimate(self, reduced=False):
        """``(number of constraints, bytes)`` of :meth:`constraints`."""
        n = len(self._inputs)
        count = (n - 1) * n if reduced else n * (n - 1) // 2 * n
        return count, count * (_constraint_bytes(2, n) + (300 + 8 * n if reduced else 0))

    def constraints(self, reduced=False):
        """``C_{ij;k}`` for all ``i < j`` and all ``k`` (reduced: ``i`` = the first input)."""
        inputs = self._inputs
        n = len(inputs)
        out = []
        pairs = [(0, j) for j in range(1, n)] if reduced else itertools.combinations(range(n), 2)
        reference = sympy.Derivative(sympy.Function("F")(*inputs), inputs[0]) if reduced else None
        for i, j in pairs:
            for k in range(n):
                matrix = [[multi_index(n, i), multi_index(n, j)],
                          [multi_index(n, i, k), multi_index(n, j, k)]]
                out.append(Constraint._trusted(inputs, matrix, "neuron",
                                               triple=(inputs[i], inputs[j], inputs[k]), reference=reference))
        return out

    def conditions(self):
        """The gradient of ``F`` is nonzero."""
        return [Condition("gradient", self._inputs, self._inputs)]

    def structural_proof(self, fn, points):
        """Prove ``F_j = q_j F_r`` with constants ``q_j``; returns the weight vector or None."""
        n = len(fn.inputs)
        grads = fn.first_order()
        for pv in points:
            try:
                approx = [pv.approx(a) for a in grads]
            except (_BadPoint, _NotNumeric):
                continue
            r = max(range(n), key=lambda i: abs(approx[i]))
            if approx[r] == 0:
                continue
            xsubs = {fn.real[x]: pv.user_point[x] for x in fn.inputs}
            exact = [fn.derivs(a).xreplace(xsubs) for a in grads]
            w = []
            for j in range(n):
                if j == r:
                    w.append(sympy.Integer(1))
                    continue
                with mpmath.workdps(pv.dps):
                    ratio = approx[j] / approx[r]
                q = _guess_constant(exact[j] / exact[r], ratio, fn, allow_numeric=not fn.params)
                if q is None:
                    return None
                w.append(q)
            for j in range(n):
                if j == r:
                    continue
                if fn.prove_zero(fn.derivs(grads[j]) - w[j] * fn.derivs(grads[r])) is not True:
                    return None
            return [fn.back(wi) for wi in w]
        return None

    def representation(self, fn, values, nonsingular, certificate):
        """Representable where the gradient is nonzero; the weights and activation when proven."""
        if nonsingular:
            if certificate is None:
                return Representation(True, "the gradient is parallel to a constant vector near the point")
            return Representation(True, "the gradient is parallel to a constant vector near the point",
                                  _neuron_decomposition(fn.expr, fn.inputs, certificate, values.user_point),
                                  [sympy.Tuple(*certificate)])
        if fn.is_constant():
            return Representation(True, "f does not depend on the inputs")
        return Representation(None, "the gradient vanishes at the point: inconclusive there")

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


# ---------------------------------------------------------------------------
# sums of ridge functions
# ---------------------------------------------------------------------------
def _ridge_rows(r):
    """Derivative monomials ``(p, q)`` with ``p + q <= r``, by order, d_x first."""
    return [(s - q, q) for s in range(r + 1) for q in range(s + 1)]


def _ridge_matrix_rows(m, rows):
    """Rows ``D v`` of ``M``: ``v = (d_x^(m-a) d_y^a F)_{a=0..m}`` differentiated by ``(p, q)``."""
    return [[(p + m - a, q + a) for a in range(m + 1)] for (p, q) in rows]


def _ridge_kernel(m, pv, exact=True):
    """Kernel vector of ``M_{m-1}`` at a point from an m-row subset with a nonzero minor.

    Returns ``(c_exact, c_approx, rows)`` or None when no nonzero minor is found.
    """
    rows = _ridge_rows(m - 1)
    mat = _ridge_matrix_rows(m, rows)
    with mpmath.workdps(pv.dps):
        approx = [[pv.approx(a) for a in row] for row in mat]
        best = None
        for combo in itertools.combinations(range(len(rows)), m):
            sub = [approx[i] for i in combo]
            cof = []
            for a in range(m + 1):
                minor = [[r[b] for b in range(m + 1) if b != a] for r in sub]
                cof.append((-1) ** a * _det(minor) if m > 0 else 1)
            norm = max(abs(v) for v in cof)
            bound = mpmath.mpf(1)
            for r in sub:
                bound *= mpmath.sqrt(sum(abs(v) ** 2 for v in r))
            rel = norm / bound if bound else mpmath.mpf(0)
            if best is None or rel > best[0]:
                best = (rel, combo, cof)
    if best is None or best[0] <= _REL_ZERO:
        return None
    _, combo, cof = best
    c_exact = None
    if exact:
        sub = [[pv.exact(a) for a in mat[i]] for i in combo]
        c_exact = []
        for a in range(m + 1):
            minor = [[r[b] for b in range(m + 1) if b != a] for r in sub]
            c_exact.append((-1) ** a * _det(minor))
    return c_exact, cof, [rows[i] for i in combo]


def _classify_form(c, m):
    """Does ``sum_a c_a xi^(m-a) eta^a`` split into m distinct real linear factors?

    Returns ``(answer, reason, directions)``; directions ``(alpha, beta)`` are
    the roots, so that the ridge functions are ``f_i(alpha_i x + beta_i y)``.
    """
    t = sympy.Dummy("t")
    disc_note = ""
    if m == 2:
        alpha, beta, gamma = c
        disc = sympy.expand(beta ** 2 - 4 * alpha * gamma)
        disc_note = f"; with alpha F_xx + beta F_xy + gamma F_yy = 0, beta^2 - 4 alpha gamma = {sympy.sstr(disc)}"
    if all(isinstance(ca, (int, sympy.Rational)) for ca in c):
        poly = sympy.Poly(sum(ca * t ** a for a, ca in enumerate(c)), t, domain="QQ")
        d = poly.degree()
        at_infinity = m - d
        if poly.is_zero:
            return None, "the annihilating form vanishes", None
        if at_infinity >= 2:
            return False, "repeated direction: the annihilating operator has a repeated factor" + disc_note, None
        if not poly.is_sqf:
            return False, "repeated direction: the annihilating operator has a repeated factor" + disc_note, None
        real = poly.count_roots()
        if real < d:
            return False, "complex directions: the annihilating operator has no real factorisation" + disc_note, None
        roots = sympy.real_roots(poly)
        dirs = [sympy.Tuple(1, r) for r in roots] + ([sympy.Tuple(0, 1)] if at_infinity else [])
        what = "1 real direction" if m == 1 else f"{m} distinct real directions"
        return True, what + disc_note, dirs
    # irrational coefficients: decide numerically with guaranteed digits where possible
    if m == 2:
        sign = is_clearly_nonzero(disc)
        if sign:
            positive = disc.evalf(30, strict=True) > 0
            if positive:
                return True, "2 distinct real directions" + disc_note, None
            return False, "complex directions" + disc_note, None
        if is_exactly_zero(disc, 2.0):
            return False, "repeated direction" + disc_note, None
        return None, "could not decide the sign of the discriminant" + disc_note, None
    lead_zero = is_exactly_zero(c[m], 1.0) if not is_clearly_nonzero(c[m]) else None
    coeffs = list(c[:m]) if lead_zero else list(c)
    if lead_zero and not is_clearly_nonzero(coeffs[-1]):
        if is_exactly_zero(coeffs[-1], 1.0):
            return False, "repeated direction at infinity", None
        return None, "could not decide the directions", None
    if not lead_zero and not is_clearly_nonzero(c[m]):
        return None, "could not decide the directions", None
    try:
        with mpmath.workdps(60):
            cs = [mpmath.mpf(sympy.Float(ca.evalf(60), 60)) for ca in coeffs]
            roots1 = mpmath.polyroots(cs[::-1], maxsteps=200, extraprec=60)
        with mpmath.workdps(90):
            cs = [mpmath.mpf(sympy.Float(ca.evalf(90), 90)) for ca in coeffs]
            roots2 = mpmath.polyroots(cs[::-1], maxsteps=300, extraprec=90)
    except (mpmath.libmp.NoConvergence, TypeError, ValueError, ZeroDivisionError):
        return None, "could not locate the directions numerically", None
    with mpmath.workdps(60):
        roots1 = sorted([mpmath.mpc(r) for r in roots1], key=lambda z: (float(z.real), float(z.imag)))
        roots2 = sorted([mpmath.mpc(r) for r in roots2], key=lambda z: (float(z.real), float(z.imag)))
        err = max([abs(a - b) for a, b in zip(roots1, roots2)] + [mpmath.mpf(10) ** -50]) * 10
        for i, z in enumerate(roots1):
            others = [abs(z - w) for j, w in enumerate(roots1) if j != i]
            sep = min(others) if others else mpmath.inf
            if sep <= 2 * err:
                return None, "directions too close to separate numerically", None
            if abs(z.imag) > err:
                return False, "complex directions", None
    return True, f"{m} distinct real directions", None


class RidgeSum(Architecture):
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
    InputError
        If ``m`` is not an integer.
    ShapeError
        If ``m`` is not positive.
    ResourceError
        If the matrix ``M_m`` of the constraints (``(m+1)(m+2)/2`` rows of
        ``m+1`` derivatives) would not fit in memory.
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
    noun = "ridge sum"

    def __init__(self, m, inputs, *more):
        if more:
            inputs = (inputs,) + more
        if isinstance(m, bool) or not isinstance(m, numbers.Integral):
            raise InputError(f"RidgeSum: m (the number of ridge functions) must be an int; "
                             f"got {describe_value(m)}")
        m = int(m)
        if m < 1:
            raise ShapeError(f"RidgeSum: m (the number of ridge functions) must be at least 1; "
                             f"got {describe_count(m)}")
        rows = (m + 1) * (m + 2) // 2
        refuse_if_too_large(
            f"RidgeSum({describe_count(m)}, ...): the matrix M_m of its constraints "
            f"({describe_count(rows)} rows x {describe_count(m + 1)} columns)",
            rows * (m + 1), rows * (m + 1) * 72, "derivative entries",
            "use fewer ridge functions", max_count=None)
        self._m = m
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

    # -- the protocol --------------------------------------------------------
    def size_estimate(self, reduced=False):
        """``(number of constraints, bytes)``: ``C((m+1)(m+2)/2, m+1)`` minors, or ``(m+1)(m+2)/2 - m``."""
        m = self._m
        rows = (m + 1) * (m + 2) // 2
        count = rows - m if reduced else math.comb(rows, m + 1)
        return count, count * _constraint_bytes(m + 1, 2)

    def constraints(self, reduced=False):
        """Every ``(m+1) x (m+1)`` minor of ``M_m`` (reduced: ``m`` fixed rows of ``M_{m-1}``, one more)."""
        m, inputs = self._m, self._inputs
        rows = _ridge_rows(m)
        out = []
        if not reduced:
            for combo in itertools.combinations(rows, m + 1):
                out.append(Constraint._trusted(inputs, _ridge_matrix_rows(m, combo), "ridge",
                                               minor=tuple(combo)))
            return out
        ref_rows = _ridge_rows(m - 1)[:m]
        ref_matrix = _ridge_matrix_rows(m, ref_rows)
        F = sympy.Function("F")(*inputs)
        shared = {}

        def reference():  # one m x m determinant, shared by the whole set, built when first asked for
            if "value" not in shared:
                refuse_large_det(m, "Constraint.reference")
                shared["value"] = _det([[_undefined_derivative(F, a, inputs) for a in row[:m]]
                                        for row in ref_matrix])
            return shared["value"]

        ref_set = set(ref_rows)
        for row in rows:
            if row in ref_set:
                continue
            combo = tuple(ref_rows) + (row,)
            out.append(Constraint._trusted(inputs, _ridge_matrix_rows(m, combo), "ridge", minor=combo,
                                           reference=reference))
        return out

    def conditions(self):
        """``M_{m-1}`` has rank ``m``."""
        m = self._m
        rows = tuple(_ridge_rows(m - 1))
        return [Condition("rank", self._inputs, self._inputs, rows=rows, rank=m,
                          matrix=lambda: _ridge_matrix_rows(m, rows))]

    def structural_proof(self, fn, points):
        """Prove ``sum_a c_a d_x^(m-a) d_y^a F == 0`` for a constant ``c``; return c or None."""
        m = self._m
        for pv in points:
            try:
                got = _ridge_kernel(m, pv, exact=False)
            except (_BadPoint, _NotNumeric):
                continue
            if got is None:
                continue
            _, cof, rows = got
            # exact cofactors with the inputs substituted (parameters stay symbolic)
            xsubs = {fn.real[x]: pv.user_point[x] for x in fn.inputs}
            mat = _ridge_matrix_rows(m, rows)
            sub = [[fn.derivs(a).xreplace(xsubs) for a in row] for row in mat]
            c_exact = []
            for a in range(m + 1):
                minor = [[r[b] for b in range(m + 1) if b != a] for r in sub]
                c_exact.append((-1) ** a * _det(minor))
            ref = max(range(m + 1), key=lambda a: abs(cof[a]))
            c = []
            for a in range(m + 1):
                if a == ref:
                    c.append(sympy.Integer(1))
                    continue
                with mpmath.workdps(pv.dps):
                    ratio = cof[a] / cof[ref]
                if abs(ratio) < mpmath.mpf(10) ** -30 and is_exactly_zero(c_exact[a], 1.0):
                    c.append(sympy.Integer(0))
                    continue
                q = _guess_constant(c_exact[a] / c_exact[ref], ratio, fn, allow_numeric=not fn.params)
                if q is None:
                    return None
                c.append(q)
            op = sympy.Add(*[c[a] * fn.derivs((m - a, a)) for a in range(m + 1)])
            if fn.prove_zero(op) is True:
                return [fn.back(ca) for ca in c]
            return None
        return None

    def representation(self, fn, values, nonsingular, certificate):
        """Representable when the annihilating form has ``m`` distinct real linear factors."""
        m = self._m
        if nonsingular:
            if certificate is not None:
                c = certificate
            else:
                got = _ridge_kernel(m, values)
                if got is None:
                    return Representation(None, "could not compute the annihilating operator at the point")
                c = [sympy.nsimplify(ci) if ci.is_Rational else ci for ci in got[0]]
            if any(ci.free_symbols for ci in c):
                return Representation(None, "the annihilating operator depends on the parameters of f")
            ans, why, dirs = _classify_form(c, m)
            return Representation(ans, why, None, dirs)
        if fn.is_constant():
            return Representation(True, "f does not depend on the inputs")
        for smaller in range(m - 1, 0, -1):
            sub = fn.recheck(RidgeSum(smaller, self._inputs), dict(values.user_point))
            if sub.representable:
                return Representation(
                    True, f"degenerate kernel for m = {m}, but f is a sum of {smaller} ridge function(s)",
                    None, sub.directions)
            if sub.satisfied is not True:
                break
        what = f"rank M_{m - 1} < {m}" if nonsingular is False else f"rank M_{m - 1} = {m} could not be decided"
        return Representation(None, f"degenerate kernel: {what} at the point, so the annihilating operator "
                                    "is not unique; inconclusive")

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


# ---------------------------------------------------------------------------
# coercion
# ---------------------------------------------------------------------------
def _network_architecture(net):
    """The PDE architecture of a symnet Network: a single neuron, or one hidden layer
    with a linear output on two inputs (a ridge sum).  Anything deeper is not supported yet."""
    deeper = NotSupportedError(
        "PDE constraints are supported for a single neuron and for one hidden layer with a "
        "linear (identity) output on two inputs; constraints of deeper neuron networks are "
        f"not supported yet (got {describe_value(net)})"
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
    """Coerce ``arch`` to an :class:`Architecture` (strings and tuples become Trees, a
    one-layer Network its Neuron or RidgeSum).

    Examples
    --------
    >>> from symnet.pde.architectures import as_architecture
    >>> as_architecture("((x,y),z)")
    Tree('((x, y), z)')
    """
    if isinstance(arch, Architecture):
        if not isinstance(arch, (Tree, Neuron, RidgeSum)):  # a user's architecture: check its inputs
            inputs = as_symbols(arch.inputs, f"{type(arch).__name__}.inputs")
            if not inputs:
                raise ShapeError(f"{type(arch).__name__}.inputs: expected at least one input; got none")
        return arch
    if isinstance(arch, (str,) + _SEQUENCES):
        return Tree(arch)
    if hasattr(arch, "expr") and callable(getattr(arch, "expr")) and hasattr(arch, "stages"):
        return _network_architecture(arch)
    raise InputError(
        "an architecture must be a Tree, Neuron or RidgeSum (or a tree spec such as '((x,y),z)'); "
        f"got {describe_value(arch)} of type {type(arch).__name__}"
    )
