"""An independent, simple reading of every real source format, for the fidelity test (tests/test_fidelity.py).

"Independent" means: nothing of `generator` is imported; each format is read with the standard library
(json, xml.etree, datetime, zoneinfo) straight from what its fields mean, and every scheduled occurrence
becomes one `Occurrence` of plain values that can be compared with what we publish.

What each format means here, field by field:

frab / c3voc JSON (`schedule.conference.days[].rooms{name: [event]}`) and frab / c3voc / pentabarf XML
(`<day><room name><event>`), the shape pretalx exports at `/{event}/schedule/export/schedule.{json,xml}`
(pretalx `schedule/interfaces/exporters.py`, `agenda/templates/agenda/schedule.xml`):
  start       `date`, an ISO 8601 instant with its UTC offset: the truth, whatever the zone name says.
  end         an explicit `end` wins; else start + `duration`, written `H:MM`, `HH:MM`, `HH:MM:SS` or
              pretalx's `D:HH:MM` (`common/text/serialize.py` `serialize_duration`: days unpadded, only when
              there are some); all arithmetic on UTC instants.
  day         the `date` of the `days[]` / `<day>` whose rooms list the event (not `day_start`/`day_end`,
              which real merged feeds contradict, e.g. 36C3 sessions before its 11:00 `day_start`).
  room        the name the event is listed under (`rooms` key / `<room name>`); the event's own `room`
              field is a short label for the same place in merged feeds (36C3: "headnut" under
              "1Komona headnut").
  speakers    `persons[]` in order, each `public_name` else `name` (XML: the `<person>` text); ids play no
              part, so two persons with `id: 0` and different names stay two people.
  languages   `language` split at commas/whitespace ("de, en" is two), lower-cased, as a set.
  links       `links[]` and `attachments[]`, each a URL string or a `{url, title}` object (XML: `<link href>`,
              `<attachment href>`, or a bare URL as the element's text, as 36C3 writes them): one list of
              URLs (support/fidelity.py RULES["links-and-attachments"]);
              a root-relative one ("/media/…", pretalx's uploads) is resolved against the page the event
              came from: `origin_url` (39C3: the pretalx instance it was merged from), else `url`.
  licence     `recording_license` (XML: `<recording><license>`); do-not-record: `do_not_record`
              (XML: `<recording><optout>true`).
  identity    the event's `code`, else the code in a pretalx `/talk/{code}/` URL, else its `id`, `guid`,
              `slug`: the candidates a published session code is matched against (plus the occurrence).

pretalx API, current (2025+: submissions with `slots`, `speakers` as objects in the submission's order) and
legacy (`/talks/` with one `slot` and nested `speakers`):
  start/end   the slot's `start` and `end` instants.
  day         pretalx's own rule for the day a slot is listed under (`ScheduleData.data` in
              `schedule/interfaces/exporters.py`): the local date of the start, the day before when the
              local hour is before 3 (except on the first day); a date outside the event's is no day.
  room        the slot's room name in the locale, chosen as DESIGN.md "Multilingual strings" says.
  speakers    the submission's speakers in order, by code, named as `/speakers/` names them (legacy: the
              nested speakers' `name`s); languages: `{content_locale}`;
  links       every `resources[]` URL (`link`, else `resource`); licence: "" (pretalx has no such field, and its
              own frab export writes ""); do-not-record: `do_not_record`.
  left out    slots without a start or a room, and slots without a submission (breaks): pretalx's own
              export leaves them out too; sessions that are not `confirmed` (a dump fetched with an
              organiser token has accepted ones): on release pretalx makes only confirmed sessions and
              breaks visible (`schedule/domain/release.py`), so the public schedule never lists them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
PRETALX_TALK_URL = re.compile(r"/talk/([A-Za-z0-9]+)/?$")
PRETALX_EARLY_HOUR = 3  # pretalx ScheduleData.data: `if talk.local_start.hour < 3 and talk_date != date_from`


@dataclass(frozen=True)
class Occurrence:
    """One scheduled occurrence of a session, as plain values; None: the feed has no field for it."""

    ids: tuple[str, ...]  # identities, best first: matched against published session codes
    where: str  # a human label for difference tables ("event 11223 on 2019-12-27")
    start: dt.datetime | None = None  # aware, UTC
    end: dt.datetime | None = None  # aware, UTC
    room: str | None = None
    title: str | None = None
    speakers: tuple[str, ...] | None = None
    languages: frozenset[str] | None = None
    day: str | None = None  # ISO date of the conference day the occurrence is listed under
    links: tuple[str, ...] | None = None
    licence: str | None = None
    do_not_record: bool | None = None
    end_by_duration: dt.datetime | None = None  # frab feeds only: start + the written duration


def one_line(value: Any) -> str:
    """A one-line text with its whitespace collapsed ("" for None): support/fidelity.py RULES["one-line-whitespace"]."""
    return " ".join(str(value).split()) if value is not None else ""


def languages(value: Any) -> frozenset[str]:
    """The language codes of a frab `language` ("de, en" → {"de", "en"})."""
    return frozenset(part.lower() for part in re.split(r"[,;/\s]+", value or "") if part)


def duration(text: str, where: str) -> dt.timedelta:
    """A frab duration: `H:MM`, `HH:MM`, `HH:MM:SS`, or pretalx's `D:HH:MM` (an unpadded day count, then hours
    below 24); a three-part value with a zero-padded or zero first part is `HH:MM:SS`."""
    parts = text.strip().split(":")
    if not all(p.isdigit() for p in parts) or len(parts) not in (2, 3):
        raise ValueError(f"{where}: unreadable duration {text!r}")
    numbers = [int(p) for p in parts]
    if len(parts) == 2:
        return dt.timedelta(hours=numbers[0], minutes=numbers[1])
    padded = len(parts[0]) > 1 or numbers[0] == 0
    if padded or numbers[1] >= 24:
        return dt.timedelta(hours=numbers[0], minutes=numbers[1], seconds=numbers[2])
    return dt.timedelta(days=numbers[0], hours=numbers[1], minutes=numbers[2])


def instant(text: str, zone: ZoneInfo | None, where: str) -> dt.datetime:
    """An ISO 8601 date-time as a UTC instant; one without an offset is read in the source's zone."""
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        if zone is None:
            raise ValueError(f"{where}: {text!r} has no UTC offset and the source names no zone")
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def absolute_link(link: str, page: str | None) -> str:
    """A link as an absolute URL: one written from the server's root ("/media/…", as pretalx writes uploads) is
    resolved against the page the event came from (a merged feed's `origin_url`, else its `url`, else the
    conference's); anything else is kept as written (support/fidelity.py RULES["link-not-http"] then decides)."""
    link = link.strip()
    if link.startswith("/") and not link.startswith("//") and page and page.startswith(("http://", "https://")):
        return urljoin(page, link)
    return link


