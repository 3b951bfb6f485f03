"""Reading and writing networks and polynomials; importing trained models.

One topic per module:

* :mod:`symnet.io.formats` -- symnet's own formats: :func:`save_network` /
  :func:`load_network` (JSON), :func:`save_polynomial` /
  :func:`load_polynomial` / :func:`export_polynomial` (JSON, CSV, LaTeX),
  and ``Network.dense_layers()``;
* :mod:`symnet.io.nn2poly` -- :func:`from_nn2poly` and :func:`nn2poly_label`;
* :mod:`symnet.io.torch` -- :func:`from_torch` and :func:`load_torch`;
* :mod:`symnet.io.sklearn` -- :func:`from_sklearn` (``MLPRegressor``,
  ``MLPClassifier``, scaler pipelines);
* :mod:`symnet.io.onnx` -- :func:`from_onnx` (read with the ``onnx``
  package, never executed);
* :mod:`symnet.io.keras` -- :func:`from_keras` (``.keras`` files, read
  without Keras or TensorFlow).

torch, scikit-learn, onnx and h5py are optional: each is imported inside the
function that needs it, and a missing one raises
:class:`~symnet.errors.NotSupportedError` saying what to install
(``pip install 'symnet[onnx]'``).

Examples
--------
>>> import symnet
>>> symnet.io.from_nn2poly([("tanh", [[0], [2]])]).expr()
tanh(2*x1)
"""

from .formats import (export_polynomial, load_network, load_polynomial,
                      save_network, save_polynomial)
from .keras import from_keras
from .nn2poly import from_nn2poly, nn2poly_label
from .onnx import from_onnx
from .sklearn import from_sklearn
from .torch import from_torch, load_torch

__all__ = [
    "from_nn2poly",
    "save_network",
    "load_network",
    "save_polynomial",
    "load_polynomial",
    "export_polynomial",
    "nn2poly_label",
    "from_torch",
    "load_torch",
    "from_sklearn",
    "from_onnx",
    "from_keras",
]
