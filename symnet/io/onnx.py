"""Importing ONNX models, read with the ``onnx`` package and never executed.

:func:`from_onnx` walks the graph of a feed-forward network -- one input of
shape ``(batch, n)`` (or ``(batch, ...)`` flattened first), one output --
node by node, with the initializers read by ``onnx.numpy_helper``:

* affine nodes: ``Gemm`` (``transB``, ``alpha``, ``beta``; the data as
  ``A`` with ``transA=0``), ``MatMul`` followed by ``Add``, and elementwise
  ``Add`` / ``Sub`` / ``Mul`` / ``Div`` / ``Neg`` by constants -- such as the
  ``Sub``/``Div`` normalisation before the first layer -- folded exactly
  into the neighbouring weight matrix;
* activations: ``Relu``, ``LeakyRelu`` (``alpha``), ``Tanh``, ``Sigmoid``,
  ``Softplus``, ``Clip`` (``hardtanh[lo,hi]``), ``Gelu`` (opset 20; its
  ``approximate`` attribute), ``Erf``, ``Exp``, ``Sin``, ``Cos`` -- a
  parameter such as ``alpha`` taken at the exact value of the stored float32
  number (``LeakyRelu(alpha=0.2)`` is ``leaky_relu[13421773/67108864]``,
  which is what the model computes) -- and the
  elementwise subgraphs exporters write for activations without an op of
  their own: the erf form of GELU ``x*0.5*(1 + erf(x/sqrt(2)))``, the tanh
  approximation of GELU, SiLU ``x*sigmoid(x)``, ``Softplus`` with a
  ``beta``.  An elementwise subgraph is recognised by its values: it is
  evaluated on sample points and compared with symnet's activations
  (relative tolerance 1e-6, so the float32 constants of an export, such as
  ``1.4142135`` for ``sqrt(2)``, count as the exact ones).  The points are
  [-8, 8], magnitudes from 1e-3 to 1e6 of both signs, every kink of the
  subgraph (where the argument of a ``Relu``, ``LeakyRelu``, ``Clip``,
  ``Abs``... crosses its threshold, found exactly for an affine argument)
  with the midpoints between kinks and points beyond them, and points around
  every constant of the subgraph; a piecewise linear subgraph is then equal
  to the activation it matches everywhere, and a subgraph such as
  ``min(relu(x), 100)`` or ``relu(x) - relu(x - 20)``, which agrees with
  ``relu`` near 0 only, is refused;
* no-ops: ``Identity``, ``Dropout``, ``Flatten`` (``axis=1``), ``Reshape``
  to ``(batch, n)``; ``Softmax`` as the last node: the network gives the
  logits and records ``net.graph.graph["output_activation"] == "softmax"``.

Anything else raises :class:`~symnet.errors.NotSupportedError` naming the
node and its op type; a file that is not a valid ONNX model raises
:class:`~symnet.errors.FormatError`.

onnx is an optional dependency (``pip install 'symnet[onnx]'``).

Examples
--------
>>> import pytest; onnx = pytest.importorskip("onnx")
>>> import numpy as np
>>> from onnx import helper, numpy_helper, TensorProto
>>> from symnet import from_onnx
>>> W = numpy_helper.from_array(np.array([[0.5, -1.0]], dtype=np.float32), "W")
>>> b = numpy_helper.from_array(np.array([0.25], dtype=np.float32), "b")
>>> graph = helper.make_graph(
...     [helper.make_node("Gemm", ["x", "W", "b"], ["z"], transB=1),
...      helper.make_node("Tanh", ["z"], ["y"])], "net",
...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])], [W, b])
>>> from_onnx(helper.make_model(graph), exact=True).expr()
tanh(x1/2 - x2 + 1/4)
"""

from __future__ import annotations

import math
import os
from fractions import Fraction

from .._validate import regular_file
from ..errors import FormatError, InputError, NotSupportedError, ShapeError
from ._activations import _fmt
from ._common import (_Affine, _check_exact_flag, _float_array, _frac, _network_from_chain,
                      _q, _require)

__all__ = ["from_onnx"]

_TOL = 1e-6


# ---------------------------------------------------------------------------
# activations as values on sample points
# ---------------------------------------------------------------------------

def _np():
    import numpy
    return numpy


def _erf(x):
    np = _np()
    return np.array([math.erf(v) for v in np.ravel(x)]).reshape(np.shape(x))


