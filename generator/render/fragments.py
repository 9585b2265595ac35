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
        # key → (markup, the page it was rendered on, the targets it links to)
        self._cache: dict[tuple[Any, ...], tuple[Markup, str, tuple[str, ...]]] = {}

    def bind(self, page: str, locale: str) -> tuple[Callable[[str], str], Callable[..., Markup]]:
        """(link, fragment) for one page: `link` makes relative links and tells `fragment` which a macro made."""
        recording: list[list[str]] = []
        depth = page.count("/")

        def link(target: str) -> str:
            for targets in recording:
                targets.append(target)
            return urls.relative(page, target)

        def fragment(macro: Callable[..., Markup], *args: Any, **kwargs: Any) -> Markup:
            key = (locale, depth, getattr(macro, "name", None), *map(_key, args), *sorted(kwargs.items()))
            cached = self._cache.get(key)
            if cached is not None:
                markup, origin, targets = cached
                if all(urls.relative(origin, t) == urls.relative(page, t) for t in targets):
                    return markup
            targets: list[str] = []
            recording.append(targets)
            try:
                markup = Markup(macro(*args, **kwargs))
            finally:
                recording.pop()
            self._cache[key] = (markup, page, tuple(targets))
            return markup

        return link, fragment


def _key(argument: Any) -> Any:
    """What tells one argument from another: an entry by its key (hashing the whole session would cost more)."""
    return ("entry", argument.key) if isinstance(argument, Entry) else argument
