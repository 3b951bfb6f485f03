"""Closed differential systems and their truncated series, in any ring.

A *differential system* is a tuple of atom functions ``u_j(z)`` whose
derivatives are polynomials over QQ in ``z`` and the atoms; the activation
is one more such polynomial.  For tanh: ``u0 = tanh(z)``, ``u0' = 1 - u0**2``,
value ``u0``.  Constants (``log 2``, ``sqrt(2/pi)``) live in the atoms'
values, never in the polynomials, so the algebra here is over QQ and runs in
any ring whose elements support ``+`` and ``*`` (python-flint polynomials,
numpy arrays, mpmath numbers, arb balls, sympy expressions).

Examples
--------
>>> from fractions import Fraction
>>> import sympy
>>> from symnet.activations.system import PolyRule, taylor_from_system
>>> z, u0 = sympy.symbols("z u0")
>>> value, deriv = PolyRule(u0, [u0]), PolyRule(1 - u0**2, [u0])
>>> taylor_from_system(value, (deriv,), 0.0, [0.0], 3, float, 0.0)  # tanh at 0
[0.0, 1.0, 0.0, -0.3333333333333333]
"""

from __future__ import annotations

from fractions import Fraction

import sympy

__all__ = ["PolyRule", "series_mul", "eval_rule_series", "taylor_from_system", "Z"]

#: The variable of activation formulas.
Z = sympy.Symbol("z")


class PolyRule:
    """A polynomial over QQ in ``(z, u_0, ..., u_{r-1})``, evaluable in any ring.

    Parameters
    ----------
    expr : sympy expression
        A polynomial in ``z`` and ``atoms`` with rational coefficients.
    atoms : sequence of Symbols
        The atom symbols ``u_0, u_1, ...``.

    Examples
    --------
    >>> import sympy
    >>> from symnet.activations.system import PolyRule
    >>> z, u = sympy.symbols("z u0")
    >>> PolyRule(z * u - u**2 / 2, [u]).terms
    [((1, 1), Fraction(1, 1)), ((0, 2), Fraction(-1, 2))]
    """

    __slots__ = ("terms", "nvars")

    def __init__(self, expr, atoms):
        syms = (Z,) + tuple(atoms)
        poly = sympy.Poly(expr, *syms, domain="QQ")
        self.nvars = len(syms)
        self.terms = [(exps, Fraction(int(c.numerator), int(c.denominator)))
                      for exps, c in poly.terms()]


def series_mul(a, b, n, zero):
    """Truncated product of two coefficient lists (``None`` entries are zero).

    Examples
    --------
    >>> from symnet.activations.system import series_mul
    >>> series_mul([1, 1], [1, 1], 2, 0)
    [1, 2, 1]
    """
    out = [zero] * (n + 1)
    for i, ai in enumerate(a):
        if ai is None or i > n:
            continue
        for j in range(0, n + 1 - i):
            if j >= len(b):
                break
            bj = b[j]
            if bj is None:
                continue
            out[i + j] = out[i + j] + ai * bj
    return out


def eval_rule_series(rule, series, n, const, zero):
    """Truncated series of ``rule(series...)``; ``series[k]`` lists coefficients.

    Examples
    --------
    >>> import sympy
    >>> from symnet.activations.system import PolyRule, eval_rule_series
    >>> z, u = sympy.symbols("z u0")
    >>> eval_rule_series(PolyRule(u**2, [u]), [[0, 1], [1, 1]], 2, float, 0.0)
    [1.0, 2.0, 1.0]
    """
    total = [zero] * (n + 1)
    powcache = {}

    def power(var, e):
        key = (var, e)
        if key not in powcache:
            if e == 1:
                powcache[key] = series[var]
            else:
                powcache[key] = series_mul(power(var, e - 1), series[var], n, zero)
        return powcache[key]

    for exps, c in rule.terms:
        term = None
        for var, e in enumerate(exps):
            if e == 0:
                continue
            p = power(var, e)
            term = p if term is None else series_mul(term, p, n, zero)
        cc = const(c)
        if term is None:
            total[0] = total[0] + cc
        else:
            total = [t + cc * s for t, s in zip(total, term)]
    return total


class _Series:
    """Power series of products of the variables, extended one coefficient at a time.

    Every monomial of the rules is a product node ``prefix * variable``;
    its coefficient ``m`` is the convolution of the two factors' first
    ``m + 1`` coefficients, computed once and cached, so solving the system
    to degree ``n`` costs ``O(n**2)`` products per node (not ``O(n**3)``).
    """

    def __init__(self, variables, const, zero):
        self.var = variables          # list of coefficient lists (grown by the caller)
        self.const, self.zero = const, zero
        self.nodes = {}               # exponent tuple -> coefficient list

    def coeff(self, exps, m):
        """Coefficient ``m`` of the product of variables with these exponents."""
        if not any(exps):
            return self.const(Fraction(1)) if m == 0 else self.zero
        j = max(i for i, e in enumerate(exps) if e)
        if sum(exps) == 1:
            return self.var[j][m]
        node = self.nodes.setdefault(exps, [])
        while len(node) <= m:
            k = len(node)
            prefix = exps[:j] + (exps[j] - 1,) + exps[j + 1:]
            acc = self.zero
            for i in range(k + 1):
                acc = acc + self.coeff(prefix, i) * self.var[j][k - i]
            node.append(acc)
        return node[m]


def _rule_coeff(rule, series, m, const):
    acc = series.zero
    for exps, c in rule.terms:
        acc = acc + const(c) * series.coeff(exps, m)
    return acc


def taylor_from_system(value_rule, deriv_rules, c, atom_values, n, const, zero):
    """Taylor coefficients ``f^(k)(c)/k!``, k = 0..n, in an arbitrary ring.

    ``c`` and ``atom_values`` are ring elements (the point and the atoms'
    values there), ``const`` maps a Fraction into the ring.  The atoms'
    series are found by solving ``u' = F(z, u)`` term by term; every product
    of series is extended one coefficient per step (``O(n**2)`` products).

    Examples
    --------
    >>> import sympy
    >>> from symnet.activations.system import PolyRule, taylor_from_system
    >>> z, u = sympy.symbols("z u0")
    >>> exp_rule = PolyRule(u, [u])            # exp: u' = u, value u
    >>> taylor_from_system(exp_rule, (exp_rule,), 0.0, [1.0], 3, float, 0.0)
    [1.0, 1.0, 0.5, 0.16666666666666666]
    """
    zs = [c] + ([const(Fraction(1))] if n >= 1 else []) + [zero] * max(0, n - 1)
    us = [[v] for v in atom_values]
    series = _Series([zs] + us, const, zero)
    for m in range(n):
        # coefficient m of F_j(z, u) needs u up to degree m only
        new = [_rule_coeff(rule, series, m, const) * const(Fraction(1, m + 1))
               for rule in deriv_rules]
        for u, v in zip(us, new):
            u.append(v)
    return [_rule_coeff(value_rule, series, k, const) for k in range(n + 1)]
