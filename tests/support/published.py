"""Read what a built site publishes, feed by feed, into the `Occurrence`s of support/reference.py.

Each feed is read through its public format only: json, xml.etree, and icalendar's public API for iCal
(`Calendar.from_ical`, `walk`, `decoded`), never through `generator`. A session's code is taken from its
page URL (`{base}/{lang}/talk/{code}/`): the site is built with a base URL so that every feed names it.
Fields a feed has no place for stay None and are not compared.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import icalendar

from .reference import UTC, Occurrence, duration, languages, one_line

TALK_PAGE = re.compile(r"/talk/([^/]+)/(?:index\.html)?$")
FEEDS = ("frab-json", "frab-xml", "ical", "json-feed")


def code_of(url: Any) -> str:
    """The session code in the URL of its page on our site ("" when the URL is not one)."""
    match = TALK_PAGE.search(str(url or ""))
    return unquote(match.group(1)) if match else ""


def feed(site: Path, locale: str, name: str) -> list[Occurrence]:
    """The occurrences one feed of `locale` lists."""
    reader = {"frab-json": frab_json, "frab-xml": frab_xml, "ical": ical, "json-feed": json_feed}[name]
    path = {"frab-json": "frab/schedule.json", "frab-xml": "frab/schedule.xml", "ical": "schedule.ics",
            "json-feed": "schedule.json"}[name]
    return reader((site / locale / path).read_bytes())


def frab_json(data: bytes) -> list[Occurrence]:
    """Our `{lang}/frab/schedule.json`: both its `end` and its `date` + `duration` are read; links are the URLs of
    `links` and `attachments`."""
    found = []
    for day in json.loads(data)["schedule"]["conference"]["days"]:
        for room, events in day["rooms"].items():
            for event in events:
                where = f"frab JSON event {event.get('guid')}"
                start = dt.datetime.fromisoformat(event["date"]).astimezone(UTC)
                end = dt.datetime.fromisoformat(event["end"]).astimezone(UTC) if event.get("end") else None
                found.append(Occurrence(
                    ids=(code_of(event.get("url")),), where=where, start=start, end=end,
                    end_by_duration=start + duration(event["duration"], where),
                    room=one_line(room), title=one_line(event.get("title")),
                    speakers=tuple(one_line(p.get("public_name") or p.get("name")) for p in event["persons"]),
                    languages=languages(event.get("language")), day=day["date"],
                    links=tuple(link["url"] for link in [*(event.get("links") or ()),
                                                         *(event.get("attachments") or ())]),
                    licence=one_line(event.get("recording_license")),
                    do_not_record=bool(event.get("do_not_record"))))
    return found


def frab_xml(data: bytes) -> list[Occurrence]:
    """Our `{lang}/frab/schedule.xml` (no end element: the end is `date` + `duration`)."""
    found = []
    for day in ET.fromstring(data).iter("day"):
        for room in day.findall("room"):
            for event in room.findall("event"):
                where = f"frab XML event {event.get('guid')}"
                start = dt.datetime.fromisoformat(event.findtext("date") or "").astimezone(UTC)
                end = start + duration(event.findtext("duration") or "", where)
                found.append(Occurrence(
                    ids=(code_of(event.findtext("url")),), where=where, start=start, end=end,
                    room=one_line(room.get("name")), title=one_line(event.findtext("title")),
                    speakers=tuple(one_line(p.text) for p in event.findall("persons/person")),
                    languages=languages(event.findtext("language")), day=day.get("date"),
                    links=tuple(link.get("href", "") for link in [*event.findall("links/link"),
                                                                  *event.findall("attachments/attachment")]),
                    licence=one_line(event.findtext("recording/license")),
                    do_not_record=(event.findtext("recording/optout") or "").strip() == "true"))
    return found


def ical(data: bytes) -> list[Occurrence]:
    """Our `{lang}/schedule.ics`: SUMMARY is kept whole as the title (pretalx's "{title} - {speakers}"), and the
    links are every URL, ATTACH and URL-looking word of DESCRIPTION; iCal has no day, language, licence or
    do-not-record property."""
    found = []
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        url = str(event.get("URL") or "")
        attachments = event.get("ATTACH") or []
        attachments = attachments if isinstance(attachments, list) else [attachments]
        described = re.findall(r"https?://\S+", str(event.get("DESCRIPTION") or ""))
        found.append(Occurrence(
            ids=(code_of(url),), where=f"VEVENT {event.get('UID')}",
            start=_utc(event.decoded("DTSTART")), end=_end(event),
            room=one_line(event.get("LOCATION")), title=one_line(event.get("SUMMARY")),
            links=tuple(dict.fromkeys([url, *map(str, attachments), *(d.rstrip(").,>") for d in described)]))))
    return found


def _end(event: icalendar.Event) -> dt.datetime:
    """DTEND, else DTSTART + DURATION, else DTSTART: RFC 5545 section 3.6.1, an event with a date-time start and
    neither ends when it starts (how a zero-length session is written, DTEND equal to DTSTART being forbidden)."""
    if "DTEND" in event:
        return _utc(event.decoded("DTEND"))
    start = _utc(event.decoded("DTSTART"))
    return start + event.decoded("DURATION") if "DURATION" in event else start


def _utc(value: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise AssertionError(f"iCal time {value!r} is not an instant (floating or a date)")
    return value.astimezone(UTC)


def json_feed(data: bytes) -> list[Occurrence]:
    """Our `{lang}/schedule.json`: every slot of every session that is not a break; speakers and rooms by id;
    `duration_minutes` is checked as frab's duration is.

    Languages come from `languages` (a list) when the feed has it, else `language`; the licence from
    `recording_license` (absent: "", so a licence the source has counts as lost).
    """
    document = json.loads(data)
    rooms = {room["id"]: one_line(room["name"]) for room in document["rooms"]}
    names = {speaker["code"]: one_line(speaker["name"]) for speaker in document["speakers"]}
    found = []
    for session in document["sessions"]:
        if session.get("is_break"):
            continue
        listed = session.get("languages")
        spoken = (frozenset(x.lower() for x in listed) if isinstance(listed, list)
                  else languages(session.get("language")))
        for slot in session["slots"]:
            found.append(Occurrence(
                ids=(session["code"],), where=f"JSON feed session {session['code']}",
                start=(start := dt.datetime.fromisoformat(slot["start"]).astimezone(UTC)),
                end=dt.datetime.fromisoformat(slot["end"]).astimezone(UTC),
                end_by_duration=start + dt.timedelta(minutes=slot["duration_minutes"]),
                room=rooms.get(slot["room"], f"<unknown room id {slot['room']!r}>"),
                title=one_line(session.get("title")),
                speakers=tuple(names.get(code, f"<unknown speaker {code!r}>") for code in session["speakers"]),
                languages=spoken, day=slot.get("day"),
                links=tuple(r["url"] for r in session.get("resources") or ()),
                licence=one_line(session.get("recording_license")),
                do_not_record=bool(session.get("do_not_record"))))
    return found