def _sigmoid(x):
    np = _np()
    return np.exp(-np.logaddexp(0.0, -x))


def _fixed_candidates():
    """symnet activation name -> its float64 values as a function (the fixed table)."""
    np = _np()
    c = math.sqrt(2 / math.pi)
    return {
        "relu": lambda x: np.maximum(x, 0.0),
        "leaky_relu": lambda x: np.where(x > 0, x, x / 100),
        "hardtanh": lambda x: np.clip(x, -1.0, 1.0),
        "tanh": np.tanh,
        "sigmoid": _sigmoid,
        "softplus": lambda x: np.logaddexp(0.0, x),
        "silu": lambda x: x * _sigmoid(x),
        "gelu": lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))),
        "gelu_tanh": lambda x: 0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x**3))),
        "erf": _erf,
        "exp": np.exp,
        "sin": np.sin,
        "cos": np.cos,
        "square": lambda x: x * x,
    }


def _param_candidate(name):
    """Values of a parametric family member such as ``leaky_relu[1/5]``."""
    np = _np()
    kind, args = name[:-1].split("[")
    p = [float(Fraction(a)) for a in args.split(",")]
    if kind == "leaky_relu":
        return lambda x: np.where(x > 0, x, p[0] * x)
    if kind == "hardtanh":
        return lambda x: np.clip(x, p[0], p[1])
    return lambda x: np.logaddexp(0.0, p[0] * x) / p[0]           # softplus[beta]


def _close(u, v):
    """Equal within the tolerance where finite, the same infinity where not (never NaN)."""
    np = _np()
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        fu, fv = np.isfinite(u), np.isfinite(v)
        if np.any(np.isnan(u)) or np.any(np.isnan(v)) or np.any(fu != fv):
            return False
        if np.any(u[~fu] != v[~fv]):
            return False
        return bool(np.all(np.abs(u[fu] - v[fv]) <= _TOL * (1 + np.abs(v[fv]))))


def _base_points():
    """[-8, 8] in steps of 0.1 and magnitudes 1e-3 ... 1e6 of both signs."""
    np = _np()
    mags = np.logspace(-3, 6, 91)
    return set(np.round(np.linspace(-8, 8, 161), 10).tolist()) | set(mags.tolist()) | \
        set((-mags).tolist())


def _around(c):
    """Points near and far from a constant or a kink ``c``."""
    a = abs(c)
    s = max(1.0, a)
    pts = [c, c - 1, c + 1, c - 0.5, c + 0.5, c - 1e-3 * s, c + 1e-3 * s,
           2 * a + 1, -(2 * a + 1), 10 * a + 1, -(10 * a + 1)]
    return [p for p in pts if math.isfinite(p) and abs(p) <= 1e7]


# ---------------------------------------------------------------------------
# the state of a data tensor
# ---------------------------------------------------------------------------

class _Data:
    """A tensor computed from the network input.

    ``alpha * core + delta`` elementwise, where ``core`` is the current chain
    output ``z`` (``linear``) or a function of it (a callable taking an
    array of values of ``z``); ``alpha`` and ``delta`` are exact Fractions,
    ``gen`` the chain generation the tensor belongs to, ``nodes`` the nodes
    of a pending elementwise subgraph (for messages), ``kinks`` the
    ``(argument, threshold)`` pairs of its nonsmooth ops (the argument a
    ``_Data``), ``consts`` the scalar constants it uses.
    """

    __slots__ = ("gen", "linear", "core", "alpha", "delta", "hints", "nodes", "rank",
                 "kinks", "consts")

    def __init__(self, gen, *, linear=True, core=None, alpha=Fraction(1), delta=Fraction(0),
                 hints=(), nodes=(), rank=2, kinks=(), consts=()):
        self.gen, self.linear, self.core = gen, linear, core
        self.alpha, self.delta = alpha, delta
        self.hints, self.nodes, self.rank = tuple(hints), tuple(nodes), rank
        self.kinks, self.consts = tuple(kinks), tuple(consts)

    def copy(self, **kw):
        out = _Data(self.gen, linear=self.linear, core=self.core, alpha=self.alpha,
                    delta=self.delta, hints=self.hints, nodes=self.nodes, rank=self.rank,
                    kinks=self.kinks, consts=self.consts)
        for k, v in kw.items():
            setattr(out, k, v)
        return out

    def values(self, S):
        np = _np()
        S = np.asarray(S, dtype=np.float64)
        with np.errstate(all="ignore"):
            core = S if self.linear else self.core(S)
            return float(self.alpha) * core + float(self.delta)


