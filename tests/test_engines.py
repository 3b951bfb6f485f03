"""Tests of symnet.engines: the registry, the number contexts and the graded algebra."""

import flint
import numpy as np
import pytest
import sympy
from sympy import Rational as R

from symnet import Network, expand, get_activation
from symnet.engines import Plan, engine_names, get_engine, register_engine
from symnet.engines.contexts import FloatContext, MpfContext, RingContext
from symnet.engines.dense import DenseAlgebra, activate_columns
from symnet.engines.exact import ExactAlgebra, Ring
from symnet.engines.graded import activate, horner, powers
from symnet.errors import ArgumentError, NonAnalyticActivationError
from symnet.monomials import basis


def test_registry_by_name_and_domain():
    assert {"dense", "exact"} <= set(engine_names())
    assert get_engine(domain="QQ").name == "exact"
    assert get_engine(domain="RR").name == "dense" and get_engine(domain="mpf").name == "dense"
    with pytest.raises(ArgumentError, match="unknown engine"):
        get_engine("nope")
    with pytest.raises(ArgumentError, match="computes in"):
        get_engine("exact", domain="RR")
    with pytest.raises(ArgumentError, match="an engine needs a 'name'"):
        register_engine(object())


def test_expand_accepts_an_engine_by_name():
    net = Network.dense([[[R(1, 2)]]], activations=["tanh"])
    assert expand(net, 3, engine="exact") == expand(net, 3)
    with pytest.raises(ArgumentError):
        expand(net, 3, engine="dense")      # exact weights choose the exact domain
    p = expand(net, 3, domain="RR", engine="dense")
    assert abs(p.coeff((3,)) + 1 / 24) < 1e-15


class _CountingEngine:
    """A new engine is one class: here, the dense engine counting its runs."""

    name = "counting"
    domains = ("RR",)

    def __init__(self):
        self.runs = 0
        self.inner = get_engine("dense")

    def estimate(self, plan):
        return self.inner.estimate(plan)

    def run(self, plan):
        self.runs += 1
        return self.inner.run(plan)


def test_a_registered_engine_is_used():
    eng = register_engine(_CountingEngine(), overwrite=True)
    net = Network.dense([[[0.5]]], activations=["tanh"])
    assert expand(net, 3, engine="counting") == expand(net, 3)
    assert eng.runs == 1


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "gelu", "sin", "square"])
def test_the_rule_is_written_once_for_every_context(name):
    # one rule, four contexts: float, mpf, the exact ring and sympy agree
    act = get_activation(name)
    c = R(3, 4)
    exact = act.taylor(c, 4)
    f = act.rule.taylor(FloatContext(), np.array([0.75]), 4)
    m = act.rule.taylor(MpfContext(80), np.array([R(3, 4)], dtype=object), 4)
    ring = Ring(1, [], extra=8)
    r = act.rule.taylor(RingContext(ring), flint.fmpq(3, 4), 4)
    for k in range(5):
        want = exact[k].evalf(40)
        assert abs(float(f[k][0]) - float(want)) < 1e-14
        assert abs(sympy.Float(m[k][0], 30) - want) < 1e-22
        assert ring.to_sympy(r[k]) == exact[k] or abs(ring.to_sympy(r[k]).evalf(40) - want) < 1e-35


def test_piecewise_rules_refuse_kinks_in_every_context():
    rule = get_activation("relu").rule
    with pytest.raises(NonAnalyticActivationError, match="kink"):
        rule.taylor(FloatContext(), np.array([1.0, 0.0]), 1)
    with pytest.raises(NonAnalyticActivationError, match="kink"):
        rule.taylor(RingContext(Ring(1, [], 2)), flint.fmpq(0), 1)
    assert rule.taylor(FloatContext(), np.array([-1.0, 2.0]), 1)[1].tolist() == [0.0, 1.0]


def test_graded_algebra_is_shared_by_both_engines():
    # sum_k D_k v^k for v = x + y**2 in the exact and the dense algebra, power chain and Horner
    Q = 4
    ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "deglex")
    x, y = ctx.gens()
    D = [flint.fmpq(1), flint.fmpq(2), flint.fmpq(-1, 3), flint.fmpq(5), flint.fmpq(1, 7)]
    V = [None, x, y * y, None, None]
    A = ExactAlgebra(Q)
    h1 = activate(A, V, D, 4)
    h2 = horner(A, V, D, 4)
    P = powers(A, V, 4)
    h3 = A.constant(D[0])
    for k in range(1, 5):
        if P[k] is not None:
            h3 = A.axpy(h3, P[k], D[k])
    assert h1 == h2 == h3
    B = basis(2, Q)
    a = np.zeros((B.size, 1))
    a[B.index_of((1, 0)), 0] = 1.0
    a[B.index_of((0, 2)), 0] = 1.0
    Ad = DenseAlgebra(B)
    Dd = [np.array([float(d.p) / float(d.q)]) for d in D]
    hd = horner(Ad, Ad.from_array(a), Dd, 4).a[:, 0]
    for d, comp in enumerate(h1):
        if comp is None:
            continue
        terms = comp.to_dict() if not isinstance(comp, flint.fmpq) else {(0, 0): comp}
        for e, c in terms.items():
            assert abs(hd[B.index_of(tuple(int(v) for v in e))] - float(c.p) / float(c.q)) < 1e-14


def test_activate_columns_is_a_pure_kernel():
    B = basis(1, 3)
    Z = np.zeros((B.size, 2, 1))
    Z[1, :, 0] = 1.0
    Z[0, 1, 0] = 0.5               # second centre: z = 1/2 + x
    H = activate_columns(B, Z.copy(), [get_activation("tanh").rule], ["h"], FloatContext())
    assert np.allclose(H[:, 0, 0], [0, 1, 0, -1 / 3])
    t = np.tanh(0.5)
    assert np.allclose(H[:, 1, 0], [t, 1 - t * t, -t * (1 - t * t), (1 - t * t) * (3 * t * t - 1) / 3])


def test_plans_are_frozen():
    net = Network.dense([[[1]]], activations=["tanh"])
    plan = Plan(net, 2, ((get_activation("tanh").rule,),), None, "QQ")
    with pytest.raises(Exception):
        plan.order = 3  # noqa: B018 - frozen dataclass
