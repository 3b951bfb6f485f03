"""PDE constraints generated from the topology of an architecture.

Every constraint is the determinant of a small matrix of partial derivatives
of an undefined function ``F`` of the inputs:

* trees and neurons: ``C_{ij;k}(F) = F_i F_jk - F_j F_ik`` (the ratio
  ``F_i / F_j`` does not depend on ``x_k``), i.e. ``det [[F_i, F_j], [F_ik, F_jk]]``;
* sums of ``m`` ridge functions of ``(x, y)``: the ``(m+1) x (m+1)`` minors
  of the matrix ``M_m`` whose rows are ``D v`` for every derivative monomial
  ``D`` of order at most ``m``, with ``v = (d_x^(m-a) d_y^a F)_{a=0..m}``.

References: K. Filom, R. Farhoodi, K. P. Kording, "On PDE characterization of
smooth hierarchical functions computed by neural networks", Neural
Computation 33(12), 2021 (arXiv:2005.08859); R. Farhoodi, K. Filom, I. S.
Jones, K. P. Kording, "On functions computed on trees", Neural Computation
2019 (arXiv:1904.02309).

Examples
--------
>>> import sympy
>>> from symnet import Tree, pde_constraints
>>> [c] = pde_constraints(Tree("((x,y),z)"))
>>> print(c)
F_x*F_yz - F_y*F_xz = 0
>>> sympy.latex(c)
'F_{x} F_{y z} - F_{y} F_{x z} = 0'
"""

import itertools
from fractions import Fraction
from math import lcm

import sympy

from ..errors import InputError, OrderError
from .architectures import Neuron, Tree, as_architecture

__all__ = ["Constraint", "Condition", "pde_constraints", "nonsingularity_conditions",
           "variety_equations", "generic_polynomial"]


# ---------------------------------------------------------------------------
# derivative multi-indices
# ---------------------------------------------------------------------------
def _mi(n, *positions):
    """Multi-index (tuple of counts) from positions of variables."""
    out = [0] * n
    for p in positions:
        out[p] += 1
    return tuple(out)


def _mi_vars(alpha, inputs):
    """The variables of a multi-index, with repetition, in input order."""
    out = []
    for count, x in zip(alpha, inputs):
        out.extend([x] * count)
    return out


def _deriv_name(alpha, inputs):
    names = [x.name for x in _mi_vars(alpha, inputs)]
    if all(len(s) == 1 for s in names):
        return "F_" + "".join(names)
    return "F_" + "_".join(names)


def _deriv_latex(alpha, inputs, printer):
    parts = [printer._print(x) for x in _mi_vars(alpha, inputs)]
    return "F_{" + " ".join(parts) + "}"


def _det(rows):
    """Determinant of a small square matrix of ring elements (no division).

    Laplace expansion along the first row, with memoisation on the set of
    columns; terms keep the order ``m00*m11 - m01*m10`` for 2x2 matrices.
    """
    size = len(rows)
    memo = {}

    def rec(r, cols):
        if r == size:
            return None  # empty product
        key = (r, cols)
        if key in memo:
            return memo[key]
        total = None
        for idx, c in enumerate(cols):
            sub = rec(r + 1, cols[:idx] + cols[idx + 1:])
            term = rows[r][c] if sub is None else rows[r][c] * sub
            if total is None:
                total = term if idx % 2 == 0 else -term
            elif idx % 2 == 0:
                total = total + term
            else:
                total = total - term
        memo[key] = total
        return total

    return rec(0, tuple(range(size)))


class _Derivatives:
    """Memoised partial derivatives of one expression, by multi-index."""

    def __init__(self, expr, variables):
        self.expr = expr
        self.variables = tuple(variables)
        self._cache = {(0,) * len(self.variables): expr}

    def __call__(self, alpha):
        alpha = tuple(alpha)
        got = self._cache.get(alpha)
        if got is not None:
            return got
        # differentiate a cached lower derivative by one variable
        pos = max(i for i, a in enumerate(alpha) if a)
        lower = list(alpha)
        lower[pos] -= 1
        value = sympy.diff(self(tuple(lower)), self.variables[pos])
        self._cache[alpha] = value
        return value


