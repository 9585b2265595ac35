"""SIGINT and SIGTERM stop a build promptly and cleanly, whatever signal dispositions the tool inherited.

A process started in the background by a non-interactive shell, or under `nohup`, inherits SIGINT (and
SIGQUIT, SIGHUP) as *ignored*, and Python then installs no KeyboardInterrupt handler (docs.python.org,
`signal`: "SIGINT is translated into a KeyboardInterrupt exception if the parent process has not changed it").
A CI runner that cancels a job with SIGINT, or a test that stops `--serve` with it, would then wait forever.
So the tool sets both dispositions itself for as long as it runs, and puts the previous ones back after.

The first signal raises `Interrupted` (a KeyboardInterrupt) in the main thread, where every stage's cleanup
(`finally`, `with`) runs as it unwinds; a second signal during that unwinding is noted but does not interrupt
the cleanup itself (which is bounded: it never waits for the network).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
REDELIVERY_SECONDS = 0.01


class Interrupted(KeyboardInterrupt):
    """The build was stopped by a signal; `signum` says which (SIGINT for Ctrl-C)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number; a KeyboardInterrupt raised by Python itself counts as SIGINT (130)."""
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT


class _Handler:
    """Raises Interrupted on the first stop signal, then only counts.

    Python runs a handler between any two bytecodes of the main thread, so the exception can land in a place
    that swallows it: a weakref callback (seen: inside importlib's module locks) or a `__del__`, which report it
    to sys.unraisablehook and carry on. Such an interrupt is not lost: the hook re-arms the handler and delivers
    the signal again, to land at the next bytecode.
    """

    def __init__(self) -> None:
        self.received: list[int] = []
        self._raised: Interrupted | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signum)
        if self._raised is None:
            self._raised = Interrupted(signum)
            raise self._raised

    def swallowed(self, unraisable: Any) -> bool:
        """sys.unraisablehook's report of our own Interrupted: deliver the signal again; True if it was ours.

        Not from here: a handler run inside the hook would raise inside it, and be swallowed again. A timer thread
        sends it a moment later, when the main thread is back in ordinary code (and again, should that fail too).
        """
        if self._raised is None or unraisable.exc_value is not self._raised:
            return False
        self._raised = None
        timer = threading.Timer(REDELIVERY_SECONDS, os.kill, (os.getpid(), self.received[-1]))
        timer.daemon = True
        timer.start()
        return True


@contextlib.contextmanager
def stop_on_signals(*, restore: bool = True) -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM raise `Interrupted` in the main thread.

    Afterwards, with `restore`, the dispositions and the signal mask are exactly what they were (so calling the
    tool in-process, as tests do, changes nothing for the caller); without, both signals are ignored from then
    on (the process is about to exit with the code the block decided). Outside the main thread, Python cannot
    set handlers: nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = _Handler()
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    previous_mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # an inherited block would defer them
    previous_hook = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not handler.swallowed(unraisable):
            previous_hook(unraisable)

    try:
        sys.unraisablehook = hook
        for signum in STOP_SIGNALS:
            signal.signal(signum, handler)
        yield
    finally:
        sys.unraisablehook = previous_hook
        for signum, disposition in previous.items():
            if not restore:
                disposition = signal.SIG_IGN
            signal.signal(signum, disposition if disposition is not None else signal.SIG_DFL)
        if restore:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (blocked, not lost) while the block runs, e.g. while worker processes are
    forked: a signal then arrives once every worker exists and the caller's cleanup can stop them all.
    A child forked inside the block inherits the blocked mask and must unblock it itself."""
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
