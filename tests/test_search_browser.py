"""Search in real headless Chromium on the 39C3 build and the demo build: full text, every result reachable, the
query in the URL, the index loaded only when asked for and within 150 KB gzipped, and what it does without
JavaScript and from file://.

Expected results come from the source files, read here with this file's own copy of the matching rule of
generator/render/fulltext.py (fold, split into letters and digits, a query word begins a word of the session).
"""

from __future__ import annotations

import bisect
import datetime as dt
import gzip
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import skip_or_fail
from support.data import DEMO_SNAPSHOT, PROJECT, materialise

from generator import urls
from generator.cli import main
from generator.serve import PreviewServer

pytestmark = pytest.mark.browser
INDEX_BUDGET = 150_000  # bytes of index, gzipped, one search may load (issue 15)
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


# ---- the sources, read independently --------------------------------------------------------------------------

def source_words(text: str | None) -> set[str]:
    """The words of `text` as the documented rule reads them: NFD, marks dropped, lower case, letters and digits."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text or "") if not unicodedata.category(c).startswith("M"))
    return set(re.findall(r"[^\W_]+", folded.lower()))


def frab_sessions(path: Path) -> dict[str, dict[str, Any]]:
    """{code: {"fields": {field: text}, "slots": [(date, room)]}} of a frab schedule.json, each session once."""
    schedule = json.loads(path.read_text(encoding="utf-8"))["schedule"]["conference"]
    sessions: dict[str, dict[str, Any]] = {}
    for day in schedule["days"]:
        for room, events in day["rooms"].items():
            for event in events:
                names = " ".join(p.get("public_name") or p.get("name") or "" for p in event.get("persons") or [])
                code = event.get("code") or str(event["id"])  # frab exports of non-pretalx events have no code
                session = sessions.setdefault(code, {"fields": {
                    "title": event["title"], "subtitle": event.get("subtitle"), "abstract": event.get("abstract"),
                    "description": event.get("description"), "speakers": names, "room": room,
                    "track": event.get("track"), "type": event.get("type")}, "slots": []})
                session["slots"].append((event["date"], room))
    return sessions


def demo_sessions(locale: str) -> dict[str, dict[str, Any]]:
    """The same for the demo snapshot's scheduled submissions, multilingual names chosen for `locale`."""
    documents = json.loads(DEMO_SNAPSHOT.read_text(encoding="utf-8"))["documents"]

    def listed(name: str) -> list[dict[str, Any]]:
        value = documents[name]
        return value["results"] if isinstance(value, dict) else value

    def pick(value: Any) -> str:
        return value.get(locale) or value.get("en") or "" if isinstance(value, dict) else value or ""

    rooms = {r["id"]: pick(r["name"]) for r in listed("rooms")}
    tracks = {t["id"]: pick(t["name"]) for t in listed("tracks")}
    types = {t["id"]: pick(t["name"]) for t in listed("submission-types")}
    people = {p["code"]: p["name"] for p in listed("speakers")}
    slots = [s for s in listed("slots") if s.get("submission") and s.get("room")]
    sessions = {}
    for submission in listed("submissions"):
        own = [s for s in slots if s["submission"] == submission["code"]]
        if not own:
            continue
        sessions[submission["code"]] = {"fields": {
            "title": submission["title"], "abstract": submission.get("abstract"),
            "description": submission.get("description"),
            "speakers": " ".join(people.get(c, "") for c in submission.get("speakers") or []),
            "room": " ".join(rooms[s["room"]] for s in own), "track": tracks.get(submission.get("track"), ""),
            "type": types.get(submission.get("submission_type"), "")},
            "slots": [(s["start"], rooms[s["room"]]) for s in own]}
    return sessions


class Words:
    """Which sessions hold which word, for finding the sessions with a word that a query word begins."""

    def __init__(self, sessions: dict[str, dict[str, Any]]) -> None:
        self.holders: dict[str, set[str]] = {}
        for code, session in sessions.items():
            for text in session["fields"].values():
                for word in source_words(text):
                    self.holders.setdefault(word, set()).add(code)
        self.sorted = sorted(self.holders)

    def matching(self, word: str) -> set[str]:
        """Codes of the sessions with a word that `word` begins, in any field."""
        found: set[str] = set()
        for known in self.sorted[bisect.bisect_left(self.sorted, word):]:
            if not known.startswith(word):
                break
            found |= self.holders[known]
        return found


