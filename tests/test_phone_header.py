"""On a phone the site header takes at most a fifth of the first screen, and no page scrolls sideways at 320 px
(issue 15, point 11; WCAG 2.2, 1.4.10 Reflow), measured in real Chromium on every page kind of two events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.conferences import conference
from support.data import materialise

from generator import urls
from generator.cli import main
from generator.model import Conference
from generator.serve import PreviewServer

pytestmark = pytest.mark.browser
EVENTS = {"demo": (None, "en,de"), "39c3": ("ccc-39c3/everything.schedule.json", "en")}
PHONE = {"width": 360, "height": 780}
MAX_HEADER = PHONE["height"] * 0.20  # 156 px (it was 351 px on 39C3)
FAR_AWAY = "Pacific/Auckland"  # a visitor's zone unlike the event's: the time-zone switch is shown in the header


def page_kinds(conf: Conference, locale: str) -> dict[str, str]:
    """One page of each kind: the busiest day, the session and speaker with the longest names, and the lists."""
    day = max(conf.days, key=lambda d: len(conf.entries_on(d)))
    talk = max(conf.talks, key=lambda s: (len(str(s.title)), s.code))
    speaker = max(conf.speakers, key=lambda p: (len(p.name), p.code))
    room = max(conf.rooms, key=lambda r: (len(str(r.name)), r.slug))
    kinds = {"overview": urls.home(locale), "day": urls.day(locale, day.date), "talk": urls.talk(locale, talk.code),
             "speaker": urls.speaker(locale, speaker.code), "talks": urls.talks(locale),
             "speakers": urls.speakers(locale), "room": urls.room(locale, room.slug)}
    if conf.tracks:
        kinds["track"] = urls.track(locale, conf.tracks[0].slug)
    return kinds


@pytest.fixture(scope="module", params=EVENTS, ids=EVENTS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """One event built and served over HTTP: its base URL and its pages to measure, in each built locale."""
    source, locales = EVENTS[request.param]
    directory = tmp_path_factory.mktemp(f"phone-{request.param}")
    args = [str(materialise(source, directory))] if source else []
    assert main(["--quiet", *args, "--out", str(directory / "site"), "--locale", locales]) == 0
    conf = conference(request.param)
    pages = {f"{locale} {kind}": path for locale in locales.split(",") for kind, path in page_kinds(conf, locale).items()}
    server = PreviewServer(directory / "site").start()
    yield server.url, pages
    server.stop()


def measure(chromium: Any, base: str, pages: dict[str, str], viewport: dict[str, int], scheme: str,
            script: str) -> dict[str, Any]:
    """`script` evaluated on each page, in a fresh context of that size, colour scheme and a far-away time zone."""
    context = chromium.new_context(viewport=viewport, color_scheme=scheme, timezone_id=FAR_AWAY)
    page = context.new_page()
    found = {}
    for name, path in pages.items():
        page.goto(base + path)
        found[name] = page.evaluate(script)
    context.close()
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_phone_header_takes_at_most_a_fifth_of_the_first_screen(chromium, served, scheme):
    base, pages = served

    heights = measure(chromium, base, pages, PHONE, scheme, """() => {
        const header = document.querySelector('header.site');
        if (document.querySelector('fieldset.tz').hidden) throw new Error('the time-zone switch is not shown');
        return header.getBoundingClientRect().height;
    }""")

    assert {name: h for name, h in heights.items() if h > MAX_HEADER} == {}


def test_no_page_scrolls_sideways_at_320_px(chromium, served):
    base, pages = served

    widths = measure(chromium, base, pages, {"width": 320, "height": 640}, "light",
                     "() => document.documentElement.scrollWidth")

    assert {name: w for name, w in widths.items() if w > 320} == {}


def test_the_phone_navigation_scrolls_in_its_own_row_with_the_current_page_in_view(chromium, served):
    base, pages = served
    day = next(path for name, path in pages.items() if name.endswith(" day"))
    context = chromium.new_context(viewport=PHONE, timezone_id=FAR_AWAY)
    page = context.new_page()
    page.goto(base + day)

    row = page.evaluate("""() => {
        const ul = document.querySelector('header.site nav:not(.languages) ul');
        const here = ul.querySelector('[aria-current=page]').getBoundingClientRect(), box = ul.getBoundingClientRect();
        return {rows: new Set([...ul.children].filter((li) => !li.hidden).map((li) => li.offsetTop)).size,
                inView: here.left >= box.left && here.right <= box.right};
    }""")
    context.close()

    assert row == {"rows": 1, "inView": True}
