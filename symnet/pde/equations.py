"""The objects architectures produce: PDE constraints and non-singularity conditions.

* :class:`Constraint` -- one polynomial PDE ``det[matrix of derivatives of F] = 0``;
* :class:`Condition` -- a non-singularity condition (a gradient that must be
  nonzero, a matrix of derivatives that must have full rank), which can be
  evaluated at an exact point of a concrete function.

They know nothing of any particular architecture: an architecture (see
:class:`symnet.pde.architectures.Architecture`) builds them from its
topology.

Examples
--------
>>> import sympy
>>> from symnet.pde.equations import Condition, Constraint
>>> x, y, z = sympy.symbols("x y z")
>>> c = Constraint((x, y, z), [[(1, 0, 0), (0, 1, 0)], [(1, 0, 1), (0, 1, 1)]], "tree")
>>> print(c)
F_x*F_yz - F_y*F_xz = 0
>>> print(Condition("gradient", (x, y, z), (x, y)))
(F_x, F_y) != 0
"""

import numbers

import sympy

from .._validate import as_symbols
from ..errors import ArgumentError, InputError, ShapeError
from .derivatives import _deriv_latex, _det, _undefined_derivative, Derivatives, derivative_name, multi_index
from .evaluation import _gradient_status, _rank_status, as_function
from .limits import describe_value, refuse_large_det

__all__ = ["Constraint", "Condition", "evaluate_conditions"]


def _as_matrix(matrix, n, who):
    """A square matrix of multi-indices of length ``n`` as nested tuples (validated)."""
    try:
        rows = [list(row) for row in matrix]
    except TypeError:
        raise InputError(f"{who}: matrix must be a square matrix of multi-indices; "
                         f"got {describe_value(matrix)}") from None
    if not rows or any(len(row) != len(rows) for row in rows):
        shape = [len(row) for row in rows]
        raise ShapeError(f"{who}: matrix must be square and non-empty; got rows of lengths {shape}")
    out = []
    for row in rows:
        new = []
        for a in row:
            try:
                alpha = tuple(a)
            except TypeError:
                raise InputError(f"{who}: every entry must be a multi-index (a tuple of {n} counts); "
                                 f"got {describe_value(a)}") from None
            if len(alpha) != n or any(isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0
                                      for k in alpha):
                raise ShapeError(f"{who}: every entry must be a multi-index of {n} non-negative integers "
                                 f"(one per input); got {describe_value(a)}")
            new.append(tuple(int(k) for k in alpha))
        out.append(tuple(new))
    return tuple(out)


