"""Model → iCalendar (RFC 5545) feeds: one VEVENT per scheduled slot, stable UIDs, times from the data only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

import icalendar

from .. import timezones, urls
from ..identity import uid, uid_host
from ..i18n import choose
from ..model import Conference, Entry, Multilingual
from ..revisions import Revision, revise
from .markup import plain_text
from .vtimezone import vtimezone

REFRESH = dt.timedelta(hours=1)  # how often subscribed calendars should look for moved sessions
FOLD_LIMIT = 75  # octets: icalendar's limit, which keeps each line (the fold's leading space included) at 75


class IcalRenderer:
    """Builds the .ics feeds of one locale.

    Each entry's VEVENT is serialised once and spliced into every feed that lists it (a session appears in
    up to six feeds); icalendar still writes every line, so escaping and folding stay its job.
    """

    END = b"END:VCALENDAR\r\n"

    def __init__(self, conference: Conference, locale: str, *, base_url: str | None, stamp: dt.datetime,
                 revisions: Mapping[str, Revision] | None = None) -> None:
        self.conference = conference
        self.locale = locale
        self.base_url = base_url
        self.stamp = stamp.astimezone(dt.timezone.utc)
        # each occurrence's SEQUENCE and DTSTAMP/LAST-MODIFIED; without a record, a first build's: 0 and the stamp
        self.revisions = revisions if revisions is not None else revise(conference, {}, self.stamp)
        self.host = uid_host(conference.url, base_url)
        # a zone known only by its offset has no TZID a reader knows (Etc/GMT-2 is read as floating by some):
        # such times are written in UTC; so is the zone UTC itself
        self.in_utc = timezones.is_fixed_offset(conference.timezone) or conference.timezone in {"UTC", "Etc/UTC"}
        timezone = self._vtimezone()
        self._timezone = serialise(timezone) if timezone is not None else b""
        self._common = self._common_properties()
        self._events: dict[str, bytes] = {}

    def calendar(self, entries: Iterable[Entry], scope: str, title: str = "") -> bytes:
        """One VCALENDAR of the given entries (breaks left out); `scope` tells feeds apart in PRODID."""
        events = b"".join(self._event(entry) for entry in entries if not entry.session.is_break)
        return self.head(scope, title) + self._common + self._timezone + events + self.END

    def head(self, scope: str, title: str = "") -> bytes:
        """The opening lines of one feed, as icalendar writes a Calendar of them (VERSION and PRODID first)."""
        name = self._t(self.conference.name)
        full_name = _text(f"{name}: {title}" if title else name)
        lines = ("BEGIN:VCALENDAR", "VERSION:2.0",
                 "PRODID:" + _text(f"-//pretalx-static//{self.host}//{self.conference.slug}//{scope}"),
                 "NAME:" + full_name, "X-WR-CALNAME:" + full_name)
        return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")

    def _common_properties(self) -> bytes:
        """The calendar properties every feed shares, serialised once."""
        cal = icalendar.Calendar()
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        if not self.in_utc:
            cal.add("x-wr-timezone", self.conference.timezone)
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(REFRESH).to_ical().decode())
        lines = serialise(cal)
        return lines[len(b"BEGIN:VCALENDAR\r\n"):-len(self.END)]

    def _vtimezone(self) -> icalendar.Timezone | None:
        """The event zone's VTIMEZONE for the years the sessions span; None when times are written in UTC."""
        entries = self.conference.entries
        if not entries or self.in_utc:
            return None
        zone = self.conference.zone
        first = min(e.slot.start for e in entries).astimezone(zone).year
        last = max(e.slot.end for e in entries).astimezone(zone).year
        return vtimezone(self.conference.timezone, first, last)

    def _event(self, entry: Entry) -> bytes:
        key = entry.key
        if key not in self._events:
            self._events[key] = self._serialise_event(entry)
        return self._events[key]

    def _serialise_event(self, entry: Entry) -> bytes:
        """One VEVENT, as icalendar writes an Event of these properties: its canonical ones first, then the rest
        by name; every value encoded by icalendar's own property types. Assembling the lines here costs a tenth
        of building an `icalendar.Event` (0.4 ms a session: seconds for a large event in every locale)."""
        conf, session = self.conference, entry.session
        speakers = ", ".join(s.name for s in conf.speakers_of(session))
        title = self._t(session.title)
        categories = [name for name in (self._t(x.name) for x in (conf.track(session.track_id),
                                                                   conf.session_type(session.type_id))
                                        if x is not None) if name]
        description = plain_text(session.abstract)
        url = urls.occurrence_url(entry, self.locale, self.base_url)
        revision = self.revisions.get(entry.key) or Revision(0, self.stamp, "")
        lines = [
            "BEGIN:VEVENT",
            "SUMMARY:" + _text(f"{title} - {speakers}" if speakers else title),  # pretalx's own SUMMARY shape
            "DTSTART" + self._when(entry.slot.start),
            # RFC 5545 3.6.1: DTEND must be later than DTSTART; without one, an event ends when it starts
            *(["DTEND" + self._when(entry.slot.end)] if entry.slot.end > entry.slot.start else []),
            "DTSTAMP" + _moment(revision.stamp),
            "UID:" + _text(uid(conf.slug, session.code, self.host, entry.index, len(session.slots))),
            "SEQUENCE:" + str(revision.sequence),  # icalendar writes it among its canonical first properties
            # RFC 5545 §3.8.1.1: a URI attachment; calendar apps list them with the event
            *("ATTACH:" + icalendar.vUri(r.url).to_ical().decode() for r in session.resources),
            *(["CATEGORIES:" + icalendar.vCategory(categories).to_ical().decode()] if categories else []),
            *(["DESCRIPTION:" + _text(description)] if description else []),
            "LAST-MODIFIED" + _moment(revision.stamp),
            "LOCATION:" + _text(self._t(conf.room(entry.slot.room_id).name)),
            "STATUS:" + ("CANCELLED" if session.is_cancelled else "CONFIRMED"),
            *(["URL:" + icalendar.vUri(url).to_ical().decode()] if url else []),
            "END:VEVENT",
        ]
        return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")

    def _when(self, moment: dt.datetime) -> str:
        """A DATE-TIME in the event's zone; in UTC where that zone has no TZID or the wall time occurs twice
        (the autumn night's two 02:30s: RFC 5545 3.3.5 would read both as the first)."""
        if self.in_utc:
            return _moment(moment.astimezone(dt.timezone.utc))
        if timezones.repeated(moment, self.conference.zone):
            return _moment(moment.astimezone(dt.timezone.utc))
        return _moment(moment.astimezone(self.conference.zone))

    def _t(self, value: Multilingual) -> str:
        return choose(value, self.locale, self.conference.default_locale)


