"""Model → frab / c3voc schedule, JSON and XML, both written from one days → rooms → events document.

The shapes follow the c3voc schemas (the format pretalx exports and EventFahrplan, Giggity, ConfClerk read).
Breaks are left out, as in pretalx's own export; cancelled sessions are kept as pretalx keeps them (a session
cancelled after the release stays in that schedule's export), their title marked "Cancelled: …", as the c3voc
formats have no state field. A frab source's per-occurrence
guid and numeric id are kept (when valid and unique), so what we read from frab, we write back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from .. import urls
from ..i18n import choose, ui_translations
from ..model import Conference, Entry, Multilingual, Resource, Room, Speaker, Track
from ..normalise.durations import frab_duration
from ..sanitise import slugify

GENERATOR = "pretalx-static"
C3VOC_SCHEMA = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:05"  # pretalx's grid; c3voc requires the field
NO_DATE = "1970-01-01"  # only for an event with neither dates nor sessions
# namespace of guids derived for occurrences and rooms a source gave none (fixed: guids must not change)
GUID_NAMESPACE = uuid.UUID("5a2c4f6e-1f1d-5e0b-9b7e-7072657461c1")

UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
CODE = re.compile(r"^[A-Z0-9]+$")  # JSON schema: event and person codes
XML_CODE = re.compile(r"^[0-9A-Z]{6}$")  # XSD: pretalx's random code
ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")  # the JSON schema's pattern, copied as it is
SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
# the JSON schema's Reference.type enum
REFERENCE_TYPES = {"slides", "paper", "web", "blog", "article", "media", "related", "activitypub"}
TRACK_SLUG = re.compile(r"^[a-z][a-z0-9-]+$")  # XSD's stricter slug


def acronym(slug: str) -> str:
    """The event's slug as a c3voc acronym: lowercase, no dashes (the XSD's slug prefix forbids them), 4+ chars."""
    return re.sub(r"[^a-z0-9_]", "_", slug.lower()).ljust(4, "_")


def listed_entries(conference: Conference) -> list[Entry]:
    """The occurrences frab lists: every slot of every session that is not a break."""
    return [e for e in conference.entries if not e.session.is_break]


def identifiers(conference: Conference, entries: list[Entry]) -> dict[str, tuple[str, int]]:
    """Entry key → (guid, id): the source's when valid and not yet taken, else derived stably from the key."""
    guids: dict[str, str] = {}
    ids: dict[str, int] = {}
    taken_guids: set[str] = set()  # the values above, as sets: looking up a dict's values is linear
    taken_ids: set[int] = set()
    for entry in entries:  # the source's own identifiers first, so a derived one never takes them
        guid, source_id = entry.slot.guid, entry.slot.source_id
        if guid and UUID.match(guid) and guid.lower() not in taken_guids:
            guids[entry.key] = guid.lower()
            taken_guids.add(guid.lower())
        if source_id and source_id.isdigit() and int(source_id) > 0 and int(source_id) not in taken_ids:
            ids[entry.key] = int(source_id)
            taken_ids.add(int(source_id))
    for entry in entries:
        name = f"{conference.slug}/{entry.key}"
        if entry.key not in guids:
            guid = str(uuid.uuid5(GUID_NAMESPACE, name))
            while guid in taken_guids:
                guid = str(uuid.uuid5(GUID_NAMESPACE, guid))
            guids[entry.key] = guid
            taken_guids.add(guid)
        if entry.key not in ids:
            number = int(hashlib.sha1(name.encode()).hexdigest()[:7], 16) or 1
            while number in taken_ids:
                number += 1
            ids[entry.key] = number
            taken_ids.add(number)
    return {key: (guids[key], ids[key]) for key in guids}


def person_ids(conference: Conference) -> dict[str, int]:
    """Speaker code → the positive number frab writes as the person's `id` (ConfClerk drops a person without).

    The source's own id when it gave a positive one no other speaker took first; else a number derived from
    the event and the speaker's code, so it stays the same across builds, locales and feeds. Derived numbers
    are handed out in code order after every source id, so one speaker's arrival never moves another's.
    """
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for speaker in conference.speakers:
        if speaker.source_id and speaker.source_id.isdigit() and int(speaker.source_id) > 0 \
                and int(speaker.source_id) not in taken:
            ids[speaker.code] = int(speaker.source_id)
            taken.add(int(speaker.source_id))
    for code in sorted(s.code for s in conference.speakers if s.code not in ids):
        number = int(hashlib.sha1(f"{conference.slug}/speaker/{code}".encode()).hexdigest()[:7], 16) or 1
        while number in taken:
            number += 1
        ids[code] = number
        taken.add(number)
    return ids


def room_guid(conference: Conference, room: Room) -> str:
    """The room's guid from the source, or one derived from its id."""
    if room.guid and UUID.match(room.guid):
        return room.guid.lower()
    return str(uuid.uuid5(GUID_NAMESPACE, f"{conference.slug}/room/{room.id}"))


