"""A CPU-time limit for in-process work (parsing and grading one answer)."""

from __future__ import annotations

import contextlib
import signal
import threading


#: Seconds of CPU time between expiries after the first (about a scheduler tick): an expiry that
#: lands where Python cannot raise (a garbage-collector callback reports and drops it) is followed
#: by another a few milliseconds later.
_REPEAT_S = 0.005


class TimeLimitExceeded(BaseException):
    """The work did not finish within its time limit.

    A ``BaseException``, like ``KeyboardInterrupt``: library code that catches ``Exception`` around
    a computation (SymPy does, and so does our numeric evaluation) must not swallow it.
    """


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise ``TimeLimitExceeded`` inside the block after ``seconds`` of CPU time (main thread only).

    The clock is the process's CPU time (``ITIMER_PROF``: user + system), not the wall clock, so a
    verdict does not depend on how loaded the machine is: on a shared autograder, or under a test
    suite beside other jobs, an answer gets the same work done before "undecided" as on a quiet
    machine.  SymPy's loops are pure Python and CPU-bound, so the timer's signal interrupts them;
    elsewhere than the main thread no signal can be delivered and the block runs unlimited.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimeLimitExceeded(f"no verdict within {seconds:g} CPU seconds")

    previous = signal.signal(signal.SIGPROF, expire)
    # Repeating: should a handler somewhere still swallow the first expiry, the next one follows.
    signal.setitimer(signal.ITIMER_PROF, seconds, _REPEAT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
