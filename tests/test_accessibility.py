"""axe-core, injected into real Chromium, finds no serious or critical WCAG violation on the main page kinds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import skip_or_fail
from support.conferences import conference
from support.data import PROJECT, materialise

from generator import urls
from generator.cli import main
from generator.model import Conference
from generator.serve import PreviewServer

pytestmark = pytest.mark.browser
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
EVENTS = {"demo": None, "39c3": "ccc-39c3/everything.schedule.json"}


def pages_to_check(conf: Conference) -> dict[str, str]:
    """The overview, the busiest day, the talk with the longest description, the speaker with the most sessions."""
    busiest = max(conf.days, key=lambda d: len(conf.entries_on(d)))
    talk = max(conf.talks, key=lambda s: (len(s.description) + len(s.abstract), s.code))
    speaker = max(conf.speakers, key=lambda p: (len(conf.sessions_of(p)), p.code))
    return {"overview": urls.home("en"), "day": urls.day("en", busiest.date),
            "talk": urls.talk("en", talk.code), "speaker": urls.speaker("en", speaker.code)}


@pytest.fixture(scope="module", params=EVENTS, ids=EVENTS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """One event built and served over HTTP: its URL and the pages to check."""
    if not AXE.is_file():
        skip_or_fail(f"axe-core is missing at {AXE} (run npm install; .ci/run does it)")
    directory = tmp_path_factory.mktemp(f"a11y-{request.param}")
    source = [str(materialise(EVENTS[request.param], directory))] if EVENTS[request.param] else []
    assert main(["--quiet", *source, "--out", str(directory / "site"), "--locale", "en"]) == 0
    server = PreviewServer(directory / "site").start()
    yield server.url, pages_to_check(conference(request.param))
    server.stop()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["overview", "day", "talk", "speaker"])
def test_axe_finds_no_serious_or_critical_violation(chromium: Any, served: tuple[str, dict[str, str]],
                                                    kind: str, scheme: str) -> None:
    base, pages = served
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + pages[kind])
    page.add_script_tag(path=str(AXE))

    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()

    serious = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
               for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == []


def test_the_page_has_one_h1_landmarks_and_a_lang(chromium: Any, served: tuple[str, dict[str, str]]) -> None:
    base, pages = served
    page = chromium.new_page()
    page.goto(base + pages["talk"])

    assert page.locator("h1").count() == 1
    assert page.locator("header.site").count() == page.locator("main").count() == page.locator("footer").count() == 1
    assert page.get_attribute("html", "lang") == "en"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.close()
