"""Reading a built site back: which pages exist, and what a page says."""

from __future__ import annotations

import re
from pathlib import Path


def pages(site: Path, locale: str, kind: str) -> set[str]:
    """The names of the `{locale}/{kind}/{name}/index.html` pages of a built site."""
    return {p.parent.name for p in (site / locale / kind).glob("*/index.html")}


def h1(page: Path) -> str:
    """The text of a page's h1 (tags removed)."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
    assert match, f"no h1 in {page}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a directory tree with its bytes, for byte-for-byte comparisons."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
