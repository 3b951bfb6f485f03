"""Activation names for the importers: the one place that resolves them.

:func:`_activation` looks a name up in symnet's activation table and, for
the parametric families ``leaky_relu[a]``, ``hardtanh[lo,hi]`` and
``softplus[beta]``, falls back to registering them here
(:func:`_ensure_parametric`).  When the activation table resolves those
families itself, only :func:`_activation` changes.

Examples
--------
>>> from symnet.io._activations import _activation
>>> _activation("leaky_relu[0.2]").name
'leaky_relu[1/5]'
"""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction

import sympy
from sympy import S

from ..errors import NotSupportedError, UnknownActivationError


def _activation(name):
    """The :class:`~symnet.Activation` called ``name`` (parametric families included).

    Raises
    ------
    UnknownActivationError
        For a name symnet does not know.
    NotSupportedError
        For ``"gelu_tanh"`` when this symnet has no tanh-approximate GELU.
    """
    from ..activations import get_activation

    try:
        return get_activation(name)
    except UnknownActivationError:
        act = _ensure_parametric(name)
        if act is not None:
            return act
        if isinstance(name, str) and name.strip().lower() == "gelu_tanh":
            raise NotSupportedError(
                "the tanh-approximate GELU (0.5*z*(1 + tanh(sqrt(2/pi)*(z + 0.044715*z**3)))) "
                "is not an activation of this symnet version; only the exact erf form 'gelu' "
                "is") from None
        raise


# ---------------------------------------------------------------------------
# parametric activations: leaky_relu[a], softplus[beta], hardtanh[lo,hi]
# ---------------------------------------------------------------------------

_PARAM = re.compile(r"^(leaky_relu|softplus|hardtanh)\[([^\]]+)\]$")


def _exact_decimal(v, what):
    """The number the user wrote: a float's shortest decimal, made exact."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise NotSupportedError(f"{what}: expected a real number, got {v!r}")
    if isinstance(v, numbers.Integral):
        return Fraction(int(v))
    if isinstance(v, Fraction):
        return v
    v = float(v)
    if not math.isfinite(v):
        raise NotSupportedError(f"{what}: expected a finite number, got {v!r}")
    return Fraction(repr(v))


def _fmt(q):
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _rat(q):
    return sympy.Rational(q.numerator, q.denominator)


def _ensure_parametric(name):
    """Register (once) and return the parametric activation ``name``, or None."""
    from ..activations import _REGISTRY, _sign_dispatch, get_activation, register_activation

    m = _PARAM.match(name.strip().lower()) if isinstance(name, str) else None
    if m is None:
        return None
    kind, args = m.groups()
    try:
        params = [Fraction(a.strip()) for a in args.split(",")]
    except (ValueError, ZeroDivisionError):
        return None
    key = f"{kind}[{','.join(_fmt(p) for p in params)}]"
    if key in _REGISTRY:
        return get_activation(key)
    if kind == "leaky_relu" and len(params) == 1:
        a = _rat(params[0])
        if params[0] == Fraction(1, 100):
            return get_activation("leaky_relu")

        def local(c, a=a, key=key):
            return _sign_dispatch(c, (a, S.Zero), None, (S.One, S.Zero), key)
        fa = float(a)
        return register_activation(
            key, lambda e, a=a: sympy.Piecewise((e, e >= 0), (a * e, True)), analytic=False,
            local=local, kinks=(0,), numpy=lambda x, fa=fa: _np().where(x > 0, x, fa * x),
            description=f"slope {a} below 0 (torch.nn.LeakyReLU({fa}))")
    if kind == "hardtanh" and params == [-1, 1]:
        return get_activation("hardtanh")
    if kind == "hardtanh" and len(params) == 2 and params[0] < params[1]:
        lo, hi = _rat(params[0]), _rat(params[1])

        def local(c, lo=lo, hi=hi, key=key):
            if _sign_dispatch(c - lo, True, None, False, key):
                return S.Zero, lo
            if _sign_dispatch(c - hi, False, None, True, key):
                return S.Zero, hi
            return S.One, S.Zero
        flo, fhi = float(lo), float(hi)
        return register_activation(
            key, lambda e, lo=lo, hi=hi: sympy.Max(lo, sympy.Min(hi, e)), analytic=False,
            local=local, kinks=(lo, hi), numpy=lambda x, flo=flo, fhi=fhi: _np().clip(x, flo, fhi),
            description=f"clip to [{lo}, {hi}] (torch.nn.Hardtanh({flo}, {fhi}))")
    if kind == "softplus" and len(params) == 1 and params[0] > 0:
        b = _rat(params[0])
        if b == 1:
            return get_activation("softplus")
        z = sympy.Symbol("z")
        u0, u1 = sympy.symbols("u0 u1")
        fb = float(b)
        # u0 = log(1 + exp(b z))/b, u1 = sigmoid(b z): u0' = u1, u1' = b (u1 - u1**2)
        return register_activation(
            key, lambda e, b=b: sympy.log(1 + sympy.exp(b * e)) / b, radius=sympy.pi / b,
            system=((sympy.log(1 + sympy.exp(b * z)) / b, 1 / (1 + sympy.exp(-b * z))),
                    (u1, b * (u1 - u1**2)), u0),
            numpy=lambda x, fb=fb: _np().logaddexp(0.0, fb * x) / fb,
            description=f"log(1 + exp({b} z))/{b} (torch.nn.Softplus(beta={fb}))")
    return None


def _np():
    import numpy
    return numpy


