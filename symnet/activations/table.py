"""The table of built-in activations: one line per activation, one per family.

Table order is simplicity order (what hypothesis strategies shrink toward).
Each analytic row gives its exact differential system (used by exact
contexts and for the Maclaurin series) and, where the activation saturates,
a *tail* system of complementary atoms whose float derivatives keep full
relative accuracy (``1 - tanh z``, ``sigmoid(-z)``).
"""

from __future__ import annotations

import math

import numpy as np
import sympy
from sympy import Rational, S, exp, log, pi, sqrt, tanh

from . import numeric as N
from .kinds import AnalyticSystem as System
from .kinds import PiecewiseLinearRule, PolynomialRule
from .system import Z as z

__all__ = ["ACTIVATIONS", "FAMILIES"]

#: the built-in activations, one row each: ``(name, sympy function, keyword arguments of
#: register_activation)``; :mod:`symnet.activations.core` registers them on first use
ACTIVATIONS = []
#: the parametric families: ``(name, number of parameters, builder, keyword arguments)``
FAMILIES = []


def _reg(name, func, **kw):
    ACTIVATIONS.append((name, func, kw))


def _family(name, nparams, build, **kw):
    FAMILIES.append((name, nparams, build, kw))

u0, u1, u2 = sympy.symbols("u0 u1 u2")


def _sigmoid(e):
    return 1 / (1 + exp(-e))


def _gelu(e):
    return e * (1 + sympy.erf(e / sqrt(2))) / 2


_K = Rational(44715, 1000000)  # GELU's tanh approximation: 0.044715


def _gelu_tanh(e):
    return e * (1 + tanh(sqrt(2 / pi) * (e + _K * e**3))) / 2


def _g(x):  # the argument of tanh in gelu_tanh, float
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return math.sqrt(2 / math.pi) * (x + N.GELU_TANH_K * x * x * x)


_S2PI = np.float64(math.sqrt(2 / math.pi))


def _sig_tails(value):
    """sigmoid(z), sigmoid(-z): u0' = u0 u1, u1' = -u0 u1."""
    return System([_sigmoid(z), _sigmoid(-z)], [u0 * u1, -u0 * u1], value,
                  numeric=[N.expit, N.expit_neg])


_tanh_tails = System([2 / (1 + exp(2 * z)), 2 / (1 + exp(-2 * z))], [-u0 * u1, u0 * u1],
                     (u1 - u0) / 2, numeric=[N.one_minus_tanh, N.one_plus_tanh])
_softplus_tails = System([log(1 + exp(z)), _sigmoid(z), _sigmoid(-z)],
                         [u1, u1 * u2, -u1 * u2], u0,
                         numeric=[N.softplus, N.expit, N.expit_neg])
_gt = sqrt(2 / pi) * (z + _K * z**3)   # 1 - t = 2/(1 + exp(2g)), 1 + t = 2/(1 + exp(-2g))
_gelu_tanh_tails = System(
    [2 / (1 + exp(2 * _gt)), 2 / (1 + exp(-2 * _gt)), sqrt(2 / pi)],
    [-u0 * u1 * u2 * (1 + 3 * _K * z**2), u0 * u1 * u2 * (1 + 3 * _K * z**2), 0], z * u1 / 2,
    numeric=[lambda x: N.one_minus_tanh(_g(x)), lambda x: N.one_plus_tanh(_g(x)),
             lambda x: _S2PI + 0 * np.asarray(x, dtype=float)])

# name | sympy function | rule | radius | numpy | tex
_reg("identity", lambda e: e, rule=PolynomialRule([0, 1]), radius=S.Infinity, aliases=("linear",),
     numpy=lambda x: np.asarray(x, dtype=float), description="f(z) = z", _builtin=True)
_reg("square", lambda e: e**2, rule=PolynomialRule([0, 0, 1]), radius=S.Infinity,
     numpy=lambda x: np.asarray(x, dtype=float) ** 2, description="f(z) = z**2", _builtin=True)
