"""Checks on the way into the model: multilingual values, and the data problems a reader finds.

The rules for single values (codes, slugs, colours, URLs, text) are in `generator.sanitise`, shared by every stage.
"""

from __future__ import annotations

import logging

from ..errors import DataError
from ..i18n import locale_code
from ..model import Multilingual
from ..sanitise import clean_line, clean_text

log = logging.getLogger(__name__)


def multilingual(value: object, *, multiline: bool = False) -> Multilingual:
    """A plain or `{locale: text}` value, cleaned (one line unless `multiline`); odd keys and values are dropped."""
    clean = clean_text if multiline else clean_line
    if isinstance(value, str):
        return Multilingual.of(clean(value))
    if isinstance(value, dict):
        return Multilingual.of({key: clean(text) for key, text in value.items()
                                if locale_code(key) and isinstance(text, str)})
    return Multilingual()


class Problems:
    """Collects data problems: each is logged as a warning; with `strict`, they fail the build at the end."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.messages: list[str] = []

    def warn(self, where: str, message: str) -> None:
        """Record one problem with the object it concerns."""
        text = f"{where}: {message}"
        self.messages.append(text)
        log.warning("%s", text)

    def check(self) -> None:
        """Raise when running strict and anything was recorded."""
        if self.strict and self.messages:
            shown = "\n  ".join(self.messages[:20])
            more = f"\n  … and {len(self.messages) - 20} more" if len(self.messages) > 20 else ""
            raise DataError(f"{len(self.messages)} data problem(s) with --strict:\n  {shown}{more}",
                            hint="fix the data in pretalx, or build without --strict to use the documented defaults")
