"""Tests of symnet.pde.zero: exact zero testing, time limits, undecided answers."""

import sympy
from sympy import cos, exp, sin, tanh

from symnet import check_pde

x, y, z, w, u = sympy.symbols("x y z w u")


def test_time_limit_gives_undecided_never_a_guess():
    import time

    f = exp(x * y) * sin(z + w) + x * y
    t0 = time.monotonic()
    r = check_pde(f, "((x,y),(z,w))", timeout=1e-6)
    assert time.monotonic() - t0 < 30
    assert r.satisfied is None
    assert r.representable is None
    assert "time limit" in r.reason
    assert r.unproven and r.witness is None


def test_run_limited_stops_a_long_computation():
    import time

    from symnet.pde.zero import run_limited

    t0 = time.monotonic()
    finished, value = run_limited(lambda: time.sleep(60) or 1, 0.2)
    assert (finished, value) == (False, None)
    assert time.monotonic() - t0 < 30   # interrupted, not run to the end
    assert run_limited(lambda: 42, 1.0) == (True, 42)


def test_identities_need_exponential_rewriting():
    f = tanh(x + y) - (tanh(x) + tanh(y)) / (1 + tanh(x) * tanh(y)) + x * y * z
    r = check_pde(f, "((x,y),z)")
    assert r.satisfied is True and r.representable is True
    g = (sin(x + y) - sin(x) * cos(y) - cos(x) * sin(y)) * z + x * y
    assert check_pde(g, "((x,y),z)").satisfied is True


def test_checks_work_outside_the_main_thread():
    import threading
    import time

    from symnet.pde.zero import run_limited

    out = {}

    def work():
        out["ok"] = check_pde(exp(x * y) * sin(z + w) + x * y, "((x,y),(z,w))")
        out["bad"] = check_pde(x * y + y * z, "((x,y),z)")
        t0 = time.monotonic()
        out["limited"] = run_limited(lambda: time.sleep(3) or 1, 0.2)
        out["elapsed"] = time.monotonic() - t0

    t = threading.Thread(target=work)
    t.start()
    t.join(120)
    assert out["ok"].satisfied is True and out["ok"].representable is True
    assert out["bad"].satisfied is False
    # outside the main thread the time limit abandons a worker thread
    assert out["limited"] == (False, None) and out["elapsed"] < 2


def test_prove_zero_proves_or_says_none_never_false():
    from symnet.pde.zero import formal_zero, prove_zero

    assert prove_zero(sin(x) ** 2 + cos(x) ** 2 - 1) is True
    assert prove_zero(tanh(x + y) - (tanh(x) + tanh(y)) / (1 + tanh(x) * tanh(y))) is True
    assert prove_zero(exp(x + y) - exp(x) * exp(y)) is True
    assert prove_zero(x - y) is None                     # not a disproof
    assert prove_zero("x*(y + 1) - x*y - x") is True     # strings are parsed safely
    assert formal_zero((x + 1) ** 2 - x**2 - 2 * x - 1) is True
    assert formal_zero(x - y) is None


def test_run_limited_refuses_bad_seconds():
    import pytest

    from symnet.errors import ArgumentError
    from symnet.pde.zero import run_limited

    with pytest.raises(ArgumentError):
        run_limited(lambda: 1, float("nan"))
    with pytest.raises(ArgumentError):
        run_limited(lambda: 1, "1")
    assert run_limited(lambda: 1, 0) == (False, None)
    assert run_limited(lambda: 1, None) == (True, 1)
