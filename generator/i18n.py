"""Locales: choosing a multilingual string, the interface translations, and dates, times and durations."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from collections.abc import Mapping
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.units import format_unit

from .model import Multilingual

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LOCALE = "en"  # the templates' msgids are English: a missing translation shows them
# pretalx's plain "en" is not American English: conferences write "Sunday, 1 March 2026" and 13:00
FORMAT_LOCALES = {"en": "en_GB"}
LOCALE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# a schedule formats the same few hundred times and dates thousands of times over
_memo = functools.lru_cache(maxsize=8192)


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


def fallback_language(value: Multilingual | Mapping[str, str] | str | None, locale: str,
                      default_locale: str | None = None) -> str:
    """The language of the string `choose` picks, when it is not the page's (`locale`'s language): what a `lang`
    attribute needs (WCAG 3.1.2); "" when it is the page's language or unknown (a plain string)."""
    if value is None or isinstance(value, str):
        return ""
    values = value.as_dict() if isinstance(value, Multilingual) else dict(value)
    text = choose(values, locale, default_locale)
    language = locale.split("-")[0].split("_")[0]
    if not text or values.get(locale) == text or values.get(language) == text:
        return ""
    for key in (default_locale, "en", *sorted(values)):
        if key and values.get(key) == text:
            return key if key.split("-")[0] != language else ""
    return ""


def locale_code(value: object) -> str | None:
    """`value` as a locale code of a known language (`de`, `pt-BR`, `de-formal`), or None when it is not one.

    The code becomes a folder name: the known-language rule also keeps out names like `nul` and `con`.
    """
    if not isinstance(value, str) or not LOCALE_CODE.match(value.strip()):
        return None
    code = value.strip()
    return code if code.replace("_", "-").split("-")[0].lower() in _known_languages() else None


@functools.lru_cache(maxsize=1)
def _known_languages() -> frozenset[str]:
    """The language codes CLDR names (about 650, ISO 639)."""
    return frozenset(Locale.parse(SOURCE_LOCALE).languages)


def _candidates(locale: str) -> tuple[str, ...]:
    """Catalog and Babel names to try for a site locale, most specific first: `pt-BR` → pt_BR, pt."""
    name = locale.replace("-", "_")
    return tuple(dict.fromkeys((name, name.split("_")[0])))


def catalog_path(language: str) -> Path:
    """The .po file holding the interface strings of `language` (gettext's folder layout)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages() -> tuple[str, ...]:
    """The languages that have an interface catalog, sorted."""
    return tuple(sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


@functools.lru_cache(maxsize=None)
def ui_translations(locale: str | None) -> gettext.NullTranslations:
    """The interface translations of `locale` (its own catalog, else its language's); English without one."""
    for name in _candidates(locale or SOURCE_LOCALE):
        if catalog_path(name).is_file():
            return compile_po(catalog_path(name))
    return gettext.NullTranslations()


def compile_po(path: Path) -> gettext.GNUTranslations:
    """A .po file compiled in memory, so no binary catalog is committed; empty and fuzzy entries stay English."""
    with path.open("rb") as po:
        catalog = read_po(po, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@functools.lru_cache(maxsize=None)
def format_locale(locale: str) -> Locale:
    """The Babel locale that formats dates and times for a site locale (its language when Babel lacks the variant)."""
    for name in _candidates(locale):
        try:
            return Locale.parse(FORMAT_LOCALES.get(name, name))
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(FORMAT_LOCALES[SOURCE_LOCALE])


@_memo
def long_date(value: dt.date, locale: str) -> str:
    """A date written out with its weekday: "Sunday, 1 March 2026", "Sonntag, 1. März 2026"."""
    return format_date(value, "full", locale=format_locale(locale))


@_memo
def short_date(value: dt.date, locale: str) -> str:
    """A compact date with its weekday, for lists: "Sun, 1 Mar 2026", "So., 1. März 2026"."""
    return format_skeleton("yMMMEd", value, locale=format_locale(locale))


@_memo
def time_of_day(moment: dt.datetime, zone: dt.tzinfo, locale: str) -> str:
    """A wall-clock time in `zone`, 24-hour where the locale uses it: "13:00" (de, fr, en), "1:00 PM" (en-US)."""
    local = moment.astimezone(zone)
    return format_time(local, "short", tzinfo=zone, locale=format_locale(locale))


@_memo
def duration(length: dt.timedelta, locale: str) -> str:
    """A session length in hours and minutes: "1 hr 30 mins", "1 Std., 30 Min.", "45 min"."""
    minutes = max(0, round(length.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    where = format_locale(locale)
    parts = [format_unit(hours, "duration-hour", length="short", locale=where)] if hours else []
    if minutes or not hours:
        parts.append(format_unit(minutes, "duration-minute", length="short", locale=where))
    return format_list(parts, style="unit-narrow", locale=where)


@functools.lru_cache(maxsize=None)
@functools.lru_cache(maxsize=None)
def og_locale(locale: str) -> str:
    """A site locale as OpenGraph's `og:locale` writes it, language_TERRITORY ("en_GB", "de_DE"; ogp.me,
    "Optional Metadata"): the formatting locale's territory, else CLDR's likely one for the language."""
    shown = format_locale(locale)
    territory = shown.territory
    if not territory:
        from babel.core import get_global

        likely = get_global("likely_subtags").get(shown.language)
        territory = Locale.parse(likely).territory if likely else None
    return f"{shown.language}_{territory}" if territory else shown.language


def text_direction(locale: str) -> str:
    """"rtl" for a locale written right to left (Hebrew, Arabic, Persian, Urdu…), else "ltr" (CLDR, through Babel)."""
    return str(format_locale(locale).text_direction)


@functools.lru_cache(maxsize=None)
def language_name(code: str) -> str:
    """A language's name in that language, for a language switcher: "Deutsch", "français", "English"."""
    for name in _candidates(code):
        try:
            return Locale.parse(name).get_display_name(name) or code
        except (UnknownLocaleError, ValueError):
            continue
    return code
