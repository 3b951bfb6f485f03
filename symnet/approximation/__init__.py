"""Polynomial surrogates for activations with certified error, and compression.

* :func:`approximate` -- a polynomial surrogate of an activation on an
  interval (minimax, Chebyshev, L2 or Taylor), exact rational coefficients in
  the original variable, and a certified max error (ball arithmetic, never
  sampled);
* :func:`fit_surrogates` -- one surrogate per layer of a network, on the
  certified pre-activation ranges over a box (or the ranges seen on data);
* :func:`surrogate_error_bound` -- the certified effect of the replacement on
  the network's outputs (refused when a range leaves a surrogate's interval);
* :func:`compress` -- the network as a polynomial (optionally sparse, refitted
  on data), with the parameter counts, the certified and measured errors: a
  :class:`Compression` report.

Modules: :mod:`.certify` (certified sup norms), :mod:`.methods` (the four
methods), :mod:`.approximation` (the Approximation object),
:mod:`.surrogates`, :mod:`.compression`, :mod:`.cli` (``symnet compress``).

Examples
--------
>>> import symnet
>>> ap = symnet.approximate("relu", (-1, 1), 1)
>>> ap.expr
x/2 + 1/4
>>> ap.max_error.as_rational()
1/4
"""

from .approximation import (METHODS, Approximation, ApproximationWarning, approximate,
                            estimate_seconds)
from .certify import CertifiedError, sup_error
from .compression import Compression, compress
from .surrogates import (NeuronSurrogates, SurrogateBound, Surrogates, check_coverage,
                         fit_surrogates,
                         observed_ranges, polynomial_box_bound, surrogate_error_bound,
                         surrogate_expansion_bound)

__all__ = [
    "approximate",
    "Approximation",
    "ApproximationWarning",
    "CertifiedError",
    "sup_error",
    "estimate_seconds",
    "METHODS",
    "compress",
    "Compression",
    "fit_surrogates",
    "Surrogates",
    "NeuronSurrogates",
    "surrogate_error_bound",
    "surrogate_expansion_bound",
    "SurrogateBound",
    "check_coverage",
    "observed_ranges",
    "polynomial_box_bound",
]
