"""Super Space features: monomial_features, polynomial_from_vector, vector_from_polynomial."""

from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symnet import Polynomial
from symnet.errors import ArgumentError, OrderError, ResourceError, ShapeError
from symnet.fit import monomial_features, polynomial_from_vector, vector_from_polynomial
from symnet.monomials import basis, monomials

R = sympy.Rational


def test_columns_in_the_package_order():
    X = np.array([[2.0, 3.0, 5.0]])
    F, mons = monomial_features(X, 3)
    assert mons == monomials(3, 3)
    # each column is the product of the row's powers: an independent oracle
    want = [np.prod([X[0, j] ** e for j, e in enumerate(m)]) for m in mons]
    assert F[0].tolist() == want


@pytest.mark.parametrize("n,order", [(1, 0), (1, 5), (2, 4), (3, 3), (5, 2), (10, 4)])
def test_float_features_equal_the_basis_evaluation(n, order):
    X = np.random.default_rng(n + order).normal(size=(17, n))
    F, mons = monomial_features(X, order)
    assert F.dtype == np.float64 and F.shape == (17, len(mons))
    np.testing.assert_allclose(F, basis(n, order).evaluate_monomials(X), rtol=1e-13, atol=0)


def test_float_features_match_sklearn_up_to_column_order():
    skl = pytest.importorskip("sklearn.preprocessing")
    X = np.random.default_rng(1).uniform(-2, 2, size=(50, 3))
    F, mons = monomial_features(X, 4)
    pf = skl.PolynomialFeatures(4).fit(X)
    G = pf.transform(X)
    col = {tuple(int(e) for e in p): k for k, p in enumerate(pf.powers_)}
    np.testing.assert_allclose(F, G[:, [col[m] for m in mons]], rtol=1e-13)


def test_exact_features_are_an_fmpq_mat():
    X = [[Fraction(1, 2), -3], [2, R(2, 3)]]
    F, mons = monomial_features(X, 2)
    assert isinstance(F, flint.fmpq_mat) and (F.nrows(), F.ncols()) == (2, 6)
    x, y = sympy.symbols("x y")
    for i, (a, b) in enumerate([(R(1, 2), -3), (2, R(2, 3))]):
        for j, m in enumerate(mons):
            want = R(a) ** m[0] * R(b) ** m[1]
            assert F[i, j] == flint.fmpq(int(want.p), int(want.q))


def test_integer_arrays_are_exact_and_floats_are_not():
    F, _ = monomial_features(np.array([[2, 3]]), 2)
    assert isinstance(F, flint.fmpq_mat)
    F, _ = monomial_features([[2, 3.0]], 2)
    assert isinstance(F, np.ndarray) and F.dtype == np.float64
    F, _ = monomial_features([[2, 3]], 2, exact=False)
    assert isinstance(F, np.ndarray)
    F, _ = monomial_features([[0.5, 3]], 2, exact=True)
    assert F[0, 1] == flint.fmpq(1, 2)


def test_huge_integers_stay_exact():
    big = 3 ** 60
    F, _ = monomial_features([[big, 1]], 2)
    assert F[0, 3] == big ** 2


def test_dict_of_columns_in_the_order_of_inputs():
    x, y = sympy.symbols("x y")
    F, mons = monomial_features({"y": [1, 2], "x": [3, 4]}, 1, inputs=[x, y])
    assert F.tolist() == [[1, 3, 1], [1, 4, 2]]


def test_bad_data_is_refused_with_a_typed_error():
    with pytest.raises(ArgumentError, match=r"row 1, column 0"):
        monomial_features([[1.0, 2.0], [np.nan, 1.0]], 2)
    with pytest.raises(ArgumentError, match="finite"):
        monomial_features(np.array([[np.inf]]), 1)
    with pytest.raises(ShapeError, match="reshape"):
        monomial_features(np.arange(3.0), 2)
    with pytest.raises(ShapeError, match="ragged"):
        monomial_features([[1, 2], [3]], 2)
    with pytest.raises(ShapeError, match="at least one row"):
        monomial_features(np.zeros((0, 2)), 2)
    with pytest.raises(ArgumentError, match="strings"):
        monomial_features([["1", "2"]], 2)
    with pytest.raises(ArgumentError, match="complex"):
        monomial_features(np.array([[1j]]), 2)
    with pytest.raises(ArgumentError, match="sqrt"):
        monomial_features([[sympy.sqrt(2), 1]], 2)
    with pytest.raises(ShapeError, match="expected 2 symbols, got 3"):
        monomial_features([[1, 2]], 2, inputs="x y z")
    with pytest.raises(OrderError):
        monomial_features([[1, 2]], -1)


