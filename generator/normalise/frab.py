"""frab / c3voc `schedule.json` → Parts. The only module that knows frab's field names."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import SourceError
from ..i18n import locale_code
from ..model import Resource, Room, Session, SessionType, Slot, Track
from ..sources.raw import RawEvent
from . import checks
from .assemble import Parts, parse_date, parse_time, zone_or_utc
from .checks import Problems, clean_line, clean_text, multilingual
from .people import People
from .pretalx import integer, listed, ref

TALK_CODE_IN_URL = re.compile(r"/talk/([A-Za-z0-9]+)/?$")
LANGUAGE_SHARE = 20  # a language gets its own site when at least 1 in this many sessions uses it
DURATION = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})(?::\d{2})?")
MAX_MINUTES = 31 * 24 * 60  # longer than any conference slot: the data is wrong


def to_parts(raw: RawEvent, problems: Problems) -> Parts:
    """Read the conference, rooms, tracks, days and events of a frab schedule."""
    document = raw.documents.get("schedule")
    schedule = document.get("schedule") if isinstance(document, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict) or not isinstance(conference.get("days"), list):
        raise SourceError(f"{raw.origin}: not a frab schedule (no schedule.conference.days)")
    events = [(day, room, event) for day in conference["days"] if isinstance(day, dict)
              if isinstance(day.get("rooms"), dict)
              for room, held in day["rooms"].items() if isinstance(held, list)
              for event in held if isinstance(event, dict)]
    timezone = _timezone(conference, events, problems)
    zone = ZoneInfo(timezone)
    locales = _languages(events, problems)
    base = checks.public_url(conference.get("url") or schedule.get("base_url"))
    parts = Parts(slug=_text(conference.get("acronym")) or "event", name=multilingual(conference.get("title")),
                  timezone=timezone, locales=locales, default_locale=locales[0],
                  start_date=parse_date(conference.get("start")), end_date=parse_date(conference.get("end")),
                  url=base, schedule_version=_text(schedule.get("version")) or None, source_kind=raw.kind)

    rooms: dict[str, Room] = {}
    for position, room in enumerate(listed(conference.get("rooms"))):
        if isinstance(room, dict) and _text(room.get("name")):
            name = _text(room["name"])
            rooms.setdefault(name, Room(name, "", multilingual(name), multilingual(room.get("description"), multiline=True),
                                        integer(room.get("capacity")), position, _text(room.get("guid")) or None))
    tracks: dict[str, Track] = {}
    for track in listed(conference.get("tracks")):
        if isinstance(track, dict) and _text(track.get("name")):
            name = _text(track["name"])
            tracks.setdefault(name, Track(name, "", multilingual(name), color=checks.color(track.get("color"))))
    types: dict[str, SessionType] = {}
    people = People((listed(event.get("persons")) for _day, _room, event in events), base, problems)
    sessions: dict[str, Session] = {}

    for index, (_day, listed_room, event) in enumerate(events):
        code = _event_code(event)
        where = f"event {code!r}"
        room_name = clean_line(listed_room) or "room"
        if room_name not in rooms:
            rooms[room_name] = Room(room_name, "", multilingual(room_name), position=len(rooms))
        start = parse_time(event.get("date"), zone, where, problems)
        minutes = _minutes(event.get("duration"), where, problems)
        occurrence_url = checks.public_url(event.get("url"), base)
        slots = (Slot(start, start + dt.timedelta(minutes=minutes), room_name, _text(event.get("guid")) or None,
                      _event_id(event), occurrence_url),) if start else ()
        track = _text(event.get("track")) or None
        if track and track not in tracks:
            tracks[track] = Track(track, "", multilingual(track))
        kind = _text(event.get("type")) or None
        if kind and kind not in types:
            types[kind] = SessionType(kind, multilingual(kind))
        person_codes = people.codes(index)
        # a merged feed's relative attachment ("/media/...") lives on the system the event came from
        home = checks.public_url(event.get("origin_url"), base) or occurrence_url or base
        links = [*_references(event.get("links"), "link", home),
                 *_references(event.get("attachments"), "attachment", home)]
        recording = event.get("recording") if isinstance(event.get("recording"), dict) else {}
        title = multilingual(event.get("title"))
        earlier = sessions.get(code)
        if earlier is not None and earlier.title == title:
            # frab lists each occurrence of a session as its own event with the same code
            sessions[code] = replace(earlier, slots=earlier.slots + slots)
            continue
        n = 2
        while code in sessions:
            code, n = f"{_event_code(event)}-{n}", n + 1
        sessions[code] = (Session(
            code=code, title=title, slots=slots,
            speaker_codes=tuple(person_codes), track_id=track, type_id=kind,
            abstract=clean_text(event.get("abstract")), description=clean_text(event.get("description")),
            content_locale=_single_language(event), languages=_valid_languages(event),
            recording_license=_text(event.get("recording_license")) or _text(recording.get("license")),
            feedback_url=checks.public_url(event.get("feedback_url"), base),
            do_not_record=bool(event.get("do_not_record") or recording.get("optout")),
            image_url=checks.public_url(event.get("logo"), base), resources=tuple(links),
            subtitle=clean_line(event.get("subtitle")), source_url=checks.public_url(event.get("url"), base)))
    parts.sessions = list(sessions.values())
    parts.rooms = list(rooms.values())
    parts.tracks = list(tracks.values())
    parts.session_types = list(types.values())
    parts.speakers = list(people.speakers.values())
    return parts


def _languages(events: list, problems: Problems) -> tuple[str, ...]:
    """The languages of the events, most used first (ties by code): frab has no list of the event's locales."""
    counts: Counter[str] = Counter()
    for _day, _room, event in events:
        for part in _language_parts(event):
            if locale_code(part):
                counts[part] += 1
            else:
                problems.warn(f"event {_event_code(event)!r}", f"invalid language code {part!r}; ignored")
    # a language of a handful of sessions does not make a whole site: one per 20 sessions does
    common = [code for code in counts if counts[code] * LANGUAGE_SHARE >= len(events)]
    return tuple(sorted(common, key=lambda code: (-counts[code], code))) or ("en",)