class Constraint:
    """One polynomial PDE ``P(derivatives of F) = 0`` imposed by an architecture.

    A constraint is the determinant of a matrix of partial derivatives of an
    undefined function ``F`` of the architecture's inputs.  Use
    :func:`symnet.pde_constraints` to get the constraints of an architecture;
    build them directly only when writing a new architecture.

    Parameters
    ----------
    inputs : sequence of Symbol
        The arguments of ``F``.
    matrix : square sequence of multi-indices
        Entry ``alpha`` (a tuple of one count per input) stands for the
        derivative of ``F`` with multi-index ``alpha``.
    kind : str
        A short name of the architecture kind (``"tree"``, ``"neuron"``,
        ``"ridge"``, ...).
    node, triple, minor, reference : optional
        Where the constraint comes from (see the attributes).

    Attributes
    ----------
    expr : sympy.Expr
        The constraint as an expression in ``Derivative(F(x, ...), ...)``.
    F : sympy.Expr
        The undefined function applied to the inputs, ``F(x, y, ...)``.
    inputs : tuple of Symbol
    kind : str
        ``"tree"``, ``"neuron"`` or ``"ridge"`` for the built-in architectures.
    node : Tree or None
        For trees: the internal node that generates the constraint.
    triple : tuple of Symbol or None
        ``(x_i, x_j, x_k)`` for ``C_{ij;k} = F_i F_jk - F_j F_ik``.
    minor : tuple or None
        For ridge sums: the rows of ``M_m`` used, each as ``(p, q)`` for the
        derivative ``d_x^p d_y^q``.
    reference : sympy.Expr or None
        For reduced sets: the expression that must be nonzero for the
        reduced set to be equivalent to the full one.
    order, degree : int
        Highest derivative order; polynomial degree in the derivatives.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Tree, pde_constraints
    >>> x, y, z = sympy.symbols("x y z")
    >>> [c] = pde_constraints(Tree("((x,y),z)"))
    >>> c.triple, c.node
    ((x, y, z), Tree('(x, y)'))
    >>> c.apply(sympy.exp(x*y) + z)
    0
    >>> sympy.expand(c.apply(x*y + y*z + x*z))
    -x + y
    """

    __slots__ = ("_inputs", "_matrix", "kind", "node", "triple", "minor", "_reference", "_expr")

    def __init__(self, inputs, matrix, kind, *, node=None, triple=None, minor=None, reference=None):
        inputs = as_symbols(inputs, "Constraint: inputs")
        if not isinstance(kind, str):
            raise InputError(f"Constraint: kind must be a string such as 'tree'; got {describe_value(kind)}")
        self._init(inputs, _as_matrix(matrix, len(inputs), "Constraint"), kind, node, triple, minor,
                   reference)

    @classmethod
    def _trusted(cls, inputs, matrix, kind, *, node=None, triple=None, minor=None, reference=None):
        """A constraint from arguments already validated (the architectures' fast path)."""
        self = object.__new__(cls)
        self._init(tuple(inputs), tuple(tuple(tuple(a) for a in row) for row in matrix), kind, node,
                   triple, minor, reference)
        return self

    def _init(self, inputs, matrix, kind, node, triple, minor, reference):
        self._inputs = inputs
        self._matrix = matrix
        self.kind = kind
        self.node = node
        self.triple = triple
        self.minor = minor
        self._reference = reference   # an expression, None, or a zero-argument callable (lazy)
        self._expr = None

    @property
    def inputs(self):
        """The arguments of ``F``."""
        return self._inputs

    @property
    def F(self):
        """The undefined function applied to the inputs, ``F(x, y, ...)``."""
        return sympy.Function("F")(*self._inputs)

    @property
    def reference(self):
        """For reduced sets: the expression that must be nonzero (None for full sets)."""
        if callable(self._reference):
            self._reference = self._reference()
        return self._reference

    @property
    def multi_indices(self):
        """The derivative multi-indices in the matrix, row by row."""
        return self._matrix

    @property
    def order(self):
        """The highest order of a derivative in the constraint."""
        return max(sum(a) for row in self._matrix for a in row)

    @property
    def degree(self):
        """The polynomial degree in the derivatives (the size of the matrix)."""
        return len(self._matrix)

    @property
    def origin(self):
        """Where the constraint comes from: ``(kind, node-or-None, triple-or-minor)``."""
        return (self.kind, self.node, self.triple if self.minor is None else self.minor)

    @property
    def expr(self):
        """The constraint as a sympy expression in derivatives of ``F``."""
        if self._expr is None:
            refuse_large_det(len(self._matrix), "Constraint.expr")
            F = self.F
            self._expr = _det([[_undefined_derivative(F, a, self._inputs) for a in row]
                               for row in self._matrix])
        return self._expr

    def evaluate(self, values):
        """Combine values of the derivatives into the constraint's value.

        Parameters
        ----------
        values : callable or mapping
            Multi-index -> value of that derivative (numbers, expressions,
            polynomial ring elements: anything with ``+ - *``).

        Examples
        --------
        >>> from symnet import pde_constraints
        >>> [c] = pde_constraints("((x,y),z)")
        >>> c.evaluate({(1, 0, 0): 2, (0, 1, 0): 3, (1, 0, 1): 5, (0, 1, 1): 7})
        -1
        """
        refuse_large_det(len(self._matrix), "Constraint.evaluate")
        if callable(values):
            get = values
        elif hasattr(values, "__getitem__"):
            def get(alpha):
                try:
                    return values[alpha]
                except (KeyError, IndexError, TypeError):
                    raise InputError(
                        f"Constraint.evaluate: values has no value for the derivative "
                        f"{derivative_name(alpha, self._inputs)} (multi-index {alpha})") from None
        else:
            raise InputError("Constraint.evaluate: values must be a mapping or a callable from "
                             f"multi-indices to values; got {type(values).__name__}")
        return _det([[get(a) for a in row] for row in self._matrix])

    def apply(self, f):
        """The constraint's expression for a concrete function ``f`` of the inputs.

        Parameters
        ----------
        f : sympy.Expr, number, str or Network
            A function of the inputs (other free symbols are parameters);
            strings are read with the safe parser, never evaluated.

        Returns
        -------
        sympy.Expr
            Unsimplified; it is identically zero iff ``f`` satisfies the
            constraint.

        Examples
        --------
        >>> from symnet import pde_constraints
        >>> [c] = pde_constraints("((x,y),z)")
        >>> c.apply("x*y + z")
        0
        """
        expr, _ = as_function(f, self._inputs)
        return self.evaluate(Derivatives(expr, self._inputs))

    def __eq__(self, other):
        return (isinstance(other, Constraint) and self._inputs == other._inputs
                and self._matrix == other._matrix)

    def __hash__(self):
        return hash(("symnet.Constraint", self._inputs, self._matrix))

    def _sympystr(self, printer):
        names = [[sympy.Symbol(derivative_name(a, self._inputs)) for a in row] for row in self._matrix]
        if len(names) == 2:
            (a, b), (c, d) = names
            p = printer._print
            return f"{p(a)}*{p(d)} - {p(b)}*{p(c)} = 0"
        if len(names) == 1:
            return f"{printer._print(names[0][0])} = 0"
        rows = ", ".join("[" + ", ".join(printer._print(e) for e in row) + "]" for row in names)
        return f"det([{rows}]) = 0"

    def _latex(self, printer):
        cells = [[_deriv_latex(a, self._inputs, printer) for a in row] for row in self._matrix]
        if len(cells) == 2:
            (a, b), (c, d) = cells
            return f"{a} {d} - {b} {c} = 0"
        if len(cells) == 1:
            return f"{cells[0][0]} = 0"
        body = r" \\ ".join(" & ".join(row) for row in cells)
        return r"\det\left[\begin{matrix}" + body + r"\end{matrix}\right] = 0"

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        return f"<Constraint {sympy.sstr(self)}>"

    def _repr_latex_(self):
        return "$" + sympy.latex(self) + "$"


