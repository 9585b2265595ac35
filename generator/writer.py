"""Write a planned site: only changed files, each atomically; prune what the tool wrote before and no longer makes."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .atomic import TEMP_SUFFIX, is_temporary, replace_file
from .errors import OutputError

log = logging.getLogger(__name__)

MANIFEST = ".pretalx-static-manifest.json"

Advance = Callable[[int], None]


@dataclass
class Plan:
    """Output path → bytes, refusing unsafe paths and two writers of one path."""

    files: dict[str, bytes] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    on_add: Callable[[str], None] | None = field(default=None, compare=False, repr=False)  # progress
    _folded: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # casefolded path → path

    def add(self, path: str, content: bytes, owner: str = "") -> None:
        """Plan one file; `owner` names what produced it, for collision messages."""
        self.claim(path, owner)
        self.files[path] = content
        if self.on_add:
            self.on_add(path)

    def claim(self, path: str, owner: str = "") -> None:
        """Reserve `path` for `owner`; OutputError for an unsafe path or one already claimed (also by case)."""
        check_path(path)
        if path in self.owners:
            raise OutputError(f"two outputs would write {path}: {self.owners[path] or 'one'} and {owner or 'another'}",
                              hint="two objects have codes or slugs that map to the same path")
        # macOS and Windows checkouts of the site fold case: ABC and abc would be one file there
        twin = self._folded.setdefault(path.casefold(), path)
        if twin != path:
            raise OutputError(f"two outputs would write the same file on case-insensitive file systems: "
                              f"{twin} ({self.owners[twin] or 'one'}) and {path} ({owner or 'another'})",
                              hint="two objects have codes that differ only in upper/lower case")
        self.owners[path] = owner


@dataclass(frozen=True)
class WriteReport:
    """What a write changed."""

    written: int
    unchanged: int
    deleted: int
    kept_foreign: tuple[str, ...] = ()
    written_paths: tuple[str, ...] = ()
    deleted_paths: tuple[str, ...] = ()


def check_path(path: str) -> None:
    """Refuse paths that are absolute, climb out, or carry odd characters."""
    pure = PurePosixPath(path)
    if (not path or pure.is_absolute() or "\\" in path or "\x00" in path
            or any(part in {"", ".", ".."} for part in path.split("/"))
            or path == MANIFEST or path.endswith(TEMP_SUFFIX)):
        raise OutputError(f"refusing output path {path!r}: it could escape the output directory "
                          "or clash with the tool's own bookkeeping files")


def manifest_digest(out: Path) -> str | None:
    """sha256 of the manifest in `out` (None without one): names the exact state the last build left."""
    content = _read_bytes(out / MANIFEST)
    return hashlib.sha256(content).hexdigest() if content is not None else None


def up_to_date(out: Path, expected_manifest: str | None) -> WriteReport | None:
    """The report of a build that needs no work: `out` holds the manifest a build with the same inputs left, and
    every file it lists still has the bytes it wrote (checked by hash). None when anything differs."""
    if not expected_manifest or manifest_digest(out) != expected_manifest:
        return None
    digests = _digests(_read_manifest_document(out))
    if not digests:
        return None
    for path, digest in digests.items():
        try:
            if hashlib.sha256((out / path).read_bytes()).hexdigest() != digest:
                return None
        except OSError:
            return None
    existing = _scan(out)
    if any(_is_temporary(p) for p in existing):
        return None  # an interrupted build left work to clean up
    foreign = tuple(sorted(p for p in existing if p not in digests and p != MANIFEST))
    _log_foreign(foreign)
    return WriteReport(0, len(digests), 0, foreign)


def write(plan: Plan, out: Path, advance: Advance | None = None) -> WriteReport:
    """Make `out` hold exactly the planned files (plus files the tool never wrote), touching only what changed.

    Every file is replaced atomically, so a build killed at any moment leaves each file either old or new.
    The manifest names every file the tool may have written before any is touched, so files of an
    interrupted build are still recognised as ours (and pruned when no longer planned) next time.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output directory {out}: {exc.strerror}") from None
    root = out.resolve()
    existing, folders = _scan_with_folders(out)
    for stale in sorted(p for p in existing if _is_temporary(p)):
        _unlink(out / stale)  # left by a build that was killed mid-write
    previous_manifest = _read_manifest_document(out)
    previous = _manifest_paths(previous_manifest)
    changed = [path for path in sorted(plan.files) if not _same_bytes(out / path, plan.files[path], path in existing)]
    obsolete = sorted(path for path in previous - plan.files.keys() if path in existing)
    # refuse before the first write, not halfway through; checked once per folder (a file is replaced, never
    # followed, so only a folder, a symlink among them, could lead outside)
    targets = sorted({posixpath.dirname(path) for path in changed})
    for folder in targets:
        if not Path(os.path.realpath(out / folder)).is_relative_to(root):
            raise OutputError(f"refusing to write into {folder}/: it resolves outside {out}")
    for path in changed:
        if path in folders:
            raise OutputError(f"cannot write {path}: a folder of that name is in the way",
                              hint=f"move or delete {out / path}")
    digests = {path: hashlib.sha256(content).hexdigest() for path, content in plan.files.items()}
    final_manifest = _manifest_bytes(digests)
    if changed or obsolete or previous != plan.files.keys():  # first list every file this build may leave
        _atomic_write(str(out / MANIFEST), _manifest_bytes({p: "" for p in previous | plan.files.keys()}))
    base = str(out)
    for folder in targets:  # once per folder, not per file
        if folder and folder not in folders:
            _make_folder(Path(base, folder))
    for path in changed:
        _atomic_write(os.path.join(base, path), plan.files[path])
        if advance:
            advance(1)
    for path in obsolete:
        target = out / path
        if target.resolve().is_relative_to(root):
            _unlink(target)
            _remove_empty_parents(target.parent, root)
    if _read_bytes(out / MANIFEST) != final_manifest:
        _atomic_write(str(out / MANIFEST), final_manifest)
    foreign = tuple(sorted(p for p in existing if p not in plan.files and p not in previous
                           and p != MANIFEST and not _is_temporary(p)))
    _log_foreign(foreign)
    return WriteReport(len(changed), len(plan.files) - len(changed), len(obsolete), foreign,
                       tuple(changed), tuple(obsolete))