def _language_parts(event: dict[str, Any]) -> list[str]:
    """The codes of an event's `language`; c3voc merges write bilingual sessions as "de, en"."""
    return [part for part in re.split(r"[,;/\s]+", _text(event.get("language"))) if part]


def _single_language(event: dict[str, Any]) -> str | None:
    """The session's language for `lang` attributes, when it is exactly one valid code."""
    parts = _language_parts(event)
    return locale_code(parts[0]) if len(parts) == 1 else None


def _valid_languages(event: dict[str, Any]) -> tuple[str, ...]:
    """Every valid language code of an event's `language`, in the source's order, each once."""
    return tuple(dict.fromkeys(code for code in map(locale_code, _language_parts(event)) if code))


def _references(value: Any, kind: str, base: str | None) -> list[Resource]:
    """frab `links` or `attachments`: plain URL strings (36C3 has about 300) or {url, title, type} objects.

    Relative URLs (pretalx writes attachments as "/media/...") are resolved against `base`, the event's page
    at its origin; a reference with no usable http(s) URL is left out.
    """
    found = []
    for item in listed(value):
        link = {"url": item} if isinstance(item, str) else item if isinstance(item, dict) else {}
        url = checks.public_url(link.get("url") or link.get("href"), base)
        if url:
            found.append(Resource(url, clean_line(link.get("title")), kind, _text(link.get("type"))))
    return found


def _event_code(event: dict[str, Any]) -> str:
    """pretalx's code when the export carries one, else the code in its URL, else its id or guid."""
    if isinstance(event.get("code"), str) and ref(event["code"]):
        return ref(event["code"])
    match = TALK_CODE_IN_URL.search(str(event.get("url") or ""))
    if match:
        return match.group(1)
    return ref(event.get("id")) or ref(event.get("guid")) or ref(event.get("slug")) or "event"


def _event_id(event: dict[str, Any]) -> str | None:
    """frab's numeric event id, written as a number or as digits in a string (39C3's merged feed does both)."""
    value = event.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip().isdigit() else None


def _minutes(value: Any, where: str, problems: Problems) -> int:
    match = DURATION.fullmatch(value) if isinstance(value, str) else None
    if not match:
        problems.warn(where, f"unreadable duration {value!r}; treated as zero")
        return 0
    days, hours, minutes = (int(g or 0) for g in match.groups())
    total = days * 24 * 60 + hours * 60 + minutes
    if total > MAX_MINUTES:
        problems.warn(where, f"implausible duration {value!r}; treated as zero")
        return 0
    return total


def _timezone(conference: dict[str, Any], events: list, problems: Problems) -> str:
    if conference.get("time_zone_name"):
        return zone_or_utc(conference["time_zone_name"], "conference", problems)
    for _day, _room, event in events:
        try:
            offset = dt.datetime.fromisoformat(str(event.get("date"))).utcoffset()
        except ValueError:
            continue
        if offset is not None and offset.total_seconds() % 3600 == 0:
            hours = int(offset.total_seconds() // 3600)
            # Etc/GMT names have inverted signs: UTC+1 is Etc/GMT-1
            name = "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
            problems.warn("conference", f"no time_zone_name; using {name} from the event times")
            return zone_or_utc(name, "conference", problems)  # Etc/GMT only spans -14..+12
    return zone_or_utc(None, "conference", problems)


def _text(value: Any) -> str:
    return clean_line(value) if isinstance(value, str) else ""
