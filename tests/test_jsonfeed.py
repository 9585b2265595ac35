"""Our JSON feed: valid against its published schema for every source, consistent, in a stable order, with links
that lead to real files."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from pathlib import Path

import jsonschema
import pytest
from golden.update import BASE_URL, FILES, demo_feeds
from support.conferences import SOURCES, conference
from support.data import DEMO_SNAPSHOT, PROJECT

from generator.cli import main
from generator.render.jsonfeed import JsonFeed

SCHEMA = json.loads((PROJECT / "schemas/schedule.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def feed(name: str, locale: str | None = None, base_url: str | None = None) -> dict:
    event = conference(name)
    return json.loads(JsonFeed(event, locale or event.default_locale, base_url=base_url).render())


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main([str(DEMO_SNAPSHOT), "--out", str(out), "--quiet"]) == 0
    return out


def test_the_published_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", SOURCES)
def test_the_feed_of_every_source_validates_against_the_published_schema(name):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(feed(name))]

    assert errors == []


@pytest.mark.parametrize("name", SOURCES)
def test_every_reference_in_the_feed_points_at_an_object_in_it(name):
    data = feed(name)

    rooms, tracks = {r["id"] for r in data["rooms"]}, {t["id"] for t in data["tracks"]}
    speakers, sessions = {s["code"] for s in data["speakers"]}, {s["code"] for s in data["sessions"]}
    assert all(slot["room"] in rooms for s in data["sessions"] for slot in s["slots"])
    assert all(s["track"] in tracks for s in data["sessions"] if s["track"] is not None)
    assert all(set(s["speakers"]) <= speakers for s in data["sessions"])
    assert all(set(s["sessions"]) <= sessions for s in data["speakers"])
    assert len(sessions) == len(data["sessions"]) and len(speakers) == len(data["speakers"])


@pytest.mark.parametrize("name", SOURCES)
def test_sessions_are_in_timetable_order_and_speakers_by_name(name):
    data = feed(name)

    starts = [dt.datetime.fromisoformat(s["slots"][0]["start"]) for s in data["sessions"]]
    names = [(s["name"].casefold(), s["code"]) for s in data["speakers"]]

    assert starts == sorted(starts)
    assert names == sorted(names)


def test_demo_sessions_have_the_sources_speakers_and_times_with_offsets():
    documents = json.loads(DEMO_SNAPSHOT.read_text())["documents"]
    slots = {s["submission"]: s for s in documents["slots"] if s["submission"]}

    sessions = {s["code"]: s for s in feed("demo")["sessions"]}

    for submission in documents["submissions"]:
        written, slot = sessions[submission["code"]], slots[submission["code"]]
        assert written["speakers"] == submission["speakers"]
        assert [(x["start"], x["end"], x["room"]) for x in written["slots"]] == [
            (slot["start"], slot["end"], str(slot["room"]))]
    assert sum(s["is_break"] for s in sessions.values()) == 6  # the lunch breaks, without pages
    assert all(s["url"] is None for s in sessions.values() if s["is_break"])


def test_strings_are_chosen_for_the_feeds_locale():
    english, german = feed("demo", "en"), feed("demo", "de")

    assert (english["locale"], english["event"]["name"], english["rooms"][0]["name"]) == (
        "en", "DemoCon", "Light Sea Green Room")
    assert (german["locale"], german["event"]["name"], german["rooms"][0]["name"]) == (
        "de", "DemoKonferenz", "Light Sea Green Saal")


def test_without_a_base_url_every_link_is_relative_and_leads_to_a_built_file(demo_site):
    data = json.loads((demo_site / "de/schedule.json").read_bytes())
    links = [data["event"]["url"], *data["event"]["feeds"].values(),
             *(item[key] for part in ("days", "rooms", "tracks", "sessions", "speakers") for item in data[part]
               for key in ("url", "ical") if item[key] is not None)]

    targets = {posixpath.normpath(posixpath.join("de", link)) for link in links}

    assert len(links) == 4 + 2 * (3 + 2 + 2 + 36 + 34)  # event + page and feed of each day/room/track/talk/speaker
    assert all("://" not in link for link in links)
    assert sorted(t for t in targets if not (demo_site / t).is_file()) == []


def test_with_a_base_url_links_are_absolute_urls_of_the_site():
    data = json.loads(demo_feeds()["en/schedule.json"])

    session = next(s for s in data["sessions"] if s["code"] == "3N98PT")

    assert data["event"]["url"] == f"{BASE_URL}en/"
    assert session["url"] == f"{BASE_URL}en/talk/3N98PT/"
    assert session["ical"] == f"{BASE_URL}en/talk/3N98PT/talk.ics"
    assert session["source_url"] == "http://127.0.0.1:8355/democon/talk/3N98PT/"


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith("/schedule.json") and "/frab/" not in f])
def test_demo_json_feeds_match_the_golden_files(name):
    golden = PROJECT / "tests/golden/demo" / name

    assert demo_feeds()[name] == golden.read_bytes(), \
        f"{name} differs from tests/golden/demo: if intended, run `python tests/golden/update.py` and review the diff"