def _kink_points(d, grid):
    """Values of ``z`` where the nonsmooth ops of ``d`` change piece.

    Exact for an affine argument; for a nonlinear one, the sign changes of
    ``argument - threshold`` on ``grid`` refined by bisection.
    """
    np = _np()
    out = []
    for arg, t in d.kinks:
        if not math.isfinite(t):
            continue
        if arg.linear:
            if arg.alpha != 0:
                out.append(float((Fraction(t) - arg.delta) / arg.alpha))
            continue
        g = arg.values(grid) - t
        with np.errstate(invalid="ignore"):
            idx = np.nonzero((np.sign(g[:-1]) * np.sign(g[1:]) <= 0)
                             & np.isfinite(g[:-1]) & np.isfinite(g[1:]))[0]
        for i in idx[:200]:
            lo, hi = float(grid[i]), float(grid[i + 1])
            glo = g[i]
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                gm = float(arg.values(np.array([mid]))[0]) - t
                if not math.isfinite(gm):
                    break
                if (gm <= 0) == (glo <= 0):
                    lo, glo = mid, gm
                else:
                    hi = mid
            out.extend([lo, hi])
    return out


class _Walker:
    def __init__(self, src):
        self.src = src
        self.chain = []
        self.gen = 0
        self.width = None
        self.softmax = False

    # -- helpers -----------------------------------------------------------
    @staticmethod
    def label(node):
        return f"node {node.name or node.output[0]!r} ({node.op_type})"

    def where(self, node):
        return f"{self.src}: {self.label(node)}"

    def fail(self, node, msg):
        raise NotSupportedError(f"{self.where(node)}: {msg}")

    def current(self, d, node):
        if d.gen != self.gen:
            self.fail(node, "uses a tensor from before the previous layer: the graph is not a "
                            "single chain of layers (a skip connection or a branch?)")
        if d.rank != 2:
            self.fail(node, f"needs a (batch, features) tensor; flatten the {d.rank}-D input "
                            "first (Flatten with axis=1)")

    def advance(self, step, width):
        self.chain.append(step)
        self.gen += 1
        self.width = width
        return _Data(self.gen)

    def materialize(self, d, node):
        """Turn a pending elementwise subgraph into an activation; returns a linear state."""
        if d.linear:
            return d
        S = self.points(d)
        full = d.values(S)
        cands = [(h, _param_candidate(h)) for h in d.hints] + list(_fixed_candidates().items())
        where = d.nodes[-1] if d.nodes else self.label(node)
        np = _np()
        for name, f in cands:
            with np.errstate(all="ignore"):
                if _close(full, f(S)):
                    return self.advance(("act", name, where), self.width)
        core = d.copy(alpha=Fraction(1), delta=Fraction(0)).values(S)
        for name, f in cands:
            with np.errstate(all="ignore"):
                ok = _close(core, f(S))
            if ok:
                out = self.advance(("act", name, where), self.width)
                out.alpha, out.delta = d.alpha, d.delta
                return out
        seen = list(dict.fromkeys(d.nodes))
        ops = ", ".join(seen[:6]) + (", ..." if len(seen) > 6 else "")
        self.fail(node, f"the elementwise function computed by {ops} is not an activation "
                        "symnet knows (relu, leaky_relu, hardtanh, tanh, sigmoid, softplus, "
                        "silu, gelu, erf, exp, sin, cos, square)")

    def points(self, d):
        """Where the pending subgraph ``d`` is compared with the activations.

        The base points, the kinks of ``d`` and of the parametric candidates,
        midpoints between consecutive kinks, and points around each kink and
        each constant.
        """
        np = _np()
        base = _base_points()
        centres = set(d.consts) | {0.0, 1.0, -1.0}
        for h in d.hints:
            centres.update(float(Fraction(a)) for a in h[:-1].split("[")[1].split(","))
        for c in list(centres):
            base.update(_around(c))
        grid = np.array(sorted(base))
        kinks = sorted(set(_kink_points(d, grid)))
        pts = set(base)
        for k in kinks:
            pts.update(_around(k))
        for a, b in zip(kinks, kinks[1:]):
            pts.add(0.5 * (a + b))
        return np.array(sorted(p for p in pts if math.isfinite(p)))

    def flush(self, d, node, width):
        """Apply a linear state's pending uniform scale/shift as a chain step."""
        np = _np()
        d = self.materialize(d, node)
        if d.alpha == 1 and d.delta == 0:
            return d
        a = np.array([_q(d.alpha)] * width, dtype=object)
        c = np.array([_q(d.delta)] * width, dtype=object)
        return self.advance(_Affine(a=a, b=c, where=self.label(node)), width)

    def elementwise(self, d, v, op, node, data_first=True):
        """``d op v`` for a constant ``v`` (scalar or per-feature vector)."""
        np = _np()
        v = np.asarray(v)
        where = self.label(node)
        if v.size == 1:
            c = Fraction(float(v.reshape(-1)[0]))
            if op in ("Div",) and data_first and c == 0:
                self.fail(node, "divides by zero")
            if op == "Div" and not data_first:       # c / d: nonlinear
                return self.nonlinear(d, lambda u: float(c) / u, node, thresholds=(0.0,),
                                      consts=(float(c),))
            out = d.copy(nodes=d.nodes + (self.label(node),), consts=d.consts + (float(c),))
            if op == "Add":
                out.delta = d.delta + c
            elif op == "Sub":
                if data_first:
                    out.delta = d.delta - c
                else:
                    out.alpha, out.delta = -d.alpha, c - d.delta
            elif op == "Mul":
                out.alpha, out.delta = d.alpha * c, d.delta * c
            else:
                out.alpha, out.delta = d.alpha / c, d.delta / c
            return out
        if v.ndim > 2 or (v.ndim == 2 and v.shape[0] != 1):
            self.fail(node, f"a constant of shape {v.shape} does not act per feature")
        v = v.reshape(-1)
        if op == "Div" and not data_first:
            self.fail(node, "divides a constant by the data")
        d = self.flush(d, node, v.shape[0])
        if self.width is not None and v.shape[0] != self.width:
            raise ShapeError(f"{self.where(node)}: a constant of {v.shape[0]} entries acts on "
                             f"{self.width} features")
        vals = _frac(_float_array(v, f"{self.where(node)}: constant"))
        one = np.array([_q(1)] * v.shape[0], dtype=object)
        zero = np.array([_q(0)] * v.shape[0], dtype=object)
        if op == "Add":
            aff = _Affine(a=one, b=vals, where=where)
        elif op == "Sub":
            aff = _Affine(a=one, b=-vals, where=where) if data_first else \
                _Affine(a=-one, b=vals, where=where)
        elif op == "Mul":
            aff = _Affine(a=vals, b=zero, where=where)
        else:
            if any(x == 0 for x in vals):
                self.fail(node, "divides by zero")
            aff = _Affine(a=np.array([1 / x for x in vals], dtype=object), b=zero, where=where)
        return self.advance(aff, v.shape[0])

    def nonlinear(self, d, f, node, hint=None, thresholds=(), consts=()):
        """``f(d)``; ``thresholds``: where ``f`` is not smooth (kinks, poles)."""
        def core(S, f=f, d=d):
            with _np().errstate(all="ignore"):
                return f(d.values(S))
        hints = d.hints + ((hint,) if hint else ())
        kinks = d.kinks + tuple((d, float(t)) for t in thresholds)
        consts = d.consts + tuple(float(c) for c in consts) + tuple(float(t) for t in thresholds)
        return _Data(d.gen, linear=False, core=core, hints=hints,
                     nodes=d.nodes + (self.label(node),), rank=d.rank, kinks=kinks,
                     consts=consts)

    def combine(self, a, b, op, node):
        np = _np()
        if a.gen != b.gen:
            self.fail(node, "combines tensors from different layers: the graph is not a single "
                            "chain of layers (a skip connection or a branch?)")
        if a.linear and b.linear and op in ("Add", "Sub"):
            sign = 1 if op == "Add" else -1
            return _Data(a.gen, alpha=a.alpha + sign * b.alpha, delta=a.delta + sign * b.delta,
                         rank=a.rank)
        fop = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op]

        def core(S, a=a, b=b, fop=fop):
            with np.errstate(all="ignore"):
                return fop(a.values(S), b.values(S))
        kinks = a.kinks + b.kinks + (((b, 0.0),) if op == "Div" else ())
        return _Data(a.gen, linear=False, core=core, hints=a.hints + b.hints,
                     nodes=a.nodes + b.nodes + (self.label(node),), rank=a.rank,
                     kinks=kinks, consts=a.consts + b.consts)

    # -- affine nodes ------------------------------------------------------
    def affine(self, d, W, b, node):
        """``W x + b`` with ``W`` of shape (n_out, n_in), exact arrays or float64."""
        self.current(d, node)
        d = self.flush(d, node, W.shape[1])
        if self.width is not None and W.shape[1] != self.width:
            raise ShapeError(f"{self.where(node)}: the weight has {W.shape[1]} inputs but the "
                             f"tensor has {self.width} features")
        return self.advance(_Affine(W=W, b=b, where=self.label(node)),
                            W.shape[0])


