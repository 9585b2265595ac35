""""My time" converts dates and day headings, not only clock times (issue 15, point 8): a visitor in Auckland
(12 or 13 hours from Berlin) reads each session's date in their own zone, with its conference day named where the two
differ, and a day's heading gives the dates its sessions run over there. Real Chromium with its time zone set."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from support.conferences import conference
from support.data import load_fixture, materialise

from generator import urls
from generator.cli import main
from generator.serve import PreviewServer

pytestmark = pytest.mark.browser
VISITOR = "Pacific/Auckland"
EVENTS = {"demo": None, "39c3": "ccc-39c3/everything.schedule.json"}
SOURCE = EVENTS["39c3"]


def frab_events(day: dict[str, Any]) -> list[tuple[dt.datetime, dt.datetime, dict[str, Any]]]:
    """(start, end, event) of a frab day's events, read from the export: `date` is ISO with offset, `duration` H:MM."""
    found = []
    for events in day["rooms"].values():
        for event in events:
            start = dt.datetime.fromisoformat(event["date"])
            hours, minutes = (int(x) for x in event["duration"].split(":")[-2:])
            found.append((start, start + dt.timedelta(hours=hours, minutes=minutes), event))
    return found


@pytest.fixture(scope="module", params=EVENTS, ids=EVENTS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """One event built (English) and served over HTTP: its base URL and name."""
    directory = tmp_path_factory.mktemp(f"mytime-{request.param}")
    source = [str(materialise(EVENTS[request.param], directory))] if EVENTS[request.param] else []
    assert main(["--quiet", *source, "--out", str(directory / "site"), "--locale", "en"]) == 0
    server = PreviewServer(directory / "site").start()
    yield server.url, request.param
    server.stop()


@pytest.fixture
def visitor(chromium: Any) -> Iterator[Any]:
    """A page in a browser whose clock reads Auckland time."""
    context = chromium.new_context(timezone_id=VISITOR, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def switch_to_my_time(page: Any) -> None:
    """Pick "my time", and wait for the dates to follow (app.js loads static/mytime.js for them on demand)."""
    page.check("fieldset.tz input[value=local]")
    page.wait_for_selector("body[data-dates-shown=local]", state="attached")


def test_every_session_date_is_its_start_date_in_my_time_zone_with_its_conference_day_where_they_differ(visitor, served):
    base, name = served
    conf = conference(name)  # only to choose the page: a room's page lists its sessions with their dates
    room = max(conf.rooms, key=lambda r: (sum(e.slot.room_id == r.id for e in conf.entries), r.slug))
    visitor.goto(base + urls.room("en", room.slug))
    switch_to_my_time(visitor)

    dates = visitor.eval_on_selector_all("time[data-f=d]", """times => times.map((t) => ({
        at: t.dataset.at, day: t.dataset.day, text: t.textContent,
        note: t.parentElement.querySelector('.day-note')?.textContent || '',
        night: [...t.parentElement.querySelectorAll('.night')].some((n) => n.checkVisibility())}))""")

    wrong = []
    for shown in dates:
        here = dt.datetime.fromisoformat(shown["at"]).astimezone(ZoneInfo(VISITOR))
        day = dt.date.fromisoformat(shown["day"])
        if not (here.strftime("%a") in shown["text"] and re.search(rf"\b{here.day}\b", shown["text"])):
            wrong.append(("date", shown))
        if (here.date() != day) != ("conference day" in shown["note"] and day.strftime("%a") in shown["note"]):
            wrong.append(("conference day", shown))
        if shown["night"]:
            wrong.append(("'night of' is the event zone's wording", shown))
    assert len(dates) > 10
    assert any(dt.datetime.fromisoformat(d["at"]).astimezone(ZoneInfo(VISITOR)).date() != dt.date.fromisoformat(d["day"])
               for d in dates), "no session changes date in Auckland: the test shows nothing"
    assert wrong == []


def test_a_day_heading_gives_the_dates_its_sessions_run_over_in_my_time_zone(visitor, served):
    base, name = served
    conf = conference(name)  # only to choose the page: the expected dates come from the export below (39C3)
    day = max(conf.days, key=lambda d: len(conf.entries_on(d)))
    if name == "39c3":
        source_day = next(d for d in load_fixture(SOURCE)["schedule"]["conference"]["days"]
                          if d["date"] == day.date.isoformat())
        spans = [(start, end) for start, end, _ in frab_events(source_day)]
    else:
        spans = [(e.slot.start, e.slot.end) for e in conf.entries_on(day)]
    first = min(s for s, _ in spans).astimezone(ZoneInfo(VISITOR))
    last = (max(e for _, e in spans) - dt.timedelta(microseconds=1)).astimezone(ZoneInfo(VISITOR))
    visitor.goto(base + urls.day("en", day.date))
    before = visitor.text_content("h1")

    switch_to_my_time(visitor)
    heading = visitor.text_content("h1")

    for moment in (first, last):
        assert moment.strftime("%A") in heading and re.search(rf"\b{moment.day}\b", heading), heading
    assert f"conference day {day.date.strftime('%A')}" in heading
    visitor.check("fieldset.tz input[value=event]")
    visitor.wait_for_selector("body[data-dates-shown=event]", state="attached")
    assert visitor.text_content("h1") == before


@pytest.mark.parametrize("served", ["39c3"], indirect=True)  # the demo has no session after midnight
def test_a_session_after_midnight_shows_the_night_it_belongs_to_in_event_time_and_its_own_date_in_mine(visitor, served):
    base, _ = served
    nights = [(start, event) for day in load_fixture(SOURCE)["schedule"]["conference"]["days"]
              for start, _, event in frab_events(day) if start.date().isoformat() != day["date"]]
    start, event = min(nights, key=lambda n: (n[0], n[1]["guid"]))
    visitor.goto(base + urls.talk("en", str(event["id"])))
    facts = visitor.locator("dl.facts dd", has=visitor.locator("time[data-f=d]"))
    in_event_time = facts.inner_text()

    switch_to_my_time(visitor)
    in_my_time = facts.inner_text()  # as shown: the hidden "night of" note is not

    assert "night of" in in_event_time and "conference day" not in in_event_time
    here = start.astimezone(ZoneInfo(VISITOR))
    assert here.strftime("%a") in in_my_time and here.strftime("%H:%M") in in_my_time
    assert "night of" not in in_my_time


def test_a_page_printed_in_my_time_names_my_zone_at_its_foot(visitor, served):
    base, _ = served
    visitor.goto(base + urls.talks("en"))
    switch_to_my_time(visitor)

    pages = pypdf.PdfReader(io.BytesIO(visitor.pdf(format="A4"))).pages

    # NFKC: the PDF writes "fi" as one ligature glyph ("Paciﬁc")
    assert all(f"Times are in {VISITOR}." in unicodedata.normalize("NFKC", page.extract_text()) for page in pages)
