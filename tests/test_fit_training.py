"""Training as equation solving: fit_network (and the ``symnet fit`` command)."""

from fractions import Fraction

import numpy as np
import pytest
import sympy

from symnet import Network, expand
from symnet.cli import main
from symnet.errors import ArgumentError, FormatError, ShapeError
from symnet.fit import NetworkFit, SuperSpaceRegressor, fit_network, monomial_features
from symnet.fit.cli import parse_spec, read_csv
from symnet.fit.training import _data_metric

R = sympy.Rational


def test_exact_data_give_the_exact_weights():
    X = [[Fraction(k, 4)] for k in range(-6, 7)]
    y = [2 * v - Fraction(2, 3) * v ** 3 for (v,) in X]
    net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    fit = fit_network(net, X, y, 3, method="exact")
    assert isinstance(fit, NetworkFit) and fit.status == "finite"
    assert fit.network.expr() == 2 * sympy.tanh(net.inputs[0])
    assert fit.polynomial.as_expr() == 2 * net.inputs[0] - R(2, 3) * net.inputs[0] ** 3
    assert fit.network_polynomial_rmse < 1e-15 and fit.polynomial_rmse < 1e-15


def test_data_from_a_planted_network_polynomial_are_fitted_exactly():
    """y is the order-5 series polynomial of a planted 2-2-1 tanh network: solvable."""
    planted = Network.dense([[[0.8, -0.5], [0.3, 0.9]], [[1.2, -0.7]]],
                            [[0.1, -0.2], [0.3]], activations=["tanh", "identity"])
    p = expand(planted, 5)
    X = np.random.default_rng(0).uniform(-1, 1, (200, 2))
    y = p(X)
    template = Network.mlp([2, 2, 1], activation=["tanh", "identity"])
    fit = fit_network(template, X, y, 5, starts=24)
    assert fit.status == "solved", str(fit.solutions)
    assert fit.network_polynomial_rmse < 1e-9
    truth = np.array([0.8, -0.5, 0.1, 0.3, 0.9, -0.2, 1.2, -0.7, 0.3])
    assert any(np.allclose([s[u] for u in fit.solutions.unknowns], truth, atol=1e-6)
               for s in fit.solutions.solutions)
    np.testing.assert_allclose(fit.network(X)[:, 0], planted(X)[:, 0], atol=1e-8)


