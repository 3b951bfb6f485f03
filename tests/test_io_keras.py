"""Tests for symnet.io.keras: .keras files written here in Keras 3's layout, read without Keras."""

import io
import json
import math
import zipfile
from fractions import Fraction

import numpy as np
import pytest
import sympy

h5py = pytest.importorskip("h5py")

import symnet  # noqa: E402
from symnet import (FormatError, Network, NotSupportedError, expand, from_keras,  # noqa: E402
                    load_polynomial)
from symnet.cli import main  # noqa: E402
from symnet.io.keras import _write_keras_file  # noqa: E402

R = sympy.Rational
_erf = np.vectorize(math.erf)

#: Keras' definitions, in float64 numpy (Keras itself is not installed)
KERAS = {
    "linear": lambda x: x, "relu": lambda x: np.maximum(x, 0), "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "softplus": lambda x: np.logaddexp(0, x),
    "silu": lambda x: x / (1 + np.exp(-x)), "swish": lambda x: x / (1 + np.exp(-x)),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x), "relu6": lambda x: np.clip(x, 0, 6),
    "hard_tanh": lambda x: np.clip(x, -1, 1), "exponential": np.exp,
}
SYMNET = {"linear": "identity", "swish": "silu", "leaky_relu": "leaky_relu[1/5]",
          "relu6": "hardtanh[0,6]", "hard_tanh": "hardtanh", "exponential": "exp"}


def random_layers(sizes, acts, seed=0, bias=True):
    rng = np.random.RandomState(seed)
    return [(rng.normal(size=(a, b)).astype(np.float32),
             rng.normal(size=b).astype(np.float32) if bias else None, act)
            for a, b, act in zip(sizes[:-1], sizes[1:], acts)]


def forward(layers, X):
    """Keras' Dense: act(x @ kernel + bias), weights float32 computed in float64."""
    for k, b, act in layers:
        X = X @ k.astype(np.float64) + (0 if b is None else b.astype(np.float64))
        X = KERAS[act](X) if act != "softmax" else X
    return X


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
@pytest.mark.parametrize("act", sorted(KERAS))
def test_dense_stack_matches_keras_forward(tmp_path, act, functional):
    layers = random_layers([3, 6, 5, 2], [act, "tanh", "linear"], seed=len(act))
    path = tmp_path / "m.keras"
    _write_keras_file(path, layers, functional=functional)
    net = from_keras(path)
    assert [s.activations[0].name for s in net.stages()] == [SYMNET.get(act, act), "tanh",
                                                             "identity"]
    X = np.random.RandomState(1).normal(size=(1000, 3)) * 2
    ref = forward(layers, X)
    assert np.abs(net(X) - ref).max() <= 1e-12 * max(1.0, np.abs(ref).max())
    hand = Network.dense([k.T for k, _, _ in layers], [b for _, b, _ in layers],
                         activations=[SYMNET.get(act, act), "tanh", "identity"])
    assert net == hand
    if symnet.get_activation(SYMNET.get(act, act)).analytic:
        assert expand(net, 3) == expand(hand, 3)


def test_softmax_output_is_logits_with_flag(tmp_path):
    layers = random_layers([4, 8, 3], ["relu", "softmax"])
    _write_keras_file(tmp_path / "c.keras", layers)
    net = from_keras(tmp_path / "c.keras")
    assert net.graph.graph["output_activation"] == "softmax"
    assert net.stages()[-1].activations[0].name == "identity"
    X = np.random.RandomState(2).normal(size=(1000, 4))
    assert np.abs(softmax(net(X)) - softmax(forward(layers, X))).max() <= 1e-12


def test_exact_weights_are_the_float32_binary_values(tmp_path):
    layers = random_layers([2, 3, 1], ["tanh", "linear"], bias=False)
    _write_keras_file(tmp_path / "e.keras", layers)
    net = from_keras(tmp_path / "e.keras", exact=True)
    assert not net.has_floats
    W1 = net.stages()[0].weights
    assert [list(r) for r in W1] == [[R(Fraction(float(w))) for w in row] for row in layers[0][0].T]
    assert all(b == 0 for s in net.stages() for b in s.biases)          # use_bias=False
    hand = Network.dense([[[Fraction(float(w)) for w in row] for row in k.T]
                          for k, _, _ in layers], activations=["tanh", "identity"])
    assert net == hand and expand(net, 3) == expand(hand, 3)
    assert expand(net, 3).domain == "QQ"
    fl = from_keras(tmp_path / "e.keras")
    assert [R(Fraction(v)) for v in fl.parameters()] == net.parameters()