_reg("tanh", sympy.tanh, rule=System([tanh(z)], [1 - u0**2], u0, numeric=[N.tanh],
                                     tails=_tanh_tails),
     radius=pi / 2, numpy=N.tanh, tex=r"\tanh", _builtin=True)
# floats: sigmoid = (1 + tanh(z/2))/2 near 0 (no cancellation in 1 - 2 sigmoid)
_sig_float = System([tanh(z / 2)], [(1 - u0**2) / 2], (1 + u0) / 2,
                    numeric=[lambda x: np.tanh(0.5 * np.asarray(x, dtype=float))],
                    tails=_sig_tails(u0))
_reg("sigmoid", _sigmoid, rule=System([_sigmoid(z)], [u0 - u0**2], u0, numeric=[N.expit],
                                      tails=_sig_tails(u0), inexact=_sig_float),
     radius=pi, aliases=("logistic",), numpy=N.expit, tex=r"\sigma", _builtin=True)
_reg("sin", sympy.sin, rule=System([sympy.sin(z), sympy.cos(z)], [u1, -u0], u0,
                                   numeric=[np.sin, np.cos]),
     radius=S.Infinity, numpy=np.sin, tex=r"\sin", _builtin=True)
_reg("cos", sympy.cos, rule=System([sympy.sin(z), sympy.cos(z)], [u1, -u0], u1,
                                   numeric=[np.sin, np.cos]),
     radius=S.Infinity, numpy=np.cos, tex=r"\cos", _builtin=True)
_reg("exp", sympy.exp, rule=System([exp(z)], [u0], u0, numeric=[np.exp]),
     radius=S.Infinity, numpy=np.exp, tex=r"\exp", _builtin=True)
_reg("softplus", lambda e: log(1 + exp(e)),
     rule=System([log(1 + exp(z)), _sigmoid(z)], [u1, u1 - u1**2], u0,
                 numeric=[N.softplus, N.expit], tails=_softplus_tails),
     radius=pi, numpy=N.softplus, tex=r"\operatorname{softplus}", _builtin=True)
_reg("silu", lambda e: e * _sigmoid(e),
     rule=System([_sigmoid(z)], [u0 - u0**2], z * u0, numeric=[N.expit],
                 tails=_sig_tails(z * u0)),
     radius=pi, aliases=("swish",), numpy=N.silu, tex=r"\operatorname{SiLU}", _builtin=True)
_reg("erf", sympy.erf,
     rule=System([sympy.erf(z), 2 * exp(-z**2) / sqrt(pi)], [u1, -2 * z * u1], u0,
                 numeric=[N.erf, lambda x: 2 / math.sqrt(math.pi) * N.exp_neg_square(x)]),
     radius=S.Infinity, numpy=N.erf, tex=r"\operatorname{erf}", _builtin=True)
_reg("gelu", _gelu,
     rule=System([(1 + sympy.erf(z / sqrt(2))) / 2, exp(-z**2 / 2) / sqrt(2 * pi)],
                 [u1, -z * u1], z * u0, numeric=[N.normal_cdf, N.normal_pdf]),
     radius=S.Infinity, numpy=N.gelu, tex=r"\operatorname{GELU}",
     description="erf form: z*Phi(z)", _builtin=True)
_reg("relu", lambda e: sympy.Max(0, e), rule=PiecewiseLinearRule([0], [0, 1], [0, 0]),
     numpy=N.relu, tex=r"\operatorname{ReLU}", _builtin=True)
_reg("leaky_relu", lambda e: sympy.Max(e / 100, e),
     rule=PiecewiseLinearRule([0], [Rational(1, 100), 1], [0, 0]), aliases=("leakyrelu",),
     tex=r"\operatorname{LeakyReLU}", description="slope 1/100 below 0", _builtin=True)
