"""Tests for symnet.engines.contexts: one rule, three number contexts, the same numbers.

Every analytic activation's Taylor coefficients at exact centres: the exact ring context (closed
forms in tanh(c), exp(c), ...) evaluated to 40 digits is the oracle; mpmath at 120 bits must
agree to 1e-30 and float64 to 1e-12 (relative, or absolute near zero).
"""

from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy

import symnet
from symnet import get_activation
from symnet.engines.contexts import FloatContext, MpfContext, RingContext
from symnet.engines.exact import Ring

ANALYTIC = [n for n in symnet.activation_names()
            if get_activation(n).analytic and not get_activation(n).is_identity]
CENTRES = [Fraction(0), Fraction(1, 2), Fraction(-7, 4), Fraction(3)]
ORDER = 4


def close(a, b, tol):
    return abs(a - b) <= tol * max(1, abs(b))


@pytest.mark.parametrize("name", ANALYTIC)
def test_exact_mpf_and_float_contexts_agree(name):
    rule = get_activation(name).rule
    ring = RingContext(Ring(1, [], extra=2 * ORDER + 4))
    mpf = MpfContext(120)
    for c in CENTRES:
        exact = [sympy.N(ring.value(v), 40) for v in
                 rule.taylor(ring, flint.fmpq(c.numerator, c.denominator), ORDER)]
        m = rule.taylor(mpf, np.array([mpf.const(c)], dtype=object), ORDER)
        f = rule.taylor(FloatContext(), np.array([float(c)]), ORDER)
        for k in range(ORDER + 1):
            want = float(exact[k])
            got_m = sympy.Float(mpf.mp.nstr(m[k][0], 40), 40)
            assert close(got_m, exact[k], sympy.Float("1e-30")), (name, c, k)
            assert close(float(f[k][0]), want, 1e-12), (name, c, k, float(f[k][0]), want)


def test_the_exact_context_keeps_closed_forms():
    """sigmoid at 1/3: exact values (no floats), and sigma' = sigma (1 - sigma) to 50 digits."""
    ring = RingContext(Ring(1, [], extra=6))
    s0, s1 = (ring.value(x) for x in get_activation("sigmoid").rule.taylor(
        ring, flint.fmpq(1, 3), 1))
    assert not s0.atoms(sympy.Float) and not s1.atoms(sympy.Float)
    assert abs(sympy.N(s1 - s0 * (1 - s0), 50)) < sympy.Float("1e-45")
    assert abs(sympy.N(s0, 30) - sympy.N(1 / (1 + sympy.exp(-sympy.Rational(1, 3))), 30)) < \
        sympy.Float("1e-28")


def test_mpf_atoms_that_cancel_get_enough_guard_bits():
    """log(1 + exp(10 z)) at z = -23.05 at 200 bits: 1 + e**-230 needs ~330 bits more; the
    guard used to grow with |z| only and gave 1.14e-101 for 7.85e-102 (the value 50% off)."""
    import mpmath

    ctx = MpfContext(200)
    z = Fraction(-2305, 100)
    got = get_activation("softplus[10]").rule.taylor(
        ctx, np.array([ctx.const(z)], dtype=object), 0)[0][0]
    with mpmath.workdps(150):
        want = mpmath.log1p(mpmath.exp(10 * mpmath.mpf(z.numerator) / z.denominator)) / 10
    assert abs(got - want) <= abs(want) * mpmath.mpf(2) ** -190


def test_mpf_takes_exact_constants_such_as_log_2():
    """softplus's series holds log(2): domain='mpf' raised TypeError('cannot create mpf')."""
    from symnet import Network, expand

    net = Network.dense([[[1, 2], [-1, 1]], [[1, -1]]], activations=["softplus", "identity"])
    p = expand(net, 3, domain="mpf", prec=100)
    q = expand(net, 3)
    assert p.domain == "mpf" and p.prec == 100
    assert all(abs(float(p.terms().get(e, 0)) - float(c)) < 1e-14 for e, c in q.terms().items())
    ctx = MpfContext(100)
    assert abs(ctx.number(sympy.log(2)) - ctx.mp.log(2)) < ctx.mp.mpf(2) ** -99


@pytest.mark.parametrize("z", [-30, -12, -3, Fraction(1, 2), 4])
def test_mpf_gelu_in_its_negative_tail(z):
    """gelu = z Phi(z) with Phi = (1 + erf(z/sqrt 2))/2: 1 + erf cancelled to 0 at any precision
    (gelu(-30) at 200 bits was 0, not -1.47e-196); the mpf context now uses erfc(-z/sqrt 2)."""
    import mpmath

    ctx = MpfContext(200)
    z = Fraction(z)
    d = get_activation("gelu").rule.taylor(ctx, np.array([ctx.const(z)], dtype=object), 1)
    with mpmath.workdps(120):
        x = mpmath.mpf(z.numerator) / z.denominator
        phi_big = mpmath.erfc(-x / mpmath.sqrt(2)) / 2
        want = [x * phi_big, phi_big + x * mpmath.npdf(x)]
    for k in range(2):
        assert abs(d[k][0] - want[k]) <= abs(want[k]) * mpmath.mpf(2) ** -190, (z, k)