def test_the_data_metric_is_the_data_error():
    """||R (c - t)||^2 + ||y - F t||^2 = ||F c - y||^2 for every coefficient vector c."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (50, 2))
    y = rng.normal(size=50)
    F, _ = monomial_features(X, 3)
    t = SuperSpaceRegressor(3).fit(X, y).coef_
    Rm = _data_metric(X, 3, 0.0)
    for _ in range(3):
        c = rng.normal(size=F.shape[1])
        lhs = np.sum((Rm @ (c - t)) ** 2) + np.sum((y - F @ t) ** 2)
        assert abs(lhs - np.sum((F @ c - y) ** 2)) < 1e-9 * np.sum((F @ c - y) ** 2)


def test_data_objective_beats_the_coefficient_objective_on_the_data():
    X = np.linspace(-1.2, 1.2, 60).reshape(-1, 1)
    y = np.sin(2 * X[:, 0]) + 0.3 * X[:, 0] ** 2
    template = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    data = fit_network(template, X, y, 5, starts=12)
    coef = fit_network(template, X, y, 5, starts=12, objective="coefficients")
    assert data.status == coef.status == "approximate"
    assert data.network_polynomial_rmse <= coef.network_polynomial_rmse + 1e-12
    assert data.solutions.best is not None and data.weights == data.solutions.best


def test_fit_network_reports_and_prints():
    X = np.linspace(-1, 1, 30).reshape(-1, 1)
    fit = fit_network(Network.mlp([1, 1, 1], activation=["tanh", "identity"]), X,
                      np.tanh(X[:, 0]), 3, starts=4)
    text = str(fit)
    assert "Super Space polynomial   RMSE" in text and "weights:" in text
    assert sympy.sstr(fit) == text
    assert "\\begin{gathered}" in sympy.latex(fit) and fit._repr_latex_().startswith("$")
    assert repr(fit).startswith("<NetworkFit solved")


def test_compare_with_gradient_descent():
    pytest.importorskip("torch")
    X = np.random.default_rng(2).uniform(-1, 1, (64, 2))
    y = np.tanh(X[:, 0] - X[:, 1])
    fit = fit_network(Network.mlp([2, 1, 1], activation=["tanh", "identity"]), X, y, 3,
                      starts=4, compare_torch=True, torch_epochs=50)
    assert fit.torch["epochs"] == 50 and np.isfinite(fit.torch["rmse"])
    assert "gradient descent (torch Adam, 50 epochs" in str(fit)
    import networkx as nx

    u, v, k = sympy.symbols("u v k")
    G = nx.DiGraph()
    G.add_node("x", symbol=sympy.Symbol("x"))
    G.add_node("h", activation="tanh")
    G.add_node("o")
    G.add_edge("x", "h", weight=u)
    G.add_edge("h", "o", weight=v)
    G.add_edge("x", "o", weight=k)  # a skip connection: not a chain of dense layers
    skip = fit_network(Network.from_graph(G), X[:, :1], y, 3, starts=2, compare_torch=True)
    assert skip.torch == {"skipped": "the template is not a chain of dense layers"}


def test_fit_network_errors():
    X = np.zeros((5, 2))
    with pytest.raises(ArgumentError, match="no symbolic weights"):
        fit_network(Network.dense([[[1, 2]]]), X, np.zeros(5), 1)
    with pytest.raises(ShapeError, match="expected 1 columns"):
        fit_network(Network.mlp([1, 1, 1]), X, np.zeros(5), 1)
    with pytest.raises(ShapeError, match="5 rows but y has 4"):
        fit_network(Network.mlp([2, 1, 1]), X, np.zeros(4), 1)
    with pytest.raises(ArgumentError, match="objective"):
        fit_network(Network.mlp([2, 1, 1]), X, np.zeros(5), 1, objective="loss")


# ---------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------

@pytest.fixture
def exact_csv(tmp_path):
    path = tmp_path / "cubic.csv"
    xs = [Fraction(k, 4) for k in range(-6, 7)]
    rows = ["x,t"] + [f"{v},{2 * v - Fraction(2, 3) * v ** 3}" for v in xs]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_cli_fit_prints_the_polynomial_and_the_weights(capsys, exact_csv):
    assert main(["fit", str(exact_csv), "--order", "3"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "2*x - 2*x**3/3 + O(|x|**4)"
    assert "exact" in out.splitlines()[0]
    assert main(["fit", str(exact_csv), "--order", "3", "--network", "1",
                 "--method", "exact"]) == 0
    out = capsys.readouterr().out
    assert "finite: 2 real solutions in 1 orbit" in out and "w2_1_1 = 2" in out
    assert main(["fit", str(exact_csv), "-q", "3", "-f", "latex", "--target", "t"]) == 0
    assert "\\frac{2 x^{3}}{3}" in capsys.readouterr().out


def test_cli_fit_float_data_and_network(capsys, tmp_path):
    path = tmp_path / "f.csv"
    X = np.random.default_rng(0).uniform(-1, 1, (40, 2))
    path.write_text("\n".join(f"{float(a)!r},{float(b)!r},{float(np.tanh(a - b))!r}"
                              for a, b in X))
    assert main(["fit", str(path), "--order", "3", "--network", "1:tanh", "--starts", "4"]) == 0
    out = capsys.readouterr().out
    assert "float64" in out and "x1" in out and "solve_weights (numeric, 4" in out


def test_cli_fit_bad_files(capsys, tmp_path):
    cases = {"nan.csv": ("x,y\n1,2\n3,nan\n", "line 3, column 2: 'nan' is NaN or infinity"),
             "rag.csv": ("1,2\n3\n", "line 2: 1 fields, expected 2"),
             "empty.csv": ("1,\n", "empty cell"),
             "text.csv": ("x,y\n1,2\n3,abc\n", "'abc' is not a number"),
             "one.csv": ("1\n2\n", "at least two columns"),
             "head.csv": ("x,y\n", "no data rows"),
             "zero.csv": ("1/0,2\n", "division by zero")}
    for name, (text, msg) in cases.items():
        p = tmp_path / name
        p.write_text(text)
        with pytest.raises(FormatError, match=msg):
            read_csv(p)
        assert main(["fit", str(p), "--order", "1"]) == 1
        assert msg in capsys.readouterr().err
    assert main(["fit", str(tmp_path / "missing.csv"), "--order", "1"]) == 1
    p = tmp_path / "few.csv"
    p.write_text("1,2\n2,3\n")
    assert main(["fit", str(p), "--order", "3"]) == 1
    assert "need at least 4 distinct rows" in capsys.readouterr().err


def test_network_spec():
    assert parse_spec("3") == ([3], "tanh")
    assert parse_spec("4, 2:sigmoid") == ([4, 2], "sigmoid")
    with pytest.raises(ArgumentError, match="hidden layer sizes"):
        parse_spec("0")


def test_read_csv_values(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text("# comment\na,b\n1, 1/3\n0.5,-2e-1\n")
    names, rows = read_csv(p)
    assert names == ["a", "b"] and rows == [[1, Fraction(1, 3)], [0.5, -0.2]]
    names, rows = read_csv(p, exact=True)
    assert rows[1] == [Fraction(1, 2), Fraction(-1, 5)]
