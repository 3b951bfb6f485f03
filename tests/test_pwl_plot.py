"""Tests for symnet.pwl.plot: region maps and graphs of exact piecewise-linear maps."""

import pytest

pytest.importorskip("matplotlib")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import symnet  # noqa: E402
from symnet import Network  # noqa: E402
from symnet.constructions import sawtooth  # noqa: E402
from symnet.errors import ArgumentError  # noqa: E402


def test_one_input_graph_has_every_breakpoint():
    ax = symnet.piecewise(sawtooth(2), box=[(0, 1)]).plot()
    assert ax.get_title() == "4 regions, 3 breakpoints"


def test_two_inputs_region_map_and_a_bad_output_index():
    net = Network.dense([[[1, 0], [0, 1], [1, -1]], [[1, 1, 1], [1, -1, 0]]],
                        activations=["relu", "identity"])
    pw = symnet.piecewise(net, box=[(-1, 1), (-1, 1)])
    pw.plot(level=0, output=1)
    for bad in (2, -1, 1.0, True):
        with pytest.raises(ArgumentError, match="output index 0..1"):
            pw.plot(level=0, output=bad)
