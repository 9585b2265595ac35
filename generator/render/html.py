"""Model → HTML pages, through Jinja2 templates compiled once per build."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import posixpath
import re
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .. import i18n, urls
from ..changelog import Changes
from ..errors import ThemeError
from ..i18n import choose
from ..model import Appearance, Conference, Entry, Multilingual, Room, Track
from .contrast import track_colours
from .fragments import Fragments
from .markup import render_markdown
from .qr import qr_data_uri
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
    env.filters["css_string"] = css_string
    env.filters["qr_data_uri"] = qr_data_uri
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
                 slot: Callable[[Entry], SlotView], changes: Sequence[Changes] = ()) -> None:
        self.conference = conference
        self.locale = locale
        self.base_url = base_url
        self.slot = slot  # what a timetable slot shows, shared by the locale's pages: `fmt.slot(entry).title`
        self.changes = tuple(changes)  # what each released version changed, newest first (changelog.py)
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

    def event_summary(self) -> str:
        """The event in one line, for a page's description: "DemoCon, Fri, 1 Mar 2024 – Sun, 3 Mar 2024"."""
        conf = self.conference
        if not conf.days:
            return self.t(conf.name)
        first, last = conf.days[0].date, conf.days[-1].date
        dates = self.short_date(first) + (f" – {self.short_date(last)}" if last != first else "")
        return f"{self.t(conf.name)}, {dates}"

    def og_locale(self, locale: str | None = None) -> str:
        """`locale` (this page's by default) as OpenGraph's og:locale writes it: "en_GB", "de_DE"."""
        return i18n.og_locale(locale or self.locale)

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

    def colours(self, track: Track | None) -> str:
        """The inline-style declarations that show a track's colour legibly in both themes ("" without one)."""
        return track_colours(track.color).css if track and track.color else ""

    def iso(self, moment: dt.datetime) -> str:
        """A machine-readable timestamp for <time datetime>, with the event's offset."""
        return self.conference.local(moment).isoformat()

    def utc(self, moment: dt.datetime) -> str:
        """An RFC 3339 date-time in UTC, for Atom's `updated` (RFC 4287 §3.3)."""
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def when(self, appearance: Appearance) -> str:
        """Where an occurrence of a version was: its date and time in the event's zone, and its room."""
        moment = self.conference.local(appearance.start)
        return f"{self.short_date(moment.date())} {self.time(appearance.start)}, {self.t(appearance.room)}"

    def version_label(self, changes: Changes) -> str:
        """A version's name, or its number where the source names none."""
        return changes.version.name or f"#{changes.number}"

    def feed_id(self) -> str:
        """The Atom feed's id: a urn:uuid from the event and locale, never from the build (RFC 4287 §4.2.6)."""
        return changes_urn(self.conference.slug, self.locale)

    def entry_id(self, changes: Changes) -> str:
        """A version's Atom entry id: from the event, locale, version number and name (RFC 4287 §4.2.6)."""
        return changes_urn(self.conference.slug, self.locale, str(changes.number), changes.version.name)

    def session_page(self, code: str) -> str:
        """The output path of a session's page, "" when the current schedule has no such session (a removed one)."""
        return urls.talk(self.locale, code) if code in self._scheduled else ""

    @functools.cached_property
    def _scheduled(self) -> frozenset[str]:
        return frozenset(session.code for session in self.conference.talks)

    def absolute(self, path: str) -> str | None:
        """The absolute URL of an output path with --base-url, else None."""
        return urls.absolute(self.base_url, path)


