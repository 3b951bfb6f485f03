"""Tests for symnet.engines.cost: the estimate every refusal quotes, made before any work."""

import math
import time

import pytest

from symnet import Network
from symnet.engines.cost import describe_bytes, describe_count, describe_seconds, estimate


def net(n_in=3, width=4):
    return Network.dense([[[1] * n_in] * width, [[1] * width]], activations=["tanh", "identity"])


@pytest.mark.parametrize("n, Q", [(1, 5), (3, 3), (10, 4), (20, 2)])
def test_monomials_are_counted_exactly(n, Q):
    assert estimate(net(n), Q)["monomials"] == math.comb(n + Q, Q)


def test_estimates_grow_with_order_width_and_precision():
    e = [estimate(net(3), Q) for Q in range(1, 8)]
    for key in ("monomials", "bytes", "work", "seconds"):
        assert all(a[key] <= b[key] for a, b in zip(e, e[1:])), key
    assert estimate(net(3, 16), 4)["work"] > estimate(net(3, 4), 4)["work"]
    assert estimate(net(3), 4, domain="QQ")["seconds"] >= estimate(net(3), 4)["seconds"]


def test_absurd_orders_are_estimated_at_once():
    t0 = time.monotonic()
    huge = estimate(net(20), 10**100)
    assert huge["monomials"] > 1e300 and huge["seconds"] > 1e100   # saturated, not overflowed
    assert time.monotonic() - t0 < 10


def test_descriptions_read_like_a_person_wrote_them():
    assert describe_bytes(3 * 2**30).endswith("GiB") and describe_count(1234567) == "1,234,567"
    assert "hour" in describe_seconds(7200) or "h" in describe_seconds(7200)
