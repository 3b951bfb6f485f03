"""Truncated multivariate polynomials: what an expansion returns.

A :class:`Polynomial` is immutable.  It knows its variables, its truncation
order (terms above it are unknown, not zero), its centre (the origin, or the
point of a Taylor expansion) and its coefficient domain: exact (``QQ``,
``QQ[log(2)]``, ``QQ[w1_1_1, ...]``: sympy numbers or expressions),
``mpf`` (mpmath numbers at :attr:`Polynomial.prec` bits) or ``RR``
(float64, Python floats).

Arithmetic follows one rule (see :class:`Domain`): the result has the
domain of its least exact operand, exact > mpf > float64.

Examples
--------
>>> import sympy
>>> from symnet import Polynomial
>>> x, y = sympy.symbols("x y")
>>> p = Polynomial(1 + x - x*y/2 + y**3, (x, y), order=2)
>>> p
1 + x - x*y/2 + O(|(x, y)|**3)
>>> p.coeff(x*y), p.coeff((1, 0)), p.degree
(-1/2, 1, 2)
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import sympy
from sympy import S

from ._validate import as_order, as_symbols, as_weight, parse_expr, printable
from .errors import (ArgumentError, DomainError, ExpansionTooLargeError, InputError, OrderError,
                     ShapeError, SymnetError, WeightError)

__all__ = ["Polynomial", "Domain"]


class Domain(str):
    """A coefficient domain; it compares equal to its name.

    ``"QQ"`` (rationals), ``"QQ[log(2), w]"`` (polynomials over QQ in exact
    constants and symbols), ``"EX"`` (other exact expressions), ``"RR"``
    (float64), ``"RR[w]"`` (floats with symbols) and ``"mpf"`` (mpmath at a
    chosen precision, :attr:`Polynomial.prec` bits).

    One rule for every operation (``+``, ``-``, ``*``, ``/``, with a scalar
    on either side or with another polynomial): the result has the domain
    of the *least exact* operand, in the order exact > mpf > float64.

    * exact with exact stays exact;
    * mpf at ``p`` bits with an exact operand (a polynomial, an int, a
      Fraction, a sympy number) stays mpf at ``p`` bits;
    * mpf at ``p`` bits with mpf at ``q`` bits is mpf at ``min(p, q)`` bits;
    * a float64 operand (an ``RR`` polynomial or a Python float) makes the
      result ``RR``: every numeric coefficient becomes a float64, mpf ones
      too, since a float64 operand carries no more than 53 good bits.
      Multiply by ``sympy.Rational(1, 2)`` rather than ``0.5`` to keep
      an mpf polynomial's precision.
    * mpf has no symbolic form: an mpf operand with symbolic coefficients
      (``QQ[w]``) gives ``RR[w]``, as a float operand does.

    The domain holds even when the result is zero: ``p - p`` of an mpf
    polynomial is the zero mpf polynomial at the same precision.

    Examples
    --------
    >>> from symnet.polynomial import Domain
    >>> Domain("QQ").is_exact, Domain("RR").is_exact, Domain("mpf").is_exact
    (True, False, False)
    >>> Domain("RR") == "RR"
    True
    """

    __slots__ = ()

    @property
    def is_exact(self):
        """True when no coefficient is a float or an mpf."""
        return not (self.startswith("RR") or self == "mpf")

    @property
    def is_float(self):
        """True for float64 (``RR``, ``RR[...]``) and mpf domains."""
        return not self.is_exact


def _mpf_type():
    import mpmath
    return mpmath.mpf


def _is_mpf(c):
    return type(c).__name__ == "mpf" and type(c).__module__.startswith("mpmath")


def _coerce_coeff(c):
    if _is_mpf(c):
        return c
    return as_weight(c, "coefficient")


def _is_zero(c):
    if isinstance(c, float):
        return c == 0.0
    return c == 0


class _Trunc(sympy.Expr):
    """The printed truncation term O(|x - a|**(Q+1))."""

    is_commutative = True

    def __new__(cls, vars_tuple, power):
        obj = sympy.Expr.__new__(cls, vars_tuple, sympy.Integer(power))
        return obj

    def _sympystr(self, printer):
        v, p = self.args
        inner = printer._print(v.args[0]) if len(v.args) == 1 else \
            "(" + ", ".join(printer._print(a) for a in v.args) + ")"
        return f"O(|{inner}|**{printer._print(p)})"

    def _latex(self, printer):
        v, p = self.args
        inner = ", ".join(printer._print(a) for a in v.args)
        if len(v.args) > 1:
            inner = f"\\left({inner}\\right)"
        return f"O\\left(\\left\\lVert {inner} \\right\\rVert^{{{printer._print(p)}}}\\right)"


class Polynomial:
    """A multivariate polynomial truncated at total degree ``order``.

    Parameters
    ----------
    terms : dict or sympy expression
        ``{exponent tuple: coefficient}`` or a polynomial expression in
        ``variables`` (its terms above ``order`` are dropped).
    variables : sequence of sympy Symbols
    order : int, optional
        Truncation order; default the degree of ``terms``.
    center : sequence, optional
        The point the polynomial is centred at: its monomials are powers
        of ``x_i - center_i``.  Default the origin.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Polynomial
    >>> x = sympy.Symbol("x")
    >>> p = Polynomial({(0,): 1, (1,): 2, (2,): sympy.Rational(1, 3)}, [x])
    >>> (p * p).terms()
    {(0,): 1, (1,): 4, (2,): 14/3}
    """

    __slots__ = ("_vars", "_order", "_center", "_terms", "_lazy", "_dense", "_domain",
                 "_float", "_meta", "_prec", "__weakref__")

    #: default printing order when the printer has none: "ascending" degree
    default_print_order = "ascending"

    def __init__(self, terms, variables, order=None, *, center=None):
        variables = _check_variables(variables)
        n = len(variables)
        if order is not None:
            order = as_order(order)
        if isinstance(terms, Polynomial):
            terms = terms.terms()
        if isinstance(terms, dict):
            items = {}
            for k, c in terms.items():
                k = _check_exps(k, n)
                c = _coerce_coeff(c)
                if not _is_zero(c):
                    items[k] = c
        else:
            expr = _as_polynomial_expr(terms, variables)
            if expr.has(sympy.nan, sympy.zoo, sympy.oo, sympy.S.NegativeInfinity):
                raise WeightError(f"terms: expected a polynomial with finite coefficients, got "
                                  f"{_short(terms)}")
            if center is not None:
                shifts = {v: v + _to_sympy_number(as_weight(a, "center")) for v, a in
                          zip(variables, center)}
                expr = expr.xreplace(shifts) if any(a != 0 for a in center) else expr
            items = _expression_terms(expr, variables, order, terms)
        if order is None:
            order = max((sum(k) for k in items), default=0)
        order = as_order(order)
        items = {k: c for k, c in items.items() if sum(k) <= order}
        self._init(variables, order, center, items, None, None)

    def _init(self, variables, order, center, terms, lazy, dense, domain=None, prec=None):
        self._vars = tuple(variables)
        self._prec = prec
        self._order = order
        self._center = _check_center(center, len(variables))
        self._terms = terms
        self._lazy = lazy
        self._dense = dense
        self._domain = domain
        self._float = None
        self._meta = None
        if terms is not None and domain is None:
            self._domain = _infer_domain(terms.values())
        elif domain is not None:
            self._domain = Domain(domain)
        return self

    @classmethod
    def from_vector(cls, coefficients, variables, order, *, center=None, meta=None):
        """A polynomial from its coefficient vector in the package's monomial order.

        Parameters
        ----------
        coefficients : 1-D array
            One coefficient per monomial of degree <= ``order`` in
            :mod:`symnet.monomials` order: float64 (kept as a dense vector,
            no per-term Python work) or objects (exact numbers, mpf).
        variables : sequence of Symbols
        order : int
        center : sequence, optional
        meta : dict, optional
            How the polynomial was made (see :attr:`meta`); ``"nonfinite": True``
            is added when a float coefficient is infinite or NaN.

        Examples
        --------
        >>> import numpy as np, sympy
        >>> from symnet import Polynomial
        >>> x, y = sympy.symbols("x y")
        >>> print(Polynomial.from_vector(np.array([1.0, 0, 2.0, 0, 0, 0.5]), (x, y), 2))
        1.0 + 2.0*y + 0.5*y**2 + O(|(x, y)|**3)
        """
        import numpy as np

        from .monomials import basis

        variables = _check_variables(variables)
        order = as_order(order)
        B = basis(len(variables), order)
        try:
            c = np.asarray(coefficients)
        except (TypeError, ValueError):
            raise ShapeError(f"from_vector: expected {B.size} coefficients, got "
                             f"{type(coefficients).__name__}") from None
        if c.shape != (B.size,):
            raise ShapeError(f"expected {B.size} coefficients (monomials of degree <= {order} in "
                             f"{len(variables)} variables), got an array of shape {c.shape}")
        if c.dtype.kind == "f":
            p = cls._from_lazy(variables, order, None, "RR", dense=(B, c.copy()), center=center)
            if not np.isfinite(c).all():   # overflowed float64: flagged, never silent
                meta = dict(meta or {}, nonfinite=True)
        else:
            E = B.exponents()
            values = c.tolist()
            terms = {tuple(int(e) for e in E[i]): v for i, v in enumerate(values) if v != 0}
            mpfs = [v for v in values if _is_mpf(v)]
            if mpfs:
                p = cls._from_terms(variables, order, terms, center=center, domain="mpf",
                                    prec=min(v.context.prec for v in mpfs))
            else:
                p = cls(terms, variables, order, center=center)
        p._meta = dict(meta) if meta else None
        return p

    @classmethod
    def from_function(cls, make_terms, variables, order, domain, *, center=None, meta=None):
        """A polynomial whose terms are computed on first use by ``make_terms()``.

        Engines return results this way: converting thousands of exact
        coefficients to sympy is paid only by those who read them.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Polynomial
        >>> x = sympy.Symbol("x")
        >>> Polynomial.from_function(lambda: {(1,): sympy.Integer(3)}, [x], 2, "QQ").coeff((1,))
        3
        """
        p = cls._from_lazy(_check_variables(variables), as_order(order), make_terms, domain,
                           center=center)
        p._meta = dict(meta) if meta else None
        return p

    @classmethod
    def _from_lazy(cls, variables, order, lazy, domain, *, center=None, dense=None):
        obj = cls.__new__(cls)
        return obj._init(variables, order, center, None, lazy, dense, domain)

    @classmethod
    def _from_terms(cls, variables, order, terms, *, center=None, domain=None, prec=None):
        obj = cls.__new__(cls)
        return obj._init(variables, order, center, terms, None, None, domain, prec)

    # -- data ----------------------------------------------------------------
    def _t(self):
        if self._terms is None:
            if self._lazy is not None:
                self._terms = {k: c for k, c in self._lazy().items() if not _is_zero(c)}
                self._lazy = None
            else:
                B, c = self._dense
                E = B.exponents()
                import numpy as np
                nz = np.flatnonzero(c)
                self._terms = {tuple(int(e) for e in E[i]): float(c[i]) for i in nz}
        return self._terms

    @property
    def variables(self):
        """The variables, a tuple of sympy Symbols."""
        return self._vars

    @property
    def order(self):
        """The truncation order: terms of higher degree are not known."""
        return self._order

    @property
    def center(self):
        """The expansion point (a tuple; zeros for the origin)."""
        return self._center

    @property
    def domain(self):
        """The coefficient domain: ``'QQ'``, ``'QQ[log(2)]'``, ``'RR'`` (float64), ..."""
        if self._domain is None:
            self._domain = _infer_domain(self._t().values())
        return self._domain

    @property
    def meta(self):
        """How the polynomial was made, e.g. ``{"mode": "series", "series_degree": (3, 3)}``.

        Empty for polynomials built directly.  ``"nonfinite": True`` marks a
        float64 expansion whose coefficients overflowed (some are infinite or
        NaN; :func:`symnet.expand` warned).
        """
        return dict(self._meta or {})

    @property
    def is_exact(self):
        """True unless a coefficient is a float or an mpf."""
        return self.domain.is_exact

    @property
    def prec(self):
        """Bits of precision of an ``mpf`` polynomial; None for other domains.

        Examples
        --------
        >>> from symnet import Network, expand
        >>> p = expand(Network.dense([[[1]]], activations=["tanh"]), 3, domain="mpf", prec=80)
        >>> p.prec, (p + 1).prec, (p - p).prec, (p * 2).domain, (p * 0.5).domain
        (80, 80, 80, 'mpf', 'RR')
        """
        if self.domain != "mpf":
            return None
        if self._prec is None:
            precs = [c.context.prec for c in self._t().values() if _is_mpf(c)]
            self._prec = min(precs) if precs else _mpf_type()(0).context.prec
        return self._prec

    def terms(self):
        """``{exponent tuple: coefficient}`` of the nonzero terms.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Polynomial
        >>> x, y = sympy.symbols("x y")
        >>> Polynomial(3*x*y**2 - 1, (x, y)).terms()
        {(0, 0): -1, (1, 2): 3}
        """
        return dict(sorted(self._t().items(), key=lambda kv: _grkey(kv[0])))

    @property
    def nterms(self):
        """Number of nonzero terms."""
        return len(self._t())

    @property
    def degree(self):
        """Largest total degree of a nonzero term (``-oo`` for zero)."""
        t = self._t()
        return max((sum(k) for k in t), default=S.NegativeInfinity)

    def coeff(self, monomial):
        """The coefficient of one monomial.

        Parameters
        ----------
        monomial : sympy expression or tuple of int
            ``x1**2*x2`` or its exponent tuple ``(2, 1, 0)``.  For a
            polynomial centred at ``a`` this is the coefficient of
            ``(x1 - a1)**2*(x2 - a2)``.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Polynomial
        >>> x, y = sympy.symbols("x y")
        >>> Polynomial(5*x**2*y + 1, (x, y)).coeff(x**2*y)
        5
        """
        exps = self._monomial_exps(monomial)
        if sum(exps) > self._order:
            raise OrderError(
                f"the coefficient of degree {sum(exps)} is not known: this polynomial is "
                f"truncated at order {self._order}")
        c = self._t().get(exps)
        if c is None:
            if self.domain == "mpf":
                return _to_mpf(0, self.prec)
            return 0.0 if self.domain.startswith("RR") else S.Zero
        return c

    def _monomial_exps(self, monomial):
        n = len(self._vars)
        if isinstance(monomial, (tuple, list)) and all(
                isinstance(e, numbers.Integral) for e in monomial):
            return _check_exps(tuple(monomial), n)
        m = _as_polynomial_expr(monomial, self._vars, "monomial")
        try:   # one term at most, checked before sympy expands anything
            one = _expansion_shape(m, set(self._vars), monomial, self._vars)[1] <= 1
            poly = sympy.Poly(m, *self._vars) if one else None
        except (sympy.PolynomialError, ArgumentError):
            poly = None
        if poly is None or len(poly.terms()) != 1 or poly.terms()[0][1] != 1:
            raise ArgumentError(
                f"expected a monomial in {self._vars} (like {self._vars[0]}**2) or an exponent "
                f"tuple of length {n}, got {monomial!r}")
        return poly.terms()[0][0]

    def homogeneous(self, k):
        """The degree-``k`` part.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Polynomial
        >>> x, y = sympy.symbols("x y")
        >>> Polynomial(1 + x + x*y + y**2, (x, y)).homogeneous(2).as_expr()
        x*y + y**2
        """
        k = as_order(k, "degree")
        if k > self._order:
            raise OrderError(f"degree {k} is beyond the truncation order {self._order}")
        t = {e: c for e, c in self._t().items() if sum(e) == k}
        return Polynomial._from_terms(self._vars, self._order, t, center=self._center,
                                      domain=self.domain, prec=self.prec)

    def truncate(self, order):
        """The same polynomial truncated at a lower order."""
        order = as_order(order)
        if order > self._order:
            raise OrderError(f"cannot raise the order from {self._order} to {order}")
        t = {e: c for e, c in self._t().items() if sum(e) <= order}
        return Polynomial._from_terms(self._vars, order, t, center=self._center,
                                      domain=self.domain, prec=self.prec)

    def as_expr(self):
        """The polynomial as a sympy expression (truncation term dropped).

        Examples
        --------
        >>> import sympy
        >>> from symnet import Polynomial
        >>> x = sympy.Symbol("x")
        >>> Polynomial({(2,): 3}, [x], center=[1]).as_expr()
        3*(x - 1)**2
        """
        return sympy.Add(*[self._coeff_expr(c) * self._mono_expr(e)
                           for e, c in self._t().items()])

    def _coeff_expr(self, c):
        if isinstance(c, float):
            return sympy.Float(c)
        if _is_mpf(c):
            return sympy.Float(c, precision=c.context.prec)
        return c

    def monomial(self, exps):
        """The monomial with these exponents, in the (shifted) variables.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Polynomial
        >>> x, y = sympy.symbols("x y")
        >>> Polynomial(x * y, (x, y), center=[1, 0]).monomial((2, 1))
        y*(x - 1)**2
        """
        return self._mono_expr(_check_exps(tuple(exps), len(self._vars)))

    def _mono_expr(self, exps):
        out = S.One
        for v, a, e in zip(self._vars, self._center, exps):
            if e:
                out *= (v - a) ** e
        return out

    def as_float(self):
        """The same polynomial with float64 coefficients.

        Raises ``SymnetError`` when a coefficient is not a number.
        """
        if self.domain == "RR":
            return self
        t = {}
        for e, c in self._t().items():
            try:
                t[e] = float(c)
            except (TypeError, ValueError):
                raise DomainError(
                    f"coefficient {c} of {self._mono_expr(e)} is not a number; "
                    "substitute its symbols first") from None
        return Polynomial._from_terms(self._vars, self._order, t, center=self._center,
                                      domain="RR")

    # -- evaluation ------------------------------------------------------------
    def __call__(self, X):
        """Evaluate at one point or at the rows of an (n_samples, n_inputs) array.

        Exact points (lists of ints, Fractions or sympy numbers) give exact
        values; numpy arrays give float64.

        Examples
        --------
        >>> import sympy, numpy as np
        >>> from symnet import Polynomial
        >>> x, y = sympy.symbols("x y")
        >>> p = Polynomial(x**2 + y / 2, (x, y))
        >>> p([1, 1])
        3/2
        >>> p(np.array([[1.0, 1.0], [2.0, 0.0]]))
        array([1.5, 4. ])
        """
        import numpy as np

        n = len(self._vars)
        if not isinstance(X, np.ndarray) or X.dtype == object:
            flat = _flatten_point(X)
            if flat is not None and all(_is_exact_number(v) for v in flat[1]):
                return self._eval_exact(flat)
        try:
            X = np.asarray(X, dtype=float)
        except (TypeError, ValueError):
            raise ShapeError(f"expected numeric points of shape (n_samples, {n}), got "
                             f"{type(X).__name__} {str(X)[:40]}") from None
        single = X.ndim == 1
        if single:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != n:
            raise ShapeError(f"expected points of shape (n_samples, {n}), got {X.shape}")
        if any(a != 0 for a in self._center):
            X = X - np.array([float(a) for a in self._center])
        quiet = {"invalid": "ignore", "over": "ignore"} if self.is_exact else {}
        with np.errstate(**quiet):   # an exact polynomial's non-finite values are redone below
            out = self._eval_float(X)
        if self.is_exact and not np.isfinite(out).all():
            # an exact coefficient past float64 (10**5000) made inf*0 = nan or inf - inf:
            # those points are evaluated exactly (floats are exact binary rationals)
            bad = np.flatnonzero(~np.isfinite(out))
            exact = self._eval_exact(((len(bad), n), [sympy.Rational(float(v)) for v in
                                                     X[bad].ravel()]))
            out[bad] = [_float_or_inf(v) for v in exact]
        return out[0] if single else out

    def _float_terms(self):
        if self._float is None:
            import numpy as np

            if self._dense is not None:
                B, c = self._dense
                self._float = ("dense", B, np.asarray(c, dtype=float))
            else:
                t = self.as_float()._t()
                self._float = ("sparse", np.array(list(t.keys()), dtype=np.int64).reshape(
                    len(t), len(self._vars)), np.array(list(t.values()), dtype=float))
        return self._float

    def _eval_float(self, X):
        import numpy as np

        kind, a, c = self._float_terms()
        out = np.zeros(X.shape[0])
        step = max(1, (1 << 22) // max(1, (a.size if kind == "dense" else len(c))))
        for s in range(0, X.shape[0], step):
            Xs = X[s:s + step]
            if kind == "dense":
                out[s:s + step] = a.evaluate_monomials(Xs) @ c
            else:
                E = a
                if len(c) == 0:
                    continue
                maxe = int(E.max()) if E.size else 0
                pw = np.ones((maxe + 1,) + Xs.shape)
                for e in range(1, maxe + 1):
                    pw[e] = pw[e - 1] * Xs
                vals = np.ones((Xs.shape[0], len(c)))
                for j in range(E.shape[1]):
                    vals *= pw[E[:, j], :, j].T
                out[s:s + step] = vals @ c
        return out

    def _eval_exact(self, flat):
        shape, vals = flat
        n = len(self._vars)
        pts = [vals[i:i + n] for i in range(0, len(vals), n)]
        if (len(shape) == 1 and shape[0] != n) or (len(shape) == 2 and shape[1] != n):
            raise ShapeError(f"expected points of length {n}, got shape {shape}")
        res = []
        for p in pts:
            sub = [sympy.sympify(v) - a for v, a in zip(p, self._center)]
            acc = S.Zero
            for e, c in self._t().items():
                term = self._coeff_expr(c)
                for v, k in zip(sub, e):
                    if k:
                        term *= v ** k
                acc += term
            res.append(acc)
        return res[0] if len(shape) == 1 else res

    # -- arithmetic ----------------------------------------------------------
    def _coerce_other(self, other):
        if isinstance(other, Polynomial):
            if other._vars != self._vars:
                raise ArgumentError(f"polynomials in different variables: {self._vars} and "
                                  f"{other._vars}")
            if tuple(other._center) != tuple(self._center):
                raise ArgumentError(f"polynomials centred at different points: {self._center} "
                                  f"and {other._center}")
            return other
        try:
            c = _coerce_coeff(other)
        except (SymnetError, sympy.SympifyError):
            return None
        if isinstance(c, sympy.Expr) and c.free_symbols & set(self._vars):
            return Polynomial(c, self._vars, self._order, center=self._center)
        t = {} if _is_zero(c) else {(0,) * len(self._vars): c}
        # a zero scalar keeps its kind: p + 0.0 is float64, as p + 0.5 is
        if isinstance(c, float):
            return Polynomial._from_terms(self._vars, self._order, t, center=self._center,
                                          domain="RR")
        if _is_mpf(c):
            return Polynomial._from_terms(self._vars, self._order, t, center=self._center,
                                          domain="mpf", prec=c.context.prec)
        return Polynomial._from_terms(self._vars, self._order, t, center=self._center)

    def _floated(self):
        """Every numeric coefficient as a float (symbolic ones evaluated with Floats)."""
        if self.domain == "RR":
            return self
        t = {e: _to_float(c) for e, c in self._t().items()}
        return Polynomial._from_terms(self._vars, self._order, t, center=self._center,
                                      domain=None if t else "RR")

    def _mpfed(self, prec):
        """Every coefficient as an mpf at ``prec`` bits (all are numbers)."""
        if self.domain == "mpf" and self.prec == prec:
            return self
        t = {e: _to_mpf(c, prec) for e, c in self._t().items()}
        return Polynomial._from_terms(self._vars, self._order, t, center=self._center,
                                      domain="mpf", prec=prec)

    def _kind(self):
        """("exact" | "mpf" | "RR", prec): this operand's place in the domain rule."""
        d = self.domain
        if d == "mpf":
            return "mpf", self.prec
        if d.startswith("RR"):
            return "RR", None
        return "exact", None

    def _aligned(self, other):
        """(self, other, (domain, prec)) under one rule: the least exact operand's domain.

        exact > mpf > float64 (see :class:`Domain`): both operands are brought
        to the result's domain before any coefficient is combined.
        """
        o = self._coerce_other(other)
        if o is None:
            return None, None, None
        a = self
        (ka, pa), (ko, po) = a._kind(), o._kind()
        if "mpf" in (ka, ko) and "RR" not in (ka, ko):
            prec = min(p for p in (pa, po) if p is not None)
            if a._numeric() and o._numeric():
                return a._mpfed(prec), o._mpfed(prec), ("mpf", prec)
            ka = "RR"   # mpf has no symbolic form: symbolic coefficients go float64
        if "RR" in (ka, ko):
            return a._floated(), o._floated(), ("RR", None)
        return a, o, (None, None)

    def _numeric(self):
        return all(_is_mpf(c) or isinstance(c, float) or
                   (isinstance(c, sympy.Expr) and c.is_number) for c in self._t().values())

    @staticmethod
    def _result(vars_, order, t, center, target):
        """A result in the target domain, even when it is zero."""
        domain, prec = target
        if domain == "mpf":
            return Polynomial._from_terms(vars_, order, t, center=center, domain="mpf",
                                          prec=prec)
        if domain == "RR" and not t:
            return Polynomial._from_terms(vars_, order, t, center=center, domain="RR")
        return Polynomial._from_terms(vars_, order, t, center=center)

    def _combine(self, other, sign):
        a, o, target = self._aligned(other)
        if o is None:
            return NotImplemented
        return a._combine_aligned(o, sign, target)

    def _combine_aligned(self, o, sign, target):
        order = min(self._order, o._order)
        t = {e: c for e, c in self._t().items() if sum(e) <= order}
        for e, c in o._t().items():
            if sum(e) > order:
                continue
            c = c if sign > 0 else -c
            t[e] = _add(t[e], c) if e in t else c
        t = {e: c for e, c in t.items() if not _is_zero(c)}
        return Polynomial._result(self._vars, order, t, self._center, target)

    def __add__(self, other):
        return self._combine(other, 1)

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, -1)

    def __rsub__(self, other):
        return (-self)._combine(other, 1)

    def __truediv__(self, other):
        c = self._coerce_other(other)
        if c is None or c.degree != 0 and c.nterms:
            return NotImplemented
        k = c.coeff((0,) * len(self._vars))
        if k == 0:
            raise DomainError("division of a polynomial by zero")
        if isinstance(k, float) or _is_mpf(k):
            return self * (1 / k)   # 1/k in k's own domain and precision
        return self * (1 / sympy.sympify(k))

    def __neg__(self):
        return Polynomial._from_terms(self._vars, self._order, {e: -c for e, c in self._t().items()},
                                      center=self._center, domain=self.domain, prec=self.prec)

    def __pos__(self):
        return self

    def __mul__(self, other):
        s_, o, target = self._aligned(other)
        if o is None:
            return NotImplemented
        return s_._mul_aligned(o, target)

    def _mul_aligned(self, o, target):
        order = min(self._order, o._order)
        a = _by_degree(self._t(), order)
        b = _by_degree(o._t(), order)
        t = {}
        for da, ta in a.items():
            for db, tb in b.items():
                if da + db > order:
                    continue
                for ea, ca in ta:
                    for eb, cb in tb:
                        e = tuple(i + j for i, j in zip(ea, eb))
                        t[e] = _add(t[e], _mul(ca, cb)) if e in t else _mul(ca, cb)
        t = {e: _simplify_coeff(c) for e, c in t.items()}
        t = {e: c for e, c in t.items() if not _is_zero(c)}
        return Polynomial._result(self._vars, order, t, self._center, target)

    __rmul__ = __mul__

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0:
            return NotImplemented
        out = Polynomial._from_terms(self._vars, self._order, {(0,) * len(self._vars): S.One},
                                     center=self._center)
        for _ in range(int(k)):
            out = out * self
        return out

    def __eq__(self, other):
        if not isinstance(other, Polynomial):
            return NotImplemented
        return (self._vars == other._vars and self._order == other._order
                and tuple(self._center) == tuple(other._center) and self._t() == other._t())

    def __hash__(self):
        return hash((self._vars, self._order, tuple(sorted(self._t().items(), key=lambda kv:
                                                              kv[0]))))

    # -- printing --------------------------------------------------------------
    def _ordered_items(self, order):
        items = list(self._t().items())
        if order in (None, "ascending"):
            order = Polynomial.default_print_order
        if order in ("ascending", None):
            items.sort(key=lambda kv: _grkey(kv[0]))
        elif order == "descending":
            items.sort(key=lambda kv: _grkey(kv[0]), reverse=True)
        elif order in ("none", "old"):
            items.sort(key=lambda kv: _grkey(kv[0]))
        else:
            from sympy.polys.orderings import monomial_key
            rev = order.startswith("rev-")
            key = monomial_key(order[4:] if rev else order)
            items.sort(key=lambda kv: key(kv[0]), reverse=not rev)
        return items

    def _printable(self, printer, with_order=True):
        order = printer._settings.get("order")
        terms = [self._print_term(c, e) for e, c in self._ordered_items(order)]
        if with_order:
            vars_ = sympy.Tuple(*[v - a for v, a in zip(self._vars, self._center)])
            terms.append(_Trunc(vars_, self._order + 1))
        if not terms:
            return S.Zero
        if len(terms) == 1:
            return terms[0]
        return sympy.Add(*terms, evaluate=False)

    def _print_term(self, c, e):
        c = printable(self._coeff_expr(c))
        m = self._mono_expr(e)
        if m == 1:
            return c
        if any(a != 0 for a in self._center) and not c.is_Add:
            # keep c*(x - a) from being distributed, without nesting Muls
            factors = m.args if m.is_Mul else (m,)
            return sympy.Mul(c, *factors, evaluate=False) if c != 1 else m
        return sympy.Mul(c, m)

    #: above this many terms in all coefficients together, coefficients print in their
    #: canonical (construction) order: sorting large sums dominates the printing time
    large_print = 64

    def _print_with(self, printer):
        e = self._printable(printer)
        settings = printer._settings
        big = sum(len(c.args) if isinstance(c, sympy.Add) else 1
                  for c in self._t().values()) > self.large_print
        old = settings.get("order")
        if big and old in (None, "lex"):
            settings["order"] = "none"
        try:
            if isinstance(e, sympy.Add):
                return printer._print_Add(e, order="none")
            return printer._print(e)
        finally:
            if big:
                settings["order"] = old

    def _sympystr(self, printer):
        return self._print_with(printer)

    def _latex(self, printer):
        return self._print_with(printer)

    def doit(self, **hints):
        """The polynomial with named constants written out (see :mod:`symnet.constants`).

        Examples
        --------
        >>> import sympy
        >>> from symnet import Polynomial
        >>> from symnet.constants import NamedConstant
        >>> x = sympy.Symbol("x")
        >>> Polynomial({(1,): NamedConstant("c", sympy.log(2))}, [x]).doit().coeff((1,))
        log(2)
        """
        t = {e: (c.doit(**hints) if isinstance(c, sympy.Basic) else c)
             for e, c in self._t().items()}
        out = Polynomial._from_terms(self._vars, self._order, t, center=self._center)
        out._meta = self._meta
        return out

    def constants(self):
        """The named constants in the coefficients: ``{name: value}``.

        Exact Taylor polynomials through two or more nonlinear layers name
        each neuron's pre-activation value (``z2_1``) and Taylor coefficients
        (``d2_1_3``, the third of neuron (2, 1)); :meth:`doit` writes them out.

        Examples
        --------
        >>> import sympy
        >>> from symnet import Network, expand
        >>> net = Network.dense([[[1]], [[1]]], biases=[[1], [0]], activations=["tanh", "tanh"])
        >>> p = expand(net, 1, mode="taylor")
        >>> print(p)
        d2_1_0 + d1_1_1*d2_1_1*x1 + O(|x1|**2)
        >>> p.constants()["d2_1_1"], p.constants()["z2_1"], p.constants()["d1_1_0"]
        (1 - tanh(z2_1)**2, d1_1_0, tanh(1))
        >>> print(p.doit())
        tanh(tanh(1)) + x1*(1 - tanh(1)**2)*(1 - tanh(tanh(1))**2) + O(|x1|**2)
        """
        from .constants import NamedConstant

        out, todo = {}, [c for c in self._t().values() if isinstance(c, sympy.Basic)]
        while todo:
            for a in todo.pop().atoms(NamedConstant):
                if a.name not in out:
                    out[a.name] = a.value
                    todo.append(a.value)
        return out

    def _repr_latex_(self):
        return "$\\displaystyle " + sympy.latex(self) + "$"

    def __str__(self):
        return sympy.sstr(self)

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def _grkey(e):
    return (sum(e), tuple(-i for i in e))


