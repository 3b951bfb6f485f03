"""compress(): the report's numbers, the certified error against measurement, the CLI."""

import json

import numpy as np
import pytest
import sympy

import symnet
from symnet import Network, compress
from symnet.approximation import fit_surrogates
from symnet.errors import ArgumentError, BoxError, OrderError, UncertifiedBoundError


def drawn(n_in=3, hidden=(8,), n_out=1, seed=0, act="tanh"):
    rng = np.random.default_rng(seed)
    sizes = [n_in, *hidden, n_out]
    Ws = [rng.normal(size=(b, a)) / np.sqrt(a) for a, b in zip(sizes, sizes[1:])]
    bs = [rng.normal(size=b) / 4 for b in sizes[1:]]
    return Network.dense(Ws, bs, activations=[act] * len(hidden) + ["identity"])


def test_report_numbers_and_certificate():
    net = drawn()
    c = compress(net, box=(-1, 1), degree=4)
    assert c.network_parameters == net.n_parameters == 8 * 4 + 9
    assert c.coefficients == c.polynomial.nterms <= 35 and c.order == 4
    assert c.certified_error is not None
    X = np.random.default_rng(5).uniform(-1, 1, size=(5000, 3))
    measured = np.abs(net(X)[:, 0] - c.polynomial(X)).max()
    assert measured <= c.certified_error
    assert c.max_error <= c.certified_error
    parts = c.certified_parts
    assert float(parts["surrogate"]) + float(parts["truncation"]) >= c.certified_error * (1 - 1e-12)
    assert c.ratio == pytest.approx(c.network_parameters / c.coefficients)


def test_no_truncation_when_order_reaches_the_full_degree():
    net = drawn(hidden=(6,))
    c = compress(net, box=(-1, 1), degree=3, order=3)
    assert float(c.certified_parts["truncation"]) < 1e-12
    assert c.certified_parts["full_degree"] == 3


def test_terms_keeps_the_largest_and_refits():
    net = drawn()
    X = np.random.default_rng(2).uniform(-1, 1, size=(800, 3))
    full = compress(net, box=(-1, 1), data=X, degree=4)
    sparse = compress(net, box=(-1, 1), data=X, degree=4, terms=6)
    assert sparse.coefficients == 6 and sparse.refit and sparse.terms == 6
    assert sparse.polynomial.nterms == 6
    assert sparse.certified_error is not None and sparse.max_error <= sparse.certified_error
    # refitting all the coefficients by least squares lowers the RMS error on the data
    refit = compress(net, box=(-1, 1), data=X, degree=4, refit=True)
    assert refit.rms_error <= full.rms_error + 1e-12
    assert refit.n_points == 800 and refit.points == "data points"


def test_data_only_is_measured_not_certified():
    net = drawn()
    X = np.random.default_rng(0).uniform(-1, 1, size=(300, 3))
    c = compress(net, data=X, degree=3)
    assert c.certified_error is None and c.certified_reason == "no box given"
    assert "none (no box given)" in str(c)


def test_classifier_agreement():
    net = drawn(n_out=3, seed=4)
    c = compress(net, box=(-1, 1), degree=4)
    assert isinstance(c.polynomial, tuple) and len(c.polynomial) == 3
    assert 0.5 <= c.agreement <= 1
    assert "agree" in str(c)
    one = compress(drawn(seed=1), box=(-1, 1), degree=4, classifier=True)
    assert 0 <= one.agreement <= 1


def test_printing():
    c = compress(drawn(), box=(-1, 1), degree=3, name="toy_net")
    row = c.latex_row()
    assert row.startswith(r"toy\_net & 41 & ") and row.endswith(r"\\")
    assert symnet.latex(c) == row
    table = c.latex_table(c)
    assert table.count(r"\\") >= 3 and r"\toprule" in table and r"\bottomrule" in table
    text = str(c)
    assert "certified max error on the box" in text and "toy_net" in text
    assert "Compression(41 parameters" in repr(c)
    d = c.as_dict()
    assert d["network_parameters"] == 41 and d["name"] == "toy_net"


def test_relu_network():
    net = drawn(act="relu", seed=3)
    c = compress(net, box=(-1, 1), degree=4, method="l2")
    X = np.random.default_rng(0).uniform(-1, 1, size=(3000, 3))
    assert np.abs(net(X)[:, 0] - c.polynomial(X)).max() <= c.certified_error


