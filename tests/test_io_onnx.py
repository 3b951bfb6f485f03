"""Tests for symnet.io.onnx: from_onnx against torch's and onnx's own forward passes."""

import io
import json
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import symnet  # noqa: E402
from symnet import (FormatError, Network, NotSupportedError, expand,  # noqa: E402
                    from_onnx, load_polynomial)
from symnet.cli import main  # noqa: E402

R = sympy.Rational
D, F32 = TensorProto.DOUBLE, TensorProto.FLOAT


def reference(model, X):
    """onnx's own (pure Python) evaluator: the framework's forward pass, nothing compiled."""
    from onnx.reference import ReferenceEvaluator
    name = model.graph.input[0].name
    return ReferenceEvaluator(model).run(None, {name: X})[0]


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def init(name, a, dtype=np.float64):
    return numpy_helper.from_array(np.asarray(a, dtype=dtype), name)


def model_of(nodes, inits, n_in, n_out, elem=D, opset=17, in_shape=None):
    g = helper.make_graph(nodes, "net",
                          [helper.make_tensor_value_info("x", elem, in_shape or ["N", n_in])],
                          [helper.make_tensor_value_info("y", elem, ["N", n_out])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


# ---------------------------------------------------------------------------
# models exported by torch
# ---------------------------------------------------------------------------

def export(model, n_in, opset):
    torch = pytest.importorskip("torch")
    f = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (torch.zeros(1, n_in),), f, dynamo=False,
                              opset_version=opset, input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})
    except Exception as e:  # noqa: BLE001 - e.g. the exporter needs onnxscript
        pytest.skip(f"torch.onnx.export is not available here: {type(e).__name__}: {e}")
    return f.getvalue()


def torch_acts():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    return [nn.Tanh(), nn.Sigmoid(), nn.ReLU(), nn.GELU(), nn.SiLU(), nn.Softplus(),
            nn.Softplus(beta=2), nn.LeakyReLU(0.25), nn.Hardtanh(), nn.Hardtanh(-0.5, 2.0),
            nn.ReLU6()]


@pytest.mark.parametrize("opset", [17, 20])
@pytest.mark.parametrize("k", range(11))
def test_torch_export_matches_torch_and_from_torch(k, opset):
    torch = pytest.importorskip("torch")
    nn = torch.nn
    torch.manual_seed(k)
    act = torch_acts()[k]
    model = nn.Sequential(nn.Linear(3, 6), act, nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 2))
    net = from_onnx(export(model, 3, opset))
    assert net.has_floats and net.n_inputs == 3 and net.n_outputs == 2
    X = np.random.RandomState(k).normal(size=(1000, 3)) * 2
    with torch.no_grad():
        ref = model.double()(torch.tensor(X)).numpy()
    assert np.abs(net(X) - ref).max() <= 1e-12
    # the same network as reading the torch model directly (weights are the float32 values)
    assert net == symnet.from_torch(model.float())


def test_torch_export_with_flatten_dropout_and_leaky_slope_as_stored():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 5), nn.LeakyReLU(0.2), nn.Dropout(0.5),
                          nn.Linear(5, 1)).eval()
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(model, (torch.zeros(1, 2, 2),), f, dynamo=False, opset_version=17)
        except Exception as e:  # noqa: BLE001
            pytest.skip(f"torch.onnx.export is not available here: {e}")
    net = from_onnx(f.getvalue())
    # ONNX stores alpha as the float32 nearest 0.2: that is what the model computes
    a = Fraction(float(np.float32(0.2)))
    assert [s.activations[0].name for s in net.stages()] == [
        f"leaky_relu[{a.numerator}/{a.denominator}]", "identity"]
    X = np.random.RandomState(0).normal(size=(1000, 2, 2))
    m = onnx.load_from_string(f.getvalue())
    ref = reference(m, X.astype(np.float32))
    assert np.abs(net(X.reshape(1000, 4)) - ref).max() <= 1e-5      # float32 evaluator


