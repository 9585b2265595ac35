"""Model → HTML pages, through Jinja2 templates compiled once per build."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import posixpath
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import i18n, urls
from ..i18n import choose
from ..model import Conference, Entry, Multilingual, Room, Track
from .fragments import Fragments
from .grid import day_grid
from .markup import render_markdown
from .search import script_json
from .views import SlotView, SlotViews


def environment(template_dirs: Sequence[Path]) -> jinja2.Environment:
    """A Jinja2 environment searching the user's folders before ours, autoescaping everything."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
        auto_reload=False)  # one environment per build: no need to stat every template file on every page
    # one environment for every locale, so templates compile once; `_()` finds the page's locale in its context
    i18n.ui_translations.cache_clear()  # a --watch rebuild in this process must see edited catalogs
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
    env.filters["markdown"] = render_markdown
    env.filters["initials"] = initials
    env.filters["script_json"] = lambda data: Markup(script_json(data))
    return env


def _ui(context: jinja2.runtime.Context) -> gettext.NullTranslations:
    """The interface translations of the locale being rendered (English outside a page's context)."""
    return i18n.ui_translations(context.get("locale"))


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    return _ui(context).gettext(message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
    return _ui(context).ngettext(singular, plural, n)


@jinja2.pass_context
def _pgettext(context: jinja2.runtime.Context, message_context: str, message: str) -> str:
    return _ui(context).pgettext(message_context, message)


@jinja2.pass_context
def _npgettext(context: jinja2.runtime.Context, message_context: str, singular: str, plural: str, n: int) -> str:
    return _ui(context).npgettext(message_context, singular, plural, n)


def gettext_callables(locale: str) -> dict[str, Callable[..., str]]:
    """`_`, `gettext`, `ngettext`, `pgettext`, `npgettext` of one locale, as jinja2's newstyle gettext behaves.

    Put in each page's context, they spare every call the context lookup of the environment-wide callables.
    """
    ui = i18n.ui_translations(locale)

    def newstyle(text: str, variables: dict[str, Any], eval_ctx: jinja2.nodes.EvalContext) -> str:
        # as jinja2.ext's newstyle callables: always a format string, escaped where autoescaping is on
        return (Markup(text) if eval_ctx.autoescape else text) % variables  # type: ignore[no-any-return]

    constants: dict[tuple[str, bool], str] = {}  # a message without variables reads the same on every page

    @jinja2.pass_eval_context
    def gettext(eval_ctx: jinja2.nodes.EvalContext, message: str, **variables: Any) -> str:
        if variables:
            return newstyle(ui.gettext(message), variables, eval_ctx)
        key = (message, eval_ctx.autoescape)
        text = constants.get(key)
        if text is None:
            text = constants[key] = newstyle(ui.gettext(message), variables, eval_ctx)
        return text

    @jinja2.pass_eval_context
    def ngettext(eval_ctx: jinja2.nodes.EvalContext, singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        return newstyle(ui.ngettext(singular, plural, n), variables, eval_ctx)

    @jinja2.pass_eval_context
    def pgettext(eval_ctx: jinja2.nodes.EvalContext, message_context: str, message: str, **variables: Any) -> str:
        variables.setdefault("context", message_context)
        return newstyle(ui.pgettext(message_context, message), variables, eval_ctx)

    @jinja2.pass_eval_context
    def npgettext(eval_ctx: jinja2.nodes.EvalContext, message_context: str, singular: str, plural: str, n: int,
                  **variables: Any) -> str:
        variables.setdefault("context", message_context)
        variables.setdefault("num", n)
        return newstyle(ui.npgettext(message_context, singular, plural, n), variables, eval_ctx)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


class PageContext:
    """What every template can call for one locale: localised strings, links relative to the page, times."""

    def __init__(self, conference: Conference, locale: str, base_url: str | None,
                 slot: Callable[[Entry], SlotView]) -> None:
        self.conference = conference
        self.locale = locale
        self.base_url = base_url
        self.slot = slot  # what a timetable slot shows, shared by the locale's pages: `fmt.slot(entry).title`
        self.direction = i18n.text_direction(locale)  # "rtl" or "ltr": the pages' writing direction

    def t(self, value: Multilingual | str | None) -> str:
        """The string of a multilingual value for this locale."""
        return choose(value, self.locale, self.conference.default_locale)

    def lang(self, value: Multilingual | str | None) -> str:
        """The language `t(value)` fell back to when it is not this locale's ("" otherwise): for `lang`."""
        return i18n.fallback_language(value, self.locale, self.conference.default_locale)

    def time(self, moment: dt.datetime) -> str:
        """A time of day in the event's zone, as the locale writes it."""
        return i18n.time_of_day(moment, self.conference.zone, self.locale)

    def date(self, value: dt.date) -> str:
        """A date written out with its weekday, as the locale writes it."""
        return i18n.long_date(value, self.locale)

    def short_date(self, value: dt.date) -> str:
        """A compact date with its weekday, for lists and navigation."""
        return i18n.short_date(value, self.locale)

    def duration(self, length: dt.timedelta) -> str:
        """A session length in hours and minutes, in this locale."""
        return i18n.duration(length, self.locale)

    def language(self, code: str) -> str:
        """A language's own name ("Deutsch"), for language lists."""
        return i18n.language_name(code)

    def format_tag(self) -> str:
        """The BCP 47 tag of the locale that formats times ("en-GB" for en), so the browser writes them alike."""
        return str(i18n.format_locale(self.locale)).replace("_", "-")

    def facets(self, entries: Sequence[Entry]) -> tuple[list[dt.date], list[Room], list[Track], list[str]]:
        """The days, rooms, tracks and content languages of these slots' sessions, for the filter form."""
        conf = self.conference
        talks = [e for e in entries if not e.session.is_break]
        rooms = {e.slot.room_id for e in talks}
        tracks = {e.session.track_id for e in talks}
        return (sorted({conf.day_of_slot(e.slot) for e in talks}),
                [room for room in conf.rooms if room.id in rooms],
                [track for track in conf.tracks if track.id in tracks],
                sorted({e.session.content_locale for e in talks if e.session.content_locale}))

    def iso(self, moment: dt.datetime) -> str:
        """A machine-readable timestamp for <time datetime>, with the event's offset."""
        return self.conference.local(moment).isoformat()


@dataclass(frozen=True)
class PageJob:
    """One page to render: its template, path, locale, owner (for messages) and template context."""

    template: str
    path: str
    locale: str
    owner: str
    context: dict[str, Any]
    weight: int = 1  # what rendering it costs, roughly, in session pages: for sharing the work out evenly

    @classmethod
    def of(cls, template: str, path: str, locale: str, owner: str, *, listing: int = 0, **context: Any) -> PageJob:
        """A job, with the context as keyword arguments; `listing` counts the slots or people a list page shows."""
        return cls(template, path, locale, owner, context, 1 + listing // LISTED_PER_PAGE)


LISTED_PER_PAGE = 10  # a list page renders about this many slots (shared fragments) in the time of a session page


class HtmlRenderer:
    """Renders every page of one locale."""

    def __init__(self, conference: Conference, env: jinja2.Environment, *, base_url: str | None = None,
                 locales: Sequence[str] = ()) -> None:
        self.conference = conference
        self.env = env
        self.base_url = base_url
        self.locales = tuple(locales) or conference.locales
        self.fragments = Fragments()

    def pages(self, locale: str) -> Iterator[tuple[str, bytes, str]]:
        """(path, bytes, owner) for every page of `locale`."""
        return (self.render(job) for job in self.page_jobs(locale))

    def page_jobs(self, locale: str) -> Iterator[PageJob]:
        """Every page of `locale`, not yet rendered: cheap to list, so rendering can be shared out among cores."""
        conf = self.conference
        yield PageJob.of("overview.html", urls.home(locale), locale, "overview",
                         listing=len(conf.days) + len(conf.rooms) + len(conf.tracks))
        for index, day in enumerate(conf.days):
            entries = conf.entries_on(day)
            yield PageJob.of("day.html", urls.day(locale, day.date), locale, f"day {day.date}", listing=len(entries),
                             day=day, entries=entries, grid=day_grid(entries, conf.rooms),
                             before=conf.days[index - 1] if index else None,
                             after=conf.days[index + 1] if index + 1 < len(conf.days) else None)
        for room in conf.rooms:
            entries = conf.entries_in_room(room)
            yield PageJob.of("room.html", urls.room(locale, room.slug), locale, f"room {room.id}", listing=len(entries),
                             room=room, entries=entries)
        for track in conf.tracks:
            entries = conf.entries_in_track(track)
            yield PageJob.of("track.html", urls.track(locale, track.slug), locale, f"track {track.id}",
                             listing=len(entries), track=track, entries=entries)
        for session in conf.talks:
            yield PageJob.of("talk.html", urls.talk(locale, session.code), locale, f"session {session.code}",
                             session=session, entries=conf.entries_of(session))
        for speaker in conf.speakers:
            yield PageJob.of("speaker.html", urls.speaker(locale, speaker.code), locale,
                             f"speaker {speaker.code}", speaker=speaker, sessions=conf.sessions_of(speaker))
        yield PageJob.of("talks.html", urls.talks(locale), locale, "session list", listing=len(conf.entries),
                         sessions=conf.talks,
                         by_day=[(day, [e for e in conf.entries_on(day) if not e.session.is_break])
                                 for day in conf.days])
        yield PageJob.of("speakers.html", urls.speakers(locale), locale, "speaker list", listing=len(conf.speakers))

    def render(self, job: PageJob) -> tuple[str, bytes, str]:
        """(path, bytes, owner) of one page."""
        return self._page(job.template, job.path, job.locale, job.owner, **job.context)

    def root_pages(self) -> Iterator[tuple[str, bytes, str]]:
        """The language chooser at the root and the 404 page."""
        yield self._page("root.html", "index.html", self.conference.default_locale, "root index")
        yield self._page("404.html", "404.html", self.conference.default_locale, "404 page")

    def _page(self, template: str, path: str, locale: str, owner: str, **context: Any) -> tuple[str, bytes, str]:
        ctx = PageContext(self.conference, locale, self.base_url, self._slot_views(locale))
        link, fragment = self.fragments.bind(path, locale)
        language_links = [(lang, urls.absolute(self.base_url, target) or link(target))
                          for lang, target in same_page_in(path, locale, self.locales)]
        html = self.env.get_template(template).render(
            conf=self.conference, locale=locale, locales=self.locales, page_path=path, link=link, urls=urls,
            t=ctx.t, fmt=ctx, language_links=language_links, ui_strings=self._ui_strings(locale),
            fragment=fragment, nav_page=path if path in self._navigation(locale) else None,
            **self._gettext(locale), **context)
        return path, html.encode("utf-8"), owner

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one renderer per build; shared by every page of a locale
    def _slot_views(self, locale: str) -> SlotViews:
        return SlotViews(self.conference, locale)

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one renderer per build; built once per locale
    def _navigation(self, locale: str) -> frozenset[str]:
        """The pages the site header links to (each day, all sessions, all speakers), to mark the current one."""
        days = (urls.day(locale, day.date) for day in self.conference.days)
        return frozenset((*days, urls.talks(locale), urls.speakers(locale)))

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one renderer per build; built once per locale
    def _gettext(self, locale: str) -> dict[str, Callable[..., str]]:
        return gettext_callables(locale)

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one renderer per build; the same text for every page
    def _ui_strings(self, locale: str) -> Markup:
        """The interface strings the page script needs, as script-safe JSON, rendered once per locale."""
        return Markup(self.env.get_template("_ui_strings.html").render(locale=locale).strip())


def same_page_in(path: str, locale: str, locales: Sequence[str]) -> list[tuple[str, str]]:
    """(locale, path) of `path` in every locale: `de/talk/X/index.html` → en/talk/X/…; none for pages outside one."""
    here = posixpath.dirname(urls.home(locale)) + "/"
    if not path.startswith(here):
        return []
    return [(lang, posixpath.dirname(urls.home(lang)) + "/" + path.removeprefix(here)) for lang in locales]


def initials(name: str) -> str:
    """Up to two initials of a name, for the avatar placeholder ("Ada Lovelace" → "AL")."""
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0] for w in (words[:1] + words[-1:] if len(words) > 1 else words)).upper() or "?"
