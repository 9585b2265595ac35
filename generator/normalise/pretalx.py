"""pretalx's current API (2025+) → Parts. The only module that knows that API's field names."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
import dataclasses
from dataclasses import replace
from typing import Any

from ..errors import SourceError
from ..i18n import locale_code
from ..model import Appearance, Multilingual, Room, ScheduleVersion, Session, SessionType, Slot, Speaker, Track
from ..sanitise import clean_line, clean_text, color, integer, listed, public_url, ref
from ..sources.raw import RawEvent
from .assemble import Parts, event_zone, parse_date, parse_time, slot
from .checks import Problems, multilingual
from .pretalx_rules import (code_of, event_locales, feedback_url, is_public_state, items, pretalx_day, pretalx_days,
                            public_event_url, resources, talk_url)


def to_parts(raw: RawEvent, problems: Problems, time_zone: str | None = None) -> Parts:
    """Read the event, collections and latest schedule of the current API; `time_zone` replaces the event's."""
    docs = raw.documents
    event = _dict(docs.get("event"), "event")
    timezone = event_zone(event.get("timezone"), (item.get(key) for item in items(docs, "slots") for key in ("start", "end")),
                          "event", problems, time_zone)
    locales, default_locale = event_locales(event, problems)
    parts = Parts(slug=clean_text(event.get("slug")) or "event", name=multilingual(event.get("name")),
                  timezone=timezone, locales=locales, default_locale=default_locale,
                  start_date=parse_date(event.get("date_from")), end_date=parse_date(event.get("date_to")),
                  url=public_event_url(raw.origin, event.get("slug"), event.get("custom_domain")),
                  source_kind=raw.kind, color=color(event.get("primary_color")), by_pretalx=True)
    zone = _zone(timezone)
    parts.days = pretalx_days(parts.start_date, parts.end_date, zone)
    base = parts.url

    parts.rooms = [Room(id=ref(r), slug="", name=multilingual(r.get("name")),
                        description=multilingual(r.get("description"), multiline=True),
                        capacity=integer(r.get("capacity")), position=integer(r.get("position")) or 0,
                        guid=ref(r.get("guid") or r.get("uuid")))
                   for r in items(docs, "rooms") if ref(r) is not None]
    parts.rooms.sort(key=lambda r: r.position)
    parts.tracks = [Track(id=ref(t), slug="", name=multilingual(t.get("name")),
                          description=multilingual(t.get("description"), multiline=True),
                          color=color(t.get("color")))
                    for t in items(docs, "tracks") if ref(t) is not None]
    parts.session_types = [SessionType(id=ref(t), name=multilingual(t.get("name")),
                                       default_duration=integer(t.get("default_duration")))
                           for t in items(docs, "submission-types") if ref(t) is not None]
    parts.speakers = [Speaker(code=code, name=clean_line(s.get("name")),
                              biography=clean_text(s.get("biography")),
                              avatar_url=public_url(s.get("avatar_url"), base))
                      for s in items(docs, "speakers") if (code := code_of(s))]

    schedule = docs.get("schedule") if isinstance(docs.get("schedule"), dict) else {}
    parts.schedule_version = clean_line(schedule.get("version")) or None
    released = schedule.get("published")
    parts.released = parse_time(released, zone, "schedule", problems) if released else None
    wanted = {ref(x) for x in listed(schedule.get("slots"))} or None

    anonymous = docs.get("seen_as") == "anonymous"  # fetched without a token: every slot listed is public
    slots_of: dict[str, list[Slot]] = defaultdict(list)
    for item in items(docs, "slots"):
        slot_id = ref(item)
        if wanted is not None and slot_id not in wanted or not slot_is_public(item):
            continue
        where = f"slot {slot_id}"
        room_id = ref(item.get("room"))
        if room_id is None:
            problems.warn(where, "has no room; left out of the timetable")
        start = parse_time(item.get("start"), zone, where, problems)
        if start and not item.get("end") and integer(item.get("duration")) is not None:
            end = start + dt.timedelta(minutes=item["duration"])  # on the UTC instant: right across a DST change
        else:
            end = parse_time(item.get("end"), zone, where, problems) if start else None
        found = slot(start, end, room_id)
        if found is None:
            continue
        found = replace(found, day=pretalx_day(found.start, parts.start_date, zone))
        submission = ref(item.get("submission"))
        if submission is None:
            parts.sessions.append(Session(code=f"break-{slot_id}", title=_break_title(item.get("description")),
                                          slots=(found,), is_break=True))
        else:
            slots_of[submission].append(found)

    for sub in items(docs, "submissions"):
        code = code_of(sub)
        if code is None:
            problems.warn("submission", "without a code; left out")
            continue
        rejected_since = anonymous and sub.get("state") == "rejected" and code in slots_of
        if not is_public_state(sub.get("state")) and not rejected_since:
            continue  # only an organiser's token shows it; the public schedule never lists it
        # (a rejected one an anonymous visitor sees with a slot was confirmed at the release and rejected since:
        # pretalx's public schedule keeps it, and Session.is_cancelled marks it)
        parts.sessions.append(Session(
            code=code, title=multilingual(sub.get("title")), slots=tuple(slots_of.get(code, ())),
            state=clean_line(sub.get("state")) or "confirmed",
            speaker_codes=tuple(c for c in (ref(s) for s in listed(sub.get("speakers"))) if c),
            track_id=ref(sub.get("track")), type_id=ref(sub.get("submission_type")),
            abstract=clean_text(sub.get("abstract")), description=clean_text(sub.get("description")),
            content_locale=locale_code(sub.get("content_locale")),
            do_not_record=bool(sub.get("do_not_record")),
            image_url=public_url(sub.get("image"), base),
            resources=resources(sub.get("resources"), base, f"session {code!r}", problems),
            languages=tuple(filter(None, [locale_code(sub.get("content_locale"))])),
            source_url=talk_url(base, code), feedback_url=feedback_url(talk_url(base, code))))
    if isinstance(docs.get("history"), dict):
        parts.history = earlier_versions(docs["history"], zone, problems)
    return parts