def frab_identities(code: Any, url: Any, number: Any, guid: Any, slug: Any) -> tuple[str, ...]:
    """The identities of a frab event, best first (see the module docstring)."""
    match = PRETALX_TALK_URL.search(str(url or ""))
    found = [str(code) if code else "", match.group(1) if match else "", str(number) if number else "",
             str(guid) if guid else "", str(slug) if slug else ""]
    return tuple(dict.fromkeys(x.strip() for x in found if x and x.strip()))


def _zone(name: Any) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (KeyError, ValueError):
        return None  # a Rails name ("Berlin"): the offsets in `date` are the truth anyway


# ------------------------------------------------------------------------------------------------ frab JSON

def frab_json(data: bytes) -> list[Occurrence]:
    """Every event of a frab / c3voc `schedule.json`."""
    conference = json.loads(data)["schedule"]["conference"]
    zone = _zone(conference.get("time_zone_name"))
    base = conference.get("url") or json.loads(data)["schedule"].get("base_url")
    found = []
    for day in conference["days"]:
        for room, events in day["rooms"].items():
            for event in events:
                found.append(_frab_json_event(event, day["date"], room, zone, base))
    return found


def _frab_json_event(event: Mapping[str, Any], day: str, room: str, zone: ZoneInfo | None,
                     base: str | None) -> Occurrence:
    where = f"event {event.get('code') or event.get('id') or event.get('guid')} on {day}"
    start = instant(event["date"], zone, where)
    by_duration = start + duration(event["duration"], where)
    end = instant(event["end"], zone, where) if event.get("end") else by_duration
    links = tuple(absolute_link(link if isinstance(link, str) else link["url"],
                                event.get("origin_url") or event.get("url") or base)
                  for link in [*(event.get("links") or ()), *(event.get("attachments") or ())]
                  if isinstance(link, str) or (isinstance(link, dict) and link.get("url")))
    recording = event.get("recording") if isinstance(event.get("recording"), dict) else {}
    return Occurrence(
        ids=frab_identities(event.get("code"), event.get("url"), event.get("id"), event.get("guid"),
                            event.get("slug")),
        where=where, start=start, end=end, end_by_duration=by_duration, room=one_line(room),
        title=one_line(event.get("title")),
        speakers=tuple(one_line(p.get("public_name") or p.get("name")) for p in event.get("persons") or ()),
        languages=languages(event.get("language")), day=day, links=links,
        licence=one_line(event.get("recording_license") or recording.get("license")),
        do_not_record=bool(event.get("do_not_record") or recording.get("optout")))


