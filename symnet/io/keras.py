"""Importing Keras 3 ``.keras`` files, without Keras or TensorFlow.

A ``.keras`` file is a zip archive holding ``config.json`` (the model's
architecture) and ``model.weights.h5`` (its variables, in HDF5).
:func:`from_keras` reads them with :mod:`zipfile`, :mod:`json` and h5py: the
config is parsed as data, nothing in the file is executed.  In the weights
file, the variables of the k-th layer of a class such as ``Dense`` are the
datasets ``layers/dense_<k>/vars/0`` (kernel, shape ``(n_in, n_out)``) and
``.../vars/1`` (bias) -- ``layers/dense`` for the first -- the layer's
position among the model's layers, not its name.

Supported: ``Sequential`` and functional models that are a single chain of
``InputLayer``, ``Dense`` (activations ``linear``, ``relu``, ``tanh``,
``sigmoid``, ``softplus``, ``silu``/``swish``, ``gelu``, ``leaky_relu``,
``relu6``, ``hard_tanh``, ``exponential``, and ``softmax`` on the last
layer), ``Activation``, ``ReLU``, ``LeakyReLU``, ``Softmax`` (last),
``Rescaling`` (folded exactly into the next weight matrix), and
``Dropout``, ``GaussianNoise``, ``GaussianDropout``, ``AlphaDropout``,
``Identity`` and ``Flatten`` (no-ops at inference on a batch of vectors).
A final softmax is not an activation of symnet: the network gives the
logits and records ``net.graph.graph["output_activation"] == "softmax"``.
Any other layer raises :class:`~symnet.errors.NotSupportedError` naming it.

h5py is an optional dependency (``pip install 'symnet[keras]'``).

Examples
--------
>>> import pytest; _ = pytest.importorskip("h5py")
>>> import os, tempfile
>>> from symnet.io.keras import _write_keras_file
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> _write_keras_file(path, [([[0.5], [-1.0]], [0.25], "tanh")])
>>> from symnet import from_keras
>>> from_keras(path, exact=True).expr()
tanh(x1/2 - x2 + 1/4)
"""

from __future__ import annotations

import io as _io
import json
import os
import re
import zipfile

from .._validate import regular_file
from ..errors import FormatError, InputError, NotSupportedError
from ._activations import _exact_decimal, _fmt
from ._common import _Affine, _check_exact_flag, _float_array, _network_from_chain, _require
from ._values import MAX_JSON_DEPTH, _json_depth

__all__ = ["from_keras"]

CONFIG = "config.json"
WEIGHTS = "model.weights.h5"

#: Keras activation name -> symnet activation name
_ACTIVATIONS = {
    None: "identity", "linear": "identity", "relu": "relu", "tanh": "tanh",
    "sigmoid": "sigmoid", "softplus": "softplus", "silu": "silu", "swish": "silu",
    "gelu": "gelu", "leaky_relu": "leaky_relu[1/5]", "relu6": "hardtanh[0,6]",
    "hard_tanh": "hardtanh", "exponential": "exp",
}
_NOOP = {"Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Identity",
         "SpatialDropout1D", "ActivityRegularization"}
_MAX_CONFIG = 64 << 20


