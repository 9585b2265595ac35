"""The released versions of a schedule that builds into one site have seen, kept in the cache folder.

A frab/c3voc file holds one version (and so does a pretalx that does not serve its earlier versions publicly:
sources/pretalx_history.py reads them where it does). So each build into an output folder appends the version
it built to a record in the cache folder (`--cache-dir`, beside the calendar revisions of revisions.py, and kept
between runs by the shipped GitHub Pages workflow), when its schedule differs from the last one recorded. The Changes page and feed are made from that record; losing the
cache folder loses the versions before the next build (README, "What changed").

Nothing reads the clock. A version's `updated` is the schedule's release instant where the source has one;
otherwise the build's stamp (feeds.feed_stamp: SOURCE_DATE_EPOCH, else the event's first day), and never
earlier than one second after the version before (so versions keep their order in feeds and readers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .atomic import replace_file
from .model import Appearance, Multilingual, ScheduleVersion

log = logging.getLogger(__name__)

FORMAT = 1
STEP = dt.timedelta(seconds=1)  # Atom dates are read to the second: the least a later version can be later


def record_path(cache_dir: Path, out: Path, event: str) -> Path:
    """The record of the versions of event `event` built into `out` (each site has its own readers)."""
    where = hashlib.sha256(f"{out.resolve()}\n{event}".encode()).hexdigest()[:24]
    return cache_dir / "history" / f"{where}.json"


def advance(seen: Sequence[ScheduleVersion], current: ScheduleVersion) -> tuple[ScheduleVersion, ...]:
    """The versions after this build: `seen`, then `current` unless it shows the same schedule as the last seen
    (a rebuild, or a re-release that changed nothing shown). `current.updated` is raised to one second after
    the last seen version's where it is not later."""
    if seen and seen[-1].same_schedule(current):
        return tuple(seen)
    if seen and current.updated <= seen[-1].updated:
        current = ScheduleVersion(current.name, seen[-1].updated + STEP, current.appearances)
    return (*seen, current)


def load(path: Path) -> tuple[ScheduleVersion, ...]:
    """The record at `path`: none when missing; none, with a warning, when unreadable (the Changes page then
    starts again from this build's version, and says nothing wrong)."""
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a format {FORMAT} record")
        return tuple(_version(item) for item in data["versions"])
    except FileNotFoundError:
        return ()
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("cannot read the schedule history %s (%s); the Changes page starts again", path, exc)
        return ()


def save(path: Path, versions: Sequence[ScheduleVersion]) -> None:
    """Write the record atomically (sorted keys: the same versions give the same bytes)."""
    data = {"format": FORMAT, "versions": [_dumped(version) for version in versions]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    except OSError as exc:  # the site is written; only the next build's changelog suffers
        log.warning("cannot write the schedule history %s: %s", path, exc.strerror or exc)


def _dumped(version: ScheduleVersion) -> dict[str, Any]:
    return {"name": version.name, "updated": version.updated.isoformat(),
            "appearances": [{"key": a.key, "code": a.code, "title": dict(a.title.values),
                             "start": a.start.isoformat(), "end": a.end.isoformat(), "room": dict(a.room.values),
                             "speakers": list(a.speakers), "cancelled": a.cancelled}
                            for a in version.appearances]}


def _version(item: dict[str, Any]) -> ScheduleVersion:
    return ScheduleVersion(str(item["name"]), _instant(item["updated"]),
                           tuple(Appearance(key=str(a["key"]), code=str(a["code"]), title=Multilingual.of(a["title"]),
                                            start=_instant(a["start"]), end=_instant(a["end"]),
                                            room=Multilingual.of(a["room"]),
                                            speakers=tuple(str(s) for s in a["speakers"]),
                                            cancelled=bool(a["cancelled"]))
                                 for a in item["appearances"]))


def _instant(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no offset")
    return moment.astimezone(dt.UTC)
