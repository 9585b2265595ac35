"""The domain model: frozen records for one conference, with query methods and no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

DEFAULT_DAY_CHANGE_HOUR = 4


@dataclass(frozen=True)
class Multilingual:
    """A string that may exist in several locales; a plain string has the locale key ''."""

    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, value: str | Mapping[str, str] | None) -> Multilingual:
        """Wrap a pretalx value: a plain string, a {locale: text} object, or nothing."""
        if value is None:
            return cls()
        if isinstance(value, str):
            return cls((("", value),))
        return cls(tuple(sorted((str(k), v) for k, v in value.items() if isinstance(v, str))))

    def as_dict(self) -> dict[str, str]:
        """The raw mapping of locale to text."""
        return dict(self.values)

    def __bool__(self) -> bool:
        return any(text for _, text in self.values)


def conference_day(moment: dt.datetime, day_change_hour: int = DEFAULT_DAY_CHANGE_HOUR) -> dt.date:
    """The conference day a moment belongs to: before `day_change_hour` it is still the previous day."""
    return (moment - dt.timedelta(hours=day_change_hour)).date()


@dataclass(frozen=True)
class Room:
    """A place where sessions happen."""

    id: str
    slug: str
    name: Multilingual
    description: Multilingual = Multilingual()
    capacity: int | None = None
    position: int = 0
    guid: str | None = None


@dataclass(frozen=True)
class Track:
    """A thematic strand of the programme."""

    id: str
    slug: str
    name: Multilingual
    description: Multilingual = Multilingual()
    color: str | None = None  # validated "#rrggbb" or None


@dataclass(frozen=True)
class SessionType:
    """The format of a session (talk, workshop, lightning talk...)."""

    id: str
    name: Multilingual
    default_duration: int | None = None


# states of a scheduled session that will not take place (pretalx SubmissionStates, frab's "canceled")
CANCELLED_STATES = frozenset({"canceled", "cancelled", "withdrawn", "rejected"})


@dataclass(frozen=True)
class Resource:
    """A public link or file attached to a session.

    `kind` is "link" (a page elsewhere) or "attachment" (a file the source hosts), as frab tells `links` from
    `attachments`; `type` is frab's reference type ("slides", "related"...) when the source gives one.
    """

    url: str
    description: str = ""
    kind: str = "link"
    type: str = ""


@dataclass(frozen=True)
class Speaker:
    """A person presenting one or more sessions."""

    code: str
    name: str
    biography: str = ""
    avatar_url: str | None = None
    source_id: str | None = None  # frab's positive numeric person id, kept for round trips (ConfClerk keys on it)


def speaker_order(speaker: Speaker) -> tuple[str, str]:
    """The sort key of the one speaker order every output lists: by name, letter case and ß/ss folded
    (`str.casefold`), then by code, so two people of one name keep a stable order."""
    return speaker.name.casefold(), speaker.code


@dataclass(frozen=True)
class Slot:
    """One scheduled occurrence: when and where. `start` and `end` are UTC instants (local time is for display)."""

    start: dt.datetime
    end: dt.datetime
    room_id: str
    guid: str | None = None  # frab's per-occurrence guid, kept for round trips
    source_id: str | None = None  # frab's numeric event id, kept for round trips
    url: str | None = None  # this occurrence's own page at the source (frab lists each with its URL)
    day: dt.date | None = None  # the conference day the source lists this slot under, when it lists days

    @property
    def duration_minutes(self) -> int:
        """Length in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Session:
    """A talk, workshop or break; scheduled in one or more slots."""

    code: str
    title: Multilingual
    slots: tuple[Slot, ...]
    is_break: bool = False
    state: str = "confirmed"
    speaker_codes: tuple[str, ...] = ()
    track_id: str | None = None
    type_id: str | None = None
    abstract: str = ""
    description: str = ""
    content_locale: str | None = None
    do_not_record: bool = False
    image_url: str | None = None
    resources: tuple[Resource, ...] = ()
    subtitle: str = ""
    source_url: str | None = None
    languages: tuple[str, ...] = ()  # every language the session is held in ("de, en" in frab), valid codes
    recording_license: str = ""  # as the source writes it ("CC BY 4.0")
    feedback_url: str | None = None

    @property
    def links(self) -> tuple[Resource, ...]:
        """Resources that are links to pages elsewhere."""
        return tuple(r for r in self.resources if r.kind != "attachment")

    @property
    def attachments(self) -> tuple[Resource, ...]:
        """Resources that are files the source hosts."""
        return tuple(r for r in self.resources if r.kind == "attachment")

    @property
    def is_cancelled(self) -> bool:
        """True when the source marks the session as cancelled, or it was rejected or withdrawn after the
        schedule's release (pretalx keeps it in that schedule with its new state: it will not take place)."""
        return self.state in CANCELLED_STATES

    @property
    def start(self) -> dt.datetime:
        """Start of the first slot."""
        return self.slots[0].start

    @property
    def end(self) -> dt.datetime:
        """End of the first slot."""
        return self.slots[0].end


