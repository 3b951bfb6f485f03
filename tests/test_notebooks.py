"""The example notebooks: committed with outputs, and they still run (executed with nbclient)."""

import os
import shutil
import sys

import pytest

nbformat = pytest.importorskip("nbformat")

NB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "notebooks")
NOTEBOOKS = ["01_quickstart.ipynb", "02_torch_model.ipynb", "03_pde_constraints.ipynb",
             "04_property_testing.ipynb", "05_relu.ipynb", "06_compression.ipynb",
             "07_super_space.ipynb", "08_importers.ipynb"]
NEEDS = {"02_torch_model.ipynb": ["torch", "matplotlib"], "05_relu.ipynb": ["matplotlib"],
         "06_compression.ipynb": ["torch", "matplotlib"], "08_importers.ipynb": ["sklearn", "onnx"]}


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_with_outputs(name):
    nb = nbformat.read(os.path.join(NB_DIR, name), as_version=4)
    nbformat.validate(nb)
    cells = code_cells(nb)
    assert cells
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), "execute the notebook top to bottom"
    assert all(c.outputs for c in cells), "every code cell shows an output"
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]


def _execute(path, tmp_path):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.km = client.create_kernel_manager()
    # run the kernel on this interpreter, whatever `python` is on PATH
    client.km.kernel_spec.argv = [sys.executable, "-m", "ipykernel_launcher", "-f",
                                  "{connection_file}"]
    # the kernel imports symnet from this checkout (the one under test), whatever is installed
    root = os.path.dirname(NB_DIR)
    client.km.kernel_spec.env = {"PYTHONPATH": os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
    client.execute()
    return nb


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, tmp_path, monkeypatch):
    for mod in NEEDS.get(name, []):
        pytest.importorskip(mod)
    # the kernel imports symnet from this checkout, not from wherever it is installed
    root = os.path.dirname(NB_DIR)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    src = os.path.join(NB_DIR, name)
    shutil.copy(src, tmp_path / name)
    nb = _execute(tmp_path / name, tmp_path)
    outs = [o for c in code_cells(nb) for o in c.outputs]
    assert not [o for o in outs if o.output_type == "error"]
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outs)
    if name.startswith("01"):
        assert "-273/512" in text and r"\begin{align}" in text and r"\toprule" in text
    elif name.startswith("02"):
        pngs = [o for o in outs if "image/png" in o.get("data", {})]
        assert len(pngs) == 3
        assert '"label","degree","coef_out1"' in text          # the command line ran
    elif name.startswith("08"):
        assert "softmax [0, 1, 2]" in text and "-> 3 gelu ->" in text
        assert "domain: QQ" in text and '"label","degree","coef_out1"' in text
    elif name.startswith("03"):
        assert "violated" in text and "directions: (1, -2/3), (1, 4)" in text
    elif name.startswith("07"):
        assert "order 2 accuracy: 1.0" in text and "[0, 1, 1, 0]" in text
        assert "[{w: -1, a: -2, c: 0}, {w: 1, a: 2, c: 0}]" in text
        assert "orbit size: 48 | solutions listed: 48" in text
    elif name.startswith("05"):
        pngs = [o for o in outs if "image/png" in o.get("data", {})]
        assert len(pngs) == 2 and "\\begin{cases}" in text
        assert "Equivalence: equal" in text and "EquivalenceWitness(point=" in text
    elif name.startswith("06"):
        assert "max |relu - p| = 3/32" in text and "certified max error on the box" in text
        assert r"\toprule" in text
        assert len([o for o in outs if "image/png" in o.get("data", {})]) == 2
    else:
        # hypothesis calls it "Falsifying example" (before 6.16x) or "Failing test case"
        assert "Falsifying example" in text or "Failing test case" in text
        assert "1 != tanh(1)" in text and "z*(x + y)" in text
