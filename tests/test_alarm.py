"""Tests for symnet.alarm: the one SIGALRM timer behind every time limit."""

import signal
import threading
import time

import pytest

from symnet import ArgumentError
from symnet.alarm import AlarmExpired, alarm_usable, call_with_alarm

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no POSIX timers")


def spin(seconds=30):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "never interrupted"


def test_returns_the_value_and_leaves_no_timer_behind():
    assert alarm_usable()
    assert call_with_alarm(lambda: [1, 2], 5) == [1, 2]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    assert alarm_usable()


def test_interrupts_a_long_call_and_restores_the_handler():
    t0 = time.monotonic()
    with pytest.raises(AlarmExpired):
        call_with_alarm(spin, 0.1)
    assert 0.09 <= time.monotonic() - t0 < 10   # not the 30 s of the spin
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert alarm_usable()


def test_an_alarm_swallowed_once_is_repeated():
    """A handler run inside a finalizer loses its exception: the next alarm must still come."""
    swallowed = []

    def stubborn():
        try:
            spin(30)
        except AlarmExpired:
            swallowed.append(time.monotonic())   # as `Exception ignored in __del__` would
        return spin(30)

    t0 = time.monotonic()
    with pytest.raises(AlarmExpired):
        call_with_alarm(stubborn, 0.1)
    assert len(swallowed) == 1 and time.monotonic() - t0 < 10   # not the 60 s of two spins


def test_errors_of_the_call_propagate_and_the_timer_is_removed():
    with pytest.raises(ZeroDivisionError):
        call_with_alarm(lambda: 1 / 0, 5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and alarm_usable()


def test_a_stray_early_sigalrm_is_ignored():
    def poke():
        signal.raise_signal(signal.SIGALRM)      # sent by somebody else, long before the end
        return "done"
    assert call_with_alarm(poke, 5) == "done"


def test_not_usable_outside_the_main_thread_or_under_another_timer():
    out = []
    t = threading.Thread(target=lambda: out.append(alarm_usable()))
    t.start()
    t.join()
    assert out == [False]
    old = signal.signal(signal.SIGALRM, lambda *a: None)
    try:
        assert not alarm_usable()
    finally:
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), True, "1", None])
def test_bad_seconds_are_refused(bad):
    with pytest.raises(ArgumentError, match="positive finite number of seconds"):
        call_with_alarm(lambda: 1, bad)
