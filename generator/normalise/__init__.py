"""Raw documents of any source → the frozen Conference model."""

from __future__ import annotations

from ..model import DEFAULT_DAY_CHANGE_HOUR, Conference
from ..sources.raw import RawEvent
from . import frab, legacy, pretalx
from .assemble import assemble
from .checks import Problems

READERS = {"pretalx": pretalx.to_parts, "pretalx-legacy": legacy.to_parts, "frab": frab.to_parts}


def normalise(raw: RawEvent, *, strict: bool = False,
              day_change_hour: int = DEFAULT_DAY_CHANGE_HOUR) -> Conference:
    """The Conference described by `raw`; data problems warn, or fail the build when `strict`."""
    problems = Problems(strict)
    parts = READERS[raw.kind](raw.scrubbed(), problems)
    return assemble(parts, problems, day_change_hour)
