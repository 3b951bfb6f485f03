"""Importing PyTorch models.

:func:`from_torch` turns a ``torch.nn.Sequential`` -- or any module whose
``forward`` is a chain of supported layers, traced with ``torch.fx`` -- into
a :class:`~symnet.Network`; :func:`load_torch` does the same for a state file
(a ``state_dict`` of Linear layers saved with ``torch.save``), read with
``torch.load(..., weights_only=True)``: nothing is unpickled beyond tensors.

Supported layers: ``Linear``, ``Tanh``, ``Sigmoid``, ``Softplus``, ``SiLU``,
``GELU`` (``approximate="none"``), ``ReLU``, ``ReLU6``, ``LeakyReLU``,
``Hardtanh``, ``Identity``, and ``Flatten`` / ``Dropout`` (no-ops on a batch
of vectors in eval mode), and the same activations called functionally
(``torch.tanh``, ``F.relu``, ``x.sigmoid()``, ...).  A ``LeakyReLU`` slope,
a ``Softplus`` beta or ``Hardtanh`` bounds other than the defaults become
parametric activations named like ``"leaky_relu[1/5]"``, ``"softplus[2]"``,
``"hardtanh[0,6]"`` (the decimal you wrote, made exact), which
:func:`symnet.load_network` recreates.

torch is an optional dependency: it is imported inside the functions.

Examples
--------
>>> import pytest; torch = pytest.importorskip("torch")
>>> from symnet import from_torch, expand
>>> model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
>>> expand(from_torch(model), 3).nterms
10
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from sympy import S

from .._validate import regular_file
from ..errors import (ArgumentError, FormatError, InputError, NotSupportedError, ShapeError, WeightError)
from ._activations import _activation, _exact_decimal, _fmt
from ._common import _converter

__all__ = ["from_torch", "load_torch"]


# ---------------------------------------------------------------------------
# layers -> activation names
# ---------------------------------------------------------------------------

def _activation_of(kind, where, **kw):
    """symnet activation name for a torch activation with its arguments."""
    if kind in ("tanh", "sigmoid", "silu", "relu", "identity"):
        return kind
    if kind == "gelu":
        approx = kw.get("approximate", "none")
        if approx == "tanh":
            try:
                return _activation("gelu_tanh").name
            except NotSupportedError:
                pass
        if approx != "none":
            raise NotSupportedError(
                f"{where}: GELU(approximate={approx!r}) is not supported: symnet's gelu is the "
                "exact erf form z*Phi(z); use approximate='none'")
        return "gelu"
    if kind == "leaky_relu":
        a = _exact_decimal(kw.get("negative_slope", 0.01), f"{where}: negative_slope")
        if a == Fraction(1, 100):
            return "leaky_relu"
        return _activation(f"leaky_relu[{_fmt(a)}]").name
    if kind == "hardtanh":
        lo = _exact_decimal(kw.get("min_val", -1.0), f"{where}: min_val")
        hi = _exact_decimal(kw.get("max_val", 1.0), f"{where}: max_val")
        if (lo, hi) == (-1, 1):
            return "hardtanh"
        if not lo < hi:
            raise NotSupportedError(f"{where}: Hardtanh needs min_val < max_val, got {lo}, {hi}")
        return _activation(f"hardtanh[{_fmt(lo)},{_fmt(hi)}]").name
    if kind == "relu6":
        return _activation("hardtanh[0,6]").name
    if kind == "softplus":
        beta = _exact_decimal(kw.get("beta", 1.0), f"{where}: beta")
        threshold = kw.get("threshold", 20.0)
        if beta <= 0:
            raise NotSupportedError(f"{where}: Softplus needs beta > 0, got {beta}")
        if threshold < 20:
            raise NotSupportedError(
                f"{where}: Softplus(threshold={threshold}) switches to the identity where "
                f"beta*x > {threshold}, which changes the function by up to "
                f"{math.exp(-threshold) / float(beta):.1e}; symnet reads Softplus as the exact "
                "log(1 + exp(beta x))/beta only for threshold >= 20 (the default)")
        return "softplus" if beta == 1 else _activation(f"softplus[{_fmt(beta)}]").name
    raise NotSupportedError(f"{where}: unsupported activation {kind!r}")  # pragma: no cover


def _module_op(mod, where):
    """('linear', module) / ('act', name) / ('noop', None) for one leaf module."""
    import torch.nn as nn

    if isinstance(mod, nn.Linear):
        return ("linear", mod)
    simple = {nn.Tanh: "tanh", nn.Sigmoid: "sigmoid", nn.SiLU: "silu", nn.ReLU: "relu",
              nn.Identity: "identity", nn.ReLU6: "relu6"}
    for cls, kind in simple.items():
        if type(mod) is cls:
            return ("act", _activation_of(kind, where))
    if type(mod) is nn.GELU:
        return ("act", _activation_of("gelu", where, approximate=mod.approximate))
    if type(mod) is nn.LeakyReLU:
        return ("act", _activation_of("leaky_relu", where, negative_slope=mod.negative_slope))
    if type(mod) is nn.Hardtanh:
        return ("act", _activation_of("hardtanh", where, min_val=mod.min_val,
                                      max_val=mod.max_val))
    if type(mod) is nn.Softplus:
        return ("act", _activation_of("softplus", where, beta=mod.beta,
                                      threshold=mod.threshold))
    if isinstance(mod, (nn.Dropout, nn.Flatten, nn.Identity)):
        return ("noop", None)
    raise NotSupportedError(
        f"unsupported layer {type(mod).__name__} at {where}; from_torch reads chains of "
        "Linear, Tanh, Sigmoid, Softplus, SiLU, GELU, ReLU, ReLU6, LeakyReLU, Hardtanh, "
        "Identity (and Flatten/Dropout as no-ops)")


def _function_op(target, args, kwargs, where):
    """Functional calls in a traced forward: torch.tanh(x), F.relu(x), x.sigmoid(), ..."""
    import torch
    import torch.nn.functional as F

    name = target if isinstance(target, str) else getattr(target, "__name__", repr(target))
    table = {
        torch.tanh: "tanh", F.tanh: "tanh", torch.sigmoid: "sigmoid", F.sigmoid: "sigmoid",
        torch.relu: "relu", F.relu: "relu", F.silu: "silu", F.gelu: "gelu",
        F.leaky_relu: "leaky_relu", F.hardtanh: "hardtanh", F.relu6: "relu6",
        F.softplus: "softplus", torch.flatten: "flatten", F.dropout: "dropout",
    }
    methods = {"tanh": "tanh", "sigmoid": "sigmoid", "relu": "relu", "flatten": "flatten",
               "contiguous": "noop"}
    kind = methods.get(target) if isinstance(target, str) else table.get(target)
    if kind is None:
        raise NotSupportedError(
            f"unsupported operation {name} at {where}; from_torch reads a forward that is a "
            "chain of Linear layers and activations")
    if kind in ("flatten", "dropout", "noop"):
        return ("noop", None)
    pos = {"leaky_relu": ["negative_slope"], "hardtanh": ["min_val", "max_val"],
           "softplus": ["beta", "threshold"], "gelu": []}.get(kind, [])
    kw = dict(zip(pos, args[1:]))
    kw.update({k: v for k, v in kwargs.items() if k != "inplace"})
    return ("act", _activation_of(kind, where, **kw))


def _ops(module, where=None):
    """The module as a list of ('linear', Linear) / ('act', name) / ('noop', None) steps."""
    import torch.nn as nn

    if isinstance(module, nn.Sequential):
        ops = []
        for name, child in module.named_children():
            ops += _ops(child, f"{where}.{name}" if where else name)
        return ops
    label = f"'{where}'" if where else type(module).__name__
    if list(module.children()):   # a container with its own forward: trace it
        return _traced_ops(module)
    try:
        return [_module_op(module, label) + (label,)]
    except NotSupportedError:
        if type(module).__module__.startswith("torch.nn"):
            raise
        return _traced_ops(module)  # a parameter-free custom module, e.g. forward = tanh(x)


def _traced_ops(module):
    try:
        import torch.fx as fx
    except ImportError:  # pragma: no cover
        raise NotSupportedError(f"cannot read {type(module).__name__}: torch.fx is missing")
    try:
        gm = fx.symbolic_trace(module)
    except Exception as e:
        raise NotSupportedError(
            f"cannot read {type(module).__name__}: its forward could not be traced with "
            f"torch.fx ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); use "
            "an nn.Sequential or a forward that is a chain of supported layers") from None
    ops = []
    prev = None
    mods = dict(gm.named_modules())
    for node in gm.graph.nodes:
        where = f"'{node.target}'" if node.op == "call_module" else f"'{node.name}'"
        if node.op == "placeholder":
            if prev is not None:
                raise NotSupportedError(f"cannot read {type(module).__name__}: its forward "
                                        "takes more than one input")
            prev = node
            continue
        if node.op == "output":
            if node.args[0] is not prev:
                raise NotSupportedError(
                    f"cannot read {type(module).__name__}: its output is not the end of a "
                    "single chain of layers (a tuple, a skip connection or a branch?)")
            break
        if node.op == "get_attr":
            raise NotSupportedError(f"cannot read {type(module).__name__}: its forward uses the "
                                    f"tensor {node.target!r} directly")
        data_args = [a for a in list(node.args) + list(node.kwargs.values())
                     if isinstance(a, fx.Node)]
        if data_args != [prev] or (node.args and node.args[0] is not prev):
            raise NotSupportedError(
                f"cannot read {type(module).__name__}: at {where} the forward is not a single "
                "chain of layers (a skip connection, a branch or arithmetic on tensors?)")
        if node.op == "call_module":
            op = _module_op(mods[node.target], where)
        else:
            op = _function_op(node.target, node.args, node.kwargs, where)
        ops.append(op + (where,))
        prev = node
    return ops


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------

def _tensor_rows(t, where, conv):
    import torch

    if t.is_complex():
        raise WeightError(f"{where}: complex weights are not supported")
    vals = t.detach().to("cpu", torch.float64).tolist()
    flat = vals if t.dim() == 1 else [v for r in vals for v in r]
    for v in flat:
        if not math.isfinite(v):
            raise WeightError(f"{where}: weights must be finite, got {v!r}")
    if t.dim() == 1:
        return [conv(v) for v in vals]
    return [[conv(v) for v in r] for r in vals]


# ---------------------------------------------------------------------------
# building the network
# ---------------------------------------------------------------------------

def _layers_from_ops(ops, conv, inputs):
    """Group ('linear'|'act'|'noop') steps into dense layers (W, b, activation)."""
    layers = []          # [W, b, act, activated]
    pending = []         # activations before the first Linear
    width = None
    for kind, obj, where in ops:
        if kind == "noop" or (kind == "act" and obj == "identity"):
            continue
        if kind == "linear":
            W = _tensor_rows(obj.weight, f"{where}.weight", conv)
            n_out, n_in = obj.weight.shape
            if width is not None and n_in != width:
                raise ShapeError(f"{where}: Linear({n_in}, {n_out}) follows a layer of width "
                                 f"{width}")
            if width is None and pending:
                eye = [[S.One if i == j else S.Zero for j in range(n_in)] for i in range(n_in)]
                for act in pending:
                    layers.append([eye, [S.Zero] * n_in, act, True])
            b = _tensor_rows(obj.bias, f"{where}.bias", conv) if obj.bias is not None \
                else [S.Zero] * n_out
            layers.append([W, b, "identity", False])
            width = n_out
            continue
        if width is None:
            pending.append(obj)
        elif layers and not layers[-1][3]:
            layers[-1][2] = obj
            layers[-1][3] = True
        else:
            eye = [[S.One if i == j else S.Zero for j in range(width)] for i in range(width)]
            layers.append([eye, [S.Zero] * width, obj, True])
    if not layers:
        raise NotSupportedError("the model has no Linear layer, so its input size is unknown")
    from ..network import Network

    return Network.dense([l[0] for l in layers], [l[1] for l in layers],
                         activations=[l[2] for l in layers], inputs=inputs)


def from_torch(module, *, exact=False, rationalize=None, inputs=None, activations=None):
    """A symnet Network from a PyTorch model (or a state_dict of Linear layers).

    Parameters
    ----------
    module : torch.nn.Module or Mapping[str, Tensor]
        An ``nn.Sequential``, any module whose ``forward`` is a chain of
        supported layers (traced with ``torch.fx``), or a ``state_dict``
        of Linear layers (then ``activations`` is needed).
    exact : bool
        Convert each weight to its exact binary value (a sympy Rational).
        Exact, but coefficients of deep expansions grow to thousands of bits.
    rationalize : int, optional
        Round each weight to the nearest ``k/rationalize`` (ties to even),
        for instance 64.
    inputs : sequence of sympy Symbols, optional
        Default ``x1 ... xn``.
    activations : str or sequence of str, optional
        For a state_dict: one activation per Linear layer, or one name for
        the hidden layers (the last is then the identity).

    Returns
    -------
    Network
        Float weights (Python floats, the float32 values exactly) unless
        ``exact`` or ``rationalize`` is given.

    Raises
    ------
    NotSupportedError
        For a layer or operation symnet cannot read, naming it.

    Examples
    --------
    >>> import pytest; torch = pytest.importorskip("torch")
    >>> from symnet import from_torch
    >>> lin = torch.nn.Linear(2, 1)
    >>> with torch.no_grad():
    ...     _ = lin.weight.copy_(torch.tensor([[0.5, -0.25]])); _ = lin.bias.fill_(0.1)
    >>> from_torch(torch.nn.Sequential(lin, torch.nn.Tanh())).expr()
    tanh(0.5*x1 - 0.25*x2 + 0.100000001490116)
    >>> from_torch(torch.nn.Sequential(lin, torch.nn.Tanh()), rationalize=64).expr()
    tanh(x1/2 - x2/4 + 3/32)
    """
    import collections.abc

    try:
        import torch
    except ImportError:  # pragma: no cover
        raise NotSupportedError("from_torch needs PyTorch: pip install torch") from None
    conv = _converter(exact, rationalize)
    if isinstance(module, collections.abc.Mapping):
        return _from_state_dict(module, activations, conv, inputs, "state_dict")
    if not isinstance(module, torch.nn.Module):
        raise InputError(f"expected a torch.nn.Module or a state_dict, got "
                          f"{type(module).__name__}")
    if activations is not None:
        raise ArgumentError("activations= is only for state_dicts; a module has its own")
    return _layers_from_ops(_ops(module), conv, inputs)


def _state_dict_of(obj, src):
    """Find the state_dict inside what torch.load returned (checkpoints nest it)."""
    import collections.abc

    import torch

    if not isinstance(obj, collections.abc.Mapping):
        raise FormatError(f"{src}: expected a state_dict (a mapping of names to tensors), got "
                          f"{type(obj).__name__}")
    if obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
        return obj
    nested = [k for k, v in obj.items() if isinstance(v, collections.abc.Mapping)
              and v and all(isinstance(t, torch.Tensor) for t in v.values())]
    for key in ("state_dict", "model_state_dict", "model"):
        if key in nested:
            return obj[key]
    if len(nested) == 1:
        return obj[nested[0]]
    raise FormatError(f"{src}: no state_dict found (expected a mapping of names to tensors, or "
                      "a checkpoint with a 'state_dict' / 'model_state_dict' entry)")


def _from_state_dict(sd, activations, conv, inputs, src):
    import torch

    sd = _state_dict_of(sd, src)
    groups = {}
    for k, v in sd.items():
        if not isinstance(v, torch.Tensor):
            raise FormatError(f"{src}: entry {k!r} is not a tensor")
        prefix, _, leaf = k.rpartition(".")
        if leaf not in ("weight", "bias"):
            raise NotSupportedError(
                f"{src}: entry {k!r} is not the weight or bias of a Linear layer (a state_dict "
                "of Linear layers is needed; for other layers load the model and use "
                "from_torch(model))")
        groups.setdefault(prefix, {})[leaf] = v
    layers = []
    for prefix, g in groups.items():
        if "weight" not in g:
            raise FormatError(f"{src}: {prefix!r} has a bias but no weight")
        W = g["weight"]
        if W.dim() != 2:
            raise NotSupportedError(f"{src}: {prefix}.weight has shape {tuple(W.shape)}; only "
                                    "Linear layers (2-D weights) are supported")
        b = g.get("bias")
        if b is not None and tuple(b.shape) != (W.shape[0],):
            raise FormatError(f"{src}: {prefix}.bias has shape {tuple(b.shape)}, expected "
                              f"({W.shape[0]},)")
        layers.append((prefix, W, b))
    if activations is None:
        raise ArgumentError(f"{src}: a state_dict holds no activations; pass activations= (one "
                          f"per Linear layer, e.g. 'tanh,identity', or one name for the hidden "
                          f"layers); it has {len(layers)} Linear layer(s)")
    if isinstance(activations, str):
        parts = [a.strip() for a in activations.split(",") if a.strip()]
        activations = parts if len(parts) > 1 else parts[0] if parts else activations
    def name(a):
        return _activation(a).name
    if isinstance(activations, str):
        acts = [name(activations)] * (len(layers) - 1) + ["identity"]
    else:
        acts = [name(a) for a in activations]
        if len(acts) != len(layers):
            names = ", ".join(p for p, _, _ in layers)
            raise ShapeError(f"{src}: {len(layers)} Linear layers ({names}) but {len(acts)} "
                             "activations were given")
    Ws, bs = [], []
    width = None
    for (prefix, W, b) in layers:
        if width is not None and W.shape[1] != width:
            raise ShapeError(f"{src}: {prefix}.weight has shape {tuple(W.shape)} but the layer "
                             f"before has {width} outputs")
        Ws.append(_tensor_rows(W, f"{prefix}.weight", conv))
        bs.append(_tensor_rows(b, f"{prefix}.bias", conv) if b is not None
                  else [S.Zero] * W.shape[0])
        width = W.shape[0]
    from ..network import Network

    return Network.dense(Ws, bs, activations=acts, inputs=inputs)


def load_torch(path, *, activations, exact=False, rationalize=None, inputs=None):
    """A network from a torch state file (``torch.save(model.state_dict(), path)``).

    The file is read with ``torch.load(path, weights_only=True)``: only
    tensors and plain containers, nothing else is unpickled.  A checkpoint
    dict holding the state_dict under ``"state_dict"`` or
    ``"model_state_dict"`` works too.

    Parameters
    ----------
    path : str or os.PathLike
    activations : str or sequence of str
        One per Linear layer (``"tanh,identity"`` or ``["tanh", "identity"]``)
        or one name for the hidden layers.
    exact, rationalize, inputs
        As in :func:`from_torch`.

    Returns
    -------
    Network

    Examples
    --------
    >>> import os, tempfile, pytest; torch = pytest.importorskip("torch")
    >>> from symnet import load_torch
    >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
    >>> torch.save(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
    ...                                torch.nn.Linear(4, 1)).state_dict(), path)
    >>> load_torch(path, activations="tanh")
    <Network 3 -> 4 tanh -> 1 identity, inputs (x1, x2, x3), float weights>
    """
    try:
        import torch
    except ImportError:  # pragma: no cover
        raise NotSupportedError("load_torch needs PyTorch: pip install torch") from None
    src, _ = regular_file(path, "a torch state file", 4)
    try:
        obj = torch.load(src, map_location="cpu", weights_only=True)
    except Exception as e:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip()   # torch colours its messages
        msg = " ".join(text.splitlines()[0].split()) if text else type(e).__name__
        raise FormatError(f"{src}: not a torch state file readable with weights_only=True "
                          f"({msg[:200]})") from None
    return _from_state_dict(obj, activations, _converter(exact, rationalize), inputs, src)