def layer(cls, name, **config):
    return {"module": "keras.layers", "class_name": cls, "config": dict(name=name, **config),
            "registered_name": None}


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
def test_activation_relu_leaky_rescaling_and_no_op_layers(tmp_path, functional):
    layers = random_layers([3, 5, 4, 2], ["linear", "linear", "linear"])
    stack = [layer("Rescaling", "rescaling", scale=[0.5, 2.0, 0.25], offset=-1.0),
             layer("Flatten", "flatten"), layers[0],
             layer("Activation", "act", activation="gelu"), layer("Dropout", "drop", rate=0.5),
             layers[1], layer("LeakyReLU", "leaky", negative_slope=0.3), layers[2],
             layer("ReLU", "relu6", max_value=6.0, negative_slope=0.0, threshold=0.0)]
    path = tmp_path / "x.keras"
    _write_keras_file(path, stack, functional=functional)
    net = from_keras(path)
    assert [s.activations[0].name for s in net.stages()] == ["gelu", "leaky_relu[3/10]",
                                                             "hardtanh[0,6]"]
    X = np.random.RandomState(3).normal(size=(1000, 3)) * 3
    H = (X * [0.5, 2.0, 0.25] - 1.0) @ layers[0][0].astype(float) + layers[0][1]
    H = KERAS["gelu"](H) @ layers[1][0].astype(float) + layers[1][1]
    H = np.where(H > 0, H, 0.3 * H) @ layers[2][0].astype(float) + layers[2][1]
    assert np.abs(net(X) - np.clip(H, 0, 6)).max() <= 1e-12
    # the Rescaling is folded exactly into the first weight matrix
    ex = from_keras(path, exact=True)
    k0 = layers[0][0]
    assert ex.stages()[0].weights[0][0] == R(Fraction(float(k0[0, 0]))) / 2
    assert ex.stages()[0].biases[0] == R(Fraction(float(layers[0][1][0]))) - sum(
        R(Fraction(float(k0[j, 0]))) for j in range(3))


def test_unsupported_layers_and_activations_are_named(tmp_path):
    layers = random_layers([2, 3, 1], ["tanh", "linear"])
    path = tmp_path / "u.keras"
    _write_keras_file(path, [layers[0], layer("BatchNormalization", "bn"), layers[1]])
    with pytest.raises(NotSupportedError, match=r"layer 'bn' \(BatchNormalization\) is not "
                                                r"supported"):
        from_keras(path)
    _write_keras_file(path, random_layers([2, 3, 1], ["elu", "linear"]))
    with pytest.raises(NotSupportedError, match=r"layer 'dense' \(Dense\): the activation 'elu'"):
        from_keras(path)
    _write_keras_file(path, random_layers([2, 3, 1], ["softmax", "linear"]))
    with pytest.raises(NotSupportedError, match="softmax is only read on the last layer"):
        from_keras(path)
    _write_keras_file(path, [layers[0], layer("ReLU", "r", threshold=1.0), layers[1]])
    with pytest.raises(NotSupportedError, match=r"ReLU\(threshold=1.0\)"):
        from_keras(path)
    # a functional model with a skip connection (Add of the input and a Dense output)
    _write_keras_file(path, layers, functional=True)
    with zipfile.ZipFile(path) as zf:
        cfg = json.loads(zf.read("config.json"))
        weights = zf.read("model.weights.h5")
    hist = {"class_name": "__keras_tensor__",
            "config": {"shape": [None, 3], "dtype": "float32", "keras_history": []}}
    add = layer("Add", "add")
    add["name"] = "add"
    add["inbound_nodes"] = [{"args": [[dict(hist, config=dict(hist["config"], keras_history=[
        n, 0, 0])) for n in ("dense", "input_layer")]], "kwargs": {}}]
    cfg["config"]["layers"].append(add)
    cfg["config"]["output_layers"] = ["add", 0, 0]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("config.json", json.dumps(cfg))
        zf.writestr("model.weights.h5", weights)
    with pytest.raises(NotSupportedError, match=r"layer 'add' \(Add\) has 2 inputs"):
        from_keras(path)


