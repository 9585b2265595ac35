"""frab / c3voc `schedule.json` → Parts. The only module that knows frab's field names."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from typing import Any

from ..errors import SourceError
from ..i18n import locale_code
from ..model import Resource, Room, Session, SessionType, Slot, Track
from ..sanitise import clean_line, clean_text, color, integer, listed, public_url, ref
from ..sources.raw import RawEvent
from ..timezones import zone_of
from .assemble import Parts, SourceDay, event_zone, parse_date, parse_time
from .checks import Problems, multilingual
from .durations import parse_duration
from .people import People

TALK_CODE_IN_URL = re.compile(r"/talk/([A-Za-z0-9]+)/?$")
LANGUAGE_SHARE = 20  # a language gets its own site when at least 1 in this many sessions uses it


def to_parts(raw: RawEvent, problems: Problems, time_zone: str | None = None) -> Parts:
    """Read the conference, rooms, tracks, days and events of a frab schedule; `time_zone` replaces its zone.

    Each event keeps the day the schedule lists it under, and the days keep their `day_start`/`day_end`;
    an event's end is its explicit `end`, else its start plus its `duration`, on UTC instants."""
    document = raw.documents.get("schedule")
    schedule = document.get("schedule") if isinstance(document, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict) or not isinstance(conference.get("days"), list):
        raise SourceError(f"{raw.origin}: not a frab schedule (no schedule.conference.days)")
    events = [(day, room, event) for day in conference["days"] if isinstance(day, dict)
              if isinstance(day.get("rooms"), dict)
              for room, held in day["rooms"].items() if isinstance(held, list)
              for event in held if isinstance(event, dict)]
    timezone = event_zone(conference.get("time_zone_name"),
                          (event.get(key) for _day, _room, event in events for key in ("date", "end")),
                          "conference", problems, time_zone)
    zone = zone_of(timezone)
    pretalx_made = _generator(document, schedule).startswith("pretalx")
    locales = _languages(events, problems)
    base = public_url(conference.get("url") or schedule.get("base_url"))
    parts = Parts(slug=_text(conference.get("acronym")) or "event", name=multilingual(conference.get("title")),
                  timezone=timezone, locales=locales, default_locale=locales[0],
                  start_date=parse_date(conference.get("start")), end_date=parse_date(conference.get("end")),
                  url=base, schedule_version=_text(schedule.get("version")) or None, source_kind=raw.kind,
                  by_pretalx=pretalx_made)

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
            tracks.setdefault(name, Track(name, "", multilingual(name), color=color(track.get("color"))))
    types: dict[str, SessionType] = {}
    people = People((listed(event.get("persons")) for _day, _room, event in events), base, problems)
    sessions: dict[str, Session] = {}

    parts.days = _days(conference["days"], zone)
    listed_days = {id(day): found.date for day, found in _dated_days(conference["days"], zone, problems)}
    for index, (listed_day, listed_room, event) in enumerate(events):
        code = _event_code(event)
        where = f"event {code!r}"
        room_name = clean_line(listed_room) or "room"
        if room_name not in rooms:
            rooms[room_name] = Room(room_name, "", multilingual(room_name), position=len(rooms))
        start = parse_time(event.get("date"), zone, where, problems)
        end = _end(event, start, zone, where, problems, pretalx_made) if start else None
        occurrence_url = public_url(event.get("url"), base)
        slots = (Slot(start, end, room_name, _text(event.get("guid")) or None, _event_id(event), occurrence_url,
                      listed_days.get(id(listed_day))),) if start and end else ()
        track = _text(event.get("track")) or None
        if track and track not in tracks:
            tracks[track] = Track(track, "", multilingual(track))
        kind = _text(event.get("type")) or None
        if kind and kind not in types:
            types[kind] = SessionType(kind, multilingual(kind))
        person_codes = people.codes(index)
        # a merged feed's relative attachment ("/media/...") lives on the system the event came from
        home = public_url(event.get("origin_url"), base) or occurrence_url or base
        links = [*_references(event.get("links"), "link", home, where, problems),
                 *_references(event.get("attachments"), "attachment", home, where, problems)]
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
            feedback_url=public_url(event.get("feedback_url"), base),
            do_not_record=bool(event.get("do_not_record") or recording.get("optout")),
            image_url=public_url(event.get("logo"), base), resources=tuple(links),
            subtitle=clean_line(event.get("subtitle")), source_url=public_url(event.get("url"), base)))
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


