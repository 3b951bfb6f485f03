"""Tests for symnet.pwl.printing: closed forms of exact piecewise-linear maps."""

import random
from fractions import Fraction as F

import sympy

import symnet
from symnet import Network
from symnet.constructions import lattice


def test_equal_values_are_one_piece():
    """max(min(x1, x2), 0): its zero value on three regions is one piece with an Or."""
    pw = symnet.piecewise(lattice([[1, 0], [0, 1], [0, 0]], [0, 0, 0], [{0, 1}, {2}]),
                          box=[(-1, 1), (-1, 1)]).merged()
    P = pw.as_piecewise()
    values = [e for e, _ in P.args]
    assert len(values) == len(set(values)) == 3
    assert "\\vee" in sympy.latex(pw)


def test_the_closed_form_equals_the_map_on_the_box():
    """Random relu networks: the Piecewise agrees with pw(x) at exact grid points (boundaries
    included) and at every region's interior point."""
    rng = random.Random(0)
    for _ in range(15):
        W1 = [[rng.randint(-2, 2) for _ in range(2)] for _ in range(4)]
        b1 = [rng.randint(-1, 1) for _ in range(4)]
        net = Network.dense([W1, [[rng.randint(-2, 2) for _ in range(4)]]], [b1, [0]],
                            activations=["relu", "identity"])
        pw = symnet.piecewise(net, box=[(-1, 1), (-1, 1)])
        for P, q in ((pw.as_piecewise(), pw), (pw.merged().as_piecewise(), pw)):
            x1, x2 = net.inputs
            pts = [(F(rng.randint(-4, 4), 4), F(rng.randint(-4, 4), 4)) for _ in range(40)]
            pts += [tuple(F(int(v.p), int(v.q)) for v in r.interior_point) for r in pw.regions]
            for a, b in pts:
                x = (sympy.Rational(a), sympy.Rational(b))
                assert P.subs({x1: x[0], x2: x[1]}) == q(x)[0]