def test_torch_export_tanh_gelu():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.GELU(approximate="tanh"),
                                torch.nn.Linear(3, 1))
    data = export(model, 2, 17)
    if "gelu_tanh" not in symnet.activation_names():
        with pytest.raises(NotSupportedError, match=r"node '/1/Mul_\d' \(Mul\).*tanh-approximate"):
            from_onnx(data)
        pytest.skip("symnet has no gelu_tanh activation yet")
    net = from_onnx(data)
    assert net.stages()[0].activations[0].name == "gelu_tanh"
    X = np.random.RandomState(0).normal(size=(1000, 2))
    with torch.no_grad():
        ref = model.double()(torch.tensor(X)).numpy()
    assert np.abs(net(X) - ref).max() <= 1e-12


@pytest.mark.parametrize("case", ["clamp_relu_max_100", "relu_minus_shifted_relu"])
def test_torch_subgraphs_equal_to_relu_near_zero_only_are_not_read_as_relu(case):
    # both agree with relu on [-8, 8] but not beyond: min(relu(x), 100) and
    # relu(x) - relu(x - 20); from_onnx must refuse them or import them exactly
    torch = pytest.importorskip("torch")
    nn = torch.nn

    class Act(nn.Module):
        def forward(self, x):
            if case == "clamp_relu_max_100":
                return torch.clamp(torch.relu(x), max=100.0)
            return torch.relu(x) - torch.relu(x - 20.0)

    model = nn.Sequential(nn.Linear(1, 1), Act()).double().eval()
    with torch.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.fill_(0.0)
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(model, (torch.zeros(1, 1, dtype=torch.float64),), f,
                              dynamo=False, opset_version=17)
        except Exception as e:  # noqa: BLE001 - e.g. the exporter needs onnxscript
            pytest.skip(f"torch.onnx.export is not available here: {e}")
    X = np.array([[5.0], [30.0], [200.0]])
    with torch.no_grad():
        ref = model(torch.tensor(X)).numpy()
    try:
        net = from_onnx(f.getvalue())
    except NotSupportedError as e:
        assert "(Relu)" in str(e) and "not an activation" in str(e)
    else:
        assert np.abs(np.asarray(net(X), dtype=float) - ref).max() <= 1e-12


def test_a_bump_between_kinks_far_from_zero_is_not_read_as_relu():
    # relu(z) + relu(z - 5000) - 2 relu(z - 5001) + relu(z - 5002): relu but for a
    # bump of height 1 at z = 5001, between the sample magnitudes; found from the kinks
    nodes = [helper.make_node("MatMul", ["x", "W"], ["z"]),
             helper.make_node("Relu", ["z"], ["r0"])]
    for k, c in enumerate([5000.0, 5001.0, 5002.0]):
        nodes += [helper.make_node("Sub", ["z", f"c{k}"], [f"s{k}"]),
                  helper.make_node("Relu", [f"s{k}"], [f"r{k + 1}"])]
    nodes += [helper.make_node("Mul", ["r2", "two"], ["m2"]),
              helper.make_node("Add", ["r0", "r1"], ["a1"]),
              helper.make_node("Sub", ["a1", "m2"], ["a2"]),
              helper.make_node("Add", ["a2", "r3"], ["y"], name="last")]
    inits = [init("W", [[1.0]]), init("two", 2.0)] + \
        [init(f"c{k}", c) for k, c in enumerate([5000.0, 5001.0, 5002.0])]
    model = model_of(nodes, inits, 1, 1)
    assert reference(model, np.array([[5001.0]]))[0, 0] == 5002.0
    with pytest.raises(NotSupportedError, match=r"node 'last' \(Add\)|not an activation"):
        from_onnx(model)
    # without the bump it is relu, read as relu
    nodes2 = [helper.make_node("MatMul", ["x", "W"], ["z"]),
              helper.make_node("Relu", ["z"], ["r0"]),
              helper.make_node("Sub", ["z", "c0"], ["s0"]),
              helper.make_node("Relu", ["s0"], ["r1"]),
              helper.make_node("Sub", ["r0", "r1"], ["d"]),
              helper.make_node("Add", ["d", "r1"], ["y"])]
    net = from_onnx(model_of(nodes2, [init("W", [[1.0]]), init("c0", 5000.0)], 1, 1))
    assert net.stages()[0].activations[0].name == "relu"


# ---------------------------------------------------------------------------
# models built with onnx.helper
# ---------------------------------------------------------------------------

