"""Plots: the largest coefficients, the network against its polynomial, error against order.

Every function returns a :class:`matplotlib.figure.Figure` (made without
``pyplot``, so nothing is left open and no GUI backend is needed) or draws
into the ``ax`` it is given.  matplotlib is the optional ``plot`` extra and
is imported inside the functions.  Save with ``fig.savefig("f.png")``; in
Jupyter a returned figure is displayed.

Examples
--------
>>> import symnet
>>> net = symnet.Network.dense([[[1, 2], [-1, 1]], [[1, -1]]], activations="tanh")
>>> fig = symnet.plot_coefficients(symnet.expand(net, 3), top=5)
>>> [t.get_text() for t in fig.axes[0].get_xticklabels()][:2]
['$x_{1} x_{2}^{2}$', '$x_{2}^{3}$']
"""

from __future__ import annotations

import numbers

from ..errors import (ArgumentError, DependencyError, DomainError, InputError, ShapeError, WeightError)
from ..network import Network
from ..polynomial import Polynomial

__all__ = ["plot_coefficients", "plot_diagonal", "plot_error_vs_order"]

_POS, _NEG = "#1f77b4", "#d62728"


def _mpl():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover
        raise DependencyError("plotting needs matplotlib: pip install 'symnet[plot]'") from None
    return Figure


def _ipython_display():
    """In IPython without an inline backend, let returned Figures display as PNG."""
    import sys
    if "IPython" not in sys.modules:
        return
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure
        from matplotlib.figure import Figure
        ip = get_ipython()
        if ip is None:
            return
        png = ip.display_formatter.formatters["image/png"]
        try:
            png.lookup_by_type(Figure)
        except KeyError:
            png.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight"))
    except Exception:  # pragma: no cover - display is a convenience only
        pass


def _figure(ax, n=1, size=(6.4, 4.0)):
    _ipython_display()
    if ax is not None:
        axes = list(ax) if isinstance(ax, (list, tuple)) else [ax]
        if len(axes) != n:
            raise ShapeError(f"expected {n} axes (one per output), got {len(axes)}")
        return axes[0].figure, axes
    Figure = _mpl()
    fig = Figure(figsize=(size[0] * (1 if n == 1 else 0.75 * n), size[1]), layout="constrained")
    axes = [fig.add_subplot(1, n, k + 1) for k in range(n)]
    return fig, axes


def _polys(poly):
    polys = [poly] if isinstance(poly, Polynomial) else list(poly) \
        if isinstance(poly, (tuple, list)) else None
    if not polys or not all(isinstance(p, Polynomial) for p in polys):
        raise InputError(f"expected a Polynomial or a tuple of them (one per output), got "
                          f"{type(poly).__name__}")
    return polys


def _check_count(v, name):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
        raise ArgumentError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def plot_coefficients(poly, top=20, *, labels="monomial", include_constant=True, ax=None,
                      title=None):
    """The ``top`` largest coefficients by magnitude as a bar chart (as NN2Poly draws them).

    Bars are ordered by absolute value, keep their sign, and are coloured by
    it (blue positive, red negative).

    Parameters
    ----------
    poly : Polynomial or tuple of Polynomial
        A tuple (several outputs) gives one panel per output.
    top : int
        Number of bars per panel (default 20).
    labels : {"monomial", "nn2poly"}
        Tick labels: the monomial (``x_1^2 x_2``) or NN2Poly's label (``1,1,2``).
    include_constant : bool
        Whether the intercept competes for a bar (default True).
    ax : matplotlib Axes or a sequence of them (one per output), optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import symnet
    >>> net = symnet.Network.dense([[[1, 2]]], activations=["sigmoid"])
    >>> fig = symnet.plot_coefficients(symnet.expand(net, 3), top=3, labels="nn2poly")
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()], [float(b.get_height()) for b in ax.patches]
    (['0', '2', '1'], [0.5, 0.5, 0.25])
    """
    import sympy

    from ..monomials import nn2poly_label

    polys = _polys(poly)
    top = _check_count(top, "top")
    if labels not in ("monomial", "nn2poly"):
        raise ArgumentError(f"labels must be 'monomial' or 'nn2poly', got {labels!r}")
    fig, axes = _figure(ax, len(polys))
    for k, (p, a) in enumerate(zip(polys, axes)):
        items = []
        for e, c in p.terms().items():
            if not include_constant and not any(e):
                continue
            try:
                items.append((e, float(c)))
            except TypeError:
                raise DomainError(f"the coefficient {c} of {e} is not a number; substitute the "
                                  "symbols in the weights first (net.subs(...))") from None
        items.sort(key=lambda ec: (-abs(ec[1]), sum(ec[0])))
        items = items[:top]
        vals = [c for _, c in items]
        if labels == "nn2poly":
            ticks = [nn2poly_label(e) for e, _ in items]
        else:
            ticks = [f"${sympy.latex(p.monomial(e))}$" for e, _ in items]
        a.bar(range(len(vals)), vals, color=[_POS if v >= 0 else _NEG for v in vals])
        a.axhline(0, color="0.3", linewidth=0.8)
        a.set_xticks(range(len(vals)))
        a.set_xticklabels(ticks, rotation=60 if len(vals) > 6 else 0,
                          ha="right" if len(vals) > 6 else "center")
        a.set_ylabel("coefficient")
        kind = "Taylor" if any(c != 0 for c in p.center) else "polynomial"
        head = f"top {len(vals)} of {p.nterms} {kind} coefficients (order {p.order})"
        a.set_title(title if title is not None else
                    (head if len(polys) == 1 else f"output {k + 1}: {head}"),
                    fontsize="medium")
        from matplotlib.patches import Patch
        a.legend(handles=[Patch(color=_POS, label="positive"), Patch(color=_NEG,
                                                                     label="negative")],
                 loc="upper right", fontsize="small")
    return fig


