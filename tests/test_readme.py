"""The README's code runs as written: every ```python block and every `symnet ...` command.

All blocks run in order in one temporary directory (a fresh clone has no files: the README
writes the ones it reads).  A python block runs in a fresh namespace; a block importing an
optional package that is not installed is skipped, and so is a command reading a file such a
block would have written.  Commands run as ``python -m symnet`` from this checkout.
"""

import ast
import importlib
import os
import pathlib
import re
import shlex
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
MODEL_SUFFIXES = (".json", ".pt", ".onnx", ".keras", ".pkl", ".csv")
os.environ.setdefault("KERAS_BACKEND", "torch")   # as the README's Keras block sets it


def _blocks():
    text = README.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        lang, code = m.group(1), m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        if lang == "python":
            out.append(pytest.param("python", code, id=f"python-L{line}"))
        elif lang == "bash":
            for k, cmd in enumerate(code.splitlines()):
                for part in _symnet_commands(cmd):
                    out.append(pytest.param("bash", part, id=f"bash-L{line + 1 + k}"))
    return out


def _symnet_commands(line):
    """The ``symnet ...`` segments of a shell line (``a && symnet demo``), as argv lists."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return []
    cmds, cur = [], []
    for w in words + ["&&"]:
        if w in ("&&", ";", "||"):
            if cur and cur[0] == "symnet":
                cmds.append(cur[1:])
            cur = []
        else:
            cur.append(w)
    return cmds


BLOCKS = _blocks()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("readme")


def _skip_missing_imports(code):
    for node in ast.walk(ast.parse(code)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            try:
                importlib.import_module(top)
            except ImportError:
                pytest.skip(f"needs {top}, which is not installed")


def test_the_readme_has_code():
    langs = [p.values[0] for p in BLOCKS]
    assert langs.count("python") >= 8 and langs.count("bash") >= 10


@pytest.mark.parametrize("lang,code", BLOCKS)
def test_readme_block(lang, code, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    if lang == "python":
        _skip_missing_imports(code)
        import warnings

        ns = {"__name__": "__readme__"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # the README's output, not its warnings
            exec(compile(code, "README.md", "exec"), ns)  # noqa: S102 - the README's own code
        tests = [f for k, f in ns.items() if k.startswith("test_") and callable(f)]
        for f in tests:   # the property-test example: a false conjecture, falsified
            with pytest.raises(AssertionError):
                f()
        return
    argv = code
    files = [a for i, a in enumerate(argv) if a.endswith(MODEL_SUFFIXES)
             and not a.startswith("-") and (i == 0 or argv[i - 1] not in ("-o", "--out"))]
    missing = [f for f in files if not (workdir / f).exists()]
    if missing:
        pytest.skip(f"{missing[0]} was not written (its block needs an optional package)")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "symnet", *argv], cwd=workdir, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, f"symnet {' '.join(argv)}: {res.stderr.strip()}"
    assert "Traceback" not in res.stderr
    if "-o" in argv:
        assert (workdir / argv[argv.index("-o") + 1]).stat().st_size > 0