def _text(value: str) -> str:
    """A TEXT value, escaped by icalendar."""
    return icalendar.vText(value).to_ical().decode()


def _moment(moment: dt.datetime) -> str:
    """A date-time's parameters and value, as icalendar writes them (";TZID=Europe/Berlin:20261227T103000")."""
    # keyed by wall time and zone: aware datetimes in two zones compare equal when they are the same instant
    return _wall_time(moment.replace(tzinfo=None), moment.tzinfo)


@lru_cache(maxsize=4096)  # sessions share start and end times
def _wall_time(wall: dt.datetime, zone: dt.tzinfo | None) -> str:
    value = icalendar.vDDDTypes(wall.replace(tzinfo=zone))
    parameters = value.params.to_ical().decode()
    return (f";{parameters}" if parameters else "") + ":" + value.to_ical().decode()


def serialise(component: icalendar.Component) -> bytes:
    """`component.to_ical()`, byte for byte, with the lines folded in slices rather than one character at a time.

    icalendar still writes every content line (names, parameters, escaping); only its folding is replaced,
    which cost a quarter of a large event's feed time.
    """
    return b"".join(fold(line).encode("utf-8") + b"\r\n" for line in component.content_lines() if line)


def fold(line: str) -> str:
    """An RFC 5545 content line folded as icalendar folds it: at most 74 octets, then CRLF and a space before each
    continuation; never right after a backslash or caret, so escapes stay whole (icalendar issue #1501)."""
    if line.isascii():  # one octet a character: cut in slices
        if len(line) < FOLD_LIMIT:
            return line
        pieces, start = [], 0
        while len(line) - start >= FOLD_LIMIT:
            end = start + FOLD_LIMIT - 1
            if line[end - 1] in "\\^":
                end -= 1
            pieces.append(line[start:end])
            start = end
        pieces.append(line[start:])
        return "\r\n ".join(pieces)
    pieces, start, size = [], 0, 0
    for index, char in enumerate(line):
        octets = 1 if char < "\x80" else 2 if char < "\u0800" else 3 if char < "\U00010000" else 4
        if index > start and size + octets >= FOLD_LIMIT:
            if index - start > 1 and line[index - 1] in "\\^":
                pieces.append(line[start:index - 1])
                start, size = index - 1, 1  # the escape character opens the next line
            else:
                pieces.append(line[start:index])
                start, size = index, 0
        size += octets
    pieces.append(line[start:])
    return "\r\n ".join(pieces)