@dataclass(frozen=True)
class Entry:
    """One slot of one session: the unit of timetables and feeds."""

    session: Session
    slot: Slot
    index: int  # 0 for a session's first slot

    @property
    def key(self) -> str:
        """A stable identifier of this occurrence: the session code, suffixed for extra slots."""
        return self.session.code if self.index == 0 else f"{self.session.code}-{self.index + 1}"


@dataclass(frozen=True)
class Day:
    """One conference day, running from `start` to `end` (UTC instants): the source's day, or the day-change hour's."""

    index: int  # 1-based, as frab numbers days
    date: dt.date
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Appearance:
    """One scheduled occurrence as one version shows it.

    `key` is the occurrence's Entry.key (a session's code, suffixed for its extra slots); `start` and `end` are
    UTC instants; `room` the room's name as that version had it; `speakers` the names in the session's order."""

    key: str
    code: str
    title: Multilingual
    start: dt.datetime
    end: dt.datetime
    room: Multilingual
    speakers: tuple[str, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True)
class ScheduleVersion:
    """One released version: its name, its `updated` instant (UTC: the release where the source has one, see
    history.py), and every occurrence it lists, sorted by key."""

    name: str
    updated: dt.datetime
    appearances: tuple[Appearance, ...]

    def by_key(self) -> dict[str, Appearance]:
        """The appearances by occurrence key."""
        return {a.key: a for a in self.appearances}

    def same_schedule(self, other: ScheduleVersion) -> bool:
        """True when both list the same occurrences alike (names and stamps aside)."""
        return self.appearances == other.appearances


