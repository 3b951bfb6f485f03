"""The memory guard's estimate against the measured peak, on the benchmark workloads.

``estimate_work(...)["bytes"]`` decides whether ``expand`` runs; it must be within 1.5x of the
real peak (either way) on W2, W3 and W4 of bench/workloads.py (float64 engine, measured with
tracemalloc, which sees numpy's allocations) and on the exact workloads W3 and W4 "k/64"
(python-flint's numbers are not traced: malloc's bytes in use, sampled while it runs).
"""

import gc
import pathlib
import sys
import tracemalloc

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:   # bench/ lives beside the package in a clone
    sys.path.insert(0, str(ROOT))

from bench import workloads  # noqa: E402
from symnet import Network, estimate_work, expand  # noqa: E402
from symnet.monomials import basis  # noqa: E402

RATIO = 1.5


def _float_peak(net, order):
    basis.cache_clear()        # cold: the pair tables are built (and counted) again
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        expand(net, order)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module", autouse=True)
def warm():
    expand(Network.dense([[[0.5]]], activations=["tanh"]), 2)   # imports are not the expansion's


@pytest.mark.parametrize("name", ["W2", "W3", "W4"])
def test_float_estimate_within_1_5x_of_the_peak(name):
    net = workloads.network(name, "float")
    order = workloads.SHAPES[name][3]
    peak = _float_peak(net, order)
    est = estimate_work(net, order, domain="RR")["bytes"]
    assert 1 / RATIO <= est / peak <= RATIO, f"{name}: estimate {est:,} vs peak {peak:,}"


@pytest.mark.parametrize("hidden,order", [([16], 8), ([50, 50], 5), ([100], 3)])
def test_float_estimate_on_other_shapes(hidden, order):
    import numpy as np

    rng = np.random.RandomState(0)
    sizes = [6] + hidden + [1]
    net = Network.dense([rng.randn(b, a) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])],
                        [0.3 * rng.randn(b) for b in sizes[1:]], activations="tanh")
    peak = _float_peak(net, order)
    est = estimate_work(net, order, domain="RR")["bytes"]
    assert 1 / RATIO <= est / peak <= RATIO, f"{hidden} Q={order}: {est:,} vs {peak:,}"


def _malloc_in_use():
    """Bytes malloc has handed out (python-flint's numbers live there), or None off glibc."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost")]

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
    except (OSError, AttributeError):
        return None
    return lambda: (lambda m: m.uordblks + m.hblkhd)(libc.mallinfo2())


def _malloc_peak(f):
    """Peak growth of malloc's bytes in use while ``f()`` runs (sampled by a thread)."""
    import threading
    import time

    used = _malloc_in_use()
    base = used()
    top = [base]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            top[0] = max(top[0], used())
            time.sleep(0.0005)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        f()
    finally:
        stop.set()
        t.join()
    return max(top[0], used()) - base


@pytest.mark.skipif(_malloc_in_use() is None, reason="needs glibc's mallinfo2")
@pytest.mark.parametrize("name", ["W3", "W4"])
def test_exact_estimate_within_1_5x_of_the_peak(name):
    net = workloads.network(name, "k/64")
    order = workloads.SHAPES[name][3]
    expand(workloads.network("W2", "k/64"), 2)      # flint's first use is not the expansion's
    gc.collect()
    peak = _malloc_peak(lambda: expand(net, order))
    est = estimate_work(net, order, domain="QQ")["bytes"]
    assert peak > 5 * 2**20
    assert 1 / RATIO <= est / peak <= RATIO, f"{name} k/64: estimate {est:,} vs peak {peak:,}"
