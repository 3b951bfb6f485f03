"""The activation rule table.

Every activation is one row of a table: its sympy function, a closed
differential system that generates its derivatives, the radius of
convergence of its Maclaurin series, and a numpy implementation.  From the
differential system symnet derives, exactly and for any degree,

* the Maclaurin coefficients ``g_n = f^(n)(0)/n!`` (rational where they are
  rational; exact constants such as ``log(2)`` or ``1/sqrt(2*pi)`` where not),
* the Taylor coefficients ``f^(k)(c)/k!`` at any point ``c``, as polynomials
  in a few transcendental values such as ``tanh(c)`` (no expression swell).

A *differential system* is a tuple of atom functions ``u_j(z)`` whose
derivatives are polynomials in ``z`` and the atoms, and the activation is a
polynomial in ``z`` and the atoms.  For tanh: ``u = tanh(z)``,
``u' = 1 - u**2``, ``f = u``.  Constants (``log 2``, ``2/sqrt(pi)``) live in
the atoms' values, never in the polynomials, so all the algebra is over QQ.

Examples
--------
>>> from symnet import get_activation
>>> get_activation("sigmoid").maclaurin(5)
(1/2, 1/4, 0, -1/48, 0, 1/480)
>>> get_activation("softplus").maclaurin(2)
(log(2), 1/2, 1/8)
>>> get_activation("tanh").radius
pi/2
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Callable

import sympy
from sympy import Rational, S

from .errors import (
    ActivationError,
    NonAnalyticActivationError,
    OrderError,
    UnknownActivationError,
)

__all__ = [
    "Activation",
    "get_activation",
    "register_activation",
    "activation_names",
]

z = sympy.Symbol("z")


class _PolyRule:
    """A polynomial over QQ in (z, u_0, ..., u_{r-1}), evaluable in any ring."""

    __slots__ = ("terms", "nvars")

    def __init__(self, expr, atoms):
        syms = (z,) + tuple(atoms)
        poly = sympy.Poly(sympy.sympify(expr), *syms, domain="QQ")
        self.nvars = len(syms)
        self.terms = [
            (exps, Fraction(int(c.numerator), int(c.denominator)))
            for exps, c in poly.terms()
        ]


def _series_mul(a, b, n, zero):
    out = [zero] * (n + 1)
    for i, ai in enumerate(a):
        if ai is None:
            continue
        for j in range(0, n + 1 - i):
            bj = b[j]
            if bj is None:
                continue
            out[i + j] = out[i + j] + ai * bj
    return out


def _eval_rule_series(rule, series, n, const, zero):
    """Truncated series of ``rule(series...)``; ``series[k]`` lists coefficients."""
    total = [zero] * (n + 1)
    powcache = {}

    def power(var, e):
        key = (var, e)
        if key not in powcache:
            if e == 1:
                powcache[key] = series[var]
            else:
                powcache[key] = _series_mul(power(var, e - 1), series[var], n, zero)
        return powcache[key]

    for exps, c in rule.terms:
        term = None
        for var, e in enumerate(exps):
            if e == 0:
                continue
            p = power(var, e)
            term = p if term is None else _series_mul(term, p, n, zero)
        cc = const(c)
        if term is None:
            total[0] = total[0] + cc
        else:
            total = [t + cc * s for t, s in zip(total, term)]
    return total


def taylor_from_system(value_rule, deriv_rules, c, atom_values, n, const, zero):
    """Taylor coefficients ``f^(k)(c)/k!``, k = 0..n, in an arbitrary ring.

    ``c`` and ``atom_values`` are ring elements (the point and the atoms'
    values there), ``const`` maps a Fraction into the ring.  The atoms'
    series are found by solving ``u' = F(z, u)`` term by term.
    """
    zs = [c] + [const(Fraction(1))] + [zero] * (n - 1) if n >= 1 else [c]
    zs = zs[: n + 1]
    us = [[v] + [zero] * n for v in atom_values]
    for m in range(n):
        # the coefficient m of F_j(z, u) only depends on u up to degree m
        series = [zs] + us
        new = []
        for j, rule in enumerate(deriv_rules):
            fm = _eval_rule_series(rule, series, m, const, zero)[m]
            new.append(fm * const(Fraction(1, m + 1)))
        for j, v in enumerate(new):
            us[j][m + 1] = v
    return _eval_rule_series(value_rule, [zs] + us, n, const, zero)


@dataclass(frozen=True, eq=False)
class Activation:
    """One row of the activation table.

    Parameters
    ----------
    name : str
        Canonical name.
    func : callable
        Maps a sympy expression ``e`` to the sympy expression ``f(e)``.
    radius : sympy expression or None
        Radius of convergence of the Maclaurin series (``sympy.oo`` for
        entire functions, None if unknown).
    system : tuple or None
        ``(atoms, derivatives, value)``: atom functions of ``z``, their
        derivatives and the activation as polynomials over QQ in ``z`` and
        the atom symbols ``u0, u1, ...``.  None for user functions, whose
        derivatives come from sympy directly.
    analytic : bool
        False for relu and friends: no Maclaurin series exists.
    polynomial_degree : int or None
        Degree when the activation is a polynomial (identity 1, square 2).
    numpy : callable or None
        Vectorised float implementation.
    local : callable or None
        For a non-analytic piecewise-linear activation: maps a real point
        ``c`` to ``(slope, intercept)`` of the piece containing it, or
        raises where it is not differentiable.
    kinks : tuple
        The points where a piecewise-linear activation changes slope
        (``(0,)`` for relu); certified error bounds need them.

    Examples
    --------
    >>> from symnet import get_activation
    >>> t = get_activation("tanh")
    >>> t(sympy.Symbol("x"))
    tanh(x)
    >>> t.taylor(0, 3)
    (0, 1, 0, -1/3)
    """

    name: str
    func: Callable
    radius: object = None
    system: tuple | None = None
    analytic: bool = True
    polynomial_degree: int | None = None
    numpy: Callable | None = None
    local: Callable | None = None
    kinks: tuple = ()
    aliases: tuple = ()
    description: str = ""
    _rules: tuple | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.system is not None:
            atoms, derivs, value = self.system
            usyms = [sympy.Symbol(f"u{j}") for j in range(len(atoms))]
            rules = (
                _PolyRule(value, usyms),
                tuple(_PolyRule(d, usyms) for d in derivs),
                tuple(sympy.Lambda(z, a) for a in atoms),
            )
            object.__setattr__(self, "_rules", rules)

    # -- the sympy side -------------------------------------------------
    def __call__(self, expr):
        return self.func(sympy.sympify(expr))

    def _sympystr(self, printer):
        return f"Activation({self.name})"

    __repr__ = lambda self: f"Activation({self.name!r})"  # noqa: E731

    @property
    def is_identity(self):
        """True for the identity (linear) activation."""
        return self.polynomial_degree == 1 and self.name == "identity"

    # -- series --------------------------------------------------------
    def _require_analytic(self, what):
        if not self.analytic:
            raise NonAnalyticActivationError(
                f"activation {self.name!r} is not analytic, so it has no {what}; "
                "use mode='taylor' at a point where it is differentiable, or the "
                "exact piecewise-linear tools for ReLU networks"
            )

    def maclaurin(self, n):
        """Exact Maclaurin coefficients ``g_0 .. g_n`` of the activation.

        Parameters
        ----------
        n : int
            Highest degree.

        Returns
        -------
        tuple of sympy expressions
            Rational where rational; exact constants otherwise.

        Examples
        --------
        >>> from symnet import get_activation
        >>> get_activation("tanh").maclaurin(7)
        (0, 1, 0, -1/3, 0, 2/15, 0, -17/315)
        >>> get_activation("gelu").maclaurin(4)
        (0, 1/2, sqrt(2)/(2*sqrt(pi)), 0, -sqrt(2)/(12*sqrt(pi)))
        """
        n = _check_degree(n)
        self._require_analytic("Maclaurin series")
        return _maclaurin_cached(self, n)

    def taylor(self, at, n):
        """Exact Taylor coefficients ``f^(k)(at)/k!`` for ``k = 0..n``.

        Parameters
        ----------
        at : number or sympy expression
            The expansion point.
        n : int
            Highest degree.

        Returns
        -------
        tuple of sympy expressions

        Examples
        --------
        >>> from symnet import get_activation
        >>> d = get_activation("sigmoid").taylor(1, 1)
        >>> sympy.simplify(d[1] - sympy.E / (1 + sympy.E)**2)
        0
        """
        n = _check_degree(n)
        at = sympy.sympify(at)
        if not self.analytic:
            slope, icpt = self._local_piece(at)
            return tuple([slope * at + icpt, slope] + [S.Zero] * (n - 1))[: n + 1]
        if self._rules is None:
            f = self.func(z)
            out, d = [], f
            for k in range(n + 1):
                out.append(sympy.simplify(d.subs(z, at)) / math.factorial(k))
                d = sympy.diff(d, z)
            return tuple(out)
        value_rule, deriv_rules, atoms = self._rules
        # work with the atoms as symbols, substitute their values at the end
        usyms = sympy.symbols(f"_u0:{len(atoms)}")
        res = taylor_from_system(
            value_rule, deriv_rules, at, list(usyms), n,
            lambda q: Rational(q.numerator, q.denominator), S.Zero,
        )
        vals = {u: a(at) for u, a in zip(usyms, atoms)}
        return tuple(sympy.expand(r).xreplace(vals) for r in res)

    def derivatives(self, at, n):
        """Exact derivatives ``f(at), f'(at), ..., f^(n)(at)``.

        Examples
        --------
        >>> from symnet import get_activation
        >>> get_activation("tanh").derivatives(0, 3)
        (0, 1, 0, -2)
        """
        return tuple(c * math.factorial(k) for k, c in enumerate(self.taylor(at, n)))

    def _local_piece(self, at):
        if self.local is None:
            raise NonAnalyticActivationError(
                f"activation {self.name!r} has no local rule")
        return self.local(at)

    # -- internal helpers used by the engines ----------------------------
    def _system_rules(self):
        return self._rules


def _check_degree(n):
    if isinstance(n, bool) or not isinstance(n, (int, sympy.Integer)) or n < 0:
        try:
            import numpy as np
            if isinstance(n, np.integer) and n >= 0:
                return int(n)
        except ImportError:  # pragma: no cover
            pass
        raise OrderError(f"expected a non-negative integer degree, got {n!r}")
    return int(n)


@lru_cache(maxsize=256)
def _maclaurin_cached(act, n):
    """Maclaurin coefficients via the differential system over QQ[constants]."""
    if act.polynomial_degree is not None or act._rules is None:
        # polynomial activations and user functions: straight from sympy
        f = act.func(z)
        if act.polynomial_degree is not None:
            poly = sympy.Poly(f, z)
            return tuple(poly.coeff_monomial(z**k) for k in range(n + 1))
        ser = sympy.series(f, z, 0, n + 1).removeO()
        ser = sympy.expand(ser)
        return tuple(ser.coeff(z, k) for k in range(n + 1))
    value_rule, deriv_rules, atoms = act._rules
    vals = [a(S.Zero) for a in atoms]
    # irrational initial values become generators of QQ[g...] (python-flint)
    import flint

    gen_vals = [v for v in vals if not v.is_Rational]
    names = tuple(f"g{i}" for i in range(len(gen_vals))) or ("g0",)
    ctx = flint.fmpq_mpoly_ctx.get(names, "lex")
    gens = ctx.gens()
    elems, gi = [], 0
    for v in vals:
        if v.is_Rational:
            elems.append(ctx.constant(flint.fmpq(int(v.p), int(v.q))))
        else:
            elems.append(gens[gi])
            gi += 1
    const = lambda q: ctx.constant(flint.fmpq(q.numerator, q.denominator))  # noqa: E731
    res = taylor_from_system(value_rule, deriv_rules, const(Fraction(0)), elems, n,
                             const, ctx.constant(0))
    out = []
    for r in res:
        acc = S.Zero
        for exps, c in r.to_dict().items():
            term = Rational(int(c.p), int(c.q))
            for e, v in zip(exps, gen_vals):
                if e:
                    term = term * v**e
            acc += term
        out.append(acc)
    return tuple(out)


# ---------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------

_REGISTRY: dict[str, Activation] = {}
_ALIASES: dict[str, str] = {}

u0, u1 = sympy.symbols("u0 u1")


def _np(name):
    """numpy implementations, imported lazily by the engines."""
    import numpy as np

    if name == "erf":
        try:
            from scipy.special import erf as _erf  # optional, faster
            return _erf
        except ImportError:
            return np.vectorize(math.erf, otypes=[float])
    if name == "gelu":
        erf = _np("erf")
        return lambda x: 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
    raise KeyError(name)


def _sigmoid_np(x):
    import numpy as np
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _softplus_np(x):
    import numpy as np
    return np.logaddexp(0.0, x)


def _silu_np(x):
    return x * _sigmoid_np(x)


def _relu_local(c):
    if c.is_positive:
        return S.One, S.Zero
    if c.is_negative:
        return S.Zero, S.Zero
    return _sign_dispatch(c, (S.Zero, S.Zero), None, (S.One, S.Zero), "relu")


def _leaky_local(c):
    slope = Rational(1, 100)
    return _sign_dispatch(c, (slope, S.Zero), None, (S.One, S.Zero), "leaky_relu")


def _hardtanh_local(c):
    lo = _sign_dispatch(c + 1, None, None, "in", "hardtanh")
    if lo is None:
        return S.Zero, -S.One
    hi = _sign_dispatch(c - 1, "in", None, None, "hardtanh")
    if hi is None:
        return S.Zero, S.One
    return S.One, S.Zero


def _sign_dispatch(c, neg, zero, pos, name):
    """Decide the sign of an exact real number, rigorously."""
    c = sympy.sympify(c)
    if c.is_zero:
        raise NonAnalyticActivationError(
            f"{name} is not differentiable at its kink (pre-activation {c}); "
            "move the expansion point off the kink")
    if c.is_positive:
        return pos
    if c.is_negative:
        return neg
    val = c.evalf(60)
    if val.is_Number and abs(val) > sympy.Float(10) ** -50:
        return pos if val > 0 else neg
    raise NonAnalyticActivationError(
        f"could not decide the sign of the pre-activation {c} of {name}")


def register_activation(name, func, *, radius=None, system=None, aliases=(),
                        analytic=True, polynomial_degree=None, numpy=None,
                        local=None, kinks=(), description="", overwrite=False):
    """Add an activation to the table.

    Parameters
    ----------
    name : str
        The name networks refer to it by.
    func : callable or sympy function class
        Maps a sympy expression to the activation applied to it, for
        example ``sympy.atan`` or ``lambda e: e / (1 + sympy.Abs(e))``.
    radius : sympy expression, optional
        Radius of convergence of the Maclaurin series, if known.
    system : tuple, optional
        ``(atoms, derivatives, value)`` as described in :class:`Activation`.
        Without it, series and derivatives come from sympy (slower).
    aliases : tuple of str
    analytic : bool
    polynomial_degree : int, optional
    numpy : callable, optional
        Vectorised float version; by default ``sympy.lambdify`` of ``func``.
    local : callable, optional
        Piecewise-linear local rule (non-analytic activations).
    kinks : tuple, optional
        Where a piecewise-linear activation changes slope.
    description : str
    overwrite : bool
        Replace an existing entry of the same name.

    Returns
    -------
    Activation

    Examples
    --------
    >>> import sympy, symnet
    >>> act = symnet.register_activation("arctan", sympy.atan, radius=sympy.S.One,
    ...                                  overwrite=True)
    >>> act.maclaurin(5)
    (0, 1, 0, -1/3, 0, 1/5)
    """
    if not isinstance(name, str) or not name:
        raise ActivationError(f"activation name must be a non-empty string, got {name!r}")
    key = name.lower()
    if not overwrite and (key in _REGISTRY or key in _ALIASES):
        raise ActivationError(
            f"activation {name!r} is already registered; pass overwrite=True to replace it")
    if not callable(func):
        raise ActivationError(f"func must map a sympy expression to one, got {func!r}")
    act = Activation(name=key, func=func, radius=None if radius is None else sympy.sympify(radius),
                     system=system, analytic=analytic, polynomial_degree=polynomial_degree,
                     numpy=numpy, local=local, kinks=tuple(sympy.sympify(k) for k in kinks),
                     aliases=tuple(aliases),
                     description=description)
    _REGISTRY[key] = act
    for a in aliases:
        _ALIASES[a.lower()] = key
    return act


def get_activation(name):
    """Look up an activation by name or alias.

    Parameters
    ----------
    name : str or Activation

    Returns
    -------
    Activation

    Raises
    ------
    UnknownActivationError
        Listing the known names.

    Examples
    --------
    >>> from symnet import get_activation
    >>> get_activation("logistic").name
    'sigmoid'
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise UnknownActivationError(
            f"expected an activation name (str), got {type(name).__name__} {name!r}; "
            f"known: {', '.join(activation_names())}")
    key = name.lower()
    key = _ALIASES.get(key, key)
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownActivationError(
            f"unknown activation {name!r}; known: {', '.join(activation_names())} "
            "(add one with symnet.register_activation)") from None


