"""Favourites, shared picks and "now and next" in real headless Chromium, on the demo and 39C3 builds.

Issue 15, points 6 and 7: stars that differ by shape and text (not only colour) and are named with their
session; an empty "My schedule" that explains; a link (and its QR code) that moves picks to another browser;
a compact "now and next" that shifts nothing (CLS < 0.05) while the event runs, from a small data file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import skip_or_fail
from support.conferences import conference
from support.data import PROJECT, materialise

from generator import urls
from generator.cli import main
from generator.i18n import choose
from generator.serve import PreviewServer

pytestmark = pytest.mark.browser
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT / "test-artifacts"
EVENTS = {"demo": None, "39c3": "ccc-39c3/everything.schedule.json"}
# sums every layout shift the page makes without user input (Layout Instability API, as Lighthouse's CLS does
# for a page load: the page here is short, so one session window holds them all)
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.fixture(scope="module", params=EVENTS, ids=EVENTS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """One event built (English only) and served over HTTP: (its name, its base URL)."""
    directory = tmp_path_factory.mktemp(f"favourites-{request.param}")
    source = [str(materialise(EVENTS[request.param], directory))] if EVENTS[request.param] else []
    assert main(["--quiet", *source, "--out", str(directory / "site"), "--locale", "en"]) == 0
    server = PreviewServer(directory / "site").start()
    yield request.param, server.url
    server.stop()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """Makes pages, each in a fresh browser context (empty storage); a JavaScript error fails the test."""
    contexts, errors = [], []

    def make(**options: Any) -> Any:
        context = chromium.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        return tab

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def opencv() -> tuple[Any, Any]:
    """OpenCV and numpy, which decode the QR codes the pages draw; skip_or_fail without them."""
    try:
        import cv2
        import numpy
    except ImportError:
        skip_or_fail("opencv-python-headless decodes the QR codes (pip install -e '.[test]')")
    return cv2, numpy


def english(value: Any) -> str:
    return choose(value, "en")


def stars(tab: Any) -> list[dict[str, Any]]:
    return tab.eval_on_selector_all("button.fav", """bs => bs.map(b => ({code: b.dataset.code, name: b.ariaLabel,
        pressed: b.getAttribute("aria-pressed"), text: b.textContent, tip: b.title, colour: getComputedStyle(b).color}))""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_star_is_named_with_its_session_and_on_and_off_differ_by_shape_and_text(served, new_page, scheme):
    name, base = served
    conf = conference(name)
    titles = {s.code: english(s.title) for s in conf.talks}
    tab = new_page(color_scheme=scheme)
    tab.goto(base + urls.talks("en"))
    code = conf.talks[1].code

    before = stars(tab)
    tab.click(f"li.slot[data-code='{code}'] button.fav")
    after = {star["code"]: star for star in stars(tab)}

    assert {star["code"] for star in before} == set(titles)
    assert all(titles[star["code"]] in star["name"] for star in before)
    off, on = next(star for star in before if star["code"] == code), after[code]
    assert (off["pressed"], on["pressed"]) == ("false", "true")
    assert off["text"] != on["text"] and off["tip"] != on["tip"]  # shape (☆/★) and words, not only colour
    assert on["name"] == off["name"]  # a toggle keeps its name; aria-pressed says the state
    assert sum(star["pressed"] == "true" for star in after.values()) == 1


def test_a_session_page_says_in_words_whether_it_is_in_my_schedule(served, new_page):
    name, base = served
    session = conference(name).talks[0]
    tab = new_page()
    tab.goto(base + urls.talk("en", session.code))
    star = tab.get_by_role("button", name=english(session.title))
    state = tab.locator(".fav-line .fav-state")

    off = state.text_content()
    star.click()

    assert star.get_attribute("aria-pressed") == "true" and state.text_content() != off
    assert tab.eval_on_selector(".fav-line .fav", "b => b.ariaDescribedByElements?.[0]?.textContent ?? "
                                "document.getElementById(b.getAttribute('aria-describedby')).textContent") \
        == state.text_content()


def test_an_empty_my_schedule_explains_how_to_pick_instead_of_counting_zero(served, new_page):
    _, base = served
    tab = new_page()

    tab.goto(base + urls.talks("en") + "?mine=1")

    status = tab.locator(".filter-status").text_content()
    assert "no favourites yet" in status and " of " not in status
    assert tab.locator("li.slot[data-code]:not([hidden])").count() == 0
    assert tab.locator(".share-picks").is_hidden()  # nothing to share yet


