"""One build: load, normalise, plan every file, render, write; nothing is written unless every step succeeded."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import requests

from . import changelog, history, media, mixed_content, offline, parallel, revisions, shrink, sources
from .buildkey import build_key, recalled, remember
from .cardstore import CardStore
from .config import Settings
from .errors import DataError, UsageError
from .feeds import feed_stamp
from .i18n import locale_code
from .model import Conference
from .normalise import normalise
from .plan import SitePlan, plan_site
from .render import sitemap
from .sanitise import is_safe_segment
from .progress import Progress
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
    notes: tuple[str, ...] = ()  # what the site lacks and why, e.g. the sitemap without a base URL

    def summary(self) -> str:
        """One line for the end of a build."""
        w = self.write
        return (f"built {self.conference.slug}: {len(self.conference.talks)} sessions, "
                f"{len(self.locales)} locale(s), {self.files} files "
                f"({w.written} written, {w.unchanged} unchanged, {w.deleted} deleted) "
                f"in {self.fetch_seconds + self.render_seconds + self.write_seconds:.2f} s "
                f"(fetch {self.fetch_seconds:.2f}, render {self.render_seconds:.2f}, write {self.write_seconds:.2f})"
                + (f"; left alone {len(w.kept_foreign)} file(s) not written by this tool" if w.kept_foreign else "")
                + "".join(f"; {note}" for note in self.notes))


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

    locales = choose_locales(conference, settings.locales, strict=settings.strict)
    # same data, settings, templates and code as the last build, all of whose files are intact: nothing to render
    # (mirrored media are fetched anew each time, so those builds always render)
    key = "" if settings.mirror_media else build_key(raw, settings)
    unchanged = up_to_date(settings.out, recalled(settings, key))
    if unchanged:
        progress.finish()
        if settings.save_snapshot:
            snapshot.save(raw, settings.save_snapshot)
        return BuildReport(conference, locales, unchanged.unchanged, unchanged, fetched - started, 0.0,
                           time.perf_counter() - fetched, notes(settings))
    # images before planning: pages show no image where one was refused, and link the copies of the others
    mirror = media.mirror(conference, settings, session) if settings.mirror_media else None
    # what each VEVENT looked like at the last build into this folder: a changed one gets a higher SEQUENCE
    record = revisions.record_path(settings.cache_dir, settings.out)
    stamp = feed_stamp(conference, settings.source_date_epoch)
    revised = revisions.revise(conference, revisions.load(record), stamp)
    # the versions released before this one (pretalx lists them; for other sources, those built into this folder
    # before, kept in the cache folder), and this one: the Changes page and feed
    seen = history.record_path(settings.cache_dir, settings.out, conference.slug)
    current = changelog.version_of(conference, version_name(conference), stamp)
    versions = history.advance(history.load(seen), current) if conference.history is None \
        else (*conference.history, current)  # each of pretalx's releases is a version, even one that moved nothing
    plan = plan_site(mirror.applied_to(conference) if mirror else conference, settings, locales,
                     revised=revised, mirror=mirror,
                     changes=changelog.changelog(versions, dropped_is_cancelled=conference.by_pretalx))
    progress.phase("render", "files")
    plan_files = render(plan, on_made=progress.tick)
    if settings.cards:
        log.info("social cards: %d drawn, %d read back from %s", plan.cards_to_draw,
                 sum(1 for path in plan.paths if path.endswith("/card.png")) - plan.cards_to_draw,
                 CardStore.in_cache(settings.cache_dir).folder)
    rendered = time.perf_counter()

    if settings.save_snapshot:  # before the site: a snapshot that cannot be saved leaves the site untouched
        snapshot.save(raw, settings.save_snapshot)
    # after the snapshot (kept to show what the source answered), before a byte of the site changes
    shrink.check(settings.out, plan_files.files, allow=settings.allow_shrink)
    progress.phase("write", "changed files")
    report = write(plan_files, settings.out, advance=progress.advance)
    revisions.save(record, revised)  # only once the site holds what the record describes
    history.save(seen, versions)
    if settings.cards:  # cards no page shows any more
        CardStore.in_cache(settings.cache_dir).prune(plan.cards)
    remember(settings, key)
    progress.finish()
    written = time.perf_counter()
    return BuildReport(conference, locales, len(plan_files.files), report, fetched - started,
                       rendered - fetched, written - rendered, notes(settings))


def notes(settings: Settings) -> tuple[str, ...]:
    """What the summary says the site lacks, and how to get it."""
    return () if settings.base_url else (sitemap.NEEDS_BASE_URL,)


def version_name(conference: Conference) -> str:
    """The name of the version a build shows: the source's (pretalx's schedule version, frab's `version`), else
    its release instant, else "" (the Changes page then numbers it)."""
    if conference.schedule_version:
        return conference.schedule_version
    return conference.released.isoformat() if conference.released else ""


def choose_locales(conference: Conference, wanted: tuple[str, ...], strict: bool = False) -> tuple[str, ...]:
    """The locales to build: the user's choice in the user's order, else the event's. A chosen locale the event
    lacks is a warning (its names fall back to the default locale's), a DataError with `strict`."""
    locales = wanted or conference.locales
    for locale in locales:
        if locale_code(locale) != locale or not is_safe_segment(locale):
            raise UsageError(f"invalid locale {locale!r}", hint="use codes such as en, de, pt-BR")
    for locale in wanted:
        if locale not in conference.locales:
            message = (f"locale {locale} is not one of the event's ({', '.join(conference.locales)}): "
                       f"its strings fall back to {conference.default_locale}")
            if strict:
                raise DataError(message, hint="build only the event's locales, or leave out --strict")
            log.warning("%s", message)
    return tuple(dict.fromkeys(locales))


def render(plan: SitePlan, on_made: Callable[[str], None] | None = None) -> Plan:
    """Every planned file's bytes: cheap ones here, the rest shared out among the cores, heaviest first (so the
    cores finish together); the service worker last, from the others. Same bytes whatever the order or cores."""
    made: dict[str, bytes] = {}

    def keep(files: Iterable[parallel.File]) -> None:
        for path, content, _ in files:
            made[path] = content
            if on_made:
                on_made(path)

    for job in plan.jobs:
        if not job.weight:
            keep(job.run())
    shared = sorted((job for job in plan.jobs if job.weight), key=lambda job: -job.weight)
    # closed at once when anything (an error, an interrupt) stops this loop: the worker processes end with it
    with contextlib.closing(parallel.run_in_order([job.run for job in shared], [job.weight for job in shared])) as files:
        keep(files)
    # every path was checked as the plan claimed it: the files only take their planned order
    outputs = list(plan.outputs())
    site = Plan({o.path: made[o.path] for o in outputs}, {o.path: o.owner for o in outputs})
    if plan.service_worker:  # last: its manifests and version cover every other file
        for path, content, owner in offline.worker_files(site.files, plan.locale_of(), plan.service_worker,
                                                         plan.locales):
            site.add(path, content, owner)
            if on_made:
                on_made(path)
    return site