def abstract_only_word(sessions: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """(word, code): a word of one session's abstract that begins no word anywhere else (not in its own other
    fields, not in any other session), the first such in code and word order."""
    everywhere = Words(sessions)
    for code in sorted(sessions):
        fields = sessions[code]["fields"]
        elsewhere = Words({code: {"fields": {k: v for k, v in fields.items() if k != "abstract"}}})
        for word in sorted(source_words(fields["abstract"])):
            if len(word) >= 5 and word.isalpha() and everywhere.matching(word) == {code} \
                    and not elsewhere.matching(word):
                return word, code
    raise AssertionError("no word is found only in one abstract")


# ---- builds and browser ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ccc_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return materialise("ccc-39c3/everything.schedule.json.gz", tmp_path_factory.mktemp("39c3-source"))


@pytest.fixture(scope="module")
def ccc_built(ccc_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("39c3") / "site"
    assert main(["--quiet", "--out", str(out), str(ccc_source)]) == 0
    return out


@pytest.fixture(scope="module")
def ccc(ccc_built: Path) -> Iterator[str]:
    server = PreviewServer(ccc_built).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def ccc_sessions(ccc_source: Path) -> dict[str, dict[str, Any]]:
    return frab_sessions(ccc_source)


@pytest.fixture(scope="module")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    assert main(["--quiet", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def demo(demo_built: Path) -> Iterator[str]:
    server = PreviewServer(demo_built).start()
    yield server.url
    server.stop()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser context (empty storage) and page; JavaScript errors fail the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def index_requests(tab: Any) -> list[Any]:
    """The responses of index files ({lang}/search.js, {lang}/search/*.js) this tab receives, as they come."""
    seen: list[Any] = []
    tab.on("response", lambda r: seen.append(r) if re.search(r"/search(/[0-9a-f]+)?\.js$", r.url) else None)
    return seen


def search(tab: Any, query: str) -> str:
    """Type `query` into the search box and wait for the result status; its text."""
    tab.fill("#q", query)
    tab.wait_for_function("q => document.getElementById('search-results').dataset.query === q", arg=query.strip())
    return tab.locator("#search-results p[role=status]").inner_text()


def show_all(tab: Any) -> list[str]:
    """Press every "show more" button until none is left; the href of every session result."""
    more = tab.locator("#search-results button.more:visible")
    while more.count():
        more.first.click()
    return tab.eval_on_selector_all("#search-results ul.found-sessions > li > a", "links => links.map(a => a.href)")


def codes(hrefs: list[str]) -> list[str]:
    return [re.search(r"/talk/([^/]+)/", h).group(1) for h in hrefs]  # type: ignore[union-attr]


# ---- tests -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["en", "de"])
def test_a_word_found_only_in_one_abstract_finds_that_session_on_the_demo(page, demo, locale):
    word, code = abstract_only_word(demo_sessions(locale))

    page.goto(demo + urls.talks(locale))
    search(page, word)

    assert codes(show_all(page)) == [code]


def test_a_word_found_only_in_one_abstract_finds_that_session_on_39c3(page, ccc, ccc_sessions):
    word, code = abstract_only_word(ccc_sessions)

    page.goto(ccc + urls.talks("en"))
    search(page, word)

    assert codes(show_all(page)) == [code]


def test_workshop_gives_every_matching_session_and_each_is_reachable(page, ccc, ccc_sessions):
    expected = Words(ccc_sessions).matching("workshop")

    page.goto(ccc + urls.home("en"))
    search(page, "Workshop")
    found = show_all(page)

    assert len(expected) > 100  # the case: far more than one page of results
    assert f"Sessions: {len(expected)}" in page.inner_text("#search-results")
    assert sorted(codes(found)) == sorted(expected)  # each once, all of them
    for href in found[-3:]:  # the last ones too lead to their page
        assert page.request.get(href).ok


def test_results_show_the_calendar_day_the_time_and_the_room(page, ccc, ccc_sessions):
    word, code = abstract_only_word(ccc_sessions)
    start, room = ccc_sessions[code]["slots"][0]  # e.g. "2025-12-27T11:00:00+01:00", "Saal 1" (event time)
    moment = re.match(r"\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d)", start)
    month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][int(moment[1]) - 1]

    page.goto(ccc + urls.talks("en"))
    search(page, word)
    text = page.locator("#search-results li").first.inner_text()

    assert re.search(rf"\b{int(moment[2])}\b", text) and month in text, text
    assert re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", text), text
    assert f"{moment[3]}–" in text and room in text, text


def test_the_query_is_kept_in_the_url_and_a_reload_shows_the_same_results(page, ccc):
    page.goto(ccc + urls.day("en", dt.date(2025, 12, 28)))  # any page: the box is in every header
    search(page, "workshop")
    before = show_all(page)

    assert page.url.endswith("?q=workshop")
    page.reload()
    page.locator("#search-results p[role=status]").wait_for()
    assert page.input_value("#q") == "workshop"
    assert show_all(page) == before


@pytest.mark.parametrize("where", ["talk", "day", "speakers"])
def test_no_index_is_requested_before_the_first_keystroke(page, ccc, ccc_sessions, where):
    code = sorted(ccc_sessions)[0]
    path = {"talk": urls.talk("en", code), "day": urls.day("en", dt.date(2025, 12, 28)), "speakers": urls.speakers("en")}[where]
    seen = index_requests(page)
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.url.endswith("fulltext.js") else None)

    page.goto(ccc + path, wait_until="networkidle")
    page.click("#q")
    page.wait_for_timeout(300)

    assert seen == [] and scripts == []
    page.keyboard.press("w")
    page.locator("#search-results p[role=status]").wait_for()
    assert [r.url.rsplit("/", 1)[1] for r in seen] == ["search.js"]  # one letter: too short to need a shard
    assert scripts


@pytest.mark.parametrize("query", ["workshop", "reverse engineering firmware", "Chaos Computer Club Hamburg"])
def test_one_search_loads_at_most_150_kb_of_index_gzipped(page, ccc, query):
    seen = index_requests(page)

    page.goto(ccc + urls.talks("en"))
    search(page, query)
    page.wait_for_load_state("networkidle")
    sizes = {r.url: len(gzip.compress(r.body(), 9)) for r in seen}

    assert len(sizes) == 1 + len({w[:2] for w in source_words(query)})  # the sessions file and a shard a word
    assert sum(sizes.values()) <= INDEX_BUDGET, sizes


def test_without_javascript_the_form_leads_to_a_page_to_browse_from_not_a_list_of_every_session(chromium, ccc,
                                                                                             ccc_built):
    context = chromium.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(ccc + urls.talk("en", sorted(p.name for p in (ccc_built / "en/talk").iterdir())[0]))

    tab.fill("#q", "workshop")
    tab.press("#q", "Enter")
    tab.wait_for_load_state()
    days = tab.eval_on_selector_all("main a[href*='/day/']", "links => links.map(a => a.href)")

    assert tab.url == ccc + urls.search_page("en").removesuffix("index.html") + "?q=workshop" \
        or tab.url == ccc + urls.search_page("en") + "?q=workshop"
    assert "Searching needs JavaScript" in tab.inner_text("main")
    assert len(days) == len(list((ccc_built / "en/day").iterdir()))
    assert tab.locator("main a[href*='/talk/']").count() == 0  # ways to browse, not 880 sessions
    assert tab.locator("main a[href$='talks/index.html']").count() == 1
    context.close()


def test_from_file_urls_search_finds_a_title_word_and_an_abstract_word(page, ccc_built, ccc_sessions):
    word, code = abstract_only_word(ccc_sessions)
    title = next(c for c in sorted(ccc_sessions) if len(ccc_sessions[c]["fields"]["title"]) > 12)
    title_word = max(source_words(ccc_sessions[title]["fields"]["title"]), key=len)

    page.goto((ccc_built / urls.talks("en")).as_uri())
    search(page, title_word)
    assert title in codes(show_all(page))
    search(page, word)
    assert codes(show_all(page)) == [code]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_results_and_the_search_page_have_no_serious_axe_violation(chromium, ccc, scheme):
    if not AXE.is_file():
        skip_or_fail(f"axe-core is missing at {AXE} (run npm install; .ci/run does it)")
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 360, "height": 780})
    tab = context.new_page()
    tab.goto(ccc + urls.search_page("en") + "?q=workshop")  # the page's own query, results open, "show more" shown
    tab.wait_for_function("document.getElementById('search-results').dataset.query === 'workshop'")
    tab.add_script_tag(path=str(AXE))

    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    wide = tab.evaluate("document.documentElement.scrollWidth")
    context.close()

    serious = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
               for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == []
    assert wide <= 360  # long titles wrap: no horizontal scroll on a phone


def test_the_browser_reads_words_as_the_index_does(page, demo):
    from generator.render.fulltext import words
    texts = ["Übersicht: ÉCOLE-Straße", "39C3_talk C a", "Ǆemal İstanbul ΣΊΣΥΦΟΣ", "日本語のテキスト",
             "ﬁle 𝔸𝔹c naïve", "עִבְרִית hebrew", "deﬁne x²"]

    page.goto(demo + urls.home("en"))
    page.add_script_tag(path=str(PROJECT / "static" / "fulltext.js"))
    seen = page.evaluate("texts => texts.map((t) => self.pretalxStaticFulltext.words(t))", texts)

    assert [sorted(w) for w in seen] == [sorted(words(t)) for t in texts]
