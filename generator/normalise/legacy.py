"""pretalx's legacy API (talks with nested speakers and a slot) → Parts. The only module that knows its fields."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from ..model import Multilingual, Room, Session, SessionType, Speaker, Track
from ..sources.raw import RawEvent
from . import checks
from .assemble import Parts, parse_date, parse_time, slot, zone_or_utc
from .checks import Problems, clean_text
from .pretalx import items, public_event_url, ref, resources


def to_parts(raw: RawEvent, problems: Problems) -> Parts:
    """Read the event, talks, speakers and rooms of the legacy API."""
    docs = raw.documents
    event = docs.get("event") if isinstance(docs.get("event"), dict) else {}
    timezone = zone_or_utc(event.get("timezone"), "event", problems)
    zone = ZoneInfo(timezone)
    default_locale = event.get("locale") if isinstance(event.get("locale"), str) else None
    locales = tuple(x for x in event.get("locales") or () if isinstance(x, str)) or (default_locale or "en",)
    default_locale = default_locale or locales[0]
    parts = Parts(slug=str(event.get("slug") or "event"), name=Multilingual.of(event.get("name")),
                  timezone=timezone, locales=locales, default_locale=default_locale,
                  start_date=parse_date(event.get("date_from")), end_date=parse_date(event.get("date_to")),
                  url=public_event_url(raw.origin, event.get("slug")), source_kind=raw.kind)
    base = parts.url

    parts.rooms = sorted((Room(id=ref(r), slug="", name=Multilingual.of(r.get("name")),
                               description=Multilingual.of(r.get("description")),
                               capacity=r.get("capacity") if isinstance(r.get("capacity"), int) else None,
                               position=r.get("position") if isinstance(r.get("position"), int) else 0,
                               guid=ref(r.get("guid")))
                          for r in items(docs, "rooms") if ref(r) is not None), key=lambda r: r.position)
    parts.speakers = [Speaker(code=s["code"], name=clean_text(s.get("name")),
                              biography=clean_text(s.get("biography")),
                              avatar_url=checks.public_url(s.get("avatar") or s.get("avatar_url"), base))
                      for s in items(docs, "speakers") if isinstance(s.get("code"), str)]
    known_speakers = {s.code for s in parts.speakers}
    tracks: dict[str, Track] = {}
    types: dict[str, SessionType] = {}

    for talk in items(docs, "talks"):
        code = talk.get("code")
        if not isinstance(code, str):
            problems.warn("talk", "without a code; left out")
            continue
        where = f"talk {code!r}"
        track_id, type_id = ref(talk.get("track_id")), ref(talk.get("submission_type_id"))
        if track_id and talk.get("track"):
            tracks.setdefault(track_id, Track(track_id, "", Multilingual.of(talk.get("track"))))
        if type_id and talk.get("submission_type"):
            types.setdefault(type_id, SessionType(type_id, Multilingual.of(talk.get("submission_type"))))
        found = None
        raw_slot = talk.get("slot")
        if isinstance(raw_slot, dict):
            start = parse_time(raw_slot.get("start"), zone, where, problems)
            end = parse_time(raw_slot.get("end"), zone, where, problems) if start else None
            room_id = ref(raw_slot.get("room_id"))
            if room_id is None:
                problems.warn(where, "slot has no room; left out of the timetable")
            found = slot(start, end, room_id)
        speaker_codes = []
        for person in talk.get("speakers") or ():
            person_code = ref(person)
            if isinstance(person, dict) and person_code and person_code not in known_speakers:
                # legacy talks nest their speakers; keep ones the /speakers/ list lacks
                known_speakers.add(person_code)
                parts.speakers.append(Speaker(person_code, clean_text(person.get("name")),
                                              clean_text(person.get("biography")),
                                              checks.public_url(person.get("avatar"), base)))
            if person_code:
                speaker_codes.append(person_code)
        parts.sessions.append(Session(
            code=code, title=Multilingual.of(clean_text(talk.get("title"))),
            slots=(found,) if found else (), state=str(talk.get("state") or "confirmed"),
            speaker_codes=tuple(speaker_codes), track_id=track_id, type_id=type_id,
            abstract=clean_text(talk.get("abstract")), description=clean_text(talk.get("description")),
            content_locale=talk.get("content_locale") if isinstance(talk.get("content_locale"), str) else None,
            do_not_record=bool(talk.get("do_not_record")), image_url=checks.public_url(talk.get("image"), base),
            resources=resources(talk.get("resources"), base),
            source_url=f"{base}talk/{code}/" if base else None))
    parts.tracks = sorted(tracks.values(), key=lambda t: int(t.id) if t.id.isdigit() else 0)
    parts.session_types = sorted(types.values(), key=lambda t: int(t.id) if t.id.isdigit() else 0)
    return parts

