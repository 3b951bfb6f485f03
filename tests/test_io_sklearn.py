"""Tests for symnet.io.sklearn: from_sklearn against scikit-learn's own predictions."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy

sklearn = pytest.importorskip("sklearn")
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, PolynomialFeatures, StandardScaler  # noqa: E402

import symnet  # noqa: E402
from symnet import Network, NotSupportedError, expand, from_sklearn  # noqa: E402
from symnet.errors import ArgumentError  # noqa: E402

R = sympy.Rational
ACTS = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}


def fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # ConvergenceWarning: small budgets on purpose
        return model.fit(X, y)


def reg(sizes, **kw):
    return MLPRegressor(hidden_layer_sizes=sizes, **kw)


def clf(sizes, **kw):
    return MLPClassifier(hidden_layer_sizes=sizes, **kw)


def data(n=300, d=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5][:d] + [0.0, 2.0, -1.0][:d]
    return X, rng


def points(d=3, seed=1):
    return np.random.RandomState(seed).normal(size=(1000, d)) * 2 + [0.0, 2.0, -1.0][:d]


def by_hand(mlp, out, exact=False):
    """The same weights through Network.dense, as a user would write them."""
    acts = [ACTS[mlp.activation]] * (len(mlp.coefs_) - 1) + [out]
    Ws, bs = [W.T for W in mlp.coefs_], list(mlp.intercepts_)
    if exact:
        Ws = [[[Fraction(w) for w in row] for row in W] for W in Ws]
        bs = [[Fraction(v) for v in b] for b in bs]
    return Network.dense(Ws, bs, activations=acts)


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic", "identity"])
def test_regressor_matches_predict(activation):
    X, _ = data()
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    model = fit(reg((6, 5), activation=activation, max_iter=150, random_state=0), X, y)
    net = from_sklearn(model)
    assert net.has_floats and net.n_inputs == 3 and net.n_outputs == 1
    assert [s.activations[0].name for s in net.stages()] == [ACTS[activation]] * 2 + ["identity"]
    T = points()
    assert np.abs(net(T)[:, 0] - model.predict(T)).max() <= 1e-12
    assert net == by_hand(model, "identity")


def test_two_output_regressor_and_expansion_equals_hand_built():
    X, _ = data()
    Y = np.stack([np.tanh(X[:, 0]), X[:, 1] - X[:, 2]], axis=1)
    model = fit(reg((5,), activation="tanh", max_iter=100, random_state=1), X, Y)
    net = from_sklearn(model)
    T = points()
    assert np.abs(net(T) - model.predict(T)).max() <= 1e-12
    assert expand(net, 3) == expand(by_hand(model, "identity"), 3)


def test_binary_classifier_is_the_probability_of_the_second_class():
    X, _ = data()
    y = np.where(X[:, 0] * X[:, 1] > 0, "yes", "no")
    model = fit(clf((6,), activation="tanh", max_iter=200, random_state=0), X, y)
    net = from_sklearn(model)
    assert net.stages()[-1].activations[0].name == "sigmoid" and net.n_outputs == 1
    T = points()
    assert np.abs(net(T)[:, 0] - model.predict_proba(T)[:, 1]).max() <= 1e-12
    assert net.graph.graph["classes"] == ["no", "yes"]
    assert "output_activation" not in net.graph.graph
    assert expand(net, 3) == expand(by_hand(model, "sigmoid"), 3)


def test_multiclass_classifier_is_the_logits_network_flagged_softmax():
    X, _ = data()
    y = np.digitize(X[:, 0] + X[:, 2], [-1.5, -0.5, 0.5])         # 4 classes
    model = fit(clf((8,), activation="relu", max_iter=200, random_state=0), X, y)
    net = from_sklearn(model)
    assert net.graph.graph["output_activation"] == "softmax"
    assert net.graph.graph["classes"] == [0, 1, 2, 3]
    assert net.n_outputs == 4 and net.stages()[-1].activations[0].name == "identity"
    T = points()
    assert np.abs(softmax(net(T)) - model.predict_proba(T)).max() <= 1e-12
    assert (net(T).argmax(axis=1) == model.predict(T)).all()
    # the flag survives the JSON format
    import io
    f = io.StringIO()
    symnet.save_network(net, f)
    f.seek(0)
    assert symnet.load_network(f) == net


def test_multilabel_classifier_is_sigmoid_per_label():
    X, _ = data()
    Y = np.stack([X[:, 0] > 0, X[:, 1] > 2, X[:, 2] > -1], axis=1).astype(int)
    model = fit(clf((5,), activation="logistic", max_iter=100, random_state=0), X, Y)
    net = from_sklearn(model)
    T = points()
    assert np.abs(net(T) - model.predict_proba(T)).max() <= 1e-12


@pytest.mark.parametrize("scalers", [[StandardScaler()], [MinMaxScaler((-1, 2))],
                                     [StandardScaler(with_mean=False), MinMaxScaler()],
                                     [StandardScaler(with_std=False)]],
                         ids=["standard", "minmax", "both", "centre-only"])
def test_scaler_pipelines_fold_into_the_first_layer(scalers):
    X, _ = data()
    X[:, 2] = X[:, 2] * 1e-3 + 7.0                       # scales far from 1
    y = np.tanh(X[:, 0]) + X[:, 1]
    pipe = fit(make_pipeline(*scalers, reg((6,), activation="tanh", max_iter=150,
                                                    random_state=0)), X, y)
    net = from_sklearn(pipe)
    assert len(net.stages()) == 2                          # no extra layer for the scalers
    T = points()
    T[:, 2] = T[:, 2] * 1e-3 + 7.0
    ref = pipe.predict(T)
    assert np.abs(net(T)[:, 0] - ref).max() <= 1e-12 * max(1.0, np.abs(ref).max())


def test_exact_weights_are_the_binary_values_and_folding_is_exact():
    X, _ = data()
    y = X[:, 0] - X[:, 1]
    model = fit(reg((3,), activation="tanh", max_iter=50, random_state=0), X, y)
    exact = from_sklearn(model, exact=True)
    assert not exact.has_floats
    got = exact.parameters()
    floats = from_sklearn(model).parameters()
    assert all(isinstance(v, sympy.Rational) for v in got)
    assert [R(Fraction(float(v))) for v in floats] == got
    W1 = exact.stages()[0].weights
    assert [[R(Fraction(float(w))) for w in row] for row in model.coefs_[0].T] == \
        [list(row) for row in W1]
    assert exact == by_hand(model, "identity", exact=True)
    assert expand(exact, 3) == expand(by_hand(model, "identity", exact=True), 3)
    # a StandardScaler folded exactly: W' = W / s, b' = b - W @ (m / s), in Fractions
    pipe = fit(make_pipeline(StandardScaler(), reg((3,), activation="tanh",
                                                           max_iter=50, random_state=0)), X, y)
    sc, mlp = pipe[0], pipe[-1]
    net = from_sklearn(pipe, exact=True)
    W = [[Fraction(w) for w in row] for row in mlp.coefs_[0].T]
    m = [Fraction(v) for v in sc.mean_]
    s = [Fraction(v) for v in sc.scale_]
    W1 = [[w / sj for w, sj in zip(row, s)] for row in W]
    b1 = [Fraction(b) - sum(w * mj / sj for w, mj, sj in zip(row, m, s))
          for row, b in zip(W, mlp.intercepts_[0])]
    hand = Network.dense([W1, [[Fraction(w) for w in mlp.coefs_[1][:, 0]]]],
                         [b1, [Fraction(mlp.intercepts_[1][0])]], activations=["tanh", "identity"])
    assert net == hand
    assert expand(net, 3) == expand(hand, 3)
    # float mode rounds the exact fold once
    fl = from_sklearn(pipe)
    assert fl.parameters() == [float(v) for v in net.parameters()]


def test_poisson_regressor_output_is_exp():
    X, _ = data()
    y = np.exp(0.3 * X[:, 0])
    try:
        model = reg((4,), loss="poisson", max_iter=50, random_state=0)
    except TypeError:  # pragma: no cover - scikit-learn before 1.7
        pytest.skip("this scikit-learn has no loss='poisson'")
    try:
        model = fit(model, X, y)
    except ValueError:  # pragma: no cover
        pytest.skip("this scikit-learn has no loss='poisson'")
    net = from_sklearn(model)
    assert net.stages()[-1].activations[0].name == "exp"
    T = points()
    ref = model.predict(T)
    assert np.abs(net(T)[:, 0] - ref).max() <= 1e-12 * max(1.0, np.abs(ref).max())


def test_unsupported_and_bad_inputs_are_typed_and_named():
    X, _ = data()
    y = X[:, 0]
    mlp = reg((3,), max_iter=20, random_state=0)
    with pytest.raises(ArgumentError, match="MLPRegressor is not fitted"):
        from_sklearn(mlp)
    fit(mlp, X, y)
    from sklearn.linear_model import LinearRegression
    with pytest.raises(NotSupportedError, match="the model is a LinearRegression"):
        from_sklearn(fit(LinearRegression(), X, y))
    pipe = fit(make_pipeline(PolynomialFeatures(2), reg((3,), max_iter=20)), X, y)
    with pytest.raises(NotSupportedError,
                       match=r"pipeline step 'polynomialfeatures' \(PolynomialFeatures\)"):
        from_sklearn(pipe)
    pipe = fit(make_pipeline(MinMaxScaler(clip=True), reg((3,), max_iter=20)), X, y)
    with pytest.raises(NotSupportedError, match=r"\(MinMaxScaler\)\.clip=True"):
        from_sklearn(pipe)
    pipe = fit(make_pipeline(StandardScaler(), LinearRegression()), X, y)
    with pytest.raises(NotSupportedError, match="pipeline step 'linearregression' is a "
                                                "LinearRegression"):
        from_sklearn(pipe)
    with pytest.raises(NotSupportedError, match="is a str"):
        from_sklearn("model.pkl")
    with pytest.raises(symnet.SymnetError, match="exact must be True or False"):
        from_sklearn(mlp, exact="yes")
    bad = fit(reg((3,), max_iter=20, random_state=0), X, y)
    bad.coefs_[0][0, 0] = np.nan
    with pytest.raises(symnet.WeightError, match=r"coefs_\[0\].*finite"):
        from_sklearn(bad)


def test_missing_scikit_learn_says_what_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(NotSupportedError, match=r"pip install 'symnet\[sklearn\]'"):
        from_sklearn(object())


# ---------------------------------------------------------------------------
# the command line: pickles only with --trust-pickle
# ---------------------------------------------------------------------------

class _Evil:
    """Unpickling this writes a file: what --trust-pickle protects from."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_cli_reads_pickled_models_only_with_trust_pickle(tmp_path, capsys):
    import io
    import pickle

    import joblib

    from symnet import load_polynomial
    from symnet.cli import main

    X, _ = data()
    pipe = fit(make_pipeline(StandardScaler(), reg((4,), activation="tanh", max_iter=50,
                                                   random_state=0)), X, X[:, 0] * X[:, 1])
    pkl, jbl, pt = tmp_path / "m.pkl", tmp_path / "m.joblib", tmp_path / "m.pt"
    pkl.write_bytes(pickle.dumps(pipe))
    pt.write_bytes(pickle.dumps(pipe))           # a pickle under another name is found too
    joblib.dump(pipe, jbl, compress=3)
    want = expand(from_sklearn(pipe), 3)
    for path in (pkl, jbl, pt):
        assert main(["expand", str(path)]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and "--trust-pickle" in err
        assert "runs code" in err
        assert main(["expand", str(path), "--trust-pickle", "-f", "json"]) == 0
        out, err = capsys.readouterr()
        assert "scikit-learn model" in err
        assert load_polynomial(io.StringIO(out)) == want
    evil = tmp_path / "evil.pkl"
    evil.write_bytes(pickle.dumps(_Evil(tmp_path / "pwned")))
    assert main(["expand", str(evil)]) == 1
    assert not (tmp_path / "pwned").exists()
    capsys.readouterr()
    assert main(["expand", str(pkl), "--trust-pickle", "--exact", "-f", "json"]) == 0
    out, _ = capsys.readouterr()
    assert load_polynomial(io.StringIO(out)) == expand(from_sklearn(pipe, exact=True), 3)


@pytest.mark.parametrize("scaler, attr", [(StandardScaler, "mean_"), (StandardScaler, "scale_"),
                                           (MinMaxScaler, "scale_"), (MinMaxScaler, "min_")])
def test_a_scaler_with_the_wrong_number_of_entries_is_refused(scaler, attr):
    """A tampered (or mis-pickled) scaler: numpy would broadcast a length-1 array silently."""
    from symnet.errors import ShapeError

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = make_pipeline(scaler(), MLPRegressor(hidden_layer_sizes=(4,), max_iter=20,
                                                            random_state=0))
        pipe.fit(X, y)
    setattr(pipe[0], attr, getattr(pipe[0], attr)[:1])
    with pytest.raises(ShapeError, match="expected one per feature"):
        from_sklearn(pipe)
