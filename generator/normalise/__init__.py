"""Raw documents of any source → the frozen Conference model."""

from __future__ import annotations

from ..model import Conference
from ..sources.raw import RawEvent
from . import frab, legacy, pretalx
from .assemble import assemble
from .checks import Problems

READERS = {"pretalx": pretalx.to_parts, "pretalx-legacy": legacy.to_parts, "frab": frab.to_parts}


def normalise(raw: RawEvent, *, strict: bool = False, day_change_hour: int | None = None,
              time_zone: str | None = None) -> Conference:
    """The Conference described by `raw`; data problems warn, or fail the build when `strict`.

    `day_change_hour` (--day-change) replaces the source's own days; `time_zone` (--time-zone, an IANA name)
    replaces the source's zone for display (the instants stay the source's)."""
    problems = Problems(strict)
    chosen = {"time_zone": time_zone} if time_zone else {}  # readers that know no override take none
    parts = READERS[raw.kind](raw.scrubbed(), problems, **chosen)
    return assemble(parts, problems, day_change_hour)
