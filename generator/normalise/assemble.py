"""Turn one source's parts into a consistent Conference: references checked, codes and slugs made safe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .. import timezones
from ..errors import OutputError
from ..i18n import choose
from ..model import (DEFAULT_DAY_CHANGE_HOUR, Conference, Day, Multilingual, Room, ScheduleVersion, Session,
                     SessionType, Slot, Speaker, Track, conference_day, speaker_order)
from ..sanitise import safe_code, slugify
from .checks import Problems


@dataclass
class Parts:
    """What a source-specific normaliser extracts, before cross-checking."""

    slug: str
    name: Multilingual
    timezone: str
    locales: tuple[str, ...]
    default_locale: str
    rooms: list[Room] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)
    session_types: list[SessionType] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    url: str | None = None
    schedule_version: str | None = None
    released: dt.datetime | None = None
    source_kind: str = ""
    days: list[SourceDay] = field(default_factory=list)  # the source's own days, when it lists them
    # the source's own day-change hour (FOSDEM's <day_change>), used for days the source does not list
    day_change_hour: int | None = None
    color: str | None = None  # the event's colour (pretalx `primary_color`), "#rrggbb"
    history: list[ScheduleVersion] | None = None  # earlier released versions, oldest first, where the source lists them
    by_pretalx: bool = False  # pretalx made the source (its API, or an export with pretalx as `generator`)


@dataclass(frozen=True)
class SourceDay:
    """A day as the source lists it (frab `days[]`): its date and, when given, when it starts and ends (UTC)."""

    date: dt.date
    start: dt.datetime | None = None
    end: dt.datetime | None = None


# a wider range is a data error, and near year 1 or 9999 date arithmetic overflows
PLAUSIBLE_YEARS = range(1970, 2200)
MAX_EVENT_DAYS = 366


def parse_time(value: object, zone: dt.tzinfo, where: str, problems: Problems) -> dt.datetime | None:
    """An ISO 8601 timestamp as a UTC instant (a time without an offset is read in `zone`); None (with a
    warning) when unusable. Every later computation (ends, durations, days) is done on these instants."""
    if not isinstance(value, str) or not value:
        problems.warn(where, "no start or end time; left out of the timetable")
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        moment = moment.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        problems.warn(where, f"unreadable time {value!r}; left out of the timetable")
        return None
    if moment.year not in PLAUSIBLE_YEARS:
        problems.warn(where, f"implausible time {value!r}; left out of the timetable")
        return None
    return moment


def written_offset(value: object) -> tuple[dt.datetime, dt.timedelta] | None:
    """(UTC instant, UTC offset) of an ISO 8601 timestamp that carries an offset; None otherwise."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        offset = moment.utcoffset()
        return (moment.astimezone(dt.timezone.utc), offset) if offset is not None else None
    except (ValueError, OverflowError):
        return None


def parse_date(value: object) -> dt.date | None:
    """An ISO date in a plausible year, or None."""
    try:
        date = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None
    return date if date and date.year in PLAUSIBLE_YEARS else None


def event_dates(start: dt.date | None, end: dt.date | None, problems: Problems) -> tuple[dt.date | None, dt.date | None]:
    """The event's first and last day; an end before the start, or a span over a year, keeps only the start."""
    if start and end and not 0 <= (end - start).days <= MAX_EVENT_DAYS:
        problems.warn("event", f"dates {start} to {end} make no sense; using {start} only")
        return start, start
    return start, end


def event_zone(name: object, times: Iterable[object], where: str, problems: Problems,
               chosen: str | None = None) -> str:
    """The event's zone: `chosen` (--time-zone) when given, else the source's IANA or Rails name, else a zone
    consistent with the UTC offsets written in `times` (ISO strings), else UTC; each fallback with a warning
    naming the value. Never UTC while the data carries another offset."""
    if chosen:
        return chosen
    known = timezones.known_name(name)
    if known:
        return known
    inferred = timezones.from_offsets(found for found in map(written_offset, times) if found)
    if isinstance(name, str) and name.strip():
        problems.warn(where, f"unknown time zone {name!r}; using "
                      + (f"{inferred}, from the UTC offsets of the times" if inferred else "UTC (the times carry no offset)"))
    elif inferred:
        problems.warn(where, f"no time zone name; using {inferred}, from the UTC offsets of the times")
    else:
        problems.warn(where, "no time zone name and no UTC offsets in the times; using UTC")
    return inferred or "UTC"


