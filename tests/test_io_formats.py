"""Tests for symnet.io.formats and symnet.io.nn2poly: NN2Poly import, the network file format, polynomial export."""

import io
import json
import os

import networkx as nx
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet
from symnet import (FormatError, Network, NotSupportedError, Polynomial, expand,
                    export_polynomial, from_nn2poly, load_network, load_polynomial,
                    nn2poly_label, save_network, save_polynomial)
from symnet._validate import parse_expr as _parse_expr

REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "nn2poly")  # NN2Poly fixture
HAVE_REF = os.path.isdir(REF)
R = sympy.Rational


def roundtrip(net):
    f = io.StringIO()
    save_network(net, f)
    f.seek(0)
    return load_network(f), f.getvalue()


def param_types(net):
    return [type(w).__name__ if isinstance(w, float) else
            ("Rational" if w.is_Rational else "Expr") for w in net.parameters()]


# ---------------------------------------------------------------------------
# NN2Poly
# ---------------------------------------------------------------------------

@pytest.mark.skipif(not HAVE_REF, reason="shared/reference/nn2poly not available")
def test_nn2poly_reference_parity():
    net = from_nn2poly(os.path.join(REF, "small_weights.json"))
    assert net.n_inputs == 3 and [len(s.nodes) for s in net.stages()] == [4, 1]
    assert [s.activations[0].name for s in net.stages()] == ["tanh", "identity"]
    ref = load_polynomial(os.path.join(REF, "small_mo3_t3_coeffs.csv"))
    assert ref.variables == net.inputs and ref.order == 3 and ref.nterms == 20
    p = expand(net, 3)
    assert set(p.terms()) == set(ref.terms())
    for e, c in ref.terms().items():
        assert abs(p.coeff(e) - c) < 1e-14, e
    # exact expansion of the same floats agrees too
    q = expand(net, 3, domain="QQ")
    assert max(abs(float(q.coeff(e)) - c) for e, c in ref.terms().items()) < 1e-14
    # our own CSV has NN2Poly's header, labels and row order
    ours = export_polynomial(p, "csv").splitlines()
    theirs = open(os.path.join(REF, "small_mo3_t3_coeffs.csv")).read().splitlines()
    assert ours[0] == theirs[0]
    assert [r.split(",\"")[0] for r in ours] == [r.split(",\"")[0] for r in theirs]


def test_nn2poly_layout_matches_network_dense():
    # z = W[0] + x @ W[1:]  <=>  W_torch = W[1:].T, b = W[0]
    M1 = [[R(1, 2), -1], [1, 2], [3, R(1, 4)]]          # 2 inputs -> 2 neurons
    M2 = [[0], [1], [-1]]
    net = from_nn2poly([("sigmoid", M1), ("linear", M2)])
    x1, x2 = net.inputs
    s = symnet.get_activation("sigmoid")
    want = s(R(1, 2) + x1 + 3 * x2) - s(-1 + 2 * x1 + x2 / 4)
    assert sympy.simplify(net.expr() - want) == 0


def test_nn2poly_accepted_shapes(tmp_path):
    M1 = np.array([[0.0, 0.1], [1.0, 2.0]])
    M2 = np.array([0.0, 1.0, -1.0])         # R drops the dim of a one-column matrix
    a = from_nn2poly([("tanh", M1), ("linear", M2)])
    b = from_nn2poly({"tanh": M1.tolist(), "linear": [[0.0], [1.0], [-1.0]]})
    c = from_nn2poly({"layers": [M1.tolist(), M2.tolist()], "activations": ["tanh", "linear"]})
    d = from_nn2poly([M1, M2], activations=["tanh", "linear"])
    assert a == b == c == d
    # R's jsonlite writes a named list with repeated names as repeated keys
    path = tmp_path / "w.json"
    path.write_text('{"tanh": [[0.0, 0.5], [1.0, 2.0]], "tanh": [[0.0], [1.0], [3.0]], '
                    '"linear": [[0.25], [2.0]]}')
    net = from_nn2poly(path)
    assert [s.activations[0].name for s in net.stages()] == ["tanh", "tanh", "identity"]
    assert net.stages()[2].biases == (0.25,)


