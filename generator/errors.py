"""The errors a user can meet, each carrying a message that says what failed, where, and what to try."""

from __future__ import annotations


class BuildError(Exception):
    """Base class: a build failed for a reason the user can act on."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class UsageError(BuildError):
    """The command line or configuration asks for something impossible."""


class FetchError(BuildError):
    """A request to a source failed (HTTP status, network, timeout, bad body)."""

    def __init__(self, message: str, *, url: str, status: int | None = None,
                 detail: str = "", hint: str = "") -> None:
        parts = [message, f"URL: {url}"]
        if status is not None:
            parts.append(f"HTTP status: {status}")
        if detail:
            parts.append(f"server said: {detail}")
        super().__init__("\n  ".join(parts), hint=hint)
        self.url = url
        self.status = status
        self.detail = detail


class SourceError(BuildError):
    """A source's data has the wrong shape or cannot be recognised."""


class DataError(BuildError):
    """The event data is inconsistent (and --strict is on, or no default exists)."""


class OutputError(BuildError):
    """Output paths collide, escape the output directory, or cannot be written."""


class ThemeError(BuildError):
    """A template (ours or a theme's) cannot be compiled or rendered: a syntax error, an undefined name, a typo."""
