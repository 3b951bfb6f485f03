"""Compression (Chiang): a network becomes a polynomial with a certified error.

network -> surrogates fitted on the certified pre-activation ranges (or on
data) -> exact expansion -> optionally only the ``terms`` largest monomials,
refitted by least squares on data -> a :class:`Compression` report with the
parameter counts, the certified error on the box and the measured errors.

Examples
--------
>>> import numpy as np
>>> from symnet import Network, compress
>>> rng = np.random.default_rng(0)
>>> net = Network.dense([rng.normal(size=(8, 2)) / 2, rng.normal(size=(1, 8)) / 3],
...                     activations=["tanh", "identity"])
>>> c = compress(net, box=(-1, 1), degree=5, order=5)
>>> c.network_parameters, c.coefficients, c.certified_error >= c.max_error
(33, 12, True)
"""

from __future__ import annotations

import math
import time

import numpy as np

from .._validate import as_int, as_order
from ..errors import (ArgumentError, NotSupportedError, ResourceError, ShapeError,
                      UncertifiedBoundError)
from ._ranges import parse_box
from .certify import _float_up
from .surrogates import (_as_data, _check_network, check_coverage, fit_surrogates,
                         surrogate_expansion_bound)

__all__ = ["compress", "Compression"]


def _fmt(v, digits=3):
    if v is None:
        return "--"
    if v == 0:
        return "0"
    return f"{v:.{digits - 1}e}"


def _tex_num(v, digits=3):
    if v is None:
        return "--"
    if v == 0 or not math.isfinite(v):
        return "0" if v == 0 else r"\infty"
    m, e = f"{v:.{digits - 1}e}".split("e")
    e = int(e)
    return m if e == 0 else rf"{m} \cdot 10^{{{e}}}"


