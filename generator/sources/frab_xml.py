"""frab / c3voc `schedule.xml` and FOSDEM's pentabarf XML → the document a frab `schedule.json` holds.

One normaliser reads frab data (`normalise/frab.py`); this module only moves what the XML says into the
JSON's shape, dropping nothing a reader could use:

- `<schedule>`: `<version>`, `<url>`, `<generator name version>`; `<base_url>` goes to `schedule.base_url`
  where frab JSON keeps it, wherever the XML put it.
- `<conference>`: every element as text (`acronym`, `title`, `subtitle`, `start`, `end`, `time_zone_name`,
  `timeslot_duration`, `url`, `venue`, `city`, FOSDEM's `day_change` as `conference.day_change`, for the day
  rule), `<days>` as `daysCount`, c3voc's `<track name color slug>` and pentabarf's top-level
  `<tracks><track>` as `conference.tracks`.
- `<day index date start end>` as `days[]` with `day_start`/`day_end`; each `<room name guid slug>` as
  a key of `rooms` and an entry of `conference.rooms` (first seen first).
- `<event guid id code>`: every element as text; `<recording><license><optout>` as `recording_license` and
  `do_not_record`; `<persons><person id guid code>` as `{id, guid, code, public_name}`; `<links>` and
  `<attachments>` as `{url, title, type}`. Numeric ids become integers, as in the JSON.

The XML is parsed by defusedxml: no DTD entity is expanded and nothing is fetched (a billion-laughs or
external-entity document is refused), because schedules come from anywhere on the web.
Format references: the c3voc XSD (`tests/fixtures/schemas/voc_xsd_schedule.xml.xsd`), pretalx's
`schedule/exporters.py` (`schedule.xml`), FOSDEM's `https://fosdem.org/<year>/schedule/xml`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from ..errors import SourceError

XML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<")  # optional UTF-8 byte order mark, then markup
NUMBER = re.compile(r"^\d+$")
# event elements with a structure of their own; every other element is kept as its text
STRUCTURED = {"recording", "persons", "links", "attachments", "answers"}


def is_xml(body: bytes) -> bool:
    """True when `body` starts like an XML document (the content decides, not the file name)."""
    return bool(XML_START.match(body[:1024]))


def read(body: bytes, origin: str) -> dict[str, Any]:
    """The frab JSON document (`{"schedule": {...}}`) that the XML in `body` describes.

    Raises SourceError naming `origin` for malformed XML, a DTD that declares entities or external
    references, and XML whose root is not `<schedule>`.
    """
    try:
        root = SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise SourceError(f"{origin}: the XML declares entities or external references ({exc}); refused",
                          hint="a schedule.xml needs no DTD entities; they can expand without bound or read "
                               "other files") from None
    except ET.ParseError as exc:
        raise SourceError(f"{origin}: not well-formed XML ({exc})",
                          hint="the file may be truncated; fetch it again") from None
    if root.tag != "schedule":
        raise SourceError(f"{origin}: an XML document whose root is <{root.tag}>, not a frab/pentabarf <schedule>",
                          hint="pass a frab, c3voc or pentabarf schedule.xml, a schedule.json, an event URL or a snapshot")
    return {"schedule": _schedule(root)}


def _schedule(root: ET.Element) -> dict[str, Any]:
    schedule: dict[str, Any] = {}
    conference: dict[str, Any] = {}
    tracks: list[dict[str, Any]] = []
    for child in root:
        if child.tag == "generator":
            schedule["generator"] = dict(child.attrib)
        elif child.tag == "conference":
            conference = _conference(child, tracks)
        elif child.tag == "tracks":  # pentabarf lists tracks beside the conference
            tracks.extend(_track(track) for track in child if track.tag == "track")
        elif child.tag != "day" and len(child) == 0:
            schedule[child.tag] = _text(child)
    if "base_url" in conference:
        schedule.setdefault("base_url", conference.pop("base_url"))
    rooms: dict[str, dict[str, Any]] = {}
    days = [_day(day, rooms) for day in root if day.tag == "day"]
    conference["tracks"] = tracks
    conference["rooms"] = list(rooms.values())
    conference["days"] = days
    schedule["conference"] = conference
    return schedule


def _conference(element: ET.Element, tracks: list[dict[str, Any]]) -> dict[str, Any]:
    conference: dict[str, Any] = {}
    for child in element:
        if child.tag == "track":  # c3voc: <track name="…" color="…" slug="…"/> inside <conference>
            tracks.append(_track(child))
        elif child.tag == "days":
            conference["daysCount"] = _number(_text(child))
        elif len(child) == 0:
            conference[child.tag] = _text(child)
    return conference


def _track(element: ET.Element) -> dict[str, Any]:
    """A track as frab JSON writes it: its attributes, with the name from the attribute or the text."""
    return dict(element.attrib) | {"name": element.get("name") or _text(element)}


def _day(element: ET.Element, rooms: dict[str, dict[str, Any]]) -> dict[str, Any]:
    day: dict[str, Any] = {"index": _number(element.get("index", "")), "date": element.get("date", ""),
                           "day_start": element.get("start", ""), "day_end": element.get("end", "")}
    held: dict[str, list[dict[str, Any]]] = {}
    for room in element:
        if room.tag != "room":
            continue
        name = room.get("name") or ""
        if name not in rooms:
            rooms[name] = {"name": name} | {key: room.get(key) for key in ("guid", "slug") if room.get(key)}
        held.setdefault(name, []).extend(_event(event) for event in room if event.tag == "event")
    day["rooms"] = held
    return day


def _event(element: ET.Element) -> dict[str, Any]:
    event: dict[str, Any] = {key: _number(value) if key == "id" else value for key, value in element.attrib.items()}
    for child in element:
        if child.tag == "recording":
            license_, optout = child.find("license"), child.find("optout")
            event["recording_license"] = _text(license_) if license_ is not None else ""
            event["do_not_record"] = optout is not None and _text(optout).strip().lower() == "true"
        elif child.tag == "persons":
            event["persons"] = [_person(person) for person in child if person.tag == "person"]
        elif child.tag in {"links", "attachments"}:
            event[child.tag] = [_link(link) for link in child if link.tag in {"link", "attachment"}]
        elif child.tag not in STRUCTURED and len(child) == 0:
            event[child.tag] = _text(child)
    return event


def _person(element: ET.Element) -> dict[str, Any]:
    person: dict[str, Any] = {key: _number(value) if key == "id" else value for key, value in element.attrib.items()}
    person["public_name"] = _text(element)
    return person


def _link(element: ET.Element) -> dict[str, Any]:
    """`<link href="URL">title</link>`; 36C3's XML also writes `<link>URL</link>`, the JSON's plain URL string."""
    href = element.get("href")
    link: dict[str, Any] = {"url": href, "title": _text(element)} if href else {"url": _text(element), "title": ""}
    if element.get("type"):
        link["type"] = element.get("type")
    return link


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _number(value: str) -> int | str:
    """A decimal number as an int (frab JSON writes ids and indexes as numbers); anything else as it is."""
    return int(value) if NUMBER.match(value.strip()) else value