def _add(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, float) and isinstance(b, float):
            return a + b
        return float(a) + float(b) if _numberish(a) and _numberish(b) else \
            sympy.sympify(a) + sympy.sympify(b)
    return a + b


def _mul(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a * b
    if isinstance(a, float) or isinstance(b, float):
        if _numberish(a) and _numberish(b):
            return float(a) * float(b)
        return sympy.sympify(a) * sympy.sympify(b)
    return a * b


def _numberish(c):
    return isinstance(c, float) or (isinstance(c, sympy.Expr) and c.is_number)


def _simplify_coeff(c):
    if isinstance(c, sympy.Expr) and not c.is_Number:
        return sympy.expand(c)
    return c


def _by_degree(t, order):
    out = {}
    for e, c in t.items():
        d = sum(e)
        if d <= order:
            out.setdefault(d, []).append((e, c))
    return out


def _to_sympy_number(v):
    return sympy.Float(v) if isinstance(v, float) else v


def _has_float(c):
    return isinstance(c, float) or (isinstance(c, sympy.Expr) and c.has(sympy.Float))


def _float_or_inf(v):
    """A real number as a float: +-inf past float64's range, never an error."""
    try:
        return float(v)
    except OverflowError:
        return math.copysign(math.inf, 1 if v > 0 else -1)


def _to_float(c):
    if isinstance(c, float) or _is_mpf(c):
        return float(c)
    c = sympy.sympify(c)
    if c.is_number:
        try:
            return float(c)
        except (TypeError, ValueError):
            pass
    return c.evalf(15)


_MPF_CONTEXTS = {}


def _to_mpf(c, prec):
    """A number (exact, float or mpf) as an mpf at ``prec`` bits."""
    ctx = _MPF_CONTEXTS.get(prec)
    if ctx is None:
        import mpmath
        ctx = _MPF_CONTEXTS[prec] = mpmath.mp.clone()
        ctx.prec = prec
    if isinstance(c, float) or _is_mpf(c):
        return ctx.mpf(c)   # rounded to prec bits
    c = sympy.sympify(c)
    if c.is_Rational:
        return ctx.mpf(int(c.p)) / int(c.q)
    return ctx.mpf(sympy.Float(c, ctx.dps + 10))


def _gen_names(gens):
    names = sorted(str(g) for g in gens)
    if len(names) > 8:
        names = names[:4] + [f"... ({len(names)} symbols)"]
    return ", ".join(names)


def _infer_domain(coeffs):
    coeffs = list(coeffs)
    if coeffs and all(isinstance(c, float) for c in coeffs):
        return Domain("RR")
    if any(_is_mpf(c) for c in coeffs):
        return Domain("mpf")
    floats = any(_has_float(c) for c in coeffs)
    gens = set()
    for c in coeffs:
        if isinstance(c, sympy.Expr) and not c.is_Rational and not c.is_Float:
            if c.free_symbols:
                gens |= c.free_symbols
            elif not floats:
                gens.add(c)
    if floats:
        return Domain("RR" if not gens else "RR[" + _gen_names(gens) + "]")
    if not gens:
        return Domain("QQ")
    if all(g.is_Symbol for g in gens):
        return Domain("QQ[" + _gen_names(gens) + "]")
    return Domain("EX")


#: Largest number of terms a full (untruncated) expansion of an expression may have.
MAX_EXPANSION_TERMS = 5 * 10**4
#: Largest number of coefficient products a truncated expansion may need.
MAX_TRUNCATED_PRODUCTS = 5 * 10**6


def _expression_terms(expr, variables, order, given):
    """``{exponents: coefficient}`` of a polynomial expression, truncated at ``order``.

    A power is never expanded beyond the order: below its degree, the
    expression is expanded with truncated arithmetic (powers by squaring,
    every product cut at ``order``), so ``(1 + x + y + z)**10000`` at order
    2 costs a few dozen small products.  The work is estimated first: when
    the truncated products would pass :data:`MAX_TRUNCATED_PRODUCTS`, or no
    order truncates, the expression is expanded in full if it has at most
    :data:`MAX_EXPANSION_TERMS` terms, and refused with the estimate if not.
    """
    n = len(variables)
    deg, nterms, nmul = _expansion_shape(expr, set(variables), given, variables)
    full = min(nterms, _n_monomials(n, deg))
    if order is not None and order < deg:
        size = min(nterms, _n_monomials(n, order))
        work = min(size * size, _n_monomials(2 * n, order)) * max(1, nmul)
        if work <= MAX_TRUNCATED_PRODUCTS:
            return _clean_terms(_TruncatedExpansion(variables, order).walk(expr))
        if full > MAX_EXPANSION_TERMS:
            raise ExpansionTooLargeError(
                f"expanding {_short(given)} truncated at order {order} needs about {work:.3g} "
                f"coefficient products ({size:.3g} terms, {nmul} truncated products), more "
                f"than {MAX_TRUNCATED_PRODUCTS:,}, and in full it has about {full:.3g} terms, "
                f"more than {MAX_EXPANSION_TERMS:,}; pass a lower order")
    elif full > MAX_EXPANSION_TERMS:
        raise ExpansionTooLargeError(
            f"expanding {_short(given)} in full gives about {full:.3g} terms (degree {deg} "
            f"in {n} variables), more than {MAX_EXPANSION_TERMS:,}; pass a lower order to "
            "truncate while expanding")
    try:   # in full (sympy's dense arithmetic is fast for few, long variables)
        poly = sympy.Poly(expr, *variables)
    except sympy.PolynomialError as e:
        raise ArgumentError(f"expected a polynomial in {variables}, got {_short(given)} "
                            f"({e})") from None
    return _clean_terms(dict(poly.terms()))


def _clean_terms(items):
    if any(_has_float(c) for c in items.values()):   # one float makes every coefficient float
        items = {k: _to_float(c) for k, c in items.items()}
    return {k: c for k, c in items.items() if not _is_zero(c)}


def _short(given):
    s = str(given) if isinstance(given, str) else sympy.sstr(given)
    return s if len(s) <= 80 else s[:77] + "..."


def _n_monomials(n, d):
    """Monomials of degree <= d in n variables, C(n + d, n) (a float, capped)."""
    if d < 0:
        return 0.0
    lg = math.lgamma(n + d + 1) - math.lgamma(n + 1) - math.lgamma(d + 1)
    return math.exp(min(lg, 690.0))


def _expansion_shape(e, varset, given, variables):
    """(degree bound, term-count bound, truncated products) of a polynomial expression.

    Anything but sums, products, non-negative integer powers, the variables
    and expressions free of them is refused here, before any expansion.
    """
    if not (e.free_symbols & varset):
        return 0, 1.0, 0
    if e in varset:
        return 1, 1.0, 0
    if e.is_Add or e.is_Mul:
        parts = [_expansion_shape(a, varset, given, variables) for a in e.args]
        if e.is_Add:
            return (max(p[0] for p in parts), sum(p[1] for p in parts),
                    sum(p[2] for p in parts))
        return (sum(p[0] for p in parts), math.prod(min(p[1], 1e300) for p in parts),
                sum(p[2] for p in parts) + len(parts) - 1)
    if e.is_Pow and e.exp.is_Integer and e.exp >= 0 and not (e.exp.free_symbols & varset):
        d, t, m = _expansion_shape(e.base, varset, given, variables)
        k = int(e.exp)
        # terms of base**k: at most C(t + k - 1, k)
        lg = math.lgamma(t + k) - math.lgamma(k + 1) - math.lgamma(t) if t >= 1 else 0.0
        return d * k, math.exp(min(lg, 690.0)), m + 2 * k.bit_length()
    raise ArgumentError(f"expected a polynomial in {variables}, got {_short(given)} "
                        f"({_short(e)} is not a polynomial in them)")


class _TruncatedExpansion:
    """Expand an expression with every product truncated at ``order``."""

    def __init__(self, variables, order):
        self.index = {v: i for i, v in enumerate(variables)}
        self.n = len(variables)
        self.order = order
        self.zero = (0,) * self.n

    def walk(self, e):
        if not (e.free_symbols & self.index.keys()):
            return {self.zero: e}
        if e in self.index:
            k = [0] * self.n
            k[self.index[e]] = 1
            return {tuple(k): S.One}
        if e.is_Add:
            out = {}
            for a in e.args:
                for k, c in self.walk(a).items():
                    out[k] = out[k] + c if k in out else c
            return out
        if e.is_Mul:
            out = {self.zero: S.One}
            for a in e.args:
                out = self.mul(out, self.walk(a))
            return out
        # a non-negative integer power (checked by _expansion_shape)
        base, k = self.walk(e.base), int(e.exp)
        out = {self.zero: S.One}
        while k:
            if k & 1:
                out = self.mul(out, base)
            k >>= 1
            if k:
                base = self.mul(base, base)
        return out

    def mul(self, a, b):
        order = self.order
        bb = [(k, sum(k), c) for k, c in b.items()]
        out = {}
        for ka, ca in a.items():
            da = sum(ka)
            for kb, db, cb in bb:
                if da + db > order:
                    continue
                k = tuple(i + j for i, j in zip(ka, kb))
                c = ca * cb
                out[k] = out[k] + c if k in out else c
        return {k: _simplify_coeff(c) for k, c in out.items() if c != 0}


def _as_polynomial_expr(value, variables, what="terms"):
    """A sympy expression from an expression, a number or a string (parsed safely)."""
    if isinstance(value, str):
        e = parse_expr(value, what)
        return e.xreplace({sympy.Symbol(v.name): v for v in variables})
    if isinstance(value, bool):
        raise InputError(f"{what}: expected a polynomial expression, got the bool {value!r}")
    if isinstance(value, (int, float, Fraction)):
        return sympy.sympify(value)
    if not isinstance(value, sympy.Basic):
        raise InputError(f"{what}: expected a dict of exponents, a sympy expression or a "
                         f"string, got {type(value).__name__}")
    return value


def _check_variables(variables):
    if isinstance(variables, sympy.Symbol):
        variables = (variables,)
    try:
        variables = tuple(variables)
    except TypeError:
        raise InputError(f"variables: expected a sequence of sympy Symbols, got "
                         f"{type(variables).__name__}") from None
    for v in variables:
        if not isinstance(v, sympy.Symbol):
            raise InputError(f"variables must be sympy Symbols, got {type(v).__name__} {v!r}")
    return as_symbols(variables, "variables")


def _check_exps(k, n):
    if not isinstance(k, tuple) or len(k) != n or not all(
            isinstance(e, numbers.Integral) and not isinstance(e, bool) and e >= 0 for e in k):
        raise ShapeError(f"expected an exponent tuple of {n} non-negative ints, got {k!r}")
    return tuple(int(e) for e in k)


def _check_center(center, n):
    if center is None:
        return (S.Zero,) * n
    center = tuple(c if isinstance(c, float) else as_weight(c, "center") for c in center)
    if len(center) != n:
        raise ShapeError(f"expected a center of length {n}, got {len(center)}")
    return center


def _is_exact_number(v):
    if isinstance(v, bool):
        return False
    if isinstance(v, (numbers.Integral, Fraction)):
        return True
    return isinstance(v, sympy.Expr) and not v.has(sympy.Float)


def _flatten_point(X):
    """(shape, flat values) of a list / tuple / object array, or None."""
    try:
        import numpy as np
        if isinstance(X, np.ndarray):
            return X.shape, list(X.ravel())
    except ImportError:  # pragma: no cover
        pass
    if isinstance(X, sympy.MatrixBase):
        return (X.shape[0],) if X.shape[1] == 1 else X.shape, list(X)
    if not isinstance(X, (list, tuple)):
        return None
    if X and all(isinstance(r, (list, tuple)) for r in X):
        if len({len(r) for r in X}) != 1:
            return None
        return (len(X), len(X[0])), [v for r in X for v in r]
    return (len(X),), list(X)
