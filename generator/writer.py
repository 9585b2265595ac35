"""Write a planned site: only changed files, each atomically; prune what the tool wrote before and no longer makes."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import OutputError

log = logging.getLogger(__name__)

MANIFEST = ".pretalx-static-manifest.json"


@dataclass
class Plan:
    """Output path → bytes, refusing unsafe paths and two writers of one path."""

    files: dict[str, bytes] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def add(self, path: str, content: bytes, owner: str = "") -> None:
        """Plan one file; `owner` names what produced it, for collision messages."""
        check_path(path)
        if path in self.files:
            raise OutputError(f"two outputs would write {path}: {self.owners[path] or 'one'} and {owner or 'another'}",
                              hint="two objects have codes or slugs that map to the same path")
        self.files[path] = content
        self.owners[path] = owner


@dataclass(frozen=True)
class WriteReport:
    """What a write changed."""

    written: int
    unchanged: int
    deleted: int
    kept_foreign: tuple[str, ...] = ()


def check_path(path: str) -> None:
    """Refuse paths that are absolute, climb out, or carry odd characters."""
    pure = PurePosixPath(path)
    if (not path or pure.is_absolute() or "\\" in path or "\x00" in path
            or any(part in {"", ".", ".."} for part in path.split("/"))):
        raise OutputError(f"refusing output path {path!r}: it could escape the output directory")


def write(plan: Plan, out: Path) -> WriteReport:
    """Make `out` hold exactly the planned files (plus files the tool never wrote), touching only what changed."""
    out.mkdir(parents=True, exist_ok=True)
    root = out.resolve()
    previous = _read_manifest(out)
    written = unchanged = 0
    for path in sorted(plan.files):
        target = out / path
        if not target.resolve().is_relative_to(root):
            raise OutputError(f"refusing to write {path}: it resolves outside {out}")
        content = plan.files[path]
        if _same_bytes(target, content):
            unchanged += 1
            continue
        _atomic_write(target, content)
        written += 1
    deleted = 0
    for path in sorted(previous - plan.files.keys()):
        target = out / path
        if target.is_file() and target.resolve().is_relative_to(root):
            target.unlink()
            deleted += 1
            _remove_empty_parents(target.parent, root)
    _atomic_write(out / MANIFEST, _manifest_bytes(plan.files))
    foreign = tuple(sorted(_foreign_files(out, plan.files.keys())))
    if foreign:
        log.info("left alone %d file(s) this tool did not write, e.g. %s", len(foreign), foreign[0])
    return WriteReport(written, unchanged, deleted, foreign)


def _same_bytes(target: Path, content: bytes) -> bool:
    try:
        if target.stat().st_size != len(content):
            return False
        return hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(content).digest()
    except OSError:
        return False


def _atomic_write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()


def _read_manifest(out: Path) -> set[str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    result = set()
    for path in files if isinstance(files, list) else ():
        try:
            check_path(path)
        except OutputError:
            continue  # a tampered manifest cannot make us delete outside the tree
        result.add(path)
    return result


def _manifest_bytes(paths: Iterable[str]) -> bytes:
    return (json.dumps({"files": sorted(paths)}, indent=0) + "\n").encode()


def _foreign_files(out: Path, ours: Iterable[str]) -> Iterable[str]:
    known = set(ours) | {MANIFEST}
    for path in out.rglob("*"):
        if path.is_file():
            relative = path.relative_to(out).as_posix()
            if relative not in known and not relative.startswith(".git/"):
                yield relative


def _remove_empty_parents(directory: Path, root: Path) -> None:
    while directory.resolve() != root and directory.resolve().is_relative_to(root):
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
