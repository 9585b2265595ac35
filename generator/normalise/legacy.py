"""pretalx's legacy API (talks with nested speakers and a slot) → Parts. The only module that knows its fields."""

from __future__ import annotations

from dataclasses import replace

from ..i18n import locale_code
from ..model import Room, Session, SessionType, Speaker, Track
from ..sanitise import clean_line, clean_text, color, integer, listed, public_url, ref
from ..sources.raw import RawEvent
from ..timezones import zone_of
from .assemble import Parts, event_zone, parse_date, parse_time, slot
from .checks import Problems, multilingual
from .pretalx_rules import (code_of, event_locales, feedback_url, is_public_state, items, pretalx_day, pretalx_days,
                            public_event_url, resources, talk_url)


def to_parts(raw: RawEvent, problems: Problems, time_zone: str | None = None) -> Parts:
    """Read the event, talks, speakers and rooms of the legacy API; `time_zone` replaces the event's."""
    docs = raw.documents
    event = docs.get("event") if isinstance(docs.get("event"), dict) else {}
    times = (talk["slot"].get(key) for talk in items(docs, "talks") if isinstance(talk.get("slot"), dict)
             for key in ("start", "end"))
    timezone = event_zone(event.get("timezone"), times, "event", problems, time_zone)
    zone = zone_of(timezone)
    locales, default_locale = event_locales(event, problems)
    parts = Parts(slug=clean_text(event.get("slug")) or "event", name=multilingual(event.get("name")),
                  timezone=timezone, locales=locales, default_locale=default_locale,
                  start_date=parse_date(event.get("date_from")), end_date=parse_date(event.get("date_to")),
                  url=public_event_url(raw.origin, event.get("slug")), source_kind=raw.kind,
                  color=color(event.get("primary_color")), by_pretalx=True)
    parts.days = pretalx_days(parts.start_date, parts.end_date, zone)
    base = parts.url

    parts.rooms = sorted((Room(id=ref(r), slug="", name=multilingual(r.get("name")),
                               description=multilingual(r.get("description"), multiline=True),
                               capacity=integer(r.get("capacity")), position=integer(r.get("position")) or 0,
                               guid=ref(r.get("guid")))
                          for r in items(docs, "rooms") if ref(r) is not None), key=lambda r: r.position)
    parts.speakers = [Speaker(code=code, name=clean_line(s.get("name")),
                              biography=clean_text(s.get("biography")),
                              avatar_url=public_url(s.get("avatar") or s.get("avatar_url"), base))
                      for s in items(docs, "speakers") if (code := code_of(s))]
    known_speakers = {s.code for s in parts.speakers}
    tracks: dict[str, Track] = {}
    types: dict[str, SessionType] = {}

    for talk in items(docs, "talks"):
        code = code_of(talk)
        if code is None:
            problems.warn("talk", "without a code; left out")
            continue
        if not is_public_state(talk.get("state")):
            continue  # only an organiser's token shows it (pretalx.py, PUBLIC_STATES)
        where = f"talk {code!r}"
        track_id, type_id = ref(talk.get("track_id")), ref(talk.get("submission_type_id"))
        if track_id and talk.get("track"):
            tracks.setdefault(track_id, Track(track_id, "", multilingual(talk.get("track"))))
        if type_id and talk.get("submission_type"):
            types.setdefault(type_id, SessionType(type_id, multilingual(talk.get("submission_type"))))
        found = None
        raw_slot = talk.get("slot")
        if isinstance(raw_slot, dict):
            start = parse_time(raw_slot.get("start"), zone, where, problems)
            end = parse_time(raw_slot.get("end"), zone, where, problems) if start else None
            room_id = ref(raw_slot.get("room_id"))
            if room_id is None:
                problems.warn(where, "slot has no room; left out of the timetable")
            found = slot(start, end, room_id)
            if found is not None:
                found = replace(found, day=pretalx_day(found.start, parts.start_date, zone))
        speaker_codes = []
        for person in listed(talk.get("speakers")):
            person_code = ref(person)
            if isinstance(person, dict) and person_code and person_code not in known_speakers:
                # legacy talks nest their speakers; keep ones the /speakers/ list lacks
                known_speakers.add(person_code)
                parts.speakers.append(Speaker(person_code, clean_line(person.get("name")),
                                              clean_text(person.get("biography")),
                                              public_url(person.get("avatar"), base)))
            if person_code:
                speaker_codes.append(person_code)
        parts.sessions.append(Session(
            code=code, title=multilingual(talk.get("title")),
            slots=(found,) if found else (), state=clean_line(talk.get("state")) or "confirmed",
            speaker_codes=tuple(speaker_codes), track_id=track_id, type_id=type_id,
            abstract=clean_text(talk.get("abstract")), description=clean_text(talk.get("description")),
            content_locale=locale_code(talk.get("content_locale")),
            do_not_record=bool(talk.get("do_not_record")), image_url=public_url(talk.get("image"), base),
            resources=resources(talk.get("resources"), base),
            languages=tuple(filter(None, [locale_code(talk.get("content_locale"))])),
            source_url=talk_url(base, code), feedback_url=feedback_url(talk_url(base, code))))
    parts.tracks = sorted(tracks.values(), key=_numeric_id)
    parts.session_types = sorted(types.values(), key=_numeric_id)
    return parts


def _numeric_id(item: Track | SessionType) -> tuple[int, str]:
    """Sort by numeric id, as pretalx numbers them ("²".isdigit() is true, so test isdecimal)."""
    return (int(item.id), item.id) if item.id.isascii() and item.id.isdecimal() else (0, item.id)