def _references(value: Any, kind: str, base: str | None, where: str, problems: Problems) -> list[Resource]:
    """frab `links` or `attachments`: plain URL strings (36C3 has about 300) or {url, title, type} objects.

    Root-relative URLs (pretalx writes attachments as "/media/...") are resolved against `base`, the event's
    page at its origin; a reference with no usable http(s) URL is left out, with a warning when it had text:
    "www.example.org" or a title typed into the URL field is no URL, and read as a path relative to the
    session's page it would lead nowhere (8 sessions of 36C3).
    """
    found = []
    for item in listed(value):
        link = {"url": item} if isinstance(item, str) else item if isinstance(item, dict) else {}
        given = link.get("url") or link.get("href")
        text = given.strip() if isinstance(given, str) else ""
        url = public_url(text, base if text.startswith("/") else None)
        if text and not url:
            problems.warn(where, f"{kind} {text[:80]!r} is not an http(s) URL; left out")
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


def _end(event: dict[str, Any], start: dt.datetime, zone: dt.tzinfo, where: str, problems: Problems,
         pretalx_made: bool) -> dt.datetime:
    """The event's end: its explicit `end` (c3voc: "use end instead" of duration), else start + `duration`,
    computed on UTC instants so a session across a daylight-saving change lasts what the source says.
    An unreadable length leaves the session at zero length (with the warning `parse_duration` gives)."""
    if event.get("end") not in (None, ""):
        end = parse_time(event.get("end"), zone, where, problems)
        if end is not None and end >= start:
            length = parse_duration(event["duration"], where, _Unlogged(), pretalx=pretalx_made) \
                if isinstance(event.get("duration"), str) else None
            if length is not None and start + length != end:
                problems.warn(where, f"duration {event['duration']!r} disagrees with end {event['end']!r}; "
                              "using the end")
            return end
        if end is not None:
            problems.warn(where, f"end {event['end']!r} is before the start; using the duration")
    length = parse_duration(event.get("duration"), where, problems, pretalx=pretalx_made)
    return start + (length or dt.timedelta(0))


def _dated_days(days: list[Any], zone: dt.tzinfo, problems: Problems) -> list[tuple[dict[str, Any], SourceDay]]:
    """Each day of `days[]` with its date (from `date`, else the local date of `day_start`)."""
    found = []
    for position, day in enumerate(days, start=1):
        if not isinstance(day, dict):
            continue
        where = f"day {day.get('index', position)!r}"
        start = _day_time(day.get("day_start"), zone, where, problems)
        end = _day_time(day.get("day_end"), zone, where, problems)
        date = parse_date(day.get("date")) or (start.astimezone(zone).date() if start else None)
        if date is None:
            problems.warn(where, "has no readable date; its sessions go by the day-change hour")
            continue
        found.append((day, SourceDay(date, start, end if end and start and end > start else None)))
    return found


def _days(days: list[Any], zone: dt.tzinfo) -> list[SourceDay]:
    """The schedule's own days, once each; none when one cannot be dated (then the day-change hour decides)."""
    dated = _dated_days(days, zone, _Unlogged())  # the warnings come once, from the reading for events
    if len(dated) != sum(isinstance(day, dict) for day in days):
        return []
    unique: dict[dt.date, SourceDay] = {}
    for _day, found in dated:
        unique.setdefault(found.date, found)
    return list(unique.values())


def _day_time(value: Any, zone: dt.tzinfo, where: str, problems: Problems) -> dt.datetime | None:
    if value in (None, ""):
        return None
    return parse_time(value, zone, where, problems)


class _Unlogged(Problems):
    """Problems of a second reading, whose warnings the first reading already gave."""

    def __init__(self) -> None:
        super().__init__(strict=False)

    def warn(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}")


def _generator(document: Any, schedule: dict[str, Any]) -> str:
    """The name of the tool that wrote the schedule (top level, or inside `schedule` in c3voc merges)."""
    for holder in (document, schedule):
        generator = holder.get("generator") if isinstance(holder, dict) else None
        if isinstance(generator, dict) and isinstance(generator.get("name"), str):
            return generator["name"].lower()
    return ""


def _text(value: Any) -> str:
    return clean_line(value) if isinstance(value, str) else ""
