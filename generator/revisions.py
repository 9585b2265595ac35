"""What each scheduled occurrence looked like at the previous build, so subscribed calendars notice changes.

RFC 5545 §3.8.7.4: an organiser increments SEQUENCE when it revises an event; §3.8.7.2/§3.8.7.3: DTSTAMP and
LAST-MODIFIED say when its information was last revised. A static build has no database to remember revisions
in, so each build into an output folder leaves a record in the cache folder (`--cache-dir`, beside the build
records of buildkey.py): for every occurrence, a fingerprint of what its VEVENT shows, its SEQUENCE and its
stamp. The next build into that folder compares: an occurrence that changed gets SEQUENCE + 1 and a later
stamp; one that did not keeps both, so its VEVENT keeps its bytes. Nothing reads the clock: the stamp of a
revision is the build's stamp (the schedule's release, else SOURCE_DATE_EPOCH, else a date of the data:
feeds.feed_stamp), and never earlier than one second after the occurrence's previous stamp.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .atomic import replace_file
from .model import Conference, Entry

log = logging.getLogger(__name__)

FORMAT = 1
STEP = dt.timedelta(seconds=1)  # DTSTAMP has whole seconds: the least a revision can move it


@dataclass(frozen=True)
class Revision:
    """One occurrence's revision: its SEQUENCE, its DTSTAMP/LAST-MODIFIED (UTC), and what it was taken of."""

    sequence: int
    stamp: dt.datetime
    fingerprint: str


def fingerprint(conference: Conference, entry: Entry) -> str:
    """A digest of everything an occurrence's VEVENT shows, in every locale: times (as UTC instants), room,
    title, speakers, track, type, abstract, status, resources and its pages."""
    session, slot = entry.session, entry.slot
    track, kind = conference.track(session.track_id), conference.session_type(session.type_id)
    shown = [
        slot.start.astimezone(dt.timezone.utc).isoformat(), slot.end.astimezone(dt.timezone.utc).isoformat(),
        slot.room_id, conference.room(slot.room_id).name.values, session.title.values,
        [speaker.name for speaker in conference.speakers_of(session)],
        track.name.values if track else None, kind.name.values if kind else None,
        session.abstract, session.is_cancelled, [(r.url, r.description) for r in session.resources],
        session.source_url, slot.url,
    ]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()


def revise(conference: Conference, previous: Mapping[str, Revision], stamp: dt.datetime) -> dict[str, Revision]:
    """Every occurrence's revision in this build (keyed by Entry.key, as UIDs are), given the previous record.

    Occurrences of the previous record that this build does not list are kept in the result, so a session
    that comes back continues its SEQUENCE instead of starting again at 0.
    """
    stamp = stamp.astimezone(dt.timezone.utc)
    result = dict(previous)
    for entry in conference.entries:
        if entry.session.is_break:
            continue
        digest, before = fingerprint(conference, entry), previous.get(entry.key)
        if before is None:
            result[entry.key] = Revision(0, stamp, digest)
        elif before.fingerprint != digest:
            result[entry.key] = Revision(before.sequence + 1, max(stamp, before.stamp + STEP), digest)
    return result


def record_path(cache_dir: Path, out: Path) -> Path:
    """The record of the builds into `out` (one per output folder, as each site has its own subscribers)."""
    where = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:24]
    return cache_dir / "revisions" / f"{where}.json"


def load(path: Path) -> dict[str, Revision]:
    """The record at `path`; a missing one is empty, an unreadable one is empty with a warning (every occurrence
    then starts again at SEQUENCE 0, which calendars read as unchanged, never as wrong times)."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("cannot read the calendar revision record %s (%s); sequences start again", path, exc)
        return {}
    found: dict[str, Revision] = {}
    entries = data.get("entries") if isinstance(data, dict) and data.get("format") == FORMAT else None
    for key, item in (entries or {}).items():
        try:
            stamp = dt.datetime.fromisoformat(item["stamp"])
            if stamp.tzinfo is None or not isinstance(item["sequence"], int) or item["sequence"] < 0:
                raise ValueError(item)
            found[key] = Revision(item["sequence"], stamp.astimezone(dt.timezone.utc), str(item["fingerprint"]))
        except (KeyError, TypeError, ValueError):
            log.warning("calendar revision record %s: unreadable entry %r; it starts again", path, key)
    return found


def save(path: Path, revisions: Mapping[str, Revision]) -> None:
    """Write the record atomically (sorted keys: the same revisions give the same bytes)."""
    entries = {key: {"sequence": r.sequence, "stamp": r.stamp.isoformat(), "fingerprint": r.fingerprint}
               for key, r in sorted(revisions.items())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps({"format": FORMAT, "entries": entries}, sort_keys=True).encode("utf-8"))
    except OSError as exc:  # the site is written; only the next build's sequences suffer
        log.warning("cannot write the calendar revision record %s: %s", path, exc.strerror or exc)