# ---------------------------------------------------------------------------
# reading the model
# ---------------------------------------------------------------------------

def _load(path_or_model, onnx):
    """The ModelProto, its source name and its directory (for external data)."""
    if isinstance(path_or_model, onnx.ModelProto):
        return path_or_model, "model", None
    if isinstance(path_or_model, (bytes, bytearray)):
        src, data, base = "model", bytes(path_or_model), None
    elif isinstance(path_or_model, (str, os.PathLike)):
        src, _ = regular_file(path_or_model, "an ONNX file", 4)
        with open(src, "rb") as f:
            data = f.read()
        base = os.path.dirname(os.path.abspath(src))
    else:
        raise InputError(f"expected a path, bytes or an onnx.ModelProto, got "
                          f"{type(path_or_model).__name__}")
    from google.protobuf.message import DecodeError

    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)     # the protobuf bytes only: no text formats, no files
    except (DecodeError, ValueError, RuntimeError) as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise FormatError(f"{src}: not an ONNX model ({msg[:120]})") from None
    if not model.HasField("graph") or not model.graph.node:
        raise FormatError(f"{src}: not an ONNX model (no graph)")
    return model, src, base


def _external_data(model, src, base, onnx):
    from onnx import external_data_helper as edh

    for t in model.graph.initializer:
        if not edh.uses_external_data(t):
            continue
        loc = edh.ExternalDataInfo(t).location
        if base is None:
            raise NotSupportedError(f"{src}: initializer {t.name!r} is stored in the external "
                                    f"file {loc!r}; pass the model's path")
        norm = os.path.normpath(loc)
        if os.path.isabs(norm) or norm.startswith(".."):
            raise FormatError(f"{src}: initializer {t.name!r} refers to {loc!r}, outside the "
                              "model's directory")
        full = os.path.join(base, norm)
        if os.path.islink(full):
            raise FormatError(f"{src}: initializer {t.name!r} refers to {loc!r}, a symbolic "
                              "link (onnx reads external data only from regular files)")
        if os.path.lexists(full):
            regular_file(full, "an external data file", 2)
        try:
            edh.load_external_data_for_tensor(t, base)
        except (OSError, ValueError, onnx.checker.ValidationError) as e:
            raise FormatError(f"{src}: cannot read the external data of {t.name!r}: "
                              f"{str(e)[:120]}") from None
        del t.external_data[:]
        t.data_location = onnx.TensorProto.DEFAULT