def zone_or_utc(name: object, where: str, problems: Problems) -> str:
    """`event_zone` for a source whose times are not at hand: a known (IANA or Rails) name, else UTC with a warning."""
    return event_zone(name, (), where, problems)


def assemble(parts: Parts, problems: Problems, day_change_hour: int | None = None) -> Conference:
    """Check every reference, make codes and slugs safe and unique, and freeze the Conference.

    Days are the source's own (`parts.days`, each slot on the day the source lists it under) unless
    `day_change_hour` is given (--day-change): then every day runs from that hour to the same hour the next day.
    Without either, the source's hour (`parts.day_change_hour`), else DEFAULT_DAY_CHANGE_HOUR."""
    use_source_days = day_change_hour is None and bool(parts.days)
    locale = parts.default_locale
    rooms = _unique_slugs(parts.rooms, lambda r: choose(r.name, locale, locale) or f"room-{r.id}", "room")
    tracks = _unique_slugs(parts.tracks, lambda t: choose(t.name, locale, locale) or f"track-{t.id}", "track")
    room_ids, track_ids = {r.id for r in rooms}, {t.id for t in tracks}
    type_ids = {t.id for t in parts.session_types}

    speakers: dict[str, Speaker] = {}
    code_map: dict[str, str] = {}  # the source's code → the safe one
    for speaker in parts.speakers:
        code = safe_code(speaker.code)
        if code in speakers:
            _refuse_collision("speaker", speaker, code, code_map)
            problems.warn(f"speaker {speaker.code!r}", f"code used twice ({speakers[code].name!r} and "
                          f"{speaker.name!r}); keeping the first")
            continue
        if code != speaker.code:
            problems.warn(f"speaker {speaker.code!r}", f"code is not a safe path segment; using {code!r}")
        code_map[speaker.code] = code
        speakers[code] = replace(speaker, code=code, name=speaker.name or code)

    sessions: dict[str, Session] = {}
    session_codes: dict[str, str] = {}
    for session in parts.sessions:
        where = f"session {session.code!r}"
        code = safe_code(session.code)
        if code in sessions:
            _refuse_collision("session", session, code, session_codes)
            problems.warn(where, "code used twice; keeping the first")
            continue
        if code != session.code:
            problems.warn(where, f"code is not a safe path segment; using {code!r}")
        session_codes[session.code] = code
        slots = []
        for slot in session.slots:
            if slot.room_id not in room_ids:
                problems.warn(where, f"unknown room {slot.room_id!r}; slot left out of the timetable")
                continue
            if slot.end < slot.start:
                problems.warn(where, "ends before it starts; treated as zero length")
                slot = replace(slot, end=slot.start)
            if not use_source_days and slot.day is not None:
                slot = replace(slot, day=None)
            slots.append(slot)
        if not slots:
            continue  # unscheduled sessions are not part of a schedule site
        speaker_codes = []
        for ref in session.speaker_codes:
            if ref in code_map:
                speaker_codes.append(code_map[ref])
            else:
                problems.warn(where, f"speaker {ref!r} is not among the event's speakers; left out")
        track_id = session.track_id
        if track_id is not None and track_id not in track_ids:
            problems.warn(where, f"unknown track {track_id!r}; shown without a track")
            track_id = None
        type_id = session.type_id if session.type_id in type_ids else None
        sessions[code] = replace(session, code=code, slots=tuple(sorted(slots, key=lambda s: s.start)),
                                 speaker_codes=tuple(dict.fromkeys(speaker_codes)), track_id=track_id,
                                 type_id=type_id)

    # a speaker with no session on the schedule has no public page in pretalx (submission/domain/queries/
    # speaker.py: speakers_for_user lists those of visible submissions); an organiser's token returns them all
    presenting = {code for session in sessions.values() for code in session.speaker_codes}
    speakers = {code: speaker for code, speaker in speakers.items() if code in presenting}
    start_date, end_date = event_dates(parts.start_date, parts.end_date, problems)
    hour = next(h for h in (day_change_hour, parts.day_change_hour, DEFAULT_DAY_CHANGE_HOUR) if h is not None)
    zone = timezones.zone_of(parts.timezone)
    # a session on a day the source does not list (pretalx drops those from its export) still gets its day
    needed = {slot.day if slot.day is not None else conference_day(slot.start.astimezone(zone), hour)
              for session in sessions.values() for slot in session.slots}
    source_days = _source_days(parts.days, needed, hour, zone) if use_source_days else ()
    problems.check()
    return Conference(
        slug=slugify(parts.slug, "event"), name=parts.name, timezone=parts.timezone,
        locales=parts.locales, default_locale=parts.default_locale, rooms=tuple(rooms),
        tracks=tuple(tracks), session_types=tuple(parts.session_types),
        speakers=tuple(sorted(speakers.values(), key=speaker_order)),
        sessions=tuple(sessions.values()), start_date=start_date, end_date=end_date,
        day_change_hour=hour, source_days=source_days, url=parts.url, schedule_version=parts.schedule_version,
        released=parts.released, source_kind=parts.source_kind, color=parts.color, by_pretalx=parts.by_pretalx,
        history=None if parts.history is None else tuple(_recoded(v, session_codes) for v in parts.history))


