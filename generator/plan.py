"""Every output of the site declared once, as a value: its path, its owner, how to make it and what that costs.

The plan is made before anything is rendered, from the normalised event and every input of rendering (the
templates, the static folders, the mirrored media, the offline worker), and is read-only afterwards:
`pipeline.render` makes each output's bytes, `writer.write` stores them. Adding a page or a feed is one
declaration here; a path claimed twice (or twice but for case) is an OutputError before any rendering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import offline, urls
from .cardstore import CardStore
from .config import DEFAULT_STATIC, DEFAULT_TEMPLATES, Settings
from .changelog import Changes, latest_moves
from .errors import ThemeError
from .feeds import feed_stamp
from .i18n import choose
from .media import Mirror
from .model import Conference, Entry, Multilingual
from .normalise.checks import Problems
from .parallel import File
from .render.card import face_of, problems as card_problems
from .render.frab import FrabDocument, to_json, to_xml
from .render.grid import day_grid
from .render.html import HtmlRenderer, PageJob, environment
from .render.ical import IcalRenderer
from .render.jsonfeed import JsonFeed
from .render.search import full_text, search_index, shard_script
from .render.sessions import sessions_data
from .render.sitemap import robots, sitemap_files
from .revisions import Revision
from .writer import Plan

STYLE_SHEET = "style.css"  # the stylesheet every page links (base.html)


@dataclass(frozen=True)
class Output:
    """One file of the site: its path (relative, POSIX), what it shows (for messages), how to make its bytes and
    the locale it is in (None for files every locale shares: static files, media)."""

    path: str
    owner: str
    make: Callable[[], bytes]
    locale: str | None = None


@dataclass(frozen=True)
class Job:
    """Outputs made together, in one process (they share a renderer's work, as a locale's iCal feeds share
    VEVENTs), and what making them costs in session pages: 0 for files already at hand or cheap, made in the
    build's own process; the others are shared out among the cores by weight (parallel.py)."""

    outputs: tuple[Output, ...]
    weight: int

    def run(self) -> list[File]:
        """(path, bytes, owner) of every output, in order."""
        return [(output.path, output.make(), output.owner) for output in self.outputs]


@dataclass(frozen=True)
class SitePlan:
    """Every output of one build, in declaration order; with --offline, the service worker made last, from
    the bytes of every other file (its precache list and version)."""

    jobs: tuple[Job, ...]
    service_worker: offline.ServiceWorker | None = None
    cards: frozenset[str] = frozenset()  # the keys of every social card (CardFace.key), to keep in the store
    cards_to_draw: int = 0  # how many card files this build draws: the others are read back from the store
    locales: tuple[str, ...] = ()  # the site's, its default first

    def locale_of(self) -> dict[str, str | None]:
        """Every output's locale (None: shared by all locales), in declaration order."""
        return {output.path: output.locale for output in self.outputs()}

    def outputs(self) -> Iterator[Output]:
        """Every output but the service worker, in declaration order."""
        return (output for job in self.jobs for output in job.outputs)

    def output(self, path: str) -> Output:
        """The output at `path`; KeyError when the site has none there."""
        for output in self.outputs():
            if output.path == path:
                return output
        raise KeyError(path)

    @property
    def paths(self) -> list[str]:
        """Every planned path, the service worker's included, in declaration order."""
        return [o.path for o in self.outputs()] + (offline.generated_paths(self.locales) if self.service_worker else [])