def earlier_versions(history: dict[str, Any], zone: dt.tzinfo, problems: Problems) -> list[ScheduleVersion]:
    """The versions of `history` (sources/pretalx_history.py: the releases and each one's widget data), oldest
    first. A session's occurrences are keyed as Entry.key keys them: its code, then code-2... in start order."""
    versions = []
    documents = history.get("versions") if isinstance(history.get("versions"), dict) else {}
    for release in listed(history.get("releases")):
        name = clean_line(release.get("version")) if isinstance(release, dict) else ""
        data = documents.get(name)
        if not name or not isinstance(data, dict):
            continue
        where = f"schedule version {name!r}"
        updated = parse_time(release.get("published"), zone, where, problems)
        if updated is None:
            continue
        rooms = {ref(r): multilingual(r.get("name")) for r in listed(data.get("rooms")) if isinstance(r, dict)}
        people = {ref(p): clean_line(p.get("name")) for p in listed(data.get("speakers")) if isinstance(p, dict)}
        found: dict[str, list[Appearance]] = defaultdict(list)
        for talk in listed(data.get("talks")):
            code = code_of(talk) if isinstance(talk, dict) else None
            if code is None:  # a break
                continue
            start = parse_time(talk.get("start"), zone, where, problems)
            end = parse_time(talk.get("end"), zone, where, problems) if start else None
            room = ref(talk.get("room"))
            if start is None or room is None:
                continue
            found[code].append(Appearance(
                key=code, code=code, title=multilingual(talk.get("title")), start=start, end=end or start,
                room=rooms.get(room, Multilingual.of(room)),
                speakers=tuple(people.get(ref(s)) or str(ref(s)) for s in listed(talk.get("speakers")))))
        appearances = [dataclasses.replace(a, key=code if n == 0 else f"{code}-{n + 1}")
                       for code, occurrences in found.items()
                       for n, a in enumerate(sorted(occurrences, key=lambda a: a.start))]
        versions.append(ScheduleVersion(name, updated, tuple(sorted(appearances, key=lambda a: a.key))))
    return versions


def slot_is_public(item: dict[str, Any]) -> bool:
    """False for a slot pretalx shows only to organisers: one it marks `is_visible: false` (its organiser
    serializer, TalkSlotOrgaSerializer, carries the flag), or a blocker."""
    return item.get("is_visible") is not False and item.get("slot_type") != "blocker"


def _break_title(description: Any) -> Multilingual:
    text = multilingual(description)
    return text if text else Multilingual.of({"en": "Break", "de": "Pause", "fr": "Pause"})


def _dict(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(f"the '{name}' document is missing or not an object",
                          hint="the snapshot or server response is malformed")
    return value


def _zone(name: str):
    from ..timezones import zone_of
    return zone_of(name)
