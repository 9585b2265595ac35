"""--offline: a service worker at the site's root that saves the visitor's language of the site for use without
network, versioned by the build.

What the worker saves, and when (static/sw.js carries it out):

- at install (the first visit): the shell only, i.e. the static files pages load (`SHELL_SUFFIXES` under static/),
  the home page and the offline page of the locale of the page that registered it: a few dozen KB, where the
  previous worker saved both languages whole (39C3: 3,333 files, 25.8 MB);
- every page as it is visited;
- in the background, once the worker runs: the rest of that locale, as its manifest (`urls.offline_manifest`)
  lists it: its pages, its .ics feeds and its search index and shards (`LOCALE_SUFFIXES`). The machine feeds (frab XML and
  JSON, our JSON feed) are for apps and are saved only when fetched. Visiting a page of another locale adds that
  locale.

Which locale a file is in comes from the plan (`Output.locale`), not from its path. Each manifest gives every
file a digest, so the worker of a new build copies unchanged files from the previous build's cache instead of
downloading them again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .errors import OutputError

log = logging.getLogger(__name__)

WORKER = "sw.js"  # at the root: a service worker controls only the folder it is served from, and below
REGISTER = "sw-register.js"
SOURCES = (WORKER, REGISTER)  # in static/, but only --offline builds ship them (sw.js filled in, at the root)
# the shell: what every page loads (and a theme's fonts and icons), saved at install
SHELL_SUFFIXES = (".css", ".js", ".svg", ".ico", ".woff", ".woff2", ".webmanifest")
# a locale's files saved in the background: pages, calendar feeds and the search index (a script). Not the
# machine feeds (.json, .xml: half the bytes of a big event, read by apps, not by browsers) nor social cards
LOCALE_SUFFIXES = (".html", ".ics", ".js")
BUILD_PLACEHOLDER = '"__PRETALX_STATIC_BUILD__"'
SITE_PLACEHOLDER = "{/* __PRETALX_STATIC_SITE__ */}"
DIGEST_LENGTH = 12  # hex digits of SHA-256: tells a changed file from an unchanged one between two builds
# where each page finds the two, for base.html's registration tag (HtmlRenderer's `service_worker`)
REGISTRATION = {"script": urls.static(REGISTER), "worker": WORKER}


@dataclass(frozen=True)
class ServiceWorker:
    """The worker's code (with its placeholders) and its registration script, as the static folders hold them."""

    worker: str
    register: bytes


def service_worker(static_dirs: Sequence[Path]) -> ServiceWorker:
    """The worker and its registration from the first static folder that has them; OutputError when an
    overriding sw.js lacks the placeholders the build fills in."""
    worker = _source(WORKER, static_dirs).decode("utf-8")
    if BUILD_PLACEHOLDER not in worker or SITE_PLACEHOLDER not in worker:
        raise OutputError(f"{WORKER} lacks the placeholders {BUILD_PLACEHOLDER} and {SITE_PLACEHOLDER}",
                          hint="an overriding sw.js must keep them: the build fills them in")
    return ServiceWorker(worker, _source(REGISTER, static_dirs))


def generated_paths(locales: Sequence[str]) -> list[str]:
    """The files `worker_files` makes, in its order: the worker, then each locale's manifest."""
    return [WORKER, *(urls.offline_manifest(locale) for locale in locales)]


def worker_files(files: Mapping[str, bytes], locale_of: Mapping[str, str | None], sw: ServiceWorker,
                 locales: Sequence[str]) -> list[tuple[str, bytes, str]]:
    """(path, bytes, owner) of sw.js and of each locale's manifest, for a site of `files` (every other output,
    rendered). `locale_of` gives each file's locale in declaration order (None: shared by all); `locales` are
    the site's, its default first (the worker's choice for a page outside any locale, such as the root's)."""
    manifests = {locale: manifest(files, locale_of, locale) for locale in locales}
    shell = [[path, digest(files[path])] for path in sorted(files)
             if locale_of.get(path) is None and path.startswith(urls.static("")) and path.endswith(SHELL_SUFFIXES)]
    site = {"shell": shell, "default": locales[0], "locales": {locale: {"start": [urls.home(locale), urls.offline_page(locale)],
                                                 "missing": urls.offline_page(locale),
                                                 "manifest": urls.offline_manifest(locale)} for locale in locales}}
    build = build_hash(sw.worker, shell, manifests.values())
    unregistered = [path for path in sorted(files) if path.endswith(".html") and b' data-sw="' not in files[path]]
    if unregistered:  # a theme's page template without our registration tag (base.html prints it)
        log.warning("%d page(s) do not register the service worker, e.g. %s", len(unregistered), unregistered[0])
    shell_bytes = sum(len(files[path]) for path, _ in shell)
    log.info("service worker %s: shell of %d files (%d bytes); %s", build, len(shell), shell_bytes,
             ", ".join(f"{locale} {len(json.loads(m)['files'])} files" for locale, m in manifests.items()))
    worker = sw.worker.replace(BUILD_PLACEHOLDER, json.dumps(build)).replace(SITE_PLACEHOLDER, _json(site))
    return [(WORKER, worker.encode("utf-8"), "service worker"),
            *((urls.offline_manifest(locale), content, f"offline manifest {locale}")
              for locale, content in manifests.items())]


def manifest(files: Mapping[str, bytes], locale_of: Mapping[str, str | None], locale: str) -> bytes:
    """The manifest of `locale`: {"files": [[path, digest], …]}, its home and offline pages first, then its other
    pages in declaration order (overview, days, rooms…), then its feeds and search index."""
    start = [urls.home(locale), urls.offline_page(locale)]
    own = [path for path, of in locale_of.items() if of == locale and path.endswith(LOCALE_SUFFIXES)]
    ordered = [*(p for p in start if p in files),
               *(p for p in own if p.endswith(".html") and p not in start),
               *(p for p in own if not p.endswith(".html"))]
    return _json({"files": [[path, digest(files[path])] for path in ordered]}).encode("utf-8")


def digest(content: bytes) -> str:
    """A file's digest in the manifests (the first DIGEST_LENGTH hex digits of its SHA-256)."""
    return hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]


def build_hash(worker: str, shell: list[list[str]], manifests: Iterable[bytes]) -> str:
    """A digest of the worker's code, the shell and every manifest (so of every file the worker saves): a new
    build of anything a visitor can have offline gets a new worker, and with it a new cache."""
    hashed = hashlib.sha256(worker.encode("utf-8"))
    hashed.update(_json(shell).encode("utf-8"))
    for content in manifests:
        hashed.update(hashlib.sha256(content).digest())
    return hashed.hexdigest()[:16]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _source(name: str, static_dirs: Sequence[Path]) -> bytes:
    for directory in static_dirs:  # the user's folders first, as for every static file
        candidate = directory / name
        if candidate.is_file():
            return candidate.read_bytes()
    raise OutputError(f"{name} not found in {', '.join(map(str, static_dirs))}")
