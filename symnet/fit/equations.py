"""Undetermined coefficients: a network's coefficients c_alpha(W) set equal to a target's.

Expanding a network with symbolic weights ``W`` to order ``Q`` gives
coefficients ``c_alpha(W)`` that are polynomials in ``W`` (series mode, the
NN2Poly polynomial: each activation replaced by its Maclaurin polynomial).
Training the network to a target polynomial ``t`` is solving
``c_alpha(W) = t_alpha`` for every monomial ``alpha`` of degree ``<= Q``.

Examples
--------
The worked example: ``a*tanh(w*x) + c`` against ``2x - 2x^3/3`` at order 3.

>>> import sympy
>>> from symnet import Network
>>> from symnet.fit import coefficient_equations
>>> a, w, c, x = sympy.symbols("a w c x")
>>> net = Network.dense([[[w]], [[a]]], biases=[[0], [c]], inputs=[x],
...                     activations=["tanh", "identity"])
>>> for eq in coefficient_equations(net, 2*x - 2*x**3/3, 3):
...     print(eq)
Eq(c, 0)
Eq(a*w, 2)
Eq(0, 0)
Eq(-a*w**3/3, -2/3)
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np
import sympy

from .._validate import as_order, parse_expr
from ..errors import (
    ArgumentError,
    InputError,
    NotSupportedError,
    OrderError,
    ShapeError,
)
from ..expand import expand
from ..monomials import monomials
from ..network import Network
from ..polynomial import Polynomial

__all__ = ["coefficient_equations"]


# ---------------------------------------------------------------------------
# the pieces: the network's coefficients, the target's, the unknowns
# ---------------------------------------------------------------------------

def check_template(net, where="net"):
    """A Network with one output (the template whose weights are solved for)."""
    if not isinstance(net, Network):
        raise InputError(f"{where}: expected a symnet.Network, got {type(net).__name__}; build "
                         "one with Network.mlp(...) or Network.dense(...) with Symbols")
    if net.n_outputs != 1:
        raise NotSupportedError(f"{where}: expected a network with one output, got "
                                f"{net.n_outputs} outputs; solve for one output at a time")
    return net


def unknowns_of(net):
    """The free symbols of the weights, in the network's parameter order."""
    seen, out = set(), []
    for w in net.parameters():
        if isinstance(w, sympy.Basic):
            for s in sorted(w.free_symbols, key=lambda s: s.name):
                if s not in seen:
                    seen.add(s)
                    out.append(s)
    return tuple(out)


def _check_mode(mode, series_degree):
    if mode not in ("series", "taylor"):
        raise ArgumentError(f"mode: expected 'series' or 'taylor', got {mode!r}")
    if mode == "taylor" and series_degree is not None:
        raise ArgumentError("series_degree is only for mode='series'")


def network_coefficients(net, order, mode="series", series_degree=None):
    """``{exponents: c_alpha(W)}`` of every monomial of degree <= order (zeros included)."""
    _check_mode(mode, series_degree)
    kw = {"series_degree": series_degree} if mode == "series" else {}
    p = expand(net, order, mode=mode, **kw)
    terms = p.terms()
    zero = 0.0 if p.domain == "RR" else sympy.S.Zero
    return {e: _as_sympy(terms.get(e, zero)) for e in monomials(net.n_inputs, order)}


def _as_sympy(c):
    return sympy.Float(c) if isinstance(c, float) else c


