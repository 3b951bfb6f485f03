"""Assertions for tests of networks and their polynomials.

* :func:`assert_polynomials_equal` compares two :class:`~symnet.Polynomial`
  objects: variables, order and centre, then every coefficient (exactly
  when both are exact, with a relative tolerance for floats);
* :func:`assert_expansion_matches` checks :func:`symnet.expand` on a small
  network against an independent computation in plain sympy.

A failure raises a :class:`PolynomialMismatch` (an ``AssertionError``)
whose message names the first differing monomial and both values, so a
hypothesis counterexample can be read at once.  This module does not need
hypothesis.

Examples
--------
>>> import sympy
>>> from symnet import Polynomial
>>> from symnet.testing import assert_polynomials_equal
>>> x, y = sympy.symbols("x y")
>>> p = Polynomial(1 + x*y, (x, y), order=2)
>>> assert_polynomials_equal(p, Polynomial(1 + y*x, (x, y), order=2))
>>> assert_polynomials_equal(p, Polynomial(1 + x*y/2, (x, y), order=2))
Traceback (most recent call last):
...
symnet.testing.PolynomialMismatch: the polynomials differ at 1 monomial; the first is x*y: 1 != 1/2 ...
"""

from __future__ import annotations

import math
from math import comb

import sympy

from ..errors import ExpansionTooLargeError, InputError, NonAnalyticActivationError
from ..expand import expand
from ..network import Network
from ..polynomial import Polynomial

__all__ = [
    "PolynomialMismatch",
    "ExpansionMismatch",
    "assert_polynomials_equal",
    "assert_expansion_matches",
]

#: Default relative tolerance when a float polynomial is involved.
DEFAULT_RTOL = 1e-9


class PolynomialMismatch(AssertionError):
    """Two polynomials differ.

    Attributes
    ----------
    monomial : tuple of int or None
        Exponents of the first differing monomial (graded order), or None
        when the variables, order or centre differ.
    left, right : coefficients at that monomial (None if not applicable).
    differences : list of (exponents, left, right)
        Every differing monomial, in graded order.
    """

    def __init__(self, message, monomial=None, left=None, right=None, differences=()):
        super().__init__(message)
        self.monomial = monomial
        self.left = left
        self.right = right
        self.differences = list(differences)


class ExpansionMismatch(PolynomialMismatch):
    """:func:`symnet.expand` disagrees with the plain-sympy computation.

    Attributes
    ----------
    output : int
        Index of the output that differs.
    """

    def __init__(self, message, output=0, **kw):
        super().__init__(message, **kw)
        self.output = output


# ---------------------------------------------------------------------------
# comparing polynomials
# ---------------------------------------------------------------------------

def _grkey(e):
    return (sum(e), tuple(-i for i in e))


def _monomial_str(variables, center, exps):
    if not any(exps):
        return "the constant term"
    m = sympy.Mul(*[(v - a) ** k for v, a, k in zip(variables, center, exps) if k])
    return sympy.sstr(m)


def _fmt(c):
    if isinstance(c, float):
        return repr(c)
    return sympy.sstr(c)


def _is_float(c):
    return isinstance(c, float) or (isinstance(c, sympy.Basic) and c.has(sympy.Float))


def _difference(a, b, floats):
    """``a - b`` for the message: exact when that is short, else about 15 digits."""
    if floats:
        return float(a) - float(b)
    d = sympy.sympify(a) - sympy.sympify(b)
    if d.is_Rational or d.free_symbols:
        return sympy.expand(d)
    return sympy.N(d, 15)


def _exact_equal(a, b):
    """True / False when decided; exact coefficients (numbers or expressions)."""
    d = sympy.sympify(a) - sympy.sympify(b)
    if d == 0:
        return True
    if d.is_Rational:
        return False
    if d.is_number:  # a quick look first: most differences are plainly nonzero (named
        val = d.evalf(15)  # constants evaluate from their cached values: no expression swell)
        if val.is_Number and abs(val) > sympy.Float(10) ** -6:
            return False
    d = d.doit()  # named constants (compact Taylor coefficients) written out, to prove
    d = sympy.expand(d)
    if d == 0:
        return True
    if d.is_Rational:
        return False
    if d.is_number:
        val = d.evalf(50)
        if val.is_Number and abs(val) > sympy.Float(10) ** -40:
            return False
    eq = d.equals(0)
    if eq is None:  # numerically zero but not proven: try exact rewriting
        for prove in (lambda e: sympy.cancel(sympy.together(e.rewrite(sympy.exp))),
                      lambda e: sympy.simplify(e.rewrite(sympy.exp))):
            try:
                if prove(d) == 0:
                    return True
            except Exception:  # pragma: no cover - a failed rewrite decides nothing
                pass
    return bool(eq)  # undecided counts as different: an assertion must not guess