# ---------------------------------------------------------------------------
# constraints
# ---------------------------------------------------------------------------
class Constraint:
    """One polynomial PDE ``P(derivatives of F) = 0`` imposed by an architecture.

    A constraint is the determinant of a matrix of partial derivatives of an
    undefined function ``F`` of the architecture's inputs.  Do not build these
    directly; use :func:`pde_constraints`.

    Attributes
    ----------
    expr : sympy.Expr
        The constraint as an expression in ``Derivative(F(x, ...), ...)``.
    F : sympy.Expr
        The undefined function applied to the inputs, ``F(x, y, ...)``.
    inputs : tuple of Symbol
    kind : str
        ``"tree"``, ``"neuron"`` or ``"ridge"``.
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

    __slots__ = ("_inputs", "_matrix", "kind", "node", "triple", "minor", "reference", "_expr")

    def __init__(self, inputs, matrix, kind, *, node=None, triple=None, minor=None, reference=None):
        self._inputs = tuple(inputs)
        self._matrix = tuple(tuple(tuple(a) for a in row) for row in matrix)
        self.kind = kind
        self.node = node
        self.triple = triple
        self.minor = minor
        self.reference = reference
        self._expr = None

    @property
    def inputs(self):
        return self._inputs

    @property
    def F(self):
        return sympy.Function("F")(*self._inputs)

    @property
    def multi_indices(self):
        """The derivative multi-indices in the matrix, row by row."""
        return self._matrix

    @property
    def order(self):
        return max(sum(a) for row in self._matrix for a in row)

    @property
    def degree(self):
        return len(self._matrix)

    @property
    def origin(self):
        """Where the constraint comes from: ``(kind, node-or-None, triple-or-minor)``."""
        return (self.kind, self.node, self.triple if self.minor is None else self.minor)

    def _derivative(self, alpha):
        F = self.F
        vars_ = _mi_vars(alpha, self._inputs)
        return sympy.Derivative(F, *vars_) if vars_ else F

    @property
    def expr(self):
        """The constraint as a sympy expression in derivatives of ``F``."""
        if self._expr is None:
            self._expr = _det([[self._derivative(a) for a in row] for row in self._matrix])
        return self._expr

    def evaluate(self, values):
        """Combine values of the derivatives: ``values`` maps multi-index -> value."""
        return _det([[values(a) if callable(values) else values[a] for a in row] for row in self._matrix])

    def apply(self, f):
        """The constraint's expression for a concrete function ``f`` of the inputs.

        Parameters
        ----------
        f : sympy.Expr
            A function of the inputs (other free symbols are parameters).

        Returns
        -------
        sympy.Expr
            Unsimplified; it is identically zero iff ``f`` satisfies the
            constraint.
        """
        from .check import _as_expression

        expr, _ = _as_expression(f, self._inputs)
        return self.evaluate(_Derivatives(expr, self._inputs))

    def __eq__(self, other):
        return (isinstance(other, Constraint) and self._inputs == other._inputs
                and self._matrix == other._matrix)

    def __hash__(self):
        return hash(("symnet.Constraint", self._inputs, self._matrix))

    def _sympystr(self, printer):
        names = [[sympy.Symbol(_deriv_name(a, self._inputs)) for a in row] for row in self._matrix]
        if len(names) == 2:
            (a, b), (c, d) = names
            p = printer._print
            return f"{p(a)}*{p(d)} - {p(b)}*{p(c)} = 0"
        rows = ", ".join("[" + ", ".join(printer._print(e) for e in row) + "]" for row in names)
        return f"det([{rows}]) = 0"

    def _latex(self, printer):
        cells = [[_deriv_latex(a, self._inputs, printer) for a in row] for row in self._matrix]
        if len(cells) == 2:
            (a, b), (c, d) = cells
            return f"{a} {d} - {b} {c} = 0"
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

    Attributes
    ----------
    kind : str
        ``"gradient"`` (the gradient of ``F`` in ``variables`` is nonzero) or
        ``"rank"`` (the matrix ``M_{m-1}`` of a ridge sum has rank ``m``).
    variables : tuple of Symbol
    node : Tree or None
    rows : tuple or None
        For ``"rank"``: the rows ``(p, q)`` of ``M_{m-1}``.
    rank : int or None

    Examples
    --------
    >>> from symnet import Tree, nonsingularity_conditions
    >>> [str(c) for c in nonsingularity_conditions(Tree("((x,y),z)"))]
    ['(F_x, F_y) != 0']
    """

    __slots__ = ("kind", "inputs", "variables", "node", "rows", "rank")

    def __init__(self, kind, inputs, variables=(), node=None, rows=None, rank=None):
        self.kind = kind
        self.inputs = tuple(inputs)
        self.variables = tuple(variables)
        self.node = node
        self.rows = rows
        self.rank = rank

    def _gradient(self):
        n = len(self.inputs)
        return [_mi(n, self.inputs.index(x)) for x in self.variables]

    def _rank_matrix(self):
        m = self.rank
        return [[(p + m - a, q + a) for a in range(m + 1)] for (p, q) in self.rows]

    def _sympystr(self, printer):
        if self.kind == "gradient":
            parts = [printer._print(sympy.Symbol(_deriv_name(a, self.inputs))) for a in self._gradient()]
            return "(" + ", ".join(parts) + ") != 0"
        rows = ", ".join("[" + ", ".join(printer._print(sympy.Symbol(_deriv_name(a, self.inputs)))
                                         for a in row) + "]" for row in self._rank_matrix())
        return f"rank([{rows}]) = {self.rank}"

    def _latex(self, printer):
        if self.kind == "gradient":
            parts = [_deriv_latex(a, self.inputs, printer) for a in self._gradient()]
            return r"\left(" + ", ".join(parts) + r"\right) \neq 0"
        body = r" \\ ".join(" & ".join(_deriv_latex(a, self.inputs, printer) for a in row)
                            for row in self._rank_matrix())
        return r"\operatorname{rank}\left[\begin{matrix}" + body + r"\end{matrix}\right] = " + str(self.rank)

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        return f"<Condition {sympy.sstr(self)}>"

    def _repr_latex_(self):
        return "$" + sympy.latex(self) + "$"