def _coeff_number(v, where):
    """A target coefficient: an exact sympy number or a Float (finite, real, no symbols)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        raise ArgumentError(f"{where}: expected a number, got the bool {v!r}")
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ArgumentError(f"{where}: expected a finite number, got {v!r}")
        return sympy.Float(v)
    if isinstance(v, int):
        return sympy.Integer(v)
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    if isinstance(v, str):
        v = parse_expr(v, where)
    if type(v).__module__ == "flint":
        import flint
        q = flint.fmpq(v)
        return sympy.Rational(int(q.p), int(q.q))
    if isinstance(v, numbers.Real) and not isinstance(v, sympy.Basic):
        return _coeff_number(float(v), where)
    if not isinstance(v, sympy.Expr):
        raise ArgumentError(f"{where}: expected a number, got {type(v).__name__} {v!r}")
    if v.free_symbols:
        raise ArgumentError(f"{where}: expected a number, got the expression {v} (symbols "
                            f"{sorted(map(str, v.free_symbols))})")
    if v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise ArgumentError(f"{where}: expected a finite number, got {v}")
    if v.is_extended_real is False:
        raise ArgumentError(f"{where}: expected a real number, got {v}")
    return v


def _taylor_terms(expr, inputs, order):
    """Taylor polynomial at 0 of a non-polynomial expression: scale x -> s*x, series in s."""
    s = sympy.Dummy("s")
    scaled = expr.xreplace({v: s * v for v in inputs})
    try:
        ser = sympy.series(scaled, s, 0, order + 1).removeO()
    except Exception as e:  # noqa: BLE001 - sympy raises many kinds here
        raise ArgumentError(f"target: cannot expand {expr} at the origin ({e})") from None
    try:
        poly = sympy.Poly(sympy.expand(ser.subs(s, 1)), *inputs)
    except sympy.PolynomialError:
        raise ArgumentError(f"target: {expr} has no Taylor polynomial at the origin (it is not "
                            "analytic there); expected a function analytic at 0, a "
                            "Polynomial or data") from None
    return dict(poly.terms())


def target_coefficients(target, net, order, mode="series", series_degree=None):
    """``{exponents: t_alpha}`` of every monomial of degree <= order (zeros included).

    ``target``: a sympy expression (or a string, parsed safely) in
    ``net.inputs`` (not a polynomial: its Taylor polynomial at 0), a
    Polynomial in ``net.inputs``, a dict ``{exponents: value}``, a
    Network with numeric weights (its expansion, same mode), data
    ``(X, y)`` (its least-squares polynomial of degree ``order``, as
    :class:`SuperSpaceRegressor` fits it) or a fitted regressor.  Terms of
    degree above ``order`` are dropped.
    """
    inputs = net.inputs
    n = len(inputs)
    mons = monomials(n, order)
    if isinstance(target, tuple) and len(target) == 2 and not isinstance(target[0], sympy.Basic):
        # data (X, y): its Super Space polynomial, least squares on the monomial features
        from .regression import SuperSpaceRegressor
        target = SuperSpaceRegressor(order, inputs=inputs).fit(*target)
    if type(target).__name__ in ("SuperSpaceRegressor", "SuperSpaceClassifier") and \
            not hasattr(target, "polynomial_"):
        raise ArgumentError(f"target: the {type(target).__name__} is not fitted; call "
                            ".fit(X, y) first, or pass the data (X, y)")
    if hasattr(target, "polynomial_") and not isinstance(target, (Network, Polynomial)):
        target = target.polynomial_   # a fitted SuperSpaceRegressor
    if isinstance(target, Network):
        if target.n_inputs != n:
            raise ShapeError(f"target: the target network has {target.n_inputs} inputs, the "
                             f"template {n}")
        if target.is_symbolic:
            raise ArgumentError(f"target: the target network has symbolic weights "
                                f"{sorted(map(str, target.free_symbols))}; substitute them")
        terms = network_coefficients(target, order, mode, series_degree)
    elif isinstance(target, Polynomial):
        if tuple(target.variables) != tuple(inputs):
            raise InputError(f"target: the polynomial is in {target.variables}, the network's "
                             f"inputs are {inputs}")
        if any(c != 0 for c in target.center):
            raise ArgumentError(f"target: expected a polynomial centred at the origin, got "
                                f"centre {target.center}")
        if target.order < order:
            raise OrderError(f"target: the polynomial is truncated at order {target.order}; its "
                             f"coefficients of degree {target.order + 1}..{order} are unknown")
        terms = target.terms()
    elif isinstance(target, dict):
        terms = {}
        for k, v in target.items():
            if (not isinstance(k, tuple) or len(k) != n or not all(
                    isinstance(e, numbers.Integral) and not isinstance(e, bool) and e >= 0
                    for e in k)):
                raise ShapeError(f"target: expected exponent tuples of {n} non-negative ints "
                                 f"as keys, got {k!r}")
            terms[tuple(int(e) for e in k)] = v
    else:
        if isinstance(target, str):
            target = parse_expr(target, "target", symbols={s.name: s for s in inputs})
        elif isinstance(target, (int, float, Fraction)) and not isinstance(target, bool):
            target = _coeff_number(target, "target")
        if not isinstance(target, sympy.Expr):
            raise ArgumentError(f"target: expected a sympy expression, a Polynomial, a dict "
                                f"{{exponents: value}} or a Network, got {type(target).__name__}")
        extra = target.free_symbols - set(inputs)
        if extra:
            raise InputError(f"target: the symbols {sorted(map(str, extra))} are not the "
                             f"network's inputs {inputs}")
        try:
            terms = dict(sympy.Poly(target, *inputs).terms()) if n else {(): target}
        except sympy.PolynomialError:
            terms = _taylor_terms(target, inputs, order)
    out = {}
    for e in mons:
        v = terms.get(e, 0)
        out[e] = _coeff_number(v, f"target coefficient of {_mono(inputs, e)}")
    return out


def _mono(inputs, e):
    m = sympy.Mul(*[v ** k for v, k in zip(inputs, e)])
    return str(m)


# ---------------------------------------------------------------------------
# the system
# ---------------------------------------------------------------------------

class System:
    """The equations of one template, target and order (internal to symnet.fit)."""

    def __init__(self, net, target, order, mode="series", series_degree=None):
        self.net = check_template(net)
        self.order = as_order(order)
        self.mode = mode
        self.series_degree = series_degree
        self.inputs = net.inputs
        self.unknowns = unknowns_of(net)
        self.lhs = network_coefficients(net, self.order, mode, series_degree)
        self.rhs = target_coefficients(target, net, self.order, mode, series_degree)
        self.monomials = list(self.lhs)
        stray = set()
        for c in self.lhs.values():
            if isinstance(c, sympy.Basic):
                stray |= c.free_symbols - set(self.unknowns)
        if stray:  # pragma: no cover - every free symbol of the weights is an unknown
            raise ArgumentError(f"unexpected symbols {sorted(map(str, stray))} in the "
                                "coefficients")

    @property
    def exact_target(self):
        return not any(v.has(sympy.Float) for v in self.rhs.values())

    @property
    def exact_network(self):
        return not any(isinstance(c, sympy.Basic) and c.has(sympy.Float)
                       for c in self.lhs.values())

    def equations(self):
        return [sympy.Eq(self.lhs[e], self.rhs[e], evaluate=False) for e in self.monomials]

    def residuals(self):
        """``[(alpha, c_alpha(W) - t_alpha)]`` without the identically zero ones."""
        out = []
        for e in self.monomials:
            f = sympy.expand(self.lhs[e] - self.rhs[e])
            if f != 0:
                out.append((e, f))
        return out

    def is_polynomial(self):
        gens = set(self.unknowns)
        for _, f in self.residuals():
            if not f.is_polynomial(*gens):
                return False
        return True

    def label(self, e):
        return _mono(self.inputs, e)


def series_is_taylor(net):
    """Whether series mode's coefficients are the network's own Taylor coefficients at 0.

    True unless a non-polynomial activation has a bias that is not 0: there
    series mode expands ``tanh`` around 0 and substitutes ``w x + b`` (the
    NN2Poly polynomial), while the network's Taylor coefficients hold
    ``tanh(b)`` and its derivatives.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.fit.equations import series_is_taylor
    >>> series_is_taylor(Network.mlp([1, 1, 1], activation=["tanh", "identity"]))
    False
    >>> series_is_taylor(Network.mlp([1, 1, 1], activation=["square", "identity"]))
    True
    """
    for stage in net.stages():
        if any(a.rule.kind != "polynomial" for a in stage.activations) and \
                any(b != 0 for b in stage.biases):
            return False
    return True


def coefficient_equations(net, target, order, *, as_system=False, mode="series",
                          series_degree=None):
    """The equations ``c_alpha(W) = t_alpha`` for every monomial of degree <= ``order``.

    Parameters
    ----------
    net : Network
        The template: a network with symbolic weights (e.g.
        ``Network.mlp([2, 3, 1], activation=["tanh", "identity"])``) and one output.
    target : sympy expression, str, Polynomial, dict, Network, (X, y) or SuperSpaceRegressor
        A function of ``net.inputs`` (a non-polynomial one is replaced by
        its Taylor polynomial at 0; a string is parsed, never evaluated), a
        Polynomial in ``net.inputs``, a dict ``{exponent tuple: value}``
        (missing monomials are 0), a Network with numeric weights, data
        ``(X, y)`` (its least-squares Super Space polynomial of degree
        ``order``) or a fitted :class:`SuperSpaceRegressor`.
        Terms above ``order`` are dropped.
    order : int
    as_system : bool
        False: the list of sympy ``Eq``, one per monomial in the package's
        order (``Eq(0, 0)`` kept, unevaluated).  True: ``(residuals,
        unknowns)``, the polynomials ``c_alpha(W) - t_alpha`` that must
        vanish (identically zero ones dropped) and the unknowns in the
        network's parameter order, ready for ``sympy.groebner`` or
        ``sympy.solve``.
    mode : {"series", "taylor"}
        ``"series"`` (default): the coefficients of :func:`symnet.expand`'s
        series polynomial, polynomials in the weights.  ``"taylor"``: the
        Taylor coefficients of the network itself (``tanh(b)`` and such
        appear for hidden biases; equal to series mode without them).
    series_degree : int or sequence, optional
        As in :func:`symnet.expand`.

    Returns
    -------
    list of sympy.Eq, or (list of sympy.Expr, tuple of Symbol)

    Examples
    --------
    >>> import sympy
    >>> from symnet import Network
    >>> from symnet.fit import coefficient_equations
    >>> net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    >>> eqs, unknowns = coefficient_equations(net, "x1 - x1**3/3", 3, as_system=True)
    >>> unknowns
    (w1_1_1, b1_1, w2_1_1, b2_1)
    >>> eqs[1]
    -b1_1**2*w1_1_1*w2_1_1 + w1_1_1*w2_1_1 - 1
    """
    system = System(net, target, order, mode, series_degree)
    if as_system:
        return [f for _, f in system.residuals()], system.unknowns
    return system.equations()