def _snake(name):
    """Keras' attribute name for a class name: ``Dense`` -> ``dense``, ``ReLU`` -> ``re_lu``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _activation(spec, where, last):
    """(symnet name, softmax flag) of a Keras activation spec."""
    if isinstance(spec, dict):
        cls = spec.get("class_name")
        cfg = spec.get("config")
        if cls == "function" and isinstance(cfg, str):
            spec = cfg
        elif cls == "ReLU" and isinstance(cfg, dict):
            return _relu(cfg, where), False
        else:
            raise NotSupportedError(f"{where}: the activation {json.dumps(spec)[:80]} is not "
                                    "supported (a custom or parametrised activation object)")
    if spec == "softmax":
        if not last:
            raise NotSupportedError(f"{where}: softmax is only read on the last layer (the "
                                    "network then gives the logits)")
        return "identity", True
    if not (spec is None or isinstance(spec, str)) or spec not in _ACTIVATIONS:
        known = ", ".join(k for k in _ACTIVATIONS if k)
        raise NotSupportedError(f"{where}: the activation {spec!r} is not supported "
                                f"(supported: {known}, softmax on the last layer)")
    return _ACTIVATIONS[spec], False


def _relu(cfg, where):
    """keras.layers.ReLU / keras.activations.relu with its arguments."""
    slope = _exact_decimal(cfg.get("negative_slope", 0.0) or 0.0, f"{where}: negative_slope")
    maxv = cfg.get("max_value")
    thr = cfg.get("threshold", 0.0) or 0.0
    if thr != 0:
        raise NotSupportedError(f"{where}: ReLU(threshold={thr}) is not supported")
    if maxv is None:
        return "relu" if slope == 0 else f"leaky_relu[{_fmt(slope)}]"
    if slope != 0:
        raise NotSupportedError(f"{where}: ReLU with both negative_slope and max_value is not "
                                "supported")
    hi = _exact_decimal(maxv, f"{where}: max_value")
    if hi <= 0:
        raise NotSupportedError(f"{where}: ReLU(max_value={maxv}) needs max_value > 0")
    return f"hardtanh[0,{_fmt(hi)}]"


# ---------------------------------------------------------------------------
# the archive
# ---------------------------------------------------------------------------

def _member(zf, name, src, limit):
    try:
        info = zf.getinfo(name)
    except KeyError:
        have = ", ".join(sorted(zf.namelist())[:6]) or "nothing"
        hint = " (Keras' npz weights format is not supported)" \
            if name == WEIGHTS and "model.weights.npz" in zf.namelist() else ""
        raise FormatError(f"{src}: not a .keras file: it has no {name} (it holds "
                          f"{have}){hint}") from None
    if info.file_size > limit or (info.file_size > 1 << 26 and
                                  info.file_size > 1000 * max(1, info.compress_size)):
        raise FormatError(f"{src}: {name} declares {info.file_size} bytes "
                          f"({info.compress_size} stored); refusing to unpack it")
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise FormatError(f"{src}: {name} is damaged ({str(e)[:100]})") from None


def _open(path):
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"expected the path of a .keras file, got {type(path).__name__}")
    src, _ = regular_file(path, "a .keras file", 4)
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, EOFError, ValueError):
        with open(src, "rb") as f:
            head = f.read(8)
        hint = " (an HDF5 file: Keras 2's .h5 format is not supported; save with " \
               "model.save('model.keras'))" if head.startswith(b"\x89HDF") else ""
        raise FormatError(f"{src}: not a .keras file (not a zip archive){hint}") from None
    return zf, src


def _layer_list(config, src):
    """The model's layers in order: [(class_name, config, name)], and its input width."""
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise FormatError(f"{src}: {CONFIG}: expected a serialized Keras model (an object with "
                          "'class_name' and 'config')")
    cls = config.get("class_name")
    cfg = config["config"]
    layers = cfg.get("layers")
    if cls not in ("Sequential", "Functional", "Model") or not isinstance(layers, list):
        raise NotSupportedError(f"{src}: a {cls} model is not supported; from_keras reads "
                                "Sequential and functional models of Dense stacks")
    entries = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict) or not isinstance(layer.get("config", {}), dict):
            raise FormatError(f"{src}: {CONFIG}: layers[{i}] is not a serialized layer")
        lcfg = layer.get("config", {})
        name = layer.get("name") or lcfg.get("name") or f"layers[{i}]"
        entries.append((str(layer.get("class_name")), lcfg, str(name), layer))
    if cls == "Sequential":
        return entries, False
    return _functional_chain(entries, cfg, src), True


def _histories(arg):
    """The inbound layer names of serialized call arguments (Keras 3 or the legacy lists)."""
    if isinstance(arg, dict):
        if arg.get("class_name") == "__keras_tensor__":
            hist = arg.get("config", {}).get("keras_history")
            return [hist[0]] if isinstance(hist, list) and hist else []
        return [h for v in arg.values() for h in _histories(v)]
    if isinstance(arg, list):
        if len(arg) in (3, 4) and isinstance(arg[0], str) and isinstance(arg[1], int):
            return [arg[0]]                                    # legacy [name, node, tensor]
        return [h for v in arg for h in _histories(v)]
    return []