def _float_attr(v, W, node, what):
    """An activation parameter at the exact value of the stored number (float32 mostly)."""
    v = float(v)
    if not math.isfinite(v):
        W.fail(node, f"{what}={v} is not finite")
    return Fraction(v)


def _attr(node, name, default=None):
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _constant(node, numpy_helper, src):
    np = _np()
    for a in node.attribute:
        if a.name == "value":
            return numpy_helper.to_array(a.t)
        if a.name == "value_float":
            return np.array(a.f, dtype=np.float32)
        if a.name == "value_floats":
            return np.array(list(a.floats), dtype=np.float32)
        if a.name == "value_int":
            return np.array(a.i, dtype=np.int64)
        if a.name == "value_ints":
            return np.array(list(a.ints), dtype=np.int64)
    raise NotSupportedError(f"{src}: Constant node {node.name!r} has no numeric value")


def _dims(value_info):
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]


_UNARY = {"Tanh", "Sigmoid", "Relu", "Softplus", "Erf", "Exp", "Sin", "Cos", "Log",
          "Reciprocal", "Sqrt", "Abs"}


def from_onnx(path_or_model, exact=False, *, inputs=None):
    """A symnet Network from an ONNX model of a feed-forward network.

    The model is read with the ``onnx`` package and its graph walked node by
    node; nothing is executed (no onnxruntime).  See :mod:`symnet.io.onnx`
    for the nodes it reads.

    Parameters
    ----------
    path_or_model : str, os.PathLike, bytes or onnx.ModelProto
        An ``.onnx`` file (external data next to it is read too), its bytes,
        or a loaded model.
    exact : bool
        Weights as their exact binary values (sympy Rationals equal to
        ``Fraction(w)`` of the stored float32/float64 value), normalisation
        nodes folded in exact arithmetic; default float64 (folded exactly,
        then rounded once).
    inputs : sequence of sympy Symbols, optional
        Default ``x1 ... xn`` (the features after flattening).

    Returns
    -------
    Network
        With ``net.graph.graph["output_activation"] == "softmax"`` when the
        graph ends with a Softmax (the network gives the logits).

    Raises
    ------
    NotSupportedError
        For a node symnet cannot read, naming it and its op type; or when
        onnx is missing.
    FormatError
        When the file is not a valid ONNX model.
    FileError
        When the file does not exist or is not a regular file (a FIFO, a
        device); external data that is a symbolic link is a FormatError.
    ResourceError
        When the file is larger than the memory this process may still use
        allows.

    Examples
    --------
    >>> import pytest; onnx = pytest.importorskip("onnx")
    >>> import numpy as np
    >>> from onnx import helper, numpy_helper, TensorProto
    >>> from symnet import from_onnx
    >>> mean = numpy_helper.from_array(np.array([1.0, 2.0], dtype=np.float32), "mean")
    >>> W = numpy_helper.from_array(np.array([[0.5], [0.25]], dtype=np.float32), "W")
    >>> graph = helper.make_graph(
    ...     [helper.make_node("Sub", ["x", "mean"], ["c"]),
    ...      helper.make_node("MatMul", ["c", "W"], ["z"]),
    ...      helper.make_node("Sigmoid", ["z"], ["y"])], "net",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])], [mean, W])
    >>> from_onnx(helper.make_model(graph), exact=True).expr()
    1/(exp(-x1/2 - x2/4 + 1) + 1)
    """
    onnx = _require("onnx", "from_onnx")
    from onnx import numpy_helper

    np = _np()
    _check_exact_flag(exact)
    model, src, base = _load(path_or_model, onnx)
    _external_data(model, src, base, onnx)
    try:
        onnx.checker.check_model(model)
    except (onnx.checker.ValidationError, ValueError) as e:
        msg = " ".join(str(e).split())
        raise FormatError(f"{src}: not a valid ONNX model: {msg[:160]}") from None
    g = model.graph
    consts = {}
    for t in g.initializer:
        try:
            consts[t.name] = numpy_helper.to_array(t)
        except Exception as e:  # noqa: BLE001 - a malformed tensor
            raise FormatError(f"{src}: cannot read the initializer {t.name!r}: "
                              f"{str(e)[:120]}") from None
    data_inputs = [i for i in g.input if i.name not in consts]
    if len(data_inputs) != 1:
        raise NotSupportedError(f"{src}: the graph has {len(data_inputs)} inputs "
                                f"({', '.join(i.name for i in data_inputs)}); from_onnx reads "
                                "networks with one input")
    if len(g.output) != 1:
        raise NotSupportedError(f"{src}: the graph has {len(g.output)} outputs; from_onnx reads "
                                "networks with one output")
    for node in g.node:
        if node.op_type == "Constant" and node.output:
            consts[node.output[0]] = _constant(node, numpy_helper, src)
        if node.domain not in ("", "ai.onnx"):
            raise NotSupportedError(f"{src}: node {node.name or node.output[0]!r} "
                                    f"({node.domain}.{node.op_type}) is not a standard ONNX op")
    W = _Walker(src)
    x = data_inputs[0]
    dims = _dims(x)
    rank = len(dims) if dims is not None else 2
    if dims is not None and rank == 2 and dims[1]:
        W.width = dims[1]
    elif dims is not None and rank > 2 and all(dims[1:]):
        W.width = int(np.prod(dims[1:]))
    elif dims is not None and rank < 2:
        raise NotSupportedError(f"{src}: the input {x.name!r} has shape {dims}; expected "
                                "(batch, features)")
    n_in = W.width
    data = {x.name: _Data(0, rank=rank)}
    out_name = g.output[0].name

    def const(name, node):
        if name not in consts:
            W.fail(node, f"needs the constant {name!r}, which is computed from the data")
        return consts[name]

    for node in g.node:
        op = node.op_type
        if op == "Constant":
            continue
        ins = [i for i in node.input]
        if not any(i in data for i in ins if i):
            # constant folding of simple arithmetic on constants
            if op in ("Add", "Sub", "Mul", "Div", "Sqrt", "Neg", "Reciprocal", "Pow") and \
                    all(i in consts for i in ins if i):
                a = [consts[i].astype(np.float64) for i in ins if i]
                with np.errstate(all="ignore"):
                    val = {"Add": lambda: a[0] + a[1], "Sub": lambda: a[0] - a[1],
                           "Mul": lambda: a[0] * a[1], "Div": lambda: a[0] / a[1],
                           "Sqrt": lambda: np.sqrt(a[0]), "Neg": lambda: -a[0],
                           "Reciprocal": lambda: 1 / a[0], "Pow": lambda: a[0] ** a[1]}[op]()
                consts[node.output[0]] = val
                continue
            W.fail(node, "a computation on constants only, which symnet does not read")
        d0 = data.get(ins[0]) if ins else None
        out = None
        if op in ("Identity", "Dropout", "Cast"):
            if op == "Cast" and _attr(node, "to") not in (1, 11):   # float, double
                W.fail(node, "casts to a type other than float32 or float64")
            out = d0
        elif op == "Flatten":
            axis = _attr(node, "axis", 1)
            if axis not in (1, -1 if d0.rank == 2 else 1):
                W.fail(node, f"axis={axis} flattens the batch dimension")
            out = d0.copy(rank=2)
        elif op == "Reshape":
            shape = [int(s) for s in np.asarray(const(ins[1], node)).reshape(-1)]
            if len(shape) != 2 or shape[0] not in (0, -1) or \
                    shape[1] not in (-1,) + ((W.width,) if W.width else ()):
                W.fail(node, f"reshapes to {shape}; only (batch, features) is read")
            out = d0.copy(rank=2)
        elif op == "Gemm":
            if ins[0] not in data or ins[1] in data or (len(ins) > 2 and ins[2] in data):
                W.fail(node, "only the data as A (the first input) with constants B and C is read")
            if _attr(node, "transA", 0):
                W.fail(node, "transA=1 is not supported")
            B = _float_array(const(ins[1], node), f"{W.where(node)}: B", 2)
            Wm = B if _attr(node, "transB", 0) else B.T
            alpha = _attr(node, "alpha", 1.0)
            beta = _attr(node, "beta", 1.0)
            if alpha != 1.0:
                Wm = _frac(Wm) * _q(float(alpha))
            n_out = Wm.shape[0]
            if len(ins) > 2 and ins[2]:
                C = _float_array(const(ins[2], node), f"{W.where(node)}: C")
                if C.size == 1:
                    C = np.full(n_out, float(C.reshape(-1)[0]))
                elif C.shape in ((n_out,), (1, n_out)):
                    C = C.reshape(-1)
                else:
                    W.fail(node, f"the bias C has shape {C.shape}; expected ({n_out},)")
                bvec = C if beta == 1.0 else _frac(C) * _q(float(beta))
            else:
                bvec = np.zeros(n_out)
            out = W.affine(d0, Wm, bvec, node)
        elif op == "MatMul":
            if ins[0] not in data or ins[1] in data:
                W.fail(node, "only data @ constant is read")
            B = _float_array(const(ins[1], node), f"{W.where(node)}: B")
            if B.ndim == 1:
                B = B.reshape(-1, 1)
            if B.ndim != 2:
                W.fail(node, f"the weight has shape {B.shape}; expected a matrix")
            out = W.affine(d0, B.T, np.zeros(B.shape[1]), node)
        elif op in ("Add", "Sub", "Mul", "Div"):
            a, b = ins[0], ins[1]
            if a in data and b in data:
                W.current(data[a], node)
                W.current(data[b], node)
                out = W.combine(data[a], data[b], op, node)
            else:
                first = a in data
                d = data[a] if first else data[b]
                W.current(d, node)
                out = W.elementwise(d, const(b if first else a, node), op, node,
                                    data_first=first)
        elif op == "Neg":
            W.current(d0, node)
            out = W.elementwise(d0, np.array(-1.0), "Mul", node)
        elif op == "Pow":
            W.current(d0, node)
            p = np.asarray(const(ins[1], node)).astype(np.float64)
            if p.size != 1:
                W.fail(node, "the exponent must be a scalar")
            p = float(p.reshape(-1)[0])
            out = W.nonlinear(d0, lambda u, p=p: u ** p, node, thresholds=(0.0,), consts=(p,))
        elif op in _UNARY:
            W.current(d0, node)
            f = {"Tanh": np.tanh, "Sigmoid": _sigmoid, "Relu": lambda u: np.maximum(u, 0.0),
                 "Erf": _erf, "Exp": np.exp, "Sin": np.sin, "Cos": np.cos, "Log": np.log,
                 "Reciprocal": lambda u: 1 / u, "Sqrt": np.sqrt, "Abs": np.abs,
                 "Softplus": lambda u: np.logaddexp(0.0, u)}[op]
            hint = None
            if op == "Softplus" and d0.linear and d0.delta == 0 and d0.alpha > 0 \
                    and d0.alpha != 1:   # torch's Softplus(beta): softplus(beta*z)/beta
                hint = f"softplus[{_fmt(d0.alpha)}]"
            nonsmooth = op in ("Relu", "Log", "Reciprocal", "Sqrt", "Abs")
            out = W.nonlinear(d0, f, node, hint, thresholds=(0.0,) if nonsmooth else ())
        elif op == "LeakyRelu":
            W.current(d0, node)
            a = _float_attr(_attr(node, "alpha", 0.01), W, node, "alpha")
            out = W.nonlinear(d0, lambda u, a=float(a): np.where(u > 0, u, a * u), node,
                              f"leaky_relu[{_fmt(a)}]", thresholds=(0.0,), consts=(float(a),))
        elif op == "Clip":
            W.current(d0, node)
            lo = _attr(node, "min") if len(ins) < 2 or not ins[1] else \
                np.asarray(const(ins[1], node)).reshape(-1)[0]
            hi = _attr(node, "max") if len(ins) < 3 or not ins[2] else \
                np.asarray(const(ins[2], node)).reshape(-1)[0]
            hint = None
            if lo is not None and hi is not None:
                qlo = _float_attr(lo, W, node, "min")
                qhi = _float_attr(hi, W, node, "max")
                if qlo >= qhi:
                    W.fail(node, f"needs min < max, got {lo}, {hi}")
                hint = f"hardtanh[{_fmt(qlo)},{_fmt(qhi)}]"
            flo = -np.inf if lo is None else float(lo)
            fhi = np.inf if hi is None else float(hi)
            out = W.nonlinear(d0, lambda u, lo=flo, hi=fhi: np.clip(u, lo, hi), node, hint,
                              thresholds=tuple(t for t in (flo, fhi) if math.isfinite(t)))
        elif op == "Gelu":
            W.current(d0, node)
            approx = _attr(node, "approximate", b"none")
            approx = approx.decode() if isinstance(approx, bytes) else approx
            fs = _fixed_candidates()
            out = W.nonlinear(d0, fs["gelu_tanh"] if approx == "tanh" else fs["gelu"], node)
        elif op == "Softmax":
            W.current(d0, node)
            axis = _attr(node, "axis", -1)
            if node.output[0] != out_name:
                W.fail(node, "not the last node; symnet reads a Softmax only as the output "
                             "activation (the network then gives the logits)")
            if axis not in (-1, 1):
                W.fail(node, f"axis={axis} is not the feature axis")
            W.softmax = True
            out = d0
        else:
            W.fail(node, "this op is not supported; from_onnx reads Gemm, MatMul, Add, Sub, "
                         "Mul, Div, "
                         "Neg, Relu, LeakyRelu, Tanh, Sigmoid, Softplus, Clip, Gelu, Erf, Exp, "
                         "Identity, Dropout, Flatten, Reshape and a final Softmax")
        if out is None:  # pragma: no cover - every branch sets it
            W.fail(node, "could not be read")
        data[node.output[0]] = out
    if out_name not in data:
        raise NotSupportedError(f"{src}: the output {out_name!r} is not computed from the input")
    last = data[out_name]

    class _End:  # a pseudo-node for messages about the output
        name, op_type, output = out_name, "output", [out_name]
    W.current(last, _End)
    W.flush(last, _End, W.width or 1)
    if n_in is None:
        n_in = _first_width(W.chain)
    attributes = {"output_activation": "softmax"} if W.softmax else None
    return _network_from_chain(W.chain, n_in, exact=exact, inputs=inputs,
                               attributes=attributes, src=src)


def _first_width(chain):
    for step in chain:
        if isinstance(step, _Affine):
            return step.n_in
    raise NotSupportedError("the model's input size is unknown (no dense layer)")
