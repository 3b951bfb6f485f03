"""Tests for the symnet command line."""

import io
import json
import os
import subprocess
import sys

import pytest
import sympy

import symnet
from symnet import Network, cli, expand, load_polynomial, save_network
from symnet.cli import main

REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "nn2poly")  # NN2Poly fixture
R = sympy.Rational


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def net_file(tmp_path):
    net = Network.dense([[[R(1, 2), R(-1, 4)], [R(1, 4), R(3, 4)]], [[1, R(-1, 2)]]],
                        [[R(1, 8), 0], [0]], activations=["tanh", "identity"])
    path = tmp_path / "net.json"
    save_network(net, path)
    return net, path


@pytest.fixture
def nn2poly_file(tmp_path):
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"tanh": [[0.1, -0.2], [0.5, 0.3], [-0.6, 0.2]],
                                "linear": [[0.05], [1.0], [-0.5]]}))
    return path


def test_expand_symnet_json_text_and_summary(capsys, net_file):
    net, path = net_file
    code, out, err = run(capsys, "expand", str(path), "--order", "3")
    assert code == 0
    assert out.strip() == str(expand(net, 3))
    assert err.startswith("symnet: symnet network file") and "domain QQ" in err
    assert err.count("\n") == 1


def test_expand_formats(capsys, net_file, tmp_path):
    net, path = net_file
    p = expand(net, 3)
    code, out, _ = run(capsys, "expand", str(path), "-f", "json", "--quiet")
    assert code == 0 and load_polynomial(io.StringIO(out)) == p
    code, out, _ = run(capsys, "expand", str(path), "-f", "csv", "--quiet")
    assert out.splitlines()[0] == '"label","degree","coef_out1"'
    assert load_polynomial(io.StringIO(out)) == p
    code, out, _ = run(capsys, "expand", str(path), "-f", "latex", "--quiet")
    assert out.strip() == symnet.latex(p)
    code, out, _ = run(capsys, "expand", str(path), "-f", "table", "--top", "3", "--quiet")
    assert out.startswith(r"\begin{tabular}") and "3 of" in out
    code, out, _ = run(capsys, "expand", str(path), "-f", "latex", "--standalone", "--quiet")
    assert out.startswith(r"\documentclass") and r"\begin{tabular}" in out
    # --out picks the format from the suffix; nothing on stdout
    target = tmp_path / "p.csv"
    code, out, _ = run(capsys, "expand", str(path), "--out", str(target), "--quiet")
    assert code == 0 and out == "" and load_polynomial(target) == p


def test_expand_modes_and_domains(capsys, net_file):
    net, path = net_file
    code, out, _ = run(capsys, "expand", str(path), "--domain", "RR", "-f", "json", "--quiet")
    q = load_polynomial(io.StringIO(out))
    assert q.domain == "RR"
    assert all(abs(q.coeff(e) - float(c)) < 1e-15 for e, c in expand(net, 3).terms().items())
    code, out, _ = run(capsys, "expand", str(path), "--series-degree", "1", "-f", "json",
                       "--quiet")
    assert load_polynomial(io.StringIO(out)) == expand(net, 3, series_degree=1)
    code, out, _ = run(capsys, "expand", str(path), "--mode", "taylor", "--at", "1/2,0",
                       "--order", "2", "-f", "json", "--quiet")
    assert code == 0
    want = expand(net, 2, mode="taylor", at=[R(1, 2), 0])
    assert load_polynomial(io.StringIO(out)) == want
    code, _, err = run(capsys, "expand", str(path), "--at", "1,2")
    assert code == 1 and err == "symnet: error: --at is only for --mode taylor\n"


@pytest.mark.skipif(not os.path.isdir(REF), reason="shared/reference/nn2poly not available")
def test_expand_nn2poly_reference_csv(capsys):
    code, out, err = run(capsys, "expand", os.path.join(REF, "small_weights.json"), "-f", "csv",
                         "--all-monomials")
    assert code == 0 and "NN2Poly weight file" in err
    ours = load_polynomial(io.StringIO(out))
    theirs = load_polynomial(os.path.join(REF, "small_mo3_t3_coeffs.csv"))
    assert set(ours.terms()) == set(theirs.terms())
    assert max(abs(ours.coeff(e) - c) for e, c in theirs.terms().items()) < 1e-14


