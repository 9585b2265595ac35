"""Colours that carry meaning stand out from what they are drawn on (WCAG 2.2, 1.4.11: at least 3:1), and every
track colour on a day page is named in a legend (issue 15, point 11).

The unit tests check generator.render.contrast against WCAG's published figures; the browser tests measure the
colours Chromium actually paints (computed styles) with their own luminance formula, in light and dark mode."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from support.conferences import conference
from support.data import materialise

from generator import urls
from generator.cli import main
from generator.render.contrast import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, contrast_ratio, legible, track_colours
from generator.serve import PreviewServer

MINIMUM = 3.0


# ---- the contrast module, against figures WCAG and common tools publish


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("#000000", "#ffffff", 21.0),  # the largest ratio there is
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),  # the grey every contrast checker shows just failing 4.5:1
    ("#767676", "#ffffff", 4.54),  # and the one just passing
], ids=["black-white", "same", "777", "767676"])
def test_contrast_ratio_matches_wcags_published_figures(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("colour", ["#f9b000", "#4bf31c", "#a4a300", "#ffffff", "#eeeeee"])
def test_a_pale_track_colour_is_darkened_just_enough_for_the_light_theme(colour):
    shown = legible(colour, LIGHT_BACKGROUNDS)

    assert min(contrast_ratio(shown, b) for b in LIGHT_BACKGROUNDS) >= MINIMUM
    # one step less dark would not do: the nearest legible colour, not simply black
    assert min(contrast_ratio(shown, b) for b in LIGHT_BACKGROUNDS) < MINIMUM + 0.1


@pytest.mark.parametrize("colour", ["#0347b4", "#4d4d4c", "#000000", "#685b9d"])
def test_a_dark_track_colour_is_lightened_for_the_dark_theme(colour):
    shown = legible(colour, DARK_BACKGROUNDS)

    assert min(contrast_ratio(shown, b) for b in DARK_BACKGROUNDS) >= MINIMUM


def test_a_colour_that_already_stands_out_is_kept_as_the_organisers_chose_it():
    assert track_colours("#E40429").light == "#e40429"
    assert track_colours("#00A356").dark == "#00a356"


def test_a_darkened_colour_keeps_its_hue():
    red, green, blue = (int(legible("#f9b000", LIGHT_BACKGROUNDS)[i:i + 2], 16) for i in (1, 3, 5))

    assert red > green > blue  # still an orange, not a brown-grey


def test_backgrounds_on_both_sides_of_grey_are_refused():
    with pytest.raises(ValueError, match="not all light or all dark"):
        legible("#cccccc", ["#ffffff", "#000000"])


def test_a_malformed_colour_is_refused_with_its_value():
    with pytest.raises(ValueError, match="'red'"):
        legible("red", LIGHT_BACKGROUNDS)


# ---- as Chromium paints them

EVENTS = {"demo": None, "39c3": "ccc-39c3/everything.schedule.json"}


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.2 relative luminance of 0-255 channels, written here again so the test does not trust the module."""
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])


def ratio(a: str, b: str) -> float:
    """The contrast of two computed CSS colours ("rgb(r, g, b)"; an opaque colour is expected)."""
    la, lb = (luminance(rgb(c)) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def rgb(css: str) -> tuple[float, float, float]:
    match = re.fullmatch(r"rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)", css)
    assert match and (match.group(4) is None or float(match.group(4)) == 1), f"not an opaque colour: {css}"
    return float(match.group(1)), float(match.group(2)), float(match.group(3))


def busiest_day(name: str) -> tuple[dt.date, dt.datetime]:
    """The day with the most slots (which page to look at), and the middle of its first session with a track."""
    conf = conference(name)
    day = max(conf.days, key=lambda d: len(conf.entries_on(d)))
    slot = next(e.slot for e in conf.entries_on(day) if e.session.track_id)
    return day.date, slot.start + (slot.end - slot.start) / 2


@pytest.fixture(scope="module", params=EVENTS, ids=EVENTS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """One event built (English) and served over HTTP: its base URL and its name."""
    directory = tmp_path_factory.mktemp(f"colours-{request.param}")
    source = [str(materialise(EVENTS[request.param], directory))] if EVENTS[request.param] else []
    assert main(["--quiet", *source, "--out", str(directory / "site"), "--locale", "en"]) == 0
    server = PreviewServer(directory / "site").start()
    yield server.url, request.param
    server.stop()


PAINTED = """() => {
  const css = (e, p, pseudo) => getComputedStyle(e, pseudo)[p];
  const page = css(document.body, 'backgroundColor');
  const slots = [...document.querySelectorAll('li.slot[data-track]')].map((s) => ({
    track: s.dataset.track, stripe: css(s, 'borderInlineStartColor'), card: css(s, 'backgroundColor'),
    star: s.querySelector('button.fav') && css(s.querySelector('button.fav'), 'color'),
    pressed: s.querySelector('button.fav')?.getAttribute('aria-pressed'),
    live: s.classList.contains('live') ? css(s, 'boxShadow') : null}));
  const legend = [...document.querySelectorAll('ul.legend a')].map((a) => ({
    track: a.getAttribute('href').split('/').slice(-2)[0], swatch: css(a, 'backgroundColor', '::before'),
    behind: page}));
  return {page, slots, legend};
}"""


@pytest.fixture(scope="module", params=["light", "dark"])
def painted(request: pytest.FixtureRequest, chromium: Any, served: tuple[str, str]) -> dict[str, Any]:
    """The colours of the busiest day's page, with the clock inside a session of that day and one favourite picked."""
    base, name = served
    context = chromium.new_context(color_scheme=request.param, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    day, during = busiest_day(name)
    page.clock.set_fixed_time(during)
    page.goto(base + urls.day("en", day))
    page.locator("li.slot[data-track] button.fav").first.click()
    page.evaluate("document.activeElement.blur()")  # a hovered or focused card is lifted by a shadow of its own
    page.mouse.move(0, 0)
    colours = page.evaluate(PAINTED)
    context.close()
    return colours


@pytest.mark.browser
def test_every_track_stripe_stands_out_from_its_card_and_the_page(painted):
    weak = {(s["track"], s["stripe"], s["card"]) for s in painted["slots"]
            if min(ratio(s["stripe"], s["card"]), ratio(s["stripe"], painted["page"])) < MINIMUM}

    assert painted["slots"]
    assert weak == set()


@pytest.mark.browser
def test_every_track_on_the_day_is_in_the_legend_with_the_colour_of_its_stripes(painted):
    stripes = {s["track"]: s["stripe"] for s in painted["slots"]}
    legend = {item["track"]: item["swatch"] for item in painted["legend"]}

    assert legend == stripes
    assert all(ratio(swatch, painted["page"]) >= MINIMUM for swatch in legend.values())


@pytest.mark.browser
def test_favourite_stars_on_and_off_stand_out_from_the_card(painted):
    stars = {(s["pressed"], s["star"], s["card"]) for s in painted["slots"] if s["star"]}

    assert {pressed for pressed, _, _ in stars} == {"true", "false"}
    assert [star for star in stars if ratio(star[1], star[2]) < MINIMUM] == []


@pytest.mark.browser
def test_the_live_outline_stands_out_from_the_card(painted):
    live = [(s["live"], s["card"]) for s in painted["slots"] if s["live"]]
    outlines = [(re.match(r"rgba?\([^)]*\)", shadow).group(0), card) for shadow, card in live]

    assert outlines, "no session was live, although the clock is inside one"
    assert [o for o in outlines if ratio(*o) < MINIMUM] == []