def plan_site(conference: Conference, settings: Settings, locales: tuple[str, ...], *,
              revised: Mapping[str, Revision] | None = None, mirror: Mirror | None = None,
              changes: tuple[Changes, ...] = ()) -> SitePlan:
    """The plan of the site of `conference` in `locales`; `revised` (revisions.revise) gives VEVENTs their
    SEQUENCE and stamps; `mirror` the copies of media (pages link them, and they are files of the site);
    `changes` (changelog.changelog, newest first) the Changes pages and feeds, and the "moved from" marks.

    Raises OutputError for a path that is unsafe or claimed twice, and for an --offline worker without its
    placeholders."""
    conference = dataclasses.replace(conference, locales=locales) if locales != conference.locales else conference
    if settings.title:
        conference = dataclasses.replace(conference, name=settings.title)
    if conference.default_locale not in locales:
        conference = dataclasses.replace(conference, default_locale=locales[0])
    conf = conference.indexed()
    site_locales = (conf.default_locale, *(locale for locale in locales if locale != conf.default_locale))
    static_dirs = [*settings.static_dirs, DEFAULT_STATIC]
    worker = offline.service_worker(static_dirs) if settings.offline else None
    env = environment([*settings.templates_dirs, DEFAULT_TEMPLATES])
    env.globals["site_links"] = settings.links  # the organiser's extra links (config file `links`)
    env.globals["social_cards"] = settings.cards  # session pages name their card as og:image
    html = HtmlRenderer(conf, env, base_url=settings.base_url, locales=locales,
                        media=mirror.local_paths() if mirror else None,
                        service_worker=offline.REGISTRATION if worker else None,
                        changes=changes, moved=latest_moves(changes))
    base_url = settings.base_url

    claims = Plan()  # paths only: refuses an unsafe or doubly claimed one now, before rendering
    jobs: list[Job] = []

    def declare(weight: int, outputs: Iterable[Output]) -> None:
        outputs = tuple(outputs)
        for output in outputs:
            claims.claim(output.path, output.owner)
        jobs.append(Job(outputs, weight))

    page_paths: list[str] = []  # every page, in declaration order: what the sitemap lists

    def page(job: PageJob, weight: int | None = None) -> None:
        declare(job.weight if weight is None else weight,
                [Output(job.path, job.owner, functools.partial(html.render, job), job.locale)])
        page_paths.append(job.path)

    # the root's language chooser and the 404 page: cheap, made first in the build's own process
    page(PageJob("root.html", "index.html", conf.default_locale, "root index", {}), weight=0)
    assets = static_files(static_dirs)
    page(PageJob("404.html", "404.html", conf.default_locale, "404 page",
                 {"site_css": inline_style_sheet(assets), "site_folders": [*locales, urls.static("").rstrip("/")]},
                 absolute_links=True), weight=0)
    slots = len(conf.entries)  # a feed's cost per slot, in session pages, measured on a 10,000-slot event
    stamp = feed_stamp(conf, settings.source_date_epoch)
    for locale in locales:
        declare(slots * 2 // 5, ical_feeds(conf, locale, base_url, stamp, revised))
        declare(slots * 3 // 5, frab_feeds(conf, locale, base_url))
        declare(slots // 5, [Output(urls.json_feed(locale), "JSON feed",
                                    functools.partial(_json_feed, conf, locale, base_url), locale)])
        terms = full_text(conf, locale)  # now: its shard names are paths
        declare(slots // 10, [Output(urls.search_index(locale), f"search index {locale}",
                                     functools.partial(search_index, conf, locale, base_url, sorted(terms)), locale),
                              *(Output(urls.search_shard(locale, name), f"search shard {name} {locale}",
                                       functools.partial(shard_script, name, words), locale)
                                for name, words in sorted(terms.items()))])
        declare(slots // 20, [Output(urls.sessions_data(locale), f"sessions data {locale}",
                                     functools.partial(sessions_data, conf, locale, base_url), locale)])
    # a page in every locale before the next page (a session's text is rendered once, then taken from the
    # worker's cache for the other locales)
    for locale in locales:  # what changed per released version: a page and an Atom feed (RFC 4287)
        page(PageJob.of("changes.html", urls.changes(locale), locale, "changes page",
                        listing=sum(c.count for c in changes)))
        page(PageJob.of("changes.atom", urls.changes_feed(locale), locale, "changes feed",
                        listing=sum(c.count for c in changes)))
    for jobs_at in itertools.zip_longest(*(pages(conf, locale) for locale in locales)):
        for job in jobs_at:
            if job is not None:
                page(job)
    cards: dict[str, int] = {}  # key → how many times this build draws it
    if settings.cards:
        cards = social_cards(conf, locales, CardStore.in_cache(settings.cache_dir), declare, strict=settings.strict)
    for name, content in assets:
        if name not in offline.SOURCES:  # the service worker ships only with --offline, filled in
            declare(0, [Output(urls.static(name), f"static file {name}", _given(content))])
    if mirror:
        stored: set[str] = set()
        for url, image in sorted(mirror.images.items()):
            if image.path not in stored:  # named by content: one file for one picture under two URLs
                stored.add(image.path)
                declare(0, [Output(image.path, f"media {url}", _given(image.content))])
    # last of the pages' kind, so that it lists every page declared above; only with a base URL (absolute URLs)
    sitemaps = sitemap_files(page_paths, locales, conf.default_locale, base_url) if base_url else []
    declare(0, [Output(path, "sitemap", _given(content)) for path, content in sitemaps])
    declare(0, [Output(urls.robots(), "robots.txt",
                       _given(robots(base_url, urls.sitemap() if sitemaps else None)))])
    if worker:
        declare(0, [Output(urls.static(offline.REGISTER), f"static file {offline.REGISTER}",
                           _given(worker.register))])
        for locale in locales:  # what the worker shows for a page of the locale it has not saved
            page(PageJob("offline.html", urls.offline_page(locale), locale, f"offline page {locale}", {}), weight=0)
        for path in offline.generated_paths(site_locales):
            claims.claim(path, "service worker")
    return SitePlan(tuple(jobs), worker, frozenset(cards), sum(cards.values()), site_locales)


