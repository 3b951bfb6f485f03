"""Polynomial varieties: the equations on the coefficients of polynomials an architecture computes.

Written out for the generic polynomial of degree at most ``D``, a PDE
constraint of degree ``d`` in the derivatives becomes degree-``d``
polynomial equations in the polynomial's coefficients (quadrics for trees
and neurons, degree ``m + 1`` for a sum of ``m`` ridge functions).

Examples
--------
>>> from symnet import generic_polynomial, variety_equations
>>> generic_polynomial("x y", 1)
a_00 + a_01*y + a_10*x
>>> len(variety_equations("((x,y),z)", 2))
3
"""

import itertools
import math
from fractions import Fraction
from math import gcd, lcm

import sympy

from .._validate import as_degree
from ..errors import ArgumentError, InputError
from .architectures import _as_inputs, as_architecture
from .constraints import pde_constraints
from .derivatives import multi_index
from .limits import MAX_TERMS, describe_value, refuse_if_too_large

__all__ = ["generic_polynomial", "variety_equations"]


def _coefficient_name(prefix, alpha):
    if all(a < 10 for a in alpha):
        return f"{prefix}_" + "".join(map(str, alpha))
    return f"{prefix}_" + "_".join(map(str, alpha))


def _exponents(n, degree):
    out = []
    for total in range(degree + 1):
        for combo in itertools.combinations_with_replacement(range(n), total):
            out.append(multi_index(n, *combo))
    return out


def _as_prefix(coefficient, who):
    if not isinstance(coefficient, str) or not coefficient.isidentifier():
        raise InputError(f"{who}: coefficient must be a name prefix such as 'a'; "
                         f"got {describe_value(coefficient)}")
    return coefficient


def _refuse_many_coefficients(n, degree, who):
    """The number of coefficients ``C(n + degree, degree)``, refused when over the limits."""
    count = math.comb(n + degree, degree)
    refuse_if_too_large(f"{who}(..., degree={degree}) on {n} inputs", count, count * 600,
                        "coefficients", "use a smaller degree", max_count=MAX_TERMS)
    return count


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
    inputs = _as_inputs(inputs, "generic_polynomial")
    degree = as_degree(degree, "degree")
    coefficient = _as_prefix(coefficient, "generic_polynomial")
    _refuse_many_coefficients(len(inputs), degree, "generic_polynomial")
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
    arch : Architecture (Tree, Neuron, RidgeSum, ...), str or tuple
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
    degree = as_degree(degree, "degree")
    coefficient = _as_prefix(coefficient, "variety_equations")
    if not isinstance(independent, bool):
        raise ArgumentError(f"variety_equations: independent must be True or False; "
                            f"got {describe_value(independent)}")
    inputs = tuple(arch.inputs)
    n = len(inputs)
    K = _refuse_many_coefficients(n, degree, "variety_equations")
    constraints = pde_constraints(arch)
    # the largest product of derivatives held at once: a determinant of size d, whose terms are
    # at most K**d (and at most the monomials of degree d in the coefficients times those of
    # degree <= d * degree in the inputs); each term stores K + n exponents
    d = max((c.degree for c in constraints), default=0)
    terms = min(K ** d, math.comb(K + d - 1, d) * math.comb(n + d * degree, n)) if d else 0
    refuse_if_too_large(f"variety_equations(..., degree={degree})", terms,
                        terms * (8 * (K + n) + 120) + 8 * (K + n) ** 2, "polynomial terms",
                        "use a smaller degree", max_count=None)
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

    def deriv(alpha):
        got = derivs.get(alpha)
        if got is None:
            if not any(alpha):
                got = F
            else:
                pos = max(i for i, k in enumerate(alpha) if k)
                lower = list(alpha)
                lower[pos] -= 1
                got = deriv(tuple(lower)).diff(x_gens[pos])
            derivs[alpha] = got
        return got

    na = len(exps)
    equations = []  # dicts: a-monomial -> Fraction
    for c in constraints:
        value = c.evaluate(deriv)
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
