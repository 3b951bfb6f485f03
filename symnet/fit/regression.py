"""Super Space regression and classification: linear and logistic models on monomial features.

:class:`SuperSpaceRegressor` is least squares on the features of
:func:`~symnet.fit.monomial_features`: exact over QQ (normal equations with
python-flint ``fmpq_mat``) when the data are exact, so a planted polynomial
comes back exactly; QR/SVD least squares (numpy ``lstsq``) for float data.
:class:`SuperSpaceClassifier` is L2-penalised logistic regression on the
same features (float64; Newton's method for two classes, multinomial with
L-BFGS for more).  Both follow the scikit-learn estimator API without
depending on scikit-learn: ``fit``/``predict``/``score``,
``get_params``/``set_params``, parameters stored verbatim, fitted attributes
ending in ``_``; they work in a ``Pipeline`` and ``cross_val_score``.

Examples
--------
>>> from symnet.fit import SuperSpaceRegressor
>>> X = [[x] for x in range(-3, 4)]
>>> y = [1 - 2 * x[0] + x[0] ** 2 for x in X]
>>> print(SuperSpaceRegressor(2, inputs="x").fit(X, y).polynomial_)
1 - 2*x + x**2 + O(|x|**3)
"""

from __future__ import annotations

import inspect
import math
import numbers
import warnings
from fractions import Fraction

import numpy as np
import sympy

from .._validate import as_order, as_symbols
from ..errors import ArgumentError, ShapeError
from .features import (
    _features,
    _to_fmpq_mat,
    as_data,
    check_memory,
    feature_count,
    fmpq_to_sympy,
    polynomial_from_vector,
)

__all__ = ["SuperSpaceRegressor", "SuperSpaceClassifier"]


# ---------------------------------------------------------------------------
# the scikit-learn estimator protocol, without scikit-learn
# ---------------------------------------------------------------------------

