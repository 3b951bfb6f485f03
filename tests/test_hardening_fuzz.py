"""A hypothesis fuzzer for the file formats and the command line (issue 10).

Valid network and polynomial documents are mutated (types, nesting, numbers, keys, unicode,
truncation) and read back; random argument vectors over the real subcommands and flags are
run against small files.  Every outcome must be a typed SymnetError (or a clean exit: code 1
with one line on stderr) or a valid result, within a time bound, with no file written
outside the test's directory and no string run as code.

Fast by default (about 50 examples a property); ``-m slow`` runs the same properties with
many more examples.
"""

import contextlib
import io
import json
import math
import os
import pathlib
import time

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symnet
from symnet import Network, Polynomial, load_network, load_polynomial
from symnet.cli import build_parser, main
from symnet.errors import SymnetError

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIME_LIMIT = 5.0          # seconds for one document
CLI_TIME_LIMIT = 20.0     # seconds for one command (first use of torch included)

FAST = settings(max_examples=50, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# --- documents --------------------------------------------------------------------------

NETWORK = {"format": "symnet-network", "version": 1, "kind": "dense", "inputs": ["x", "y"],
           "layers": [{"activation": "tanh", "weights": [[1, "1/2"], [0.5, -2]],
                       "bias": [0, "1/3"]},
                      {"activation": "identity", "weights": [[1, -1]], "bias": [0.25]}],
           "attributes": {"output_activation": "softmax"}}
GRAPH = {"format": "symnet-network", "version": 1, "kind": "graph",
         "nodes": [{"id": "x", "symbol": "x"}, {"id": "h", "activation": "sigmoid", "bias": 1},
                   {"id": ["o", 1], "activation": "identity"}],
         "edges": [{"source": "x", "target": "h", "weight": "3/8"},
                   {"source": "h", "target": ["o", 1], "weight": 2},
                   {"source": "x", "target": ["o", 1]}],
         "outputs": [["o", 1]]}
POLYNOMIAL = {"format": "symnet-polynomial", "version": 1, "variables": ["x1", "x2"],
              "center": [0, "1/2"],
              "outputs": [{"order": 3, "domain": "QQ",
                           "terms": [["0", "1/2"], ["1", 0.25], ["1,2", "-1/8"],
                                     ["2,2,2", "log(2)"]]}]}
NN2POLY = {"tanh": [[0.1, -0.2], [0.5, 0.3], [-0.6, 0.2]], "linear": [[0.05], [1.0], [-0.5]]}

WEIRD_STRINGS = ["", " ", "nan", "NaN", "inf", "-Infinity", "NA", "None", "1/0", "0x1f",
                 "1e309", "9" * 5000, "x**99999", "__import__('os')", "\x00", "\ud800",
                 "\u00b2", "tanh(", "((((((((((x", "1,2", "x y", "log(2)", "sqrt(-1)", "I",
                 "w1_1_1", "x", "3/8", "-0", "1e-400", "\u2212" + "1"]
json_scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**53 + 1, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, 0.1]),
    st.text(max_size=12), st.sampled_from(WEIRD_STRINGS))
json_values = st.recursive(json_scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)),
    max_leaves=12)


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


def _get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


@st.composite
def mutated_text(draw, base):
    """A JSON text: ``base`` with a few structural mutations, then maybe a raw text edit."""
    doc = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "delete", "add", "wrap", "stringify", "number"]))
        if not path:
            if op == "replace":
                doc = draw(json_values)
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        if op == "replace":
            parent[key] = draw(json_values)
        elif op == "delete":
            del parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=6))] = draw(json_values)
        elif op == "add" and isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent))), draw(json_values))
        elif op == "wrap":
            parent[key] = [parent[key]] if draw(st.booleans()) else {"v": parent[key]}
        elif op == "stringify":
            parent[key] = json.dumps(parent[key])
        elif op == "number":
            parent[key] = draw(st.sampled_from([10**400, -(10**400), 1e308, 2**63, -0.0, 7]))
    text = json.dumps(doc)
    edit = draw(st.sampled_from(["none", "none", "truncate", "insert", "dupkey", "deep",
                                 "nan"]))
    if edit == "truncate":
        text = text[:draw(st.integers(0, len(text)))]
    elif edit == "insert":
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.text(min_size=1, max_size=3)) + text[i:]
    elif edit == "dupkey" and text.startswith("{") and len(text) > 2:
        text = text[:-1] + ', "format": "symnet-network"}'
    elif edit == "deep":
        n = draw(st.integers(60, 3000))
        text = text[:-1] + ', "deep": ' + "[" * n + "]" * n + "}" if text.endswith("}") \
            else "[" * n + text + "]" * n
    elif edit == "nan":
        text = text.replace("0.5", "NaN", 1)
    return text


