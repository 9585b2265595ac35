"""What changed since the last release: frab files built one after the other into one site (the versions kept in
the cache folder), and a lab event of our own with a second released version. The expected changes come from
comparing the two input files here, with plain dict code, never from generator.changelog."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest
import requests
from conftest import skip_or_fail
from support.data import load_fixture
from support.lab import LabDriver, lab_dir, missing
from support.site import tree

from generator.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "changes"


def build(source: Path | str, out: Path, *extra: str) -> int:
    return main([str(source), "--out", str(out), "--cache-dir", str(out.parent / "cache"), "--quiet", *extra])


def frab_events(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every event of a frab schedule.json by guid, with its room."""
    return {event["guid"]: dict(event, room=room)
            for day in document["schedule"]["conference"]["days"] for room, events in day["rooms"].items()
            for event in events}


def expected_changes(v1: dict[str, Any], v2: dict[str, Any]) -> dict[str, set[str]]:
    """Titles by kind of change, read from the two files: added, removed, moved (start or room), retitled."""
    old, new = frab_events(v1), frab_events(v2)
    return {"added": {new[g]["title"] for g in new.keys() - old.keys()},
            "removed": {old[g]["title"] for g in old.keys() - new.keys()},
            "moved": {new[g]["title"] for g in new.keys() & old.keys()
                      if (dt.datetime.fromisoformat(new[g]["date"]), new[g]["room"])
                      != (dt.datetime.fromisoformat(old[g]["date"]), old[g]["room"])},
            "retitled": {new[g]["title"] for g in new.keys() & old.keys() if new[g]["title"] != old[g]["title"]}}


def listed_changes(page: Path, version: str) -> dict[str, set[str]]:
    """Titles by kind of change on a Changes page, for the version whose heading names `version`."""
    html = lxml.html.parse(str(page)).getroot()
    section = next(s for s in html.iter("section") if version in s.findtext("h2", ""))
    found: dict[str, set[str]] = {}
    for item in section.iter("li"):
        title = item.xpath("./a|./span[@dir]")[0].text_content()
        found.setdefault(item.get("class"), set()).add(title)
    return found