def _ridge_rows(r):
    """Derivative monomials ``(p, q)`` with ``p + q <= r``, by order, d_x first."""
    return [(s - q, q) for s in range(r + 1) for q in range(s + 1)]


def _tree_constraints(tree, reduced):
    inputs = tree.leaves
    n = len(inputs)
    pos = {x: i for i, x in enumerate(inputs)}
    out = []
    seen = set()
    for v in tree.internal_nodes():
        if v is tree:
            continue  # the root imposes nothing
        outside = [x for x in inputs if x not in set(v.leaves)]
        if not reduced:
            kids = [c.leaves if isinstance(c, Tree) else (c,) for c in v.children]
            for a, b in itertools.combinations(range(len(kids)), 2):
                for xi in kids[a]:
                    for xj in kids[b]:
                        for xk in outside:
                            i, j, k = pos[xi], pos[xj], pos[xk]
                            matrix = [[_mi(n, i), _mi(n, j)], [_mi(n, i, k), _mi(n, j, k)]]
                            out.append(Constraint(inputs, matrix, "tree", node=v, triple=(xi, xj, xk)))
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
                    matrix = [[_mi(n, r), _mi(n, j)], [_mi(n, r, k), _mi(n, j, k)]]
                    reference = sympy.Derivative(sympy.Function("F")(*inputs), ref)
                    out.append(Constraint(inputs, matrix, "tree", node=v, triple=(ref, xj, xk),
                                          reference=reference))
    return out


