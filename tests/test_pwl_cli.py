"""``symnet regions``: the command line of symnet.pwl."""

import json

import pytest
import sympy

import symnet
from symnet import Network, save_network
from symnet.cli import main


@pytest.fixture
def relu_file(tmp_path):
    net = Network.dense([[[1, 0], [0, 1]], [[1, 1]]], activations=["relu", "identity"])
    path = tmp_path / "relu.json"
    save_network(net, path)
    return net, path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_regions_text_and_summary(capsys, relu_file):
    net, path = relu_file
    code, out, err = run(capsys, "regions", path, "--box=-1,1")
    assert code == 0
    assert out.startswith("<PiecewiseLinear: 4 regions on [-1, 1] x [-1, 1]")
    assert "pattern (1, 1): x1 + x2" in out
    assert err.startswith("symnet: symnet network file") and "4 regions" in err


def test_regions_formats(capsys, relu_file, tmp_path):
    net, path = relu_file
    code, out, _ = run(capsys, "regions", path, "-f", "latex", "--quiet")
    assert out.strip() == sympy.latex(symnet.piecewise(net))
    code, out, _ = run(capsys, "regions", path, "-f", "json", "--quiet", "--box", "0,1;-1,1")
    doc = json.loads(out)
    assert doc["format"] == "symnet-pwl" and len(doc["regions"]) == 2
    assert doc["box"] == [["0", "1"], ["-1", "1"]]
    code, out, _ = run(capsys, "regions", path, "-f", "csv", "--quiet", "--merged")
    assert out.splitlines()[0].startswith("region,pattern,M1_x1")
    assert len(out.splitlines()) == 5
    dest = tmp_path / "out.json"
    code, out, _ = run(capsys, "regions", path, "-f", "json", "-o", dest, "--quiet")
    assert code == 0 and out == "" and json.loads(dest.read_text())["n_outputs"] == 1


def test_regions_errors(capsys, relu_file, tmp_path):
    net, path = relu_file
    code, out, err = run(capsys, "regions", path, "--box", "1,0")
    assert code == 1 and "lo = 1 > hi = 0" in err
    code, out, err = run(capsys, "regions", path, "--box", "0,1;0,1;0,1")
    assert code == 1 and "2 inputs" in err
    tanh = tmp_path / "tanh.json"
    save_network(Network.dense([[[1, 2]], [[1]]], activations=["tanh", "identity"]), tanh)
    code, out, err = run(capsys, "regions", tanh)
    assert code == 1 and "not piecewise linear" in err
    code, out, err = run(capsys, "regions", path, "--max-regions", "2")
    assert code == 1 and "max_regions=2" in err


def test_regions_reads_a_pickled_sklearn_model_with_trust_pickle(capsys, tmp_path):
    # the pickle refusal says "pass --trust-pickle": regions must accept it
    import pickle
    sk = pytest.importorskip("sklearn.neural_network")
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(40, 2))
    clf = sk.MLPRegressor(hidden_layer_sizes=(3,), max_iter=50, random_state=0)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, X[:, 0] - X[:, 1])
    path = tmp_path / "clf.pkl"
    path.write_bytes(pickle.dumps(clf))
    code, out, err = run(capsys, "regions", path, "--box=-1,1")
    assert code == 1 and "--trust-pickle" in err
    code, out, err = run(capsys, "regions", path, "--trust-pickle", "--box=-1,1", "-f", "csv",
                         "--quiet")
    assert code == 0, err
    assert len(out.splitlines()) == len(symnet.piecewise(symnet.from_sklearn(clf),
                                                         box=[(-1, 1)] * 2)) + 1

