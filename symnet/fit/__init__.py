"""Super Space: networks as regression on monomial features (Chiang, arXiv 2305.00663).

* :mod:`~symnet.fit.features`: :func:`monomial_features` (float64 or exact
  rational features in the package's monomial order), and the vector <->
  Polynomial views :func:`polynomial_from_vector`, :func:`vector_from_polynomial`.
* :mod:`~symnet.fit.regression`: :class:`SuperSpaceRegressor` (exact or
  float least squares) and :class:`SuperSpaceClassifier` (logistic), with
  the scikit-learn estimator API.
* :mod:`~symnet.fit.equations`: :func:`coefficient_equations`, the
  undetermined-coefficient equations ``c_alpha(W) = t_alpha``.
* :mod:`~symnet.fit.solve`: :func:`solve_weights` (exact or numeric, every
  solution, orbits under the architecture's symmetries) and its result
  :class:`WeightSolutions`; :mod:`~symnet.fit.symmetries` finds the symmetries.
* :mod:`~symnet.fit.training`: :func:`fit_network`, training as equation
  solving (Super Space fit, then the weights), optionally beside gradient descent.
* :mod:`~symnet.fit.cli`: the ``symnet fit`` command.
"""

from . import equations, features, regression, solve, training
from .equations import *  # noqa: F401,F403
from .features import *  # noqa: F401,F403
from .regression import *  # noqa: F401,F403
from .solve import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403

__all__ = (list(features.__all__) + list(regression.__all__) + list(equations.__all__)
           + list(solve.__all__) + list(training.__all__))
