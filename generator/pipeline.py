"""One build: fetch, normalise, plan every file, then write; nothing is written unless every step succeeded."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from . import media, mixed_content, offline, parallel, revisions, shrink, sources, urls
from .buildkey import build_key, recalled, remember
from .config import DEFAULT_STATIC, DEFAULT_TEMPLATES, Settings
from .errors import UsageError
from .feeds import feed_stamp, frab_feeds, ical_feeds, json_feed
from .i18n import locale_code
from .model import Conference
from .normalise import normalise
from .normalise.checks import is_safe_segment
from .progress import Progress
from .render.html import HtmlRenderer, PageJob, environment
from .render.search import search_index
from .sources import snapshot
from .writer import Plan, WriteReport, up_to_date, write

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the summary line."""

    conference: Conference
    locales: tuple[str, ...]
    files: int
    write: WriteReport
    fetch_seconds: float
    render_seconds: float
    write_seconds: float

    def summary(self) -> str:
        """One line for the end of a build."""
        w = self.write
        return (f"built {self.conference.slug}: {len(self.conference.talks)} sessions, "
                f"{len(self.locales)} locale(s), {self.files} files "
                f"({w.written} written, {w.unchanged} unchanged, {w.deleted} deleted) "
                f"in {self.fetch_seconds + self.render_seconds + self.write_seconds:.2f} s "
                f"(fetch {self.fetch_seconds:.2f}, render {self.render_seconds:.2f}, write {self.write_seconds:.2f})"
                + (f"; left alone {len(w.kept_foreign)} file(s) not written by this tool" if w.kept_foreign else ""))