def normalised_mlp(seed=0, dtype=np.float64, elem=D, second="LeakyRelu"):
    rng = np.random.RandomState(seed)
    p = {"mean": rng.normal(size=3), "std": rng.uniform(0.5, 2, size=3),
         "W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4),
         "W2": rng.normal(size=(4, 4)), "b2": rng.normal(size=4),
         "W3": rng.normal(size=(3, 4)), "b3": rng.normal(size=(1, 3))}
    inits = [init(k, v, dtype) for k, v in p.items()]
    nodes = [helper.make_node("Sub", ["x", "mean"], ["a"]),
             helper.make_node("Div", ["a", "std"], ["b"]),
             helper.make_node("Gemm", ["b", "W1", "b1"], ["z1"], alpha=0.5, beta=2.0),
             helper.make_node("Tanh", ["z1"], ["h1"]),
             helper.make_node("MatMul", ["h1", "W2"], ["m2"]),
             helper.make_node("Add", ["m2", "b2"], ["z2"]),
             helper.make_node("LeakyRelu", ["z2"], ["h2"], alpha=0.125) if second == "LeakyRelu"
             else helper.make_node(second, ["z2"], ["h2"]),
             helper.make_node("Gemm", ["h2", "W3", "b3"], ["z3"], transB=1),
             helper.make_node("Softmax", ["z3"], ["y"], axis=-1)]
    return model_of(nodes, inits, 3, 3, elem=elem), {k: v.astype(dtype) for k, v in p.items()}


def test_helper_model_matches_the_reference_evaluator():
    model, _ = normalised_mlp()
    net = from_onnx(model)
    assert net.graph.graph["output_activation"] == "softmax"
    assert [s.activations[0].name for s in net.stages()] == ["tanh", "leaky_relu[1/8]",
                                                             "identity"]
    X = np.random.RandomState(1).normal(size=(1000, 3)) * 2
    assert np.abs(softmax(net(X)) - reference(model, X)).max() <= 1e-12


def test_normalisation_gemm_attributes_fold_exactly():
    model, p = normalised_mlp(elem=F32, dtype=np.float32)
    net = from_onnx(model, exact=True)
    q = {k: np.vectorize(lambda v: Fraction(float(v)), otypes=[object])(v) for k, v in p.items()}
    # (x - m)/s, then 0.5 * (.) @ W1 + 2 * b1: W1' = W1^T / s / 2, b1' = 2 b1 - W1' m
    W1 = [[q["W1"][j, i] / q["std"][j] / 2 for j in range(3)] for i in range(4)]
    b1 = [2 * q["b1"][i] - sum(W1[i][j] * q["mean"][j] for j in range(3)) for i in range(4)]
    hand = Network.dense([W1, q["W2"].T.tolist(), q["W3"].tolist()],
                         [b1, q["b2"].tolist(), q["b3"][0].tolist()],
                         activations=["tanh", "leaky_relu[1/8]", "identity"])
    assert not net.has_floats
    assert [(s.weights, s.biases, s.activations) for s in net.stages()] == \
        [(s.weights, s.biases, s.activations) for s in hand.stages()]
    assert expand(net, 1, mode="taylor") == expand(hand, 1, mode="taylor")
    assert [list(r) for r in net.stages()[0].weights] == [[R(w) for w in row] for row in W1]
    assert list(net.stages()[0].biases) == [R(b) for b in b1]
    # every weight of the unfolded layers is the exact binary value of the float32
    assert [list(r) for r in net.stages()[2].weights] == \
        [[R(Fraction(float(w))) for w in row] for row in p["W3"]]
    # float mode: the exact fold rounded once
    fl = from_onnx(model)
    assert fl.parameters() == [float(v) for v in net.parameters()]


