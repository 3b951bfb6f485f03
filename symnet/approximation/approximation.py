"""The Approximation object and :func:`approximate`.

Examples
--------
>>> import symnet
>>> ap = symnet.approximate("relu", (-1, 1), 1, method="minimax")
>>> ap.coefficients, ap.max_error.as_rational()
((1/4, 1/2), 1/4)
>>> ap.equioscillation
((-1, 1/4), (0, -1/4), (1, 1/4))
"""

from __future__ import annotations

import math
import numbers
import warnings
from fractions import Fraction

import sympy

from .._validate import as_exact, as_int
from ..activations import get_activation
from ..errors import ArgumentError, BoxError, ResourceError, WeightError
from ._arb import Evaluator, ball, fmpq_of, fraction_of, precision
from .certify import sup_error
from .methods import Fit, RemezFailure, chebyshev_fit, l2_fit, minimax_fit, taylor_fit

__all__ = ["Approximation", "approximate", "ApproximationWarning", "METHODS",
           "estimate_seconds"]

#: The methods :func:`approximate` knows.
METHODS = ("minimax", "chebyshev", "l2", "taylor")

#: Above this degree a request is refused outright.
MAX_DEGREE = 2000


class ApproximationWarning(UserWarning):
    """A method fell back to another (Remez did not converge) or a bound is loose."""


def estimate_seconds(method, degree):
    """A rough estimate of the seconds :func:`approximate` needs (fit and certificate).

    Examples
    --------
    >>> from symnet.approximation import estimate_seconds
    >>> estimate_seconds("minimax", 15) < 2
    True
    """
    n = degree + 1
    base = {"minimax": 6e-5, "chebyshev": 2e-5, "l2": 3e-5, "taylor": 1e-5}.get(method, 6e-5)
    return 0.05 + base * n**3 + 2e-4 * n * n


def _interval(interval):
    """(lo, hi) as Fractions, validated."""
    if isinstance(interval, (str, bytes)) or not hasattr(interval, "__len__") or \
            len(interval) != 2:
        raise BoxError(f"expected an interval (lo, hi), got {interval!r}")
    ends = []
    for which, v in zip(("lower", "upper"), interval):
        if isinstance(v, float) and not math.isfinite(v):
            raise BoxError(f"the interval's {which} end must be finite, got {v!r}")
        if isinstance(v, bool) or v is None:
            raise BoxError(f"the interval's {which} end must be a number, got {v!r}")
        try:
            e = as_exact(v, f"interval {which} end")
        except (WeightError, TypeError, ValueError) as exc:
            raise BoxError(str(exc).replace("expected a finite number",
                                            "ends must be finite")) from None
        if not e.is_Rational:
            if e.is_number and e.is_finite:
                raise BoxError(f"the interval's {which} end must be rational (a surrogate's "
                               f"coefficients are exact rationals in x), got {e}; round it, "
                               "e.g. to a Fraction")
            raise BoxError(f"the interval's {which} end must be a finite number, got {e}")
        ends.append(Fraction(int(e.p), int(e.q)))
    lo, hi = ends
    if not lo < hi:
        raise BoxError(f"the interval needs lo < hi, got ({lo}, {hi})")
    return lo, hi


def _q(f):
    return sympy.Rational(f.numerator, f.denominator)