@dataclass(frozen=True)
class Conference:
    """Everything the site shows about one event."""

    slug: str
    name: Multilingual
    timezone: str
    locales: tuple[str, ...]
    default_locale: str
    rooms: tuple[Room, ...]
    tracks: tuple[Track, ...]
    session_types: tuple[SessionType, ...]
    speakers: tuple[Speaker, ...]  # in speaker_order: pages, feeds and the search index list them as they are
    sessions: tuple[Session, ...]
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    day_change_hour: int = DEFAULT_DAY_CHANGE_HOUR
    source_days: tuple[Day, ...] = ()  # the days the source lists (frab `days[]`), in order; () to use the hour
    url: str | None = None  # the event's public pretalx URL, if known
    schedule_version: str | None = None
    released: dt.datetime | None = None  # when this schedule was released; feeds' DTSTAMP
    source_kind: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    color: str | None = None  # the event's own colour (pretalx `primary_color`), validated "#rrggbb", or None
    # the versions released before this one, oldest first, where the source lists them (pretalx's public schedule
    # feed and versioned schedules); None where it does not (a frab file: history.py keeps those a build has seen)
    history: tuple[ScheduleVersion, ...] | None = None
    by_pretalx: bool = False  # the source is pretalx: its API, or an export it made (frab `generator`)

    # ---- lookups -------------------------------------------------------
    def indexed(self) -> Conference:
        """This conference with every lookup table built: done before rendering forks, so each is built once."""
        for name, value in type(self).__dict__.items():
            if isinstance(value, cached_property):
                getattr(self, name)
        return self

    @cached_property
    def _rooms(self) -> dict[str, Room]:
        return {room.id: room for room in self.rooms}

    @cached_property
    def _tracks(self) -> dict[str, Track]:
        return {track.id: track for track in self.tracks}

    @cached_property
    def _types(self) -> dict[str, SessionType]:
        return {kind.id: kind for kind in self.session_types}

    @cached_property
    def _speakers(self) -> dict[str, Speaker]:
        return {speaker.code: speaker for speaker in self.speakers}

    def room(self, room_id: str) -> Room:
        """The room with this id."""
        return self._rooms[room_id]

    def track(self, track_id: str | None) -> Track | None:
        """The track with this id, or None."""
        return self._tracks.get(track_id) if track_id else None

    def session_type(self, type_id: str | None) -> SessionType | None:
        """The session type with this id, or None."""
        return self._types.get(type_id) if type_id else None

    def speaker(self, code: str) -> Speaker:
        """The speaker with this code."""
        return self._speakers[code]

    def speakers_of(self, session: Session) -> tuple[Speaker, ...]:
        """The speakers of a session, in the session's order."""
        return tuple(self._speakers[code] for code in session.speaker_codes)

    # ---- the timetable -------------------------------------------------
    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        """Every scheduled slot, ordered by start, room position, then code."""
        positions = {room.id: (room.position, index) for index, room in enumerate(self.rooms)}
        items = [Entry(session, slot, index)
                 for session in self.sessions for index, slot in enumerate(session.slots)]
        return tuple(sorted(items, key=lambda e: (e.slot.start, positions.get(e.slot.room_id, (0, 0)),
                                                  e.slot.end, e.key)))

    @cached_property
    def days(self) -> tuple[Day, ...]:
        """The conference days: the source's own list when it has one (frab `days[]`), else the days of the
        day-change rule that have sessions (or the event's dates when nothing is scheduled)."""
        if self.source_days:
            return self.source_days
        dates = {self.day_of_slot(entry.slot) for entry in self.entries}
        if not dates and self.start_date and self.end_date:
            span = (self.end_date - self.start_date).days
            dates = {self.start_date + dt.timedelta(days=n) for n in range(span + 1)}
        return tuple(self.hour_day(index, date) for index, date in enumerate(sorted(dates), start=1))

    def hour_day(self, index: int, date: dt.date) -> Day:
        """The day `date` of the day-change rule: from `day_change_hour` that day to the same hour the next."""
        return Day(index, date, self._local_instant(date), self._local_instant(date + dt.timedelta(days=1)))

    def _local_instant(self, date: dt.date) -> dt.datetime:
        return dt.datetime.combine(date, dt.time(self.day_change_hour), tzinfo=self.zone).astimezone(dt.timezone.utc)

    @cached_property
    def zone(self) -> dt.tzinfo:
        """The event's time zone: an IANA zone, or a fixed offset when the source names none (`timezones`)."""
        from .timezones import zone_of
        return zone_of(self.timezone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A moment as the event's wall clock shows it (for display only: arithmetic stays in UTC)."""
        return moment.astimezone(self.zone)

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The conference day a moment belongs to by the day-change hour."""
        return conference_day(moment.astimezone(self.zone), self.day_change_hour)

    def night_of(self, slot: Slot) -> dt.date | None:
        """The conference day a slot belongs to when it is not the calendar date the slot starts on (a 00:30 set
        of Saturday's night, on Sunday), else None: pages show the calendar date, and this day beside it."""
        day = self.day_of_slot(slot)
        return day if day != self.local(slot.start).date() else None

    def day_of_slot(self, slot: Slot) -> dt.date:
        """The conference day of a slot: the one the source lists it under, else the day-change hour's.

        The one rule for every page and feed (day pages, navigation, frab `days[]`, the JSON feed)."""
        if slot.day is not None and self.source_days:
            return slot.day
        return self.day_of(slot.start)

    @cached_property
    def _entries_by_day(self) -> dict[dt.date, tuple[Entry, ...]]:
        return _group(self.entries, lambda e: self.day_of_slot(e.slot))

    @cached_property
    def _entries_by_room(self) -> dict[str, tuple[Entry, ...]]:
        return _group(self.entries, lambda e: e.slot.room_id)

    @cached_property
    def _entries_by_track(self) -> dict[str | None, tuple[Entry, ...]]:
        return _group(self.entries, lambda e: e.session.track_id)

    def entries_on(self, day: Day) -> tuple[Entry, ...]:
        """The slots of one conference day."""
        return self._entries_by_day.get(day.date, ())

    def entries_in_room(self, room: Room) -> tuple[Entry, ...]:
        """The slots held in one room."""
        return self._entries_by_room.get(room.id, ())

    def entries_in_track(self, track: Track) -> tuple[Entry, ...]:
        """The slots of one track's sessions."""
        return self._entries_by_track.get(track.id, ())

    @cached_property
    def _room_neighbours(self) -> dict[str, tuple[Entry | None, Entry | None]]:
        result: dict[str, tuple[Entry | None, Entry | None]] = {}
        for entries in self._entries_by_room.values():
            talks = [e for e in entries if not e.session.is_break]
            for i, entry in enumerate(talks):
                result[entry.key] = (talks[i - 1] if i else None, talks[i + 1] if i + 1 < len(talks) else None)
        return result

    def neighbours_in_room(self, entry: Entry) -> tuple[Entry | None, Entry | None]:
        """The sessions (not breaks) just before and just after this slot in the same room."""
        return self._room_neighbours.get(entry.key, (None, None))

    @cached_property
    def _parallel(self) -> dict[str, list[Entry]]:
        # one sweep in start order; the work is proportional to the number of overlapping pairs
        result: dict[str, list[Entry]] = {}
        running: list[Entry] = []
        for entry in self.entries:
            if entry.session.is_break:
                continue
            running = [e for e in running if e.slot.end > entry.slot.start]
            mine = result.setdefault(entry.key, [])
            for other in running:
                if other.session.code != entry.session.code:
                    mine.append(other)
                    result[other.key].append(entry)
            running.append(entry)
        return result

    def parallel_to(self, entry: Entry) -> tuple[Entry, ...]:
        """Other sessions (not breaks) overlapping this slot in time, in timetable order."""
        return tuple(self._parallel.get(entry.key, ()))

    @cached_property
    def _sessions_by_speaker(self) -> dict[str, tuple[Session, ...]]:
        index: dict[str, dict[str, Session]] = {}
        for entry in self.entries:
            for code in entry.session.speaker_codes:
                index.setdefault(code, {}).setdefault(entry.session.code, entry.session)
        return {code: tuple(sessions.values()) for code, sessions in index.items()}

    @cached_property
    def _entries_by_code(self) -> dict[str, tuple[Entry, ...]]:
        index: dict[str, list[Entry]] = {}
        for entry in self.entries:
            index.setdefault(entry.session.code, []).append(entry)
        return {code: tuple(found) for code, found in index.items()}

    def entries_of(self, session: Session) -> tuple[Entry, ...]:
        """The slots of one session, in time order."""
        return self._entries_by_code.get(session.code, ())

    def sessions_of(self, speaker: Speaker) -> tuple[Session, ...]:
        """The sessions a speaker presents, in timetable order."""
        return self._sessions_by_speaker.get(speaker.code, ())

    @cached_property
    def talks(self) -> tuple[Session, ...]:
        """Sessions that are not breaks, in timetable order."""
        seen: dict[str, Session] = {}
        for entry in self.entries:
            if not entry.session.is_break:
                seen.setdefault(entry.session.code, entry.session)
        return tuple(seen.values())

    def rooms_used(self, entries: Iterable[Entry]) -> tuple[Room, ...]:
        """The rooms these entries use, in the event's room order."""
        ids = {e.slot.room_id for e in entries}
        return tuple(room for room in self.rooms if room.id in ids)


def _group(entries: Iterable[Entry], key: Callable[[Entry], Any]) -> dict[Any, tuple[Entry, ...]]:
    """Entries grouped by `key`, each group keeping timetable order."""
    groups: dict[Any, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(key(entry), []).append(entry)
    return {k: tuple(v) for k, v in groups.items()}