def _close(a, b, rtol, atol):
    try:
        fa, fb = float(a), float(b)
    except TypeError:
        return _exact_equal(a, b)
    return abs(fa - fb) <= atol + rtol * max(abs(fa), abs(fb))


def _check(p, name):
    if not isinstance(p, Polynomial):
        raise InputError(f"assert_polynomials_equal: {name} must be a symnet Polynomial; got "
                         f"{type(p).__name__} {p!r}")


def _compare(p, q, rtol, atol, header, cls=PolynomialMismatch, **extra):
    if p.variables != q.variables:
        raise cls(f"{header}the variables differ: {p.variables} != {q.variables}", **extra)
    if p.order != q.order:
        raise cls(f"{header}the orders differ: {p.order} != {q.order}", **extra)
    if tuple(p.center) != tuple(q.center) and not all(
            _exact_equal(a, b) for a, b in zip(p.center, q.center)):
        raise cls(f"{header}the centers differ: {tuple(p.center)} != {tuple(q.center)}", **extra)
    tp, tq = p.terms(), q.terms()
    floats = _is_float_poly(p) or _is_float_poly(q)
    if rtol is None and floats:
        rtol = DEFAULT_RTOL
    if rtol is not None:
        scale = max([abs(float(c)) for c in list(tp.values()) + list(tq.values())
                     if not _symbolic(c)] + [0.0])
        tol_abs = rtol * scale if atol is None else atol
    diffs = []
    for e in sorted(set(tp) | set(tq), key=_grkey):
        a = tp.get(e, 0.0 if _is_float_poly(p) else sympy.S.Zero)
        b = tq.get(e, 0.0 if _is_float_poly(q) else sympy.S.Zero)
        same = _exact_equal(a, b) if rtol is None else _close(a, b, rtol, tol_abs)
        if not same:
            diffs.append((e, a, b))
    if diffs:
        e, a, b = diffs[0]
        mono = _monomial_str(p.variables, p.center, e)
        try:
            dtxt = f" (difference {_fmt(_difference(a, b, floats))})"
        except Exception:  # pragma: no cover - a difference is only decoration
            dtxt = ""
        how = "" if rtol is None else f" with rtol={rtol:g}"
        n = len(diffs)
        raise cls(f"{header}the polynomials differ{how} at {n} monomial{'s' * (n != 1)}; the "
                  f"first is {mono}: {_fmt(a)} != {_fmt(b)}{dtxt}",
                  monomial=e, left=a, right=b, differences=diffs, **extra)


def _is_float_poly(p):
    return not p.is_exact


def _symbolic(c):
    return isinstance(c, sympy.Basic) and bool(c.free_symbols)


def assert_polynomials_equal(p, q, *, rtol=None, atol=None):
    """Assert that two Polynomials are equal, naming the first differing monomial.

    Variables, truncation order and centre must match.  Coefficients are
    compared exactly when both polynomials are exact and ``rtol`` is None
    (exact numbers, exact constants such as ``log(2)`` and polynomials in
    symbolic weights are all decided exactly; a difference that cannot be
    proven zero counts as a difference).  When either polynomial has float
    coefficients, or ``rtol`` is given, coefficients ``a``, ``b`` must
    satisfy ``|a - b| <= atol + rtol * max(|a|, |b|)``.

    Parameters
    ----------
    p, q : Polynomial
    rtol : float, optional
        Relative tolerance; default exact, or ``1e-9`` when a float
        polynomial is involved.
    atol : float, optional
        Absolute tolerance; default ``rtol`` times the largest coefficient
        of either polynomial (float round-off scales with it).

    Raises
    ------
    PolynomialMismatch
        An ``AssertionError``; its message shows the first differing
        monomial (in graded order) and both values.
    InputError
        If ``p`` or ``q`` is not a Polynomial.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Network, expand
    >>> from symnet.testing import assert_polynomials_equal
    >>> net = Network.dense([[[1, 2]]], activations=["sigmoid"])
    >>> exact, flt = expand(net, 3), expand(net, 3, domain="RR")
    >>> assert_polynomials_equal(exact, flt)
    >>> assert_polynomials_equal(exact, expand(net, 2))
    Traceback (most recent call last):
    ...
    symnet.testing.PolynomialMismatch: the orders differ: 3 != 2
    """
    _check(p, "p")
    _check(q, "q")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                              or not math.isfinite(v) or v < 0):
            raise InputError(f"assert_polynomials_equal: {name} must be a non-negative "
                             f"number or None; got {v!r}")
    _compare(p, q, rtol, atol, "")


# ---------------------------------------------------------------------------
# the plain-sympy oracle
# ---------------------------------------------------------------------------