def activation_names(*, analytic=None):
    """Names of the registered activations (aliases not included).

    Examples
    --------
    >>> from symnet import activation_names
    >>> "tanh" in activation_names() and "relu" not in activation_names(analytic=True)
    True
    """
    return sorted(k for k, a in _REGISTRY.items() if analytic is None or a.analytic == analytic)


def _sigmoid(e):
    return 1 / (1 + sympy.exp(-e))


def _gelu(e):
    return e * (1 + sympy.erf(e / sympy.sqrt(2))) / 2


# name | sympy function | radius | differential system (atoms; their derivatives; value)
_t = register_activation
_t("identity", lambda e: e, radius=S.Infinity, polynomial_degree=1, aliases=("linear",),
   numpy=lambda x: x, description="f(z) = z")
_t("square", lambda e: e**2, radius=S.Infinity, polynomial_degree=2,
   numpy=lambda x: x * x, description="f(z) = z**2")
_t("tanh", sympy.tanh, radius=sympy.pi / 2,
   system=((sympy.tanh(z),), (1 - u0**2,), u0), numpy="tanh")
_t("sigmoid", _sigmoid, radius=sympy.pi, aliases=("logistic",),
   system=((_sigmoid(z),), (u0 - u0**2,), u0), numpy=_sigmoid_np)