# ------------------------------------------------------------------------------------------------ frab XML

def frab_xml(data: bytes) -> list[Occurrence]:
    """Every event of a frab / c3voc / pentabarf `schedule.xml` (each event must carry its `<date>`)."""
    root = ET.fromstring(data)
    zone = _zone(root.findtext("conference/time_zone_name"))
    base = root.findtext("conference/url") or root.findtext("conference/base_url")
    found = []
    for day in root.iter("day"):
        for room in day.findall("room"):
            for event in room.findall("event"):
                found.append(_frab_xml_event(event, day.get("date", ""), room.get("name", ""), zone, base))
    return found


def _frab_xml_event(event: ET.Element, day: str, room: str, zone: ZoneInfo | None, base: str | None) -> Occurrence:
    where = f"event {event.get('code') or event.get('id') or event.get('guid')} on {day}"
    text = event.findtext("date")
    if not text:
        raise ValueError(f"{where}: no <date>; this reader needs the instant every real source writes")
    start = instant(text, zone, where)
    by_duration = start + duration(event.findtext("duration") or "", where)
    end_text = event.findtext("end")
    end = instant(end_text, zone, where) if end_text and "T" in end_text else by_duration
    return Occurrence(
        ids=frab_identities(event.get("code"), event.findtext("url"), event.get("id"), event.get("guid"),
                            event.findtext("slug")),
        where=where, start=start, end=end, end_by_duration=by_duration, room=one_line(room),
        title=one_line(event.findtext("title")),
        speakers=tuple(one_line(p.text) for p in event.findall("persons/person")),
        languages=languages(event.findtext("language")), day=day,
        links=tuple(absolute_link(link.get("href") or link.text or "",
                                  event.findtext("origin_url") or event.findtext("url") or base)
                    for link in [*event.findall("links/link"), *event.findall("attachments/attachment")]
                    if link.get("href") or (link.text or "").strip()),
        licence=one_line(event.findtext("recording/license")),
        do_not_record=(event.findtext("recording/optout") or "").strip().lower() == "true")


# ------------------------------------------------------------------------------------------------ pretalx API

def choose(value: Any, locale: str, default: str) -> str:
    """A multilingual value in `locale` (DESIGN.md "Multilingual strings": exact, language, event default, en,
    then the first non-empty in sorted key order; empty strings count as missing)."""
    if not isinstance(value, dict):
        return value or ""
    for key in (locale, locale.split("-")[0], default, "en", *sorted(value)):
        if value.get(key):
            return value[key]
    return ""