def test_nn2poly_errors(tmp_path):
    with pytest.raises(FormatError, match="layer 2.*3 rows, so 2 inputs.*has 4 outputs"):
        from_nn2poly([("tanh", [[0] * 4, [1] * 4]), ("linear", [[0], [1], [1]])])
    with pytest.raises(FormatError, match="unknown activation 'relu6'"):
        from_nn2poly([("relu6", [[0], [1]])])
    with pytest.raises(FormatError, match="needs activations"):
        from_nn2poly([[[0], [1]]])
    with pytest.raises(FormatError, match=r"row 1, column 0: expected a number, got True"):
        from_nn2poly([("tanh", [[0], [True]])])
    with pytest.raises(FormatError, match="rows have different lengths"):
        from_nn2poly([("tanh", [[0, 1], [1]])])
    p = tmp_path / "bad.json"
    p.write_text("{not json")
    with pytest.raises(FormatError, match="not valid JSON.*line 1"):
        from_nn2poly(p)


# ---------------------------------------------------------------------------
# the network format
# ---------------------------------------------------------------------------

def test_roundtrip_float_exact_symbolic():
    w = sympy.Symbol("w")
    net = Network.dense([[[R(3, 8), 0.1], [w, 2 * w + R(1, 3)]], [[1, -0.5]]],
                        [[0, 1e-300], [R(-7, 5)]], activations=["sigmoid", "identity"],
                        inputs=sympy.symbols("u v"))
    back, text = roundtrip(net)
    assert back == net
    assert param_types(back) == param_types(net)
    assert [w for w in back.parameters() if isinstance(w, float)] == \
           [w for w in net.parameters() if isinstance(w, float)]
    doc = json.loads(text)
    assert doc["format"] == "symnet-network" and doc["version"] == 1 and doc["kind"] == "dense"
    assert doc["layers"][0]["weights"] == [["3/8", 0.1], ["w", "2*w + 1/3"]]
    assert doc["inputs"] == ["u", "v"]


def test_roundtrip_mlp_symbolic():
    net = Network.mlp([2, 3, 1], activation="tanh")
    back, _ = roundtrip(net)
    assert back == net and back.free_symbols == net.free_symbols
    assert expand(back, 2).coeff((1, 0)) == expand(net, 2).coeff((1, 0))


def test_roundtrip_graph_with_skip_connections_and_keys():
    x, y = sympy.symbols("x y")
    G = nx.DiGraph(name="skip", tags=["a", 1])
    G.add_node("x", symbol=x)
    G.add_node(("in", 2), symbol=y)
    G.add_node(7, activation="tanh", bias=R(1, 3), note="hidden")
    G.add_node("h2", activation="sigmoid", bias=0.25)
    G.add_node(("out", 1), bias=0)
    G.add_edge("x", 7, weight=2)
    G.add_edge(("in", 2), 7, weight=-0.5)
    G.add_edge(7, "h2", weight=sympy.Symbol("a"))
    G.add_edge("x", "h2", weight=R(1, 2), trainable=False)
    G.add_edge("h2", ("out", 1), weight=1)
    G.add_edge("x", ("out", 1), weight=3)          # skip connection to the output
    G.add_edge(7, ("out", 1), weight=-1.5)
    net = Network.from_graph(G)
    back, text = roundtrip(net)
    assert json.loads(text)["kind"] == "graph"
    assert back == net
    assert back.graph.nodes[7]["note"] == "hidden"
    assert back.graph.edges["x", "h2"]["trainable"] is False
    assert back.graph.graph["tags"] == ["a", 1]
    assert sympy.simplify(back.expr() - net.expr()) == 0
    assert param_types(back) == param_types(net)


def test_mixed_activations_per_layer_use_graph_kind():
    G = nx.DiGraph()
    G.add_node("x", symbol=sympy.Symbol("x"))
    G.add_node("a", activation="tanh")
    G.add_node("b", activation="sin")
    G.add_node("o")
    G.add_edges_from([("x", "a"), ("x", "b"), ("a", "o"), ("b", "o")])
    net = Network.from_graph(G)
    back, text = roundtrip(net)
    assert back == net and json.loads(text)["kind"] == "graph"