def _neuron_constraints(neuron, reduced):
    inputs = neuron.inputs
    n = len(inputs)
    out = []
    pairs = [(0, j) for j in range(1, n)] if reduced else itertools.combinations(range(n), 2)
    reference = sympy.Derivative(sympy.Function("F")(*inputs), inputs[0]) if reduced else None
    for i, j in pairs:
        for k in range(n):
            matrix = [[_mi(n, i), _mi(n, j)], [_mi(n, i, k), _mi(n, j, k)]]
            out.append(Constraint(inputs, matrix, "neuron", triple=(inputs[i], inputs[j], inputs[k]),
                                  reference=reference))
    return out


def _ridge_matrix_rows(m, rows):
    return [[(p + m - a, q + a) for a in range(m + 1)] for (p, q) in rows]


def _ridge_constraints(ridge, reduced):
    m, inputs = ridge.m, ridge.inputs
    rows = _ridge_rows(m)
    out = []
    if not reduced:
        for combo in itertools.combinations(rows, m + 1):
            out.append(Constraint(inputs, _ridge_matrix_rows(m, combo), "ridge", minor=tuple(combo)))
        return out
    ref_rows = _ridge_rows(m - 1)[:m]
    ref_matrix = _ridge_matrix_rows(m, ref_rows)
    F = sympy.Function("F")(*inputs)

    def d(alpha):
        vars_ = _mi_vars(alpha, inputs)
        return sympy.Derivative(F, *vars_) if vars_ else F

    reference = _det([[d(a) for a in row[:m]] for row in ref_matrix])
    for row in rows:
        if row in ref_rows:
            continue
        combo = tuple(ref_rows) + (row,)
        out.append(Constraint(inputs, _ridge_matrix_rows(m, combo), "ridge", minor=combo,
                              reference=reference))
    return out


def pde_constraints(arch, reduced=False):
    """The PDE constraints an architecture imposes on the functions it computes.

    Parameters
    ----------
    arch : Tree, Neuron, RidgeSum, str or tuple
        The architecture; a string or nested tuple is read as a :class:`Tree`.
    reduced : bool, optional
        If False (default), the full set generated from the topology:

        * tree: ``C_{ij;k}`` for every non-root internal node ``v``, every two
          distinct children ``c != c'`` of ``v``, ``x_i`` under ``c``,
          ``x_j`` under ``c'`` and ``x_k`` outside ``v``;
        * neuron: ``C_{ij;k}`` for all ``i < j`` and **all** ``k``
          (including ``k = i`` and ``k = j``);
        * ridge sum of ``m`` terms: every ``(m+1) x (m+1)`` minor of ``M_m``.

        If True, a smaller set equivalent to the full one where each
        constraint's :attr:`Constraint.reference` is nonzero: for every
        node ``v`` of a tree, ``C_{rj;k}`` with a fixed reference leaf ``r``
        of ``v`` (the ratios ``F_j / F_r`` do not depend on ``x_k``); for a
        neuron, ``C_{1j;k}``; for a ridge sum, the minors made of ``m``
        fixed rows of ``M_{m-1}`` and one more row of ``M_m``.

    Returns
    -------
    list of Constraint

    Examples
    --------
    >>> from symnet import Tree, Neuron, RidgeSum, pde_constraints
    >>> [len(pde_constraints(s)) for s in ["((x,y),z)", "((x,y),(z,w))", "(((x,y),z),w)", "((x,y,z),w)", "(x,y,z)"]]
    [1, 4, 4, 3, 0]
    >>> len(pde_constraints("((x,y,z),w)", reduced=True))
    2
    >>> [str(c) for c in pde_constraints(Neuron("x y"))]
    ['F_x*F_xy - F_y*F_xx = 0', 'F_x*F_yy - F_y*F_xy = 0']
    >>> len(pde_constraints(RidgeSum(2, "x y"))), len(pde_constraints(RidgeSum(3, "x y")))
    (20, 210)
    """
    arch = as_architecture(arch)
    if not isinstance(reduced, bool):
        raise InputError(f"reduced must be True or False; got {reduced!r}")
    if isinstance(arch, Tree):
        return _tree_constraints(arch, reduced)
    if isinstance(arch, Neuron):
        return _neuron_constraints(arch, reduced)
    return _ridge_constraints(arch, reduced)