def _functional_chain(entries, cfg, src):
    by_name = {e[2]: e for e in entries}
    ins, outs = cfg.get("input_layers"), cfg.get("output_layers")

    def single(spec, what):
        if isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str):
            return spec[0]
        if isinstance(spec, list) and len(spec) == 1:
            return single(spec[0], what)
        if isinstance(spec, dict) and len(spec) == 1:
            return single(next(iter(spec.values())), what)
        raise NotSupportedError(f"{src}: the model has several {what}s; from_keras reads "
                                f"models with one input and one output")
    first, last = single(ins, "input"), single(outs, "output")
    parent = {}
    for cls, lcfg, name, layer in entries:
        nodes = layer.get("inbound_nodes", [])
        if not nodes:
            continue
        if len(nodes) != 1:
            raise NotSupportedError(f"{src}: layer {name!r} ({cls}) is called "
                                    f"{len(nodes)} times (shared layers are not supported)")
        node = nodes[0]
        args = node.get("args", []) if isinstance(node, dict) else node
        srcs = _histories(args)
        if len(srcs) != 1:
            raise NotSupportedError(f"{src}: layer {name!r} ({cls}) has {len(srcs)} inputs; "
                                    "from_keras reads a single chain of layers")
        parent[name] = srcs[0]
    chain = [last]
    while chain[-1] != first:
        p = parent.get(chain[-1])
        if p is None or p not in by_name or p in chain:
            raise NotSupportedError(f"{src}: the output is not reached from the input by a "
                                    "single chain of layers")
        chain.append(p)
    if len(chain) != len(parent) + 1 or any(n not in chain for n in parent):
        raise NotSupportedError(f"{src}: the model has layers off the chain from input to "
                                "output (a branch or a skip connection?)")
    return [by_name[n] for n in reversed(chain)]


def _input_width(entries, src):
    for cls, lcfg, name, layer in entries:
        if cls == "InputLayer":
            shape = lcfg.get("batch_shape") or lcfg.get("batch_input_shape")
            if isinstance(shape, list) and len(shape) >= 2 and all(
                    isinstance(s, int) for s in shape[1:]):
                return shape[1:]
            raise NotSupportedError(f"{src}: the input layer {name!r} has shape {shape}; "
                                    "expected (batch, features)")
        build = layer.get("build_config", {}).get("input_shape") if isinstance(
            layer.get("build_config"), dict) else None
        if isinstance(build, list) and len(build) >= 2 and all(
                isinstance(s, int) for s in build[1:]):
            return build[1:]
    return None


def _weights(h5, path, src, where, n_vars):
    grp = h5.get(f"{path}/vars")
    if grp is None:
        raise FormatError(f"{src}: {WEIGHTS} has no variables for {where} (expected the group "
                          f"{path}/vars)")
    out = []
    for k in range(n_vars):
        ds = grp.get(str(k))
        if ds is None or not hasattr(ds, "shape"):
            raise FormatError(f"{src}: {WEIGHTS}: {path}/vars/{k} is missing ({where})")
        if ds.attrs.get("dtype") == "bfloat16":
            raise NotSupportedError(f"{src}: {where}: bfloat16 weights are not supported")
        out.append(_float_array(ds[()], f"{src}: {where} ({path}/vars/{k})"))
    return out, grp.attrs.get("name")


def from_keras(path, exact=False, *, inputs=None):
    """A symnet Network from a Keras 3 ``.keras`` file, read without Keras.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.keras`` file written by ``model.save("model.keras")``.
    exact : bool
        Weights as their exact binary values (sympy Rationals equal to
        ``Fraction(w)`` of the stored float32 value); default float64.
    inputs : sequence of sympy Symbols, optional
        Default ``x1 ... xn``.

    Returns
    -------
    Network
        With ``net.graph.graph["output_activation"] == "softmax"`` when the
        model ends with a softmax (the network gives the logits).

    Raises
    ------
    NotSupportedError
        For a layer or activation symnet cannot read, naming it; or when
        h5py is missing.
    FormatError
        When the file is not a ``.keras`` archive or is damaged.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("h5py")
    >>> import os, tempfile
    >>> from symnet.io.keras import _write_keras_file
    >>> from symnet import from_keras
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> _write_keras_file(path, [([[1.0, -1.0]], [0.0, 0.5], "relu"),
    ...                          ([[2.0], [0.5]], [0.0], "linear")])
    >>> from_keras(path)
    <Network 1 -> 2 relu -> 1 identity, inputs (x1,), float weights>
    """
    h5py = _require("h5py", "from_keras")
    import numpy as np

    _check_exact_flag(exact)
    zf, src = _open(path)
    with zf:
        raw = _member(zf, CONFIG, src, _MAX_CONFIG)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise FormatError(f"{src}: {CONFIG} is not valid JSON ({str(e)[:100]})") from None
        # as symnet's own JSON readers: json.loads recurses once per level
        if _json_depth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise FormatError(f"{src}: {CONFIG} nests arrays and objects more than "
                              f"{MAX_JSON_DEPTH} levels deep (Keras configs nest some 10)")
        try:
            config = json.loads(text)
        except ValueError as e:
            raise FormatError(f"{src}: {CONFIG} is not valid JSON ({str(e)[:100]})") from None
        entries, functional = _layer_list(config, src)
        wbytes = _member(zf, WEIGHTS, src, 1 << 34)
    try:
        h5 = h5py.File(_io.BytesIO(wbytes), "r")
    except (OSError, ValueError) as e:
        raise FormatError(f"{src}: {WEIGHTS} is not an HDF5 file ({str(e)[:100]})") from None
    with h5:
        return _build(entries, h5, src, exact, inputs, np)