def changes_urn(*parts: str) -> str:
    """A stable `urn:uuid:` (RFC 4122 name-based, SHA-1) from its parts: the same event and version give the same
    id in every build, on every machine."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "pretalx-static:changes:" + "\x1f".join(parts)))


@dataclass(frozen=True)
class PageJob:
    """One page to render: its template, path, locale, owner (for messages) and template context."""

    template: str
    path: str
    locale: str
    owner: str
    context: dict[str, Any]
    weight: int = 1  # what rendering it costs, roughly, in session pages: for sharing the work out evenly
    # links as absolute URLs when the base URL is known: for a page served at other addresses than its own (404.html)
    absolute_links: bool = False

    @classmethod
    def of(cls, template: str, path: str, locale: str, owner: str, *, listing: int = 0, **context: Any) -> PageJob:
        """A job, with the context as keyword arguments; `listing` counts the slots or people a list page shows."""
        return cls(template, path, locale, owner, context, 1 + listing // LISTED_PER_PAGE)


LISTED_PER_PAGE = 10  # a list page renders about this many slots (shared fragments) in the time of a session page

# The templates whose macros pages share through `fragment()`, and the only names their macros may read: what
# reads the same on every page of a locale at one folder depth (README, "Theming"). Anything else, `page_path`
# above all, is undefined there, so a theme that reads it fails loudly instead of showing one page's value on all.
SHARED_MODULES = {"chrome": "_chrome.html", "macros": "_macros.html"}
SHARED_NAMES = ("conf", "locale", "locales", "link", "urls", "t", "fmt", "fragment", "media", "ui_strings",
                "_", "gettext", "ngettext", "pgettext", "npgettext")


@dataclass
class _LocaleParts:
    """What every page of one locale shares, made on its first page."""

    slot_views: SlotViews
    navigation: frozenset[str]  # the pages the site header links to, to mark the current one
    gettext: dict[str, Callable[..., str]]
    ui_strings: Markup  # the interface strings the page script needs, as script-safe JSON


class HtmlRenderer:
    """Renders the pages of one build, in any of its locales.

    Its caches (per-locale parts, shared fragments) live in the instance, so they end with the build.
    `media` maps mirrored image URLs to their output paths (`media(url)` in templates links the copy);
    `service_worker` ({"script": path, "worker": path}) makes every page register the offline worker.
    """

    def __init__(self, conference: Conference, env: jinja2.Environment, *, base_url: str | None = None,
                 locales: Sequence[str] = (), media: Mapping[str, str] | None = None,
                 service_worker: Mapping[str, str] | None = None, changes: Sequence[Changes] = (),
                 moved: Mapping[str, Appearance] | None = None) -> None:
        self.conference = conference
        self.changes = tuple(changes)
        self.moved = dict(moved or {})
        self.env = env
        self.base_url = base_url
        self.locales = tuple(locales) or conference.locales
        self.media = dict(media or {})
        self.service_worker = service_worker
        self.fragments = Fragments()
        self._parts: dict[str, _LocaleParts] = {}
        self._escaped_media = {str(escape(url)) for url in self.media}

    def render(self, job: PageJob) -> bytes:
        """The bytes of one page.

        Raises ThemeError naming the template, its line and the page when a template cannot be compiled or
        rendered (a syntax error, an undefined name: every template runs with StrictUndefined)."""
        try:
            html = self._render(job)
        except Exception as exc:
            error = theme_error(exc, job.path)
            if error is None:
                raise
            raise error from None
        if self._escaped_media:
            self._check_media(html, job)
        return html.encode("utf-8")

    def _render(self, job: PageJob) -> str:
        locale, path = job.locale, job.path
        parts = self._locale_parts(locale)
        ctx = PageContext(self.conference, locale, self.base_url, parts.slot_views, self.changes)
        if job.absolute_links and self.base_url:
            # its own fragment cache: its links read like no other page's
            _, fragment = Fragments().bind(path, locale)
            link = functools.partial(absolute_link, self.base_url)
        else:
            link, fragment = self.fragments.bind(path, locale)
        language_links = [(lang, urls.absolute(self.base_url, target) or link(target))
                          for lang, target in same_page_in(path, locale, self.locales)]

        def media(url: str) -> str:
            """The link to a mirrored image's copy; any other URL as it is."""
            local = self.media.get(url)
            return link(local) if local else url

        shared = dict(conf=self.conference, locale=locale, locales=self.locales, link=link, urls=urls, t=ctx.t,
                      fmt=ctx, fragment=fragment, media=media, ui_strings=parts.ui_strings, **parts.gettext)
        modules = {name: self.env.get_template(template).make_module(shared)
                   for name, template in SHARED_MODULES.items()}
        return self.env.get_template(job.template).render(
            shared, page_path=path, language_links=language_links, service_worker=self.service_worker,
            nav_page=path if path in parts.navigation else None, **modules, **job.context)

    def _check_media(self, html: str, job: PageJob) -> None:
        """Refuse a page that shows a mirrored image from its original host (a template that skips media())."""
        for found in URL_IN_HTML.findall(html):
            if found in self._escaped_media:
                raise ThemeError(f"{job.path} ({job.template}) shows {found} from its original host, "
                                 "although --mirror-media copied it into the site",
                                 hint="print image URLs through media(), e.g. src=\"{{ media(speaker.avatar_url) }}\"")

    def _locale_parts(self, locale: str) -> _LocaleParts:
        parts = self._parts.get(locale)
        if parts is None:
            days = (urls.day(locale, day.date) for day in self.conference.days)
            parts = self._parts[locale] = _LocaleParts(
                SlotViews(self.conference, locale, self.moved), frozenset((*days, urls.talks(locale), urls.speakers(locale))),
                gettext_callables(locale),
                Markup(self.env.get_template("_ui_strings.html").render(locale=locale).strip()))
        return parts


