"""Tests for symnet.engines.graded: the power chain and truncated Horner scheme agree with a
plain sympy truncation of sum D_k v**k, in the exact algebra (python-flint components)."""

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.engines.exact import ExactAlgebra
from symnet.engines.graded import activate, horner, horner_cost, powers, powers_cost

X, Y = sympy.symbols("x y")
CTX = flint.fmpq_mpoly_ctx.get(("x", "y"), "deglex")

rationals = st.fractions(min_value=-3, max_value=3, max_denominator=5)


def components(terms, Q):
    """A polynomial without constant term as its homogeneous components (None where zero)."""
    out = [None] * (Q + 1)
    for (i, j), c in terms.items():
        d = i + j
        if d == 0 or d > Q or c == 0:
            continue
        mono = CTX.from_dict({(i, j): flint.fmpq(c.numerator, c.denominator)})
        out[d] = mono if out[d] is None else out[d] + mono
    return out


def to_sympy(comps):
    total = sympy.Integer(0)
    for c in comps:
        if isinstance(c, flint.fmpq):          # the constant component
            total += sympy.Rational(int(c.p), int(c.q))
        elif c is not None:
            for (i, j), q in c.to_dict().items():
                total += sympy.Rational(int(q.p), int(q.q)) * X**i * Y**j
    return sympy.expand(total)


def truncated(expr, Q):
    poly = sympy.Poly(sympy.expand(expr), X, Y)
    return sum((c * X**i * Y**j for (i, j), c in poly.terms() if i + j <= Q), sympy.Integer(0))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.dictionaries(st.tuples(st.integers(0, 3), st.integers(0, 3)), rationals, min_size=1,
                       max_size=5),
       st.lists(rationals, min_size=2, max_size=6), st.integers(2, 5))
def test_both_schemes_equal_the_sympy_truncation(terms, D, Q):
    V = components(terms, Q)
    A = ExactAlgebra(Q)
    if A.degrees(V)[0] is None:
        return
    K = len(D) - 1
    Dq = [flint.fmpq(d.numerator, d.denominator) for d in D]
    v = to_sympy(V)
    want = truncated(sum(sympy.Rational(d.numerator, d.denominator) * v**k
                         for k, d in enumerate(D)), Q)
    got_h = to_sympy(horner(A, V, Dq, K))
    P = powers(A, V, K)
    chain = sympy.Rational(D[0].numerator, D[0].denominator) + sum(
        (sympy.Rational(D[k].numerator, D[k].denominator) * to_sympy(P[k])
         for k in range(1, K + 1) if P[k] is not None), sympy.Integer(0))
    assert sympy.expand(got_h - want) == 0
    assert sympy.expand(chain - want) == 0
    assert sympy.expand(to_sympy(activate(A, V, Dq, K)) - want) == 0


def test_costs_grow_with_the_degree_and_pick_a_scheme():
    Q = 8
    V = components({(1, 0): 1, (0, 1): 1, (1, 1): 1}, Q)
    A = ExactAlgebra(Q)
    costs = [powers_cost(A, V, K) for K in range(2, 8)]
    assert costs == sorted(costs) and costs[0] > 0
    assert all(horner_cost(A, V, K) > 0 for K in range(2, 8))


@pytest.mark.parametrize("lo_terms, K, expected_powers", [({(2, 0): 1}, 6, 4)])
def test_powers_stop_where_the_degree_passes_the_order(lo_terms, K, expected_powers):
    """v starts at degree 2, Q = 8: v**5 would start at degree 10 > 8, so it is None."""
    A = ExactAlgebra(8)
    P = powers(A, components(lo_terms, 8), K)
    assert [p is not None for p in P[1:]] == [True] * expected_powers + [False] * (K -
                                                                                   expected_powers)
