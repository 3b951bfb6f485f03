"""Float64 accuracy of every activation and its Taylor coefficients (issue: saturation).

The oracle is mpmath at a precision that grows with |z| (the derivatives of
saturating functions are ~exp(-2|z|), far below the value), compared in
relative terms on a grid out to |z| = 700.
"""

import mpmath
import numpy as np
import pytest
import sympy

from symnet import Network, expand, get_activation
from symnet.activations import builtin_names
from symnet.engines.contexts import FloatContext

Z = sympy.Symbol("z")
_side = np.logspace(-3, np.log10(700.0), 25)
GRID = np.concatenate([-_side[::-1], [0.0], _side])
ANALYTIC = [n for n in builtin_names() if get_activation(n).analytic]


_FNS = {}


def _oracle(act, c, k):
    key = (act.name, k)
    if key not in _FNS:
        f = sympy.diff(act.func(Z), Z, k) / sympy.factorial(k)
        _FNS[key] = sympy.lambdify(Z, f, "mpmath")
    # enough digits for exp(-2|z|), the Gaussian tails exp(-z**2/2) of erf and gelu and
    # gelu_tanh's exp(-2 sqrt(2/pi) 0.044715 |z|**3), down to far below float64's range
    c = float(c)
    digits = 40 + min(int(abs(c) + 0.25 * c * c + 0.05 * abs(c) ** 3), 1500)
    with mpmath.workdps(digits):
        return _FNS[key](mpmath.mpf(c))


def _rel(got, want):
    if abs(want) < 1e-300:          # below float64's range: 0 is the correctly rounded value
        return 0.0 if abs(got) < 1e-290 else float("inf")
    return float(abs((mpmath.mpf(got) - want) / want))


@pytest.mark.parametrize("name", ANALYTIC)
def test_values_and_taylor_coefficients_keep_relative_accuracy(name):
    act = get_activation(name)
    with np.errstate(all="ignore"):
        vals = act.numpy_function()(GRID)
        D = act.rule.taylor(FloatContext(), GRID.copy(), 2)
    for i, c in enumerate(GRID):
        for k in range(3):
            got = vals[i] if k == 0 else D[k][i]
            err = _rel(got, _oracle(act, c, k))
            assert err < 1e-13, f"{name}: coefficient {k} at {c}: relative error {err:.2e}"


@pytest.mark.parametrize("name, at, k, want", [
    ("tanh", 20.0, 1, 1.6993417021166442e-17),
    ("tanh", 20.0, 2, -1.6993417021166442e-17),
    ("sigmoid", 30.0, 1, 9.357622968839299e-14),
    ("sigmoid", 40.0, 1, 4.248354255291589e-18),
    ("softplus", -30.0, 1, 9.357622968839299e-14),
    ("softplus", 40.0, 2, 2.1241771276457944e-18),
])
def test_saturated_taylor_mode_reproducers(name, at, k, want):
    net = Network.dense([[[1.0]]], activations=[name])
    p = expand(net, 2, mode="taylor", at=[at])
    assert abs(p.coeff((k,)) - want) <= 1e-13 * abs(want)


@pytest.mark.parametrize("name, at, k", [("silu", 30.0, 2), ("gelu", -5.0, 1), ("gelu", -5.0, 2)])
def test_saturated_taylor_mode_against_mpmath(name, at, k):
    net = Network.dense([[[1.0]]], activations=[name])
    p = expand(net, 2, mode="taylor", at=[at])
    assert _rel(p.coeff((k,)), _oracle(get_activation(name), at, k)) < 1e-13


@pytest.mark.parametrize("name, z", [("sigmoid", -40.0), ("sigmoid", -30.0), ("silu", -30.0),
                                     ("softplus", -700.0), ("gelu", -30.0)])
def test_network_call_is_accurate_where_saturated(name, z):
    net = Network.dense([[[1.0]]], activations=[name])
    assert _rel(float(net([z])), _oracle(get_activation(name), z, 0)) < 1e-13


@pytest.mark.parametrize("beta", ["10", "100", "1/3", "2"])
def test_softplus_family_coefficients_keep_their_relative_accuracy(beta):
    """softplus[b]'s second coefficient b s(bz) s(-bz)/2: the cancelling form s - s**2 was used
    up to |z| = 1 whatever b, 2.8e-13 off for b = 10 at z = 0.8367; the tails start at |b z| = 1."""
    from fractions import Fraction

    import mpmath

    from symnet import get_activation
    from symnet.engines.contexts import FloatContext

    b = Fraction(beta)
    act = get_activation(f"softplus[{beta}]")
    for z in np.linspace(-30 / float(b), 30 / float(b), 301):
        got = act.rule.taylor(FloatContext(), np.array([z]), 2)
        with mpmath.workdps(50):
            B = mpmath.mpf(b.numerator) / b.denominator
            s, t = 1 / (1 + mpmath.exp(-B * z)), 1 / (1 + mpmath.exp(B * z))
            want = [mpmath.log1p(mpmath.exp(B * z)) / B, s, B * s * t / 2]
        for k in range(3):
            assert abs(got[k][0] - want[k]) <= 1e-14 * abs(want[k]), (z, k)