def _check_outcome(fn, valid):
    t0 = time.monotonic()
    try:
        result = fn()
    except SymnetError as e:
        msg = str(e)
        assert msg and "\n" not in msg, f"{type(e).__name__} message not one line: {msg!r}"
    else:
        valid(result)
    elapsed = time.monotonic() - t0
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s"


def _valid_network(net):
    assert isinstance(net, Network)
    for w in net.parameters():
        if isinstance(w, float):
            assert math.isfinite(w)
        else:
            assert isinstance(w, sympy.Expr) and not w.has(sympy.nan, sympy.zoo, sympy.oo)
    assert not (set(map(str, net.free_symbols)) & {s.name for s in net.inputs})


def _valid_polynomial(p):
    for q in (p if isinstance(p, tuple) else (p,)):
        assert isinstance(q, Polynomial)
        str(q)          # printable, whatever its numbers


@pytest.fixture
def guard(tmp_path, monkeypatch):
    """Run in tmp_path; afterwards nothing new may exist outside it (the checkout's root)."""
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(ROOT))
    yield tmp_path
    assert set(os.listdir(ROOT)) == before, "a file was written outside the test directory"


def _doc_property(base, loader, valid, name, how):
    """The property for one document kind, with the settings ``how`` (FAST or SLOW)."""
    def prop(guard, text):
        path = guard / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _check_outcome(lambda: loader(str(path)), valid)
        _check_outcome(lambda: loader(io.StringIO(text.encode("utf-8", "surrogatepass")
                                                  .decode("utf-8", "replace"))), valid)
    return how(given(text=mutated_text(base))(prop))


DOCUMENTS = {"network": (NETWORK, load_network, _valid_network, "net.json"),
             "graph": (GRAPH, load_network, _valid_network, "graph.json"),
             "polynomial": (POLYNOMIAL, load_polynomial, _valid_polynomial, "p.json"),
             "nn2poly": (NN2POLY, symnet.from_nn2poly, _valid_network, "w.json")}


csv_texts = st.builds(
    lambda rows, tail: "label,degree,coef_out1\n" + "".join(rows) + tail,
    st.lists(st.builds(lambda lab, d, c: f'"{lab}",{d},"{c}"\n',
                       st.sampled_from(["0", "1", "1,2", "2,2,2", "0,1", "1,,2", "-1", "100000",
                                        "1" * 30, "a", "\u00b2", ""]),
                       st.integers(-1, 5), st.sampled_from(WEIRD_STRINGS + ["0.5", "-1/8"])),
             max_size=6),
    st.sampled_from(["", '"1",1\n', '"1",1,2,3\n', "\x00", '"unterminated\n']))


def _csv_property(how):
    def prop(guard, text):
        path = guard / "p.csv"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _check_outcome(lambda: load_polynomial(str(path)), _valid_polynomial)
    return how(given(text=csv_texts)(prop))


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_fuzz_documents(kind, guard):
    _doc_property(*DOCUMENTS[kind], FAST)(guard)


def test_fuzz_polynomial_csv(guard):
    _csv_property(FAST)(guard)


# --- the command line -------------------------------------------------------------------

def _subcommands():
    """{name: (positional metavars, {flag: choices or None, or 0 for a switch})} from the parser."""
    import argparse

    ap = build_parser()
    sub = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    out = {}
    for name, p in sub.choices.items():
        flags, positional = {}, []
        for a in p._actions:
            if isinstance(a, argparse._HelpAction):
                continue
            if not a.option_strings:
                positional.append(a.dest)
                continue
            flag = a.option_strings[-1] if a.option_strings[-1].startswith("--") else \
                a.option_strings[0]
            flags[flag] = 0 if a.nargs == 0 else (list(a.choices) if a.choices else None)
        out[name] = (positional, flags)
    return out


