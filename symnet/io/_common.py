"""Shared machinery of the importers: optional packages, weights and dense chains.

An importer describes a model as a *chain* of steps -- affine maps
(:class:`_Affine`, a full matrix or an elementwise scale and shift) and
activation names -- and :func:`_network_from_chain` turns the chain into a
:meth:`Network.dense <symnet.Network.dense>` network: consecutive affine maps
are composed exactly (rational arithmetic on the weights' binary values, with
python-flint's ``fmpq``), each activation closes a layer.

Examples
--------
>>> import numpy as np
>>> from symnet.io._common import _Affine, _network_from_chain
>>> scale = _Affine(a=np.array([0.5, 2.0]), b=np.array([1.0, 0.0]))       # x -> a*x + b
>>> dense = _Affine(W=np.array([[1.0, 1.0]]), b=np.array([0.25]))
>>> _network_from_chain([scale, dense, ("act", "tanh", "layer")], 2, exact=True).expr()
tanh(x1/2 + 2*x2 + 5/4)
"""

from __future__ import annotations

import importlib
import numbers
from fractions import Fraction

import sympy

from ..errors import ArgumentError, NotSupportedError, ShapeError, WeightError

__all__: list[str] = []   # private helpers of the importers, imported by name within symnet.io


#: optional package -> (pip name, symnet extra)
_PACKAGES = {"sklearn": ("scikit-learn", "sklearn"), "onnx": ("onnx", "onnx"),
             "h5py": ("h5py", "keras")}


