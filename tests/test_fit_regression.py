"""Super Space regression and classification: exact recovery, sklearn parity, estimator API."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symnet import Polynomial
from symnet.errors import ArgumentError, ShapeError
from symnet.fit import SuperSpaceClassifier, SuperSpaceRegressor
from symnet.monomials import monomials

R = sympy.Rational


def grid(n, k, lo=-2, hi=2, den=2):
    vals = [Fraction(i, den) for i in range(lo * den, hi * den + 1)]
    import itertools
    return [list(p) for p in itertools.product(vals, repeat=n)][:k] if k else \
        [list(p) for p in itertools.product(vals, repeat=n)]


# ---------------------------------------------------------------------------
# exact least squares
# ---------------------------------------------------------------------------

def test_planted_polynomial_comes_back_exactly():
    x, y, z = sympy.symbols("x y z")
    planted = R(3, 7) - 2 * x * y * z + R(5, 11) * x ** 3 - y ** 2 / 9 + z
    p = Polynomial(planted, (x, y, z), 3)
    X = grid(3, 0, -1, 1, 2)  # 125 exact rows
    yv = [p(r) for r in X]
    reg = SuperSpaceRegressor(3, inputs=(x, y, z)).fit(X, yv)
    assert reg.exact_ and reg.polynomial_ == p
    assert reg.rank_ == len(monomials(3, 3))
    assert reg.score(X, yv) == 1.0
    assert reg.predict([[1, 1, 1]]).tolist() == [p([1, 1, 1])]


def test_exact_least_squares_solves_the_normal_equations():
    """Noisy exact data: the residual is orthogonal to every feature column (exactly)."""
    X = [[Fraction(i, 3)] for i in range(-4, 5)]
    y = [Fraction((i * 7) % 5, 3) for i in range(9)]
    reg = SuperSpaceRegressor(2).fit(X, y)
    res = [yi - pi for yi, pi in zip(y, reg.predict(X))]
    for e in monomials(1, 2):
        assert sum(r * R(x[0]) ** e[0] for r, x in zip(res, X)) == 0


def test_exact_ridge_and_no_intercept():
    X = [[i] for i in range(-3, 4)]
    y = [2 * i + 5 for i in range(-3, 4)]
    reg = SuperSpaceRegressor(1, fit_intercept=False).fit(X, y)
    assert reg.monomials_ == [(1,)] and reg.intercept_ == 0
    assert reg.coef_.tolist() == [2]
    ridge = SuperSpaceRegressor(1, ridge=Fraction(1, 2)).fit(X, y)
    # (F^T F + diag(0, 1/2)) c = F^T y with sum x = 0, sum x^2 = 28: c = (5, 56/28.5)
    assert ridge.coef_.tolist() == [5, R(112, 57)]
    assert SuperSpaceRegressor(1, ridge=0.5).fit(X, y).coef_.tolist() == [5, R(112, 57)]


def test_too_few_distinct_rows_say_how_many_are_needed():
    X = [[1, 2], [1, 2], [3, 4], [5, 6], [0, 1]]
    with pytest.raises(ShapeError, match=r"need at least 6 distinct rows.*got 4 distinct of 5"):
        SuperSpaceRegressor(2).fit(X, [1, 2, 3, 4, 5])
    with pytest.raises(ShapeError, match="at least 6"):
        SuperSpaceRegressor(2).fit(np.array(X, dtype=float), np.arange(5.0))
    # a ridge makes the problem well posed
    SuperSpaceRegressor(2, ridge=1).fit(X, [1, 2, 3, 4, 5])


def test_rank_deficient_data_are_reported():
    # points on the circle x^2 + y^2 = 1: the columns 1, x^2, y^2 are dependent
    pts = [(1, 0), (0, 1), (-1, 0), (0, -1), (R(3, 5), R(4, 5)), (R(-3, 5), R(4, 5)),
           (R(3, 5), R(-4, 5)), (R(5, 13), R(12, 13))]
    with pytest.raises(ArgumentError, match=r"rank 5 < 6"):
        SuperSpaceRegressor(2).fit([list(p) for p in pts], list(range(8)))
    with pytest.raises(ArgumentError, match=r"rank 5 < 6"):
        SuperSpaceRegressor(2).fit([[float(a), float(b)] for a, b in pts], np.arange(8.0))


@given(st.integers(1, 2), st.integers(0, 3), st.data())
def test_property_planted_exact_polynomials(n, order, data):
    rat = st.fractions(min_value=-3, max_value=3, max_denominator=5)
    mons = monomials(n, order)
    coeffs = data.draw(st.lists(rat, min_size=len(mons), max_size=len(mons)))
    xs = sympy.symbols(f"x1:{n + 1}")
    p = Polynomial(dict(zip(mons, coeffs)), xs, order)
    X = grid(n, 0, -2, 2, 1)
    y = [p(r) for r in X]
    assert SuperSpaceRegressor(order, inputs=xs).fit(X, y).polynomial_ == p


# ---------------------------------------------------------------------------
# float least squares and scikit-learn parity
# ---------------------------------------------------------------------------

def data(n=120, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, d))
    y = np.sin(X @ np.arange(1, d + 1) / d) + 0.05 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("order", [1, 2, 4])
def test_sklearn_parity_linear_regression(order):
    skl = pytest.importorskip("sklearn")
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    X, y = data()
    ours = SuperSpaceRegressor(order).fit(X, y)
    theirs = make_pipeline(PolynomialFeatures(order), LinearRegression()).fit(X, y)
    Xt, _ = data(40, seed=1)
    np.testing.assert_allclose(ours.predict(Xt), theirs.predict(Xt), rtol=0, atol=1e-9)
    assert abs(ours.score(Xt, np.sin(Xt.sum(1))) - theirs.score(Xt, np.sin(Xt.sum(1)))) < 1e-9
    assert skl  # imported


def test_sklearn_parity_ridge_and_no_intercept():
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    X, y = data()
    ours = SuperSpaceRegressor(3, ridge=0.3).fit(X, y)
    theirs = make_pipeline(PolynomialFeatures(3, include_bias=False), Ridge(alpha=0.3)).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-9)
    ours = SuperSpaceRegressor(2, fit_intercept=False).fit(X, y)
    theirs = make_pipeline(PolynomialFeatures(2, include_bias=False),
                           LinearRegression(fit_intercept=False)).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-9)


def test_multi_output_regression():
    X, y = data()
    Y = np.stack([y, 2 * y - 1], axis=1)
    reg = SuperSpaceRegressor(2).fit(X, Y)
    assert isinstance(reg.polynomial_, tuple) and len(reg.polynomial_) == 2
    assert reg.coef_.shape == (2, 10) and reg.predict(X).shape == (120, 2)
    np.testing.assert_allclose(reg.predict(X)[:, 1], 2 * reg.predict(X)[:, 0] - 1, atol=1e-12)


def test_polynomial_and_predict_agree():
    X, y = data()
    reg = SuperSpaceRegressor(3).fit(X, y)
    np.testing.assert_allclose(reg.polynomial_(X), reg.predict(X), atol=1e-12)


def test_estimator_protocol_without_sklearn():
    reg = SuperSpaceRegressor(3, ridge=0.5)
    assert reg.get_params() == {"order": 3, "ridge": 0.5, "inputs": None,
                                "fit_intercept": True, "exact": None}
    assert reg.set_params(order=2) is reg and reg.order == 2
    assert repr(reg) == "SuperSpaceRegressor(order=2, ridge=0.5)"
    with pytest.raises(ArgumentError, match="unknown parameter 'alpha'"):
        reg.set_params(alpha=1)
    with pytest.raises(ArgumentError, match="not fitted"):
        reg.predict([[1.0]])
    with pytest.raises(ArgumentError, match="non-negative"):
        SuperSpaceRegressor(1, ridge=-1).fit([[1.0], [2.0]], [1.0, 2.0])
    with pytest.raises(ShapeError, match="3 rows but y has 2"):
        SuperSpaceRegressor(1).fit([[1.0], [2.0], [3.0]], [1.0, 2.0])
    fitted = SuperSpaceRegressor(1).fit([[1.0], [2.0]], [1.0, 2.0])
    with pytest.raises(ShapeError, match="expected 1 columns"):
        fitted.predict([[1.0, 2.0]])
    with pytest.raises(ArgumentError, match="finite"):
        SuperSpaceRegressor(1).fit([[1.0], [2.0]], [1.0, np.nan])


def test_sklearn_clone_pipeline_cross_val_and_grid_search():
    pytest.importorskip("sklearn")
    from sklearn.base import clone, is_classifier, is_regressor
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = data(90)
    assert is_regressor(SuperSpaceRegressor()) and is_classifier(SuperSpaceClassifier())
    c = clone(SuperSpaceRegressor(3, ridge=0.1, inputs="a b c"))
    assert c.get_params()["inputs"] == "a b c" and not hasattr(c, "polynomial_")
    scores = cross_val_score(make_pipeline(StandardScaler(), SuperSpaceRegressor(3)), X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.8)
    grid = GridSearchCV(SuperSpaceRegressor(), {"order": [1, 3]}, cv=3).fit(X, y)
    assert grid.best_params_ == {"order": 3}
    yc = (X[:, 0] * X[:, 1] > 0).astype(int)
    acc = cross_val_score(SuperSpaceClassifier(2), X, yc, cv=3)
    assert np.all(acc > 0.8)


# ---------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------

def test_xor_is_separable_at_order_2():
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    y = [0, 1, 1, 0]
    clf = SuperSpaceClassifier(2, ridge=1e-3).fit(X, y)
    assert clf.predict(X).tolist() == y
    x1, x2 = clf.variables_
    # the x1*x2 monomial carries the decision
    assert clf.polynomial_.coeff(x1 * x2) < -1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert SuperSpaceClassifier(1, ridge=1e-3).fit(X, y).score(X, y) < 1.0


@pytest.mark.parametrize("classes", [2, 3])
def test_sklearn_parity_logistic_regression(classes):
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    X, _ = data(150, 2, seed=3)
    s = X[:, 0] + X[:, 1] ** 2 - 0.3
    y = (s > 0).astype(int) if classes == 2 else np.digitize(s, [-0.4, 0.4])
    ours = SuperSpaceClassifier(2, ridge=0.5).fit(X, y)
    theirs = make_pipeline(PolynomialFeatures(2, include_bias=False),
                           LogisticRegression(C=2.0, tol=1e-12, max_iter=10000)).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-5)
    assert (ours.predict(X) == theirs.predict(X)).mean() > 0.99
    assert ours.classes_.tolist() == list(range(classes))
    if classes == 3:
        assert len(ours.polynomial_) == 3 and ours.coef_.shape == (3, 6)


def test_classifier_labels_and_errors():
    X = [[-2.0], [-1.0], [1.0], [2.0]]
    clf = SuperSpaceClassifier(1).fit(X, ["no", "no", "yes", "yes"])
    assert clf.predict([[3.0]]).tolist() == ["yes"]
    p = clf.predict_proba([[3.0]])
    assert p.shape == (1, 2) and abs(p.sum() - 1) < 1e-15
    assert clf.score(X, ["no", "no", "yes", "yes"]) == 1.0
    with pytest.raises(ArgumentError, match="at least two classes"):
        SuperSpaceClassifier(1).fit(X, [1, 1, 1, 1])
    with pytest.raises(ShapeError, match="1-D"):
        SuperSpaceClassifier(1).fit(X, np.zeros((4, 2)))