def nonsingularity_conditions(arch):
    """The non-singularity conditions under which the constraints are sufficient.

    * Tree: for every non-root internal node ``v`` with at least two leaves,
      the gradient of ``F`` in the variables below ``v`` is nonzero.  Leaves,
      nodes over a single leaf and nodes over all the leaves need no
      condition (``h_v`` can be the variable itself, or ``F`` itself); a
      chain of unary nodes over the same leaves gives one condition.
    * Neuron: the gradient of ``F`` is nonzero.
    * Ridge sum of ``m`` terms: ``M_{m-1}`` has rank ``m``.

    Examples
    --------
    >>> from symnet import RidgeSum, Neuron, nonsingularity_conditions
    >>> [str(c) for c in nonsingularity_conditions(Neuron("x y z"))]
    ['(F_x, F_y, F_z) != 0']
    >>> [str(c) for c in nonsingularity_conditions(RidgeSum(1, "x y"))]
    ['rank([[F_x, F_y]]) = 1']
    """
    arch = as_architecture(arch)
    if isinstance(arch, Tree):
        out, seen = [], set()
        everything = frozenset(arch.leaves)
        for v in arch.internal_nodes():
            leafset = frozenset(v.leaves)
            if v is arch or len(leafset) < 2 or leafset == everything or leafset in seen:
                continue
            seen.add(leafset)
            out.append(Condition("gradient", arch.leaves, v.leaves, node=v))
        return out
    if isinstance(arch, Neuron):
        return [Condition("gradient", arch.inputs, arch.inputs)]
    return [Condition("rank", arch.inputs, arch.inputs, rows=tuple(_ridge_rows(arch.m - 1)), rank=arch.m)]


# ---------------------------------------------------------------------------
# polynomial varieties
# ---------------------------------------------------------------------------
def _coefficient_name(prefix, alpha):
    if all(a < 10 for a in alpha):
        return f"{prefix}_" + "".join(map(str, alpha))
    return f"{prefix}_" + "_".join(map(str, alpha))


def _exponents(n, degree):
    out = []
    for total in range(degree + 1):
        for combo in itertools.combinations_with_replacement(range(n), total):
            out.append(_mi(n, *combo))
    return out


def _check_degree(degree):
    if isinstance(degree, bool) or not isinstance(degree, (int, sympy.Integer)) or int(degree) < 0:
        raise OrderError(f"degree must be a non-negative integer; got {degree!r}")
    return int(degree)


def generic_polynomial(inputs, degree, coefficient="a"):
    """The generic polynomial of total degree at most ``degree`` in ``inputs``.

    The coefficient of ``x1**e1 * x2**e2 * ...`` is the Symbol
    ``a_e1e2...`` (exponents joined by ``_`` when one is 10 or more).

    Examples
    --------
    >>> import sympy
    >>> from symnet import generic_polynomial
    >>> generic_polynomial(sympy.symbols("x y"), 1)
    a_00 + a_01*y + a_10*x
    """
    from .architectures import _as_inputs

    inputs = _as_inputs(inputs, "generic_polynomial")
    degree = _check_degree(degree)
    terms = []
    for alpha in _exponents(len(inputs), degree):
        mono = sympy.Mul(*[x ** e for x, e in zip(inputs, alpha)])
        terms.append(sympy.Symbol(_coefficient_name(coefficient, alpha)) * mono)
    return sympy.Add(*terms)


