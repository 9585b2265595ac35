"""pretalx's current API (2025+) → Parts. The only module that knows that API's field names."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..errors import SourceError
from ..model import Multilingual, Resource, Room, Session, SessionType, Slot, Speaker, Track
from ..sources.raw import RawEvent
from . import checks
from .assemble import Parts, parse_date, parse_time, slot, zone_or_utc
from .checks import Problems, clean_text



def ref(value: Any) -> str | None:
    """An id or code given flat (`3`) or expanded (`{"id": 3, ...}`), as a string."""
    if isinstance(value, dict):
        value = value.get("id", value.get("code"))
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def to_parts(raw: RawEvent, problems: Problems) -> Parts:
    """Read the event, collections and latest schedule of the current API."""
    docs = raw.documents
    event = _dict(docs.get("event"), "event")
    timezone = zone_or_utc(event.get("timezone"), "event", problems)
    locales = tuple(str(x) for x in event.get("locales") or () if isinstance(x, str)) or ("en",)
    default_locale = event.get("locale") if isinstance(event.get("locale"), str) else locales[0]
    parts = Parts(slug=str(event.get("slug") or "event"), name=Multilingual.of(event.get("name")),
                  timezone=timezone, locales=locales, default_locale=default_locale,
                  start_date=parse_date(event.get("date_from")), end_date=parse_date(event.get("date_to")),
                  url=public_event_url(raw.origin, event.get("slug")), source_kind=raw.kind)
    zone = _zone(timezone)
    base = parts.url

    parts.rooms = [Room(id=ref(r), slug="", name=Multilingual.of(r.get("name")),
                        description=Multilingual.of(r.get("description")),
                        capacity=r.get("capacity") if isinstance(r.get("capacity"), int) else None,
                        position=r.get("position") if isinstance(r.get("position"), int) else 0,
                        guid=ref(r.get("guid") or r.get("uuid")))
                   for r in items(docs, "rooms") if ref(r) is not None]
    parts.rooms.sort(key=lambda r: r.position)
    parts.tracks = [Track(id=ref(t), slug="", name=Multilingual.of(t.get("name")),
                          description=Multilingual.of(t.get("description")), color=checks.color(t.get("color")))
                    for t in items(docs, "tracks") if ref(t) is not None]
    parts.session_types = [SessionType(id=ref(t), name=Multilingual.of(t.get("name")),
                                       default_duration=t.get("default_duration"))
                           for t in items(docs, "submission-types") if ref(t) is not None]
    parts.speakers = [Speaker(code=str(s["code"]), name=clean_text(s.get("name")),
                              biography=clean_text(s.get("biography")),
                              avatar_url=checks.public_url(s.get("avatar_url") or s.get("avatar"), base))
                      for s in items(docs, "speakers") if isinstance(s.get("code"), str)]

    schedule = docs.get("schedule") if isinstance(docs.get("schedule"), dict) else {}
    parts.schedule_version = schedule.get("version") if isinstance(schedule.get("version"), str) else None
    released = schedule.get("published")
    parts.released = parse_time(released, zone, "schedule", problems) if released else None
    wanted = {ref(x) for x in schedule.get("slots") or ()} or None

    slots_of: dict[str, list[Slot]] = defaultdict(list)
    for item in items(docs, "slots"):
        slot_id = ref(item)
        if wanted is not None and slot_id not in wanted:
            continue
        where = f"slot {slot_id}"
        room_id = ref(item.get("room"))
        if room_id is None:
            problems.warn(where, "has no room; left out of the timetable")
        start = parse_time(item.get("start"), zone, where, problems)
        found = slot(start, parse_time(item.get("end"), zone, where, problems) if start else None, room_id)
        if found is None:
            continue
        submission = ref(item.get("submission"))
        if submission is None:
            parts.sessions.append(Session(code=f"break-{slot_id}", title=_break_title(item.get("description")),
                                          slots=(found,), is_break=True))
        else:
            slots_of[submission].append(found)

    for sub in items(docs, "submissions"):
        code = sub.get("code")
        if not isinstance(code, str):
            problems.warn("submission", "without a code; left out")
            continue
        parts.sessions.append(Session(
            code=code, title=Multilingual.of(clean_text(sub.get("title"))), slots=tuple(slots_of.get(code, ())),
            state=str(sub.get("state") or "confirmed"),
            speaker_codes=tuple(c for c in (ref(s) for s in sub.get("speakers") or ()) if c),
            track_id=ref(sub.get("track")), type_id=ref(sub.get("submission_type")),
            abstract=clean_text(sub.get("abstract")), description=clean_text(sub.get("description")),
            content_locale=sub.get("content_locale") if isinstance(sub.get("content_locale"), str) else None,
            do_not_record=bool(sub.get("do_not_record")),
            image_url=checks.public_url(sub.get("image"), base),
            resources=resources(sub.get("resources"), base),
            source_url=f"{base}talk/{code}/" if base else None))
    return parts


def resources(items: Any, base: str | None) -> tuple[Resource, ...]:
    """Public resources with an http(s) URL."""
    found = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            url = checks.public_url(item.get("resource") or item.get("link") or item.get("url"), base)
            if url:
                found.append(Resource(url, clean_text(item.get("description"))))
    return tuple(found)


def public_event_url(api_base: str, slug: Any) -> str | None:
    """The event's public page, derived from its API URL."""
    if "/api/events/" not in api_base or not isinstance(slug, str):
        return None
    return api_base.split("/api/events/")[0] + f"/{slug}/"


def _break_title(description: Any) -> Multilingual:
    text = Multilingual.of(description)
    return text if text else Multilingual.of({"en": "Break", "de": "Pause", "fr": "Pause"})


def items(docs: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The objects of a collection document; a document that is not a list is an error."""
    value = docs.get(name) or []
    if not isinstance(value, list):
        raise SourceError(f"the '{name}' document is not a list", hint="the snapshot or server response is malformed")
    return [item for item in value if isinstance(item, dict)]


def _dict(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(f"the '{name}' document is missing or not an object",
                          hint="the snapshot or server response is malformed")
    return value


def _zone(name: str):
    from zoneinfo import ZoneInfo
    return ZoneInfo(name)
