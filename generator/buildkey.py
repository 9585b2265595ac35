"""A fingerprint of everything a build's output depends on, so an unchanged rebuild can skip rendering."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path

from .atomic import replace_file
from .config import DEFAULT_STATIC, DEFAULT_TEMPLATES, PROJECT_ROOT, Settings
from .sources import snapshot
from .sources.raw import RawEvent
from .writer import manifest_digest

log = logging.getLogger(__name__)

# settings that change where or how loudly a build runs, never what it writes
NOT_IN_OUTPUT = frozenset({"source", "out", "quiet", "save_snapshot", "token", "cache_dir", "config_file", "timeout",
                           "retries", "concurrency", "allow_shrink"})
LIBRARIES = ("jinja2", "markdown", "nh3", "bleach", "publicsuffixlist", "babel", "icalendar", "markupsafe", "lxml",
             "tzdata", "pillow", "fonttools", "python-bidi")


def build_key(raw: RawEvent, settings: Settings) -> str:
    """sha256 over the raw data, the settings that shape the output, every template, static file and line of
    this tool's code and the library versions (SOURCE_DATE_EPOCH is a setting): equal keys mean byte-identical output."""
    digest = hashlib.sha256()
    digest.update(snapshot.dumps(raw))
    shaping = {key: value for key, value in sorted(settings.__dict__.items()) if key not in NOT_IN_OUTPUT}
    digest.update(repr(shaping).encode())
    digest.update(f"\0python {sys.version}".encode())
    for library in LIBRARIES:
        digest.update(f"\0{library} {_version(library)}".encode())
    folders = [*settings.templates_dirs, *settings.static_dirs, DEFAULT_TEMPLATES, DEFAULT_STATIC,
               PROJECT_ROOT / "generator"]
    for folder in folders:
        for path in _files(folder):
            digest.update(f"\0{path}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def recalled(settings: Settings, key: str) -> str | None:
    """The manifest digest the last build into `settings.out` left, if that build had the same key."""
    try:
        record = json.loads(_record(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not key or not isinstance(record, dict) or record.get("key") != key:
        return None
    return record.get("manifest") if isinstance(record.get("manifest"), str) else None


def remember(settings: Settings, key: str) -> None:
    """Note, in the cache folder (not the site: its bytes depend on the content only), what this build left."""
    record, manifest = _record(settings), manifest_digest(settings.out)
    if not key or not manifest:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        replace_file(record, json.dumps({"key": key, "manifest": manifest}).encode("utf-8"))
    except OSError as exc:  # only costs the next unchanged rebuild its shortcut
        log.warning("cannot write %s: %s", record, exc.strerror or exc)


def _record(settings: Settings) -> Path:
    where = hashlib.sha256(str(settings.out.resolve()).encode()).hexdigest()[:24]
    return settings.cache_dir / "builds" / f"{where}.json"


def _files(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _version(library: str) -> str:
    try:
        return importlib.metadata.version(library)
    except importlib.metadata.PackageNotFoundError:
        return "-"