def variety_equations(arch, degree, *, coefficient="a", independent=True):
    """Polynomial equations on the coefficients of polynomials computed by ``arch``.

    Every constraint of ``arch`` applied to the generic polynomial of degree
    at most ``degree`` (see :func:`generic_polynomial`) is a polynomial in the
    inputs whose coefficients are polynomials in the unknown coefficients
    ``a_...``; a polynomial computed by the architecture makes all of them
    vanish.  For trees the equations are quadrics, for a ridge sum of ``m``
    terms they have degree ``m + 1``.

    Parameters
    ----------
    arch : Tree, Neuron, RidgeSum, str or tuple
    degree : int
        Total degree of the generic polynomial.
    coefficient : str, optional
        Prefix of the coefficient symbols (default ``"a"``).
    independent : bool, optional
        If True (default) return a linearly independent subset spanning the
        same vector space of polynomials (so ``len`` is the number of
        independent equations); otherwise return every nonzero equation.

    Returns
    -------
    list of sympy.Expr
        Polynomials in the coefficient symbols, each meaning ``expr = 0``,
        with coprime integer coefficients.

    Examples
    --------
    >>> from symnet import variety_equations
    >>> eqs = variety_equations("((x,y),z)", 2)
    >>> len(eqs), len(variety_equations("((x,y),z)", 3))
    (3, 19)
    >>> eqs[0]
    2*a_011*a_200 - a_101*a_110
    """
    from sympy.polys.domains import QQ
    from sympy.polys.rings import ring

    arch = as_architecture(arch)
    degree = _check_degree(degree)
    inputs = arch.leaves if isinstance(arch, Tree) else arch.inputs
    n = len(inputs)
    exps = _exponents(n, degree)
    coeff_names = [_coefficient_name(coefficient, alpha) for alpha in exps]
    clash = {x.name for x in inputs} & set(coeff_names)
    if clash:
        raise InputError(f"coefficient names {sorted(clash)} clash with the inputs; choose another prefix")
    x_names = [f"_x{i}" for i in range(n)]
    R, *gens = ring(coeff_names + x_names, QQ)
    a_gens, x_gens = gens[:len(exps)], gens[len(exps):]
    F = R.zero
    for a, alpha in zip(a_gens, exps):
        mono = R.one
        for g, e in zip(x_gens, alpha):
            mono *= g ** e
        F += a * mono

    derivs = {}

    def d(alpha):
        got = derivs.get(alpha)
        if got is None:
            if not any(alpha):
                got = F
            else:
                pos = max(i for i, k in enumerate(alpha) if k)
                lower = list(alpha)
                lower[pos] -= 1
                got = d(tuple(lower)).diff(x_gens[pos])
            derivs[alpha] = got
        return got

    na = len(exps)
    equations = []  # dicts: a-monomial -> Fraction
    for c in pde_constraints(arch):
        value = c.evaluate(d)
        if not value:
            continue
        grouped = {}
        for monom, coeff in value.terms():
            grouped.setdefault(monom[na:], {})[monom[:na]] = coeff
        for xm in sorted(grouped, reverse=True):
            equations.append(grouped[xm])

    def normalise(eq):
        den = lcm(*[int(q.denominator) for q in eq.values()]) if eq else 1
        ints = {k: int(v * den) for k, v in eq.items()}
        from math import gcd
        g = 0
        for v in ints.values():
            g = gcd(g, v)
        lead = ints[max(ints)]
        sign = -1 if lead < 0 else 1
        return {k: Fraction(v, g * sign) for k, v in ints.items()}

    if independent:
        basis = {}  # pivot monomial -> reduced vector (Fraction values)
        kept = []
        for eq in equations:
            vec = {k: Fraction(int(v.numerator), int(v.denominator)) for k, v in eq.items()}
            while vec:
                top = max(vec)
                if top not in basis:
                    break
                b = basis[top]
                f = vec[top] / b[top]
                for k, v in b.items():
                    nv = vec.get(k, 0) - f * v
                    if nv:
                        vec[k] = nv
                    else:
                        vec.pop(k, None)
            if vec:
                basis[max(vec)] = vec
                kept.append(eq)
        equations = kept
    a_syms = [sympy.Symbol(s) for s in coeff_names]
    out = []
    for eq in equations:
        eq = normalise({k: Fraction(int(v.numerator), int(v.denominator)) for k, v in eq.items()})
        terms = []
        for monom, coeff in sorted(eq.items(), reverse=True):
            mono = sympy.Mul(*[s ** e for s, e in zip(a_syms, monom) if e])
            terms.append(sympy.Rational(coeff.numerator, coeff.denominator) * mono)
        out.append(sympy.Add(*terms))
    return out