def test_roundtrip_big_rationals_and_irrational_weights(tmp_path):
    big = R(2**20000 + 1, 3**9000)                     # beyond Python's 4300-digit limit
    net = Network.dense([[[big, sympy.sqrt(2) / 3], [sympy.log(2), sympy.pi]]],
                        activations=["tanh"])
    path = tmp_path / "net.json"
    save_network(net, path)
    back = load_network(path)
    assert back == net
    assert back.parameters()[0] == big


def test_save_refuses_what_it_cannot_store_and_writes_nothing(tmp_path):
    f = sympy.Function("f")
    net = Network.dense([[[f(sympy.Symbol("w"))]]], activations=["tanh"])
    path = tmp_path / "n.json"
    with pytest.raises(NotSupportedError, match=r"layer 1 weights \[0, 0\].*cannot store f\(w\)"):
        save_network(net, path)
    assert not path.exists()
    G = nx.DiGraph()
    G.add_node(sympy.Symbol("x"), symbol=sympy.Symbol("x"))
    G.add_node(frozenset([1]), activation="tanh")
    G.add_edge(sympy.Symbol("x"), frozenset([1]))
    with pytest.raises(NotSupportedError, match="node keys must be str, int or tuples"):
        save_network(Network.from_graph(G), io.StringIO())
    G2 = nx.DiGraph(meta=object())
    G2.add_node("x", symbol=sympy.Symbol("x"))
    G2.add_node("h")
    G2.add_edge("x", "h")
    with pytest.raises(NotSupportedError, match="graph attributes"):
        save_network(Network.from_graph(G2), io.StringIO())


def _doc(**over):
    d = {"format": "symnet-network", "version": 1, "kind": "dense", "inputs": ["x", "y"],
         "layers": [{"activation": "tanh", "weights": [[1, "1/2"], [0.5, 2]], "bias": [0, 0]},
                    {"activation": "identity", "weights": [[1, -1]], "bias": ["1/3"]}]}
    d.update(over)
    return d


def load_doc(d):
    return load_network(io.StringIO(json.dumps(d)))


def test_load_valid_doc():
    net = load_doc(_doc())
    X = np.array([[0.3, -0.2], [1.0, 2.0]])
    want = np.tanh(X[:, 0] + X[:, 1] / 2) - np.tanh(0.5 * X[:, 0] + 2 * X[:, 1]) + 1 / 3
    assert np.allclose(net(X)[:, 0], want, rtol=0, atol=1e-15)
    assert param_types(net).count("float") == 1
    assert net.stages()[0].weights[0] == (1, R(1, 2))


@pytest.mark.parametrize("change, message", [
    (dict(format="nn2poly"), r"\$\.format: expected 'symnet-network', got \"nn2poly\""),
    (dict(version=2), r"\$\.version: this symnet reads version 1, got 2"),
    (dict(inputs="xy"), r"\$\.inputs: expected a list, got the string 'xy'"),
    (dict(inputs=["x", 3]), r"\$\.inputs\[1\]: expected a symbol name"),
    (dict(kind="conv"), r"\$\.kind: expected 'dense' or 'graph'"),
    (dict(layers=[]), r"\$\.layers: expected at least one layer"),
    (dict(layers=[{"weights": [[1, 1]]}]), r"\$\.layers\[0\]: missing key 'activation'"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, 1, 1]]}]),
     r"\$\.layers\[0\]\.weights\[0\]: expected 2 entries \(one per input\), got 3"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, True]]}]),
     r"\$\.layers\[0\]\.weights\[0\]\[1\]: expected a number .* got true"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, None]]}]),
     r"weights\[0\]\[1\]: expected a number .* got null"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, "__import__(os)"]]}]),
     r"weights\[0\]\[1\]: cannot read .*unknown function '__import__'"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, "x.real"]]}]),
     r"weights\[0\]\[1\]: cannot read .*unexpected character '\.'"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, "1/0"]]}]), r"division by zero"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, "2**10**10"]]}]),
     r"exponent .* must be a small rational"),
    (dict(layers=[{"activation": "tanh", "weights": [[1, 1]], "bias": [1, 2]}]),
     r"\$\.layers\[0\]\.bias: expected 1 entries"),
    (dict(layers=[{"activation": "swishy", "weights": [[1, 1]]}]),
     r"\$\.layers\[0\]\.activation: unknown activation 'swishy'"),
])
def test_load_errors_name_the_json_path(change, message):
    with pytest.raises(FormatError, match=message):
        load_doc(_doc(**change))


