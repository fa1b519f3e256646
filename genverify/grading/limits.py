"""A wall-clock limit for in-process work (parsing and grading one answer)."""

from __future__ import annotations

import contextlib
import signal
import threading


class TimeLimitExceeded(Exception):
    """The work did not finish within its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise ``TimeLimitExceeded`` inside the block after ``seconds`` (main thread only).

    SymPy's loops are pure Python, so the alarm's exception interrupts them; elsewhere than the
    main thread no signal can be delivered and the block runs unlimited.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimeLimitExceeded(f"no verdict within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