def share_link(tab: Any, base: str, codes: list[str]) -> str:
    tab.goto(base + urls.talks("en"))
    for code in codes:
        tab.click(f"li.slot[data-code='{code}'] button.fav")
    tab.check("form.filters input[name=mine]")
    tab.locator(".share-picks .qr svg").wait_for()
    return tab.locator("a.share-link").get_attribute("href")


def pressed(tab: Any) -> set[str]:
    return set(tab.eval_on_selector_all("button.fav[aria-pressed=true]", "bs => bs.map(b => b.dataset.code)"))


def test_a_shared_link_adds_the_picks_to_a_fresh_browser_after_asking(served, new_page):
    name, base = served
    talks = conference(name).talks
    picks, own = [talks[0].code, talks[2].code, talks[-1].code], talks[3].code
    link = share_link(new_page(), base, picks)
    phone = new_page(viewport={"width": 360, "height": 780})
    phone.goto(base + urls.talks("en"))
    phone.click(f"li.slot[data-code='{own}'] button.fav")  # the phone has a pick of its own

    phone.goto(link)
    offer = phone.locator(".picks-offer")
    assert str(len(picks)) in offer.text_content() and pressed(phone) == {own}  # nothing changes unasked
    offer.locator("button.import-picks").click()
    phone.reload()

    assert pressed(phone) == {*picks, own}  # merged, and kept
    assert "picks=" not in phone.url and phone.locator(".picks-offer").count() == 0
    assert sorted(phone.eval_on_selector_all("li.slot[data-code]:not([hidden])",
                                             "items => items.map(i => i.dataset.code)")) == sorted({*picks, own})


def test_declining_a_shared_link_changes_nothing(served, new_page):
    name, base = served
    link = share_link(new_page(), base, [conference(name).talks[1].code])
    other = new_page()

    other.goto(link)
    other.click("button.ignore-picks")
    other.reload()

    assert pressed(other) == set() and other.locator(".picks-offer").count() == 0


def test_a_shared_link_made_before_the_schedule_changed_says_what_it_cannot_add(served, new_page):
    name, base = served
    known = conference(name).talks[0].code
    tab = new_page()
    tab.goto(base + urls.talks("en"))
    tab.click(f"li.slot[data-code='{known}'] button.fav")

    tab.goto(base + urls.talks("en") + f"?mine=1&picks={known},GONE01,GONE02")

    offer = tab.locator(".picks-offer")
    assert "2" in offer.locator(".picks-unknown").text_content()
    assert offer.locator("button.import-picks").count() == 0  # the one it knows is picked already
    assert pressed(tab) == {known} and "picks=" not in tab.url


def test_the_qr_code_decodes_to_the_share_link(served, new_page):
    cv2, numpy = opencv()
    name, base = served
    talks = conference(name).talks
    tab = new_page(color_scheme="dark")  # the code keeps its own light background in dark mode
    link = share_link(tab, base, [s.code for s in talks[:12]])

    png = tab.locator(".share-picks .qr svg").screenshot()
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imdecode(numpy.frombuffer(png, numpy.uint8), cv2.IMREAD_COLOR))

    assert text == link and all(s.code in text for s in talks[:12])


def test_with_a_base_url_the_overview_shows_a_qr_code_of_its_address(tmp_path, new_page):
    cv2, numpy = opencv()
    base_url = "https://schedule.example.org/2026/"
    assert main(["--quiet", "--out", str(tmp_path / "site"), "--base-url", base_url]) == 0
    tab = new_page(color_scheme="dark")

    tab.goto((tmp_path / "site" / urls.home("de")).as_uri())
    png = tab.locator(".site-qr img").screenshot()
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imdecode(numpy.frombuffer(png, numpy.uint8), cv2.IMREAD_COLOR))

    assert text == base_url + "de/"
    assert base_url + "de/" in tab.locator(".site-qr img").get_attribute("alt")


