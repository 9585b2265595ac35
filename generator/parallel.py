"""Run independent rendering tasks on every core and hand their files back in task order (same bytes as serial)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence

from .interrupts import STOP_SIGNALS, deferred

log = logging.getLogger(__name__)

File = tuple[str, bytes, str]  # path, bytes, owner
Task = Callable[[], list[File]]

MIN_WEIGHT = 300  # below this many pages' work, starting processes costs more than it saves (demo and 39C3)
CHUNK = 100  # pages' work per message: small enough to keep the transfer buffers small, large enough to amortise them

_inherited: Sequence[Task] = ()  # set in each worker only, from the parent's memory (fork: nothing is pickled)


def run_in_order(tasks: Sequence[Task], weights: Sequence[int] | None = None,
                 workers: int | None = None) -> Iterator[File]:
    """Every file the tasks produce, in task order; spread over `workers` forked processes when that pays.

    `weights` estimate each task's cost in pages (1 each by default). Tasks travel to the workers in runs of
    about CHUNK pages' work, a heavier task alone; so heavy tasks put first keep both cores busy to the end.
    """
    weights = weights if weights is not None else [1] * len(tasks)
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if workers < 2 or sum(weights) < MIN_WEIGHT or "fork" not in multiprocessing.get_all_start_methods():
        for task in tasks:
            yield from task()
        return
    chunks = _chunks(weights)
    context = multiprocessing.get_context("fork")
    # objects that exist now are never collected in the workers: their garbage collector would otherwise touch
    # (and so copy) every page the parent's data sits on
    gc.freeze()
    try:
        # an interrupt while the workers are forked would leave those already started without a pool to stop
        # them (Pool.__init__ cleans up after an Exception only): the signal waits until the pool exists, then
        # `with` terminates every worker as the KeyboardInterrupt unwinds
        with deferred():
            pool = context.Pool(workers, initializer=_adopt, initargs=(tasks, os.getpid()))
        with pool:
            for (start, stop), files in zip(chunks, pool.imap(_run_chunk, chunks)):
                if files is None:  # a task failed in a worker: run it here, so the real error surfaces as serially
                    for task in tasks[start:stop]:
                        yield from task()
                    continue
                yield from files
    finally:
        gc.unfreeze()


def _chunks(weights: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive runs of tasks, (start, stop), each weighing at most CHUNK unless it is one task."""
    chunks: list[tuple[int, int]] = []
    start, total = 0, 0
    for index, weight in enumerate(weights):
        if index > start and total + weight > CHUNK:
            chunks.append((start, index))
            start, total = index, 0
        total += weight
    if start < len(weights):
        chunks.append((start, len(weights)))
    return chunks


def _adopt(tasks: Sequence[Task], parent: int) -> None:
    """Set up a worker: signals as the parent expects them, the tasks from the parent's memory."""
    global _inherited
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool stops its workers with SIGTERM: no traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C (sent to the whole terminal group) is the parent's
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # forked while the parent deferred them
    _die_with(parent)
    _inherited = tasks


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with(parent: int) -> None:
    """Linux: end this worker when the parent dies, even by SIGKILL (prctl(2) PR_SET_PDEATHSIG); otherwise an
    orphaned worker would wait forever on a queue whose writing end it holds itself."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _run_chunk(bounds: tuple[int, int]) -> list[File] | None:
    start, stop = bounds
    try:
        return [file for task in _inherited[start:stop] for file in task()]
    except Exception:  # noqa: BLE001 - reported by re-running the chunk in the parent
        return None
