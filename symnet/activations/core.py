"""The Activation object, the registry and parametric families."""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import sympy
from sympy import S

from .._validate import as_degree, as_expr
from ..errors import ActivationError, NonAnalyticActivationError, UnknownActivationError
from .kinds import (AnalyticSystem, PiecewiseLinearRule, PolynomialRule, Rule, SympyContext,
                    SympyRule, exact_number)
from .system import Z

__all__ = [
    "Activation",
    "get_activation",
    "register_activation",
    "register_family",
    "activation_names",
    "builtin_names",
    "numpy_function",
]


@dataclass(frozen=True, eq=False)
class Activation:
    """One row of the activation table.

    Parameters
    ----------
    name : str
        Canonical name (``"tanh"``, ``"leaky_relu[1/5]"``).
    func : callable
        Maps a sympy expression ``e`` to the sympy expression ``f(e)``.
    rule : Rule
        What the activation is for the algebra: a :class:`PolynomialRule`,
        :class:`AnalyticSystem`, :class:`PiecewiseLinearRule` or :class:`SympyRule`.
    radius : sympy expression or None
        Radius of convergence of the Maclaurin series (``oo`` for entire
        functions, None if unknown or not analytic).
    numpy : callable or None
        Vectorised, numerically stable float64 implementation (default:
        derived from the rule).
    tex : str or None
        LaTeX operator for printed network equations (``\\tanh``).
    family : tuple or None
        ``(family name, parameters)`` for members of a parametric family.
    variant_of : str or None
        For an approximation of another activation (``gelu_tanh`` of
        ``gelu``); property-test strategies draw only the originals.

    Examples
    --------
    >>> import sympy
    >>> from symnet import get_activation
    >>> t = get_activation("tanh")
    >>> t(sympy.Symbol("x"))
    tanh(x)
    >>> t.taylor(0, 3)
    (0, 1, 0, -1/3)
    >>> t.kind, get_activation("relu").kind
    ('analytic', 'piecewise_linear')
    """

    name: str
    func: Callable
    rule: Rule
    radius: object = None
    numpy: Callable | None = None
    aliases: tuple = ()
    description: str = ""
    tex: str | None = None
    family: tuple | None = None
    variant_of: str | None = None
    _np: list = field(default_factory=list, repr=False)

    # -- what kind of activation --------------------------------------------
    @property
    def kind(self):
        """The rule kind: ``"polynomial"``, ``"analytic"``, ``"piecewise_linear"`` or ``"sympy"``."""
        return self.rule.kind

    @property
    def analytic(self):
        """False for piecewise-linear activations (no Maclaurin series)."""
        return self.rule.analytic

    @property
    def polynomial_degree(self):
        """The degree of a polynomial activation, else None."""
        return self.rule.degree

    @property
    def kinks(self):
        """Where a piecewise-linear activation changes slope."""
        return self.rule.kinks

    @property
    def is_identity(self):
        """True for the identity (linear) activation."""
        return self.name == "identity"

    # -- the sympy side -------------------------------------------------------
    def __call__(self, expr):
        return self.func(as_expr(expr, f"argument of {self.name}"))

    def __reduce__(self):
        # registered activations travel by name (workers resolve them from their own table,
        # and no per-process cache is shipped)
        if _REGISTRY.get(self.name) is self:
            return (get_activation, (self.name,))
        return object.__reduce__(self)

    def _sympystr(self, printer):
        return f"Activation({self.name})"

    def __repr__(self):
        return f"Activation({self.name!r})"

    # -- series -----------------------------------------------------------------
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
        n = as_degree(n, "degree")
        if not self.analytic:
            raise NonAnalyticActivationError(
                f"activation {self.name!r} is not analytic, so it has no Maclaurin series; "
                "use mode='taylor' at a point where it is differentiable, symnet.piecewise for "
                "the exact piecewise-linear map, or symnet.approximate for a polynomial surrogate")
        return self.rule.maclaurin(n)

    def series_rule(self, n):
        """The Maclaurin polynomial of degree ``n`` as a :class:`PolynomialRule` (cached).

        Series mode expands this rule in place of the activation.

        Examples
        --------
        >>> from symnet import get_activation
        >>> get_activation("tanh").series_rule(3).coefficients
        (0, 1, 0, -1/3)
        """
        n = as_degree(n, "degree")
        cache = self._np  # a list owned by this activation: [numpy fn?, {degree: rule}]
        if len(cache) < 2:
            if not cache:
                cache.append(None)
            cache.append({})
        rules = cache[1]
        if n not in rules:
            rules[n] = PolynomialRule(self.maclaurin(n))
        return rules[n]

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
        >>> import sympy
        >>> from symnet import get_activation
        >>> d = get_activation("sigmoid").taylor(1, 1)
        >>> sympy.simplify(d[1] - sympy.E / (1 + sympy.E)**2)
        0
        """
        n = as_degree(n, "degree")
        at = as_expr(at, "at")
        if at.has(sympy.Float):
            at = at.xreplace({f: sympy.Rational(f) for f in at.atoms(sympy.Float)})
        ctx = SympyContext()
        try:
            res = self.rule.taylor(ctx, at, n)
        except NonAnalyticActivationError as e:
            raise NonAnalyticActivationError(str(e).replace("activation is", f"{self.name} is")
                                             ) from None
        return ctx.finish(res)

    def derivatives(self, at, n):
        """Exact derivatives ``f(at), f'(at), ..., f^(n)(at)``.

        Examples
        --------
        >>> from symnet import get_activation
        >>> get_activation("tanh").derivatives(0, 3)
        (0, 1, 0, -2)
        """
        return tuple(c * math.factorial(k) for k, c in enumerate(self.taylor(at, n)))

    def numpy_function(self):
        """The vectorised float64 implementation (stable forms for the built-ins)."""
        if not self._np:
            self._np.append(None)
        if self._np[0] is None:
            f = self.numpy
            self._np[0] = f if callable(f) else self.rule.numpy(self.func)
        return self._np[0]


def numpy_function(act):
    """The vectorised float64 implementation of an activation.

    Examples
    --------
    >>> from symnet.activations import get_activation, numpy_function
    >>> float(numpy_function(get_activation("sigmoid"))(-40.0))
    4.248354255291589e-18
    """
    return get_activation(act).numpy_function()


# ---------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------

_REGISTRY: dict[str, Activation] = {}
_ALIASES: dict[str, str] = {}
_BUILTIN: list[str] = []
_FAMILIES: dict[str, tuple] = {}
_LOCK = threading.RLock()
_LOADED = []


def _ensure_table():
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                _LOADED.append(True)
                from .table import ACTIVATIONS, FAMILIES   # the table: data, no imports of core
                for name, func, kw in ACTIVATIONS:
                    register_activation(name, func, **kw)
                for name, nparams, build, kw in FAMILIES:
                    register_family(name, nparams, build, **kw)


def _rule_from_arguments(name, func, system, analytic, polynomial_degree, kinks, local):
    if system is not None:
        if isinstance(system, AnalyticSystem):
            return system
        try:
            atoms, derivs, value = system
        except (TypeError, ValueError):
            raise ActivationError(f"system must be (atoms, derivatives, value), got "
                                  f"{system!r}") from None
        return AnalyticSystem(atoms, derivs, value)
    if polynomial_degree is not None:
        try:
            poly = sympy.Poly(func(Z), Z)
        except sympy.PolynomialError:
            raise ActivationError(f"{name}: polynomial_degree given but {func(Z)} is not a "
                                  "polynomial") from None
        return PolynomialRule(list(reversed(poly.all_coeffs())))
    if not analytic:
        return _piecewise_from_kinks(name, func, kinks, local)
    return SympyRule(func)


def _piecewise_from_kinks(name, func, kinks, local):
    """A PiecewiseLinearRule rule read off an exact sympy function and its kinks."""
    ks = sorted(exact_number(k, f"{name}: kink") for k in kinks)
    if not ks:
        raise ActivationError(f"{name}: a non-analytic activation needs its kinks "
                              "(kinks=(...)) or an explicit rule=PiecewiseLinearRule(...)")
    probes = [ks[0] - 1] + [(a + b) / 2 for a, b in zip(ks, ks[1:])] + [ks[-1] + 1]
    slopes, icpts = [], []
    for p in probes:
        if local is not None:
            s, c = local(p)
        else:
            e = S.Half
            s = sympy.nsimplify(sympy.simplify((func(p + e) - func(p - e)) / (2 * e)))
            c = sympy.simplify(func(p) - s * p)
        slopes.append(s)
        icpts.append(c)
    return PiecewiseLinearRule(ks, slopes, icpts)


def register_activation(name, func, *, radius=None, system=None, aliases=(),
                        analytic=True, polynomial_degree=None, numpy=None,
                        local=None, kinks=(), description="", overwrite=False, rule=None,
                        tex=None, variant_of=None, _family=None, _builtin=False):
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
    system : tuple or AnalyticSystem, optional
        ``(atoms, derivatives, value)``: atom functions of ``z``, their
        derivatives and the activation as polynomials over QQ in ``z`` and
        ``u0, u1, ...``.  Without it (and without ``rule``), series and
        derivatives come from sympy (slower).
    aliases : tuple of str
    analytic : bool
        False for a piecewise-linear activation; its pieces are read off
        ``func`` between the ``kinks``.
    polynomial_degree : int, optional
        For a polynomial activation.
    numpy : callable, optional
        Vectorised float version; by default derived from the rule.
    local : callable, optional
        Piecewise-linear activations: ``c -> (slope, intercept)`` of the
        piece holding ``c`` (read off ``func`` when omitted).
    kinks : tuple, optional
        Where a piecewise-linear activation changes slope.
    description : str
    overwrite : bool
        Replace an existing entry of the same name.
    rule : Rule, optional
        The rule itself (overrides ``system``, ``analytic``, ...).
    tex : str, optional
        LaTeX operator used when printing network equations.

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
    _ensure_table() if not _builtin else None
    if not isinstance(name, str) or not name:
        raise ActivationError(f"activation name must be a non-empty string, got {name!r}")
    key = name.lower()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*(\[[^\]]*\])?", key):
        raise ActivationError(f"activation name must be letters, digits and underscores "
                              f"(parameters in [...]), got {name!r}")
    with _LOCK:
        if not overwrite and (key in _REGISTRY or key in _ALIASES):
            raise ActivationError(
                f"activation {name!r} is already registered; pass overwrite=True to replace it")
        if not callable(func):
            raise ActivationError(f"func must map a sympy expression to one, got {func!r}")
        if rule is None:
            rule = _rule_from_arguments(key, func, system, analytic, polynomial_degree, kinks,
                                        local)
        elif not isinstance(rule, Rule):
            raise ActivationError(f"rule must be a symnet rule kind (PolynomialRule, "
                                  f"AnalyticSystem, PiecewiseLinearRule, SympyRule), got {rule!r}")
        rule.name = key
        act = Activation(name=key, func=func, rule=rule,
                         radius=None if radius is None else sympy.sympify(radius),
                         numpy=numpy, aliases=tuple(aliases), description=description,
                         tex=tex, family=_family, variant_of=variant_of)
        _REGISTRY[key] = act
        if _builtin and key not in _BUILTIN:
            _BUILTIN.append(key)
        for a in aliases:
            _ALIASES[a.lower()] = key
    return act


def register_family(name, nparams, build, *, default=None):
    """Register a parametric family ``name[p1, ..., pk]`` of activations.

    Parameters
    ----------
    name : str
    nparams : int
        Number of parameters.
    build : callable
        ``build(*params)`` (exact Fractions) returns the keyword arguments of
        :func:`register_activation` (``func`` and ``rule`` at least) or raises
        ActivationError for parameters outside the family.
    default : tuple, optional
        Parameters for which ``name[...]`` is the plain registered ``name``.

    Examples
    --------
    >>> from symnet import get_activation
    >>> get_activation("leaky_relu[0.2]").name
    'leaky_relu[1/5]'
    """
    _FAMILIES[name] = (nparams, build, default)


def _fmt(q):
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


_FAMILY = re.compile(r"^([a-z_][a-z0-9_]*)\[([^\]]*)\]$")


def _family_member(key):
    m = _FAMILY.match(key)
    if m is None or m.group(1) not in _FAMILIES:
        return None
    base, args = m.groups()
    nparams, build, default = _FAMILIES[base]
    parts = [a.strip() for a in args.split(",")]
    try:
        params = tuple(Fraction(a) for a in parts)
    except (ValueError, ZeroDivisionError):
        raise UnknownActivationError(
            f"activation {key!r}: the parameters of {base}[...] must be exact numbers such as "
            f"0.2 or 1/5, got {args!r}") from None
    if len(params) != nparams:
        raise UnknownActivationError(f"activation {key!r}: {base}[...] takes {nparams} "
                                     f"parameter(s), got {len(params)}")
    if default is not None and params == tuple(Fraction(d) for d in default):
        return _REGISTRY[base]
    canon = f"{base}[{','.join(_fmt(p) for p in params)}]"
    if canon in _REGISTRY:
        return _REGISTRY[canon]
    kw = build(*params)
    return register_activation(canon, _family=(base, params), _builtin=True, overwrite=True, **kw)


def get_activation(name):
    """Look up an activation by name, alias or family member (``leaky_relu[0.2]``).

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
    >>> get_activation("hardtanh[0, 6]").kinks
    (0, 6)
    """
    if isinstance(name, Activation):
        return name
    _ensure_table()
    if not isinstance(name, str):
        raise UnknownActivationError(
            f"expected an activation name (str), got {type(name).__name__} {name!r}; "
            f"known: {', '.join(activation_names())}")
    key = name.strip().lower().replace(" ", "")
    key = _ALIASES.get(key, key)
    act = _REGISTRY.get(key)
    if act is not None:
        return act
    with _LOCK:
        act = _family_member(key)
    if act is not None:
        return act
    fams = ", ".join(f"{f}[...]" for f in sorted(_FAMILIES))
    raise UnknownActivationError(
        f"unknown activation {name!r}; known: {', '.join(activation_names())}; families: "
        f"{fams} (add one with symnet.register_activation)")


def activation_names(*, analytic=None):
    """Names of the registered activations (aliases and family members not included).

    Examples
    --------
    >>> from symnet import activation_names
    >>> "tanh" in activation_names() and "relu" not in activation_names(analytic=True)
    True
    """
    _ensure_table()
    return sorted(k for k, a in _REGISTRY.items()
                  if a.family is None and (analytic is None or a.analytic == analytic))


def builtin_names(*, variants=True):
    """The built-in activations in table order (simplest first).

    ``variants=False`` leaves out approximations of other activations.

    Examples
    --------
    >>> from symnet.activations import builtin_names
    >>> builtin_names()[:4]
    ('identity', 'square', 'tanh', 'sigmoid')
    """
    _ensure_table()
    return tuple(k for k in _BUILTIN if _REGISTRY[k].family is None
                 and (variants or _REGISTRY[k].variant_of is None))
