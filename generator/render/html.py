"""Model → HTML pages, through Jinja2 templates compiled once per build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import jinja2

from .. import urls
from ..i18n import choose
from ..model import Conference, Multilingual
from .markup import render_markdown


def environment(template_dirs: Sequence[Path]) -> jinja2.Environment:
    """A Jinja2 environment searching the user's folders before ours, autoescaping everything."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["markdown"] = render_markdown
    return env


class PageContext:
    """What every template can call for one locale: localised strings, links relative to the page, times."""

    def __init__(self, conference: Conference, locale: str, base_url: str | None) -> None:
        self.conference = conference
        self.locale = locale
        self.base_url = base_url

    def t(self, value: Multilingual | str | None) -> str:
        """The string of a multilingual value for this locale."""
        return choose(value, self.locale, self.conference.default_locale)

    def time(self, moment: dt.datetime) -> str:
        """A time of day in the event's zone."""
        return moment.astimezone(self.conference.zone).strftime("%H:%M")

    def date(self, value: dt.date) -> str:
        """A date, written out."""
        return value.strftime("%A, %Y-%m-%d")

    def iso(self, moment: dt.datetime) -> str:
        """A machine-readable timestamp for <time datetime>."""
        return moment.isoformat()


class HtmlRenderer:
    """Renders every page of one locale."""

    def __init__(self, conference: Conference, env: jinja2.Environment, *, base_url: str | None = None,
                 locales: Sequence[str] = ()) -> None:
        self.conference = conference
        self.env = env
        self.base_url = base_url
        self.locales = tuple(locales) or conference.locales

    def pages(self, locale: str) -> Iterator[tuple[str, bytes, str]]:
        """(path, bytes, owner) for every page of `locale`."""
        conf = self.conference
        yield self._page("overview.html", urls.home(locale), locale, "overview")
        for day in conf.days:
            yield self._page("day.html", urls.day(locale, day.date), locale, f"day {day.date}",
                             day=day, entries=conf.entries_on(day))
        for room in conf.rooms:
            yield self._page("room.html", urls.room(locale, room.slug), locale, f"room {room.id}",
                             room=room, entries=conf.entries_in_room(room))
        for track in conf.tracks:
            yield self._page("track.html", urls.track(locale, track.slug), locale, f"track {track.id}",
                             track=track, entries=conf.entries_in_track(track))
        for session in conf.talks:
            yield self._page("talk.html", urls.talk(locale, session.code), locale, f"session {session.code}",
                             session=session, entries=conf.entries_of(session))
        for speaker in conf.speakers:
            yield self._page("speaker.html", urls.speaker(locale, speaker.code), locale,
                             f"speaker {speaker.code}", speaker=speaker, sessions=conf.sessions_of(speaker))
        yield self._page("talks.html", urls.talks(locale), locale, "session list", sessions=conf.talks)
        yield self._page("speakers.html", urls.speakers(locale), locale, "speaker list")

    def root_pages(self) -> Iterator[tuple[str, bytes, str]]:
        """The language chooser at the root and the 404 page."""
        yield self._page("root.html", "index.html", self.conference.default_locale, "root index")
        yield self._page("404.html", "404.html", self.conference.default_locale, "404 page")

    def _page(self, template: str, path: str, locale: str, owner: str, **context: Any) -> tuple[str, bytes, str]:
        ctx = PageContext(self.conference, locale, self.base_url)

        def link(target: str) -> str:
            return urls.relative(path, target)

        html = self.env.get_template(template).render(
            conf=self.conference, locale=locale, locales=self.locales, page_path=path, link=link, urls=urls,
            t=ctx.t, fmt=ctx, **context)
        return path, html.encode("utf-8"), owner
