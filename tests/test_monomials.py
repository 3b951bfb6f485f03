"""Tests of symnet.monomials: the package's monomial order, ranks, product tables."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.monomials import MonomialBasis, basis, monomials, nn2poly_label


@pytest.mark.parametrize("n, Q", [(1, 5), (2, 3), (3, 4), (5, 2)])
def test_order_is_graded_and_complete(n, Q):
    ms = monomials(n, Q)
    assert len(ms) == len(set(ms)) == basis(n, Q).size
    assert [sum(m) for m in ms] == sorted(sum(m) for m in ms)
    brute = {e for e in itertools.product(range(Q + 1), repeat=n) if sum(e) <= Q}
    assert set(ms) == brute
    B = basis(n, Q)
    assert all(B.index_of(m) == i for i, m in enumerate(ms))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_product_tables_agree_with_adding_exponents(n, Q, data):
    B = MonomialBasis(n, Q)
    ms = monomials(n, Q)
    d1 = data.draw(st.integers(1, Q))
    d2 = data.draw(st.integers(1, Q - d1)) if Q - d1 >= 1 else None
    if d2 is None:
        return
    T = B.product_table(d1, d2)
    A = [m for m in ms if sum(m) == d1]
    C = [m for m in ms if sum(m) == d2]
    for i, a in enumerate(A):
        for j, c in enumerate(C):
            prod = tuple(x + y for x, y in zip(a, c))
            assert B.offsets[d1 + d2] + T[i, j] == B.index_of(prod)


def test_evaluate_monomials_matches_direct_powers():
    rng = np.random.RandomState(0)
    X = rng.randn(7, 3)
    B = basis(3, 3)
    V = B.evaluate_monomials(X)
    for k, e in enumerate(monomials(3, 3)):
        assert np.allclose(V[:, k], np.prod(X ** np.array(e), axis=1))


def test_high_orders_in_few_variables_do_not_overflow():
    # the rank table holds only what ranking reads (no int64 overflow at order 200)
    B = MonomialBasis(1, 200)
    assert B.size == 201 and B.index_of((200,)) == 200
    B = MonomialBasis(2, 100)
    assert B.index_of((0, 100)) == B.size - 1


def test_nn2poly_labels():
    assert nn2poly_label((2, 1, 0)) == "1,1,2" and nn2poly_label((0, 0)) == "0"