def _sample(n_inputs, n, radius, seed, center=None):
    import numpy as np

    rng = np.random.RandomState(seed)
    X = rng.uniform(-radius, radius, size=(n, n_inputs))
    if center is not None:
        X = X + np.array([float(c) for c in center])
    return X


def _check_net(net):
    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}")
    if net.is_symbolic:
        raise WeightError(f"the weights contain the symbols {sorted(map(str, net.free_symbols))};"
                          " substitute them first with net.subs(...)")


def plot_diagonal(net, poly=None, X=None, *, order=3, n=500, radius=0.5, seed=0, ax=None,
                  title=None):
    """The network against its polynomial on sample inputs (points on the diagonal agree).

    Parameters
    ----------
    net : Network
    poly : Polynomial or tuple of them, optional
        Default ``symnet.expand(net, order)``.
    X : array of shape (n_samples, n_inputs), optional
        Default ``n`` points uniform in the cube of half-width ``radius``
        around the polynomial's centre (the origin unless Taylor mode).
    order, n, radius, seed
        For the defaults above.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import symnet
    >>> net = symnet.Network.dense([[[1.0, 2.0]], [[0.5]]], activations="tanh")
    >>> fig = symnet.plot_diagonal(net, order=5, n=50)
    >>> len(fig.axes[0].collections[0].get_offsets())
    50
    """
    import numpy as np

    from ..expand import expand

    _check_net(net)
    polys = _polys(expand(net, order) if poly is None else poly)
    if len(polys) != net.n_outputs:
        raise ShapeError(f"the network has {net.n_outputs} outputs but {len(polys)} "
                         "polynomials were given")
    if X is None:
        X = _sample(net.n_inputs, _check_count(n, "n"), radius, seed, polys[0].center)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != net.n_inputs:
        raise ShapeError(f"expected X of shape (n_samples, {net.n_inputs}), got {X.shape}")
    Y = net(X)
    fig, (a,) = _figure(ax, 1, size=(5.0, 5.0))
    lo, hi = np.inf, -np.inf
    worst = 0.0
    for k, p in enumerate(polys):
        P = p(X)
        lo, hi = min(lo, Y[:, k].min(), P.min()), max(hi, Y[:, k].max(), P.max())
        worst = max(worst, float(np.abs(P - Y[:, k]).max()))
        a.scatter(Y[:, k], P, s=9, alpha=0.6,
                  label=f"output {k + 1}" if len(polys) > 1 else None)
    pad = 0.05 * (hi - lo or 1.0)
    a.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.3", linewidth=1,
           linestyle="--", label="y = x")
    a.set_xlim(lo - pad, hi + pad)
    a.set_ylim(lo - pad, hi + pad)
    a.set_aspect("equal")
    a.set_xlabel("network")
    a.set_ylabel(f"polynomial (order {polys[0].order})")
    a.set_title(title if title is not None else
                f"{len(X)} points, max |network - polynomial| = {worst:.2e}", fontsize="medium")
    a.legend(loc="upper left", fontsize="small")
    return fig


def plot_error_vs_order(net, orders=range(1, 8), X=None, *, mode="series", at=None, n=500,
                        radius=0.5, seed=0, ax=None, title=None):
    """Max and mean error of the polynomial against the network, by order (log scale).

    Parameters
    ----------
    net : Network
    orders : iterable of int
        Orders to expand at (in float64).
    X : array of shape (n_samples, n_inputs), optional
        Default ``n`` points uniform in the cube of half-width ``radius``
        around the expansion point.
    mode : {"series", "taylor"}
    at : sequence, optional
        Taylor mode: the expansion point.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[0].lines[0]`` holds the max errors, ``lines[1]`` the mean.

    Examples
    --------
    >>> import symnet
    >>> net = symnet.Network.dense([[[0.5, -1.0]], [[1.0]]], activations="tanh")
    >>> fig = symnet.plot_error_vs_order(net, orders=[1, 3, 5], n=100)
    >>> errs = fig.axes[0].lines[0].get_ydata()
    >>> bool(errs[0] > errs[1] > errs[2])
    True
    """
    import numpy as np

    from ..expand import expand

    _check_net(net)
    orders = [int(q) for q in orders]
    if not orders or any(q < 0 for q in orders):
        raise ArgumentError(f"orders must be non-negative integers, got {orders}")
    kw = {"mode": mode, "domain": "RR"}
    if mode == "taylor" and at is not None:
        kw["at"] = at
    if X is None:
        X = _sample(net.n_inputs, _check_count(n, "n"), radius, seed,
                    at if mode == "taylor" else None)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != net.n_inputs:
        raise ShapeError(f"expected X of shape (n_samples, {net.n_inputs}), got {X.shape}")
    Y = net(X)
    mx, mean = [], []
    for q in orders:
        polys = _polys(expand(net, q, **kw))
        E = np.abs(np.stack([p(X) for p in polys], axis=1) - Y)
        mx.append(float(E.max()))
        mean.append(float(E.mean()))
    fig, (a,) = _figure(ax, 1)
    tiny = np.finfo(float).tiny
    a.semilogy(orders, np.maximum(mx, tiny), marker="o", label="max error")
    a.semilogy(orders, np.maximum(mean, tiny), marker="s", label="mean error")
    a.set_xlabel("order")
    a.set_ylabel("|network - polynomial|")
    a.set_xticks(orders)
    a.grid(True, which="both", alpha=0.3)
    a.legend(fontsize="small")
    a.set_title(title if title is not None else
                f"{mode} mode, {len(X)} points", fontsize="medium")
    return fig