def inside_the_event(name: str) -> tuple[dt.datetime, Any]:
    """A moment on the busiest day while several sessions run, and a session that starts later that day."""
    conf = conference(name)
    day = max(conf.days, key=lambda d: len(conf.entries_on(d)))
    entries = [e for e in conf.entries_on(day) if not e.session.is_break]
    moment = max((e.slot.start + dt.timedelta(minutes=5) for e in entries),
                 key=lambda m: (sum(e.slot.start <= m < e.slot.end for e in entries), -m.timestamp()))
    later = next(e for e in entries if e.slot.start > moment + dt.timedelta(hours=1))
    return moment, later


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(360, 780), (1280, 800)], ids=["phone", "desktop"])
def test_now_and_next_shows_my_pick_first_and_shifts_nothing_on_a_slow_network(served, new_page, size, scheme):
    name, base = served
    moment, later = inside_the_event(name)
    tab = new_page(viewport={"width": size[0], "height": size[1]}, color_scheme=scheme,
                   timezone_id=conference(name).timezone)
    tab.goto(base + urls.talks("en"))
    tab.click(f"li.slot[data-code='{later.session.code}'] button.fav")
    tab.clock.install(time=moment)
    tab.add_init_script(CLS_OBSERVER)
    # a phone's network: the sessions file arrives well after the first paint (Chromium's own throttling)
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                 "downloadThroughput": 100_000, "uploadThroughput": 50_000})

    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(base + urls.home("en"))
    box = tab.locator("#now-next")
    box.locator("ul a").first.wait_for(timeout=20_000)
    tab.wait_for_timeout(300)

    ARTIFACTS.mkdir(exist_ok=True)  # for the closing note
    tab.screenshot(path=str(ARTIFACTS / f"overview-now-next-{name}-{size[0]}-{scheme}.png"))
    assert tab.evaluate("window.__cls") < 0.05
    assert base + urls.sessions_data("en") in fetched and not [url for url in fetched if "/search" in url]
    first = box.locator("ul").first
    assert "picks" in first.get_attribute("class") and english(later.session.title) in first.text_content()
    running = sum(e.slot.start <= moment < e.slot.end for e in conference(name).entries if not e.session.is_break)
    assert 0 < box.locator("li").count() <= 8 and box.bounding_box()["height"] <= size[1] / 2
    if running > box.locator("li").count():  # the rest is one link away
        assert box.locator("p.now-all a").get_attribute("href").endswith(
            urls.relative(urls.home("en"), urls.day("en", conference(name).day_of_slot(later.slot))))


@pytest.mark.parametrize("size", [(360, 780), (1280, 800)], ids=["phone", "desktop"])
def test_a_visitor_in_another_time_zone_sees_the_switch_from_the_first_paint_and_nothing_shifts(served, new_page, size):
    name, base = served
    moment, _ = inside_the_event(name)
    far = "Pacific/Auckland" if conference(name).timezone != "Pacific/Auckland" else "America/Los_Angeles"
    tab = new_page(viewport={"width": size[0], "height": size[1]}, timezone_id=far)
    tab.clock.install(time=moment)
    tab.add_init_script(CLS_OBSERVER)
    cdp = tab.context.new_cdp_session(tab)  # slow, so the deferred scripts run well after the first paint
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                 "downloadThroughput": 100_000, "uploadThroughput": 50_000})

    tab.goto(base + urls.home("en"))
    tab.locator("#now-next ul a").first.wait_for(timeout=20_000)
    tab.wait_for_timeout(300)

    switch = tab.locator("fieldset.tz")
    assert switch.is_visible() and far in switch.text_content()  # the case this test is about: the switch shows
    # shown by app.js after the first paint, the switch moved the phone page by 0.029 on this test's network (0.08
    # on others): within the 0.05, yet a visible jump. Now 0, or 0.0024 on desktop from something else
    assert tab.evaluate("window.__cls") < 0.01


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_my_schedule_now_and_next_and_a_shared_link(served, new_page, scheme):
    if not AXE.is_file():
        skip_or_fail(f"axe-core is missing at {AXE} (npm ci; .ci/run does it)")
    name, base = served
    moment, later = inside_the_event(name)
    link = share_link(new_page(), base, [later.session.code])
    tab = new_page(color_scheme=scheme)
    tab.clock.install(time=moment)
    found = []
    for url, ready in [(base + urls.home("en"), "#now-next ul a"), (link, ".picks-offer button"),
                       (base + urls.talk("en", later.session.code), ".fav-line .fav")]:
        tab.goto(url)
        tab.locator(ready).first.wait_for()
        if ready == ".picks-offer button":
            tab.click("button.import-picks")
            tab.locator(".share-picks .qr svg").wait_for()
        tab.add_script_tag(path=str(AXE))
        # what this feature adds, and the first sessions with their stars: tests/test_accessibility.py checks whole
        # pages (axe over 39C3's 895-session list takes 25 s)
        result = tab.evaluate("""axe.run({include: [...document.querySelectorAll(
            "#now-next, .picks-offer, .mine-tools, .fav-line, form.filters, li.slot:nth-child(-n+12)")]},
            {resultTypes: ['violations']})""")
        found += [f"{url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                  for v in result["violations"]]

    assert found == []