def test_load_graph_errors():
    base = {"format": "symnet-network", "version": 1, "kind": "graph",
            "nodes": [{"id": "x", "symbol": "x"}, {"id": "h", "activation": "tanh"}],
            "edges": [{"source": "x", "target": "h", "weight": 2}], "outputs": ["h"]}
    net = load_doc(base)
    assert net.expr() == sympy.tanh(2 * sympy.Symbol("x"))
    bad = json.loads(json.dumps(base))
    bad["edges"][0]["target"] = "nope"
    with pytest.raises(FormatError, match=r"\$\.edges\[0\]\.target: no node has the id \"nope\""):
        load_doc(bad)
    bad = json.loads(json.dumps(base))
    bad["nodes"].append({"id": "x", "symbol": "y"})
    with pytest.raises(FormatError, match=r"\$\.nodes\[2\]\.id: .* repeated"):
        load_doc(bad)
    bad = json.loads(json.dumps(base))
    bad["edges"].append({"source": "h", "target": "x"})
    with pytest.raises(FormatError, match="incoming edges|acyclic"):
        load_doc(bad)
    with pytest.raises(FormatError, match="not valid JSON"):
        load_network(io.StringIO('{"format": "symnet-network", "version": 1, "layers": [NaN]}'))
    with pytest.raises(FormatError, match=r"\$: expected a JSON object, got a list"):
        load_network(io.StringIO("[1, 2]"))
    with pytest.raises(FormatError, match="looks like an NN2Poly weight file"):
        load_network(io.StringIO('{"tanh": [[0], [1]], "linear": [[0], [1]]}'))


weights = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.fractions(max_denominator=2**70).map(lambda f: R(f.numerator, f.denominator)),
    st.integers(-2**80, 2**80).map(sympy.Integer),
    st.sampled_from([sympy.Symbol("a"), sympy.Symbol("b_1") ** 2 / 3 - 1, sympy.log(3)]),
)


@settings(max_examples=25)
@given(data=st.data(), sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4),
       act=st.sampled_from(["tanh", "sigmoid", "softplus", "relu", "gelu", "identity"]))
