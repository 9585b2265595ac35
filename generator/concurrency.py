"""Blocking I/O calls (HTTP requests, downloads) run side by side on daemon threads, results in call order.

Why not concurrent.futures: its worker threads are joined when the interpreter exits, so a Ctrl-C during a
fetch would wait for every request in flight (up to the request timeout, 30 s by default). Daemon threads let
an interrupted build exit at once; a call already running finishes or dies with the process, and no call
starts after the interrupt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class _Outcome(Generic[T]):
    __slots__ = ("done", "value", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None


def run_concurrently(calls: Sequence[Callable[[], T]], limit: int) -> list[T]:
    """The results of `calls`, in order, running at most `limit` at a time.

    The first failure in call order is raised (calls after it that have not started never start). An interrupt
    in the caller (KeyboardInterrupt while it waits) stops calls from starting and propagates at once.
    """
    if len(calls) <= 1 or limit <= 1:
        return [call() for call in calls]
    outcomes: list[_Outcome[T]] = [_Outcome() for _ in calls]
    stop = threading.Event()
    lock = threading.Lock()
    pending = iter(range(len(calls)))

    def work() -> None:
        while not stop.is_set():
            with lock:
                index = next(pending, None)
            if index is None:
                return
            outcome = outcomes[index]
            try:
                outcome.value = calls[index]()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it in order
                outcome.error = exc
            finally:
                outcome.done.set()

    for number in range(min(limit, len(calls))):
        threading.Thread(target=work, name=f"fetch-{number}", daemon=True).start()
    try:
        results = []
        for outcome in outcomes:
            outcome.done.wait()
            if outcome.error is not None:
                raise outcome.error
            results.append(outcome.value)
        return results  # type: ignore[return-value]  # every value was set by its call
    finally:
        stop.set()