def test_bad_files_are_format_errors(tmp_path):
    good = tmp_path / "g.keras"
    _write_keras_file(good, random_layers([2, 2], ["tanh"]))
    data = good.read_bytes()
    cases = {
        "not a zip archive": b"hello, not a zip",
        "Keras 2's .h5 format": b"\x89HDF\r\n\x1a\n" + b"\x00" * 100,
        "not a zip archive ": data[: len(data) // 3],
    }
    for msg, content in cases.items():
        p = tmp_path / "b.keras"
        p.write_bytes(content)
        with pytest.raises(FormatError, match=msg.strip()):
            from_keras(p)

    def rezip(path, drop=(), replace=None):
        with zipfile.ZipFile(good) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        for n in drop:
            members.pop(n)
        members.update(replace or {})
        with zipfile.ZipFile(path, "w") as zf:
            for n, v in members.items():
                zf.writestr(n, v)
        return path
    with pytest.raises(FormatError, match="it has no model.weights.h5"):
        from_keras(rezip(tmp_path / "c.keras", drop=["model.weights.h5"]))
    with pytest.raises(FormatError, match="config.json is not valid JSON"):
        from_keras(rezip(tmp_path / "d.keras", replace={"config.json": b"{oops"}))
    with pytest.raises(FormatError, match="model.weights.h5 is not an HDF5 file"):
        from_keras(rezip(tmp_path / "e.keras", replace={"model.weights.h5": b"junk" * 10}))
    buf = io.BytesIO()
    with h5py.File(buf, "w") as h5:
        g = h5.create_group("layers/dense/vars")
        g["0"], g["1"] = np.ones((5, 2), np.float32), np.ones(2, np.float32)
    with pytest.raises(FormatError, match=r"the kernel has shape \(5, 2\)"):
        from_keras(rezip(tmp_path / "f.keras", replace={"model.weights.h5": buf.getvalue()}))
    buf = io.BytesIO()
    with h5py.File(buf, "w") as h5:
        h5.create_group("layers/other")
    with pytest.raises(FormatError, match="expected the group layers/dense/vars"):
        from_keras(rezip(tmp_path / "h.keras", replace={"model.weights.h5": buf.getvalue()}))
    with pytest.raises(FileNotFoundError):
        from_keras(tmp_path / "nope.keras")
    with pytest.raises(IsADirectoryError):
        from_keras(tmp_path)


def test_deeply_nested_config_is_a_format_error(tmp_path, capsys):
    # json.loads recursed until a RecursionError, printed raw by the CLI
    good = tmp_path / "g.keras"
    _write_keras_file(good, random_layers([2, 2], ["tanh"]))
    with zipfile.ZipFile(good) as zf:
        weights = zf.read("model.weights.h5")
    path = tmp_path / "deep.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("config.json", "[" * 100000 + "]" * 100000)
        zf.writestr("model.weights.h5", weights)
    with pytest.raises(FormatError, match=r"deep.keras: config.json nests arrays and objects "
                                          r"more than 64 levels deep"):
        from_keras(path)
    assert main(["expand", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("symnet: error: ") and "64 levels deep" in err \
        and len(err.splitlines()) == 1


def test_missing_h5py_says_what_to_install(monkeypatch, tmp_path):
    import sys
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(NotSupportedError, match=r"pip install 'symnet\[keras\]'"):
        from_keras(tmp_path / "m.keras")


def test_cli_expands_a_keras_file(tmp_path, capsys):
    layers = random_layers([2, 4, 3], ["tanh", "softmax"])
    path = tmp_path / "m.keras"
    _write_keras_file(path, layers)
    assert main(["expand", str(path), "-f", "json"]) == 0
    out, err = capsys.readouterr()
    assert "Keras model" in err and "logits" in err
    assert load_polynomial(io.StringIO(out)) == expand(from_keras(path), 3)
    assert main(["expand", str(path), "--rationalize", "64", "-f", "json"]) == 0
    out, _ = capsys.readouterr()
    assert load_polynomial(io.StringIO(out))[0].domain == "QQ"
    path.write_bytes(path.read_bytes()[:100])
    assert main(["expand", str(path)]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("symnet: error: ") and err.count("\n") == 1
    assert "not a .keras file" in err


def test_cli_finds_keras_archives_by_content_and_suffix(tmp_path, capsys):
    layers = random_layers([2, 3, 1], ["tanh", "linear"])
    renamed = tmp_path / "model.zip"
    _write_keras_file(renamed, layers)
    assert main(["expand", str(renamed), "--quiet", "-f", "json"]) == 0
    out, _ = capsys.readouterr()
    assert load_polynomial(io.StringIO(out)) == expand(from_keras(renamed), 3)
    text = tmp_path / "notzip.keras"
    text.write_text("{}")
    assert main(["expand", str(text)]) == 1
    _, err = capsys.readouterr()
    assert "notzip.keras: not a .keras file (not a zip archive)" in err


def test_files_saved_by_real_keras(tmp_path, monkeypatch):
    """Keras 3 itself writes the file (torch backend): names dense, dense_1, dense_2, ..."""
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip(f"keras already imported with the {keras.backend.backend()} backend")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="gelu"),
                              keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(4, activation="softplus"),
                              keras.layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    net = from_keras(tmp_path / "m.keras")
    assert [s.activations[0].name for s in net.stages()] == ["gelu", "relu", "softplus",
                                                             "identity"]
    kernels = [np.asarray(w, dtype=np.float64) for w in model.get_weights()[::2]]
    assert [np.asarray(s.weights, dtype=np.float64).T.tolist() for s in net.stages()] == \
        [k.tolist() for k in kernels]     # each layer's own kernel, in order
    X = np.random.RandomState(3).normal(size=(200, 3)).astype(np.float32)
    ref = model.predict(X, verbose=0).astype(np.float64)
    assert np.abs(net(X) - ref).max() <= 1e-5 * max(1.0, np.abs(ref).max())   # float32 Keras
