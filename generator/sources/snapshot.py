"""Save and load snapshots: the raw documents of one fetch, to rebuild offline byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..atomic import replace_file
from ..errors import SourceError
from .raw import KINDS, RawEvent

FORMAT = "pretalx-static-snapshot"
VERSION = 1


def is_snapshot(data: Any) -> bool:
    """True for a document written by `save`."""
    return isinstance(data, dict) and data.get("format") == FORMAT


def dumps(raw: RawEvent) -> bytes:
    """A snapshot's bytes: sorted keys, so the same fetch gives the same file."""
    data = {"format": FORMAT, "version": VERSION, "kind": raw.kind, "origin": raw.origin,
            "documents": raw.documents}
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def save(raw: RawEvent, path: Path) -> None:
    """Write a snapshot file (atomically: a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, dumps(raw))


def load(data: Any, origin: str) -> RawEvent:
    """The RawEvent stored in a decoded snapshot document."""
    if data.get("version") != VERSION or data.get("kind") not in KINDS \
            or not isinstance(data.get("documents"), dict):
        raise SourceError(f"{origin}: not a snapshot this version can read "
                          f"(format version {data.get('version')!r}, kind {data.get('kind')!r})")
    return RawEvent(data["kind"], str(data.get("origin") or origin), data["documents"])
