"""Each source, end to end: fetched over real HTTP (or read from a file), built into a site, counted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from generator.cli import main
from generator.sources.pretalx import COLLECTIONS, PAGE_SIZE
from support.data import DEMO_SNAPSHOT, load_fixture, materialise
from support.events import pyconfr_current_api, serve_juliacon_legacy, serve_pyconfr_current
from support.site import h1, pages, tree


def build(*args: str) -> int:
    return main([*args, "--quiet"])


def test_juliacon_legacy_api_paginated_by_25_builds_every_talk(api_server, tmp_path):
    event_url = serve_juliacon_legacy(api_server, page_size=25)
    talks = load_fixture("juliacon2023-api/talks.json")

    assert build(event_url, "--out", str(tmp_path)) == 0

    assert len(pages(tmp_path, "en", "talk")) == 341 == len(talks)
    assert pages(tmp_path, "en", "talk") == {t["code"] for t in talks}
    assert len(pages(tmp_path, "en", "room")) == 10
    assert any(r.path == "/api/events/juliacon2023/talks/?page=14" for r in api_server.requests)
    assert all(r.headers.get("Pretalx-Version") == "LEGACY" for r in api_server.requests if "/events/" in r.path)
    hackathon = (tmp_path / "en/talk/3C3MFL/index.html").read_text()
    assert "America/New_York" in hackathon
    assert "09:55</time>" in hackathon  # the slot's local wall-clock time, -04:00 in July


def test_pyconfr_current_api_shows_french_and_english_strings(api_server, tmp_path):
    event_url = serve_pyconfr_current(api_server, page_size=25)
    data = pyconfr_current_api()
    # the dump was taken with an organiser token: its 4 accepted-but-unconfirmed sessions have slots, which
    # pretalx's public schedule does not show (schedule/domain/release.py makes only confirmed ones visible)
    scheduled = {s["code"] for s in data["submissions"] if s["slots"] and s["state"] == "confirmed"}

    assert build(event_url, "--out", str(tmp_path)) == 0

    assert pages(tmp_path, "fr", "talk") == scheduled == pages(tmp_path, "en", "talk")
    assert len(pages(tmp_path, "fr", "room")) == len({s["room"] for s in data["slots"]})
    welcome = tmp_path / "fr/talk/38LRHE/index.html"
    assert "Pléniaire courte" in welcome.read_text()
    assert "Short plenary" in (tmp_path / "en/talk/38LRHE/index.html").read_text()


def test_current_api_collections_are_asked_for_the_largest_pages(api_server, tmp_path):
    event_url = serve_pyconfr_current(api_server, page_size=25)  # a server that ignores page_size, as older ones may

    assert build(event_url, "--out", str(tmp_path)) == 0

    asked = sorted(r.path.split("?")[0].split("/")[-2] for r in api_server.requests
                   if f"/?page_size={PAGE_SIZE}" in r.path and "page=" not in r.path)
    assert asked == sorted(COLLECTIONS)
    assert pages(tmp_path, "fr", "talk")  # the ignored parameter still found every collection


@pytest.mark.parametrize("size", [2, PAGE_SIZE], ids=["small", "ours"])
def test_live_pretalx_serves_pages_of_the_size_asked_for(pretalx_url, pretalx_event, size):
    url = f"{pretalx_url}/api/events/{pretalx_event}/slots/?page_size={size}"

    page = requests.get(url, timeout=30).json()

    assert page["count"] > 2
    assert len(page["results"]) == min(page["count"], size)


def test_frab_schedule_json_file_of_39c3_builds(tmp_path):
    source = materialise("ccc-39c3/everything.schedule.json", tmp_path)
    frab = json.loads(source.read_text())
    events = [e for d in frab["schedule"]["conference"]["days"] for r in d["rooms"].values() for e in r]

    assert build(str(source), "--out", str(tmp_path / "site")) == 0

    talk_pages = pages(tmp_path / "site", "en", "talk")
    assert {e["code"] for e in events if e.get("code")} <= talk_pages
    assert len(pages(tmp_path / "site", "en", "room")) == len(frab["schedule"]["conference"]["rooms"]) == 58
    assert h1(tmp_path / "site/en/talk/POWER1/index.html") == "Opening Ceremony"


def test_no_source_builds_the_bundled_demo_offline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_PROXY", "*")
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())

    assert build() == 0

    site = tmp_path / "_site"
    submissions = snapshot["documents"]["submissions"]
    assert pages(site, "en", "talk") == {s["code"] for s in submissions}
    assert pages(site, "de", "talk") == pages(site, "en", "talk")
    assert (site / "index.html").exists()


def test_a_snapshot_rebuilds_the_same_site_byte_for_byte(api_server, tmp_path):
    event_url = serve_pyconfr_current(api_server)
    snap = tmp_path / "pyconfr.snapshot.json"
    assert build(event_url, "--out", str(tmp_path / "online"), "--save-snapshot", str(snap)) == 0
    api_server.stop()

    assert build(str(snap), "--out", str(tmp_path / "offline")) == 0

    assert tree(tmp_path / "online") == tree(tmp_path / "offline")


def test_snapshot_never_contains_the_token_or_organiser_fields(api_server, tmp_path):
    event_url = serve_pyconfr_current(api_server)
    snap = tmp_path / "s.json"

    assert build(event_url, "--out", str(tmp_path / "site"), "--save-snapshot", str(snap),
                 "--token", "SECRET-TOKEN-123") == 0

    text = snap.read_text()
    assert "SECRET-TOKEN-123" not in text
    assert '"access_code"' not in text and '"anonymised_data"' not in text and '"availabilities"' not in text
    assert all(r.headers.get("Authorization") == "Token SECRET-TOKEN-123" for r in api_server.requests)


# ---- the live pretalx lab ---------------------------------------------------------------------

def _count(pretalx_url: str, event: str, collection: str) -> int:
    return requests.get(f"{pretalx_url}/api/events/{event}/{collection}/", timeout=30).json()["count"]


@pytest.mark.live
@pytest.mark.parametrize("legacy", [False, True], ids=["current-api", "legacy-api"])
def test_live_pretalx_builds_one_page_per_object(pretalx_url, pretalx_event, tmp_path, legacy):
    args = [f"{pretalx_url}/{pretalx_event}/", "--out", str(tmp_path)] + (["--legacy"] if legacy else [])

    assert build(*args) == 0

    submissions = _count(pretalx_url, pretalx_event, "submissions")
    assert len(pages(tmp_path, "en", "talk")) == submissions > 0
    assert len(pages(tmp_path, "en", "speaker")) == _count(pretalx_url, pretalx_event, "speakers")
    assert len(pages(tmp_path, "en", "room")) == _count(pretalx_url, pretalx_event, "rooms")
    event = requests.get(f"{pretalx_url}/api/events/{pretalx_event}/", timeout=30).json()
    first, last = dt.date.fromisoformat(event["date_from"]), dt.date.fromisoformat(event["date_to"])
    assert len(pages(tmp_path, "en", "day")) == (last - first).days + 1
    rooms = requests.get(f"{pretalx_url}/api/events/{pretalx_event}/rooms/", timeout=30).json()["results"]
    room = rooms[0]
    room_pages = {h1(p) for p in (tmp_path / "de/room").glob("*/index.html")}
    assert room["name"]["de"] in room_pages
    assert room["name"]["en"] in {h1(p) for p in (tmp_path / "en/room").glob("*/index.html")}
    assert room["name"]["de"] != room["name"]["en"]


@pytest.mark.live
def test_live_pretalx_frab_export_url_builds_the_same_sessions(pretalx_url, pretalx_event, tmp_path):
    export = f"{pretalx_url}/{pretalx_event}/schedule/export/schedule.json"

    assert build(export, "--out", str(tmp_path)) == 0

    assert len(pages(tmp_path, "en", "talk")) == _count(pretalx_url, pretalx_event, "submissions")


@pytest.mark.live
def test_live_pretalx_unknown_event_fails_with_the_url_and_status(pretalx_url, tmp_path, capsys):
    (tmp_path / "index.html").write_text("previous site")

    assert build(f"{pretalx_url}/no-such-event/", "--out", str(tmp_path)) == 1

    err = capsys.readouterr().err
    assert f"{pretalx_url}/api/events/no-such-event/" in err and "404" in err
    assert (tmp_path / "index.html").read_text() == "previous site"
