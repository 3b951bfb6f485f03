"""Certified error bounds: how far an expansion can be trusted on a box.

:func:`error_bound` returns a rigorous upper bound on ``|net(x) - p(x)|``
over a box of inputs, for a polynomial ``p`` from either expansion mode;
:func:`convergence_report` tells, neuron by neuron, whether the
pre-activation stays inside the radius of convergence of the activation's
Maclaurin series (where series mode converges as the order grows);
:func:`preactivation_ranges` and :func:`activation_enclosure` give the
certified ranges surrogate fitting needs.

Method: Taylor models in ball arithmetic
----------------------------------------
Every node of the network is enclosed over the box as ``P(y) + I``: ``P`` a
polynomial of degree ``<= Q`` in the shifted inputs ``y = x - center`` with
arb-ball coefficients (python-flint, rigorous rounding), ``I`` an interval.
A linear layer maps models linearly (exact weights become balls that contain
them).  A product is truncated at degree ``Q``; the dropped part is bounded
over the box and moved into the interval, as are the cross terms with the
intervals.  An activation with pre-activation ``z = c + w`` (``c`` the
constant term, ``w`` the rest) and range ``R`` over the box becomes

* series mode: its Maclaurin polynomial ``T_q`` of degree ``q``
  (re-expanded around ``c``) plus the enclosure of ``sigma(z) - T_q(z)`` on
  ``R``, from the Lagrange remainder ``t_m(xi) z**m`` with ``xi`` between 0
  and ``z`` (``t_m = sigma^(m)/m!``), for several ``m > q``, intersected,
  and a direct evaluation, on a subdivision of ``R``;
* Taylor mode: its Taylor polynomial at ``c`` of degree ``Q`` plus
  ``t_(K+1)(xi) w**(K+1)`` and the terms ``Q < k <= K``, ``xi`` in ``R``;
* a piecewise-linear activation (relu, ...): the linear piece at ``c`` plus
  the range of the difference on ``R`` (its exact pieces: the ends and the
  kinks).

Enclosures of ``t_m`` over an interval come from the activation's rule in
the ball number context (:class:`~symnet.bounds.enclosures.ArbContext`: a
closed differential system run in ball arithmetic, sympy derivatives for
user activations without one), evaluated on the cells of a dyadic grid
covering the interval (mean-value form per cell, cached).  A neuron whose
model is worse than its plain range ``sigma(R)`` is replaced by the constant
model ``0 + sigma(R)``.

Finally ``|net - p| <= sup |P - p + I|`` over the box, where the difference
polynomial is bounded on sub-boxes (bisection, re-expanded at each centre).
The models have degree ``tm_order`` (default ``p.order + 2`` when cheap):
above ``p.order`` the next terms of the network's expansion are kept as a
polynomial, whose cancellations the bisection sees; this is what makes the
bounds tight (often within a few percent of the measured error).

Whatever mode is assumed, the result is an upper bound: the mode (and the
series degree) only decide how the network's model is built, so a wrong
guess makes a bound looser, never wrong.  By default both models are tried
for a polynomial centred at the origin and the smaller bound is kept.
Rounding always goes outward, and the final float is rounded up.  Every
call has a time budget (``timeout``, 10 s by default): refinements stop when
it runs out, and a call that cannot certify anything within it says so.

Modules
-------
``balls`` (arb helpers, outward rounding, scoped precision, time budget),
``arbprint`` (sympy expressions to balls: a sympy Printer), ``boxes`` (box
validation), ``enclosures`` (activations in ball arithmetic, by rule kind),
``taylor_models`` (the engine), ``ranges`` (pre-activation ranges),
``report`` (error_bound, convergence_report and their results).

Examples
--------
>>> import sympy
>>> from symnet import Network, expand, error_bound
>>> net = Network.dense([[[1]]], activations=["tanh"])
>>> p = expand(net, 3)                       # x1 - x1**3/3
>>> b = error_bound(net, p, [(-sympy.Rational(1, 4), sympy.Rational(1, 4))])
>>> b.certified, 0.000126 < b < 0.000131    # (2/15)/4**5 = 0.000130...
(True, True)
"""

from ..errors import BoxError, UncertifiedBoundError  # noqa: F401  (raised here; importable)
from .enclosures import activation_enclosure
from .ranges import preactivation_ranges
from .report import (ConvergenceReport, ErrorBound, convergence_report, convergence_warnings,
                     error_bound, register_error_model)

__all__ = [
    "error_bound",
    "ErrorBound",
    "convergence_report",
    "ConvergenceReport",
    "convergence_warnings",
    "preactivation_ranges",
    "activation_enclosure",
    "register_error_model",
]
