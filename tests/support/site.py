"""Reading a built site back: which pages exist, and what a page says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lxml.html

if TYPE_CHECKING:
    from generator.model import Conference


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


def locale_files(site: Path, locale: str) -> set[str]:
    """Every file of one locale's site, relative to its folder (to compare the sites of two languages)."""
    return {p.relative_to(site / locale).as_posix() for p in (site / locale).rglob("*") if p.is_file()}


def texts(page: Path) -> set[str]:
    """The whole-element texts of a page, whitespace collapsed: "Atelier" as a value, not inside a title."""
    doc = lxml.html.fromstring(page.read_bytes())
    return {" ".join(node.text_content().split()) for node in doc.iter() if isinstance(node.tag, str)}


def planned(conference: Conference, locales: tuple[str, ...] | None = None, *, prefix: str = "",
            suffixes: tuple[str, ...] = ("",), **settings: Any) -> dict[str, bytes]:
    """The files of a site of `conference` (in all its locales unless told) whose paths start with `prefix` and
    end with one of `suffixes`, made in memory from the build's own plan (generator/plan.py), nothing written:
    faster than building the whole site."""
    from generator.config import Settings
    from generator.plan import plan_site

    plan = plan_site(conference, Settings(**settings), locales or conference.locales)
    return {output.path: output.make() for output in plan.outputs()
            if output.path.startswith(prefix) and output.path.endswith(suffixes)}