class Approximation:
    """A polynomial surrogate of an activation on an interval, with a certified error.

    Built by :func:`approximate`.  Pass it (or a dict or per-layer list of them)
    to ``symnet.expand(net, order, surrogate=...)``.

    Attributes
    ----------
    activation : Activation
    interval : (Rational, Rational)
    degree : int
    method : str
        The method that produced the polynomial (``"chebyshev"`` when a
        minimax request fell back).
    requested : str
        The method asked for.
    coefficients : tuple of sympy Rational
        Exact, ascending powers of the original variable x.
    max_error : CertifiedError
        A certified upper bound on ``max |f(x) - p(x)|`` over the interval
        (a float rounded up; ``.rational`` exact, ``.lower`` a value the error
        really reaches).
    equioscillation : tuple of (x, error) or None
        Minimax: the points where the error alternates with maximal modulus.
    info : dict
        Method details (``levelled_error``, ``iterations``, ``converged``...).

    Examples
    --------
    >>> import symnet
    >>> ap = symnet.approximate("tanh", (-1, 1), 3, method="taylor", center=0)
    >>> ap.coefficients
    (0, 1, 0, -1/3)
    >>> print(ap.polynomial)
    x - x**3/3 + O(|x|**4)
    >>> float(ap.max_error) >= 1 - 1/3 - float(sympy.tanh(1))
    True
    """

    def __init__(self, activation, interval, degree, method, requested, coefficients,
                 max_error, equioscillation=None, info=None, variable="x"):
        self.activation = activation
        self.interval = (_q(interval[0]), _q(interval[1]))
        self.degree = degree
        self.method = method
        self.requested = requested
        self.coefficients = tuple(_q(Fraction(c)) for c in coefficients)
        self.max_error = max_error
        self.equioscillation = equioscillation
        self.info = dict(info or {})
        self.variable = sympy.Symbol(variable) if isinstance(variable, str) else variable

    # -- views -------------------------------------------------------------
    @property
    def name(self):
        """The activation's name."""
        return self.activation.name

    @property
    def expr(self):
        """The polynomial as a sympy expression in :attr:`variable`."""
        x = self.variable
        return sympy.Add(*[c * x**k for k, c in enumerate(self.coefficients)])

    @property
    def polynomial(self):
        """The polynomial as a :class:`symnet.Polynomial` in one variable (exact)."""
        from ..polynomial import Polynomial
        return Polynomial({(k,): c for k, c in enumerate(self.coefficients) if c != 0},
                          [self.variable], order=max(self.degree, 0))

    def fractions(self):
        """The coefficients as Python Fractions."""
        return tuple(Fraction(int(c.p), int(c.q)) for c in self.coefficients)

    def covers(self, lo, hi):
        """True when ``[lo, hi]`` lies inside the surrogate's interval (exact comparison).

        Examples
        --------
        >>> import symnet
        >>> ap = symnet.approximate("relu", (-1, 1), 1)
        >>> ap.covers(-0.5, 1), ap.covers(-2, 0)
        (True, False)
        """
        lo, hi = sympy.Rational(lo), sympy.Rational(hi)
        return bool(self.interval[0] <= lo and hi <= self.interval[1])

    def __call__(self, x):
        """Evaluate p: exact for exact numbers, float64 (numpy) for floats and arrays."""
        if isinstance(x, (int, Fraction, sympy.Rational)) and not isinstance(x, bool):
            x = _q(Fraction(x)) if not isinstance(x, sympy.Rational) else x
            acc = sympy.S.Zero
            for c in reversed(self.coefficients):
                acc = acc * x + c
            return acc
        import numpy as np
        X = np.asarray(x, dtype=float)
        acc = np.zeros_like(X)
        for c in reversed(self.coefficients):
            acc = acc * X + float(c)
        return acc

    def error_curve(self, n=401):
        """``(x, f(x) - p(x))`` on ``n`` points of the interval (and its kinks), for plots.

        The error is computed in ball arithmetic at 128 bits (no cancellation),
        then rounded to float64.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)

        Examples
        --------
        >>> import symnet
        >>> x, e = symnet.approximate("relu", (-1, 1), 1).error_curve(5)
        >>> x.tolist(), e.tolist()
        ([-1.0, -0.5, 0.0, 0.5, 1.0], [0.25, 0.0, -0.25, 0.0, 0.25])
        """
        import numpy as np
        from flint import arb, arb_poly
        n = as_int(n, "n", minimum=2)
        lo, hi = (Fraction(int(v.p), int(v.q)) for v in self.interval)
        pts = [lo + (hi - lo) * Fraction(k, n - 1) for k in range(n)]
        for k in self.activation.kinks:
            k = sympy.Rational(k)
            kf = Fraction(int(k.p), int(k.q))
            if lo < kf < hi and kf not in pts:
                pts.append(kf)
        pts.sort()
        ev = Evaluator(self.activation)
        out = []
        with precision(128):
            P = arb_poly([arb(fmpq_of(c)) for c in self.fractions()])
            for x in pts:
                xb = arb(float(x)) if ev.kind != "piecewise_linear" else ball(x)
                fx = ev.value(xb)
                out.append(float((fx - P(xb)).mid()))
        return np.array([float(x) for x in pts]), np.array(out)

    def plot(self, ax=None, **kwargs):
        """Plot the error curve (matplotlib); the certified bound as dashed lines.

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3))
        x, e = self.error_curve()
        label = kwargs.pop("label", f"{self.method}, degree {self.degree}")
        ax.plot(x, e, label=label, **kwargs)
        b = float(self.max_error)
        ax.axhline(b, ls="--", lw=0.8, color="gray")
        ax.axhline(-b, ls="--", lw=0.8, color="gray")
        ax.set_xlabel("x")
        ax.set_ylabel(f"{self.name}(x) - p(x)")
        return ax

    # -- printing ------------------------------------------------------------
    def _header(self):
        lo, hi = self.interval
        how = self.method if self.method == self.requested else \
            f"{self.method} (requested {self.requested})"
        return f"{self.name} on [{lo}, {hi}], degree {self.degree}, {how}"

    def __repr__(self):
        return f"Approximation({self._header()}, max_error <= {float(self.max_error):.3e})"

    def __str__(self):
        return (f"{self._header()}\n  p(x) = {sympy.sstr(self.expr)}\n"
                f"  max |{self.name}(x) - p(x)| <= {float(self.max_error):.6e} (certified; "
                f"attained >= {float(self.max_error.lower):.6e})")

    def _latex(self, printer=None):
        tex = self.activation.tex or r"\operatorname{" + self.name.replace("_", r"\_") + "}"
        lo, hi = self.interval
        x = sympy.latex(self.variable)
        return (rf"{tex}({x}) \approx {sympy.latex(self.expr)}, \quad "
                rf"\max_{{{x} \in [{sympy.latex(lo)}, {sympy.latex(hi)}]}} |{tex}({x}) - p({x})| "
                rf"\le {self.max_error._latex()}")

    def _repr_latex_(self):
        return f"${self._latex()}$"


def _snap(x, targets, scale):
    """x (Fraction) snapped to an exact target within scale * 2**-24, else a Float."""
    for t in targets:
        if abs(x - t) <= scale * Fraction(1, 2**24):
            return _q(t), True
    return sympy.Float(float(x), 15), False


def _pwl_critical(ev, coeffs, lo, hi):
    """Exact rational points where f - p may peak: ends, kinks, rational roots of p' = slope."""
    from flint import fmpq_poly
    out = [lo, hi]
    dp = fmpq_poly([fmpq_of(c) for c in coeffs]).derivative()
    for (a, b), (s, _) in ev.pieces:
        if a is not None and lo < Fraction(int(a.p), int(a.q)) < hi:
            out.append(Fraction(int(a.p), int(a.q)))
        g = dp - fmpq_of(Fraction(int(s.p), int(s.q)))
        if g.degree() < 1:
            continue
        _, factors = g.factor()
        for fac, _ in factors:
            if fac.degree() == 1:
                c1, c0 = fac.coeffs()[1], fac.coeffs()[0]
                r = -fraction_of(c0) / fraction_of(c1)
                if lo < r < hi:
                    out.append(r)
    return out


