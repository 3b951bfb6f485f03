"""Importing scikit-learn multi-layer perceptrons.

:func:`from_sklearn` reads a fitted ``MLPRegressor`` or ``MLPClassifier`` --
alone or as the last step of a ``Pipeline`` whose earlier steps are
``StandardScaler`` / ``MinMaxScaler`` -- from its fitted attributes
(``coefs_``, ``intercepts_``, ``activation``, ``out_activation_``; the
scalers' ``mean_``, ``scale_``, ``min_``).  The scalers are folded into the
first layer exactly: in rational arithmetic on the binary values of the
float64 attributes, rounded once to float64 unless
``exact=True``.

The output activation is the one scikit-learn applies: the identity for a
regressor (``exp`` for ``loss="poisson"``), the logistic sigmoid for a binary
or multi-label classifier (the network's output is ``predict_proba(X)[:, 1]``
for a binary one).  symnet has no softmax: a multi-class classifier becomes
the network of its *logits* (one output per class, the identity on the last
layer), and the network records ``net.graph.graph["output_activation"] ==
"softmax"``; ``predict_proba(X)`` is ``softmax(net(X))``.

scikit-learn is an optional dependency (``pip install 'symnet[sklearn]'``).

Examples
--------
>>> import pytest; _ = pytest.importorskip("sklearn")
>>> import warnings, numpy as np
>>> from sklearn.neural_network import MLPClassifier
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from symnet import from_sklearn
>>> X = np.random.RandomState(0).normal(size=(60, 2)); y = X[:, 0] * X[:, 1] > 0
>>> mlp = MLPClassifier(hidden_layer_sizes=(4,), max_iter=30, random_state=0)
>>> model = make_pipeline(StandardScaler(), mlp)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")      # it has not converged in 30 iterations
...     model = model.fit(X, y)
>>> net = from_sklearn(model)
>>> net
<Network 2 -> 4 relu -> 1 sigmoid, inputs (x1, x2), float weights>
>>> bool(np.abs(net(X)[:, 0] - model.predict_proba(X)[:, 1]).max() < 1e-12)
True
"""

from __future__ import annotations

from ..errors import ArgumentError, NotSupportedError, ShapeError
from ._common import (_Affine, _check_exact_flag, _float_array, _frac, _network_from_chain,
                      _require)

__all__ = ["from_sklearn"]

#: scikit-learn's activation names -> symnet's (``exp``: MLPRegressor(loss="poisson")'s output)
_HIDDEN = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
_OUTPUT = dict(_HIDDEN, exp="exp")


def _plain(v):
    """A class label as plain JSON data (for the network's metadata), or None."""
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float) and np.isfinite(v):
        return v
    return None


def _check_length(v, n, where):
    """One entry per feature: numpy would broadcast a length-1 array silently."""
    if len(v) != n:
        raise ShapeError(f"{where} has {len(v)} entries but the scaler has n_features_in_ = "
                         f"{n}; expected one per feature")


def _scaler_step(step, name, n_in):
    """A fitted StandardScaler / MinMaxScaler as an elementwise affine map."""
    import numpy as np
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    kind = type(step).__name__
    where = f"step {name!r} ({kind})"
    if isinstance(step, StandardScaler):
        if not hasattr(step, "n_features_in_"):
            raise ArgumentError(f"{where} is not fitted")
        n = int(step.n_features_in_)
        mean = getattr(step, "mean_", None) if step.with_mean else None
        scale = getattr(step, "scale_", None) if step.with_std else None
        m = np.zeros(n) if mean is None else _float_array(mean, f"{where}.mean_", 1)
        s = np.ones(n) if scale is None else _float_array(scale, f"{where}.scale_", 1)
        _check_length(m, n, f"{where}.mean_")
        _check_length(s, n, f"{where}.scale_")
        if np.any(s == 0):
            raise NotSupportedError(f"{where}.scale_ has a zero entry")
        # (x - m) / s  =  (1/s) x - m/s, exactly
        a = np.array([1 / q for q in _frac(s)], dtype=object)
        c = -_frac(m) * a
        aff = _Affine(a=a, b=c, where=where)
    elif isinstance(step, MinMaxScaler):
        if not hasattr(step, "scale_"):
            raise ArgumentError(f"{where} is not fitted")
        if getattr(step, "clip", False):
            raise NotSupportedError(f"{where}.clip=True clips the scaled features to "
                                    f"{step.feature_range}, which is not affine; refit with "
                                    "clip=False")
        n = int(step.n_features_in_)
        aff = _Affine(a=_float_array(step.scale_, f"{where}.scale_", 1),
                      b=_float_array(step.min_, f"{where}.min_", 1), where=where)
        _check_length(aff.a, n, f"{where}.scale_")
        _check_length(aff.b, n, f"{where}.min_")
    else:
        raise NotSupportedError(
            f"pipeline step {name!r} ({kind}) is not supported; from_sklearn reads "
            "StandardScaler and MinMaxScaler steps followed by an MLPRegressor or MLPClassifier")
    if n_in is not None and n != n_in:
        raise ShapeError(f"{where} has {n} features but the step before it has {n_in}")
    return aff, n


