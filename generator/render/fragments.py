"""Macro output rendered once and reused on every page where it reads the same (a session listed on many pages)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from .. import urls
from ..model import Entry


class Fragments:
    """A build's cache of macro output, keyed by locale, page depth, macro name and arguments.

    A cached fragment is reused only where every link it holds reads the same as on the page it was rendered
    for (links are relative); so `fragment()` suits macros whose output depends on nothing but their
    arguments, the locale and `link()`: not on `page_path`. Macros are told apart by name.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], _Fragment] = {}

    def bind(self, page: str, locale: str) -> tuple[Callable[[str], str], Callable[..., Markup]]:
        """(link, fragment) for one page: `link` makes relative links and tells `fragment` which a macro made."""
        recording: list[list[tuple[str, str]]] = []
        depth = page.count("/")
        folder, parent = posixpath.dirname(page), posixpath.dirname(posixpath.dirname(page))

        def link(target: str) -> str:
            written = urls.relative(page, target)
            for links in recording:
                links.append((target, written))
            return written

        def fragment(macro: Callable[..., Markup], *args: Any, **kwargs: Any) -> Markup:
            key = (locale, depth, getattr(macro, "name", None), *map(_key, args), *sorted(kwargs.items()))
            cached = self._cache.get(key)
            if cached is not None and cached.reads_the_same(page, folder, parent):
                return cached.markup
            links: list[tuple[str, str]] = []
            recording.append(links)
            try:
                markup = Markup(macro(*args, **kwargs))
            finally:
                recording.pop()
            self._cache[key] = _Fragment(markup, tuple(links), folder, parent)
            return markup

        return link, fragment


class _Fragment:
    """Rendered macro output, the links it holds, and where it was rendered."""

    __slots__ = ("markup", "links", "folder", "parent", "folders")

    def __init__(self, markup: Markup, links: tuple[tuple[str, str], ...], folder: str, parent: str) -> None:
        self.markup = markup
        self.links = links  # (target, link as written)
        self.folder = folder  # the folder of the page it was rendered for
        self.parent = parent
        # every link target and every folder holding one: "en/talk/C/index.html" → en, en/talk, en/talk/C, itself
        self.folders = frozenset(path for target, _ in links
                                 for path in (target, *(target[:i] for i, c in enumerate(target) if c == "/")))

    def reads_the_same(self, page: str, folder: str, parent: str) -> bool:
        """Whether every link reads the same from `page` as from the page it was rendered for."""
        if folder == self.folder:
            return True
        # a sibling folder (en/talk/A and en/talk/B) sees every target outside both folders by the same path
        if parent == self.parent and folder not in self.folders and self.folder not in self.folders:
            return True
        return all(urls.relative(page, target) == written for target, written in self.links)


def _key(argument: Any) -> Any:
    """What tells one argument from another: an entry by its key (hashing the whole session would cost more)."""
    return ("entry", argument.key) if isinstance(argument, Entry) else argument
