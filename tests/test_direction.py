"""Writing direction and language: speaker text keeps its own direction (dir="auto"), right-to-left locales get
right-to-left pages (dir="rtl"), and text in another language than the page's says so (lang), in the HTML and in
what the browser script draws (search results, now and next).

Case rtl-hebrew.json (tests/fixtures/cases): a Hebrew session "מה חדש ב-Python 3.14?" between two English ones.
Without a direction of its own, Chromium lays the title out left to right on an English page: "Python 3.14?"
ends up to the right of the Hebrew words that precede it in reading order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from support.data import FIXTURES

from generator.cli import main
from generator.i18n import text_direction
from generator.serve import PreviewServer

HEBREW_CODE = "1402"
HEBREW_TITLE = "מה חדש ב-Python 3.14?"
# the title's pieces in reading order: a right-to-left title must show each one left of the one before
READING_ORDER = ["מה", "חדש", "ב-", "Python 3.14", "?"]


@pytest.fixture(scope="module")
def rtl_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The case built as a user would: the event's languages are English and Hebrew."""
    out = tmp_path_factory.mktemp("rtl") / "site"
    assert main([str(FIXTURES / "cases" / "rtl-hebrew.json"), "--out", str(out), "--quiet"]) == 0
    return out


def tree(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


@pytest.mark.parametrize("locale, direction", [("he", "rtl"), ("ar", "rtl"), ("fa", "rtl"), ("ur", "rtl"),
                                               ("en", "ltr"), ("de", "ltr"), ("he-IL", "rtl"), ("xx", "ltr")])
def test_text_direction_of_a_locale_follows_cldr(locale, direction):
    assert text_direction(locale) == direction


def test_pages_of_a_right_to_left_locale_are_right_to_left_and_others_have_no_dir(rtl_site):
    hebrew = [tree(rtl_site, f"he/{path}") for path in ("index.html", f"talk/{HEBREW_CODE}/index.html",
                                                        "talks/index.html", "speakers/index.html")]
    english = [tree(rtl_site, f"en/{path}") for path in ("index.html", f"talk/{HEBREW_CODE}/index.html")]

    assert [(page.get("lang"), page.get("dir")) for page in hebrew] == [("he", "rtl")] * 4
    assert [(page.get("lang"), page.get("dir")) for page in english] == [("en", None)] * 2


def test_speaker_text_on_a_session_page_has_its_own_direction_and_language(rtl_site):
    page = tree(rtl_site, f"en/talk/{HEBREW_CODE}/index.html")

    title, = page.xpath("//h1")
    abstract, = page.xpath('//div[@class="abstract"]')
    speaker, = page.xpath('//p[@class="speakers"]/a')
    assert (title.text_content(), title.get("dir"), title.get("lang")) == (HEBREW_TITLE, "auto", "he")
    assert (abstract.get("dir"), abstract.get("lang")) == ("auto", "he")
    assert (speaker.text_content(), speaker.get("dir")) == ("Tal Example", "auto")


@pytest.mark.parametrize("path", ["en/talks/index.html", "en/day/2026-04-20/index.html", "en/room/room-1/index.html",
                                  "en/speaker/42/index.html", "en/speakers/index.html"])
def test_titles_in_lists_have_their_own_direction_and_language(rtl_site, path):
    page = tree(rtl_site, path)

    titles = [node for node in page.xpath("//main//*[@dir]") if node.text_content() == HEBREW_TITLE]

    assert titles, f"no element with a dir attribute holds the Hebrew title on {path}"
    assert {(node.get("dir"), node.get("lang")) for node in titles} == {("auto", "he")}


def test_on_a_hebrew_page_english_titles_say_they_are_english(rtl_site):
    page = tree(rtl_site, "he/talks/index.html")

    links = {node.text_content(): (node.get("dir"), node.get("lang")) for node in page.xpath('//a[@class="title"]')}

    assert links == {"Opening": ("auto", "en"), HEBREW_TITLE: ("auto", None), "Closing": ("auto", "en")}


def test_a_biography_has_its_own_direction(tmp_path):
    snapshot_text = (FIXTURES / "cases" / "rtl-hebrew.json").read_text(encoding="utf-8")
    source = tmp_path / "bio.json"
    source.write_text(snapshot_text.replace('"public_name": "Tal Example"',
                                            '"public_name": "Tal Example", "biography": "מפתחת Python."'),
                      encoding="utf-8")
    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet"]) == 0

    bio, = tree(tmp_path / "site", "en/speaker/42/index.html").xpath('//div[@class="biography"]')

    assert bio.get("dir") == "auto"
    assert bio.text_content().strip() == "מפתחת Python."


# ---- in Chromium -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rtl_url(rtl_site: Path) -> Iterator[str]:
    server = PreviewServer(rtl_site).start()
    yield server.url
    server.stop()


@pytest.fixture
def tab(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


# The left edge of each piece of an element's text, measured on the text itself (Range.getClientRects), not pixels.
WORD_LEFTS = """
([selector, pieces]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const node = walker.nextNode();
  let from = 0;
  return pieces.map((piece) => {
    const start = node.data.indexOf(piece, from);
    from = start + piece.length;
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + piece.length);
    const rects = [...range.getClientRects()];
    return Math.min(...rects.map((r) => r.left));
  });
}
"""


def lefts(tab: Any, selector: str) -> list[float]:
    return tab.evaluate(WORD_LEFTS, [selector, READING_ORDER])


def reads_right_to_left(positions: list[float]) -> bool:
    """Each piece left of the one before it, except inside the Latin run "Python 3.14" (one piece here)."""
    return all(later < earlier for earlier, later in zip(positions, positions[1:]))


@pytest.mark.browser
def test_chromium_lays_the_hebrew_title_out_right_to_left_on_an_english_page(tab, rtl_url):
    tab.goto(f"{rtl_url}/en/talk/{HEBREW_CODE}/")
    tab.add_style_tag(content="h1 { white-space: nowrap; }")  # one line: positions compare without wrapping

    ours = lefts(tab, "h1")
    tab.evaluate("document.querySelector('h1').removeAttribute('dir')")
    without_dir = lefts(tab, "h1")

    assert reads_right_to_left(ours), f"left edges in reading order: {ours}"
    assert not reads_right_to_left(without_dir), "the page's own direction already reads right; the test proves nothing"


@pytest.mark.browser
def test_chromium_lays_a_hebrew_page_out_right_to_left_and_english_titles_left_to_right(tab, rtl_url):
    tab.goto(f"{rtl_url}/he/talks/")

    page_direction = tab.evaluate("getComputedStyle(document.body).direction")
    directions = tab.eval_on_selector_all("a.title", "links => links.map(a => [a.textContent, getComputedStyle(a).direction])")

    assert page_direction == "rtl"
    assert dict(directions) == {"Opening": "ltr", HEBREW_TITLE: "rtl", "Closing": "ltr"}


@pytest.mark.browser
def test_search_results_and_now_next_give_titles_their_direction_and_language(tab, rtl_url):
    tab.clock.set_fixed_time(dt.datetime(2026, 4, 20, 8, 15, tzinfo=dt.UTC))  # 11:15 in Jerusalem: 1402 runs
    tab.goto(f"{rtl_url}/en/")
    tab.fill("#q", "Python")
    tab.locator("#search-results a").first.wait_for()
    tab.locator("#now-next a").first.wait_for()

    found = tab.eval_on_selector_all("#search-results a, #now-next a",
                                     "links => links.map(a => [a.textContent, a.dir, a.lang])")

    hebrew = [link for link in found if link[0] == HEBREW_TITLE]
    english = [link for link in found if link[0] in ("Opening", "Closing")]
    assert len(hebrew) == 2  # one search result, one "now"
    assert set(map(tuple, hebrew)) == {(HEBREW_TITLE, "auto", "he")}
    assert english and {(link[1], link[2]) for link in english} == {("auto", "")}


@pytest.mark.browser
@pytest.mark.parametrize("path", ["he/", "he/talks/", f"he/talk/{HEBREW_CODE}/", "he/day/2026-04-20/"])
def test_a_right_to_left_page_does_not_scroll_sideways(chromium, rtl_url, path):
    """Anything placed off-screen on the left (the skip link) would widen a right-to-left page: it starts right."""
    context = chromium.new_context(viewport={"width": 360, "height": 700})
    tab = context.new_page()
    tab.goto(f"{rtl_url}/{path}")

    width = tab.evaluate("document.documentElement.scrollWidth")

    context.close()
    assert width <= 360