SUBCOMMANDS = _subcommands()
# values for options that take one; large numbers only where the cost model answers
VALUES = ["0", "1", "2", "3", "-1", "x", "nan", "", "1/2", "0,1/2", "-1,1", "tanh,identity",
          "tanh", "relu", "{net}", "{missing}", "{out}", "__import__('os').system('touch M')"]
BIG = {"--order": ["1000000", "10**6", "99999999999999999999"], "--series-degree": ["1000000"]}
POSITIONAL = ["{net}", "{nn2poly}", "{relu}", "{poly}", "{deep}", "{dup}", "{missing}",
              "{binary}", "{csv}", "{dir}", "x*y", "exp(x*y) + z", "tanh(2*x - 3*y)",
              "__import__('os').system('touch M')", "", "-"]


@st.composite
def argvs(draw):
    name = draw(st.sampled_from(sorted(SUBCOMMANDS)))
    positional, flags = SUBCOMMANDS[name]
    argv = [name]
    for _ in positional:
        if draw(st.integers(0, 5)):
            argv.append(draw(st.sampled_from(POSITIONAL)))
    for flag in draw(st.lists(st.sampled_from(sorted(flags)), max_size=4, unique=True)):
        kind = flags[flag]
        if kind == 0:
            argv.append(flag)
        elif kind:
            argv += [flag, draw(st.sampled_from([str(c) for c in kind] + ["bogus"]))]
        else:
            argv += [flag, draw(st.sampled_from(VALUES + BIG.get(flag, [])))]
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(["--bogus", "-x"])))
    return argv


@pytest.fixture
def files(guard):
    d = guard
    net = Network.dense([[[1, sympy.Rational(1, 2)], [-1, 2]], [[1, -1]]],
                        [[0, 1], [0]], activations=["tanh", "identity"])
    symnet.save_network(net, d / "net.json")
    symnet.save_network(Network.dense([[[1, -1], [2, 1]], [[1, 1]]],
                                      activations=["relu", "identity"]), d / "relu.json")
    (d / "nn2poly.json").write_text(json.dumps(NN2POLY))
    (d / "poly.json").write_text(json.dumps(POLYNOMIAL))
    (d / "deep.json").write_text("[" * 5000 + "]" * 5000)
    (d / "dup.json").write_text(json.dumps(NETWORK)[:-1] + ', "layers": []}')
    (d / "binary.pt").write_bytes(b"\x80\x04garbage\xff")
    (d / "data.csv").write_text("x,y,t\n0,1,1\n1,0,2\n1,1,3\n2,1,5\n")
    (d / "sub").mkdir()
    return {"net": str(d / "net.json"), "relu": str(d / "relu.json"),
            "nn2poly": str(d / "nn2poly.json"), "poly": str(d / "poly.json"),
            "deep": str(d / "deep.json"), "dup": str(d / "dup.json"),
            "missing": str(d / "missing.json"), "binary": str(d / "binary.pt"),
            "csv": str(d / "data.csv"), "dir": str(d / "sub"), "out": str(d / "out.txt")}


def _run_cli(argv, files):
    argv = [a.format(**files) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    t0 = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SymnetError:   # --debug shows the typed error with its traceback
            assert "--debug" in argv
            code = 1
            err.write("symnet: error: (raised with --debug)\n")
    elapsed = time.monotonic() - t0
    err = err.getvalue()
    # the progress indicator and warnings may add lines; the error itself is one line
    errors = [line for line in err.splitlines() if ": error:" in line]
    assert code in (0, 1, 3, 4), (argv, code, err)
    if code == 1:
        assert len(errors) == 1, (argv, err)
        assert "Traceback" not in err
    assert elapsed < CLI_TIME_LIMIT, (argv, elapsed)
    assert not (files["dir"] and os.path.exists("M")), "a string was run as code"


def _cli_property(how):
    def prop(files, argv):
        _run_cli(argv, files)
    return how(given(argv=argvs())(prop))


def test_fuzz_command_line(files):
    _cli_property(FAST)(files)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_fuzz_documents_slow(kind, guard):
    _doc_property(*DOCUMENTS[kind], SLOW)(guard)


@pytest.mark.slow
def test_fuzz_polynomial_csv_slow(guard):
    _csv_property(SLOW)(guard)


@pytest.mark.slow
def test_fuzz_command_line_slow(files):
    _cli_property(SLOW)(files)
