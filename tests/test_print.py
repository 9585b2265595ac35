"""A day's timetable printed to A4 PDF by real Chromium: few pages, every session on them, readable type, and the
event's time zone at the foot of every page (issue 15, point 10)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from support.data import load_fixture, materialise

from generator import urls
from generator.cli import main
from generator.render.html import css_string
from generator.serve import PreviewServer

pytestmark = pytest.mark.browser
SOURCE = "ccc-39c3/everything.schedule.json"
MAX_PAGES = 12  # issue 15: "a 39C3 day printed to PDF (Chromium) has <= 12 pages" (it was 77)
MIN_POINTS = 8.0


def busiest_day(schedule: dict[str, Any]) -> tuple[dt.date, list[str]]:
    """The frab day with the most events, read straight from the export: its date and its events' titles."""
    days = schedule["schedule"]["conference"]["days"]
    day = max(days, key=lambda d: sum(len(events) for events in d["rooms"].values()))
    return dt.date.fromisoformat(day["date"]), [event["title"] for events in day["rooms"].values() for event in events]


@pytest.fixture(scope="module")
def schedule() -> dict[str, Any]:
    return load_fixture(SOURCE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The 39C3 build (English) served over HTTP; its base URL."""
    directory = tmp_path_factory.mktemp("print")
    assert main(["--quiet", str(materialise(SOURCE, directory)), "--out", str(directory / "site"), "--locale", "en"]) == 0
    server = PreviewServer(directory / "site").start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def printed(chromium: Any, site: str, schedule: dict[str, Any]) -> list[str]:
    """The text of each A4 page of the busiest day, printed as a visitor in dark mode on a phone-sized window would."""
    date, _ = busiest_day(schedule)
    context = chromium.new_context(viewport={"width": 360, "height": 780}, color_scheme="dark")
    page = context.new_page()
    page.goto(site + urls.day("en", date))
    pdf = page.pdf(format="A4")
    context.close()
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def squeeze(text: str) -> str:
    """The letters and digits of a text, ligatures ("ﬁ") undone: a title broken over lines in the PDF still matches."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def test_the_busiest_39c3_day_prints_on_at_most_twelve_a4_pages(printed):
    assert len(printed) <= MAX_PAGES


def test_every_session_of_the_printed_day_is_on_the_paper(printed, schedule):
    _, titles = busiest_day(schedule)
    paper = squeeze("".join(printed))

    missing = [t for t in titles if squeeze(t) not in paper]

    assert len(titles) > 250
    assert missing == []


def test_every_printed_page_names_the_events_time_zone(printed, schedule):
    zone = schedule["schedule"]["conference"]["time_zone_name"]

    without = [number for number, text in enumerate(printed, 1) if f"Times are in {zone}." not in text]

    assert without == []


def test_printed_text_is_at_least_eight_points(chromium, site, schedule):
    date, _ = busiest_day(schedule)
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site + urls.day("en", date))
    page.emulate_media(media="print")

    # every element that shows text of its own, with its computed size (CSS px: 1pt = 4/3 px)
    sizes = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getClientRects().length && [...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim()))
        .map((e) => [e.tagName + '.' + e.className, parseFloat(getComputedStyle(e).fontSize) * 0.75])""")
    context.close()

    small = {name: points for name, points in sizes if points < MIN_POINTS}
    assert len(sizes) > 1000
    assert small == {}


def test_the_printed_time_zone_sentence_is_a_css_string_that_cannot_close_its_style_element():
    assert css_string('Zeiten in "X"\\Y </style><b>') == '"Zeiten in \\"X\\"\\\\Y \\3c /style>\\3c b>"'
