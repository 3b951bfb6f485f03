"""Tests for symnet.plot: figures hold the right data and render to PNG."""

import numpy as np
import pytest
import sympy

matplotlib = pytest.importorskip("matplotlib")

import symnet  # noqa: E402
from symnet import (Network, expand, plot_coefficients, plot_diagonal,  # noqa: E402
                    plot_error_vs_order)

R = sympy.Rational


@pytest.fixture
def net():
    rng = np.random.RandomState(3)
    return Network.dense([rng.randn(6, 3) / 2, rng.randn(1, 6) / 2], [0.3 * rng.randn(6), [0.1]],
                         activations="tanh")


def render(fig, path):
    from matplotlib.image import imread

    fig.savefig(path, dpi=60)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = imread(path)
    assert img.shape[0] > 100 and img.shape[1] > 100
    assert img[..., :3].std() > 0.05          # not a blank canvas
    return img


def test_coefficients_bar_chart(net, tmp_path):
    p = expand(net, 3)
    fig = plot_coefficients(p, top=8)
    ax = fig.axes[0]
    heights = [b.get_height() for b in ax.patches]
    want = sorted(p.terms().values(), key=abs, reverse=True)[:8]
    assert np.allclose(heights, want)
    assert all(abs(heights[i]) >= abs(heights[i + 1]) for i in range(7))
    colors = [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches]
    assert all((c == "#1f77b4") == (h >= 0) for c, h in zip(colors, heights))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert all(l.startswith("$") and l.endswith("$") for l in labels)
    assert "top 8 of" in ax.get_title()
    render(fig, tmp_path / "coef.png")
    nn = plot_coefficients(p, top=3, labels="nn2poly", include_constant=False)
    got = [t.get_text() for t in nn.axes[0].get_xticklabels()]
    nonconst = sorted(((e, c) for e, c in p.terms().items() if any(e)), key=lambda ec: -abs(ec[1]))
    assert got == [symnet.nn2poly_label(e) for e, _ in nonconst[:3]]


def test_coefficients_exact_multi_output_and_errors(tmp_path):
    net2 = Network.dense([[[1, R(1, 2)], [R(-1, 3), 1]], [[1, 1], [1, -1]]],
                         activations=["sigmoid", "identity"])
    ps = expand(net2, 3)
    fig = plot_coefficients(ps, top=4)
    assert len(fig.axes) == 2 and fig.axes[1].get_title().startswith("output 2")
    render(fig, tmp_path / "two.png")
    with pytest.raises(symnet.SymnetError, match="not a number"):
        plot_coefficients(expand(Network.mlp([1, 1], activation="tanh"), 2))
    with pytest.raises(symnet.SymnetError, match="top must be a positive integer"):
        plot_coefficients(ps[0], top=0)


def test_diagonal(net, tmp_path):
    p = expand(net, 5)
    X = np.random.RandomState(1).uniform(-0.5, 0.5, size=(40, 3))
    fig = plot_diagonal(net, p, X)
    pts = fig.axes[0].collections[0].get_offsets()
    assert np.allclose(pts[:, 0], net(X)[:, 0]) and np.allclose(pts[:, 1], p(X))
    err = np.abs(p(X) - net(X)[:, 0]).max()
    assert f"{err:.2e}" in fig.axes[0].get_title()
    render(fig, tmp_path / "diag.png")
    # default: expand at `order`, sample around the Taylor centre
    fig = plot_diagonal(net, expand(net, 2, mode="taylor", at=[0.5, 0.0, 0.0]), n=30)
    xs = fig.axes[0].collections[0].get_offsets()
    assert len(xs) == 30
    with pytest.raises(symnet.ShapeError, match="shape"):
        plot_diagonal(net, p, np.zeros((4, 2)))


def test_diagonal_into_given_axes():
    from matplotlib.figure import Figure
    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    net = Network.dense([[[1.0]], [[1.0], [2.0]]], activations=["tanh", "identity"])
    out = plot_diagonal(net, order=3, n=20, ax=ax)
    assert out is fig and len(ax.collections) == 2


def test_error_vs_order(net, tmp_path):
    X = np.random.RandomState(2).uniform(-0.3, 0.3, size=(100, 3))
    fig = plot_error_vs_order(net, orders=[1, 2, 3, 4, 5], X=X)
    mx = fig.axes[0].lines[0].get_ydata()
    mean = fig.axes[0].lines[1].get_ydata()
    for q, m in zip([1, 2, 3, 4, 5], mx):
        assert m == pytest.approx(np.abs(expand(net, q, domain="RR")(X) - net(X)[:, 0]).max())
    assert mx[-1] < mx[0] / 10 and np.all(mean <= mx)
    assert fig.axes[0].get_yscale() == "log"
    render(fig, tmp_path / "err.png")
    t = plot_error_vs_order(net, orders=[1, 3], mode="taylor", at=[0.2, 0, 0], n=50)
    assert len(t.axes[0].lines[0].get_ydata()) == 2
    with pytest.raises(symnet.SymnetError, match="symbols"):
        plot_error_vs_order(Network.mlp([1, 1], activation="tanh"))
