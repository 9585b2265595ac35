"""--offline: a service worker at the site's root that precaches every page and asset, versioned by the build."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .errors import OutputError

log = logging.getLogger(__name__)

WORKER = "sw.js"  # at the root: a service worker controls only the folder it is served from, and below
REGISTER = "sw-register.js"
SOURCES = (WORKER, REGISTER)  # in static/, but only --offline builds ship them (sw.js filled in, at the root)
# what the worker stores at install: pages and what they load; feeds (.ics, .json, .xml: half the bytes of
# a big event) are for calendar apps and are cached only once fetched
PRECACHED_SUFFIXES = (".html", ".css", ".js", ".svg", ".png", ".jpg", ".gif", ".webp", ".avif",
                      ".ico", ".woff", ".woff2", ".webmanifest")
SOCIAL_CARD = "/card.png"  # urls.card
BUILD_PLACEHOLDER = '"__PRETALX_STATIC_BUILD__"'
FILES_PLACEHOLDER = "[/* __PRETALX_STATIC_FILES__ */]"
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
    if BUILD_PLACEHOLDER not in worker or FILES_PLACEHOLDER not in worker:
        raise OutputError(f"{WORKER} lacks the placeholders {BUILD_PLACEHOLDER} and {FILES_PLACEHOLDER}",
                          hint="an overriding sw.js must keep them: the build fills them in")
    return ServiceWorker(worker, _source(REGISTER, static_dirs))


def worker_for(files: Mapping[str, bytes], sw: ServiceWorker) -> bytes:
    """sw.js for a site of `files` (every other output, rendered): its precache list and build hash filled in."""
    precache = precached(files)
    build = build_hash(files, precache, sw.worker)
    unregistered = [path for path in sorted(files) if path.endswith(".html") and b' data-sw="' not in files[path]]
    if unregistered:  # a theme's page template without our registration tag (base.html prints it)
        log.warning("%d page(s) do not register the service worker, e.g. %s", len(unregistered), unregistered[0])
    log.info("service worker %s precaches %d files", build, len(precache))
    return sw.worker.replace(BUILD_PLACEHOLDER, json.dumps(build)).replace(FILES_PLACEHOLDER,
                                                                          json.dumps(precache)).encode("utf-8")


def precached(files: Mapping[str, bytes]) -> list[str]:
    """The files the worker fetches at install, relative to the site's root, sorted."""
    # social cards are for link previews, fetched by other sites' crawlers: no page of ours shows one
    return sorted(path for path in files if path.endswith(PRECACHED_SUFFIXES) and not path.endswith(SOCIAL_CARD))


def build_hash(files: Mapping[str, bytes], precache: list[str], worker: str) -> str:
    """A digest of every precached file and of the worker's code: a new build gets a new worker."""
    digest = hashlib.sha256(worker.encode("utf-8"))
    for path in precache:
        digest.update(path.encode("utf-8") + b"\0" + hashlib.sha256(files[path]).digest())
    return digest.hexdigest()[:16]


def _source(name: str, static_dirs: Sequence[Path]) -> bytes:
    for directory in static_dirs:  # the user's folders first, as for every static file
        candidate = directory / name
        if candidate.is_file():
            return candidate.read_bytes()
    raise OutputError(f"{name} not found in {', '.join(map(str, static_dirs))}")

