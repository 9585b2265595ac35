"""What one timetable slot shows in one locale, worked out once: templates read its fields instead of calling helpers.

A session is listed on up to six pages (its day, room, track, speakers, the session list, other sessions' pages);
each listing used to look up its room and track, format its times and pick its strings anew, and a call from a
template costs several times what reading an attribute does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .. import i18n, timezones, urls
from ..i18n import choose
from ..model import Appearance, Conference, Entry, Multilingual
from .contrast import track_colours


@dataclass(frozen=True, slots=True)
class SlotView:
    """One slot of one session as the pages of one locale show it."""

    code: str
    page: str  # the session page's output path ("" for a break, which has none)
    title: str
    is_break: bool
    is_cancelled: bool
    content_locale: str  # the language the session is held in ("" when unknown)
    lang: str  # the same, only where it differs from the page's locale: what a `lang` attribute needs (for a
    # break, the language its title fell back to)
    speakers: str | None  # the speakers' names, comma-separated; None for a session that names none
    day: str  # the conference day, ISO (what day pages and filters group by)
    date: str  # the calendar date the slot starts on, ISO (what an attendee's calendar says)
    date_label: str  # that date as the locale writes it
    night_label: str  # the conference day as the locale writes it, when it is not that date (after midnight)
    start: str  # ISO timestamps
    end: str
    start_time: str  # wall-clock times in the event's zone, as the locale writes them
    end_time: str
    room: str  # slug
    room_name: str
    room_lang: str  # the language the room's name fell back to, "" when it is the page's
    track: str  # slug, "" without a track
    track_name: str
    track_lang: str  # the language the track's name fell back to, "" when it is the page's
    colour: str  # the track's #rrggbb as the organisers chose it, "" without one
    colours: str  # the inline-style declarations that show it legibly in both themes (contrast.TrackColours.css), ""
    moved_from: str  # where the latest version moved it from ("14:00, Hall A"; with the date when that changed)


class SlotViews:
    """The `SlotView` of every entry of one locale, made on first use."""

    def __init__(self, conference: Conference, locale: str, moved: Mapping[str, Appearance] | None = None) -> None:
        self.conference = conference
        self.locale = locale
        self.moved = moved or {}  # changelog.latest_moves: where each occurrence the latest version moved was
        self._views: dict[str, SlotView] = {}

    def __call__(self, entry: Entry) -> SlotView:
        view = self._views.get(entry.key)
        if view is None:
            view = self._views[entry.key] = self._make(entry)
        return view

    def _make(self, entry: Entry) -> SlotView:
        conf, locale, session, slot = self.conference, self.locale, entry.session, entry.slot
        room = conf.room(slot.room_id)
        track = conf.track(session.track_id)
        day = conf.day_of_slot(slot)
        date = conf.local(slot.start).date()
        night = conf.night_of(slot)
        content_locale = session.content_locale or ""
        return SlotView(
            code=session.code, page="" if session.is_break else urls.talk(locale, session.code), title=self._t(session.title),
            is_break=session.is_break, is_cancelled=session.is_cancelled, content_locale=content_locale,
            lang=(content_locale if content_locale != locale else "") if not session.is_break
            else i18n.fallback_language(session.title, locale, conf.default_locale),
            speakers=", ".join(p.name for p in conf.speakers_of(session)) if session.speaker_codes else None,
            day=day.isoformat(), date=date.isoformat(), date_label=i18n.short_date(date, locale),
            night_label=i18n.short_date(night, locale) if night else "",
            start=conf.local(slot.start).isoformat(), end=conf.local(slot.end).isoformat(),
            start_time=self._clock(slot.start), end_time=self._clock(slot.end),
            room=room.slug, room_name=self._t(room.name),
            room_lang=i18n.fallback_language(room.name, locale, conf.default_locale),
            track=track.slug if track else "", track_name=self._t(track.name) if track else "",
            track_lang=i18n.fallback_language(track.name, locale, conf.default_locale) if track else "",
            colour=(track.color or "") if track else "",
            colours=track_colours(track.color).css if track and track.color else "", moved_from=self._moved_from(entry))

    def _moved_from(self, entry: Entry) -> str:
        before = self.moved.get(entry.key)
        if before is None:
            return ""
        date = self.conference.local(before.start).date()
        shown = f"{self._clock(before.start)}, {self._t(before.room)}"
        return shown if date == self.conference.local(entry.slot.start).date() \
            else f"{i18n.short_date(date, self.locale)} {shown}"

    def _clock(self, moment: dt.datetime) -> str:
        """The wall-clock time; with the zone's abbreviation ("02:30 CET") where that time occurs twice."""
        zone = self.conference.zone
        shown = i18n.time_of_day(moment, zone, self.locale)
        return f"{shown} {moment.astimezone(zone).tzname()}" if timezones.repeated(moment, zone) else shown

    def _t(self, value: Multilingual) -> str:
        return choose(value, self.locale, self.conference.default_locale)
