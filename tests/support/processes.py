"""Start the tool as a separate process, as a terminal would, and make sure nothing of it outlives the test.

Signal dispositions are inherited through fork and exec: a test runner started in the background by a
non-interactive shell, or under nohup, has SIGINT, SIGQUIT (and SIGHUP) ignored, and every process it starts
would too. So the tool is started through a tiny launcher that sets the dispositions and the signal mask a
terminal gives (default for every stop signal, nothing blocked) and then execs it: what the test relies on is
set by the test, not inherited from whoever started pytest.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
BUILD_PY = ROOT / "build.py"

_LAUNCHER = (
    "import os, signal, sys\n"
    "for name in ('SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'):\n"
    "    signal.signal(getattr(signal, name), signal.SIG_DFL)\n"
    "signal.pthread_sigmask(signal.SIG_SETMASK, ())\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def command(*args: str) -> list[str]:
    """argv that runs `build.py *args` with terminal-like signal dispositions."""
    return [sys.executable, "-c", _LAUNCHER, sys.executable, str(BUILD_PY), *args]


@contextlib.contextmanager
def started(args: Sequence[str], cwd: Path, **popen: object) -> Iterator[subprocess.Popen[str]]:
    """`build.py *args` running in its own process group; on leaving, the whole group is killed and reaped,
    whatever the test asserted (so a failing test leaves no process behind either)."""
    process = subprocess.Popen(command(*args), cwd=cwd, start_new_session=True, text=True,  # type: ignore[call-overload]
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


class Lines:
    """The tool's output, read line by line on a thread (so waiting for a line never blocks forever)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)

    def wait_for(self, pattern: str, seconds: float = 60.0) -> re.Match[str]:
        """The match of the first line from now on that matches `pattern`; AssertionError after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} in {seconds} s; output: {self.seen}") from None
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match


def _live_processes() -> Iterator[tuple[int, int, int, str]]:
    """(pid, parent pid, process group, command line) of every process that is not a zombie (Linux /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue  # ended while we looked
        state, ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]  # the name, in parentheses, may hold spaces
        if state != "Z":
            yield int(entry.name), int(ppid), int(pgrp), cmdline


def group_members(group: int) -> list[str]:
    """Live processes in process group `group`, as "pid command" lines; [] when none is left."""
    return [f"{pid} {cmdline}" for pid, _, pgrp, cmdline in _live_processes() if pgrp == group]


def children_of(parent: int) -> list[str]:
    """Live processes whose parent is `parent`, as "pid command" lines."""
    return [f"{pid} {cmdline}" for pid, ppid, _, cmdline in _live_processes() if ppid == parent]
