"""Tests of symnet.bounds.ranges: certified pre-activation ranges over a box."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet import Network
from symnet import strategies as sst
from symnet.bounds import preactivation_ranges
from symnet.errors import BoxError, InputError, OrderError, ShapeError, WeightError

R = sympy.Rational


def _sampled_preactivations(net, box, n=400, seed=0):
    """Float64 pre-activations (stage order) at random points and the corners of the box."""
    import itertools
    lo = np.array([float(a) for a, _ in box])
    hi = np.array([float(b) for _, b in box])
    X = lo + (hi - lo) * np.random.RandomState(seed).rand(n, len(box))
    X = np.vstack([X, np.array(list(itertools.product(*zip(lo, hi))))])
    out = []

    def step(stage, src):
        H = np.stack(src, axis=1)
        Z = H @ stage.weight_array().T + stage.bias_array()
        out.append(Z)
        return [a.numpy_function()(Z[:, i]) for i, a in enumerate(stage.activations)]

    net.forward([X[:, j] for j in range(net.n_inputs)], step)
    return out


def test_first_layer_ranges_are_the_exact_affine_ranges():
    net = Network.dense([[[2, -1], [R(1, 3), 0]], [[1, 1]]], biases=[[1, R(-1, 2)], [0]],
                        activations=["tanh", "identity"])
    r = preactivation_ranges(net, [(0, 1), (0, R(1, 2))])
    assert [len(row) for row in r] == [2, 1]
    for (lo, hi), (tlo, thi) in zip(r[0], [(R(1, 2), 3), (R(-1, 2), R(-1, 6))]):
        assert isinstance(lo, sympy.Rational) and isinstance(hi, sympy.Rational)
        assert lo <= tlo and thi <= hi and (tlo - lo) + (hi - thi) < 1e-7


@settings(max_examples=15)
@given(sst.networks(inputs=(1, 3), depth=(1, 3), widths=(1, 4),
                    activations=["tanh", "sigmoid", "softplus", "gelu", "relu", "sin"]),
       st.sampled_from([R(1, 4), 1, 3]))
def test_ranges_contain_every_sampled_preactivation(net, r):
    box = [(-r, r)] * net.n_inputs
    ranges = preactivation_ranges(net, box)
    sampled = _sampled_preactivations(net, box)
    assert len(ranges) == len(sampled) == len(net.stages())
    for row, Z in zip(ranges, sampled):
        for i, (lo, hi) in enumerate(row):
            assert lo <= hi
            assert float(lo) - 1e-9 <= Z[:, i].min() and Z[:, i].max() <= float(hi) + 1e-9


def test_deep_saturated_network_keeps_finite_ranges():
    rng = np.random.RandomState(3)
    sizes = [2, 6, 6, 6, 6, 1]
    Ws = [4 * rng.randn(b, a) for a, b in zip(sizes[:-1], sizes[1:])]
    net = Network.dense(Ws, activations=["tanh"] * 4 + ["identity"])
    r = preactivation_ranges(net, (-1, 1))
    for row, Z in zip(r, _sampled_preactivations(net, [(-1, 1)] * 2)):
        for i, (lo, hi) in enumerate(row):
            assert float(lo) <= Z[:, i].min() and Z[:, i].max() <= float(hi)
            assert hi - lo < 100


def test_order_and_precision_options():
    net = Network.dense([[[1, 1], [1, -1]], [[1, 1]]], activations=["sigmoid", "identity"])
    a = preactivation_ranges(net, (-1, 1), order=0)
    b = preactivation_ranges(net, (-1, 1), order=3, prec=200)
    for ra, rb in zip(a, b):
        for (alo, ahi), (blo, bhi) in zip(ra, rb):
            assert alo <= bhi and blo <= ahi
    with pytest.raises(OrderError):
        preactivation_ranges(net, (-1, 1), order=-1)
    with pytest.raises(OrderError):
        preactivation_ranges(net, (-1, 1), order=10**6)


@pytest.mark.parametrize("net, box, err", [
    (Network.dense([[[1, 2]]]), (1, 0), BoxError),
    (Network.dense([[[1, 2]]]), [(0, 1)] * 3, ShapeError),
    (Network.dense([[[1, 2]]]), ("0", 1), BoxError),
    (Network.mlp([2, 1], ["tanh"]), (0, 1), WeightError),
    ("net", (0, 1), InputError),
])
def test_bad_input(net, box, err):
    with pytest.raises(err):
        preactivation_ranges(net, box)
