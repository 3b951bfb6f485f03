"""Printing for papers: LaTeX of polynomials, networks and PDE results; plots.

:func:`latex` is sympy's LaTeX printer with symnet's settings (coefficient
rounding, environments); :func:`coefficient_table` and
:func:`latex_document` build tables and whole documents; the ``plot_*``
functions draw with matplotlib (optional, imported when called).

Examples
--------
>>> import sympy
>>> from symnet import Polynomial, latex
>>> x = sympy.Symbol("x")
>>> print(latex(Polynomial(1 + x / 2, [x]), environment=None, order_term=False))
1 + \\frac{x}{2}
"""

from .latex import coefficient_table, latex, latex_document
from .plot import plot_coefficients, plot_diagonal, plot_error_vs_order

__all__ = ["latex", "coefficient_table", "latex_document", "plot_coefficients",
           "plot_diagonal", "plot_error_vs_order"]