def _equioscillation(act, ev, coeffs, lo, hi, reference):
    """(x, error) at the Remez reference, errors recomputed for the rounded polynomial.

    Points are snapped to exact ones (ends, kinks, exact critical points of a
    piecewise-linear error) when they agree to 24 bits; errors there are exact.
    """
    from flint import arb, arb_poly
    pwl = ev.kind == "piecewise_linear"
    targets = _pwl_critical(ev, coeffs, lo, hi) if pwl else [lo, hi]
    out = []
    with precision(128):
        P = arb_poly([arb(fmpq_of(c)) for c in coeffs])
        for x, _ in reference:
            xs, exact = _snap(Fraction(x), targets, hi - lo)
            if exact and pwl:
                xf = Fraction(int(xs.p), int(xs.q))
                e = fraction_of(ev._pwl_point(ball(xf)).mid()) - \
                    sum(c * xf**k for k, c in enumerate(coeffs))
                out.append((xs, _q(e)))
            else:
                xb = ball(Fraction(x))
                out.append((xs, float((ev.value(xb) - P(xb)).mid())))
    return tuple(out)


def approximate(activation, interval, degree, method="minimax", *, center=None,
                weight="legendre", rtol=1e-3, prec=None, variable="x", max_seconds=600):
    """A polynomial surrogate of an activation on an interval, with a certified max error.

    Parameters
    ----------
    activation : str or Activation
        Any activation of the table (``"tanh"``, ``"relu"``, ``"leaky_relu[1/5]"``,
        ``"hardtanh"``...) or a registered user activation.
    interval : (lo, hi)
        Finite exact ends (ints, Fractions, sympy Rationals, strings such as
        ``"1/3"``; floats are taken at their exact binary value), ``lo < hi``.
    degree : int
        Degree of the polynomial (>= 0).
    method : {"minimax", "chebyshev", "l2", "taylor"}
        ``"minimax"``: best uniform approximation (Remez exchange; if it does
        not converge, Chebyshev interpolation with an
        :class:`ApproximationWarning`).  ``"chebyshev"``: interpolation at the
        Chebyshev points.  ``"l2"``: least squares for ``weight``.
        ``"taylor"``: the Taylor polynomial at ``center``.
    center : exact rational, optional
        Taylor centre (default the interval's midpoint).
    weight : "legendre", "chebyshev" or callable
        L2 weight (``"legendre"`` is w = 1; exact rationals for
        piecewise-linear activations).  A callable ``w(x)`` maps a float to a
        non-negative float.
    rtol : float
        Certify the max error to within ``1 + rtol`` of a value it attains.
    prec : int, optional
        Working precision in bits (default from the size of the error).
    variable : str or Symbol
        The name of x in :attr:`Approximation.polynomial`.
    max_seconds : float or None
        Refuse (``ResourceError``) when the estimated time exceeds this.

    Returns
    -------
    Approximation

    Raises
    ------
    BoxError
        A malformed interval (``lo >= hi``, infinite or irrational ends).
    OrderError
        A degree that is not a non-negative integer.
    ResourceError
        A degree whose estimated cost exceeds ``max_seconds`` (or 2000).
    ActivationError
        An activation without a numeric implementation (or a Taylor centre on
        a kink: :class:`NonAnalyticActivationError`).
    ArgumentError
        An unknown method or weight, or an option that does not fit the method.

    Examples
    --------
    >>> import symnet
    >>> ap = symnet.approximate("relu", (-1, 1), 2, method="l2")
    >>> ap.coefficients                        # the Legendre projection, exact
    (3/32, 1/2, 15/32)
    >>> ap.max_error.as_rational()
    3/32
    >>> t = symnet.approximate("tanh", (-3, 3), 7)
    >>> t.method, t.max_error.ratio < 1.001, 0.01 < t.max_error < 0.02
    ('minimax', True, True)
    """
    act = get_activation(activation)
    lo, hi = _interval(interval)
    degree = as_int(degree, "degree", minimum=0)
    if not isinstance(method, str) or method not in METHODS:
        raise ArgumentError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if center is not None and method != "taylor":
        raise ArgumentError(f"center= is only for method='taylor' (got method={method!r})")
    if weight != "legendre" and method != "l2":
        raise ArgumentError(f"weight= is only for method='l2' (got method={method!r})")
    if not isinstance(rtol, numbers.Real) or isinstance(rtol, bool) or not 0 < rtol < 1:
        raise ArgumentError(f"rtol must be a number in (0, 1), got {rtol!r}")
    if prec is not None:
        prec = as_int(prec, "prec", minimum=53, maximum=1 << 16)
    est = estimate_seconds(method, degree)
    if degree > MAX_DEGREE or (max_seconds is not None and est > max_seconds):
        raise ResourceError(
            f"degree {degree} is too large: a {method} surrogate of that degree needs about "
            f"{est:.3g} s (fit and certificate; the limit is "
            f"{'degree ' + str(MAX_DEGREE) if degree > MAX_DEGREE else f'{max_seconds} s'}); "
            "lower the degree, or pass max_seconds=None to run it anyway")
    ev = Evaluator(act)  # raises ActivationError without a numeric implementation
    cq = None
    if center is not None:
        c = as_exact(center, "center")
        if not c.is_Rational:
            raise ArgumentError(f"center must be an exact rational, got {c}")
        cq = Fraction(int(c.p), int(c.q))
    info = {}
    used = method
    own = act.rule.coefficients if act.kind == "polynomial" else ()
    if own and len(own) - 1 <= degree and all(c.is_Rational for c in own):
        # a polynomial activation of degree <= n is its own best approximation
        fit = Fit(tuple(Fraction(int(c.p), int(c.q)) for c in own), True,
                  {"note": f"{act.name} is a polynomial of degree {len(own) - 1}: exact"})
    elif method == "minimax":
        try:
            fit = minimax_fit(act, lo, hi, degree, prec=prec)
        except RemezFailure as e:
            warnings.warn(f"minimax surrogate of {act.name} on [{lo}, {hi}], degree {degree}: "
                          f"{e}; falling back to Chebyshev interpolation (near-best)",
                          ApproximationWarning, stacklevel=2)
            fit = chebyshev_fit(act, lo, hi, degree, prec=prec)
            used = "chebyshev"
            info["remez_failure"] = str(e)
            info["converged"] = False
    elif method == "chebyshev":
        fit = chebyshev_fit(act, lo, hi, degree, prec=prec)
    elif method == "l2":
        fit = l2_fit(act, lo, hi, degree, weight=weight, prec=prec)
    else:
        fit = taylor_fit(act, lo, hi, degree, center=cq)
    info.update(fit.info)
    info["exact"] = fit.exact
    coeffs = list(fit.coefficients) + [Fraction(0)] * (degree + 1 - len(fit.coefficients))
    ref = info.get("reference") if used == "minimax" else None
    err = sup_error(act, coeffs, lo, hi, rtol=rtol, prec=None,
                    points=[x for x, _ in ref] if ref else ())
    eq = _equioscillation(act, ev, coeffs, lo, hi, ref) if ref else None
    if used == "minimax" and "note" not in info:
        info["converged"] = True
    return Approximation(act, (lo, hi), degree, used, method, coeffs, err, eq, info, variable)