def pretalx_day(start: dt.datetime, zone: ZoneInfo, first: dt.date, last: dt.date) -> str | None:
    """The day pretalx lists a slot under (module docstring), or None when it lists it under none."""
    local = start.astimezone(zone)
    date = local.date()
    if local.hour < PRETALX_EARLY_HOUR and date != first:
        date -= dt.timedelta(days=1)
    return date.isoformat() if first <= date <= last else None


def _resource_urls(resources: Iterable[Any]) -> tuple[str, ...]:
    urls = []
    for resource in resources or ():
        if isinstance(resource, dict):
            url = resource.get("link") or resource.get("resource") or resource.get("url")
            if url:
                urls.append(url.strip())
    return tuple(urls)


@dataclass(frozen=True)
class ApiEvent:
    """What the API's event document says about days and strings."""

    zone: ZoneInfo
    first: dt.date
    last: dt.date
    default_locale: str

    @classmethod
    def of(cls, event: Mapping[str, Any]) -> ApiEvent:
        """From `/api/events/{event}/`."""
        return cls(ZoneInfo(event["timezone"]), dt.date.fromisoformat(event["date_from"]),
                   dt.date.fromisoformat(event["date_to"]), event.get("locale") or "en")


def _api_occurrence(submission: Mapping[str, Any], slot: Mapping[str, Any], room: Any, speakers: Iterable[str],
                    event: ApiEvent, locale: str) -> Occurrence:
    start = instant(slot["start"], event.zone, submission["code"])
    return Occurrence(
        ids=(submission["code"],), where=f"session {submission['code']} at {slot['start']}",
        start=start, end=instant(slot["end"], event.zone, submission["code"]),
        room=one_line(choose(room, locale, event.default_locale)),
        title=one_line(submission.get("title")), speakers=tuple(one_line(name) for name in speakers),
        languages=languages(submission.get("content_locale")),
        day=pretalx_day(start, event.zone, event.first, event.last),
        links=_resource_urls(submission.get("resources")), licence="",
        do_not_record=bool(submission.get("do_not_record")))


def pretalx_current(submissions: Iterable[Mapping[str, Any]], speakers: Iterable[Mapping[str, Any]],
                    event: Mapping[str, Any], locale: str) -> list[Occurrence]:
    """Every slot of current-API submissions whose `slots` are expanded objects; speakers are taken by code, in
    the submission's order, with their names from the `/speakers/` collection (support/fidelity.py
    RULES["speaker-not-listed"]: a code it lacks is left out)."""
    about = ApiEvent.of(event)
    names = {speaker["code"]: speaker["name"] for speaker in speakers}
    return [_api_occurrence(sub, slot, slot["room"]["name"],
                            (names[code] for code in _codes(sub["speakers"]) if code in names), about, locale)
            for sub in submissions if _public(sub) for slot in sub.get("slots") or ()
            if slot.get("start") and slot.get("room")]


def _public(submission: Mapping[str, Any]) -> bool:
    """Whether the released schedule shows the submission (module docstring, "left out")."""
    return submission.get("state", "confirmed") == "confirmed"


def _codes(speakers: Iterable[Any]) -> list[str]:
    """Speaker codes, whether the submission lists codes or expanded speaker objects."""
    return [s["code"] if isinstance(s, dict) else s for s in speakers]


def pretalx_legacy(talks: Iterable[Mapping[str, Any]], event: Mapping[str, Any], locale: str) -> list[Occurrence]:
    """The slot of every legacy-API `/talks/` object."""
    about = ApiEvent.of(event)
    return [_api_occurrence(talk, talk["slot"], talk["slot"]["room"], (s["name"] for s in talk["speakers"]),
                            about, locale)
            for talk in talks if _public(talk) and isinstance(talk.get("slot"), dict)
            if talk["slot"].get("start") and talk["slot"].get("room")]