def _build(entries, h5, src, exact, inputs, np):
    shape = _input_width(entries, src)
    width = None
    if shape is not None:
        width = int(np.prod(shape))
        flat = len(shape) == 1
    else:
        flat = True
    n_in = width
    counts = {}
    chain = []
    softmax = False
    skip = _NOOP | {"InputLayer", "Flatten"}
    last_k = max((k for k, e in enumerate(entries) if e[0] not in skip), default=-1)
    for k, (cls, lcfg, name, layer) in enumerate(entries):
        snake = _snake(cls)
        path = f"layers/{snake}" if snake not in counts else f"layers/{snake}_{counts[snake]}"
        counts[snake] = counts.get(snake, 0) + 1   # Keras: dense, dense_1, dense_2, ...
        where = f"layer {name!r} ({cls})"
        last = k == last_k
        if cls == "InputLayer":
            continue
        if cls in _NOOP:
            continue
        if cls == "Flatten":
            flat = True
            continue
        if not flat:
            raise NotSupportedError(f"{src}: {where} acts on an input of shape {shape}; "
                                    "from_keras reads (batch, features) inputs (add a Flatten)")
        if cls == "Dense":
            dtype = lcfg.get("dtype")
            if lcfg.get("quantization_config") or (isinstance(dtype, dict) and "Quantized" in
                                                   str(dtype.get("class_name"))):
                raise NotSupportedError(f"{src}: {where} is quantized")
            use_bias = lcfg.get("use_bias", True)
            arrays, stored = _weights(h5, path, src, where, 2 if use_bias else 1)
            if stored is not None and isinstance(stored, (str, bytes)):
                stored = stored.decode() if isinstance(stored, bytes) else stored
                if stored != name:
                    raise FormatError(f"{src}: {WEIGHTS}: {path} holds the variables of "
                                      f"{stored!r}, not of {where}")
            kernel = arrays[0]
            if kernel.ndim != 2:
                raise FormatError(f"{src}: {where}: the kernel has shape {kernel.shape}")
            units = lcfg.get("units")
            if units is not None and kernel.shape[1] != units:
                raise FormatError(f"{src}: {where}: the kernel has shape {kernel.shape} but the "
                                  f"layer has {units} units")
            if width is not None and kernel.shape[0] != width:
                raise FormatError(f"{src}: {where}: the kernel has shape {kernel.shape} but the "
                                  f"layer before it has {width} outputs")
            bias = arrays[1] if use_bias else np.zeros(kernel.shape[1])
            if bias.shape != (kernel.shape[1],):
                raise FormatError(f"{src}: {where}: the bias has shape {bias.shape}, expected "
                                  f"({kernel.shape[1]},)")
            if n_in is None:
                n_in = kernel.shape[0]
            chain.append(_Affine(W=kernel.T, b=bias, where=where))
            width = kernel.shape[1]
            act, sm = _activation(lcfg.get("activation", "linear"), f"{src}: {where}", last)
            chain.append(("act", act, where))
            softmax = softmax or sm
        elif cls == "Activation":
            act, sm = _activation(lcfg.get("activation"), f"{src}: {where}", last)
            chain.append(("act", act, where))
            softmax = softmax or sm
        elif cls == "ReLU":
            chain.append(("act", _relu(lcfg, f"{src}: {where}"), where))
        elif cls == "LeakyReLU":
            a = lcfg.get("negative_slope", lcfg.get("alpha", 0.3))
            a = _exact_decimal(a, f"{src}: {where}: negative_slope")
            chain.append(("act", f"leaky_relu[{_fmt(a)}]", where))
        elif cls == "Softmax":
            if not last:
                raise NotSupportedError(f"{src}: {where}: a Softmax is only read as the last "
                                        "layer (the network then gives the logits)")
            softmax = True
        elif cls == "Rescaling":
            if width is None:
                raise NotSupportedError(f"{src}: {where}: the input size is unknown")
            scale = np.broadcast_to(_float_array(lcfg.get("scale", 1.0), f"{src}: {where}: "
                                                 "scale"), (width,))
            offset = np.broadcast_to(_float_array(lcfg.get("offset", 0.0), f"{src}: {where}: "
                                                  "offset"), (width,))
            chain.append(_Affine(a=np.array(scale), b=np.array(offset), where=where))
        else:
            raise NotSupportedError(
                f"{src}: {where} is not supported; from_keras reads InputLayer, Dense, "
                "Activation, ReLU, LeakyReLU, Softmax (last), Rescaling, Flatten and "
                "Dropout-like layers")
    if n_in is None:
        raise NotSupportedError(f"{src}: the model's input size is unknown (no InputLayer and "
                                "no Dense layer)")
    attributes = {"output_activation": "softmax"} if softmax else None
    return _network_from_chain(chain, n_in, exact=exact, inputs=inputs,
                               attributes=attributes, src=src)


