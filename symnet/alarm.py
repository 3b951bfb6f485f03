"""Interrupting one long call after a number of seconds: the one SIGALRM timer of symnet.

Several steps call into code that cannot check a clock itself (a Groebner
basis in sympy, a formal zero test, reading a huge polynomial's exact
coefficients).  :func:`call_with_alarm` runs such a call under a ``SIGALRM``
timer and raises :class:`AlarmExpired` in it when the time is up; each caller
turns that into its own error or verdict.

The timer **repeats** every :data:`REPEAT` seconds after it first fires until
the call ends: a Python signal handler that happens to run inside a finalizer
(``__del__``, a weakref callback) has its exception printed and dropped, so a
one-shot timer could be lost and the call left running for ever.

A ``SIGALRM`` timer exists only in the main thread of a POSIX process and
only while nobody else uses one; :func:`alarm_usable` says whether this is
such a moment (callers fall back to checking a deadline between steps).
"""

from __future__ import annotations

import math
import signal
import threading
import time

from .errors import ArgumentError

__all__ = ["AlarmExpired", "alarm_usable", "call_with_alarm", "REPEAT"]

#: seconds between repeated alarms once the first one has fired
REPEAT = 0.05


class AlarmExpired(BaseException):
    """The time given to :func:`call_with_alarm` ran out.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that no library's
    ``except Exception`` swallows it on its way out of the interrupted call.
    """


def alarm_usable():
    """Whether :func:`call_with_alarm` can set a timer here and now.

    True in the main thread of a process with ``signal.setitimer`` when no
    other ``SIGALRM`` timer or handler is installed (symnet never disturbs
    somebody else's timer).

    Examples
    --------
    >>> from symnet.alarm import alarm_usable
    >>> isinstance(alarm_usable(), bool)
    True
    """
    if not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        return False
    try:
        if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            return False
        return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    except (ValueError, OSError):  # pragma: no cover - platform without real timers
        return False


def call_with_alarm(fn, seconds):
    """``fn()``, interrupted with :class:`AlarmExpired` after ``seconds``.

    Parameters
    ----------
    fn : callable
        Called with no arguments.
    seconds : float
        Positive and finite.  Call only when :func:`alarm_usable` is true.

    Returns
    -------
    object
        What ``fn()`` returned; its exceptions propagate unchanged.

    Raises
    ------
    AlarmExpired
        When ``fn`` ran for ``seconds`` (the timer and handler are removed
        before this propagates).
    ArgumentError
        When ``seconds`` is not a positive finite number.

    Examples
    --------
    >>> from symnet.alarm import AlarmExpired, call_with_alarm
    >>> call_with_alarm(lambda: 6 * 7, 1.0)
    42
    >>> def spin():
    ...     while True:
    ...         pass
    >>> try:
    ...     call_with_alarm(spin, 0.05)
    ... except AlarmExpired:
    ...     print("interrupted")
    interrupted
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or \
            not (0 < seconds < math.inf):
        raise ArgumentError(f"call_with_alarm: expected a positive finite number of seconds, "
                            f"got {seconds!r}")
    end = time.monotonic() + seconds
    armed = [True]

    def handler(signum, frame):
        # ITIMER_REAL never fires early, but a SIGALRM sent by somebody else might
        if armed[0] and time.monotonic() >= end - 0.01:
            raise AlarmExpired()

    old = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
        try:
            return fn()
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