def from_sklearn(model, exact=False, *, inputs=None):
    """A symnet Network from a fitted scikit-learn MLP (or a scaler + MLP Pipeline).

    Parameters
    ----------
    model : MLPRegressor, MLPClassifier or Pipeline
        Fitted.  Hidden activations ``identity``, ``logistic``, ``tanh``,
        ``relu``.  A ``Pipeline``'s steps before the MLP may be
        ``StandardScaler`` and ``MinMaxScaler`` (``clip=False``) or
        ``"passthrough"``; they are folded into the first layer exactly.
    exact : bool
        Weights as their exact binary values (sympy Rationals equal to
        ``Fraction(w)``), the scalers folded in exact arithmetic; default
        float64 (folded exactly, then rounded once).
    inputs : sequence of sympy Symbols, optional
        Default ``x1 ... xn``.

    Returns
    -------
    Network
        Its output is what scikit-learn computes after the output
        activation, except for multi-class classifiers: symnet has no
        softmax, so the network gives the logits, one output per class in
        the order of ``classes_``, and ``net.graph.graph`` holds
        ``{"output_activation": "softmax", "classes": [...]}`` (classifiers
        always record ``"classes"``; a binary classifier's single output is
        the probability of ``classes[1]``).

    Raises
    ------
    NotSupportedError
        For another estimator, pipeline step or activation, naming it; or
        when scikit-learn is missing.
    ArgumentError
        For an unfitted model.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("sklearn")
    >>> import numpy as np
    >>> from sklearn.neural_network import MLPRegressor
    >>> from symnet import from_sklearn
    >>> model = MLPRegressor(hidden_layer_sizes=(2,), activation="tanh")
    >>> model.coefs_ = [np.array([[0.5, -1.0]]), np.array([[1.0], [0.25]])]
    >>> model.intercepts_ = [np.array([0.0, 0.5]), np.array([0.125])]
    >>> model.n_features_in_, model.n_layers_, model.out_activation_ = 1, 3, "identity"
    >>> from_sklearn(model, exact=True).expr()
    tanh(x1/2) - tanh(x1 - 1/2)/4 + 1/8
    """
    _require("sklearn", "from_sklearn")
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import Pipeline

    _check_exact_flag(exact)
    steps = [("model", model)]
    if isinstance(model, Pipeline):
        steps = [(name, est) for name, est in model.steps
                 if est is not None and not (isinstance(est, str) and est == "passthrough")]
        if not steps:
            raise NotSupportedError("the pipeline has no steps")
    *pre, (mlp_name, mlp) = steps
    if not isinstance(mlp, (MLPRegressor, MLPClassifier)):
        where = f"pipeline step {mlp_name!r}" if len(steps) > 1 or isinstance(model, Pipeline) \
            else "the model"
        raise NotSupportedError(
            f"{where} is a {type(mlp).__name__}; from_sklearn reads MLPRegressor and "
            "MLPClassifier (alone or after StandardScaler/MinMaxScaler steps in a Pipeline)")
    chain, n_in = [], None
    for name, step in pre:
        aff, n = _scaler_step(step, name, n_in)
        chain.append(aff)
        n_in = n
    kind = type(mlp).__name__
    if not hasattr(mlp, "coefs_"):
        raise ArgumentError(f"the {kind} is not fitted (it has no coefs_)")
    hidden = _HIDDEN.get(mlp.activation)
    if hidden is None:
        raise NotSupportedError(f"{kind}.activation={mlp.activation!r} is not supported "
                                "(identity, logistic, tanh, relu are)")
    out = getattr(mlp, "out_activation_", None)
    attributes = {}
    if out == "softmax":
        out_name = "identity"
        attributes["output_activation"] = "softmax"
    elif out in _OUTPUT:
        out_name = _OUTPUT[out]
    else:
        raise NotSupportedError(f"{kind}.out_activation_={out!r} is not supported")
    if isinstance(mlp, MLPClassifier) and hasattr(mlp, "classes_"):
        classes = [_plain(c) for c in mlp.classes_]
        if all(c is not None for c in classes):
            attributes["classes"] = classes
    coefs, intercepts = list(mlp.coefs_), list(mlp.intercepts_)
    if len(coefs) != len(intercepts) or not coefs:
        raise ShapeError(f"{kind}: {len(coefs)} coefs_ but {len(intercepts)} intercepts_")
    n_features = coefs[0].shape[0] if getattr(coefs[0], "ndim", 0) == 2 else None
    if n_in is None:
        n_in = n_features
    elif n_features != n_in:
        raise ShapeError(f"{kind} expects {n_features} features but the scalers give {n_in}")
    for l, (W, b) in enumerate(zip(coefs, intercepts)):
        where = f"{kind} layer {l + 1}"
        W = _float_array(W, f"{where} (coefs_[{l}])", 2)
        b = _float_array(b, f"{where} (intercepts_[{l}])", 1)
        if b.shape[0] != W.shape[1]:
            raise ShapeError(f"{where}: coefs_[{l}] has shape {W.shape} but intercepts_[{l}] "
                             f"has {b.shape[0]} entries")
        chain.append(_Affine(W=W.T, b=b, where=where))
        last = l == len(coefs) - 1
        chain.append(("act", out_name if last else hidden, where))
    return _network_from_chain(chain, n_in, exact=exact, inputs=inputs,
                               attributes=attributes or None, src=kind)
