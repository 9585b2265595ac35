"""Macro output rendered once and reused on every page where it reads the same (a session listed on many pages)."""

from __future__ import annotations

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
        # key → (markup, (target, link as written) of each link it holds)
        self._cache: dict[tuple[Any, ...], tuple[Markup, tuple[tuple[str, str], ...]]] = {}

    def bind(self, page: str, locale: str) -> tuple[Callable[[str], str], Callable[..., Markup]]:
        """(link, fragment) for one page: `link` makes relative links and tells `fragment` which a macro made."""
        recording: list[list[tuple[str, str]]] = []
        depth = page.count("/")

        def link(target: str) -> str:
            written = urls.relative(page, target)
            for links in recording:
                links.append((target, written))
            return written

        def fragment(macro: Callable[..., Markup], *args: Any, **kwargs: Any) -> Markup:
            key = (locale, depth, getattr(macro, "name", None), *map(_key, args), *sorted(kwargs.items()))
            cached = self._cache.get(key)
            if cached is not None:
                markup, links = cached
                if all(urls.relative(page, target) == written for target, written in links):
                    return markup
            links: list[tuple[str, str]] = []
            recording.append(links)
            try:
                markup = Markup(macro(*args, **kwargs))
            finally:
                recording.pop()
            self._cache[key] = (markup, tuple(links))
            return markup

        return link, fragment


def _key(argument: Any) -> Any:
    """What tells one argument from another: an entry by its key (hashing the whole session would cost more)."""
    return ("entry", argument.key) if isinstance(argument, Entry) else argument
