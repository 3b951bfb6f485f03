"""Rule kinds: what an activation *is*, as far as the algebra is concerned.

Every activation carries one rule, and the rule kind decides how symnet
expands it.  The engines never re-decide: they call ``rule.taylor(ctx, c, n)``
with a *number context* ``ctx`` (exact ring, float64, mpf, arb, sympy) and
get the Taylor coefficients ``f^(k)(c)/k!`` in that context.

=====================  ======================================================
kind                   what it is
=====================  ======================================================
``PolynomialRule``     a polynomial (identity, square, series surrogates)
``AnalyticSystem``     a closed differential system over QQ (tanh, sigmoid...)
``PiecewiseLinearRule``    exact breakpoints, slopes and intercepts (relu family)
``SympyRule``          any sympy function (derivatives by sympy, slower)
=====================  ======================================================

The number-context protocol (implemented by ``symnet.engines.contexts`` and
by :class:`SympyContext` here) is small:

* ``ctx.inexact`` -- True for floating contexts (float64, mpf);
* ``ctx.zero_like(c)``, ``ctx.const(q)`` (a Fraction), ``ctx.number(v)`` (an
  exact sympy number, possibly irrational such as ``log(2)``);
* ``ctx.evaluate(system, c)`` -- the values of a system's atoms at ``c``;
* ``ctx.functions(exprs, c)`` -- values of sympy functions of ``z`` at ``c``;
* ``ctx.piece(c, rule, name)`` -- index (or index array) of the linear piece
  holding ``c``, raising :class:`NonAnalyticActivationError` on a kink;
  ``ctx.take(values, idx)`` -- exact numbers picked by piece index;
* ``ctx.by_region(c, t, inner, outer)`` -- ``inner(c)`` where ``|c| < t`` and
  ``outer(c)`` elsewhere (floating contexts only).

A new rule kind is one subclass of :class:`Rule` implementing
:meth:`~Rule.maclaurin`, :meth:`~Rule.taylor` and :meth:`~Rule.numpy`.

Examples
--------
>>> from fractions import Fraction
>>> from symnet.activations.kinds import PiecewiseLinearRule, SympyContext
>>> relu = PiecewiseLinearRule([0], [0, 1], [0, 0])
>>> relu.taylor(SympyContext(), 2, 2)
[2, 1, 0]
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import sympy
from sympy import Rational, S

from ..errors import ActivationError, NonAnalyticActivationError
from .system import Z, PolyRule, taylor_from_system

__all__ = [
    "Rule",
    "PolynomialRule",
    "AnalyticSystem",
    "PiecewiseLinearRule",
    "SympyRule",
    "SympyContext",
    "decide_sign",
    "exact_number",
]


def exact_number(v, where="value"):
    """An exact sympy number from an int, Fraction, float (its binary value) or sympy number.

    Examples
    --------
    >>> from symnet.activations.kinds import exact_number
    >>> exact_number(0.25), exact_number(Fraction(1, 3))
    (1/4, 1/3)
    """
    if isinstance(v, bool):
        raise ActivationError(f"{where}: expected a number, got {v!r}")
    if isinstance(v, int):
        return sympy.Integer(v)
    if isinstance(v, Fraction):
        return Rational(v.numerator, v.denominator)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ActivationError(f"{where}: expected a finite number, got {v!r}")
        return Rational(v)
    if isinstance(v, sympy.Expr) and v.is_number and v.is_extended_real is not False:
        if v.is_Float:
            return Rational(v)
        return v
    raise ActivationError(f"{where}: expected an exact real number, got {v!r}")


def decide_sign(c, what="the pre-activation"):
    """The sign (-1, 0 or 1) of an exact real number, decided rigorously.

    Raises :class:`NonAnalyticActivationError` when it cannot be decided
    (the number is zero to 50 digits but not provably zero).

    Examples
    --------
    >>> import sympy
    >>> from symnet.activations.kinds import decide_sign
    >>> decide_sign(sympy.pi - 3), decide_sign(sympy.Integer(0))
    (1, 0)
    """
    c = sympy.sympify(c)
    if c.is_zero:
        return 0
    if c.is_positive:
        return 1
    if c.is_negative:
        return -1
    val = c.evalf(60)
    if val.is_Number and abs(val) > sympy.Float(10) ** -50:
        return 1 if val > 0 else -1
    raise NonAnalyticActivationError(f"could not decide the sign of {what} {c}")


class SympyContext:
    """The number context of exact sympy expressions (for ``Activation.taylor``).

    Atom values are placeholder symbols while the series is computed; call
    :meth:`finish` to expand and substitute their values.

    Examples
    --------
    >>> import sympy
    >>> from symnet import get_activation
    >>> from symnet.activations.kinds import SympyContext
    >>> ctx = SympyContext()
    >>> d = get_activation("tanh").rule.taylor(ctx, sympy.Rational(1, 2), 1)
    >>> ctx.finish(d)
    (tanh(1/2), 1 - tanh(1/2)**2)
    """

    inexact = False

    def __init__(self):
        self.values = {}

    zero = S.Zero

    def zero_like(self, c):
        return S.Zero

    def const(self, q):
        return Rational(q.numerator, q.denominator)

    def number(self, v):
        return v

    def evaluate(self, system, c):
        out = []
        for a in system.atoms:
            u = sympy.Dummy("u")
            self.values[u] = a.subs(Z, c)
            out.append(u)
        return out

    def functions(self, exprs, c):
        return [sympy.simplify(e.subs(Z, c)) for e in exprs]

    def piece(self, c, rule, name):
        return rule.piece_of(c, name)

    def take(self, values, idx):
        return values[idx]

    def finish(self, coeffs):
        return tuple(sympy.expand(r).xreplace(self.values) if isinstance(r, sympy.Basic) else r
                     for r in coeffs)


class Rule:
    """Base class of the rule kinds.

    Attributes
    ----------
    kind : str
        ``"polynomial"``, ``"analytic"``, ``"piecewise_linear"`` or ``"sympy"``.
    analytic : bool
        False when no Maclaurin series exists (piecewise-linear rules).
    kinks : tuple
        Where the rule is not differentiable.
    degree : int or None
        The degree of a polynomial rule.

    Examples
    --------
    >>> from symnet import get_activation
    >>> from symnet.activations.kinds import Rule
    >>> tanh, relu = get_activation("tanh").rule, get_activation("relu").rule
    >>> isinstance(tanh, Rule), tanh.kind, tanh.maclaurin(3)
    (True, 'analytic', (0, 1, 0, -1/3))
    >>> relu.kind, relu.analytic, relu.kinks
    ('piecewise_linear', False, (0,))
    """

    kind = "abstract"
    analytic = True
    kinks = ()
    degree = None

    def maclaurin(self, n):  # pragma: no cover - abstract
        """Exact Maclaurin coefficients ``g_0 .. g_n`` (sympy numbers)."""
        raise NotImplementedError

    def taylor(self, ctx, c, n):  # pragma: no cover - abstract
        """``[f(c), f'(c), ..., f^(n)(c)/n!]`` in the number context ``ctx``."""
        raise NotImplementedError

    def parameter_slots(self, n):
        """Upper bound on the new exact constants one ``taylor(ctx, c, n)`` call creates."""
        return n + 3

    def constants(self):
        """Exact constants the rule always uses (gathered before an exact expansion)."""
        return ()

    def numpy(self, func):
        """A vectorised float64 implementation (``func`` is the sympy form)."""
        fn = sympy.lambdify(Z, func(Z), modules=["numpy", "math"])
        import numpy as np
        return lambda x: np.asarray(fn(x), dtype=float) + 0 * np.asarray(x, dtype=float)


class PolynomialRule(Rule):
    """A polynomial activation ``sum_k a_k z**k`` with exact coefficients.

    Parameters
    ----------
    coefficients : sequence
        ``a_0, a_1, ...`` in ascending powers: exact numbers (rationals or
        constants such as ``log(2)``).

    Examples
    --------
    >>> from symnet.activations.kinds import PolynomialRule, SympyContext
    >>> sq = PolynomialRule([0, 0, 1])
    >>> sq.taylor(SympyContext(), 3, 2)
    [9, 6, 1]
    """

    kind = "polynomial"

    def __init__(self, coefficients):
        cs = [exact_number(c, "polynomial coefficient") for c in coefficients]
        while len(cs) > 1 and cs[-1] == 0:
            cs.pop()
        self.coefficients = tuple(cs) or (S.Zero,)
        self.degree = len(self.coefficients) - 1
        self._nonzero = tuple(c != 0 for c in self.coefficients)
        self._ctx_cache = {}

    def parameter_slots(self, n):
        return 0

    def constants(self):
        return self.coefficients

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_ctx_cache"] = {}   # per-process number caches (mpf contexts do not pickle)
        return state

    def maclaurin(self, n):
        cs = list(self.coefficients[: n + 1])
        return tuple(cs + [S.Zero] * (n + 1 - len(cs)))

    def taylor(self, ctx, c, n):
        """D_k(c) = sum_{m >= k} C(m, k) a_m c**(m - k), by Horner in c."""
        key = getattr(ctx, "cache_key", None)
        g = self._ctx_cache.get(key) if key is not None else None
        if g is None:
            g = [ctx.number(a) for a in self.coefficients]
            if key is not None:
                self._ctx_cache[key] = g
        zero = ctx.zero_like(c)
        q = self.degree
        out = []
        for k in range(n + 1):
            if k > q:
                out.append(zero)
                continue
            acc = None
            for m in range(q, k - 1, -1):
                term = g[m] * math.comb(m, k) if self._nonzero[m] else None
                if acc is None:
                    acc = term
                else:
                    acc = acc * c
                    if term is not None:
                        acc = acc + term
            out.append(zero + acc if acc is not None else zero)
        return out

    def numpy(self, func):
        import numpy as np
        cs = [float(a) for a in self.coefficients]

        def f(x):
            x = np.asarray(x, dtype=float)
            acc = np.zeros_like(x)
            for a in reversed(cs):
                acc = acc * x + a
            return acc
        return f

    def __repr__(self):
        return f"PolynomialRule({list(self.coefficients)})"


class AnalyticSystem(Rule):
    """An analytic activation given by a closed differential system over QQ.

    Parameters
    ----------
    atoms : sequence of sympy expressions in ``z``
        The atom functions ``u_j(z)``.
    derivatives : sequence of sympy expressions
        ``u_j'`` as polynomials over QQ in ``z`` and the symbols ``u0, u1, ...``.
    value : sympy expression
        The activation as such a polynomial.
    numeric : sequence of callables, optional
        Stable float64 implementations of the atoms (default: lambdify).
    tails : AnalyticSystem, optional
        A second system used by floating contexts where ``|c| >= tails_from``
        (complementary atoms such as ``1 - tanh z``, whose derivatives do not
        cancel where the activation saturates).  Exact contexts ignore it.
    tails_from : number
        Where the tail system takes over (default 1).
    inexact : AnalyticSystem, optional
        The system floating contexts use instead of this one (better
        conditioned atoms, e.g. ``tanh(z/2)`` for the logistic function near
        0); exact contexts and the Maclaurin series use this one.

    Examples
    --------
    >>> import sympy
    >>> from symnet.activations.kinds import AnalyticSystem, SympyContext
    >>> z, u0 = sympy.symbols("z u0")
    >>> exp = AnalyticSystem([sympy.exp(z)], [u0], u0)
    >>> exp.maclaurin(3)
    (1, 1, 1/2, 1/6)
    """

    kind = "analytic"

    def __init__(self, atoms, derivatives, value, *, numeric=None, tails=None, tails_from=1,
                 inexact=None):
        atoms = tuple(sympy.sympify(a) for a in atoms)
        derivatives = tuple(derivatives)
        if len(derivatives) != len(atoms):
            raise ActivationError(f"a differential system needs one derivative per atom: "
                                  f"{len(atoms)} atoms, {len(derivatives)} derivatives")
        self.atoms = atoms
        self._spec = (derivatives, value)
        self._rules = None
        self.numeric = None if numeric is None else tuple(numeric)
        self.tails = tails
        self.tails_from = tails_from
        self.inexact = inexact

    @property
    def rules(self):
        """``(value_rule, derivative_rules)`` as :class:`PolyRule` (built on first use)."""
        if self._rules is None:
            derivs, value = self._spec
            usyms = [sympy.Symbol(f"u{j}") for j in range(len(self.atoms))]
            try:
                self._rules = (PolyRule(sympy.sympify(value), usyms),
                               tuple(PolyRule(sympy.sympify(d), usyms) for d in derivs))
            except (sympy.PolynomialError, sympy.CoercionFailed) as e:
                raise ActivationError(
                    f"a differential system must be polynomial over QQ in z and "
                    f"{', '.join(map(str, usyms))}: {e}") from None
        return self._rules

    def parameter_slots(self, n):
        return len(self.atoms)

    def maclaurin(self, n):
        return _system_maclaurin(self, n)

    def _taylor(self, ctx, c, n):
        value_rule, deriv_rules = self.rules
        vals = ctx.evaluate(self, c)
        return taylor_from_system(value_rule, deriv_rules, c, vals, n, ctx.const,
                                  ctx.zero_like(c))

    def taylor(self, ctx, c, n):
        if ctx.inexact and self.inexact is not None:
            return self.inexact.taylor(ctx, c, n)
        if self.tails is None or not ctx.inexact:
            return self._taylor(ctx, c, n)
        return ctx.by_region(c, self.tails_from, lambda cc: self._taylor(ctx, cc, n),
                             lambda cc: self.tails._taylor(ctx, cc, n))

    def __repr__(self):
        return f"AnalyticSystem({list(self.atoms)})"


@lru_cache(maxsize=512)
def _system_maclaurin(system, n):
    """Maclaurin coefficients over QQ[irrational initial values] (python-flint)."""
    import flint

    value_rule, deriv_rules = system.rules
    vals = [a.subs(Z, 0) for a in system.atoms]
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

    def const(q):
        return ctx.constant(flint.fmpq(q.numerator, q.denominator))

    res = taylor_from_system(value_rule, deriv_rules, const(Fraction(0)), elems, n, const,
                             ctx.constant(0))
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


class PiecewiseLinearRule(Rule):
    """A continuous piecewise-linear activation with exact breakpoints.

    Parameters
    ----------
    breakpoints : sequence of exact numbers, strictly increasing
    slopes : sequence, one more than the breakpoints
    intercepts : sequence, one more than the breakpoints
        Piece ``i`` is ``slopes[i] * z + intercepts[i]`` on
        ``[breakpoints[i-1], breakpoints[i]]``; pieces must agree at the
        breakpoints (continuity is checked).

    Examples
    --------
    >>> from symnet.activations.kinds import PiecewiseLinearRule
    >>> hardtanh = PiecewiseLinearRule([-1, 1], [0, 1, 0], [-1, 0, 1])
    >>> hardtanh.evaluate(3), hardtanh.evaluate(sympy.Rational(1, 2))
    (1, 1/2)
    """

    kind = "piecewise_linear"
    analytic = False

    def __init__(self, breakpoints, slopes, intercepts):
        bps = tuple(exact_number(b, "breakpoint") for b in breakpoints)
        sl = tuple(exact_number(s, "slope") for s in slopes)
        ic = tuple(exact_number(v, "intercept") for v in intercepts)
        if len(sl) != len(bps) + 1 or len(ic) != len(bps) + 1:
            raise ActivationError(f"a piecewise-linear rule with {len(bps)} breakpoints needs "
                                  f"{len(bps) + 1} slopes and intercepts, got {len(sl)} and "
                                  f"{len(ic)}")
        for a, b in zip(bps, bps[1:]):
            if not a < b:
                raise ActivationError(f"breakpoints must increase strictly, got {list(bps)}")
        for i, b in enumerate(bps):
            if sympy.simplify(sl[i] * b + ic[i] - sl[i + 1] * b - ic[i + 1]) != 0:
                raise ActivationError(f"the pieces do not meet at the breakpoint {b}: "
                                      "piecewise-linear activations must be continuous")
        self.breakpoints, self.slopes, self.intercepts = bps, sl, ic
        self.kinks = tuple(b for i, b in enumerate(bps) if sl[i] != sl[i + 1])

    def parameter_slots(self, n):
        return 2

    def maclaurin(self, n):
        raise NonAnalyticActivationError("a piecewise-linear activation has no Maclaurin series")

    def piece_of(self, c, name="activation"):
        """Index of the piece holding the exact number ``c`` (error on a kink).

        Examples
        --------
        >>> from symnet.activations.kinds import PiecewiseLinearRule
        >>> PiecewiseLinearRule([0], [0, 1], [0, 0]).piece_of(-3)
        0
        """
        c = sympy.sympify(c)
        i = 0
        for b in self.breakpoints:
            s = decide_sign(c - b, f"the pre-activation of {name}")
            if s == 0:
                if b in self.kinks:
                    raise NonAnalyticActivationError(
                        f"{name} is not differentiable at its kink {b} (pre-activation {c}); "
                        "move the expansion point off the kink")
                return i
            if s < 0:
                return i
            i += 1
        return i

    def evaluate(self, c):
        """The exact value at an exact point (kinks allowed)."""
        c = sympy.sympify(c)
        i = 0
        for b in self.breakpoints:
            if decide_sign(c - b) <= 0:
                break
            i += 1
        return self.slopes[i] * c + self.intercepts[i]

    def taylor(self, ctx, c, n):
        idx = ctx.piece(c, self, getattr(self, "name", "activation"))
        slope = ctx.take(self.slopes, idx)
        icpt = ctx.take(self.intercepts, idx)
        zero = ctx.zero_like(c)
        out = [slope * c + icpt + zero, slope + zero] + [zero] * (n - 1)
        return out[: n + 1]

    def numpy(self, func):
        import numpy as np
        bps = np.array([float(b) for b in self.breakpoints])
        sl = np.array([float(s) for s in self.slopes])
        ic = np.array([float(v) for v in self.intercepts])

        def f(x):
            x = np.asarray(x, dtype=float)
            i = np.searchsorted(bps, x, side="left")
            return sl[i] * x + ic[i]
        return f

    def __repr__(self):
        return (f"PiecewiseLinearRule({list(self.breakpoints)}, {list(self.slopes)}, "
                f"{list(self.intercepts)})")


class SympyRule(Rule):
    """Any sympy function of one variable: derivatives by :func:`sympy.diff`.

    Slower than a differential system (expressions grow with the order), but
    it needs nothing more than the function.

    Examples
    --------
    >>> import sympy
    >>> from symnet.activations.kinds import SympyRule
    >>> SympyRule(sympy.atan).maclaurin(3)
    (0, 1, 0, -1/3)
    """

    kind = "sympy"

    def __init__(self, func):
        self.func = func
        self._derivs = [func(Z)]

    def derivative_exprs(self, n):
        """``f^(k)(z)/k!`` for k <= n as sympy expressions of ``z``."""
        while len(self._derivs) <= n:
            self._derivs.append(sympy.diff(self._derivs[-1], Z))
        return [d / math.factorial(k) for k, d in enumerate(self._derivs[: n + 1])]

    def maclaurin(self, n):
        return _sympy_maclaurin(self, n)

    def taylor(self, ctx, c, n):
        return ctx.functions(self.derivative_exprs(n), c)

    def __repr__(self):
        return f"SympyRule({self.func!r})"


@lru_cache(maxsize=256)
def _sympy_maclaurin(rule, n):
    ser = sympy.series(rule.func(Z), Z, 0, n + 1).removeO()
    ser = sympy.expand(ser)
    return tuple(ser.coeff(Z, k) for k in range(n + 1))