# an absolute URL as it appears, escaped, in an attribute or text of a rendered page
URL_IN_HTML = re.compile(r"https?://[^\s\"'<>]+")
UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
PACKAGE = str(Path(__file__).resolve().parent.parent)  # generator/: a frame in it is our code, not a template's


def theme_error(exc: BaseException, page: str) -> ThemeError | None:
    """A ThemeError for an exception a template raised while rendering `page`; None for anything else (a bug).

    The template and line come from the exception (syntax errors) or from the innermost template frame of its
    traceback: jinja2 rewrites tracebacks so that template code shows as frames of the template file
    (jinja2/debug.py, `fake_traceback`)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}, line {exc.lineno}"
        return ThemeError(f"template {where}: {exc.message} (while rendering {page})",
                          hint="fix the template's syntax (jinja2)")
    if isinstance(exc, jinja2.TemplateNotFound):
        return ThemeError(f"template {exc.name} not found (while rendering {page})",
                          hint="a theme's template names a template that exists neither in the theme nor in ours")
    frames = list(traceback.walk_tb(exc.__traceback__))
    inside = [i for i, (frame, _) in enumerate(frames) if "__jinja_exception__" in frame.f_globals]
    if not inside:
        return None
    if not isinstance(exc, jinja2.TemplateError) and any(
            frame.f_code.co_filename.startswith(PACKAGE) for frame, _ in frames[inside[-1] + 1:]):
        return None  # our code, called from a template, failed: a bug, not the theme's
    frame, line = frames[inside[-1]]
    message = f"template {frame.f_code.co_filename}, line {line}: {exc} (while rendering {page})"
    undefined = UNDEFINED_NAME.match(str(exc))
    if isinstance(exc, jinja2.UndefinedError) and undefined and undefined.group(1) not in SHARED_NAMES \
            and Path(frame.f_code.co_filename).name in SHARED_MODULES.values():
        return ThemeError(message, hint=f"{', '.join(SHARED_MODULES.values())} are shared by every page of a "
                          f"locale at one folder depth: their macros may use their arguments and "
                          f"{', '.join(SHARED_NAMES[:9])} and _(), not {undefined.group(1)} (README: Theming)")
    return ThemeError(message, hint="fix the template: a misspelt name or one this page does not have")


def absolute_link(base_url: str, target: str) -> str:
    """The public URL of output path `target` (a page as its folder: `en/talk/X/`), as urls.absolute makes it."""
    return urls.absolute(base_url, target) or target


def same_page_in(path: str, locale: str, locales: Sequence[str]) -> list[tuple[str, str]]:
    """(locale, path) of `path` in every locale: `de/talk/X/index.html` → en/talk/X/…; none for pages outside one."""
    here = posixpath.dirname(urls.home(locale)) + "/"
    if not path.startswith(here):
        return []
    return [(lang, posixpath.dirname(urls.home(lang)) + "/" + path.removeprefix(here)) for lang in locales]


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string for a `<style>` element (CSS Syntax Level 3, §4.3.5 escapes: `\\`, `"`, a line
    break as `\\a `, and `<` as `\\3c ` so the text cannot close the element). Markup is unescaped first."""
    plain = text.unescape() if isinstance(text, Markup) else str(text)
    escaped = plain.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("\r", "\\d ")
    return Markup('"' + escaped.replace("<", "\\3c ") + '"')


def initials(name: str) -> str:
    """Up to two initials of a name, for the avatar placeholder ("Ada Lovelace" → "AL")."""
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0] for w in (words[:1] + words[-1:] if len(words) > 1 else words)).upper() or "?"