_t("softplus", lambda e: sympy.log(1 + sympy.exp(e)), radius=sympy.pi,
   system=((sympy.log(1 + sympy.exp(z)), _sigmoid(z)), (u1, u1 - u1**2), u0),
   numpy=_softplus_np)
_t("silu", lambda e: e * _sigmoid(e), radius=sympy.pi, aliases=("swish",),
   system=((_sigmoid(z),), (u0 - u0**2,), z * u0), numpy=_silu_np)
_t("gelu", _gelu, radius=S.Infinity,
   system=(((1 + sympy.erf(z / sympy.sqrt(2))) / 2,
            sympy.exp(-z**2 / 2) / sympy.sqrt(2 * sympy.pi)), (u1, -z * u1), z * u0),
   numpy="gelu", description="erf form: z*Phi(z)")
_t("erf", sympy.erf, radius=S.Infinity,
   system=((sympy.erf(z), 2 * sympy.exp(-z**2) / sympy.sqrt(sympy.pi)), (u1, -2 * z * u1), u0),
   numpy="erf")
_t("sin", sympy.sin, radius=S.Infinity,
   system=((sympy.sin(z), sympy.cos(z)), (u1, -u0), u0), numpy="sin")
_t("cos", sympy.cos, radius=S.Infinity,
   system=((sympy.sin(z), sympy.cos(z)), (u1, -u0), u1), numpy="cos")
