"""Choosing the string of a multilingual field for a locale."""

from __future__ import annotations

from collections.abc import Mapping

from .model import Multilingual


def choose(value: Multilingual | Mapping[str, str] | str | None, locale: str,
           default_locale: str | None = None) -> str:
    """The text for `locale`: exact locale, its language, the event default, `en`, then the first non-empty.

    Empty strings count as missing; a plain string is returned as it is.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    values = value.as_dict() if isinstance(value, Multilingual) else dict(value)
    language = locale.split("-")[0].split("_")[0]
    for candidate in (locale, language, default_locale, "en"):
        if candidate and values.get(candidate):
            return values[candidate]
    for key in sorted(values):
        if values[key]:
            return values[key]
    return ""
