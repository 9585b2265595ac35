"""The live pretalx lab's bilingual event: the same pages in German and English, each with its own names."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import icalendar
import lxml.etree
import lxml.html
import pytest
import requests

from conftest import skip_or_fail
from generator import urls
from generator.cli import main
from support.site import locale_files, texts

pytestmark = pytest.mark.live


class Names(NamedTuple):
    """One object's name in German and in English, as the lab's API gives it."""

    de: str
    en: str


def fetch(pretalx_url: str, event: str, collection: str) -> list[dict[str, Any]]:
    """Every object of a collection of the lab's current API (one big page)."""
    answer = requests.get(f"{pretalx_url}/api/events/{event}/{collection}/?page_size=500", timeout=30)
    answer.raise_for_status()
    return answer.json()["results"]


def bilingual(value: Any) -> Names | None:
    """The German and English strings of a multilingual value, when they differ."""
    if isinstance(value, dict) and value.get("de") and value.get("en") and value["de"] != value["en"]:
        return Names(value["de"], value["en"])
    return None


@pytest.fixture(scope="module")
def lab_names(pretalx_url: str, pretalx_event: str) -> dict[str, Names]:
    """A room, a track and a break with different German and English names, read from the lab."""
    found = {
        "room": next(filter(None, (bilingual(r["name"]) for r in fetch(pretalx_url, pretalx_event, "rooms"))), None),
        "track": next(filter(None, (bilingual(t["name"]) for t in fetch(pretalx_url, pretalx_event, "tracks"))), None),
        "break": next(filter(None, (bilingual(s["description"]) for s in fetch(pretalx_url, pretalx_event, "slots")
                                    if not s["submission"])), None),
    }
    missing = [kind for kind, names in found.items() if names is None]
    assert not missing, f"the lab's event has no {', '.join(missing)} with distinct German and English names"
    return found  # type: ignore[return-value]


@pytest.fixture(scope="module")
def lab_site(pretalx_url: str, pretalx_event: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lab's event built from the current API, in every locale it offers."""
    out = tmp_path_factory.mktemp("lab")
    assert main([f"{pretalx_url}/{pretalx_event}/", "--out", str(out), "--quiet"]) == 0
    return out


def test_live_german_and_english_sites_have_the_same_pages(lab_site):
    english, german = locale_files(lab_site, "en"), locale_files(lab_site, "de")

    assert len([f for f in english if f.endswith(".html")]) > 10
    assert english == german


@pytest.mark.parametrize("kind", ["room", "track", "break"])
def test_live_pages_name_rooms_tracks_and_breaks_in_the_language_of_the_page(lab_site, lab_names, kind):
    names = lab_names[kind]
    page = "talks/index.html" if kind == "break" else "index.html"  # the session list shows breaks
    where = {lang: texts(lab_site / lang / page) | {
        text for day in (lab_site / lang / "day").glob("*/index.html") for text in texts(day)} for lang in ("de", "en")}

    assert names.de in where["de"] and names.en not in where["de"]
    assert names.en in where["en"] and names.de not in where["en"]


def test_live_day_headings_are_german_on_the_german_site(lab_site):
    headings = {h.text_content() for day in (lab_site / "de/day").glob("*/index.html")
                for h in lxml.html.fromstring(day.read_bytes()).xpath("//h1")}

    assert "Sonntag, 1. März 2026" in headings


def test_live_every_hreflang_link_points_to_a_file_that_exists(lab_site):
    pages = sorted(lab_site.rglob("*.html"))
    links = [(page, link.get("href")) for page in pages
             for link in lxml.html.fromstring(page.read_bytes()).xpath('//link[@rel="alternate"][@hreflang]')]

    missing = [f"{page.relative_to(lab_site)} → {href}" for page, href in links
               if not Path(posixpath.normpath((page.parent / href).as_posix())).is_file()]
    assert len(links) >= len(pages) - 2  # every page but the root chooser and the 404 page has some
    assert missing == []


# ---- feeds --------------------------------------------------------------------------------------

def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _xml_strings(data: bytes) -> Iterator[str]:
    for element in lxml.etree.fromstring(data).iter():
        if element.text and element.text.strip():
            yield element.text.strip()
        yield from element.attrib.values()


def _ical_strings(data: bytes) -> Iterator[str]:
    for component in icalendar.Calendar.from_ical(data).walk():
        for value in component.values():
            for item in value if isinstance(value, list) else [value]:
                if hasattr(item, "cats"):
                    yield from (str(category) for category in item.cats)
                else:
                    yield str(item)


FEEDS = {
    "ical": (lambda lang: urls.schedule_ical(lang), _ical_strings),
    "json": (urls.json_feed, lambda data: _json_strings(json.loads(data))),
    "frab-xml": (urls.frab_xml, _xml_strings),
    "frab-json": (urls.frab_json, lambda data: _json_strings(json.loads(data))),
}


def feed_strings(site: Path, feed: str, lang: str) -> set[str]:
    """Every string value of one locale's feed (exact values, so "Track (de)" never counts as "Track")."""
    path_of, strings = FEEDS[feed]
    path = site / path_of(lang)
    if not path.is_file():
        skip_or_fail(f"{path_of(lang)} was not built: the {feed} feed (generator/feeds.py) does not exist yet")
    return set(strings(path.read_bytes()))


@pytest.mark.parametrize("feed", list(FEEDS))
@pytest.mark.parametrize("kind", ["room", "track"])
def test_live_feeds_name_rooms_and_tracks_in_the_language_of_their_site(lab_site, lab_names, feed, kind):
    names = lab_names[kind]

    german, english = feed_strings(lab_site, feed, "de"), feed_strings(lab_site, feed, "en")

    assert names.de in german and names.en not in german
    assert names.en in english and names.de not in english


def test_live_json_feed_names_breaks_in_the_language_of_its_site(lab_site, lab_names):
    names = lab_names["break"]

    german, english = feed_strings(lab_site, "json", "de"), feed_strings(lab_site, "json", "en")

    assert names.de in german and names.en not in german
    assert names.en in english and names.de not in english


# ---- the legacy API ends in the same model ------------------------------------------------------

def test_live_legacy_api_gives_the_same_german_and_english_room_and_track_names(
        pretalx_url, pretalx_event, lab_names, lab_site, tmp_path):
    assert main([f"{pretalx_url}/{pretalx_event}/", "--legacy", "--out", str(tmp_path), "--quiet"]) == 0

    for lang in ("de", "en"):
        legacy, current = texts(tmp_path / lang / "index.html"), texts(lab_site / lang / "index.html")
        for kind in ("room", "track"):
            name = getattr(lab_names[kind], lang)
            assert name in legacy and name in current, (lang, kind)