def write(document: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# ---- frab: one version per file, the versions kept in the cache folder -----------------------------------------

def test_a_moved_frab_session_is_listed_on_the_changes_page_and_marked_on_its_pages(tmp_path):
    v1, v2 = (json.loads((FIXTURES / f"moved-v{n}.json").read_text()) for n in (1, 2))
    site = tmp_path / "site"

    assert build(FIXTURES / "moved-v1.json", site) == 0
    assert build(FIXTURES / "moved-v2.json", site) == 0

    expected = {kind: titles for kind, titles in expected_changes(v1, v2).items() if titles}
    assert expected == {"moved": {"A talk that gets moved"}}
    assert listed_changes(site / "en/changes/index.html", v2["schedule"]["version"]) == expected
    talk = (site / "en/talk/601/index.html").read_text()
    day = (site / "en/day/2026-06-12/index.html").read_text()
    assert "moved from 10:00, Hall A" in talk
    assert "moved from 10:00, Hall A" in day
    assert "What changed" in (site / "en/index.html").read_text()


def test_the_changes_feed_is_valid_atom_with_one_entry_per_version_newest_first(tmp_path):
    site = tmp_path / "site"
    build(FIXTURES / "moved-v1.json", site, "--base-url", "https://schedule.example.org/bh/")
    build(FIXTURES / "moved-v2.json", site, "--base-url", "https://schedule.example.org/bh/")

    feed = feedparser.parse((site / "en/changes.atom").read_bytes())

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Version v2 - talk moved", "Version v1 - first release"]
    assert all(e.id.startswith("urn:uuid:") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == 2
    assert feed.entries[0].link == "https://schedule.example.org/bh/en/changes/#v2"
    assert feed.entries[0].updated_parsed > feed.entries[1].updated_parsed
    assert "A talk that gets moved" in feed.entries[0].content[0].value
    page = lxml.html.parse(str(site / "en/index.html")).getroot()
    assert page.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href") == ["changes.atom"]


def test_entry_ids_and_dates_come_from_the_event_and_version_not_from_the_build(tmp_path):
    feeds = []
    for name in ("one", "two"):  # two folders, two caches, built at different moments
        site = tmp_path / name / "site"
        build(FIXTURES / "moved-v1.json", site)
        build(FIXTURES / "moved-v2.json", site)
        feeds.append(feedparser.parse((site / "en/changes.atom").read_bytes()))

    assert [(e.id, e.updated) for e in feeds[0].entries] == [(e.id, e.updated) for e in feeds[1].entries]


def test_a_rebuild_of_the_second_version_gives_the_same_bytes(tmp_path):
    site = tmp_path / "site"
    build(FIXTURES / "moved-v1.json", site)
    build(FIXTURES / "moved-v2.json", site)
    before = tree(site)

    assert build(FIXTURES / "moved-v2.json", site) == 0

    assert tree(site) == before


def test_versions_derived_from_a_real_schedule_list_what_the_files_differ_in(tmp_path):
    # divoc_r2r (a real pretalx frab export): v2 moves one session an hour later, drops one, adds one, retitles one
    v1 = load_fixture("divoc_r2r/schedule.json")
    v2 = copy.deepcopy(v1)
    rooms = [events for day in v2["schedule"]["conference"]["days"] for events in day["rooms"].values() if events]
    moved, dropped, retitled = rooms[0][0], rooms[0][1], rooms[1][0]
    moved["date"] = (dt.datetime.fromisoformat(moved["date"]) + dt.timedelta(hours=1)).isoformat()
    moved["start"] = dt.datetime.fromisoformat(moved["date"]).strftime("%H:%M")
    rooms[0].remove(dropped)
    retitled["title"] = retitled["title"] + " (new title)"
    added = copy.deepcopy(dropped)
    added.update(guid="0e5c5a4e-7c55-4a52-9d39-000000000001", id=990001, code="ADDED1", slug="added-990001",
                 title="A session added in v2", url=dropped["url"].rstrip("/") + "-added/")
    rooms[1].append(added)
    v2["schedule"]["version"] = "v2 derived"
    site = tmp_path / "site"

    assert build(write(v1, tmp_path / "v1.json"), site) == 0
    assert build(write(v2, tmp_path / "v2.json"), site) == 0

    expected = {kind: titles for kind, titles in expected_changes(v1, v2).items() if titles}
    assert expected == {"added": {"A session added in v2"}, "removed": {dropped["title"]}, "moved": {moved["title"]},
                        "retitled": {retitled["title"]}}
    assert listed_changes(site / "en/changes/index.html", "v2 derived") == expected


def test_a_lost_history_record_starts_again_without_inventing_changes(tmp_path):
    site = tmp_path / "site"
    build(FIXTURES / "moved-v1.json", site)
    for record in (tmp_path / "cache" / "history").iterdir():
        record.write_text("{not json")

    assert build(FIXTURES / "moved-v2.json", site) == 0

    html = lxml.html.parse(str(site / "en/changes/index.html")).getroot()
    assert [h.text.strip() for h in html.iter("h2")] == ["Version v2 - talk moved"]
    assert "moved from" not in (site / "en/talk/601/index.html").read_text()


def public(pretalx_url: str, slug: str, collection: str) -> list[dict[str, Any]]:
    """Every object of one of the event's API collections, as an anonymous visitor sees it."""
    found, page = [], f"{pretalx_url}/api/events/{slug}/{collection}/"
    while page:
        answer = requests.get(page, timeout=60).json()
        found += answer["results"]
        page = answer["next"]
    return found


# ---- the lab: an event of our own with a second released version ----------------------------------------------

@pytest.fixture(scope="module")
def lab_versions(pretalx_url, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """A lab event of our own: version 1 imported from lab-v1.schedule.json, version 2 released with one session
    moved, one cancelled and one added. Gives its URL, its frab export and API slots at each version, the codes."""
    folder = lab_dir()
    reason = missing(folder)
    if reason:
        skip_or_fail(reason)
    prefix = f"chg-{os.getpid()}-"
    slug = f"{prefix}a"
    driver = LabDriver(folder, prefix)
    work = tmp_path_factory.mktemp("lab-changes")
    try:
        driver.send("import", slug=slug, file=str(FIXTURES / "lab-v1.schedule.json"))
        seen: dict[str, Any] = {"url": f"{pretalx_url}/{slug}/", "work": work}
        seen["codes"] = {s["title"]: s["code"] for s in public(pretalx_url, slug, "submissions")}
        seen["slots v1"] = {s["submission"]: s for s in public(pretalx_url, slug, "slots")}
        seen["frab v1"] = write_bytes(export(pretalx_url, slug), work / "v1.json")
        # a site built at version 1, to be built again at version 2 with the same cache folder
        assert build(seen["url"], work / "followed" / "site", "--locale", "en") == 0
        seen["added"] = driver.send("revise", slug=slug, version="v2", move=seen["codes"]["Moves to the afternoon"],
                                    minutes=240, room="Hall B", cancel=seen["codes"]["Gets cancelled"],
                                    add="A session added in v2")["added"]
        seen["slots v2"] = {s["submission"]: s for s in public(pretalx_url, slug, "slots")}
        seen["frab v2"] = write_bytes(export(pretalx_url, slug), work / "v2.json")
        assert build(seen["url"], work / "followed" / "site", "--locale", "en") == 0
        assert build(seen["url"], work / "fresh" / "site", "--locale", "en",  # no cache: pretalx's history
                     "--save-snapshot", str(work / "v2.snapshot.json")) == 0
        yield seen
    finally:
        driver.send("delete", slug=slug)
        driver.close()


def export(pretalx_url: str, slug: str) -> bytes:
    answer = requests.get(f"{pretalx_url}/{slug}/schedule/export/schedule.json", timeout=60)
    answer.raise_for_status()
    return answer.content


def write_bytes(content: bytes, path: Path) -> Path:
    path.write_bytes(content)
    return path


LAB_EXPECTED = {"moved": {"Moves to the afternoon"}, "cancelled": {"Gets cancelled"},
                "added": {"A session added in v2"}}


@pytest.mark.live
def test_live_the_lab_api_shows_one_session_moved_one_gone_and_one_new(lab_versions):
    # what the API said before and after, compared here
    v1, v2, codes = lab_versions["slots v1"], lab_versions["slots v2"], lab_versions["codes"]

    assert set(v1) - set(v2) == {codes["Gets cancelled"]}
    assert set(v2) - set(v1) == {lab_versions["added"]}
    assert {c for c in set(v2) & set(v1) if (v2[c]["start"], v2[c]["room"]) != (v1[c]["start"], v1[c]["room"])} \
        == {codes["Moves to the afternoon"]}


@pytest.mark.live
@pytest.mark.parametrize("site", ["fresh", "followed"], ids=["from-pretalx-history", "built-at-each-version"])
def test_live_the_changes_page_and_feed_list_exactly_the_moved_cancelled_and_added_session(lab_versions, site):
    folder = lab_versions["work"] / site / "site"

    feed = feedparser.parse((folder / "en/changes.atom").read_bytes())

    assert listed_changes(folder / "en/changes/index.html", "v2") == LAB_EXPECTED
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Version v2", "Version v1"]
    newest = lxml.html.fragment_fromstring(feed.entries[0].content[0].value, create_parent="div")
    assert {li.get("class"): li.xpath("./a|./span[@dir]")[0].text_content() for li in newest.iter("li")} == {
        kind: next(iter(titles)) for kind, titles in LAB_EXPECTED.items()}
    before = next(e for e in frab_events(json.loads((FIXTURES / "lab-v1.schedule.json").read_text())).values()
                  if e["title"] == "Moves to the afternoon")
    moved = (folder / f"en/talk/{lab_versions['codes']['Moves to the afternoon']}/index.html").read_text()
    assert f"moved from {before['start']}, {before['room']}" in moved


@pytest.mark.live
def test_live_pretalx_exports_of_v1_then_v2_give_the_changes_of_pretalx_history(lab_versions, tmp_path):
    site = tmp_path / "site"
    assert build(lab_versions["frab v1"], site) == 0
    assert build(lab_versions["frab v2"], site) == 0

    from_files = (site / "en/changes/index.html")
    from_pretalx = lab_versions["work"] / "fresh" / "site" / "en/changes/index.html"
    assert listed_changes(from_files, "v2") == listed_changes(from_pretalx, "v2") == LAB_EXPECTED


def test_pages_that_show_changes_pass_the_nu_checker(tmp_path):
    from test_html_valid import vnu_errors

    site = tmp_path / "site"
    build(FIXTURES / "moved-v1.json", site)
    build(FIXTURES / "moved-v2.json", site)

    assert vnu_errors([site / "en/changes/index.html", site / "en/talk/601/index.html",
                       site / "en/day/2026-06-12/index.html", site / "en/index.html"]) == []


@pytest.mark.live
def test_live_a_snapshot_keeps_pretalx_history_and_rebuilds_the_same_changes_offline(lab_versions, tmp_path):
    site = tmp_path / "site"

    assert build(lab_versions["work"] / "v2.snapshot.json", site, "--locale", "en") == 0

    fresh = lab_versions["work"] / "fresh" / "site"
    assert (site / "en/changes/index.html").read_bytes() == (fresh / "en/changes/index.html").read_bytes()
    assert (site / "en/changes.atom").read_bytes() == (fresh / "en/changes.atom").read_bytes()


@pytest.mark.parametrize("feed", [
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>New schedule (v1.1)</title>'
    b'<link href="https://p.example.org/con/schedule/changelog/#v1.1" rel="alternate"/>'
    b'<published>2026-03-02T11:00:00+00:00</published></entry></feed>',
    b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>New schedule (v1.1)</title>'
    b'<link>https://p.example.org/con/schedule/changelog/#v1.1</link>'
    b'<pubDate>Mon, 02 Mar 2026 11:00:00 +0000</pubDate></item></channel></rss>',
], ids=["atom-pretalx-2025-and-later", "rss-older-pretalx"])
def test_pretalx_schedule_feeds_name_each_release_and_its_time(feed):
    from generator.sources.pretalx_history import read_feed

    releases = read_feed(feed, "feed.xml")

    assert [(r["version"], dt.datetime.fromisoformat(r["published"])) for r in releases] == [
        ("v1.1", dt.datetime(2026, 3, 2, 11, tzinfo=dt.UTC))]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_the_changes_page_and_a_moved_session(chromium, tmp_path, scheme):
    from test_accessibility import AXE

    from generator.serve import PreviewServer

    if not AXE.is_file():
        skip_or_fail(f"axe-core is missing at {AXE} (run npm install; .ci/run does it)")
    site = tmp_path / "site"
    build(FIXTURES / "moved-v1.json", site)
    build(FIXTURES / "moved-v2.json", site)
    server = PreviewServer(site).start()
    serious = []
    try:
        context = chromium.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        for path in ("en/changes/index.html", "en/talk/601/index.html", "en/day/2026-06-12/index.html"):
            page = context.new_page()
            assert page.goto(server.url + path).ok, path
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious += [f"{path}: {v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
                        if v["impact"] in {"serious", "critical"}]
        context.close()
    finally:
        server.stop()

    assert serious == []
