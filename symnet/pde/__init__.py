"""Hierarchical PDE constraints: generate them from the architecture, check them exactly.

A smooth function computed by a feed-forward composition satisfies algebraic
PDEs -- polynomial equations in its partial derivatives -- that depend only
on the architecture (Filom, Farhoodi and Kording, "On PDE characterization of
smooth hierarchical functions computed by neural networks", Neural
Computation 33(12), 2021, arXiv:2005.08859; Farhoodi, Filom, Jones and
Kording, "On functions computed on trees", Neural Computation 2019,
arXiv:1904.02309).  Together with non-singularity conditions and, for sums
of ridge functions, an inequality, they characterise the functions the
architecture computes near a point.

* :class:`Tree`, :class:`Neuron`, :class:`RidgeSum` -- architectures;
* :func:`pde_constraints` -- the constraints, as :class:`Constraint` objects;
* :func:`nonsingularity_conditions` -- where the constraints are sufficient;
* :func:`check_pde` -- exact check of a concrete function (a :class:`PDECheck`);
* :func:`variety_equations` -- the equations on the coefficients of a
  polynomial computed by the architecture.

The modules, lowest first (each imports only those above it):

* :mod:`~symnet.pde.limits` -- resource limits, refused up front with a ResourceError;
* :mod:`~symnet.pde.derivatives` -- multi-indices, derivative names, determinants;
* :mod:`~symnet.pde.zero` -- exact zero testing under time limits;
* :mod:`~symnet.pde.evaluation` -- the function under test and its values at exact points;
* :mod:`~symnet.pde.equations` -- the Constraint and Condition objects;
* :mod:`~symnet.pde.architectures` -- the Architecture protocol, Tree, Neuron, RidgeSum;
* :mod:`~symnet.pde.constraints` -- the generic drivers pde_constraints, nonsingularity_conditions;
* :mod:`~symnet.pde.check` -- check_pde and its results;
* :mod:`~symnet.pde.varieties` -- generic_polynomial, variety_equations.

A new architecture is one subclass of
:class:`symnet.pde.architectures.Architecture` (see that module).

Examples
--------
>>> import sympy
>>> import symnet
>>> x, y, z, w = sympy.symbols("x y z w")
>>> t = symnet.Tree("((x,y),(z,w))")
>>> len(symnet.pde_constraints(t))
4
>>> r = symnet.check_pde(sympy.exp(x*y) * sympy.sin(z + w) + x*y, t)
>>> r.satisfied, r.representable
(True, True)
>>> sorted(map(str, r.decomposition))
['(x, y)', '(z, w)']
"""

from .architectures import Neuron, RidgeSum, Tree
from .check import PDECheck, Witness, check_pde
from .constraints import Condition, Constraint, nonsingularity_conditions, pde_constraints
from .varieties import generic_polynomial, variety_equations

__all__ = [
    "Tree",
    "Neuron",
    "RidgeSum",
    "Constraint",
    "Condition",
    "pde_constraints",
    "nonsingularity_conditions",
    "check_pde",
    "PDECheck",
    "Witness",
    "variety_equations",
    "generic_polynomial",
]