_reg("hardtanh", lambda e: sympy.Max(-1, sympy.Min(1, e)),
     rule=PiecewiseLinearRule([-1, 1], [0, 1, 0], [-1, 0, 1]),
     numpy=lambda x: np.clip(np.asarray(x, dtype=float), -1.0, 1.0),
     tex=r"\operatorname{HardTanh}", _builtin=True)
_reg("gelu_tanh", _gelu_tanh,
     rule=System([tanh(_gt), sqrt(2 / pi)], [(1 - u0**2) * u1 * (1 + 3 * _K * z**2), 0],
                 z * (1 + u0) / 2,
                 numeric=[lambda x: np.tanh(_g(x)),
                          lambda x: _S2PI + 0 * np.asarray(x, dtype=float)],
                 tails=_gelu_tanh_tails),
     radius=None, numpy=N.gelu_tanh, tex=r"\operatorname{GELU}_{\tanh}",
     description="tanh approximation of GELU (torch approximate='tanh')", variant_of="gelu",
     _builtin=True)


# ---------------------------------------------------------------------------
# parametric families: name[p1, ..., pk]
# ---------------------------------------------------------------------------

def _q(p):
    return Rational(p.numerator, p.denominator)


def _leaky(a):
    a = _q(a)
    return dict(func=lambda e: sympy.Piecewise((e, e >= 0), (a * e, True)),
                rule=PiecewiseLinearRule([0], [a, 1], [0, 0]),
                tex=r"\operatorname{LeakyReLU}_{" + sympy.latex(a) + "}",
                description=f"slope {a} below 0 (torch.nn.LeakyReLU({float(a)}))")


def _hardtanh(lo, hi):
    from ..errors import UnknownActivationError
    if not lo < hi:
        raise UnknownActivationError(f"hardtanh[lo, hi] needs lo < hi, got {lo}, {hi}")
    lo, hi = _q(lo), _q(hi)
    return dict(func=lambda e: sympy.Max(lo, sympy.Min(hi, e)),
                rule=PiecewiseLinearRule([lo, hi], [0, 1, 0], [lo, 0, hi]),
                numpy=lambda x, a=float(lo), b=float(hi): np.clip(np.asarray(x, float), a, b),
                tex=r"\operatorname{HardTanh}_{" + sympy.latex(lo) + ", " + sympy.latex(hi) + "}",
                description=f"clip to [{lo}, {hi}]")


def _softplus(beta):
    from ..errors import UnknownActivationError
    if not beta > 0:
        raise UnknownActivationError(f"softplus[beta] needs beta > 0, got {beta}")
    b = _q(beta)
    fb = float(b)
    sp = log(1 + exp(b * z)) / b
    return dict(
        func=lambda e: log(1 + exp(b * e)) / b,
        rule=System([sp, _sigmoid(b * z)], [u1, b * (u1 - u1**2)], u0,
                    numeric=[lambda x: N.softplus(fb * np.asarray(x, float)) / fb,
                             lambda x: N.expit(fb * np.asarray(x, float))],
                    tails=System([sp, _sigmoid(b * z), _sigmoid(-b * z)],
                                 [u1, b * u1 * u2, -b * u1 * u2], u0,
                                 numeric=[lambda x: N.softplus(fb * np.asarray(x, float)) / fb,
                                          lambda x: N.expit(fb * np.asarray(x, float)),
                                          lambda x: N.expit_neg(fb * np.asarray(x, float))]),
                    tails_from=1 / fb),   # the tails where |b z| >= 1, as for softplus
        radius=pi / b, numpy=lambda x: N.softplus(fb * np.asarray(x, float)) / fb,
        tex=r"\operatorname{softplus}_{" + sympy.latex(b) + "}",
        description=f"log(1 + exp({b} z))/{b} (torch.nn.Softplus(beta={fb}))")


_family("leaky_relu", 1, _leaky, default=(Rational(1, 100),))
_family("hardtanh", 2, _hardtanh, default=(-1, 1))
_family("softplus", 1, _softplus, default=(1,))