def _require(module, what):
    """Import an optional package, or raise NotSupportedError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pip, extra = _PACKAGES.get(module, (module, module))
        raise NotSupportedError(f"{what} needs the optional package {pip}: pip install "
                                f"'symnet[{extra}]' (or pip install {pip})") from None


def _converter(exact, rationalize):
    """float -> float (default), its exact binary value, or the nearest k/rationalize."""
    if exact and rationalize is not None:
        raise ArgumentError("pass either exact=True or rationalize=k, not both")
    if rationalize is not None:
        if isinstance(rationalize, bool) or not isinstance(rationalize, numbers.Integral) \
                or rationalize < 1:
            raise ArgumentError(f"rationalize must be a positive integer (the denominator, e.g. "
                              f"64), got {rationalize!r}")
        k = int(rationalize)
        return lambda w: sympy.Rational(round(Fraction(w) * k), k)
    if exact:
        return lambda w: sympy.Rational(Fraction(w))
    return lambda w: w


def _check_exact_flag(exact):
    if not isinstance(exact, bool):
        raise ArgumentError(f"exact must be True or False, got {exact!r}")


# ---------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------

def _float_array(value, where, ndim=None):
    """A numeric array as float64; refuses what float64 cannot hold exactly, NaN and infinities."""
    import numpy as np

    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind in "USbcmM":
        raise WeightError(f"{where}: expected real numbers, got an array of dtype {arr.dtype}")
    try:   # float16/32/64, and ml_dtypes' bfloat16 (kind 'V'), convert exactly
        f = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise WeightError(f"{where}: expected real numbers, got an array of dtype "
                          f"{arr.dtype}") from None
    if arr.dtype.kind in "iu" and arr.size and np.abs(arr).max() > 2**53:
        raise WeightError(f"{where}: integers above 2**53 are not exact as float64")
    if not np.isfinite(f).all():
        bad = f[~np.isfinite(f)].ravel()[0]
        raise WeightError(f"{where}: weights must be finite, got {bad!r}")
    if ndim is not None and f.ndim != ndim:
        raise ShapeError(f"{where}: expected a {ndim}-D array, got shape {f.shape}")
    return f


def _q(v):
    """An exact rational (python-flint's fmpq) of an int, float, Fraction or fmpq."""
    import flint

    if isinstance(v, flint.fmpq):
        return v
    if isinstance(v, Fraction):
        return flint.fmpq(v.numerator, v.denominator)
    if isinstance(v, numbers.Integral):
        return flint.fmpq(int(v))
    return flint.fmpq(*float(v).as_integer_ratio())


def _frac(arr):
    """An object array of exact rationals (fmpq) with the values of ``arr``."""
    import numpy as np

    out = np.empty(arr.shape, dtype=object)
    flat = out.reshape(-1)
    if arr.dtype == object:
        for i, v in enumerate(arr.reshape(-1)):
            flat[i] = _q(v)
        return out
    import flint
    for i, v in enumerate(arr.reshape(-1).tolist()):
        flat[i] = flint.fmpq(*v.as_integer_ratio())
    return out


def _all_equal(arr, value):
    import numpy as np

    if arr.dtype == object:
        return all(v == value for v in arr.reshape(-1))
    return bool(np.all(arr == value))


def _finish(arr, exact):
    """Float64 (default) or exact Fractions (Network.dense makes them sympy Rationals)."""
    import numpy as np

    if exact:
        out = np.empty(arr.shape, dtype=object)
        flat = out.reshape(-1)
        if arr.dtype == object:
            for i, v in enumerate(arr.reshape(-1)):
                v = _q(v)
                flat[i] = Fraction(int(v.p), int(v.q))
        else:
            for i, v in enumerate(arr.reshape(-1).tolist()):
                flat[i] = Fraction(*v.as_integer_ratio())
        return out
    if arr.dtype == object:   # folded exactly: round once (int / int is correctly rounded)
        vals = [_q(v) for v in arr.reshape(-1)]
        return np.array([int(v.p) / int(v.q) for v in vals], dtype=np.float64).reshape(arr.shape)
    return arr


class _Affine:
    """``y = W x + b`` (``W`` of shape ``(n_out, n_in)``), or ``y = a * x + b`` elementwise.

    Arrays are float64 (a weight as stored) or object arrays of exact
    rationals (fmpq; the result of exact composition).
    """

    __slots__ = ("W", "a", "b", "where")

    def __init__(self, W=None, b=None, a=None, where="layer"):
        import numpy as np

        if (W is None) == (a is None):
            raise ArgumentError("give W or a")  # pragma: no cover - internal misuse
        self.W, self.a, self.where = W, a, where
        n = W.shape[0] if W is not None else a.shape[0]
        self.b = np.zeros(n) if b is None else b

    @property
    def n_out(self):
        return self.b.shape[0]

    @property
    def n_in(self):
        return self.W.shape[1] if self.W is not None else self.a.shape[0]

    def full(self):
        import numpy as np

        if self.W is not None:
            return self.W
        n = self.a.shape[0]
        if self.a.dtype == object:
            W = np.full((n, n), _q(0), dtype=object)
        else:
            W = np.zeros((n, n))
        for i in range(n):
            W[i, i] = self.a[i]
        return W


def _dot(W, v):
    return _frac(W).dot(_frac(v))


def _compose(outer, inner):
    """``outer(inner(x))`` as one affine map, exactly."""
    import numpy as np

    bo = outer.b
    if outer.W is None:
        ao = outer.a
        ones = _all_equal(ao, 1)
        b = inner.b if ones else _frac(ao) * _frac(inner.b)
        if not _all_equal(bo, 0):
            b = _frac(b) + _frac(bo)
        if inner.W is None:
            a = inner.a if ones else _frac(ao) * _frac(inner.a)
            return _Affine(a=a, b=b, where=inner.where)
        W = inner.W if ones else _frac(ao)[:, None] * _frac(inner.W)
        return _Affine(W=W, b=b, where=inner.where)
    Wo = outer.W
    if inner.W is None:
        ai = inner.a
        W = Wo if _all_equal(ai, 1) else _frac(Wo) * _frac(ai)[None, :]
    else:
        W = _frac(Wo).dot(_frac(inner.W))
    b = bo if _all_equal(inner.b, 0) else _frac(bo) + _dot(Wo, inner.b)
    return _Affine(W=np.asarray(W), b=np.asarray(b), where=outer.where)


# ---------------------------------------------------------------------------
# chains -> networks
# ---------------------------------------------------------------------------

def _network_from_chain(steps, n_in, *, exact=False, inputs=None, attributes=None,
                        src="model"):
    """A dense Network from a chain of :class:`_Affine` maps and ``("act", name, where)``.

    Each full affine map (a weight matrix) starts a layer, which the next
    activation closes (the identity when another matrix or the end comes
    first); elementwise maps (scalers, normalisation) are folded exactly into
    the matrix next to them; an activation with no matrix before it gets the
    identity matrix.
    """
    import numpy as np

    from ..network import Network
    from ._activations import _activation

    layers = []
    pending = None
    width = n_in
    for step in steps:
        if isinstance(step, _Affine):
            if step.n_in != width:
                raise ShapeError(f"{src}: {step.where}: expects {step.n_in} inputs, but "
                                 f"the layer before it has {width} outputs")
            if pending is not None and pending.W is not None and step.W is not None:
                layers.append((pending, "identity"))      # Linear, Linear: two layers
                pending = None
            pending = step if pending is None else _compose(step, pending)
            width = step.n_out
            continue
        _, name, where = step
        try:
            name = _activation(name).name
        except NotSupportedError as e:
            raise NotSupportedError(f"{src}: {where}: {e}") from None
        if name == "identity":
            continue
        if pending is None:
            pending = _Affine(a=np.ones(width), where=where)
        layers.append((pending, name))
        pending = None
    if pending is not None:
        layers.append((pending, "identity"))
    if not layers:
        raise NotSupportedError(f"{src}: the model has no dense layer and no activation")
    Ws = [_finish(p.full(), exact) for p, _ in layers]
    bs = [_finish(p.b, exact) for p, _ in layers]
    net = Network.dense(Ws, bs, activations=[a for _, a in layers], inputs=inputs)
    if attributes:
        net = net.with_metadata(**attributes)
    return net
