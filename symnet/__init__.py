"""symnet: neural networks as exact algebra.

A network is a symbolic expression graph (a networkx DAG); :func:`expand`
turns it into its polynomial, exactly, with the coefficient of every
monomial identified; :mod:`symnet.pde` generates and checks the PDE
constraints that hierarchical architectures impose.

Submodules load on first use, so ``import symnet`` costs little more than
``import sympy``.

Examples
--------
>>> import symnet
>>> net = symnet.Network.dense([[[1, 2]], [[1]]], activations=["sigmoid", "identity"])
>>> print(symnet.expand(net, 3))
1/2 + x1/4 + x2/2 - x1**3/48 - x1**2*x2/8 - x1*x2**2/4 - x2**3/6 + O(|(x1, x2)|**4)
"""

import importlib as _importlib

from .errors import *  # noqa: F401,F403
from .errors import __all__ as _errors_all
# `expand` is both a module and a function: import it eagerly so the function wins
from .expand import estimate_work, expand, local_polynomials  # noqa: F401

__version__ = "0.1.0"

#: public name -> the module that defines it (imported on first access)
_LAZY = {
    # activations
    "Activation": "activations", "get_activation": "activations",
    "register_activation": "activations", "activation_names": "activations",
    # polynomials and networks
    "Polynomial": "polynomial", "Network": "network",
    # PDE constraints
    "Tree": "pde", "Neuron": "pde", "RidgeSum": "pde", "Constraint": "pde", "Condition": "pde",
    "pde_constraints": "pde", "nonsingularity_conditions": "pde", "check_pde": "pde",
    "PDECheck": "pde", "Witness": "pde", "variety_equations": "pde",
    "generic_polynomial": "pde",
    # certified bounds
    "error_bound": "bounds", "ErrorBound": "bounds", "convergence_report": "bounds",
    "ConvergenceReport": "bounds",
    # formats and importers
    "from_nn2poly": "io", "save_network": "io", "load_network": "io",
    "save_polynomial": "io", "load_polynomial": "io", "export_polynomial": "io",
    "nn2poly_label": "io", "from_torch": "io", "load_torch": "io", "from_sklearn": "io",
    "from_onnx": "io", "from_keras": "io",
    # Super Space regression and weights by undetermined coefficients
    "monomial_features": "fit",
    "polynomial_from_vector": "fit",
    "vector_from_polynomial": "fit",
    "SuperSpaceRegressor": "fit",
    "SuperSpaceClassifier": "fit",
    "coefficient_equations": "fit",
    "solve_weights": "fit",
    "WeightSolutions": "fit",
    "fit_network": "fit",
    "NetworkFit": "fit",
    # printing
    "latex": "printing", "coefficient_table": "printing", "latex_document": "printing",
    "plot_coefficients": "printing", "plot_diagonal": "printing", "plot_error_vs_order": "printing",
    # piecewise-linear networks (relu family)
    "piecewise": "pwl", "PiecewiseLinear": "pwl", "local_affine": "pwl", "count_regions": "pwl",
    "equivalent": "pwl", "canonical": "pwl",
    # polynomial surrogates and compression
    "approximate": "approximation", "Approximation": "approximation",
    "fit_surrogates": "approximation", "compress": "approximation", "Compression": "approximation",
}
_SUBMODULES = {"activations", "approximation", "bounds", "cli", "constants", "constructions",
               "engines", "errors", "fit", "io", "monomials", "network", "pde", "polynomial",
               "printing", "pwl", "strategies", "testing"}

__all__ = list(_errors_all) + ["expand", "estimate_work", "local_polynomials"] + list(_LAZY)


def __getattr__(name):
    mod = _LAZY.get(name)
    if mod is not None:
        value = getattr(_importlib.import_module(f".{mod}", __name__), name)
        globals()[name] = value
        _unshadow()
        return value
    if name in _SUBMODULES:
        return _importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'symnet' has no attribute {name!r}")


def _unshadow():
    """A submodule import binds the submodule's name on the package: public names win."""
    g = globals()
    for key, mod in _LAZY.items():
        if type(g.get(key)).__name__ == "module" and key not in _SUBMODULES:
            del g[key]


def __dir__():
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