class _Estimator:
    """get_params / set_params / repr / tags, the scikit-learn way."""

    _estimator_type = None  # scikit-learn < 1.6 reads this

    @classmethod
    def _get_param_names(cls):
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        """The constructor parameters, as stored.

        Examples
        --------
        >>> from symnet.fit import SuperSpaceRegressor
        >>> SuperSpaceRegressor(3, ridge=0.5).get_params()["ridge"]
        0.5
        """
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        """Set constructor parameters (validated at ``fit``); returns self.

        Examples
        --------
        >>> from symnet.fit import SuperSpaceRegressor
        >>> SuperSpaceRegressor(2).set_params(order=4).order
        4
        """
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ArgumentError(f"{type(self).__name__}.set_params: unknown parameter "
                                    f"{key!r}; expected one of {', '.join(valid)}")
            setattr(self, key, value)
        return self

    def __repr__(self):
        sig = inspect.signature(type(self).__init__)
        parts = []
        for p in sig.parameters.values():
            if p.name == "self":
                continue
            v = getattr(self, p.name)
            if p.name == "order" or p.default is p.empty or (
                    v is not p.default and not _same(v, p.default)):
                parts.append(f"{p.name}={v!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __sklearn_is_fitted__(self):
        return hasattr(self, "n_features_in_")

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        kind = self._estimator_type
        return Tags(estimator_type=kind, target_tags=TargetTags(required=True),
                    regressor_tags=RegressorTags() if kind == "regressor" else None,
                    classifier_tags=ClassifierTags() if kind == "classifier" else None)

    def _check_fitted(self):
        if not hasattr(self, "n_features_in_"):
            raise ArgumentError(f"this {type(self).__name__} is not fitted yet; call "
                                "fit(X, y) first")

    def _variables(self, d):
        if self.inputs is None:
            return tuple(sympy.symbols(f"x1:{d + 1}"))
        return as_symbols(self.inputs, "inputs", count=d)


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001 - arrays and friends
        return False


def _as_ridge(value, where="ridge"):
    """A non-negative finite number; returned as (exact Fraction, float)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, sympy.Rational)):
        raise ArgumentError(f"{where}: expected a non-negative number, got "
                            f"{type(value).__name__} {value!r}")
    if isinstance(value, sympy.Rational):
        exact = Fraction(int(value.p), int(value.q))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ArgumentError(f"{where}: expected a finite number, got {value!r}")
        exact = Fraction(repr(value))  # the decimal the user wrote: 0.1 -> 1/10
    else:
        try:
            exact = Fraction(value)
        except (TypeError, ValueError):
            raise ArgumentError(f"{where}: expected a non-negative number, got "
                                f"{value!r}") from None
    if exact < 0:
        raise ArgumentError(f"{where}: expected a non-negative number, got {value!r}")
    return exact, float(exact)


def _as_bool(value, where):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ArgumentError(f"{where}: expected True or False, got {value!r}")


def _as_exact_flag(value):
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    raise ArgumentError(f"exact: expected None (automatic), True or False, got {value!r}")


def _distinct_rows(A, exact):
    if exact:
        return len({tuple(r) for r in A.tolist()})
    return int(np.unique(A, axis=0).shape[0])


def _need_rows(n_distinct, n_rows, m, order, d, fit_intercept):
    if n_distinct < m:
        what = "monomials" if fit_intercept else "non-constant monomials"
        raise ShapeError(
            f"too few data rows: the {m} {what} of degree <= {order} in {d} "
            f"variable{'s' if d != 1 else ''} need at "
            f"least {m} distinct rows to be determined, got {n_distinct} distinct of {n_rows} "
            "rows; add data, lower the order, or pass ridge > 0")


def _penalty_mask(m, fit_intercept):
    pen = np.ones(m)
    if fit_intercept:
        pen[0] = 0.0
    return pen


# ---------------------------------------------------------------------------
# regression
# ---------------------------------------------------------------------------

class SuperSpaceRegressor(_Estimator):
    """Polynomial regression in the Super Space: least squares on monomial features.

    Parameters
    ----------
    order : int
        Largest total degree ``Q`` of the fitted polynomial.
    ridge : float, int or Fraction
        L2 penalty ``ridge * ||coef||**2`` on every coefficient but the
        constant one (as scikit-learn's ``Ridge(alpha=ridge)`` on
        ``PolynomialFeatures``).  Exact fits read a float ridge as the
        decimal it prints as (``0.1`` is ``1/10``).
    inputs : sequence of Symbols or str, optional
        The variables of :attr:`polynomial_` (default ``x1 ... xn``).
    fit_intercept : bool
        False drops the constant monomial (the polynomial has no constant term).
    exact : bool, optional
        Default: exact least squares when ``X`` and ``y`` are exact (ints,
        Fractions, sympy Rationals); ``False`` forces float64, ``True``
        forces exact (floats at their exact binary value).

    Attributes
    ----------
    polynomial_ : Polynomial
        The fitted polynomial (a tuple of them for a 2-D ``y``).
    coef_ : numpy.ndarray
        Coefficients over :attr:`monomials_` (float64, or an object array
        of sympy Rationals for exact fits); shape ``(n_targets, n_monomials)``
        for a 2-D ``y``.
    intercept_ : float or sympy Rational (an array for a 2-D ``y``)
        The constant coefficient (0 without ``fit_intercept``).
    monomials_ : list of tuple
        Exponent tuple of each fitted column, in the package's monomial order.
    exact_ : bool
        Whether the fit was exact.
    rank_ : int
        Rank of the (penalised) feature matrix.
    n_features_in_ : int
    variables_ : tuple of Symbols

    Raises
    ------
    ShapeError
        (at fit) fewer distinct rows than monomials when ``ridge == 0``; the
        message says how many are needed.
    ArgumentError
        (at fit) the features are rank deficient (e.g. the points lie on a
        curve that a monomial combination vanishes on); NaN or non-numeric data.

    Examples
    --------
    Exact data give the planted polynomial back exactly:

    >>> from fractions import Fraction
    >>> from symnet.fit import SuperSpaceRegressor
    >>> X = [[Fraction(i, 2), j] for i in range(-2, 3) for j in range(-1, 2)]
    >>> y = [Fraction(1, 3) * a * b - a ** 2 + 5 for a, b in X]
    >>> reg = SuperSpaceRegressor(2, inputs="x y").fit(X, y)
    >>> print(reg.polynomial_)
    5 - x**2 + x*y/3 + O(|(x, y)|**3)
    >>> reg.predict([[1, 1]])
    array([13/3], dtype=object)
    """

    _estimator_type = "regressor"

    def __init__(self, order=2, *, ridge=0.0, inputs=None, fit_intercept=True, exact=None):
        self.order = order
        self.ridge = ridge
        self.inputs = inputs
        self.fit_intercept = fit_intercept
        self.exact = exact

    # -- fit -----------------------------------------------------------------
    def fit(self, X, y):
        """Fit the polynomial by least squares; returns self.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_inputs)
        y : array_like, shape (n_samples,) or (n_samples, n_targets)

        Examples
        --------
        >>> import numpy as np
        >>> from symnet.fit import SuperSpaceRegressor
        >>> X = np.linspace(-1, 1, 9).reshape(-1, 1)
        >>> SuperSpaceRegressor(1).fit(X, 3 * X[:, 0] + 1).coef_.round(12)
        array([1., 3.])
        """
        order = as_order(self.order)
        ridge_q, ridge_f = _as_ridge(self.ridge)
        fit_intercept = _as_bool(self.fit_intercept, "fit_intercept")
        want = _as_exact_flag(self.exact)
        A, ex_x = as_data(X, "X", exact=want)
        Y, ex_y = as_data(y, "y", exact=want, ndim=(1, 2))
        if Y.shape[0] != A.shape[0]:
            raise ShapeError(f"X has {A.shape[0]} rows but y has {Y.shape[0]}")
        exact = ex_x and ex_y
        if ex_x != ex_y:  # one float side: compute in float64
            A, _ = as_data(X, "X", exact=False)
            Y, _ = as_data(y, "y", exact=False, ndim=(1, 2))
        n, d = A.shape
        variables = self._variables(d)
        single = Y.ndim == 1
        Y2 = Y.reshape(n, -1)
        m_all = feature_count(d, order)
        m = m_all if fit_intercept else m_all - 1
        # float: the features, their equilibrated copy and lstsq's work array
        check_memory(n, m_all, exact, "auto", where="SuperSpaceRegressor.fit",
                     copies=1 if exact else 3)
        if ridge_q == 0:
            _need_rows(_distinct_rows(A, exact), n, m, order, d, fit_intercept)
        if exact:
            C, rank = _exact_lstsq(A, Y2, order, fit_intercept, ridge_q, m)
        else:
            C, rank = _float_lstsq(A, Y2, order, fit_intercept, ridge_f, m)
        # C: (m, k) coefficients over the fitted columns
        k = Y2.shape[1]
        if fit_intercept:
            full = C
            intercept = C[0]
        else:
            zero = sympy.S.Zero if exact else 0.0
            full = np.vstack([np.full((1, k), zero, dtype=C.dtype), C])
            intercept = np.full(k, zero, dtype=C.dtype)
        polys = tuple(polynomial_from_vector(full[:, j], variables, order) for j in range(k))
        from ..monomials import monomials

        mons = monomials(d, order)
        self.monomials_ = mons if fit_intercept else mons[1:]
        self.coef_ = C[:, 0] if single else C.T.copy()
        self.intercept_ = intercept[0] if single else np.asarray(intercept)
        self.polynomial_ = polys[0] if single else polys
        self.exact_ = exact
        self.rank_ = rank
        self.variables_ = variables
        self.n_features_in_ = d
        self._single = single
        self._coef_float = full.astype(np.float64) if exact else full
        self._coef_exact = full if exact else None
        return self

    # -- predict ---------------------------------------------------------------
    def predict(self, X):
        """Values of the fitted polynomial at the rows of ``X``.

        Exact for an exact fit and exact ``X`` (an object array of sympy
        Rationals), else float64.

        Examples
        --------
        >>> import numpy as np
        >>> from symnet.fit import SuperSpaceRegressor
        >>> X = np.arange(5.0).reshape(-1, 1)
        >>> SuperSpaceRegressor(2).fit(X, X[:, 0] ** 2).predict([[5.0]]).round(9)
        array([25.])
        """
        self._check_fitted()
        order = self.polynomial_.order if self._single else self.polynomial_[0].order
        A, ex = as_data(X, "X", exact=None, columns=self.n_features_in_)
        if self.exact_ and ex:
            check_memory(A.shape[0], self._coef_exact.shape[0], True, "auto",
                         where="SuperSpaceRegressor.predict")
            import flint

            F = _to_fmpq_mat(_features(A, True, order))
            Cm = flint.fmpq_mat(self._coef_exact.shape[0], self._coef_exact.shape[1],
                                [flint.fmpq(int(c.p), int(c.q))
                                 for c in self._coef_exact.ravel()])
            P = F * Cm
            out = np.empty((P.nrows(), P.ncols()), dtype=object)
            for i, row in enumerate(P.tolist()):
                out[i, :] = [fmpq_to_sympy(v) for v in row]
        else:
            if ex:
                A, _ = as_data(X, "X", exact=False, columns=self.n_features_in_)
            check_memory(A.shape[0], self._coef_float.shape[0], False, "auto",
                         where="SuperSpaceRegressor.predict")
            out = _features(A, False, order) @ self._coef_float
        return out[:, 0] if self._single else out

    def score(self, X, y, sample_weight=None):
        """The coefficient of determination R^2 of the prediction (a float).

        Examples
        --------
        >>> import numpy as np
        >>> from symnet.fit import SuperSpaceRegressor
        >>> X = np.arange(6.0).reshape(-1, 1)
        >>> SuperSpaceRegressor(1).fit(X, 2 * X[:, 0]).score(X, 2 * X[:, 0])
        1.0
        """
        pred = np.asarray(self.predict(X), dtype=np.float64)
        Y, _ = as_data(y, "y", exact=False, ndim=(1, 2))
        if Y.shape[0] != pred.shape[0]:
            raise ShapeError(f"X has {pred.shape[0]} rows but y has {Y.shape[0]}")
        return _r2(Y.reshape(len(Y), -1), pred.reshape(len(Y), -1), sample_weight)


def _r2(Y, P, sample_weight):
    w = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if w.shape != (len(Y),):
        raise ShapeError(f"sample_weight: expected shape ({len(Y)},), got {w.shape}")
    mean = (w[:, None] * Y).sum(axis=0) / w.sum()
    ss_res = (w[:, None] * (Y - P) ** 2).sum(axis=0)
    ss_tot = (w[:, None] * (Y - mean) ** 2).sum(axis=0)
    scores = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1),
                      np.where(ss_res == 0, 1.0, 0.0))
    return float(scores.mean())


def _float_lstsq(A, Y, order, fit_intercept, ridge, m):
    """Least squares by SVD (numpy lstsq) on column-equilibrated features; never normal eqs."""
    F = _features(A, False, order)
    if not fit_intercept:
        F = F[:, 1:]
    rhs = Y
    if ridge > 0:
        pen = _penalty_mask(F.shape[1], fit_intercept)
        rows = np.nonzero(pen)[0]
        aug = np.zeros((len(rows), F.shape[1]))
        aug[np.arange(len(rows)), rows] = math.sqrt(ridge)
        F = np.vstack([F, aug])
        rhs = np.vstack([Y, np.zeros((len(rows), Y.shape[1]))])
    scale = np.sqrt((F * F).sum(axis=0))
    scale[scale == 0] = 1.0
    C, _, rank, _ = np.linalg.lstsq(F / scale, rhs, rcond=None)
    if rank < m:
        raise ArgumentError(
            f"the monomial features of the data have rank {rank} < {m} (the number of "
            "monomials): the data do not determine the polynomial (the points satisfy a "
            "polynomial equation of degree <= the order); add data, lower the order, or pass "
            "ridge > 0")
    return C / scale[:, None], int(rank)


def _exact_lstsq(A, Y, order, fit_intercept, ridge, m):
    """Exact least squares over QQ: the normal equations with flint fmpq_mat."""
    import flint

    FT = _features(A, True, order)
    if not fit_intercept:
        FT = FT[1:]
    F = _to_fmpq_mat(FT)
    Ft = F.transpose()
    G = Ft * F
    if ridge:
        r = flint.fmpq(ridge.numerator, ridge.denominator)
        for i in range(0 if not fit_intercept else 1, m):
            G[i, i] += r
    rank = G.rank()
    if rank < m:
        raise ArgumentError(
            f"the monomial features of the data have rank {rank} < {m} (the number of "
            "monomials): the data do not determine the polynomial (the points satisfy a "
            "polynomial equation of degree <= the order); add data, lower the order, or pass "
            "ridge > 0")
    n, k = Y.shape
    Ym = flint.fmpq_mat(n, k, Y.ravel().tolist())
    S = G.solve(Ft * Ym)
    C = np.empty((m, k), dtype=object)
    for i, row in enumerate(S.tolist()):
        C[i, :] = [fmpq_to_sympy(v) for v in row]
    return C, int(rank)


# ---------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------

class SuperSpaceClassifier(_Estimator):
    """Logistic regression in the Super Space: a linear classifier on monomial features.

    Minimises ``sum_i log-loss_i + ridge/2 * ||coef||**2`` (the constant
    coefficient unpenalised), as scikit-learn's
    ``LogisticRegression(C=1/ridge)`` on ``PolynomialFeatures(order)``:
    Newton's method (IRLS with a line search) for two classes, the
    multinomial model with L-BFGS for more.  Float64 throughout.

    Parameters
    ----------
    order : int
    ridge : float
        The L2 penalty (``1/C`` in scikit-learn's terms); ``0`` fits the
        unpenalised model, which diverges on separable data (a warning
        says it did not converge).
    inputs : sequence of Symbols or str, optional
    fit_intercept : bool
    max_iter : int
    tol : float
        Stop when the largest gradient entry is below ``tol`` times the
        number of samples.

    Attributes
    ----------
    classes_ : numpy.ndarray
    polynomial_ : Polynomial or tuple of Polynomial
        Two classes: the log-odds of ``classes_[1]``; more: one logit
        polynomial per class (softmax of them gives the probabilities).
    coef_ : numpy.ndarray
        Over :attr:`monomials_`; shape ``(1, m)`` for two classes,
        ``(n_classes, m)`` for more (as scikit-learn).
    intercept_ : numpy.ndarray
    monomials_ : list of tuple
    n_iter_ : int
    n_features_in_ : int
    variables_ : tuple of Symbols

    Examples
    --------
    XOR is linearly separable in the Super Space of order 2 (the x1*x2 column):

    >>> from symnet.fit import SuperSpaceClassifier
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> clf = SuperSpaceClassifier(2, ridge=1e-3).fit(X, [0, 1, 1, 0])
    >>> clf.predict(X)
    array([0, 1, 1, 0])
    >>> clf.score(X, [0, 1, 1, 0])
    1.0
    """

    _estimator_type = "classifier"

    def __init__(self, order=2, *, ridge=1.0, inputs=None, fit_intercept=True, max_iter=100,
                 tol=1e-8):
        self.order = order
        self.ridge = ridge
        self.inputs = inputs
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        """Fit the logistic model; returns self.

        Examples
        --------
        >>> import numpy as np
        >>> from symnet.fit import SuperSpaceClassifier
        >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
        >>> SuperSpaceClassifier(1).fit(X, ["a", "a", "b", "b"]).classes_
        array(['a', 'b'], dtype='<U1')
        """
        order = as_order(self.order)
        _, ridge = _as_ridge(self.ridge)
        fit_intercept = _as_bool(self.fit_intercept, "fit_intercept")
        from .._validate import as_int

        max_iter = as_int(self.max_iter, "max_iter", minimum=1)
        tol = _as_ridge(self.tol, "tol")[1]
        A, _ = as_data(X, "X", exact=False)
        labels = np.asarray(y)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim != 1:
            raise ShapeError(f"y: expected a 1-D array of labels, got shape {labels.shape}")
        if labels.shape[0] != A.shape[0]:
            raise ShapeError(f"X has {A.shape[0]} rows but y has {labels.shape[0]}")
        if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
            raise ArgumentError("y: expected finite labels, got NaN or infinity")
        classes, idx = np.unique(labels, return_inverse=True)
        if len(classes) < 2:
            raise ArgumentError(f"y: expected at least two classes, got {len(classes)} "
                                f"({classes.tolist()})")
        n, d = A.shape
        m_all = feature_count(d, order)
        check_memory(n, m_all, False, "auto", where="SuperSpaceClassifier.fit", copies=3)
        F = _features(A, False, order)
        if not fit_intercept:
            F = F[:, 1:]
        pen = _penalty_mask(F.shape[1], fit_intercept)
        if len(classes) == 2:
            W, it, ok = _newton_binary(F, idx.astype(float), ridge, pen, max_iter, tol)
            W = W[None, :]
        else:
            W, it, ok = _multinomial(F, idx, len(classes), ridge, pen, max_iter, tol)
        if not ok:
            warnings.warn(f"SuperSpaceClassifier did not converge in {max_iter} iterations "
                          "(separable data need ridge > 0)", RuntimeWarning, stacklevel=2)
        variables = self._variables(d)
        k = W.shape[0]
        full = W if fit_intercept else np.hstack([np.zeros((k, 1)), W])
        polys = tuple(polynomial_from_vector(full[j], variables, order) for j in range(k))
        from ..monomials import monomials

        mons = monomials(d, order)
        self.classes_ = classes
        self.monomials_ = mons if fit_intercept else mons[1:]
        self.coef_ = W
        self.intercept_ = full[:, 0].copy()
        self.polynomial_ = polys[0] if k == 1 else polys
        self.n_iter_ = it
        self.variables_ = variables
        self.n_features_in_ = d
        self._full = full
        self._order = order
        return self

    def decision_function(self, X):
        """Logits: the log-odds of ``classes_[1]`` (two classes) or one column per class.

        Examples
        --------
        >>> from symnet.fit import SuperSpaceClassifier
        >>> clf = SuperSpaceClassifier(1).fit([[-1], [1]], [0, 1])
        >>> clf.decision_function([[0], [2]]).round(6)
        array([0.      , 1.349663])
        """
        self._check_fitted()
        A, _ = as_data(X, "X", exact=False, columns=self.n_features_in_)
        Z = _features(A, False, self._order) @ self._full.T
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict_proba(self, X):
        """Class probabilities, one column per class in ``classes_`` order.

        Examples
        --------
        >>> from symnet.fit import SuperSpaceClassifier
        >>> clf = SuperSpaceClassifier(1).fit([[-1], [1]], [0, 1])
        >>> clf.predict_proba([[0]])
        array([[0.5, 0.5]])
        """
        from scipy.special import expit, softmax

        Z = self.decision_function(X)
        if Z.ndim == 1:
            p = expit(Z)
            return np.stack([1 - p, p], axis=1)
        return softmax(Z, axis=1)

    def predict(self, X):
        """The most probable class of each row.

        Examples
        --------
        >>> from symnet.fit import SuperSpaceClassifier
        >>> SuperSpaceClassifier(1).fit([[-1], [1]], ["a", "b"]).predict([[-3], [3]])
        array(['a', 'b'], dtype='<U1')
        """
        Z = self.decision_function(X)
        idx = (Z > 0).astype(int) if Z.ndim == 1 else np.argmax(Z, axis=1)
        return self.classes_[idx]

    def score(self, X, y, sample_weight=None):
        """Accuracy: the (weighted) fraction of rows predicted right (a float).

        Examples
        --------
        >>> from symnet.fit import SuperSpaceClassifier
        >>> SuperSpaceClassifier(1).fit([[-1], [1]], [0, 1]).score([[-2], [2], [3]], [0, 1, 0])
        0.6666666666666666
        """
        labels = np.asarray(y)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        pred = self.predict(X)
        if labels.shape != pred.shape:
            raise ShapeError(f"y: expected shape {pred.shape}, got {labels.shape}")
        w = np.ones(len(pred)) if sample_weight is None else np.asarray(sample_weight, float)
        return float((w * (pred == labels)).sum() / w.sum())


def _newton_binary(F, t, ridge, pen, max_iter, tol):
    from scipy.special import expit

    n, m = F.shape
    w = np.zeros(m)

    def loss(w):
        z = F @ w
        return float(np.logaddexp(0, z).sum() - t @ z + 0.5 * ridge * (pen * w * w).sum())

    cur = loss(w)
    for it in range(1, max_iter + 1):
        p = expit(F @ w)
        g = F.T @ (p - t) + ridge * pen * w
        if np.max(np.abs(g)) <= tol * n:
            return w, it - 1, True
        H = (F * (p * (1 - p))[:, None]).T @ F
        H[np.diag_indices(m)] += ridge * pen + 1e-12 * (1 + np.abs(np.diag(H)))
        try:
            step = np.linalg.solve(H, -g)
        except np.linalg.LinAlgError:  # pragma: no cover - singular despite the jitter
            step = np.linalg.lstsq(H, -g, rcond=None)[0]
        a, slope = 1.0, float(g @ step)
        for _ in range(60):
            new = loss(w + a * step)
            if new <= cur + 1e-4 * a * slope:
                break
            a *= 0.5
        w = w + a * step
        if abs(cur - new) <= 1e-15 * max(1.0, abs(cur)) and np.max(np.abs(g)) <= 1e-6 * n:
            cur = new
            return w, it, True
        cur = new
    p = expit(F @ w)
    g = F.T @ (p - t) + ridge * pen * w
    return w, max_iter, bool(np.max(np.abs(g)) <= tol * n)


def _multinomial(F, idx, k, ridge, pen, max_iter, tol):
    from scipy.optimize import minimize
    from scipy.special import logsumexp, softmax

    n, m = F.shape
    Yh = np.zeros((n, k))
    Yh[np.arange(n), idx] = 1.0

    def fun(v):
        W = v.reshape(k, m)
        Z = F @ W.T
        val = float((logsumexp(Z, axis=1) - (Z * Yh).sum(axis=1)).sum()
                    + 0.5 * ridge * (pen * W * W).sum())
        G = (softmax(Z, axis=1) - Yh).T @ F + ridge * pen * W
        return val, G.ravel()

    res = minimize(fun, np.zeros(k * m), jac=True, method="L-BFGS-B",
                   options={"maxiter": max(max_iter, 15000), "gtol": tol, "ftol": 1e-15,
                            "maxcor": 30})
    W = res.x.reshape(k, m)
    g = fun(res.x)[1]
    return W, int(res.nit), bool(np.max(np.abs(g)) <= max(tol * n, 1e-5))