_z = sympy.Dummy("z")
_t = sympy.Dummy("t")
_series_cache = {}


def _maclaurin(act, q):
    """Maclaurin polynomial of degree q of ``act`` from ``sympy.series`` (not symnet's table)."""
    key = (act, q)
    if key not in _series_cache:
        ser = sympy.series(act.func(_z), _z, 0, q + 1).removeO()
        _series_cache[key] = sympy.expand(ser)
    return _series_cache[key]


def _truncate(expr, variables, order):
    """Terms of total degree <= order of a polynomial expression."""
    scaled = sympy.expand(expr.xreplace({v: _t * v for v in variables}))
    return sympy.Add(*[c for (k,), c in sympy.Poly(scaled, _t).terms() if k <= order])


def _oracle(net, order, qs):
    X = net.inputs
    layer = {id(s): k for k, s in enumerate(net.stages())}

    def step(stage, src):
        out = []
        for row, b, act in zip(stage.weights, stage.biases, stage.activations):
            z = sympy.sympify(b) + sympy.Add(*[sympy.sympify(w) * v for w, v in zip(row, src)])
            if act.is_identity:
                out.append(_truncate(z, X, order))
            else:
                poly = _maclaurin(act, qs[layer[id(stage)]])
                out.append(_truncate(poly.xreplace({_z: z}), X, order))
        return out

    return net.forward(list(X), step)


def assert_expansion_matches(net, order, *, series_degree=None, rtol=None, max_monomials=84,
                             max_neurons=12):
    """Assert that ``symnet.expand(net, order)`` matches a plain-sympy computation.

    The independent computation rebuilds the network as a sympy expression
    in which every non-identity activation is replaced by its Maclaurin
    polynomial taken from ``sympy.series`` of the activation's sympy
    function (not from symnet's rule table), expands it and drops the
    terms above ``order`` after each neuron (exact: terms above the order
    never feed lower ones).  It is meant for small networks.

    Parameters
    ----------
    net : Network
    order : int
    series_degree : int or sequence of int, optional
        As in :func:`symnet.expand` (default ``order``).
    rtol : float, optional
        Passed to :func:`assert_polynomials_equal` (floats default to 1e-9).
    max_monomials : int, optional
        Refuse networks whose expansion has more monomials than this
        (``C(n_inputs + order, order)``; default 84, e.g. 3 inputs at order 6).
    max_neurons : int, optional
        Refuse networks with more neurons than this (default 12).

    Raises
    ------
    ExpansionMismatch
        An ``AssertionError`` naming the output, the first differing
        monomial and both values.
    ExpansionTooLargeError
        If the network is too big for plain sympy (see the limits above).
    NonAnalyticActivationError
        If an activation has no Maclaurin series.

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.testing import assert_expansion_matches
    >>> net = Network.dense([[[1, 2], [-1, 1]], [[1, 1]]], biases=[[1, 0], [0]],
    ...                     activations=["tanh", "identity"])
    >>> assert_expansion_matches(net, 4)
    """
    if not isinstance(net, Network):
        raise InputError(f"assert_expansion_matches: expected a symnet Network; got "
                         f"{type(net).__name__} {net!r}")
    got = expand(net, order, series_degree=series_degree)  # validates order and degrees
    got = got if isinstance(got, tuple) else (got,)
    n, neurons = net.n_inputs, len(net.neurons)
    monos = comb(n + order, order)
    if monos > max_monomials or neurons > max_neurons:
        raise ExpansionTooLargeError(
            f"assert_expansion_matches checks against plain sympy, which is only practical "
            f"for small networks: this one has {neurons} neurons and {n} inputs, so order "
            f"{order} gives {monos} monomials; the limits are max_neurons={max_neurons} and "
            f"max_monomials={max_monomials} (raise them, or test a smaller network or order)")
    for stage in net.stages():
        for node, act in zip(stage.nodes, stage.activations):
            if not act.analytic:
                raise NonAnalyticActivationError(
                    f"neuron {node!r} uses {act.name!r}, which has no Maclaurin series")
    L = len(net.stages())
    if series_degree is None:
        qs = [order] * L
    elif isinstance(series_degree, (list, tuple)):
        qs = list(series_degree)
    else:
        qs = [series_degree] * L
    expected = _oracle(net, order, qs)
    for k, (p, e) in enumerate(zip(got, expected)):
        ref = Polynomial(e, net.inputs, order)
        if p.is_exact and not ref.is_exact:  # pragma: no cover - floats come in pairs
            ref = ref.as_float()
        header = (f"expand(net, {order}) differs from the plain-sympy series computation"
                  f"{f' at output {k}' if len(got) > 1 else ''}: ")
        _compare(p, ref, rtol, None, header, cls=ExpansionMismatch, output=k)
