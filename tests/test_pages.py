"""The attendee pages as HTML: what each page says and links to, read back from real builds of the demo event."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from support.conferences import conference
from support.data import PROJECT
from golden.update import PAGES, demo_feeds
from support.site import planned

from generator import urls
from generator.cli import main
from generator.model import Conference, Session, Speaker
from generator.render.search import search_index

sys.path.insert(0, str(PROJECT))
from benchmarks.page_weight import session_page_weights  # noqa: E402

BASE_URL = "https://schedule.example.org/democon/"
PAGE_BUDGET = 40_000  # bytes of HTML + CSS + JS per session page (the limit)


@pytest.fixture(scope="module")
def demo() -> Conference:
    return conference("demo")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event built once, with a public base URL (so webcal links exist)."""
    out = tmp_path_factory.mktemp("pages") / "site"
    assert main(["--quiet", "--out", str(out), "--base-url", BASE_URL]) == 0
    return out


def read(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


def text(node: lxml.html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


def a_talk_with(demo: Conference, predicate) -> Session:  # type: ignore[no-untyped-def]
    return next(s for s in demo.talks if predicate(s))


def test_talk_page_names_speakers_day_time_zone_room_track_type_and_language(site, demo):
    session = a_talk_with(demo, lambda s: s.speaker_codes and s.track_id and s.content_locale == "de")
    entry = demo.entries_of(session)[0]
    page = read(site, urls.talk("en", session.code))

    facts = text(page.find(".//dl"))
    speaker_links = [a.get("href") for a in page.findall(".//p[@class='speakers']/a")]
    assert page.find(".//h1").get("lang") == "de"
    assert speaker_links == [urls.relative(urls.talk("en", session.code), urls.speaker("en", code))
                             for code in session.speaker_codes]
    assert "Europe/Berlin" in facts and demo.local(entry.slot.start).strftime("%H:%M") in facts
    assert demo.room(entry.slot.room_id).name.as_dict()["en"] in facts
    assert demo.track(session.track_id).name.as_dict()["en"] in facts
    assert "Deutsch" in facts  # the session's language, named in its own language
    assert page.find(".//div[@class='abstract']").get("lang") == "de"


def test_talk_page_links_the_sessions_before_and_after_it_in_its_room_and_those_in_parallel(site, demo):
    entry = next(e for e in demo.entries if not e.session.is_break and all(demo.neighbours_in_room(e))
                 and demo.parallel_to(e))
    before, after = demo.neighbours_in_room(entry)
    page = read(site, urls.talk("en", entry.session.code))
    href = lambda code: urls.relative(urls.talk("en", entry.session.code), urls.talk("en", code))  # noqa: E731

    assert page.find(".//nav[@class='pager']/a[@rel='prev']").get("href") == href(before.session.code)
    assert page.find(".//nav[@class='pager']/a[@rel='next']").get("href") == href(after.session.code)
    assert [a.get("href") for a in page.findall(".//ul[@class='parallel']/li/a")] == \
        [href(e.session.code) for e in demo.parallel_to(entry)]
    assert all(e.slot.start < entry.slot.end and entry.slot.start < e.slot.end for e in demo.parallel_to(entry))


def test_talk_page_offers_its_ics_download_and_a_webcal_subscription(site, demo):
    code = demo.talks[0].code
    page = read(site, urls.talk("en", code))

    links = [a.get("href") for a in page.findall(".//ul[@class='calendar']//a")]

    assert links == ["talk.ics", f"webcal://schedule.example.org/democon/en/talk/{code}/talk.ics"]


def test_without_a_base_url_there_is_no_webcal_link_and_the_404_page_has_no_base(tmp_path):
    assert main(["--quiet", "--out", str(tmp_path)]) == 0

    talk = next((tmp_path / "en/talk").glob("*/index.html")).read_text()
    assert "webcal://" not in talk
    assert "<base" not in (tmp_path / "404.html").read_text()


def test_404_page_works_from_any_path_through_absolute_links(site):
    page = read(site, "404.html")

    assert page.find(".//base") is None  # it would send the skip link "#main" to another page
    assert page.find(".//h1") is not None and page.find(".//main//a").get("href") == BASE_URL + "en/"
    assert page.find(".//link[@rel='stylesheet']").get("href") == BASE_URL + "static/style.css"


def test_speaker_without_avatar_shows_initials_and_lists_their_sessions(site, demo):
    speaker = next(p for p in demo.speakers if not p.avatar_url and len(p.name.split()) > 1 and demo.sessions_of(p))
    page = read(site, urls.speaker("en", speaker.code))

    placeholder = page.find(".//span[@class='avatar placeholder']")
    listed = {li.get("data-code") for li in page.findall(".//li[@class='slot']")}

    assert placeholder.get("aria-hidden") == "true"
    assert placeholder.text == speaker.name.split()[0][0] + speaker.name.split()[-1][0]
    assert listed == {s.code for s in demo.sessions_of(speaker)}


def test_day_grid_puts_rooms_in_columns_and_spans_each_session_over_its_duration(site, demo):
    day = demo.days[0]
    page = read(site, urls.day("en", day.date))
    table = page.find(".//div[@class='timetable']")
    unit = dt.timedelta(minutes=int(table.get("data-unit")))
    ticks = {}  # the grid line each half-hour tick starts at, by its time
    for tick in page.findall(".//div[@class]"):
        if tick.get("class").split()[0] == "tick":
            row, span = re.fullmatch(r"grid-row:(\d+)/span (\d+)", tick.get("style")).groups()
            ticks[dt.datetime.fromisoformat(tick.get("data-at"))] = (int(row), int(span))
    columns = [text(head) for head in page.findall(".//div[@class='room-head']")]

    def line(moment: dt.datetime) -> int:
        tick = max(t for t in ticks if t <= moment)
        return ticks[tick][0] + (moment - tick) // unit

    placed = page.findall(".//ol[@class='slots']/li")
    assert len(placed) == len(demo.entries_on(day))
    assert columns == [demo.room(r.id).name.as_dict()["en"] for r in demo.rooms_used(demo.entries_on(day))]
    assert all(b - a == dt.timedelta(minutes=30) for a, b in zip(sorted(ticks), sorted(ticks)[1:]))
    for item in placed:
        area = re.search(r"grid-area:(\d+)/(\d+)/(\d+)", item.get("style"))
        start_row, column, end_row = map(int, area.groups())
        assert start_row == line(dt.datetime.fromisoformat(item.get("data-start")))
        assert end_row == line(dt.datetime.fromisoformat(item.get("data-end")))
        assert item.get("data-room") == page.findall(".//div[@class='room-head']/a")[column - 2].get("href").split("/")[-2]
    assert any("break" in item.get("class") for item in placed)


def test_session_text_in_another_language_is_marked_with_its_lang_in_lists(site, demo):
    german = a_talk_with(demo, lambda s: s.content_locale == "de")
    english = a_talk_with(demo, lambda s: s.content_locale == "en")

    def lang_of(locale: str, code: str) -> str | None:
        page = read(site, urls.talks(locale))
        return page.find(f".//li[@data-code='{code}']/a[@class='title']").get("lang")

    assert lang_of("en", german.code) == "de" and lang_of("en", english.code) is None
    assert lang_of("de", english.code) == "en" and lang_of("de", german.code) is None


def test_every_relative_link_and_asset_of_every_page_exists(site):
    missing = []
    for page in sorted(site.rglob("*.html")):
        source = page.relative_to(site).as_posix()
        document = lxml.html.fromstring(page.read_bytes())
        base = BASE_URL if document.find(".//base") is not None else None
        for element, _attribute, link, _pos in document.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path or element.tag == "base":
                continue
            if base:  # the 404 page resolves against its <base>
                target = unquote(parts.path)
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
            if not (site / target).is_file():
                missing.append(f"{source} → {link}")
    assert missing == []


def test_every_session_page_weighs_less_than_40_kb_with_its_css_and_js(site):
    weights = session_page_weights(site)

    assert len(weights) == 2 * len(conference("demo").talks)
    assert max(weights.values()) < PAGE_BUDGET, max(weights.items(), key=lambda kv: kv[1])


HOSTILE = {
    "script tag": "<script>alert(1)</script>hello",
    "event handler": '<img src="x" onerror="alert(1)">',
    "javascript link": "[click](javascript:alert(1))",
    "inline style": '<p style="position:fixed;top:0">covering</p>',
    "raw html link": '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
    "svg onload": "<svg onload=alert(1)><circle/></svg>",
}


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_markdown_fields_are_sanitised_on_talk_and_speaker_pages(payload, demo):
    session = dataclasses.replace(demo.talks[0], abstract=payload, description=payload, subtitle=payload)
    speaker = dataclasses.replace(demo.speaker(session.speaker_codes[0]), biography=payload)
    hostile = dataclasses.replace(demo, sessions=(session,), speakers=(speaker,))
    pages = planned(hostile, ("en",), suffixes=(".html",))
    fields = [node for path in (urls.talk("en", session.code), urls.speaker("en", speaker.code))
              for node in lxml.html.fromstring(pages[path]).xpath(
                  "//*[@class='abstract' or @class='description' or @class='biography' or @class='subtitle']")]

    elements = [element for field in fields for element in field.iter()]
    assert len(fields) == 4
    assert not [e.tag for e in elements if e.tag in {"script", "svg", "img", "style", "iframe"}]
    assert not [name for e in elements for name in e.attrib if name.startswith("on") or name == "style"]
    assert not [e.get("href") for e in elements if "javascript" in (e.get("href") or "").lower()]


def test_data_in_embedded_json_and_the_search_index_cannot_close_a_script_element(demo):
    name = "</script><script>alert(1)</script> & <!--"
    hostile = dataclasses.replace(demo, name=dataclasses.replace(demo.name, values=(("en", name),)),
                                  speakers=(*demo.speakers, Speaker("EVIL", name)))

    index = search_index(hostile, "en").decode()
    page = {path: html.decode() for path, html in planned(hostile, ("en",), suffixes=(".html",)).items()}

    assert "<" not in index and ">" not in index and "&" not in index
    assert json.loads(index.split("=", 1)[1].rstrip(";\n"))["name"] == name
    assert page[urls.home("en")].count("</script>") == page[urls.home("en")].count("<script")


@pytest.mark.parametrize("name", PAGES)
def test_demo_pages_match_the_golden_files(name):
    golden = PROJECT / "tests/golden/demo" / name

    assert demo_feeds()[name] == golden.read_bytes(), \
        f"{name} differs from tests/golden/demo: if intended, run `python tests/golden/update.py` and review the diff"