def test_expansion_equals_the_hand_built_network():
    rng = np.random.RandomState(3)
    W1, b1, W2, b2 = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)), \
        rng.normal(size=1)
    model = model_of([helper.make_node("MatMul", ["x", "W1"], ["m"]),
                      helper.make_node("Add", ["m", "b1"], ["z"]),
                      helper.make_node("Sigmoid", ["z"], ["h"]),
                      helper.make_node("Gemm", ["h", "W2", "b2"], ["y"])],
                     [init("W1", W1), init("b1", b1), init("W2", W2), init("b2", b2)], 2, 1)
    net = from_onnx(model)
    hand = Network.dense([W1.T, W2.T], [b1, b2], activations=["sigmoid", "identity"])
    assert net == hand
    assert expand(net, 3) == expand(hand, 3)
    exact = from_onnx(model, exact=True)
    assert expand(exact, 3).domain == "QQ"
    assert exact.parameters() == [R(Fraction(v)) for v in hand.parameters()]


@pytest.mark.parametrize("dtype, elem", [(np.float64, D), (np.float32, F32)])
def test_erf_gelu_silu_and_scaled_softplus_patterns_by_hand(dtype, elem):
    rng = np.random.RandomState(4)
    Ws = [init(f"W{i}", rng.normal(size=(2, 2)), dtype) for i in range(3)]

    def c(name, v):
        return helper.make_node("Constant", [], [name],
                                value=numpy_helper.from_array(np.array(v, dtype)))
    # gelu as z * 0.5 * (1 + erf(z * (1/sqrt 2))), silu as z / (1 + exp(-z)),
    # torch's Softplus(beta=3) as softplus(3 z) / 3
    nodes = [c("r", 1 / np.sqrt(2)), c("half", 0.5), c("one", 1.0), c("three", 3.0),
             helper.make_node("MatMul", ["x", "W0"], ["z"]),
             helper.make_node("Mul", ["z", "r"], ["zr"]), helper.make_node("Erf", ["zr"], ["e"]),
             helper.make_node("Add", ["one", "e"], ["e1"]),
             helper.make_node("Mul", ["half", "z"], ["hz"]),
             helper.make_node("Mul", ["hz", "e1"], ["g"]),
             helper.make_node("MatMul", ["g", "W1"], ["z2"]),
             helper.make_node("Neg", ["z2"], ["nz"]), helper.make_node("Exp", ["nz"], ["en"]),
             helper.make_node("Add", ["en", "one"], ["den"]),
             helper.make_node("Div", ["z2", "den"], ["s"]),
             helper.make_node("MatMul", ["s", "W2"], ["z3"]),
             helper.make_node("Mul", ["z3", "three"], ["z33"]),
             helper.make_node("Softplus", ["z33"], ["sp"]),
             helper.make_node("Div", ["sp", "three"], ["y"])]
    model = model_of(nodes, Ws, 2, 2, elem=elem)
    net = from_onnx(model)
    assert [s.activations[0].name for s in net.stages()] == ["gelu", "silu", "softplus[3]"]
    X = np.random.RandomState(0).normal(size=(1000, 2)) * 2
    if dtype == np.float32:         # onnx's evaluator computes in float32
        assert np.abs(net(X) - reference(model, X.astype(dtype))).max() <= 1e-5
        return
    # onnx's Erf is float32 even on doubles: the graph in float64 numpy instead
    erf = np.vectorize(math.erf)
    W0, W1, W2 = (numpy_helper.to_array(w) for w in Ws)
    z = X @ W0
    g = 0.5 * z * (1 + erf(z * (1 / np.sqrt(2))))
    z2 = g @ W1
    z3 = (z2 / (1 + np.exp(-z2))) @ W2
    assert np.abs(net(X) - np.logaddexp(0, 3 * z3) / 3).max() <= 1e-12


def test_flatten_reshape_identity_dropout_cast_are_no_ops():
    rng = np.random.RandomState(5)
    W = rng.normal(size=(4, 2))
    nodes = [helper.make_node("Flatten", ["x"], ["f"], axis=1),
             helper.make_node("Identity", ["f"], ["i"]),
             helper.make_node("Reshape", ["i", "shape"], ["r"]),
             helper.make_node("Dropout", ["r"], ["d"]),
             helper.make_node("Cast", ["d"], ["c"], to=D),
             helper.make_node("Gemm", ["c", "W"], ["y"])]
    model = model_of(nodes, [init("W", W), numpy_helper.from_array(np.array([-1, 4]), "shape")],
                     4, 2, in_shape=["N", 1, 2, 2])
    net = from_onnx(model)
    assert net.n_inputs == 4
    X = rng.normal(size=(1000, 1, 2, 2))
    assert np.abs(net(X.reshape(1000, 4)) - reference(model, X)).max() <= 1e-12


