"""Number contexts: the one interface rule kinds compute Taylor coefficients in.

Written in the style of mpmath's contexts: a rule's ``taylor(ctx, c, n)``
is written once, and runs in

* :class:`FloatContext` -- numpy float64 arrays (one entry per neuron and
  centre), stable float forms of the atoms;
* :class:`MpfContext` -- numpy object arrays of mpmath numbers at ``prec``
  bits (atoms evaluated with guard bits);
* :class:`RingContext` -- python-flint ``fmpq_mpoly`` over QQ with exact
  constants and symbolic weights as generators (exact engine).

See :mod:`symnet.activations.kinds` for the protocol.

Examples
--------
>>> import numpy as np
>>> from symnet import get_activation
>>> from symnet.engines.contexts import FloatContext
>>> d = get_activation("tanh").rule.taylor(FloatContext(), np.array([0.0, 20.0]), 1)
>>> [float(v) for v in d[1]]      # tanh'(20) keeps its relative accuracy
[1.0, 1.6993417021166355e-17]
"""

from __future__ import annotations

import numpy as np
import sympy

from ..activations.system import Z
from ..errors import DomainError, NonAnalyticActivationError

__all__ = ["FloatContext", "MpfContext", "RingContext"]


def _region(c, t, inner, outer, zeros):
    """inner(c) where |c| < t, outer(c) elsewhere, merged entry by entry."""
    mask = np.asarray(np.abs(c) >= t, dtype=bool)
    if not mask.any():
        return inner(c)
    if mask.all():
        return outer(c)
    a, b = inner(c[~mask]), outer(c[mask])
    out = []
    for x, y in zip(a, b):
        r = zeros(c)
        r[~mask] = x
        r[mask] = y
        out.append(r)
    return out


class FloatContext:
    """float64 numpy arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from symnet import get_activation
    >>> from symnet.engines.contexts import FloatContext
    >>> get_activation("tanh").rule.taylor(FloatContext(), np.array([0.5]), 2)
    [array([0.46211716]), array([0.78644773]), array([-0.36343099])]
    """

    inexact = True
    cache_key = "float64"

    def __init__(self):
        self._fns = {}

    def zero_like(self, c):
        return np.zeros_like(c, dtype=float)

    def const(self, q):
        return q.numerator / q.denominator

    def number(self, v):
        try:
            return float(v)
        except TypeError:
            raise DomainError(f"the coefficient {v} is not a number; the float engine needs "
                              "numeric activation coefficients (use the exact domain)") from None

    def numbers(self, values):
        key = ("n", id(values))
        if key not in self._fns:
            self._fns[key] = (values, [self.number(v) for v in values])
        return self._fns[key][1]

    def _lambdify(self, expr):
        key = ("f", expr)
        if key not in self._fns:
            from ..activations import numeric
            mods = [{"erf": numeric.erf, "erfc": numeric.erfc}, "numpy"]
            self._fns[key] = sympy.lambdify(Z, expr, modules=mods)
        return self._fns[key]

    def evaluate(self, system, c):
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            if system.numeric is not None:
                return [np.asarray(f(c), dtype=float) * np.ones_like(c) for f in system.numeric]
            return [np.asarray(self._lambdify(a)(c), dtype=float) * np.ones_like(c)
                    for a in system.atoms]

    def functions(self, exprs, c):
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            return [np.asarray(self._lambdify(e)(c), dtype=float) * np.ones_like(c)
                    for e in exprs]

    def piece(self, c, rule, name):
        bps = np.array([float(b) for b in rule.breakpoints])
        for k in rule.kinks:
            if np.any(c == float(k)):
                raise NonAnalyticActivationError(
                    f"{name} is not differentiable at its kink {k}: a pre-activation sits on "
                    "the kink; move the expansion point")
        return np.searchsorted(bps, c, side="left")

    def take(self, values, idx):
        return np.array([float(v) for v in values])[idx]

    def by_region(self, c, t, inner, outer):
        return _region(c, t, inner, outer, lambda c: np.zeros_like(c, dtype=float))


def _one_plus_erf(e):
    """``1 + erf(a)`` or ``1 - erf(a)``."""
    if not (e.is_Add and len(e.args) == 2 and sympy.S.One in e.args):
        return False
    t = e.args[0] if e.args[1] == 1 else e.args[1]
    return isinstance(t, sympy.erf) or (isinstance(-t, sympy.erf))


def _erfc_form(e):
    """``erfc(-a)`` for ``1 + erf(a)``, ``erfc(a)`` for ``1 - erf(a)`` (not re-evaluated)."""
    t = e.args[0] if e.args[1] == 1 else e.args[1]
    if isinstance(t, sympy.erf):
        return sympy.erfc(-t.args[0], evaluate=False)
    return sympy.erfc((-t).args[0], evaluate=False)