CARD_WEIGHT = 3  # drawing a card costs about three session pages (39C3: 3.7 ms of CPU against 0.5-2.9 ms)


def social_cards(conf: Conference, locales: tuple[str, ...], store: CardStore,
                 declare: Callable[[int, Iterable[Output]], None], *, strict: bool) -> dict[str, int]:
    """Declare the social card of every session in every locale (`{lang}/talk/{code}/card.png`), one job per
    session (its locales' cards share their drawing); a card the store already holds costs nothing. Returns
    key → how many times this build draws it (0: read back from the store).

    A card whose text the font cannot draw is a data problem named by session (a DataError with `strict`,
    raised before anything is rendered)."""
    found = Problems(strict)
    cards: dict[str, int] = {}
    for session in conf.talks:
        faces = [face_of(conf, session, locale, conf.color) for locale in locales]
        for problem in dict.fromkeys(problem for face in faces for problem in card_problems(face)):
            found.warn(f"session {session.code}", problem)
        drawn = 0
        for face in faces:
            key = face.key()
            stored = key in cards and not cards[key] or key not in cards and store.has(key)
            cards[key] = cards.get(key, 0) + (not stored)
            drawn += not stored
        together = functools.cache(functools.partial(store.cards, faces))
        declare(CARD_WEIGHT * drawn, [Output(urls.card(locale, session.code), f"social card of session {session.code}",
                                             functools.partial(_nth, together, index), locale)
                                      for index, locale in enumerate(locales)])
    found.check()
    return cards


def _nth(made: Callable[[], list[bytes]], index: int) -> bytes:
    return made()[index]


def pages(conf: Conference, locale: str) -> Iterator[PageJob]:
    """Every page of `locale`: overview, days, rooms, tracks, sessions, speakers, the two lists and search."""
    yield PageJob.of("overview.html", urls.home(locale), locale, "overview",
                     listing=len(conf.days) + len(conf.rooms) + len(conf.tracks))
    for index, day in enumerate(conf.days):
        entries = conf.entries_on(day)
        yield PageJob.of("day.html", urls.day(locale, day.date), locale, f"day {day.date}", listing=len(entries),
                         day=day, entries=entries, grid=day_grid(entries, conf.rooms, conf.zone),
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
                     by_day=[(day, [e for e in conf.entries_on(day) if not e.session.is_break]) for day in conf.days])
    yield PageJob.of("speakers.html", urls.speakers(locale), locale, "speaker list", listing=len(conf.speakers))
    yield PageJob.of("search.html", urls.search_page(locale), locale, "search page",
                     listing=len(conf.days) + len(conf.rooms) + len(conf.tracks))


