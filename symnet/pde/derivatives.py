"""Partial derivatives of ``F``: multi-indices, their names, determinants, memoised derivatives.

A partial derivative of a function of the inputs ``(x_1, ..., x_n)`` is
identified by its multi-index ``alpha``, the tuple of how many times each
input is differentiated: with inputs ``(x, y, z)``, ``F_xz`` is
``(1, 0, 1)``.  Every PDE constraint and non-singularity condition is a
matrix of multi-indices; its value for a concrete function comes from the
memoised derivatives of that function.

Examples
--------
>>> import sympy
>>> from symnet.pde.derivatives import derivative_name, multi_index
>>> x, y, z = sympy.symbols("x y z")
>>> alpha = multi_index(3, 0, 2)
>>> alpha, derivative_name(alpha, (x, y, z))
((1, 0, 1), 'F_xz')
"""

import sympy

__all__ = ["multi_index", "derivative_name", "Derivatives"]


def multi_index(n, *positions):
    """The multi-index (tuple of ``n`` counts) of differentiating in ``positions``.

    Examples
    --------
    >>> from symnet.pde.derivatives import multi_index
    >>> multi_index(2, 0, 0, 1)
    (2, 1)
    """
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


def derivative_name(alpha, inputs):
    """The printed name of a derivative of ``F``: ``F_xy`` (``F_x1_x2`` for long names).

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.derivatives import derivative_name
    >>> derivative_name((2, 1), sympy.symbols("x y")), derivative_name((1, 1), sympy.symbols("x1 x2"))
    ('F_xxy', 'F_x1_x2')
    """
    names = [x.name for x in _mi_vars(alpha, inputs)]
    if all(len(s) == 1 for s in names):
        return "F_" + "".join(names)
    return "F_" + "_".join(names)



def _deriv_latex(alpha, inputs, printer):
    parts = [printer._print(x) for x in _mi_vars(alpha, inputs)]
    return "F_{" + " ".join(parts) + "}"


def _undefined_derivative(F, alpha, inputs):
    """``Derivative(F, ...)`` for a multi-index (``F`` itself for the zero index)."""
    vars_ = _mi_vars(alpha, inputs)
    return sympy.Derivative(F, *vars_) if vars_ else F


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


class Derivatives:
    """Memoised partial derivatives of one expression, by multi-index.

    Parameters
    ----------
    expr : sympy.Expr
    variables : sequence of Symbol
        The variables the multi-indices refer to, in order.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.derivatives import Derivatives
    >>> x, y = sympy.symbols("x y")
    >>> d = Derivatives(x**3 * y, (x, y))
    >>> d((2, 1))
    6*x
    """

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