def test_memory_is_checked_up_front():
    with pytest.raises(ResourceError, match="MiB|GiB"):
        monomial_features(np.zeros((10, 3)), 3, memory_limit=100)
    # the estimate, not the allocation: 10**6 rows x 1001 monomials never gets allocated
    with pytest.raises(ResourceError, match="1,000,000 rows x 1,001 monomials"):
        monomial_features(np.zeros((10 ** 6, 10)), 4, memory_limit=10 ** 6)


def test_vector_polynomial_round_trip():
    x, y = sympy.symbols("x y")
    p = Polynomial(1 + R(2, 3) * x * y - y ** 3, (x, y), 3)
    v = vector_from_polynomial(p)
    assert v.dtype == object and len(v) == 10
    assert polynomial_from_vector(v, (x, y), 3) == p
    assert vector_from_polynomial(p, 1).tolist() == [1, 0, 0]
    with pytest.raises(OrderError, match="not known"):
        vector_from_polynomial(p, 4)
    pf = p.as_float()
    assert vector_from_polynomial(pf).dtype == np.float64


def test_polynomial_from_vector_accepts_fmpq_mat_and_checks_length():
    col = flint.fmpq_mat(3, 1, [1, flint.fmpq(1, 2), 0])
    p = polynomial_from_vector(col, "t", 2)
    assert p.terms() == {(0,): 1, (1,): R(1, 2)}
    with pytest.raises(ShapeError, match="expected 6 coefficients"):
        polynomial_from_vector([1, 2, 3], "x y", 2)
    with pytest.raises(ArgumentError, match="finite"):
        polynomial_from_vector([1.0, float("nan"), 0.0], "t", 2)


rationals = st.fractions(min_value=-5, max_value=5, max_denominator=7)


@given(st.integers(1, 3), st.integers(0, 4), st.data())
def test_exact_features_times_coefficients_is_the_polynomial(n, order, data):
    """F @ c equals the polynomial evaluated exactly at every row."""
    rows = data.draw(st.lists(st.lists(rationals, min_size=n, max_size=n), min_size=1,
                              max_size=4))
    mons = monomials(n, order)
    c = data.draw(st.lists(rationals, min_size=len(mons), max_size=len(mons)))
    F, _ = monomial_features(rows, order)
    values = F * flint.fmpq_mat(len(c), 1, [flint.fmpq(q.numerator, q.denominator) for q in c])
    xs = sympy.symbols(f"x1:{n + 1}")
    p = polynomial_from_vector(c, xs, order)
    for i, r in enumerate(rows):
        want = p([R(v.numerator, v.denominator) for v in r])
        assert values[i, 0] == flint.fmpq(int(R(want).p), int(R(want).q))


@given(st.integers(1, 4), st.integers(0, 5))
def test_float_features_times_coefficients_is_the_polynomial(n, order):
    rng = np.random.default_rng(n * 10 + order)
    X = rng.uniform(-1.5, 1.5, size=(6, n))
    c = rng.normal(size=len(monomials(n, order)))
    F, _ = monomial_features(X, order)
    p = polynomial_from_vector(c, sympy.symbols(f"x1:{n + 1}"), order)
    np.testing.assert_allclose(F @ c, p(X), rtol=1e-12, atol=1e-12)


def test_sparse_input_is_refused_with_what_to_do():
    sp = pytest.importorskip("scipy.sparse")
    with pytest.raises(ArgumentError, match="sparse csr_matrix of shape \\(3, 3\\).*toarray"):
        monomial_features(sp.csr_matrix(np.eye(3)), 2)