_t("exp", sympy.exp, radius=S.Infinity, system=((sympy.exp(z),), (u0,), u0), numpy="exp")
_t("relu", lambda e: sympy.Max(0, e), analytic=False, local=_relu_local, kinks=(0,),
   numpy=lambda x: x * (x > 0))
_t("leaky_relu", lambda e: sympy.Max(e / 100, e), analytic=False, local=_leaky_local, kinks=(0,),
   aliases=("leakyrelu",), description="slope 1/100 below 0")
_t("hardtanh", lambda e: sympy.Max(-1, sympy.Min(1, e)), analytic=False,
   local=_hardtanh_local, kinks=(-1, 1))
del _t


def numpy_function(act):
    """The vectorised float implementation of an activation (internal)."""
    import numpy as np

    f = act.numpy
    if callable(f):
        return f
    if isinstance(f, str):
        if hasattr(np, f):
            return getattr(np, f)
        return _np(f)
    if act.name == "leaky_relu":
        return lambda x: np.where(x > 0, x, x / 100.0)
    if act.name == "hardtanh":
        return lambda x: np.clip(x, -1.0, 1.0)
    fn = sympy.lambdify(z, act.func(z), modules=["numpy", "math"])
    return lambda x: np.asarray(fn(x), dtype=float) + 0 * x
