"""Networks that realise given piecewise-linear functions (re-exported from :mod:`symnet.pwl.constructions`).

Examples
--------
>>> import symnet
>>> from symnet.constructions import sawtooth
>>> len(symnet.piecewise(sawtooth(3), box=[(0, 1)]))
8
"""

from .pwl.constructions import (interpolant_1d, lattice, max_affine, min_affine, sawtooth,
                                shared_hidden_layer, triangulation)

__all__ = ["interpolant_1d", "max_affine", "min_affine", "lattice", "triangulation", "sawtooth",
           "shared_hidden_layer"]
