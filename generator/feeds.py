"""Every machine feed of one locale: iCal (whole event, day, room, track, session, speaker), frab XML/JSON, our JSON."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping

from . import urls
from .errors import UsageError
from .i18n import choose
from .model import Conference, Multilingual
from .render.frab import FrabDocument, to_json, to_xml
from .render.ical import IcalRenderer
from .render.jsonfeed import JsonFeed
from .revisions import Revision

# the stamp of an event with no dates, no sessions, no release time and no SOURCE_DATE_EPOCH: fixed, never the clock
FALLBACK_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def feed_stamp(conference: Conference, environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """The stamp of this build's revisions (DTSTAMP/LAST-MODIFIED of what changed, see revisions.py): the
    schedule's release, else SOURCE_DATE_EPOCH, else the event's first day at 00:00 UTC (frab and the legacy
    API carry no release time; a date of the data, never the clock), else a fixed date."""
    if conference.released is not None:
        return conference.released
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp",
                             hint="set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct)") from None
    first_day = conference.start_date or (conference.days[0].date if conference.days else None)
    if first_day is not None:
        return dt.datetime.combine(first_day, dt.time(), tzinfo=dt.timezone.utc)
    return FALLBACK_STAMP


def locale_feeds(conference: Conference, locale: str, base_url: str | None,
                 environ: Mapping[str, str] = os.environ,
                 revisions: Mapping[str, Revision] | None = None) -> Iterator[tuple[str, bytes, str]]:
    """(path, bytes, owner) for every feed of `locale`; owners name the object, for collision messages."""
    yield from ical_feeds(conference, locale, base_url, environ, revisions)
    yield from frab_feeds(conference, locale, base_url)
    yield json_feed(conference, locale, base_url)


def ical_feeds(conference: Conference, locale: str, base_url: str | None,
               environ: Mapping[str, str] = os.environ,
               revisions: Mapping[str, Revision] | None = None) -> Iterator[tuple[str, bytes, str]]:
    """The iCal feeds of `locale`: whole event, each day, room, track, session and speaker (one VEVENT each, shared).

    `revisions` (revisions.revise) give each VEVENT its SEQUENCE and stamps; without them, a first build's."""
    conf = conference
    ical = IcalRenderer(conf, locale, base_url=base_url, stamp=feed_stamp(conf, environ), revisions=revisions)

    def t(value: Multilingual) -> str:
        return choose(value, locale, conf.default_locale)

    yield urls.ical(urls.home(locale)), ical.calendar(conf.entries, "schedule"), "iCal of the event"
    for day in conf.days:
        yield (urls.ical(urls.day(locale, day.date)), ical.calendar(conf.entries_on(day), f"day//{day.date}",
                                                                    day.date.isoformat()), f"iCal of day {day.date}")
    for room in conf.rooms:
        yield (urls.ical(urls.room(locale, room.slug)), ical.calendar(conf.entries_in_room(room), f"room//{room.slug}",
                                                                      t(room.name)), f"iCal of room {room.id}")
    for track in conf.tracks:
        yield (urls.ical(urls.track(locale, track.slug)),
               ical.calendar(conf.entries_in_track(track), f"track//{track.slug}", t(track.name)),
               f"iCal of track {track.id}")
    for session in conf.talks:
        yield (urls.ical(urls.talk(locale, session.code)),
               ical.calendar(conf.entries_of(session), f"talk//{session.code}", t(session.title)),
               f"iCal of session {session.code}")
    for speaker in conf.speakers:
        entries = [e for s in conf.sessions_of(speaker) for e in conf.entries_of(s)]
        yield (urls.ical(urls.speaker(locale, speaker.code)),
               ical.calendar(entries, f"speaker//{speaker.code}", speaker.name), f"iCal of speaker {speaker.code}")


def frab_feeds(conference: Conference, locale: str, base_url: str | None) -> Iterator[tuple[str, bytes, str]]:
    """The frab/c3voc schedule of `locale`, as XML and as JSON."""
    frab = FrabDocument(conference, locale, base_url=base_url).document()
    yield urls.frab_xml(locale), to_xml(frab), "frab XML"
    yield urls.frab_json(locale), to_json(frab), "frab JSON"


def json_feed(conference: Conference, locale: str, base_url: str | None) -> tuple[str, bytes, str]:
    """Our own JSON feed of `locale` (schemas/schedule.schema.json)."""
    return urls.json_feed(locale), JsonFeed(conference, locale, base_url=base_url).render(), "JSON feed"
