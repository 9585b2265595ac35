"""The demo site in real headless Chromium: search, filters, favourites, .ics download, time zones, now/next, layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from support.conferences import conference
from support.data import PROJECT

from generator import urls
from generator.cli import main
from generator.i18n import choose
from generator.model import Conference
from generator.serve import PreviewServer

pytestmark = pytest.mark.browser
ARTIFACTS = PROJECT / "test-artifacts"


@pytest.fixture(scope="module")
def demo() -> Conference:
    return conference("demo")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    assert main(["--quiet", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    """The demo build served over HTTP on 127.0.0.1; its base URL."""
    server = PreviewServer(built).start()
    yield server.url
    server.stop()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser context (empty storage) and page; JavaScript errors fail the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def english(value: Any) -> str:
    return choose(value, "en")


def visible_codes(page: Any) -> list[str]:
    return page.eval_on_selector_all("li.slot[data-code]:not([hidden])", "items => items.map(i => i.dataset.code)")


def test_search_finds_a_session_by_a_word_of_its_title(page, site, demo):
    session = next(s for s in demo.talks if len(english(s.title).split()) > 1)
    word = english(session.title).split()[1]

    page.goto(site + urls.home("en"))
    page.fill("#q", word.upper())

    results = page.locator("#search-results a")
    results.first.wait_for()
    assert english(session.title) in results.all_text_contents()
    page.get_by_role("link", name=english(session.title)).first.click()
    assert page.url == site + urls.talk("en", session.code)


def test_search_finds_a_speaker_and_their_sessions_by_the_speakers_name(page, site, demo):
    speaker = next(p for p in demo.speakers if demo.sessions_of(p))

    page.goto(site + urls.day("en", demo.days[0].date))
    page.fill("#q", speaker.name.split()[-1])

    page.locator("#search-results a").first.wait_for()
    found = page.locator("#search-results a").all_text_contents()
    assert speaker.name in found
    assert {english(s.title) for s in demo.sessions_of(speaker)} <= set(found)


def test_a_track_filter_narrows_the_day_grid_and_survives_a_reload(page, site, demo):
    day = demo.days[0]
    track = demo.tracks[0]
    expected = [e.session.code for e in demo.entries_on(day)
                if not e.session.is_break and e.session.track_id == track.id]
    page.goto(site + urls.day("en", day.date))
    everything = visible_codes(page)

    page.select_option("form.filters select[name=track]", track.slug)

    assert visible_codes(page) == expected and len(expected) < len(everything)
    assert f"track={track.slug}" in page.url
    page.reload()
    assert page.input_value("form.filters select[name=track]") == track.slug
    assert visible_codes(page) == expected
    assert page.locator("li.slot.break:not([hidden])").count() == 0


def test_filters_combine_room_and_track(page, site, demo):
    track, room = demo.tracks[0], demo.rooms[0]
    expected = [e.session.code for e in demo.entries if not e.session.is_break
                and e.session.track_id == track.id and e.slot.room_id == room.id]

    page.goto(site + urls.talks("en") + f"?track={track.slug}&room={room.slug}")

    assert visible_codes(page) == expected
    assert str(len(expected)) in page.text_content(".filter-status")


def favourite(page: Any, code: str) -> None:
    page.click(f"li.slot[data-code='{code}'] button.fav")


def test_a_favourite_survives_a_reload_and_appears_in_my_schedule(page, site, demo):
    picked = [demo.talks[1].code, demo.talks[5].code]
    page.goto(site + urls.talks("en"))

    for code in picked:
        favourite(page, code)
    page.reload()

    pressed = page.eval_on_selector_all("button.fav[aria-pressed=true]", "bs => bs.map(b => b.dataset.code)")
    assert sorted(pressed) == sorted(picked)
    page.click("nav li.mine a")
    page.wait_for_url("**/talks/**?mine=1")
    # the script ticks "mine" once the new page has loaded: wait for that state (fails after 10 s), not a moment
    page.wait_for_selector("form.filters input[name=mine]:checked", state="attached", timeout=10_000)
    assert sorted(visible_codes(page)) == sorted(picked)


def test_the_downloaded_ics_holds_exactly_the_favourites(page, site, built, demo):
    picked = {demo.talks[0].code, demo.talks[3].code, demo.talks[-1].code}
    page.goto(site + urls.talks("en"))
    for code in picked:
        favourite(page, code)
    favourite(page, demo.talks[2].code)
    favourite(page, demo.talks[2].code)  # on, then off again

    page.check("form.filters input[name=mine]")
    with page.expect_download() as download:
        page.click("button.download-ics")

    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    events = calendar.walk("VEVENT")
    code_of = {str(e["UID"]): e["UID"].split("@")[0].rsplit("-", 1)[-1] for e in events}
    assert set(code_of.values()) == picked
    feed_uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(
        (built / "en" / "schedule.ics").read_bytes()).walk("VEVENT")}
    assert set(code_of) <= feed_uids  # the same UIDs as the subscribed feed, so calendars merge them
    for event in events:
        session = next(s for s in demo.talks if s.code == code_of[str(event["UID"])])
        assert str(event["SUMMARY"]) == english(session.title)
        assert event.decoded("DTSTART") == session.start
        assert str(event["URL"]) == site + urls.talk("en", session.code)


def test_the_switch_shows_times_in_the_visitors_time_zone_and_remembers_it(chromium, site, demo):
    session = next(s for s in demo.talks if demo.local(s.start).hour == 12)  # the model holds UTC instants
    context = chromium.new_context(timezone_id="America/New_York")
    page = context.new_page()
    page.goto(site + urls.talk("en", session.code))
    first_time = page.locator("dl.facts time[data-f=t]").first

    assert first_time.text_content() == "12:00"
    page.check("fieldset.tz input[value=local]")
    assert first_time.text_content() == session.start.astimezone(dt.timezone(dt.timedelta(hours=-5))).strftime("%H:%M")
    assert "America/New_York" in page.text_content("footer")
    page.reload()
    assert page.locator("dl.facts time[data-f=t]").first.text_content() == "06:00"
    context.close()


def test_now_and_next_and_the_time_line_follow_the_clock(page, site, demo):
    entry = next(e for e in demo.entries if not e.session.is_break and demo.parallel_to(e))
    during = entry.slot.start + (entry.slot.end - entry.slot.start) / 2
    page.clock.set_fixed_time(during)

    page.goto(site + urls.home("en"))
    now_next = page.locator("#now-next")
    now_next.locator("a").first.wait_for()
    assert english(entry.session.title) in now_next.locator("ul").first.text_content()

    page.goto(site + urls.day("en", demo.day_of(entry.slot.start)))
    assert page.locator(".now-line").is_visible()
    assert page.locator(f"li.slot.live[data-code='{entry.session.code}']").count() == 1


def test_without_javascript_every_session_is_listed_and_links_work(chromium, site, demo):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    day = demo.days[0]

    page.goto(site + urls.day("en", day.date))

    assert page.locator("li.slot").count() == len(demo.entries_on(day))
    assert page.locator("form.filters").is_hidden() and page.locator("button.fav").count() == 0
    page.locator("li.slot[data-code] a.title").first.click()
    assert page.locator("h1").text_content() == english(demo.entries_on(day)[0].session.title) \
        or "/talk/" in page.url
    assert page.locator("dl.facts").is_visible()
    context.close()


PAGE_KINDS = {
    "root": lambda c: "index.html",
    "404": lambda c: "404.html",
    "overview": lambda c: urls.home("en"),
    "day": lambda c: urls.day("en", c.days[0].date),
    "room": lambda c: urls.room("en", c.rooms[0].slug),
    "track": lambda c: urls.track("en", c.tracks[0].slug),
    "talk": lambda c: urls.talk("en", max(c.talks, key=lambda s: len(s.description)).code),
    "speaker": lambda c: urls.speaker("en", max(c.speakers, key=lambda p: len(p.biography)).code),
    "sessions": lambda c: urls.talks("en"),
    "speakers": lambda c: urls.speakers("en"),
}


@pytest.mark.parametrize("kind", PAGE_KINDS, ids=PAGE_KINDS)
def test_no_page_scrolls_sideways_at_360_px(chromium, site, demo, kind):
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()

    page.goto(site + PAGE_KINDS[kind](demo))
    page.fill("#q", "a") if page.locator("#q").count() else None  # open search results too
    page.wait_for_timeout(200)

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_day_grid_is_a_list_on_phones_and_a_room_grid_on_wide_screens(chromium, site, demo, width):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + urls.day("en", demo.days[0].date))

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"day-grid-{width}.png"), full_page=True)
    display = page.eval_on_selector(".timetable", "e => getComputedStyle(e).display")
    heads = page.locator(".room-head")

    if width == 360:
        assert display == "block" and heads.first.is_hidden()
    else:
        assert display == "grid" and heads.count() == len(demo.rooms_used(demo.entries_on(demo.days[0])))
        first, second = (page.locator("li.slot").nth(i).bounding_box() for i in range(2))
        assert first["y"] == second["y"] and first["x"] != second["x"]  # two rooms side by side
    context.close()


def test_search_and_favourites_work_from_file_urls(page, built, demo):
    page.goto((built / urls.day("en", demo.days[0].date)).as_uri())
    code = demo.entries_on(demo.days[0])[0].session.code

    page.fill("#q", english(demo.talks[0].title))
    page.locator("#search-results a").first.wait_for()
    favourite(page, code)
    page.reload()

    assert page.get_attribute(f"li.slot[data-code='{code}'] button.fav", "aria-pressed") == "true"