def test_clip_and_relu6_bounds():
    W = np.array([[1.0, -2.0]])
    nodes = [helper.make_node("MatMul", ["x", "W"], ["z"]),
             helper.make_node("Clip", ["z", "lo", "hi"], ["y"])]
    model = model_of(nodes, [init("W", W.T), init("lo", 0.0), init("hi", 20.0)], 2, 1)
    net = from_onnx(model)
    assert net.stages()[0].activations[0].name == "hardtanh[0,20]"   # not relu: bound at 20
    X = np.random.RandomState(0).normal(size=(1000, 2)) * 12
    assert np.abs(net(X) - reference(model, X)).max() <= 1e-12


# ---------------------------------------------------------------------------
# unsupported graphs and bad files
# ---------------------------------------------------------------------------

def simple_nodes():
    return [helper.make_node("MatMul", ["x", "W"], ["z"]), helper.make_node("Tanh", ["z"], ["y"])]


def test_unsupported_nodes_are_named_with_their_op_type():
    W = init("W", np.ones((2, 2)))
    conv = model_of([helper.make_node("Abs", ["x"], ["a"], name="absnode"),
                     helper.make_node("MatMul", ["a", "W"], ["y"])], [W], 2, 2)
    with pytest.raises(NotSupportedError, match=r"node 'absnode' \(Abs\).*not an activation"):
        from_onnx(conv)
    conv = model_of([helper.make_node("MatMul", ["x", "W"], ["z"]),
                     helper.make_node("Elu", ["z"], ["y"], name="elu1")], [W], 2, 2)
    with pytest.raises(NotSupportedError, match=r"node 'elu1' \(Elu\): this op is not supported"):
        from_onnx(conv)
    skip = model_of([helper.make_node("MatMul", ["x", "W"], ["z"]),
                     helper.make_node("Tanh", ["z"], ["h"]),
                     helper.make_node("Add", ["h", "x"], ["y"], name="res")], [W], 2, 2)
    with pytest.raises(NotSupportedError, match=r"node 'res' \(Add\).*skip connection"):
        from_onnx(skip)
    sm = model_of([helper.make_node("Softmax", ["x"], ["s"], name="sm"),
                   helper.make_node("MatMul", ["s", "W"], ["y"])], [W], 2, 2)
    with pytest.raises(NotSupportedError, match=r"node 'sm' \(Softmax\): not the last node"):
        from_onnx(sm)
    trans = model_of([helper.make_node("Gemm", ["W", "x"], ["y"], name="g")], [W], 2, 2)
    with pytest.raises(NotSupportedError, match=r"node 'g' \(Gemm\)"):
        from_onnx(trans)
    g = helper.make_graph(simple_nodes(), "two",
                          [helper.make_tensor_value_info("x", D, ["N", 2]),
                           helper.make_tensor_value_info("x2", D, ["N", 2])],
                          [helper.make_tensor_value_info("y", D, ["N", 2])], [W])
    with pytest.raises(NotSupportedError, match="2 inputs"):
        from_onnx(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]))


