"""Progress of a build on a terminal: one line, rewritten in place; nothing at all in CI or with --quiet."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

REFRESH_SECONDS = 0.1  # redrawing more often only costs time


class Progress:
    """Counts what one phase (fetch, render, write) has done and shows it; thread-safe."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._lock = threading.Lock()
        self._phase = ""
        self._unit = ""
        self._total: int | None = None
        self._done = 0
        self._drawn_at = 0.0

    @classmethod
    def for_terminal(cls, quiet: bool, stream: TextIO | None = None) -> Progress:
        """Shown only when `stream` (default stderr) is a terminal and the user did not ask for quiet."""
        stream = stream or sys.stderr
        return cls(stream, enabled=not quiet and stream.isatty())

    def phase(self, name: str, unit: str, total: int | None = None) -> None:
        """Start counting a new phase, e.g. ("render", "files")."""
        with self._lock:
            self._phase, self._unit, self._total, self._done = name, unit, total, 0
            self._draw(force=True)

    def advance(self, amount: int = 1) -> None:
        """Count `amount` more items of the current phase."""
        with self._lock:
            self._done += amount
            self._draw(force=False)

    def tick(self, _item: object = None) -> None:
        """Count one item (a callback for hooks that pass what they handled)."""
        self.advance(1)

    def finish(self) -> None:
        """Clear the line, so the summary starts on a clean one."""
        with self._lock:
            if self.enabled and self._phase:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            self._phase = ""

    def _draw(self, *, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < REFRESH_SECONDS:
            return
        self._drawn_at = now
        count = f"{self._done}/{self._total}" if self._total is not None else str(self._done)
        self.stream.write(f"\r\x1b[K{self._phase}: {count} {self._unit}")
        self.stream.flush()