def test_bad_inputs():
    net = drawn()
    with pytest.raises(ArgumentError, match="box .* or data"):
        compress(net)
    with pytest.raises(BoxError):
        compress(net, box=(1, -1))
    with pytest.raises(OrderError):
        compress(net, box=(-1, 1), terms=0)
    narrow = fit_surrogates(net, box=(-0.1, 0.1), degree=3)
    X = np.random.default_rng(0).uniform(-1, 1, size=(50, 3))
    with pytest.raises(ArgumentError, match="covers"):
        compress(net, data=X, surrogates=narrow)
    with pytest.raises(UncertifiedBoundError, match="covers"):
        symnet.approximation.surrogate_error_bound(net, narrow, (-1, 1))
    # a box the surrogates do not cover: the report says why it is not certified
    c = compress(net, box=(-1, 1), surrogates=narrow)
    assert c.certified_error is None and "covers" in c.certified_reason


def test_cli(tmp_path, capsys):
    from symnet.cli import main
    net = drawn()
    path = tmp_path / "net.json"
    symnet.save_network(net, str(path))
    assert main(["compress", str(path), "--box=-1,1", "--degree", "3", "--terms", "5",
                 "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 coefficients" in out and "certified max error" in out
    assert main(["compress", str(path), "--box", "[-1,1]", "-f", "json", "--quiet"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["network_parameters"] == 41 and d["surrogates"][0]["activation"] == "tanh"
    data = tmp_path / "x.csv"
    np.savetxt(data, np.random.default_rng(0).uniform(-1, 1, size=(40, 3)), delimiter=",")
    assert main(["compress", str(path), "--box=-1,1", "--data", str(data), "-f", "latex",
                 "--quiet"]) == 0
    assert r"\toprule" in capsys.readouterr().out
    assert main(["compress", str(path), "--box=1,-1"]) == 1
    assert "greater than" in capsys.readouterr().err
    assert main(["compress", str(path), "--box=-1,1;0,1"]) == 1
    assert "3 pairs" in capsys.readouterr().err


def test_cli_reads_a_pickled_sklearn_model_with_trust_pickle(tmp_path, capsys):
    import pickle
    import warnings

    from symnet.cli import main
    sk = pytest.importorskip("sklearn.neural_network")
    X = np.random.default_rng(0).uniform(-1, 1, size=(40, 2))
    clf = sk.MLPRegressor(hidden_layer_sizes=(3,), activation="tanh", max_iter=50,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, X[:, 0] * X[:, 1])
    path = tmp_path / "clf.pkl"
    path.write_bytes(pickle.dumps(clf))
    assert main(["compress", str(path), "--box=-1,1", "--degree", "3", "--quiet"]) == 1
    assert "--trust-pickle" in capsys.readouterr().err
    assert main(["compress", str(path), "--trust-pickle", "--box=-1,1", "--degree", "3",
                 "-f", "json", "--quiet"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["network_parameters"] == 13 and d["surrogates"][0]["activation"] == "tanh"


def test_big_sympy_free_of_floats():
    # exact weights: the polynomial of an exact network compressed with exact surrogates is exact
    net = Network.dense([[[sympy.Rational(1, 2)]], [[2]]], activations=["tanh", "identity"])
    c = compress(net, box=(-1, 1), degree=3, order=3)
    assert all(v.is_Rational for v in c.polynomial.terms().values())


def test_given_surrogates_must_cover_the_box_and_any_form_prints():
    from symnet import approximate

    net = Network.dense([[[1]], [[1]]], activations=["tanh", "identity"])
    c = compress(net, box=[(-2, 2)], surrogates=approximate("tanh", (-1, 1), 3))
    assert c.certified_error is None and "covers [-1, 1]" in c.certified_reason
    assert "certified max error: none (the surrogate of neuron" in str(c)
    ap = approximate("tanh", (-1, 1), 3)
    for given, label in ((ap, "every layer: tanh"), ({"tanh": ap}, "tanh: tanh"),
                         ([ap, None], "layer 1: tanh")):
        c = compress(net, box=[(-1, 1)], surrogates=given)
        assert label in str(c) and c.certified_error is not None
