"""Super Space: networks as regression on monomial features (Chiang, arXiv 2305.00663).

* :mod:`~symnet.fit.features`: :func:`monomial_features` (float64 or exact
  rational features in the package's monomial order), and the vector <->
  Polynomial views :func:`polynomial_from_vector`, :func:`vector_from_polynomial`.
* :mod:`~symnet.fit.regression`: :class:`SuperSpaceRegressor` (exact or
  float least squares) and :class:`SuperSpaceClassifier` (logistic), with
  the scikit-learn estimator API.
"""

from . import features, regression
from .features import *  # noqa: F401,F403
from .regression import *  # noqa: F401,F403

__all__ = list(features.__all__) + list(regression.__all__)
