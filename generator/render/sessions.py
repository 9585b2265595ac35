"""The small per-locale sessions file: what "now and next" and the favourites' .ics download need, nothing more.

The overview's "now and next" loads it at once, so it must stay small (the search index, with speakers,
tracks and abstracts, is loaded only when a visitor searches). Like the index it is a script
(`self.pretalxStaticSessions = {...};`) so that it loads from `file://`, where browsers refuse `fetch`.

Shape (keys are short: the file is downloaded on every visit to the overview)::

    {"event": slug, "name": event name, "tz": IANA zone,
     "days": [{"d": "YYYY-MM-DD", "u": day page, relative to the locale's home}],
     "rooms": [room name, ...],                # in the model's room order
     "sessions": [{"c": code, "id": iCal UID (the feeds' own, identity.uid), "t": title,
                   "b": start in whole minutes since 1970-01-01T00:00Z (an instant: the page shows it in
                        the event's or the visitor's zone), "m": duration in minutes,
                   "r": index into rooms, "d": index into days (the slot's conference day),
                   "l": content locale (absent when none), "x": 1 when cancelled (else absent),
                   "u": session page, relative to the locale's home}, ...]}   # one per slot, by start

Breaks are left out: they cannot be favourites and are not "on" in the sense attendees ask about. Speakers
are left out too (they cost 8 KB of 39C3's gzipped 51 KB; the session page has them). Measured for 39C3
(895 slots, 58 rooms): 163 KB, 42 KB gzipped, where the search index, before it was split into a list and
word shards, was 375 KB, 102 KB gzipped (its list alone is now 82 KB gzipped, loaded only to search).
"""

from __future__ import annotations

import datetime as dt

from .. import urls
from ..i18n import choose
from ..identity import uid, uid_host
from ..model import Conference
from .search import script_json

GLOBAL_NAME = "pretalxStaticSessions"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _minutes(span: dt.timedelta) -> int:
    """Whole minutes of `span` (schedules are planned in minutes; seconds, if any, are dropped)."""
    return int(span.total_seconds() // 60)


def sessions_data(conference: Conference, locale: str, base_url: str | None = None) -> bytes:
    """The sessions script of `locale` (UTF-8 bytes, the shape in the module docstring)."""
    home = urls.home(locale)
    host = uid_host(conference.url, base_url)

    def text(value: object) -> str:
        return choose(value, locale, conference.default_locale)  # type: ignore[arg-type]

    day_index = {day.date: i for i, day in enumerate(conference.days)}
    room_index = {room.id: i for i, room in enumerate(conference.rooms)}
    sessions = []
    for entry in conference.entries:
        session = entry.session
        if session.is_break:
            continue
        item: dict[str, object] = {
            "c": session.code, "t": text(session.title),
            "id": uid(conference.slug, session.code, host, entry.index, len(session.slots)),
            "b": _minutes(entry.slot.start - EPOCH), "m": _minutes(entry.slot.end - entry.slot.start),
            "r": room_index[entry.slot.room_id], "d": day_index[conference.day_of_slot(entry.slot)],
            "u": urls.relative(home, urls.talk(locale, session.code)),
        }
        if session.content_locale:
            item["l"] = session.content_locale
        if session.is_cancelled:
            item["x"] = 1
        sessions.append(item)
    data = {
        "event": conference.slug, "name": text(conference.name), "tz": conference.timezone,
        "days": [{"d": day.date.isoformat(), "u": urls.relative(home, urls.day(locale, day.date))}
                 for day in conference.days],
        "rooms": [text(room.name) for room in conference.rooms],
        "sessions": sessions,
    }
    return f"self.{GLOBAL_NAME}={script_json(data)};\n".encode("utf-8")
