"""pretalx's current API (2025+) → Parts. The only module that knows that API's field names."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import SourceError
from ..i18n import locale_code
from ..model import Multilingual, Resource, Room, Session, SessionType, Slot, Speaker, Track
from ..sources.raw import RawEvent
from . import checks
from .assemble import Parts, SourceDay, event_zone, parse_date, parse_time, slot
from .checks import Problems, clean_line, clean_text, multilingual


def ref(value: Any) -> str | None:
    """An id or code given flat (`3`) or expanded (`{"id": 3, ...}`), as a string without control characters."""
    if isinstance(value, dict):
        value = value.get("id", value.get("code"))
    return checks.identifier(value)


def code_of(item: dict[str, Any]) -> str | None:
    """The `code` of a submission or speaker, when it is a non-empty string."""
    return ref(item["code"]) if isinstance(item.get("code"), str) else None


def talk_url(base: str | None, code: str) -> str | None:
    """A session's public page on the pretalx host (the code quoted: it may be anything)."""
    return f"{base}talk/{quote(code, safe='')}/" if base else None


def listed(value: Any) -> list[Any]:
    """A JSON list as it is; anything else (a string, a number, null) as no items."""
    return value if isinstance(value, list) else []


def event_locales(event: dict[str, Any], problems: Problems) -> tuple[tuple[str, ...], str]:
    """The event's locales (valid codes only, default first when missing) and its default locale."""
    locales = tuple(dict.fromkeys(code for code in map(locale_code, listed(event.get("locales"))) if code))
    default = locale_code(event.get("locale"))
    if event.get("locale") is not None and default is None:
        problems.warn("event", f"invalid default locale {event.get('locale')!r}; ignored")
    if not locales:
        locales = (default or "en",)
    if default not in locales:
        default = locales[0]
    return locales, default


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
                  source_kind=raw.kind)
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
                          color=checks.color(t.get("color")))
                    for t in items(docs, "tracks") if ref(t) is not None]
    parts.session_types = [SessionType(id=ref(t), name=multilingual(t.get("name")),
                                       default_duration=integer(t.get("default_duration")))
                           for t in items(docs, "submission-types") if ref(t) is not None]
    parts.speakers = [Speaker(code=code, name=clean_line(s.get("name")),
                              biography=clean_text(s.get("biography")),
                              avatar_url=checks.public_url(s.get("avatar_url") or s.get("avatar"), base))
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
            image_url=checks.public_url(sub.get("image"), base),
            resources=resources(sub.get("resources"), base, f"session {code!r}", problems),
            languages=tuple(filter(None, [locale_code(sub.get("content_locale"))])),
            source_url=talk_url(base, code), feedback_url=feedback_url(talk_url(base, code))))
    return parts


# What the public schedule lists, by pretalx's own rule (src/pretalx/schedule/domain/release.py, freeze_schedule):
# on release, a slot becomes visible when its submission is confirmed, or when it is a break; blockers are
# deleted from released schedules. Anonymous visitors get only those (Schedule.scheduled_talks filters on
# is_visible); an organiser's token also gets rejected, submitted and accepted-but-unconfirmed submissions, their
# slots and their speakers (api/serializers/schedule.py: only_visible_slots is off for organisers). A session
# cancelled, withdrawn or rejected after the release that made it visible stays on the public schedule (its slot
# stays visible in that schedule: anonymous visitors get it with its new state), marked cancelled.
PUBLIC_STATES = frozenset({"confirmed", "canceled", "cancelled", "withdrawn"})


def is_public_state(state: Any) -> bool:
    """True when a submission in this state can be on the public schedule (a missing state: as pretalx's older
    public exports, which list only what is public)."""
    return state is None or clean_line(state) in PUBLIC_STATES


def slot_is_public(item: dict[str, Any]) -> bool:
    """False for a slot pretalx shows only to organisers: one it marks `is_visible: false` (its organiser
    serializer, TalkSlotOrgaSerializer, carries the flag), or a blocker."""
    return item.get("is_visible") is not False and item.get("slot_type") != "blocker"


# pretalx's own days (ScheduleData.data in pretalx/schedule/interfaces/exporters.py, pretalx 2026.2): every date
# of the event is a day, written as running from 04:00 to 03:59 the next day; a session belongs to the date it
# starts on, or the day before when it starts before 03:00 (except on the first day)
PRETALX_DAY_START = dt.time(4, 0)
PRETALX_DAY_END = dt.time(3, 59)
PRETALX_NIGHT_ENDS = 3
MAX_DAYS = 366


def pretalx_days(first: dt.date | None, last: dt.date | None, zone: dt.tzinfo) -> list[SourceDay]:
    """The days pretalx lists for an event from `first` to `last` (none for a missing or absurd range)."""
    if not first or not last or not 0 <= (last - first).days <= MAX_DAYS:
        return []
    def at(date: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(date, time, tzinfo=zone).astimezone(dt.timezone.utc)
    dates = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [SourceDay(date, at(date, PRETALX_DAY_START), at(date + dt.timedelta(days=1), PRETALX_DAY_END))
            for date in dates]


def pretalx_day(start: dt.datetime, first: dt.date | None, zone: dt.tzinfo) -> dt.date:
    """The day pretalx lists a session starting at `start` under."""
    local = start.astimezone(zone)
    if local.hour < PRETALX_NIGHT_ENDS and local.date() != first:
        return local.date() - dt.timedelta(days=1)
    return local.date()


def resources(items: Any, base: str | None, where: str = "session", problems: Problems | None = None
              ) -> tuple[Resource, ...]:
    """Public resources with an http(s) URL: a `link` is a link, an uploaded `resource` file an attachment
    (as pretalx's own frab export splits them: schedule/interfaces/exporters.py). The legacy API gives both as
    `resource`; there a URL on the event's own host is an uploaded file, any other a link. The current API
    sends `resource` (the link, or the upload's URL: ResourceSerializer) and `is_public`; an organiser's token
    also sees private ones, which are never kept. Bare ids (a server that did not expand them) are warned
    about: their URLs are unknown."""
    found = []
    host = urlsplit(base).netloc if base else None
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            if item.get("is_public") is False:
                continue
            link = checks.public_url(item.get("link") or item.get("url"), base)
            upload = None if link else checks.public_url(item.get("resource"), base)
            url = link or upload
            if url:
                uploaded = upload is not None and (host is None or urlsplit(upload).netloc == host)
                found.append(Resource(url, clean_line(item.get("description")), "attachment" if uploaded else "link"))
        elif problems is not None:
            problems.warn(where, f"resource {item!r} came as an id, not expanded; left out")
    return tuple(found)


def feedback_url(talk_page: str | None) -> str | None:
    """pretalx's feedback page of a session, `{talk page}feedback/` (submission.urls.feedback), which its own
    frab export carries for every session (schedule/interfaces/exporters.py)."""
    return f"{talk_page}feedback/" if talk_page else None


def public_event_url(api_base: str, slug: Any, custom_domain: Any = None) -> str | None:
    """The event's public page: on its custom domain when it has one (pretalx `get_base_url`), else on the
    API's host."""
    if "/api/events/" not in api_base or not isinstance(slug, str):
        return None
    domain = checks.public_url(custom_domain)
    root = domain.rstrip("/") if domain else api_base.split("/api/events/")[0]
    return root + f"/{quote(slug, safe='')}/"


def integer(value: Any) -> int | None:
    """A JSON integer (not a boolean), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _break_title(description: Any) -> Multilingual:
    text = multilingual(description)
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
    from ..timezones import zone_of
    return zone_of(name)