def test_expand_nn2poly_rationalize(capsys, nn2poly_file):
    code, out, err = run(capsys, "expand", str(nn2poly_file), "--rationalize", "64", "-f",
                         "json")
    assert code == 0 and "exact weights" in err
    p = load_polynomial(io.StringIO(out))
    assert p.domain == "QQ"
    net = symnet.from_nn2poly(nn2poly_file)
    want = expand(cli._convert_floats(net, False, 64), 3)
    assert p == want


def test_expand_torch_state_file(capsys, tmp_path):
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    path = tmp_path / "m.pt"
    torch.save(model.state_dict(), path)
    code, _, err = run(capsys, "expand", str(path))
    assert code == 1 and "--activations" in err and err.count("\n") == 1
    code, out, err = run(capsys, "expand", str(path), "--activations", "tanh,identity", "-f",
                         "json", "--exact")
    assert code == 0 and "torch state file" in err
    p = load_polynomial(io.StringIO(out))
    assert p == expand(symnet.from_torch(model, exact=True), 3)


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01binary", "not a symnet network file, an NN2Poly weight file"),
    (b'{"format": "symnet-network", "version": 7}', r"\$\.version"),
    (b'{"format": "symnet-polynomial", "version": 1}', "holds a polynomial"),
    (b'{"tanh": [[0], [1, 2]]}', "rows have different lengths"),
])
def test_expand_errors_are_one_line(capsys, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out, err = run(capsys, "expand", str(path))
    assert code == 1 and out == ""
    assert err.startswith("symnet: error: ") and err.count("\n") == 1
    import re
    assert re.search(message, err)


def test_missing_file_and_debug(capsys, tmp_path):
    code, _, err = run(capsys, "expand", str(tmp_path / "nope.json"))
    assert code == 1 and err == f"symnet: error: {tmp_path / 'nope.json'}: no such file\n"
    with pytest.raises(FileNotFoundError):
        main(["expand", str(tmp_path / "nope.json"), "--debug"])
    with pytest.raises(FileNotFoundError):
        main(["--debug", "expand", str(tmp_path / "nope.json")])


def test_usage_errors_exit_1_with_one_line(capsys):
    # the README's promise: every error is one line on stderr and exit code 1
    for argv in (["expand"], ["pde", "x*y"], ["expand", "m.json", "--mode", "foo"], [],
                 ["expand", "m.json", "--order", "x"], ["nosuch"]):
        code, out, err = run(capsys, *argv)
        assert code == 1 and out == "" and err.count("\n") == 1, (argv, err)
        assert "error:" in err and "usage:" not in err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"symnet {symnet.__version__}\n"


def test_info_file(capsys, net_file, nn2poly_file):
    _, path = net_file
    code, out, _ = run(capsys, "info", str(path))
    assert code == 0 and "symnet network file" in out and "2 -> 2 tanh -> 1 identity" in out
    assert "exact" in out and "parameters    9" in out
    code, out, _ = run(capsys, "info", str(nn2poly_file))
    assert code == 0 and "NN2Poly weight file" in out and "float64" in out


def test_options_that_do_not_apply_are_usage_errors(capsys, net_file):
    _, path = net_file
    for extra in (["--activations", "tanh"], ["--digits", "3"], ["--all-monomials"],
                  ["--standalone"], ["--top", "3"], ["--at", "0"], ["-f", "csv", "--digits", "2"]):
        code, _, err = run(capsys, "expand", str(path), *extra)
        assert code == 1 and err.count("\n") == 1, (extra, err)
        assert "does not apply" in err or "only for" in err


def test_pde_check_exit_codes(capsys):
    code, out, _ = run(capsys, "pde", "exp(x*y)*sin(z + w) + x*y", "--tree", "((x,y),(z,w))")
    assert code == 0 and "satisfied" in out and "decomposition" in out
    code, out, _ = run(capsys, "pde", "x*y + y*z + x*z", "--tree", "((x,y),z)")
    assert code == 3 and "violated" in out and "witness" in out
    code, out, _ = run(capsys, "pde", "tanh(2*x - 3*y + z + 1)", "--neuron", "--quiet")
    assert code == 0 and out == ""
    code, out, _ = run(capsys, "pde", "x**4 - 6*x**2*y**2 + y**4", "--ridges", "2")
    assert code == 0 and "representable: no" in out
    code, _, err = run(capsys, "pde", "eval(x)", "--neuron")
    assert code == 1 and "unknown function 'eval'" in err and err.count("\n") == 1


def test_pde_constraints_listing(capsys):
    code, out, _ = run(capsys, "pde", "--tree", "((x,y),z)")
    assert code == 0
    assert out.splitlines()[1].strip() == str(symnet.pde_constraints(symnet.Tree("((x,y),z)"))[0])
    code, out, _ = run(capsys, "pde", "--ridges", "2", "--vars", "x,y", "-f", "latex")
    assert out.startswith(r"\begin{align}") and r"\det" in out
    code, _, err = run(capsys, "pde", "--neuron")
    assert code == 1 and "--neuron needs the inputs" in err


def test_progress_indicator(capsys, monkeypatch, net_file):
    _, path = net_file
    monkeypatch.setattr(cli, "PROGRESS_DELAY", 0)
    code, out, err = run(capsys, "expand", str(path), "--progress", "--quiet")
    assert code == 0
    assert "\rsymnet: expanding at order 3 [<=>" in err
    assert err.endswith("\n") and "\rsymnet: expanding at order 3: done in" in err
    assert out.strip() == str(expand(net_file[0], 3))
    # never without --progress when stderr is not a terminal, and never with --no-progress
    code, _, err = run(capsys, "expand", str(path), "--quiet")
    assert err == ""
    code, _, err = run(capsys, "expand", str(path), "--no-progress", "--quiet")
    assert err == ""


def test_progress_class_draws_only_after_delay():
    buf = io.StringIO()
    with cli._Progress("work", stream=buf, enabled=True, delay=3600):
        pass
    assert buf.getvalue() == ""
    buf = io.StringIO()
    with pytest.raises(ValueError):
        with cli._Progress("work", stream=buf, enabled=True, delay=0):
            raise ValueError("boom")
    assert "work: stopped in" in buf.getvalue()


def test_info(capsys):
    code, out, _ = run(capsys, "info")
    assert code == 0 and "ground types" in out and symnet.__version__ in out


def test_demo(capsys):
    code, out, err = run(capsys, "demo", "--order", "3")
    assert code == 0
    net = cli._demo_network()
    p = expand(net, 3)
    assert str(p) in out
    assert "Top 8 coefficients" in out and "-273/512" in out
    assert "Error |net(x) - p(x)|" in out
    assert r"\begin{align}" in out
    assert "PDE check" in out and "representable: yes" in out


def test_python_dash_m(tmp_path):
    res = subprocess.run([sys.executable, "-m", "symnet", "expand", str(tmp_path / "x.json")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


@pytest.mark.parametrize("command", ["expand", "info", "regions"])
def test_fifos_and_devices_are_refused_in_one_line(capsys, tmp_path, command):
    # `symnet expand f.json` on a FIFO hung; on /dev/zero it ate memory until killed
    from symnet.alarm import call_with_alarm
    fifo = tmp_path / "f.json"
    os.mkfifo(fifo)
    code, out, err = call_with_alarm(lambda: run(capsys, command, str(fifo)), 10)
    assert code == 1 and err == f"symnet: error: {fifo}: not a regular file (a FIFO), " \
                                "expected a model file\n"
    if os.path.exists("/dev/zero"):
        code, out, err = run(capsys, command, "/dev/zero")
        assert code == 1 and "/dev/zero: not a regular file (a character device)" in err


@pytest.mark.parametrize("fmt", ["latex", "table"])
def test_expand_prints_numbers_past_4300_digits(capsys, tmp_path, fmt):
    path = tmp_path / "huge.json"
    save_network(Network.dense([[[10**5000]]], activations=["tanh"]), path)
    code, out, err = run(capsys, "expand", str(path), "-f", fmt, "--quiet")
    assert code == 0 and hex(10**5000) in out, err
