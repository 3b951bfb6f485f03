"""Training as equation solving: fit the Super Space polynomial, then solve for the weights.

:func:`fit_network` fits the data's polynomial of degree ``<= order`` by
least squares on monomial features (:class:`SuperSpaceRegressor`), then
solves the template's coefficient equations for its weights
(:func:`solve_weights`).  With the default ``objective="data"`` the numeric
solve minimises ``||R (c(W) - t)||`` where ``R`` is the triangular factor of
the feature matrix, which equals the data error of the network's polynomial
``||F c(W) - y||`` up to a constant: the two steps together are least
squares on the data, with the network's polynomial as the model.

Examples
--------
>>> import numpy as np
>>> from symnet import Network
>>> from symnet.fit import fit_network
>>> X = np.linspace(-1, 1, 41).reshape(-1, 1)
>>> y = 2 * np.tanh(X[:, 0])
>>> template = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
>>> fit = fit_network(template, X, y, 7, starts=8)
>>> fit.status   # no weights reproduce the data's polynomial exactly: least squares
'approximate'
>>> bool(fit.rmse < 0.01), round(abs(fit.weights[template.parameters()[0]]), 2)
(True, 0.96)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import sympy

from .._validate import as_int, as_order
from ..errors import ArgumentError, ShapeError
from ..expand import expand
from .equations import check_template, unknowns_of
from .features import _features, as_data, feature_count
from .regression import SuperSpaceRegressor, _as_ridge, _penalty_mask
from .solve import solve_weights

__all__ = ["fit_network", "NetworkFit"]


@dataclass
class NetworkFit:
    """What :func:`fit_network` found.

    Attributes
    ----------
    network : Network or None
        The template with the fitted weights (None when every start diverged).
    weights : dict
        ``{Symbol: value}``.
    polynomial : Polynomial
        The Super Space fit: the data's least-squares polynomial.
    network_polynomial : Polynomial or None
        The fitted network's own polynomial at the same order (what the
        equations matched to ``polynomial``).
    solutions : WeightSolutions
        The full report of :func:`solve_weights`.
    status : str
        ``solutions.status``: ``"solved"`` when the network reproduces the
        polynomial exactly, ``"approximate"`` for a least-squares match.
    rmse : float
        Root-mean-square error of the network (true activations) on the data.
    polynomial_rmse, network_polynomial_rmse : float
        The same for the Super Space polynomial and for the network's polynomial.
    torch : dict or None
        With ``compare_torch=True``: the same architecture trained by
        gradient descent (Adam) on the same data: ``rmse``, ``epochs``,
        ``seconds`` (or ``skipped``: why not).
    seconds : float

    Examples
    --------
    >>> import numpy as np
    >>> from symnet import Network
    >>> from symnet.fit import fit_network
    >>> X = np.linspace(-1, 1, 21).reshape(-1, 1)
    >>> fit = fit_network(Network.mlp([1, 1, 1], activation=["tanh", "identity"]), X,
    ...                   0.5 * X[:, 0] - X[:, 0] ** 3 / 24, 3, starts=4)
    >>> fit.status, round(fit.network_polynomial_rmse, 12)
    ('solved', 0.0)
    >>> print(str(fit).splitlines()[0])
    fit_network: order 3, 21 rows, 4 weights; solve_weights numeric: solved
    """

    network: object
    weights: dict
    polynomial: object
    network_polynomial: object
    solutions: object
    status: str
    rmse: float
    polynomial_rmse: float
    network_polynomial_rmse: float
    n_samples: int
    order: int
    torch: dict | None = None
    seconds: float = 0.0
    notes: list = field(default_factory=list)

    def _lines(self):
        sol = self.solutions
        lines = [f"fit_network: order {self.order}, {self.n_samples} rows, "
                 f"{len(sol.unknowns)} weights; solve_weights {sol.method}: {self.status}",
                 f"Super Space polynomial   RMSE {_f(self.polynomial_rmse)}",
                 f"network's polynomial     RMSE {_f(self.network_polynomial_rmse)}",
                 f"network (true {_acts(self.network)})  RMSE {_f(self.rmse)}"]
        if self.torch is not None:
            if "skipped" in self.torch:
                lines.append(f"gradient descent: skipped ({self.torch['skipped']})")
            else:
                lines.append(f"gradient descent (torch Adam, {self.torch['epochs']} epochs, "
                             f"{self.torch['seconds']:.1f} s)  RMSE {_f(self.torch['rmse'])}")
        lines.extend(self.notes)
        if self.weights:
            w = max(len(str(u)) for u in self.weights)
            lines.append("weights:")
            lines.extend(f"  {str(u).ljust(w)} = {_f(v)}" for u, v in self.weights.items())
        return lines

    def _sympystr(self, printer=None):
        return "\n".join(self._lines())

    def _latex(self, printer=None):
        rows = [f"\\text{{{ln.strip()}}}".replace("_", "\\_") for ln in self._lines()[:4]]
        if self.weights:
            p = printer._print if printer is not None else sympy.latex
            rows.append(", ".join(f"{p(u)} = {_f(v)}" for u, v in self.weights.items()))
        return "\\begin{gathered}\n" + " \\\\\n".join(rows) + "\n\\end{gathered}"

    def _repr_latex_(self):
        return "$\\displaystyle " + self._latex() + "$"

    def __str__(self):
        return self._sympystr()

    def __repr__(self):
        return (f"<NetworkFit {self.status}: RMSE {_f(self.rmse)} (Super Space polynomial "
                f"{_f(self.polynomial_rmse)})>")


def _acts(net):
    if net is None:
        return "activations"
    names = sorted({a.name for s in net.stages() for a in s.activations} - {"identity"})
    return "/".join(names) or "identity"


def _f(v):
    if v is None:
        return "-"
    if isinstance(v, (float, np.floating)):
        return "nan" if not math.isfinite(v) else f"{float(v):.6g}"
    return str(v)


def _rmse(pred, y):
    pred = np.asarray(pred, dtype=float).reshape(-1)
    return float(np.sqrt(np.mean((pred - y) ** 2)))


def fit_network(template, X, y, order, *, ridge=0.0, method="numeric", objective="data",
                mode="series", series_degree=None, starts=32, seed=0, scale=1.0, tol=1e-9,
                compare_torch=False, torch_epochs=2000, torch_lr=0.01, **solve_options):
    """Fit a network to data by equation solving instead of gradient descent.

    Step 1: the Super Space polynomial ``t`` of the data (least squares on
    the monomial features of ``X``, exact for exact data).  Step 2: the
    template's weights from ``c_alpha(W) = t_alpha`` (:func:`solve_weights`).

    Parameters
    ----------
    template : Network
        Symbolic weights (e.g. ``Network.mlp([2, 3, 1], activation=["tanh", "identity"])``),
        one output; its inputs name the columns of ``X``.
    X : array_like, shape (n_samples, n_inputs)
    y : array_like, shape (n_samples,)
    order : int
    ridge : float
        Ridge penalty of step 1 (and of the data objective).
    method : {"numeric", "exact"}
        How to solve step 2 (see :func:`solve_weights`); ``"exact"`` only
        finds weights when the template reproduces ``t`` exactly.
    objective : {"data", "coefficients"}
        Numeric: minimise the data error of the network's polynomial
        (default), or the plain coefficient error ``||c(W) - t||``.
    mode, series_degree, starts, seed, scale, tol
        Passed to :func:`solve_weights`.
    compare_torch : bool
        Also train the same architecture by gradient descent (torch Adam,
        full batch, float64, ``torch_epochs`` steps at ``torch_lr``) on the
        same data, when torch is installed.
    **solve_options
        Further options of :func:`solve_weights`.

    Returns
    -------
    NetworkFit

    Examples
    --------
    Data from a planted polynomial that a single tanh neuron realises:

    >>> from fractions import Fraction
    >>> from symnet import Network
    >>> from symnet.fit import fit_network
    >>> X = [[Fraction(k, 4)] for k in range(-6, 7)]
    >>> y = [2 * x - Fraction(2, 3) * x ** 3 for (x,) in X]
    >>> net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    >>> fit = fit_network(net, X, y, 3, method="exact")
    >>> fit.status, len(fit.solutions.solutions)
    ('finite', 2)
    >>> fit.network.expr()
    2*tanh(x1)
    """
    t0 = time.perf_counter()
    template = check_template(template, "template")
    order = as_order(order)
    if objective not in ("data", "coefficients"):
        raise ArgumentError(f"objective: expected 'data' or 'coefficients', got {objective!r}")
    if method not in ("numeric", "exact"):
        raise ArgumentError(f"method: expected 'numeric' or 'exact', got {method!r}")
    if not unknowns_of(template):
        raise ArgumentError("template: no symbolic weights to fit; build it with "
                            "Network.mlp(...) or Symbols as weights")
    A, _ = as_data(X, "X", columns=template.n_inputs)
    yf, _ = as_data(y, "y", exact=False, ndim=1)
    if yf.shape[0] != A.shape[0]:
        raise ShapeError(f"X has {A.shape[0]} rows but y has {yf.shape[0]}")
    reg = SuperSpaceRegressor(order, ridge=ridge, inputs=template.inputs).fit(X, y)
    target = reg.polynomial_
    Xf, _ = as_data(X, "X", exact=False)
    weight_matrix = None
    if method == "numeric" and objective == "data":
        weight_matrix = _data_metric(Xf, order, ridge)
    sol = solve_weights(template, target, order, method, mode=mode, series_degree=series_degree,
                        starts=starts, seed=seed, scale=scale, tol=tol,
                        weight_matrix=weight_matrix, **solve_options)
    weights = {}
    if sol.orbits and sol.orbits[0].is_solution:
        weights = dict(sol.orbits[0].representative)
    elif sol.solutions:
        weights = dict(sol.solutions[0])
    elif sol.best is not None:
        weights = dict(sol.best)
    notes = []
    network = net_poly = None
    rmse = net_poly_rmse = float("nan")
    if weights and all(not (isinstance(v, sympy.Basic) and v.free_symbols)
                       for v in weights.values()):
        network = template.subs(weights)
        rmse = _rmse(network(Xf), yf)
        kw = {"series_degree": series_degree} if mode == "series" else {}
        net_poly = expand(network, order, mode=mode, **kw)
        net_poly_rmse = _rmse(net_poly.as_float()(Xf), yf)
    elif weights:
        notes.append("the solutions form families: pick the parameters and call "
                     "template.subs(solution)")
    elif not sol.solutions:
        notes.append(f"no weights: solve_weights reports {sol.status}")
    torch_report = None
    if compare_torch:
        torch_report = _torch_baseline(template, Xf, yf, torch_epochs, torch_lr, seed)
    return NetworkFit(network=network, weights=weights, polynomial=target,
                      network_polynomial=net_poly, solutions=sol, status=sol.status,
                      rmse=rmse, polynomial_rmse=_rmse(target.as_float()(Xf), yf),
                      network_polynomial_rmse=net_poly_rmse, n_samples=A.shape[0], order=order,
                      torch=torch_report, seconds=time.perf_counter() - t0, notes=notes)


def _data_metric(Xf, order, ridge):
    """R of the QR factorisation of the (ridge-augmented) feature matrix: ||R c|| = ||F c||."""
    F = _features(Xf, False, order)
    m = feature_count(Xf.shape[1], order)
    _, r = _as_ridge(ridge)
    if r > 0:
        pen = _penalty_mask(m, True)
        rows = np.nonzero(pen)[0]
        aug = np.zeros((len(rows), m))
        aug[np.arange(len(rows)), rows] = math.sqrt(r)
        F = np.vstack([F, aug])
    R = np.linalg.qr(F, mode="r")
    return R


_TORCH_ACTS = {
    "identity": lambda t, z: z, "tanh": lambda t, z: t.tanh(z),
    "sigmoid": lambda t, z: t.sigmoid(z), "relu": lambda t, z: t.relu(z),
    "sin": lambda t, z: t.sin(z), "cos": lambda t, z: t.cos(z), "exp": lambda t, z: t.exp(z),
    "erf": lambda t, z: t.erf(z), "square": lambda t, z: z * z,
    "softplus": lambda t, z: t.nn.functional.softplus(z),
    "silu": lambda t, z: t.nn.functional.silu(z),
    "gelu": lambda t, z: t.nn.functional.gelu(z),
}


def _torch_baseline(template, X, y, epochs, lr, seed):
    """The template's architecture, all weights free, trained by Adam on (X, y)."""
    try:
        import torch
    except ImportError:
        return {"skipped": "torch is not installed"}
    epochs = as_int(epochs, "torch_epochs", minimum=1)
    _, lr = _as_ridge(lr, "torch_lr")
    stages = template.stages()
    n_in = template.n_inputs
    prev = list(range(n_in))
    pos = n_in
    layers = []
    for s in stages:
        if list(s.sources) != prev:
            return {"skipped": "the template is not a chain of dense layers"}
        names = {a.name for a in s.activations}
        if len(names) != 1 or next(iter(names)) not in _TORCH_ACTS:
            return {"skipped": f"no torch activation for {sorted(names)}"}
        layers.append((len(s.sources), len(s.nodes), _TORCH_ACTS[next(iter(names))]))
        prev = list(range(pos, pos + len(s.nodes)))
        pos += len(s.nodes)
    g = torch.Generator().manual_seed(0 if seed is None else int(seed))
    params = []
    for a, b, _ in layers:
        bound = 1 / math.sqrt(a)
        W = ((torch.rand(b, a, generator=g, dtype=torch.float64) * 2 - 1) * bound)
        c = ((torch.rand(b, generator=g, dtype=torch.float64) * 2 - 1) * bound)
        params += [W.requires_grad_(), c.requires_grad_()]
    Xt = torch.tensor(X, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)

    def forward():
        h = Xt
        for k, (_, _, act) in enumerate(layers):
            h = act(torch, h @ params[2 * k].T + params[2 * k + 1])
        return h[:, 0]

    opt = torch.optim.Adam(params, lr=lr)
    t0 = time.perf_counter()
    for _ in range(epochs):
        opt.zero_grad()
        loss = ((forward() - yt) ** 2).mean()
        loss.backward()
        opt.step()
    with torch.no_grad():
        rmse = float(((forward() - yt) ** 2).mean().sqrt())
    return {"rmse": rmse, "epochs": epochs, "seconds": time.perf_counter() - t0}