def ical_feeds(conf: Conference, locale: str, base_url: str | None, stamp: dt.datetime,
               revised: Mapping[str, Revision] | None) -> Iterator[Output]:
    """The iCal feeds of `locale`: whole event, each day, room, track, session and speaker (RFC 5545; one
    renderer per locale serialises each VEVENT once for every feed that lists it)."""
    renderer = functools.cache(lambda: IcalRenderer(conf, locale, base_url=base_url, stamp=stamp,
                                                    revisions=revised))

    def feed(path: str, owner: str, entries: Iterable[Entry], scope: str, title: str = "") -> Output:
        return Output(path, owner, functools.partial(_calendar, renderer, entries, scope, title), locale)

    def t(value: Multilingual) -> str:
        return choose(value, locale, conf.default_locale)

    yield feed(urls.schedule_ical(locale), "iCal of the event", conf.entries, "schedule")
    for day in conf.days:
        yield feed(urls.day_ical(locale, day.date), f"iCal of day {day.date}", conf.entries_on(day),
                   f"day//{day.date}", day.date.isoformat())
    for room in conf.rooms:
        yield feed(urls.room_ical(locale, room.slug), f"iCal of room {room.id}", conf.entries_in_room(room),
                   f"room//{room.slug}", t(room.name))
    for track in conf.tracks:
        yield feed(urls.track_ical(locale, track.slug), f"iCal of track {track.id}", conf.entries_in_track(track),
                   f"track//{track.slug}", t(track.name))
    for session in conf.talks:
        yield feed(urls.talk_ical(locale, session.code), f"iCal of session {session.code}",
                   conf.entries_of(session), f"talk//{session.code}", t(session.title))
    for speaker in conf.speakers:
        entries = [e for s in conf.sessions_of(speaker) for e in conf.entries_of(s)]
        yield feed(urls.speaker_ical(locale, speaker.code), f"iCal of speaker {speaker.code}", entries,
                   f"speaker//{speaker.code}", speaker.name)


def frab_feeds(conf: Conference, locale: str, base_url: str | None) -> list[Output]:
    """The frab/c3voc schedule of `locale`, as XML and as JSON, from one document."""
    document = functools.cache(lambda: FrabDocument(conf, locale, base_url=base_url).document())
    return [Output(urls.frab_xml(locale), "frab XML", lambda: to_xml(document()), locale),
            Output(urls.frab_json(locale), "frab JSON", lambda: to_json(document()), locale)]


def static_files(directories: list[Path]) -> list[tuple[str, bytes]]:
    """Static assets, the first folder that has a file winning (user overrides before ours)."""
    found: dict[str, bytes] = {}
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            name = path.relative_to(directory).as_posix()
            if path.is_file() and name not in found:
                found[name] = path.read_bytes()
    return sorted(found.items())


def inline_style_sheet(assets: list[tuple[str, bytes]]) -> Markup:
    """static/style.css (the theme's, when it has one) for a <style> element: what styles the 404 page wherever it
    is served. "</" is written "<\\/" (the same in CSS) so that the text cannot close the element.

    Raises ThemeError when the stylesheet is not UTF-8 text."""
    try:
        css = dict(assets).get(STYLE_SHEET, b"").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ThemeError(f"{urls.static(STYLE_SHEET)} is not UTF-8 text (byte {exc.start}): the 404 page carries "
                         "a copy of it", hint="save the stylesheet as UTF-8") from None
    return Markup(css.replace("</", "<\\/"))


def _calendar(renderer: Callable[[], IcalRenderer], entries: Iterable[Entry], scope: str, title: str) -> bytes:
    return renderer().calendar(entries, scope, title)


def _json_feed(conf: Conference, locale: str, base_url: str | None) -> bytes:
    return JsonFeed(conf, locale, base_url=base_url).render()


def _given(content: bytes) -> Callable[[], bytes]:
    """How to make a file whose bytes are already at hand."""
    return lambda: content
