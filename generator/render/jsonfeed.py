"""Model → our JSON feed `{lang}/schedule.json`: everything a third-party page needs, in one documented shape.

The shape is published as `schemas/schedule.schema.json`; bump SCHEMA_VERSION when it changes incompatibly.
Links are absolute when the site's base URL is known, else relative to the feed itself.
"""

from __future__ import annotations

import json
from typing import Any

from .. import urls
from ..i18n import choose
from ..model import Conference, Day, Multilingual, Room, Session, Speaker, Track

SCHEMA_VERSION = 1
GENERATOR = "pretalx-static"


class JsonFeed:
    """Builds the JSON feed of one locale."""

    def __init__(self, conference: Conference, locale: str, *, base_url: str | None) -> None:
        self.conference = conference
        self.locale = locale
        self.base_url = base_url
        self.path = urls.json_feed(locale)

    def render(self) -> bytes:
        """The feed as UTF-8 JSON, keys in a fixed order, lists in timetable / event order."""
        # compact, as pretalx's own exports: json's C encoder writes no indentation, and these are for machines
        return (json.dumps(self.document(), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")

    def document(self) -> dict[str, Any]:
        """The feed as a JSON-ready dict."""
        conf = self.conference
        return {
            "schema_version": SCHEMA_VERSION,
            "generator": GENERATOR,
            "locale": self.locale,
            "event": self._event(),
            "days": [self._day(day) for day in conf.days],
            "rooms": [self._room(room) for room in conf.rooms],
            "tracks": [self._track(track) for track in conf.tracks],
            "sessions": [self._session(session) for session in self._sessions()],
            "speakers": [self._speaker(speaker) for speaker in conf.speakers],
        }

    def _event(self) -> dict[str, Any]:
        conf, home = self.conference, urls.home(self.locale)
        return {
            "slug": conf.slug,
            "name": self._t(conf.name),
            "timezone": conf.timezone,
            "default_locale": conf.default_locale,
            "locales": list(conf.locales),
            "start_date": _iso(conf.start_date),
            "end_date": _iso(conf.end_date),
            "day_change_hour": conf.day_change_hour,
            "schedule_version": conf.schedule_version,
            "released": _iso(conf.local(conf.released) if conf.released else None),
            "source_url": conf.url,
            "url": self._link(home),
            "feeds": {"ical": self._link(urls.schedule_ical(self.locale)), "frab_xml": self._link(urls.frab_xml(self.locale)),
                      "frab_json": self._link(urls.frab_json(self.locale))},
        }

    def _day(self, day: Day) -> dict[str, Any]:
        page = urls.day(self.locale, day.date)
        local = self.conference.local
        return {"index": day.index, "date": day.date.isoformat(), "start": local(day.start).isoformat(),
                "end": local(day.end).isoformat(), "url": self._link(page), "ical": self._link(urls.day_ical(self.locale, day.date))}

    def _room(self, room: Room) -> dict[str, Any]:
        page = urls.room(self.locale, room.slug)
        return {"id": room.id, "slug": room.slug, "name": self._t(room.name),
                "description": self._t(room.description), "capacity": room.capacity,
                "url": self._link(page), "ical": self._link(urls.room_ical(self.locale, room.slug))}

    def _track(self, track: Track) -> dict[str, Any]:
        page = urls.track(self.locale, track.slug)
        return {"id": track.id, "slug": track.slug, "name": self._t(track.name),
                "description": self._t(track.description), "color": track.color,
                "url": self._link(page), "ical": self._link(urls.track_ical(self.locale, track.slug))}

    def _sessions(self) -> list[Session]:
        """Every scheduled session, breaks included, in the order of its first slot."""
        seen: dict[str, Session] = {}
        for entry in self.conference.entries:
            seen.setdefault(entry.session.code, entry.session)
        return list(seen.values())

    def _session(self, session: Session) -> dict[str, Any]:
        conf = self.conference
        kind = conf.session_type(session.type_id)
        page = None if session.is_break else urls.talk(self.locale, session.code)
        return {
            "code": session.code,
            "title": self._t(session.title),
            "subtitle": session.subtitle,
            "is_break": session.is_break,
            "state": session.state,
            "cancelled": session.is_cancelled,
            "speakers": list(session.speaker_codes),
            "track": session.track_id,
            "type": self._t(kind.name) if kind else None,
            "language": session.content_locale,
            "languages": list(session.languages),
            "abstract": session.abstract,
            "description": session.description,
            "do_not_record": session.do_not_record,
            "recording_license": session.recording_license,
            "image": session.image_url,
            "resources": [{"url": r.url, "description": r.description, "kind": r.kind, "type": r.type}
                          for r in session.resources],
            "slots": [{"start": conf.local(e.slot.start).isoformat(), "end": conf.local(e.slot.end).isoformat(),
                       "duration_minutes": e.slot.duration_minutes, "room": e.slot.room_id,
                       "day": conf.day_of_slot(e.slot).isoformat(), "guid": e.slot.guid,
                       "source_url": e.slot.url} for e in conf.entries_of(session)],
            "url": self._link(page) if page else None,
            "ical": self._link(urls.talk_ical(self.locale, session.code)) if page else None,
            "source_url": session.source_url,
            "feedback_url": session.feedback_url,
        }

    def _speaker(self, speaker: Speaker) -> dict[str, Any]:
        page = urls.speaker(self.locale, speaker.code)
        return {"code": speaker.code, "name": speaker.name, "biography": speaker.biography,
                "avatar": speaker.avatar_url,
                "sessions": [s.code for s in self.conference.sessions_of(speaker)],
                "url": self._link(page), "ical": self._link(urls.speaker_ical(self.locale, speaker.code))}

    def _link(self, path: str) -> str:
        """An absolute URL when the site's base URL is known, else a link relative to the feed."""
        return urls.absolute(self.base_url, path) or urls.relative(self.path, path)

    def _t(self, value: Multilingual) -> str:
        return choose(value, self.locale, self.conference.default_locale)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