def _recoded(version: ScheduleVersion, codes: dict[str, str]) -> ScheduleVersion:
    """A version with the session codes the pages use (the safe form of each source code, as sessions got)."""
    appearances = []
    for a in version.appearances:
        code = codes.get(a.code) or safe_code(a.code)
        appearances.append(replace(a, code=code, key=code + a.key.removeprefix(a.code)))
    return replace(version, appearances=tuple(sorted(appearances, key=lambda a: a.key)))


def _source_days(days: list[SourceDay], more: set[dt.date], hour: int, zone: dt.tzinfo) -> tuple[Day, ...]:
    """The source's days and the dates in `more`, as model Days numbered from 1 in date order; a missing start
    or end is the day-change hour's."""
    known = {day.date for day in days}
    days = days + [SourceDay(date) for date in more - known]
    result = []
    for index, day in enumerate(sorted(days, key=lambda d: d.date), start=1):
        def at(date: dt.date) -> dt.datetime:
            return dt.datetime.combine(date, dt.time(hour), tzinfo=zone).astimezone(dt.timezone.utc)
        result.append(Day(index, day.date, day.start or at(day.date), day.end or at(day.date + dt.timedelta(days=1))))
    return tuple(result)


def _refuse_collision(kind: str, other: Speaker | Session, code: str, sources: dict[str, str]) -> None:
    """Two different source codes that map to one safe code would share a page: stop, naming both."""
    first = next((source for source, safe in sources.items() if safe == code), code)
    if first != other.code:
        raise OutputError(f"{kind} {first!r} and {kind} {other.code!r} would both be written to "
                          f"{kind}/{code}/", hint="one code is the safe form of the other; rename one in pretalx")


def _unique_slugs(items: list, name_of, fallback: str) -> list:
    """Give each room or track a slug from its name, suffixed when two names slug alike."""
    taken: set[str] = set()
    result = []
    for item in items:
        base = slugify(name_of(item), fallback)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        result.append(replace(item, slug=slug))
    return result


def slot(start: dt.datetime | None, end: dt.datetime | None, room_id: str | None) -> Slot | None:
    """A Slot when start and room are known (end defaults to start)."""
    if start is None or room_id is None:
        return None
    return Slot(start, end or start, room_id)
