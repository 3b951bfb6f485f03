"""ReLU networks as exact piecewise-linear maps.

A network whose activations are relu, leaky_relu[a], hardtanh[lo, hi] or the
identity (any mix, skip connections allowed) computes a continuous
piecewise-linear function.  This subpackage computes it exactly:

* :func:`piecewise` -- the regions (activation patterns, irredundant
  inequalities, vertices, exact interior points) and the exact affine map on
  each, on a box, a polyhedron or all of R^d; :meth:`PiecewiseLinear.merged`
  joins adjacent regions with one map (the *pieces*), ``as_piecewise()`` gives
  a sympy ``Piecewise``, ``sympy.latex(pw)`` a ``cases`` environment,
  ``pw.plot()`` a picture, ``pw.to_json()`` the complex;
* :func:`local_affine` -- the pattern and affine map at one point;
* :func:`count_regions` -- the exact count beside the known bounds;
* :func:`equivalent` and :func:`canonical` -- exact equivalence (with a
  witness point where two networks differ) and a canonical form up to
  permutations and positive rescalings of hidden units;
* :mod:`symnet.constructions` -- networks realising given CPWL functions.

Modules: ``exactnet`` (the network in exact rational form), ``polyhedra``
(exact cones, LP, interior points, Farkas certificates, polygon clipping),
``engine`` (layer-by-layer enumeration), ``regions``, ``counting``,
``equivalence``, ``constructions``, ``printing``, ``plot``, ``cli``.

Examples
--------
>>> import symnet
>>> from symnet import Network
>>> net = Network.dense([[[1, 0], [0, 1]], [[1, 1]]], activations=["relu", "identity"])
>>> pw = symnet.piecewise(net)
>>> len(pw), pw.regions[0].pattern, pw.regions[0].affine
(4, (0, 0), (Matrix([[0, 0]]), Matrix([[0]])))
"""

from .counting import RegionCount, count_regions
from .equivalence import CanonicalReport, Equivalence, EquivalenceWitness, canonical, equivalent
from .regions import Facet, LocalAffine, PiecewiseLinear, Region, local_affine, piecewise
from .symbolic import pattern_affine

__all__ = [
    "piecewise",
    "PiecewiseLinear",
    "Region",
    "Facet",
    "local_affine",
    "LocalAffine",
    "count_regions",
    "RegionCount",
    "equivalent",
    "Equivalence",
    "EquivalenceWitness",
    "canonical",
    "CanonicalReport",
    "pattern_affine",
]