class MpfContext:
    """numpy object arrays of mpmath numbers at ``prec`` bits.

    Examples
    --------
    >>> import numpy as np
    >>> from fractions import Fraction
    >>> from symnet import get_activation
    >>> from symnet.engines.contexts import MpfContext
    >>> ctx = MpfContext(100)
    >>> c = np.array([ctx.const(Fraction(1, 2))], dtype=object)
    >>> v = get_activation("tanh").rule.taylor(ctx, c, 1)[0][0]    # tanh(1/2), 30 digits
    >>> ctx.mp.nstr(v, 25)
    '0.4621171572600097585023185'
    """

    inexact = True

    def __init__(self, prec=128):
        import mpmath

        self.mp = mpmath.mp.clone()
        self.mp.prec = prec
        self.prec = prec
        self.cache_key = ("mpf", prec)
        self._fns = {}

    def zero_like(self, c):
        out = np.empty(np.shape(c), dtype=object)
        out[...] = self.mp.zero
        return out

    def const(self, q):
        return self.mp.mpf(q.numerator) / q.denominator

    def number(self, v):
        if isinstance(v, float):
            return self.mp.mpf(v)
        v = sympy.sympify(v)
        if v.is_Rational:
            return self.mp.mpf(int(v.p)) / int(v.q)
        if not v.is_number:
            raise DomainError(f"the coefficient {v} is not a number; domain='mpf' needs "
                              "numeric activation coefficients")
        # an exact constant (log(2), sqrt(2)/pi ...) to prec + guard bits by sympy's evalf
        val = v.evalf(int(self.mp.dps) + 10)
        if not val.is_Float:
            raise DomainError(f"the coefficient {v} has no real value; domain='mpf' needs real "
                              "activation coefficients")
        return self.mp.make_mpf(val._mpf_)

    def numbers(self, values):
        key = ("n", id(values))
        if key not in self._fns:
            self._fns[key] = (values, [self.number(v) for v in values])
        return self._fns[key][1]

    def _apply(self, expr, c):
        key = ("f", expr)
        if key not in self._fns:
            # 1 +- erf(a) cancels where erf(a) is near -+1, whatever the precision: erfc(-+a)
            stable = sympy.factor_terms(expr).replace(_one_plus_erf, _erfc_form) \
                if expr.has(sympy.erf) else expr
            self._fns[key] = sympy.lambdify(Z, stable, modules=["mpmath"])
        fn = self._fns[key]
        c = np.asarray(c, dtype=object)
        big = max((abs(float(v)) for v in c.ravel()), default=0.0)
        import mpmath

        def run(guard):
            out = np.empty(c.shape, dtype=object)
            with mpmath.workprec(self.prec + guard):  # lambdify uses mpmath's global context
                for idx in np.ndindex(c.shape):
                    out[idx] = fn(mpmath.mpf(c[idx]))
            return out

        # atoms such as log(1 + exp(10 z)) or 1 + erf(z) cancel in their tails: raise the
        # guard bits until two working precisions agree to the target precision
        guard = 64 + min(4096, int(3 * big))
        out = run(guard)
        while guard < 16384:
            finer = run(2 * guard)
            tol = mpmath.ldexp(1, -(self.prec + 4))
            if all(a == b or abs(a - b) <= tol * abs(b)
                   for a, b in zip(out.ravel(), finer.ravel())):
                out = finer
                break
            out, guard = finer, 2 * guard
        for idx in np.ndindex(c.shape):
            out[idx] = self.mp.mpf(out[idx])
        return out

    def evaluate(self, system, c):
        return [self._apply(a, c) for a in system.atoms]

    def functions(self, exprs, c):
        return [self._apply(e, c) for e in exprs]

    def piece(self, c, rule, name):
        c = np.asarray(c, dtype=object)
        for k in rule.kinks:
            if any(v == self.number(k) for v in c.ravel()):
                raise NonAnalyticActivationError(
                    f"{name} is not differentiable at its kink {k}: a pre-activation sits on "
                    "the kink; move the expansion point")
        bps = [self.number(b) for b in rule.breakpoints]
        idx = np.zeros(c.shape, dtype=int)
        for i in np.ndindex(c.shape):
            idx[i] = sum(1 for b in bps if c[i] > b)
        return idx

    def take(self, values, idx):
        vals = [self.number(v) for v in values]
        out = np.empty(np.shape(idx), dtype=object)
        for i in np.ndindex(out.shape):
            out[i] = vals[idx[i]]
        return out

    def by_region(self, c, t, inner, outer):
        return _region(c, t, inner, outer, self.zero_like)


class RingContext:
    """Exact arithmetic in the engine's python-flint ring (see ``engines.exact``).

    Examples
    --------
    >>> import flint
    >>> from symnet import get_activation
    >>> from symnet.engines.contexts import RingContext
    >>> from symnet.engines.exact import Ring
    >>> ctx = RingContext(Ring(1, [], extra=4))
    >>> d = get_activation("tanh").rule.taylor(ctx, flint.fmpq(1, 2), 2)
    >>> [ctx.value(v) for v in d]
    [tanh(1/2), 1 - tanh(1/2)**2, -tanh(1/2) + tanh(1/2)**3]
    """

    inexact = False

    def __init__(self, ring, known=None):
        self.ring = ring
        self.known = dict(known or {})

    def zero_like(self, c):
        import flint
        return flint.fmpq(0)

    def const(self, q):
        import flint
        return flint.fmpq(q.numerator, q.denominator)   # constants stay cheap fmpq

    def number(self, v):
        e = self.known.get(v)
        if e is None:
            e = self.known[v] = self.ring.element(v)
        return e

    def numbers(self, values):
        return [self.number(v) for v in values]

    def value(self, c):
        return self.ring.to_sympy(c)

    def evaluate(self, system, c):
        cz = self.value(c)
        return [self.number(a.subs(Z, cz)) for a in system.atoms]

    def functions(self, exprs, c):
        cz = self.value(c)
        return [self.number(sympy.simplify(e.subs(Z, cz))) for e in exprs]

    def piece(self, c, rule, name):
        return rule.piece_of(self.value(c), name)

    def take(self, values, idx):
        return self.number(values[idx])

    def by_region(self, c, t, inner, outer):  # pragma: no cover - exact contexts never ask
        return inner(c)

