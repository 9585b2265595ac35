"""--offline: a service worker at the site's root that precaches every page and asset, versioned by the build."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from . import urls
from .errors import OutputError
from .writer import Plan

log = logging.getLogger(__name__)

WORKER = "sw.js"  # at the root: a service worker controls only the folder it is served from, and below
REGISTER = "sw-register.js"
SOURCES = (WORKER, REGISTER)  # in static/, but only --offline builds ship them (sw.js filled in, at the root)
# what the worker stores at install: pages and what they load; feeds (.ics, .json, .xml: half the bytes of
# a big event) are for calendar apps and are cached only once fetched
PRECACHED_SUFFIXES = (".html", ".css", ".js", ".svg", ".png", ".jpg", ".gif", ".webp", ".avif",
                      ".ico", ".woff", ".woff2", ".webmanifest")
BUILD_PLACEHOLDER = '"__PRETALX_STATIC_BUILD__"'
FILES_PLACEHOLDER = "[/* __PRETALX_STATIC_FILES__ */]"


def add_service_worker(plan: Plan, static_dirs: Sequence[Path]) -> str:
    """Add the worker and its registration to `plan`, and a script tag to every page; return the build hash."""
    worker = _source(WORKER, static_dirs).decode("utf-8")
    if BUILD_PLACEHOLDER not in worker or FILES_PLACEHOLDER not in worker:
        raise OutputError(f"{WORKER} lacks the placeholders {BUILD_PLACEHOLDER} and {FILES_PLACEHOLDER}",
                          hint="an overriding sw.js must keep them: the build fills them in")
    register_path = urls.static(REGISTER)
    plan.add(register_path, _source(REGISTER, static_dirs), f"static file {REGISTER}")
    _add_script_tags(plan, register_path)
    files = precached(plan)
    build = build_hash(plan, files, worker)
    worker = worker.replace(BUILD_PLACEHOLDER, json.dumps(build)).replace(FILES_PLACEHOLDER, json.dumps(files))
    plan.add(WORKER, worker.encode("utf-8"), "service worker")
    log.info("service worker %s precaches %d files", build, len(files))
    return build


def precached(plan: Plan) -> list[str]:
    """The planned files the worker fetches at install, relative to the site's root, sorted."""
    return sorted(path for path in plan.files if path.endswith(PRECACHED_SUFFIXES))


def build_hash(plan: Plan, files: list[str], worker: str) -> str:
    """A digest of every precached file and of the worker's code: a new build gets a new worker."""
    digest = hashlib.sha256(worker.encode("utf-8"))
    for path in files:
        digest.update(path.encode("utf-8") + b"\0" + hashlib.sha256(plan.files[path]).digest())
    return digest.hexdigest()[:16]


def _add_script_tags(plan: Plan, register_path: str) -> None:
    missing = []
    for page in sorted(path for path in plan.files if path.endswith(".html")):
        text = plan.files[page].decode("utf-8")
        if "</head>" not in text:
            missing.append(page)
            continue
        tag = (f'<script src="{urls.relative(page, register_path)}" '
               f'data-sw="{urls.relative(page, WORKER)}" defer></script>\n')
        at = text.index("</head>")
        plan.files[page] = (text[:at] + tag + text[at:]).encode("utf-8")  # same page, one more tag
    if missing:
        log.warning("%d page(s) have no </head>, so they do not register the service worker, e.g. %s",
                    len(missing), missing[0])


def _source(name: str, static_dirs: Sequence[Path]) -> bytes:
    for directory in static_dirs:  # the user's folders first, as for every static file
        candidate = directory / name
        if candidate.is_file():
            return candidate.read_bytes()
    raise OutputError(f"{name} not found in {', '.join(map(str, static_dirs))}")

