"""The generic drivers: the PDE constraints and non-singularity conditions of an architecture.

:func:`pde_constraints` and :func:`nonsingularity_conditions` work for any
:class:`~symnet.pde.architectures.Architecture`: they coerce the argument,
refuse requests beyond the limits of :mod:`symnet.pde.limits` up front (from
the architecture's size estimate), and ask the architecture.  For the
built-in architectures,

every constraint is the determinant of a small matrix of partial derivatives
of an undefined function ``F`` of the inputs:

* trees and neurons: ``C_{ij;k}(F) = F_i F_jk - F_j F_ik`` (the ratio
  ``F_i / F_j`` does not depend on ``x_k``), i.e. ``det [[F_i, F_j], [F_ik, F_jk]]``;
* sums of ``m`` ridge functions of ``(x, y)``: the ``(m+1) x (m+1)`` minors
  of the matrix ``M_m`` whose rows are ``D v`` for every derivative monomial
  ``D`` of order at most ``m``, with ``v = (d_x^(m-a) d_y^a F)_{a=0..m}``.

References: K. Filom, R. Farhoodi, K. P. Kording, "On PDE characterization of
smooth hierarchical functions computed by neural networks", Neural
Computation 33(12), 2021 (arXiv:2005.08859); R. Farhoodi, K. Filom, I. S.
Jones, K. P. Kording, "On functions computed on trees", Neural Computation
2019 (arXiv:1904.02309).

Examples
--------
>>> import sympy
>>> from symnet import Tree, pde_constraints
>>> [c] = pde_constraints(Tree("((x,y),z)"))
>>> print(c)
F_x*F_yz - F_y*F_xz = 0
>>> sympy.latex(c)
'F_{x} F_{y z} - F_{y} F_{x z} = 0'
"""

from ..errors import ArgumentError, InputError
from .architectures import as_architecture
from .equations import Condition, Constraint
from .limits import describe_value, refuse_if_too_large

__all__ = ["Constraint", "Condition", "pde_constraints", "nonsingularity_conditions"]


def pde_constraints(arch, reduced=False):
    """The PDE constraints an architecture imposes on the functions it computes.

    Parameters
    ----------
    arch : Architecture (Tree, Neuron, RidgeSum, ...), str, tuple or Network
        The architecture; a string or nested tuple is read as a :class:`Tree`.
    reduced : bool, optional
        If False (default), the full set generated from the topology:

        * tree: ``C_{ij;k}`` for every non-root internal node ``v``, every two
          distinct children ``c != c'`` of ``v``, ``x_i`` under ``c``,
          ``x_j`` under ``c'`` and ``x_k`` outside ``v``;
        * neuron: ``C_{ij;k}`` for all ``i < j`` and **all** ``k``
          (including ``k = i`` and ``k = j``);
        * ridge sum of ``m`` terms: every ``(m+1) x (m+1)`` minor of ``M_m``.

        If True, a smaller set equivalent to the full one where each
        constraint's :attr:`Constraint.reference` is nonzero: for every
        node ``v`` of a tree, ``C_{rj;k}`` with a fixed reference leaf ``r``
        of ``v`` (the ratios ``F_j / F_r`` do not depend on ``x_k``); for a
        neuron, ``C_{1j;k}``; for a ridge sum, the minors made of ``m``
        fixed rows of ``M_{m-1}`` and one more row of ``M_m``.

        Any other :class:`~symnet.pde.architectures.Architecture` gives its
        ``constraints(reduced)``.

    Returns
    -------
    list of Constraint

    Raises
    ------
    ResourceError
        When the architecture's size estimate exceeds
        :data:`symnet.pde.limits.MAX_CONSTRAINTS` constraints or half of the
        memory this process may use (refused before any work, the message
        states the estimate and the limit).
    InputError, ArgumentError
        For something that is not an architecture, or a ``reduced`` that is
        not a bool.

    Examples
    --------
    >>> from symnet import Tree, Neuron, RidgeSum, pde_constraints
    >>> [len(pde_constraints(s)) for s in ["((x,y),z)", "((x,y),(z,w))", "(((x,y),z),w)", "((x,y,z),w)", "(x,y,z)"]]
    [1, 4, 4, 3, 0]
    >>> len(pde_constraints("((x,y,z),w)", reduced=True))
    2
    >>> [str(c) for c in pde_constraints(Neuron("x y"))]
    ['F_x*F_xy - F_y*F_xx = 0', 'F_x*F_yy - F_y*F_xy = 0']
    >>> len(pde_constraints(RidgeSum(2, "x y"))), len(pde_constraints(RidgeSum(3, "x y")))
    (20, 210)
    """
    arch = as_architecture(arch)
    if not isinstance(reduced, bool):
        raise ArgumentError(f"pde_constraints: reduced must be True or False; got {describe_value(reduced)}")
    estimate = arch.size_estimate(reduced)
    if estimate is not None:
        count, nbytes = estimate
        refuse_if_too_large(
            f"pde_constraints({describe_value(arch)}{', reduced=True' if reduced else ''})", count, nbytes,
            "constraints", "use a smaller architecture" if reduced else
            "use reduced=True or a smaller architecture")
    out = list(arch.constraints(reduced))
    for c in out:
        if not isinstance(c, Constraint):
            raise InputError(f"{type(arch).__name__}.constraints() must return Constraint objects; got "
                             f"{describe_value(c)} of type {type(c).__name__}")
    return out


def nonsingularity_conditions(arch):
    """The non-singularity conditions under which the constraints are sufficient.

    * Tree: for every non-root internal node ``v`` with at least two leaves,
      the gradient of ``F`` in the variables below ``v`` is nonzero.  Leaves,
      nodes over a single leaf and nodes over all the leaves need no
      condition (``h_v`` can be the variable itself, or ``F`` itself); a
      chain of unary nodes over the same leaves gives one condition.
    * Neuron: the gradient of ``F`` is nonzero.
    * Ridge sum of ``m`` terms: ``M_{m-1}`` has rank ``m``.
    * Any other :class:`~symnet.pde.architectures.Architecture`: its ``conditions()``.

    Examples
    --------
    >>> from symnet import RidgeSum, Neuron, nonsingularity_conditions
    >>> [str(c) for c in nonsingularity_conditions(Neuron("x y z"))]
    ['(F_x, F_y, F_z) != 0']
    >>> [str(c) for c in nonsingularity_conditions(RidgeSum(1, "x y"))]
    ['rank([[F_x, F_y]]) = 1']
    """
    arch = as_architecture(arch)
    out = list(arch.conditions())
    for c in out:
        if not isinstance(c, Condition):
            raise InputError(f"{type(arch).__name__}.conditions() must return Condition objects; got "
                             f"{describe_value(c)} of type {type(c).__name__}")
    return out