class FrabDocument:
    """Builds the c3voc `schedule.json` document of one locale; `to_json`/`to_xml` serialise it."""

    def __init__(self, conference: Conference, locale: str, *, base_url: str | None) -> None:
        self.conference = conference
        self.locale = locale
        self.base_url = base_url
        self.entries = listed_entries(conference)
        self.ids = identifiers(conference, self.entries)
        self.person_ids = person_ids(conference)
        self.room_names = self._unique_room_names()
        self.cancelled = ui_translations(locale).gettext("Cancelled") + ": {title}"

    def document(self) -> dict[str, Any]:
        """The whole document, valid against the c3voc JSON schema."""
        conf = self.conference
        schedule: dict[str, Any] = {"version": conf.schedule_version or ""}
        home = urls.absolute(self.base_url, urls.home(self.locale))
        if home:
            schedule["base_url"] = home
        days = conf.days
        conference: dict[str, Any] = {
            "acronym": acronym(conf.slug),
            "title": self._t(conf.name),
            "start": str(conf.start_date or (days[0].date if days else NO_DATE)),
            "end": str(conf.end_date or (days[-1].date if days else NO_DATE)),
            "daysCount": len(days),
            "timeslot_duration": TIMESLOT,
        }
        if ZONE_NAME.search(conf.timezone):
            conference["time_zone_name"] = conf.timezone  # times carry offsets, so leaving out an odd name is safe
        if conf.url or home:
            conference["url"] = conf.url or home
        conference["tracks"] = [self._track(track) for track in conf.tracks]
        conference["rooms"] = [self._room(room) for room in conf.rooms]
        grouped: dict[tuple[dt.date, str], list[Entry]] = defaultdict(list)
        for entry in self.entries:
            grouped[conf.day_of_slot(entry.slot), entry.slot.room_id].append(entry)
        conference["days"] = [{
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": conf.local(day.start).isoformat(),
            "day_end": conf.local(day.end).isoformat(),
            "rooms": {self.room_names[room.id]: [self._event(e) for e in grouped.get((day.date, room.id), ())]
                      for room in conf.rooms},
        } for day in days]
        return {"$schema": C3VOC_SCHEMA, "generator": {"name": GENERATOR}, "schedule": schedule | {"conference": conference}}

    def _track(self, track: Track) -> dict[str, Any]:
        found: dict[str, Any] = {"name": self._t(track.name)}
        if SLUG.match(track.slug):
            found["slug"] = track.slug
        if track.color:
            found["color"] = track.color
        return found

    def _room(self, room: Room) -> dict[str, Any]:
        found: dict[str, Any] = {"name": self.room_names[room.id], "guid": room_guid(self.conference, room)}
        if SLUG.match(room.slug):
            found["slug"] = room.slug
        if description := self._t(room.description):
            found["description"] = description
        if room.capacity is not None:
            found["capacity"] = room.capacity
        return found

    def _event(self, entry: Entry) -> dict[str, Any]:
        conf, session, slot = self.conference, entry.session, entry.slot
        guid, number = self.ids[entry.key]
        start = slot.start.astimezone(conf.zone)
        title = self._t(session.title)
        if session.is_cancelled:
            title = self.cancelled.format(title=title)
        origin = slot.url or session.source_url  # each occurrence's own page at the source
        page = urls.occurrence_url(entry, self.locale, self.base_url)
        event: dict[str, Any] = {"guid": guid}
        if CODE.match(session.code):
            event["code"] = session.code  # on every occurrence, so readers can join them into one session
        event["id"] = number
        if session.image_url:
            event["logo"] = session.image_url
        track, kind = conf.track(session.track_id), conf.session_type(session.type_id)
        event |= {
            "date": start.isoformat(),
            "start": start.strftime("%H:%M"),
            "end": slot.end.astimezone(conf.zone).isoformat(),
            "duration": frab_duration(slot.end - slot.start),
            "room": self.room_names[slot.room_id],
            "slug": f"{acronym(conf.slug)}-{entry.key.lower()}-{slugify(title, 'session')}",
            "url": page or urls.relative(urls.frab_json(self.locale), urls.talk(self.locale, session.code)),
            "title": title,
            "subtitle": session.subtitle,
            "track": self._t(track.name) if track else None,
            "type": self._t(kind.name) if kind else "",
            "language": ", ".join(session.languages) or session.content_locale or "",  # c3voc writes "de, en"
            "abstract": session.abstract,
            "description": session.description,
            "recording_license": session.recording_license,
            "do_not_record": session.do_not_record,
            "persons": [self._person(s) for s in conf.speakers_of(session)],
            "links": [_reference(r) for r in session.links],
            "attachments": [_reference(r) for r in session.attachments],
        }
        if session.feedback_url:
            event["feedback_url"] = session.feedback_url
        if origin and origin != event["url"]:
            event["origin_url"] = origin
        return event

    def _person(self, speaker: Speaker) -> dict[str, Any]:
        # pretalx's person shape (`name`) with frab's numeric `id`, and without the deprecated `public_name`:
        # the schema's Person is a oneOf, and `id` + `public_name` (frab's shape) beside `name` matches both
        person: dict[str, Any] = {}
        if UUID.match(speaker.code):
            person["guid"] = speaker.code.lower()
        elif CODE.match(speaker.code):
            person["code"] = speaker.code
        person |= {"id": self.person_ids[speaker.code], "name": speaker.name, "biography": speaker.biography}
        if speaker.avatar_url:
            person["avatar"] = speaker.avatar_url
        page = urls.absolute(self.base_url, urls.speaker(self.locale, speaker.code))
        if page:
            person["url"] = page
        return person

    def _unique_room_names(self) -> dict[str, str]:
        """Room id → its name in this locale; frab keys rooms by name, so a repeated name gets its slug added."""
        names: dict[str, str] = {}
        for room in self.conference.rooms:
            name = self._t(room.name) or room.slug
            names[room.id] = f"{name} ({room.slug})" if name in names.values() else name
        return names

    def _t(self, value: Multilingual) -> str:
        return choose(value, self.locale, self.conference.default_locale)