# ---------------------------------------------------------------------------
# writing (for tests and examples: a Dense stack in Keras 3's layout)
# ---------------------------------------------------------------------------

def _write_keras_file(path, layers, *, functional=False, n_in=None):
    """Write a ``.keras`` file in Keras 3's layout, without Keras (for tests and examples).

    ``layers`` lists Dense layers as ``(kernel (n_in, n_out), bias or None,
    activation)`` and, in between, any other layer as its serialized config
    (a dict such as ``{"class_name": "Dropout", "config": {"name": "d"}}``;
    its variables, if any, are not written).  The archive holds
    ``config.json``, ``metadata.json`` and ``model.weights.h5``, the Dense
    variables at ``layers/dense[_k]/vars/{0,1}``.
    """
    import h5py
    import numpy as np

    dense = [(np.asarray(k, dtype=np.float32), b, act) for k, b, act in
             (x for x in layers if not isinstance(x, dict))]
    n_in = dense[0][0].shape[0] if n_in is None else n_in
    cfgs = [{"module": "keras.layers", "class_name": "InputLayer",
             "config": {"batch_shape": [None, n_in], "dtype": "float32", "name": "input_layer"},
             "registered_name": None}]
    weights = []
    for x in layers:
        if isinstance(x, dict):
            cfgs.append(x)
            continue
        k, b, act = dense[len(weights)]
        i = len(weights)
        cfgs.append({"module": "keras.layers", "class_name": "Dense", "config": {
            "name": f"dense_{i}" if i else "dense", "trainable": True, "dtype": "float32",
            "units": int(k.shape[1]), "activation": act, "use_bias": b is not None},
            "registered_name": None})
        weights.append((k, b))
    if functional:
        prev = None
        for c in cfgs:
            c["name"] = c["config"]["name"]
            c["inbound_nodes"] = [] if prev is None else [{"args": [{
                "class_name": "__keras_tensor__",
                "config": {"shape": [None, None], "dtype": "float32",
                           "keras_history": [prev, 0, 0]}}], "kwargs": {}}]
            prev = c["name"]
        model = {"module": "keras.src.models.functional", "class_name": "Functional",
                 "config": {"name": "functional", "trainable": True, "layers": cfgs,
                            "input_layers": [cfgs[0]["name"], 0, 0],
                            "output_layers": [cfgs[-1]["name"], 0, 0]},
                 "registered_name": "Functional"}
        listed = cfgs
    else:
        model = {"module": "keras", "class_name": "Sequential",
                 "config": {"name": "sequential", "trainable": True, "layers": cfgs},
                 "registered_name": None}
        listed = cfgs[1:]
    buf = _io.BytesIO()
    with h5py.File(buf, "w") as h5:
        counts = {}
        it = iter(weights)
        for c in listed:
            snake = _snake(c["class_name"])
            path_ = f"layers/{snake}" if snake not in counts else \
                f"layers/{snake}_{counts[snake]}"
            counts[snake] = counts.get(snake, 0) + 1   # Keras: dense, dense_1, dense_2, ...
            if c["class_name"] != "Dense":
                continue
            k, b = next(it)
            grp = h5.create_group(path_).create_group("vars")
            grp.attrs["name"] = c["config"]["name"]
            grp["0"] = k
            if b is not None:
                grp["1"] = np.asarray(b, dtype=np.float32)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.10.0",
                                                 "date_saved": "2025-01-01@00:00:00"}))
        zf.writestr(CONFIG, json.dumps(model))
        zf.writestr(WEIGHTS, buf.getvalue())