def build(settings: Settings, session: requests.Session | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build the site described by `settings` into `settings.out`."""
    progress = progress or Progress()
    started = time.perf_counter()
    progress.phase("fetch", "documents")
    raw = sources.load(settings, session, on_fetched=progress.tick).scrubbed()
    conference = normalise(raw, strict=settings.strict, day_change_hour=settings.day_change_hour,
                           time_zone=settings.time_zone)
    mixed_content.check(conference, base_url=settings.base_url, mirrored=settings.mirror_media, strict=settings.strict)
    fetched = time.perf_counter()

    locales = choose_locales(conference, settings.locales)
    # same data, settings, templates and code as the last build, all of whose files are intact: nothing to render
    # (mirrored media are fetched anew each time, so those builds always render)
    key = "" if settings.mirror_media else build_key(raw, settings)
    unchanged = up_to_date(settings.out, recalled(settings, key))
    if unchanged:
        progress.finish()
        if settings.save_snapshot:
            snapshot.save(raw, settings.save_snapshot)
        return BuildReport(conference, locales, unchanged.unchanged, unchanged, fetched - started, 0.0,
                           time.perf_counter() - fetched)
    # images before rendering, so that pages show no image where one was refused; all before writing
    mirror = media.mirror(conference, settings, session) if settings.mirror_media else None
    # what each VEVENT looked like at the last build into this folder: a changed one gets a higher SEQUENCE
    record = revisions.record_path(settings.cache_dir, settings.out)
    revised = revisions.revise(conference, revisions.load(record), feed_stamp(conference))
    progress.phase("render", "files")
    plan = plan_site(mirror.applied_to(conference) if mirror else conference, settings, locales,
                     on_add=progress.tick, revised=revised)
    if mirror:
        mirror.add_to(plan)
    if settings.offline:  # last: the worker's list and hash cover every other file
        offline.add_service_worker(plan, [*settings.static_dirs, DEFAULT_STATIC])
    rendered = time.perf_counter()

    if settings.save_snapshot:  # before the site: a snapshot that cannot be saved leaves the site untouched
        snapshot.save(raw, settings.save_snapshot)
    # after the snapshot (kept to show what the source answered), before a byte of the site changes
    shrink.check(settings.out, plan.files, allow=settings.allow_shrink)
    progress.phase("write", "changed files")
    report = write(plan, settings.out, advance=progress.advance)
    revisions.save(record, revised)  # only once the site holds what the record describes
    remember(settings, key)
    progress.finish()
    written = time.perf_counter()
    return BuildReport(conference, locales, len(plan.files), report, fetched - started,
                       rendered - fetched, written - rendered)


def choose_locales(conference: Conference, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The locales to build: the user's choice in the user's order, else the event's."""
    locales = wanted or conference.locales
    for locale in locales:
        if locale_code(locale) != locale or not is_safe_segment(locale):
            raise UsageError(f"invalid locale {locale!r}", hint="use codes such as en, de, pt-BR")
    for locale in wanted:
        if locale not in conference.locales:
            log.warning("locale %s is not one of the event's (%s): its strings fall back to %s",
                        locale, ", ".join(conference.locales), conference.default_locale)
    return tuple(dict.fromkeys(locales))


def plan_site(conference: Conference, settings: Settings, locales: tuple[str, ...],
              on_add: Callable[[str], None] | None = None,
              revised: Mapping[str, revisions.Revision] | None = None) -> Plan:
    """Every output file of the site, rendered in memory; `revised` gives VEVENTs their SEQUENCE and stamps."""
    conference = dataclasses.replace(conference, locales=locales) if locales != conference.locales else conference
    if settings.title:
        conference = dataclasses.replace(conference, name=settings.title)
    if conference.default_locale not in locales:
        conference = dataclasses.replace(conference, default_locale=locales[0])
    conference = conference.indexed()
    plan = Plan(on_add=on_add)
    env = environment([*settings.templates_dirs, DEFAULT_TEMPLATES])
    env.globals["site_links"] = settings.links  # the organiser's extra links (config file `links`)
    html = HtmlRenderer(conference, env, base_url=settings.base_url, locales=locales)
    for path, content, owner in html.root_pages():
        plan.add(path, content, owner)
    work: list[tuple[int, parallel.Task]] = []  # (weight in session pages, task)
    slots = len(conference.entries)  # a feed's cost per slot, in session pages, measured on a 10,000-slot event
    for locale in locales:
        work += [(slots * 2 // 5, functools.partial(_files, ical_feeds, conference, locale, settings.base_url,
                                                     revisions=revised)),
                 (slots * 3 // 5, functools.partial(_files, frab_feeds, conference, locale, settings.base_url)),
                 (slots // 5, functools.partial(_one_file, json_feed, conference, locale, settings.base_url)),
                 (slots // 10, functools.partial(_search_index, conference, locale, settings.base_url))]
    # a page in every locale before the next page (a session's text is rendered once, then taken from the
    # worker's cache for the other locales); all by weight, heaviest first, so the cores finish together
    for jobs in itertools.zip_longest(*(html.page_jobs(locale) for locale in locales)):
        work += [(job.weight, functools.partial(_page, html, job)) for job in jobs if job is not None]
    work.sort(key=lambda item: -item[0])
    # closed at once when anything (an error, an interrupt) stops this loop: the worker processes end with it
    with contextlib.closing(parallel.run_in_order([task for _, task in work], [weight for weight, _ in work])) as files:
        for path, content, owner in files:
            plan.add(path, content, owner)
    for name, content in static_files([*settings.static_dirs, DEFAULT_STATIC]):
        if name not in offline.SOURCES:  # the service worker ships only with --offline, filled in
            plan.add(f"static/{name}", content, f"static file {name}")
    return plan


def _files(feeds: Callable[..., Iterable[parallel.File]], *args: Any, **options: Any) -> list[parallel.File]:
    """Every file of one group of feeds (a rendering task)."""
    return list(feeds(*args, **options))


def _one_file(feed: Callable[..., parallel.File], *args: Any) -> list[parallel.File]:
    """One feed file (a rendering task)."""
    return [feed(*args)]


def _search_index(conference: Conference, locale: str, base_url: str | None) -> list[parallel.File]:
    """One locale's search index (a rendering task)."""
    return [(urls.search_index(locale), search_index(conference, locale, base_url), f"search index {locale}")]


def _page(html: HtmlRenderer, job: PageJob) -> list[parallel.File]:
    """One page (a rendering task)."""
    return [html.render(job)]


def static_files(directories: list[Path]) -> list[tuple[str, bytes]]:
    """Static assets, the first folder that has a file winning (user overrides before ours)."""
    found: dict[str, bytes] = {}
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            name = path.relative_to(directory).as_posix()
            if path.is_file() and name not in found:
                found[name] = path.read_bytes()
    return sorted(found.items())