def _reference(resource: Resource) -> dict[str, str]:
    """A link or attachment as the c3voc schema's `Reference` (its `type` only when one the schema allows)."""
    found = {"url": resource.url, "title": resource.description or resource.url}
    if resource.type in REFERENCE_TYPES:
        found["type"] = resource.type
    return found


def to_json(document: dict[str, Any]) -> bytes:
    """The document as c3voc `schedule.json`, compact as pretalx writes it (and as json's fast encoder does)."""
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def to_xml(document: dict[str, Any]) -> bytes:
    """The same document as c3voc `schedule.xml` (valid against the c3voc XSD: fields it lacks are left out)."""
    schedule, conference = document["schedule"], document["schedule"]["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=document["generator"]["name"])
    _text(root, "version", schedule["version"])
    block = ET.SubElement(root, "conference")
    for key, tag in (("title", "title"), ("acronym", "acronym"), ("start", "start"), ("end", "end"),
                     ("daysCount", "days"), ("timeslot_duration", "timeslot_duration")):
        _text(block, tag, conference[key])
    if "base_url" in schedule:
        _text(block, "base_url", schedule["base_url"])
    for key in ("url", "time_zone_name"):
        if key in conference:
            _text(block, key, conference[key])
    for track in conference["tracks"]:
        attributes = {"name": track["name"]} | {k: track[k] for k in ("color",) if k in track}
        if TRACK_SLUG.match(track.get("slug", "")):
            attributes["slug"] = track["slug"]
        _text(block, "track", track["name"], **attributes)
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    codes: set[str] = set()
    for day in conference["days"]:
        day_element = ET.SubElement(root, "day", index=str(day["index"]), date=day["date"],
                                    start=day["day_start"], end=day["day_end"])
        for name, events in day["rooms"].items():
            room_element = ET.SubElement(day_element, "room", name=name, guid=guids[name])
            for event in events:
                _xml_event(room_element, event, codes)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _xml_event(parent: ET.Element, event: dict[str, Any], codes: set[str]) -> None:
    attributes = {"guid": event["guid"], "id": str(event["id"])}
    if XML_CODE.match(event.get("code", "")) and event["code"] not in codes:
        attributes["code"] = event["code"]  # the XSD wants codes unique: only a session's first occurrence has it
        codes.add(event["code"])
    element = ET.SubElement(parent, "event", attributes)
    for key in ("date", "start", "duration", "room", "slug"):
        # the XSD allows at most two hour digits; pretalx's own XML writes D:HH:MM past a day, so past 99 hours do we
        _text(element, key, _xml_duration(event[key]) if key == "duration" else event[key])
    if _is_http(event["url"]):
        _text(element, "url", event["url"])
    recording = ET.SubElement(element, "recording")
    _text(recording, "license", event["recording_license"])
    _text(recording, "optout", "true" if event["do_not_record"] else "false")
    for key in ("title", "subtitle", "track", "type", "language", "abstract", "description"):
        _text(element, key, event[key] or "")
    if event.get("logo"):
        _text(element, "logo", event["logo"])
    persons = ET.SubElement(element, "persons")
    for person in event["persons"]:
        attributes = {"id": str(person["id"])} | ({"guid": person["guid"]} if "guid" in person else {})
        _text(persons, "person", person["name"], **attributes)
    for group, tag in (("links", "link"), ("attachments", "attachment")):
        references = ET.SubElement(element, group)
        for reference in event[group]:
            _text(references, tag, reference["title"], href=reference["url"],
                  **({"type": reference["type"]} if "type" in reference else {}))
    for key in ("feedback_url", "origin_url"):
        if key in event:
            _text(element, key, event[key])


def _xml_duration(value: str) -> str:
    """frab JSON's `HH:MM` (any number of hours) as the XSD allows it (`[0-9]{1,2}:[0-9]{2}`, or three groups)."""
    hours, minutes = value.split(":")
    return frab_duration(dt.timedelta(hours=int(hours), minutes=int(minutes)), max_hours=99)


def _text(parent: ET.Element, tag: str, text: object, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = str(text)
    return element


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))