def _scan(out: Path) -> set[str]:
    """Every file under `out` (relative POSIX paths), skipping version-control folders."""
    return _scan_with_folders(out)[0]


def _scan_with_folders(out: Path) -> tuple[set[str], set[str]]:
    """Every file and every folder under `out` (relative POSIX paths), skipping version-control folders."""
    files: set[str] = set()
    folders: set[str] = set()
    for directory, subdirs, names in os.walk(out):
        subdirs[:] = sorted(d for d in subdirs if d not in {".git", ".hg", ".svn"})
        relative = Path(directory).relative_to(out).as_posix()
        prefix = "" if relative == "." else relative + "/"
        files.update(prefix + name for name in names)
        folders.update(prefix + name for name in subdirs)
    return files, folders


def _is_temporary(path: str) -> bool:
    return is_temporary(path.rsplit("/", 1)[-1])


def _same_bytes(target: Path, content: bytes, exists: bool) -> bool:
    if not exists:
        return False
    try:
        if target.stat().st_size != len(content):
            return False
        return target.read_bytes() == content
    except OSError:
        return False


def _atomic_write(target: str, content: bytes) -> None:
    """Replace `target` atomically; a failure is an OutputError naming the file."""
    try:
        replace_file(target, content)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}",
                          hint="check permissions and free space; files already replaced are complete") from None


def _make_folder(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {directory}: {exc.strerror or exc}",
                          hint="check permissions and free space") from None


def _unlink(target: Path) -> None:
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise OutputError(f"cannot delete {target}: {exc.strerror or exc}") from None


def _log_foreign(foreign: tuple[str, ...]) -> None:
    if foreign:
        log.info("left alone %d file(s) this tool did not write: %s", len(foreign), ", ".join(foreign[:5])
                 + (", …" if len(foreign) > 5 else ""))


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def previous_paths(out: Path) -> set[str]:
    """The paths the last build into `out` wrote (from its manifest; empty without one)."""
    return set(_digests(_read_manifest_document(out)))


def _read_manifest_document(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _digests(manifest: dict[str, Any]) -> dict[str, str]:
    """path → sha256 of the files a manifest lists (older manifests list paths only: digest "")."""
    files = manifest.get("files")
    listed = files.items() if isinstance(files, dict) else ((p, "") for p in files) if isinstance(files, list) else ()
    result = {}
    for path, digest in listed:
        try:
            check_path(path)
        except (OutputError, TypeError):
            continue  # a tampered manifest cannot make us delete outside the tree
        result[path] = digest if isinstance(digest, str) else ""
    return result


def _manifest_paths(manifest: dict[str, Any]) -> set[str]:
    return set(_digests(manifest))


def _manifest_bytes(digests: dict[str, str]) -> bytes:
    return (json.dumps({"files": dict(sorted(digests.items()))}, indent=0) + "\n").encode()


def _remove_empty_parents(directory: Path, root: Path) -> None:
    while directory.resolve() != root and directory.resolve().is_relative_to(root):
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