class Condition:
    """A non-singularity condition: where it holds, the constraints are sufficient.

    Parameters
    ----------
    kind : str
        ``"gradient"`` (the gradient of ``F`` in ``variables`` is nonzero) or
        ``"rank"`` (the matrix of derivatives ``matrix`` has rank ``rank``).
        A subclass that overrides :meth:`status_at` may use other kinds.
    inputs : sequence of Symbol
        The arguments of ``F``.
    variables : sequence of Symbol, optional
        For ``"gradient"``: the variables of the gradient.
    node : optional
        The node of the architecture the condition belongs to.
    rows : optional
        For ridge sums: the rows ``(p, q)`` of ``M_{m-1}``.
    rank : int, optional
        For ``"rank"``.
    matrix : sequence of rows of multi-indices, or a callable returning one
        For ``"rank"``: the matrix of derivatives (a callable is called when
        the matrix is first needed).

    Attributes
    ----------
    kind, inputs, variables, node, rows, rank, matrix

    Examples
    --------
    >>> from symnet import Tree, nonsingularity_conditions
    >>> [str(c) for c in nonsingularity_conditions(Tree("((x,y),z)"))]
    ['(F_x, F_y) != 0']
    """

    __slots__ = ("kind", "inputs", "variables", "node", "rows", "rank", "_matrix")

    def __init__(self, kind, inputs, variables=(), node=None, rows=None, rank=None, matrix=None):
        if type(self).status_at is Condition.status_at and kind not in ("gradient", "rank"):
            raise ArgumentError(f"Condition: kind must be 'gradient' or 'rank' (or override status_at in "
                                f"a subclass); got {describe_value(kind)}")
        self.kind = kind
        self.inputs = tuple(inputs)
        self.variables = tuple(variables)
        self.node = node
        self.rows = rows
        self.rank = rank
        self._matrix = matrix
        if kind == "gradient":
            missing = [v for v in self.variables if v not in self.inputs]
            if missing:
                raise InputError(f"Condition: the gradient variables {tuple(missing)} are not among the "
                                 f"inputs {self.inputs}")
        if kind == "rank" and (matrix is None or isinstance(rank, bool) or not isinstance(rank, int)
                               or rank < 1):
            raise ArgumentError(f"Condition: kind 'rank' needs a matrix and a positive integer rank; got "
                                f"rank={describe_value(rank)} and {'no' if matrix is None else 'a'} matrix")

    @property
    def matrix(self):
        """For ``"rank"``: the matrix of derivative multi-indices."""
        if callable(self._matrix):
            self._matrix = tuple(tuple(tuple(a) for a in row) for row in self._matrix())
        return self._matrix

    def _gradient(self):
        n = len(self.inputs)
        return [multi_index(n, self.inputs.index(x)) for x in self.variables]

    def status_at(self, values):
        """Does the condition hold at a point: True, False, or None (undecided)?

        ``values`` is a :class:`symnet.pde.evaluation.PointValues`.
        """
        if self.kind == "gradient":
            return _gradient_status(values, self._gradient())
        return _rank_status(self.matrix, self.rank, values)

    def _sympystr(self, printer):
        if self.kind == "gradient":
            parts = [printer._print(sympy.Symbol(derivative_name(a, self.inputs))) for a in self._gradient()]
            return "(" + ", ".join(parts) + ") != 0"
        rows = ", ".join("[" + ", ".join(printer._print(sympy.Symbol(derivative_name(a, self.inputs)))
                                         for a in row) + "]" for row in self.matrix)
        return f"rank([{rows}]) = {self.rank}"

    def _latex(self, printer):
        if self.kind == "gradient":
            parts = [_deriv_latex(a, self.inputs, printer) for a in self._gradient()]
            return r"\left(" + ", ".join(parts) + r"\right) \neq 0"
        body = r" \\ ".join(" & ".join(_deriv_latex(a, self.inputs, printer) for a in row)
                            for row in self.matrix)
        return r"\operatorname{rank}\left[\begin{matrix}" + body + r"\end{matrix}\right] = " + str(self.rank)

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        return f"<Condition {sympy.sstr(self)}>"

    def _repr_latex_(self):
        return "$" + sympy.latex(self) + "$"


def evaluate_conditions(conditions, values):
    """Evaluate every condition at a point: ``(overall, failures, unknown)``.

    ``overall`` is True when every condition holds, False when one fails,
    None otherwise; ``failures`` and ``unknown`` list the conditions that
    fail and those that could not be decided.

    Examples
    --------
    >>> import sympy
    >>> from symnet import nonsingularity_conditions
    >>> from symnet.pde.equations import evaluate_conditions
    >>> from symnet.pde.evaluation import FunctionContext
    >>> x, y, z = sympy.symbols("x y z")
    >>> fn = FunctionContext((x**2 + y**2) * z, (x, y, z), ())
    >>> evaluate_conditions(nonsingularity_conditions("((x,y),z)"), fn.values_at({x: 0, y: 0, z: 1}))
    (False, [<Condition (F_x, F_y) != 0>], [])
    """
    failures, unknown = [], []
    for cond in conditions:
        st = cond.status_at(values)
        if st is False:
            failures.append(cond)
        elif st is None:
            unknown.append(cond)
    if failures:
        return False, failures, unknown
    if unknown:
        return None, failures, unknown
    return True, failures, unknown