class Compression:
    """What :func:`compress` found: the polynomial, its size and its errors.

    Attributes
    ----------
    polynomial : Polynomial or tuple of Polynomial
        Usable like any expansion (evaluate, print, ``symnet.latex``).
    network_parameters : int
        Weights and biases of the network.
    coefficients : int
        Monomials kept (nonzero coefficients, over all outputs).
    order : int
        Total degree of the polynomial.
    surrogates : Surrogates
        The per-layer surrogates used.
    certified_error : float or None
        A certified bound on ``max |net(x) - p(x)|`` over the box (rounded
        up), or None (no box, or it could not be certified: see
        ``certified_reason``).
    certified_parts : dict
        ``surrogate`` (``|net - net~|``) and ``truncation`` (``|net~ - p|``).
    max_error, rms_error : float
        Measured on the data (or on points sampled in the box).
    agreement : float or None
        For classifiers: the fraction of points where the predicted classes
        agree (argmax over outputs; the sign of a single output).

    Examples
    --------
    >>> from symnet.approximation import Compression
    >>> print(Compression.latex_header().splitlines()[2])
    model & parameters & coefficients & ratio & certified & max error & RMS & agreement \\\\
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def ratio(self):
        """Parameters of the network per coefficient kept."""
        return self.network_parameters / max(self.coefficients, 1)

    def as_dict(self):
        """The numbers of the report as a plain dict."""
        keys = ["name", "network_parameters", "coefficients", "ratio", "order", "degree",
                "terms", "certified_error", "max_error", "rms_error", "agreement",
                "n_points", "points", "seconds"]
        return {k: getattr(self, k) for k in keys}

    # -- text ---------------------------------------------------------------
    def __str__(self):
        lines = [f"Compression of {self.name} ({self.network_parameters:,} parameters)"]
        sur = self.surrogates
        if isinstance(sur, dict):
            labelled = [(f"{name}", a) for name, a in sur.items()]
        elif isinstance(sur, (list, tuple)):
            labelled = [(f"layer {k}", a) for k, a in enumerate(sur, start=1)]
        else:
            labelled = [("every layer", sur)]
        for label, a in labelled:
            if a is not None and hasattr(a, "interval"):
                lo, hi = a.interval
                lines.append(f"  {label}: {a.name} -> degree {a.degree} {a.method} surrogate "
                             f"on [{lo}, {hi}], max error <= {_fmt(float(a.max_error))}")
        how = "" if self.terms is None else \
            f", the {self.terms} largest kept" + (", refitted by least squares" if self.refit
                                                  else "")
        if self.refit and self.terms is None:
            how = ", refitted by least squares"
        versus = (f"{self.ratio:.1f}x fewer than" if self.coefficients < self.network_parameters
                  else f"{self.coefficients - self.network_parameters:,} more than"
                  if self.coefficients > self.network_parameters else "as many as")
        lines.append(f"  polynomial: order {self.order}, {self.coefficients} coefficients{how} "
                     f"({versus} the network's parameters)")
        if self.certified_error is not None:
            parts = self.certified_parts
            lines.append(f"  certified max error on the box: {_fmt(self.certified_error)} "
                         f"(surrogates {_fmt(float(parts['surrogate']))} + truncation "
                         f"{_fmt(float(parts['truncation']))})")
        else:
            lines.append(f"  certified max error: none ({self.certified_reason})")
        lines.append(f"  measured on {self.n_points} {self.points}: max {_fmt(self.max_error)}, "
                     f"RMS {_fmt(self.rms_error)}")
        if self.agreement is not None:
            lines.append(f"  predicted classes agree on {100 * self.agreement:.1f}% of them")
        return "\n".join(lines)

    def __repr__(self):
        return (f"Compression({self.network_parameters} parameters -> {self.coefficients} "
                f"coefficients, certified {_fmt(self.certified_error)}, max "
                f"{_fmt(self.max_error)})")

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))

    # -- LaTeX -------------------------------------------------------------------
    @staticmethod
    def latex_header():
        """The booktabs header matching :meth:`latex_row`."""
        return (r"\begin{tabular}{lrrrrrrr}" "\n" r"\toprule" "\n"
                r"model & parameters & coefficients & ratio & certified & max error & RMS & "
                r"agreement \\" "\n" r"\midrule")

    def latex_row(self):
        """One booktabs row: name, parameters, coefficients, ratio, errors, agreement."""
        agree = "--" if self.agreement is None else rf"{100 * self.agreement:.1f}\%"
        name = str(self.name).replace("_", r"\_")
        cells = [name, f"{self.network_parameters}", f"{self.coefficients}",
                 f"{self.ratio:.1f}", f"${_tex_num(self.certified_error)}$",
                 f"${_tex_num(self.max_error)}$", f"${_tex_num(self.rms_error)}$", agree]
        return " & ".join(cells) + r" \\"

    def latex_table(self, *others):
        """A complete booktabs table with this report (and others) as rows."""
        rows = [self.latex_row()] + [o.latex_row() for o in others]
        return "\n".join([self.latex_header()] + rows + [r"\bottomrule", r"\end{tabular}"])

    def _latex(self, printer=None):
        return self.latex_row()

    def _repr_latex_(self):
        return None  # a table row is not standalone LaTeX; use latex_table()


def _monomial_features(exps, X):
    """Columns x^alpha for the exponent tuples (float64)."""
    F = np.ones((X.shape[0], len(exps)))
    for k, e in enumerate(exps):
        for i, p in enumerate(e):
            if p:
                F[:, k] *= X[:, i] ** p
    return F


def _sparse_refit(poly, X, y, terms, refit, order):
    """Keep the largest monomials (by |c| times their RMS on X) and refit them."""
    from ..monomials import monomials as all_monomials
    from ..polynomial import Polynomial
    t = poly.terms()
    if refit:
        exps = [tuple(int(v) for v in e) for e in all_monomials(len(poly.variables), order)]
        coef = [float(t.get(e, 0)) for e in exps]
    else:
        exps = list(t)
        coef = [float(c) for c in t.values()]
    Phi = _monomial_features(exps, X)
    score = np.abs(coef) * np.sqrt(np.mean(Phi**2, axis=0))
    if terms is not None and terms < len(exps):
        degs = np.array([sum(e) for e in exps])
        keep = sorted(np.lexsort((degs, -score))[:terms].tolist())  # ties: lower degree first
    else:
        keep = list(range(len(exps)))
    if refit:
        w, *_ = np.linalg.lstsq(Phi[:, keep], y, rcond=None)
    else:
        w = np.array([coef[k] for k in keep])
    terms_out = {exps[k]: float(v) for k, v in zip(keep, w) if v != 0}
    return Polynomial(terms_out, poly.variables, order=order)


def _sample_box(pairs, n, seed):
    rng = np.random.default_rng(seed)
    lo = np.array([float(a) for a, _ in pairs])
    hi = np.array([float(b) for _, b in pairs])
    return lo + (hi - lo) * rng.random((n, len(pairs)))


def _describe(net):
    sizes = [net.n_inputs] + [len(s.nodes) for s in net.stages()]
    return "a " + "-".join(map(str, sizes)) + " network"


def compress(net, box=None, data=None, *, degree=4, order=None, terms=None, method="minimax",
             refit=None, surrogates=None, per="layer", classifier=None, samples=2000, seed=0,
             name=None,
             certify=True):
    """Compress a network into a polynomial and report its size and certified error.

    Parameters
    ----------
    net : Network
        Numeric weights, one activation per layer.
    box : pair or sequence of pairs, optional
        Where the polynomial must hold: surrogates are fitted on the certified
        pre-activation ranges there, and the error is certified there.
    data : array_like (n_samples, n_inputs), optional
        Inputs: surrogates cover the ranges seen on them (widened by 5%),
        errors are measured on them, and ``terms`` are refitted on them.
        Without data, ``samples`` points drawn uniformly in the box are used.
    degree : int or sequence of int
        Degree of the surrogates (one for all layers, or one per layer).
    order : int, optional
        Total degree of the polynomial (default ``degree``; the expansion is
        truncated there and the truncation is part of the certified error).
    terms : int, optional
        Keep only the ``terms`` largest monomials (by ``|coefficient|`` times
        their RMS on the data), refitted by least squares on the data.
    method : str
        Surrogate method (see :func:`symnet.approximate`).
    refit : bool, optional
        Refit the kept coefficients by least squares on the data (default:
        True when ``terms`` is given).
    surrogates : optional
        Use these surrogates instead of fitting them (a per-layer list, a
        dict or one Approximation); they must cover the data.
    per : {"layer", "neuron"}
        As :func:`~symnet.approximation.fit_surrogates`: one surrogate per
        layer, or one per neuron on its own range (smaller surrogate errors;
        the truncation to ``order`` can still dominate).
    classifier : bool, optional
        Report the agreement of predicted classes (default: True for networks
        with several outputs).
    samples, seed : int
        Points sampled in the box when no data is given.
    name : str, optional
        The model's name in the report (default from the layer sizes).
    certify : bool
        Compute the certified error (needs a box).

    Returns
    -------
    Compression

    Raises
    ------
    ArgumentError
        Neither box nor data; surrogates that do not cover the data.

    Examples
    --------
    >>> import numpy as np
    >>> from symnet import Network, compress
    >>> net = Network.dense([[[0.5, -1.0], [1.0, 0.25]], [[1.0, -2.0]]],
    ...                     activations=["sigmoid", "identity"])
    >>> c = compress(net, box=(-1, 1), degree=3, terms=4)
    >>> c.coefficients, c.certified_error is not None
    (4, True)
    >>> print(c.latex_row())   # doctest: +ELLIPSIS
    a 2-2-1 network & 9 & 4 & 2.2 & ... \\\\
    """
    t0 = time.perf_counter()
    _check_network(net)
    from ..expand import expand
    if box is None and data is None:
        raise ArgumentError("compress needs a box (where the polynomial must hold; the error "
                            "is certified there) or data (inputs to fit and measure on)")
    if order is None:
        order = max(degree) if isinstance(degree, (list, tuple)) else degree
    order = as_order(order)
    if terms is not None:
        terms = as_int(terms, "terms", minimum=1)
    if refit is None:
        refit = terms is not None
    samples = as_int(samples, "samples", minimum=1)
    pairs = parse_box(box, net.n_inputs) if box is not None else None
    X = _as_data(net, data) if data is not None else None
    if surrogates is None:
        surrogates = fit_surrogates(net, box, data, degree=degree, method=method, per=per)
    elif X is not None:
        check_coverage(net, surrogates, data=X)
    poly = expand(net, order, surrogate=surrogates)
    polys = list(poly) if isinstance(poly, tuple) else [poly]
    if X is None:
        X, where = _sample_box(pairs, samples, seed), "points sampled uniformly in the box"
    else:
        where = "data points"
    Y = np.asarray(net(X), dtype=float).reshape(X.shape[0], net.n_outputs)
    if refit and X.shape[0] < 2:
        raise ShapeError("refitting by least squares needs data (at least 2 points)")
    if terms is not None or refit:
        polys = [_sparse_refit(p, X, Y[:, o], terms, refit, order) for o, p in enumerate(polys)]
    P = np.stack([np.asarray(p(X), dtype=float).reshape(-1) for p in polys], axis=1)
    E = Y - P
    max_err = float(np.abs(E).max())
    rms = float(np.sqrt(np.mean(E**2)))
    if classifier is None:
        classifier = net.n_outputs > 1
    agreement = None
    if classifier:
        if net.n_outputs > 1:
            agreement = float(np.mean(np.argmax(Y, axis=1) == np.argmax(P, axis=1)))
        else:
            agreement = float(np.mean((Y[:, 0] > 0) == (P[:, 0] > 0)))
    cert, reason, parts = None, None, {}
    if pairs is None:
        reason = "no box given"
    elif not certify:
        reason = "certify=False"
    else:
        target = tuple(polys) if len(polys) > 1 else polys[0]
        try:
            r = surrogate_expansion_bound(net, surrogates, target, box)
            cert = _float_up(r["bound"])
            parts = {"surrogate": r["surrogate"], "truncation": max(r["truncation"]),
                     "full_degree": r["full_degree"]}
        except (ResourceError, UncertifiedBoundError, NotSupportedError) as e:
            reason = str(e)
    coefficients = sum(p.nterms for p in polys)
    final = tuple(polys) if len(polys) > 1 else polys[0]
    return Compression(
        name=name or _describe(net), polynomial=final, network_parameters=net.n_parameters,
        coefficients=coefficients, order=order, degree=degree, terms=terms, refit=refit,
        method=method, surrogates=surrogates, certified_error=cert, certified_reason=reason,
        certified_parts=parts, max_error=max_err, rms_error=rms, agreement=agreement,
        n_points=X.shape[0], points=where, box=pairs, seconds=time.perf_counter() - t0)