def test_bad_files_are_format_errors(tmp_path):
    good = model_of(simple_nodes(), [init("W", np.eye(2))], 2, 2).SerializeToString()
    path = tmp_path / "m.onnx"
    path.write_bytes(good)
    assert from_onnx(path).n_inputs == 2
    for bad in [good[: len(good) // 2], b"", b"\x00\xff" * 40,
                json.dumps({"format": "symnet-network"}).encode()]:
        path.write_bytes(bad)
        with pytest.raises(FormatError, match="m.onnx: not "):
            from_onnx(path)
    # a node reading a tensor nobody computes: the checker refuses it
    broken = model_of([helper.make_node("MatMul", ["nowhere", "W"], ["z"]),
                       helper.make_node("Tanh", ["z"], ["y"])], [init("W", np.eye(2))], 2, 2)
    with pytest.raises(FormatError, match="not a valid ONNX model"):
        from_onnx(broken)
    with pytest.raises(symnet.SymnetError, match="expected a path"):
        from_onnx(3.5)


def test_external_data_stays_in_the_model_directory(tmp_path):
    from onnx import external_data_helper as edh

    model = model_of(simple_nodes(), [init("W", np.arange(4.0).reshape(2, 2))], 2, 2)
    onnx.save_model(model, tmp_path / "ext.onnx", save_as_external_data=True,
                    all_tensors_to_one_file=True, location="ext.data", size_threshold=0)
    net = from_onnx(tmp_path / "ext.onnx")
    assert net.stages()[0].weights == ((0.0, 2.0), (1.0, 3.0))
    m = onnx.load(tmp_path / "ext.onnx", load_external_data=False)
    for entry in m.graph.initializer[0].external_data:
        if entry.key == "location":
            entry.value = "../secret.bin"
    assert edh.uses_external_data(m.graph.initializer[0])
    onnx.save_model(m, tmp_path / "evil.onnx")
    with pytest.raises(FormatError, match="outside the model's directory"):
        from_onnx(tmp_path / "evil.onnx")


def test_external_data_through_a_symlink_is_a_format_error(tmp_path):
    # onnx refuses it with its own ValidationError, which escaped untyped
    import os
    model = model_of(simple_nodes(), [init("W", np.arange(4.0).reshape(2, 2))], 2, 2)
    onnx.save_model(model, tmp_path / "ext.onnx", save_as_external_data=True,
                    all_tensors_to_one_file=True, location="ext.data", size_threshold=0)
    os.rename(tmp_path / "ext.data", tmp_path / "real.data")
    os.symlink(tmp_path / "real.data", tmp_path / "ext.data")
    with pytest.raises(FormatError, match=r"ext.onnx: initializer 'W' refers to 'ext.data', a "
                                          r"symbolic link"):
        from_onnx(tmp_path / "ext.onnx")
    os.remove(tmp_path / "ext.data")
    os.mkfifo(tmp_path / "ext.data")          # a FIFO would block onnx's reader
    from symnet.alarm import call_with_alarm
    with pytest.raises(symnet.FileError, match=r"ext.data: not a regular file \(a FIFO\)"):
        call_with_alarm(lambda: from_onnx(tmp_path / "ext.onnx"), 10)


def test_missing_file_is_a_file_error(tmp_path):
    # a bare FileNotFoundError before; the other loaders give FileError
    with pytest.raises(symnet.FileError, match=r"nope.onnx: no such file"):
        from_onnx(tmp_path / "nope.onnx")
    with pytest.raises(symnet.FileError, match="is a directory"):
        from_onnx(tmp_path)


def test_missing_onnx_says_what_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(NotSupportedError, match=r"pip install 'symnet\[onnx\]'"):
        from_onnx(b"")


# ---------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------

def test_cli_expands_an_onnx_file(tmp_path, capsys):
    model, _ = normalised_mlp(second="Sigmoid")
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    assert main(["expand", str(path), "-f", "json", "--order", "2"]) == 0
    out, err = capsys.readouterr()
    assert "ONNX model" in err and "logits" in err
    p = load_polynomial(io.StringIO(out))
    assert p == expand(from_onnx(path), 2)
    assert main(["expand", str(path), "--exact", "-f", "json", "--order", "1"]) == 0
    out, _ = capsys.readouterr()
    assert load_polynomial(io.StringIO(out))[0].domain == "QQ"
    path.write_bytes(model.SerializeToString()[:50])
    assert main(["expand", str(path)]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("symnet: error: ") and err.count("\n") == 1 and "not an ONNX" in err


def test_cli_shows_warnings_as_one_line_without_paths(tmp_path, capsys, monkeypatch):
    model = model_of(simple_nodes(), [init("W", np.eye(2))], 2, 2)
    path = tmp_path / "w.onnx"
    path.write_bytes(model.SerializeToString())
    real = symnet.from_onnx

    def noisy(p, exact=False):
        warnings.warn("something\nto know", UserWarning)
        warnings.warn("old", DeprecationWarning)
        return real(p, exact=exact)
    monkeypatch.setattr(symnet, "from_onnx", noisy)
    assert main(["expand", str(path), "--quiet"]) == 0
    _, err = capsys.readouterr()
    assert err == "symnet: warning: UserWarning: something to know\n"