def test_roundtrip_is_exact(data, sizes, act):
    Ws = [[[data.draw(weights) for _ in range(a)] for _ in range(b)]
          for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [[data.draw(weights) for _ in range(b)] for b in sizes[1:]]
    net = Network.dense(Ws, bs, activations=act)
    back, _ = roundtrip(net)
    assert back == net
    for u, v in zip(back.parameters(), net.parameters()):
        assert type(u) is type(v) or (isinstance(u, sympy.Basic) and isinstance(v, sympy.Basic))
        if isinstance(v, float):
            assert isinstance(u, float) and u == v
        else:
            assert not isinstance(u, float) and u == v


# ---------------------------------------------------------------------------
# the safe parser
# ---------------------------------------------------------------------------

def test_parser_grammar():
    a, b = sympy.symbols("a b")
    assert _parse_expr("-a*b**2/3 + 2^3 - (a - 1)*b") == -a * b**2 / 3 + 8 - (a - 1) * b
    assert _parse_expr("sqrt(2)/(2*sqrt(pi))") == sympy.sqrt(2) / (2 * sympy.sqrt(sympy.pi))
    assert _parse_expr("exp(-1/2) + log(2) + E") == sympy.exp(R(-1, 2)) + sympy.log(2) + sympy.E
    assert _parse_expr("0x10 / 3") == R(16, 3)
    assert _parse_expr("1e-3") == sympy.Float(1e-3)
    assert _parse_expr("a**(1/2)") == sympy.sqrt(a)
    for bad in ["", "a +", "(a", "a b", "eval(1)", "a[0]", "lambda: 1", "a; b", "'a'",
                "(" * 5000 + "a" + ")" * 5000, "(10**4000)**10000", "a**b", "2**(1/0)"]:
        with pytest.raises(FormatError):
            _parse_expr(bad)


# ---------------------------------------------------------------------------
# polynomials
# ---------------------------------------------------------------------------

def test_nn2poly_labels_and_csv_order():
    assert nn2poly_label((0, 0)) == "0"
    assert nn2poly_label((2, 1, 0)) == "1,1,2"
    assert nn2poly_label((0, 0, 3)) == "3,3,3"
    x, y = sympy.symbols("x y")
    p = Polynomial(1 + 3 * y - x * y + R(1, 7) * x**2 * y + y**3, (x, y), order=3)
    rows = export_polynomial(p, "csv").splitlines()
    assert rows == ['"label","degree","coef_out1"', '"0",0,"1"', '"2",1,"3"', '"1,2",2,"-1"',
                    '"1,1,2",3,"1/7"', '"2,2,2",3,"1"']
    full = export_polynomial(p, "csv", all_monomials=True, as_float=True).splitlines()
    assert len(full) == 1 + 10
    assert full[2] == '"1",1,"0.0"' and full[8] == '"1,1,2",3,"0.14285714285714285"'


def test_polynomial_json_roundtrip(tmp_path):
    net = Network.dense([[[1, 2], [R(1, 2), -1]], [[1, 1], [0, 2]]],
                        activations=["gelu", "identity"])
    ps = expand(net, 4)
    assert isinstance(ps, tuple) and "pi" in str(ps[0])
    path = tmp_path / "p.json"
    save_polynomial(ps, path)
    back = load_polynomial(path)
    assert back == ps
    # floats stay floats, the centre survives
    x, y = sympy.symbols("x y")
    q = Polynomial({(0, 0): 0.1, (1, 1): -2.5}, (x, y), order=2, center=[R(1, 2), 0])
    save_polynomial(q, tmp_path / "q.json")
    back = load_polynomial(tmp_path / "q.json")
    assert back == q and back.center == (R(1, 2), 0) and back.domain == "RR"
    assert back.coeff((0, 0)) == 0.1 and isinstance(back.coeff((0, 0)), float)


def test_polynomial_csv_multi_output_and_load(tmp_path):
    net = Network.dense([[[0.5, -0.25]], [[1.0], [-2.0]]], activations=["tanh", "identity"])
    ps = expand(net, 3)
    path = tmp_path / "p.csv"
    save_polynomial(ps, path)
    text = path.read_text()
    assert text.splitlines()[0] == '"label","degree","coef_out1","coef_out2"'
    back = load_polynomial(path)
    assert back == ps


def test_polynomial_load_errors():
    with pytest.raises(FormatError, match="expected the header"):
        load_polynomial(io.StringIO("a,b\n1,2\n"))
    with pytest.raises(FormatError, match="line 2: bad monomial label"):
        load_polynomial(io.StringIO('"label","degree","c"\n"1,x",1,"2"\n'))
    doc = {"format": "symnet-polynomial", "version": 1, "variables": ["x"],
           "outputs": [{"order": 1, "terms": [["1,1", 2]]}]}
    with pytest.raises(FormatError, match=r"terms\[0\]: degree 2 is above the order 1"):
        load_polynomial(io.StringIO(json.dumps(doc)))
    doc["outputs"][0]["terms"] = [["1", "sin(x"]]
    with pytest.raises(FormatError, match=r"terms\[0\]\[1\]: cannot read"):
        load_polynomial(io.StringIO(json.dumps(doc)))


def test_save_polynomial_format_from_suffix(tmp_path):
    p = expand(Network.dense([[[1]]], activations=["sigmoid"]), 3)
    save_polynomial(p, tmp_path / "p.tex")
    assert "\\begin{align}" in (tmp_path / "p.tex").read_text()
    save_polynomial(p, tmp_path / "p.txt")
    assert (tmp_path / "p.txt").read_text().strip() == str(p)
    with pytest.raises(symnet.SymnetError, match="suffix"):
        save_polynomial(p, tmp_path / "p.dat")


# ---------------------------------------------------------------------------
# dense layers and graph-level metadata
# ---------------------------------------------------------------------------

def test_dense_layers_is_public_and_ignores_graph_metadata():
    def dense_layers(net):
        return net.dense_layers()

    net = Network.dense([[[1, R(1, 2)], [0, 2]], [[3, -1]]], [[0, 1], [R(1, 4)]],
                        activations=["sigmoid", "identity"])
    layers = dense_layers(net)
    assert layers == [("sigmoid", ((1, R(1, 2)), (0, 2)), (0, 1)),
                      ("identity", ((3, -1),), (R(1, 4),))]
    tagged = net.with_metadata(output_activation="softmax")
    assert dense_layers(tagged) == layers
    back, text = roundtrip(tagged)
    doc = json.loads(text)
    assert doc["kind"] == "dense" and doc["attributes"] == {"output_activation": "softmax"}
    assert back == tagged and back.graph.graph["output_activation"] == "softmax"
    assert roundtrip(net)[0] == net and "attributes" not in json.loads(roundtrip(net)[1])
    bad = dict(doc, attributes={"outputs": [1]})
    with pytest.raises(FormatError, match=r"\$\.attributes: reserved key 'outputs'"):
        load_network(io.StringIO(json.dumps(bad)))
    skip = nx.DiGraph(net.graph)
    skip.add_edge("x1", (2, 1), weight=1)
    assert dense_layers(Network.from_graph(skip)) is None


@pytest.mark.parametrize("loader", ["load_network", "load_polynomial", "from_keras",
                                    "from_onnx", "load_torch", "read_json"])
def test_loaders_refuse_fifos_and_devices_before_reading(loader, tmp_path, monkeypatch):
    # a FIFO blocked the reader forever, /dev/zero ate memory until a bare MemoryError
    import symnet._validate as v
    from symnet.errors import FileError, ResourceError
    from symnet.io.formats import read_json

    if loader == "from_keras":
        pytest.importorskip("h5py")
    if loader == "from_onnx":
        pytest.importorskip("onnx")
    if loader == "load_torch":
        pytest.importorskip("torch")
    fn = read_json if loader == "read_json" else getattr(symnet, loader)
    call = (lambda p: fn(p, activations="tanh")) if loader == "load_torch" else fn
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    from symnet.alarm import call_with_alarm
    with pytest.raises(FileError, match=r"model.json: not a regular file \(a FIFO\)"):
        call_with_alarm(lambda: call(fifo), 10)     # AlarmExpired (a failure) if it blocks
    if os.path.exists("/dev/zero"):
        with pytest.raises(FileError, match=r"/dev/zero: not a regular file"):
            call("/dev/zero")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 4000)
    monkeypatch.setattr(v, "available_memory", lambda: 3000)
    with pytest.raises(ResourceError, match=r"big.json: 4,000 bytes, more than the"):
        call(big)



@pytest.mark.parametrize("body, msg", [
    ('"0",0,"1"\n"1",1,"2"\n"1",1,"5"\n', "already on line 3"),          # last one used to win
    ('"0",0,"1"\n"1,1",1,"2"\n', "degree column says '1'.*degree 2"),
])
def test_csv_duplicate_monomials_and_wrong_degrees_are_refused(tmp_path, body, msg):
    path = tmp_path / "p.csv"
    path.write_text('"label","degree","coef_out1"\n' + body)
    with pytest.raises(FormatError, match=msg):
        load_polynomial(path)


@pytest.mark.parametrize("name", ["\ud800", "", "a b", "nan"])
def test_a_polynomial_whose_variables_cannot_be_read_back_is_not_written(tmp_path, name):
    p = symnet.Polynomial({(1,): 2}, (sympy.Symbol(name),), 2)
    path = tmp_path / "p.json"
    with pytest.raises(symnet.InputError, match="variable"):
        symnet.save_polynomial(p, path)
    assert not path.exists()
