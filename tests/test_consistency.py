"""Every object once and one schedule version per build, shown on a local server that pages like pretalx #2155;
URLs as users type them; the guard against publishing a site that lost most of its sessions.

The live tier (test_production_live.py) shows the same against the real pretalx on PostgreSQL; these run in a
second and pin the rules down.
"""

from __future__ import annotations

import json

import pytest
import requests
from support.data import DEMO_SNAPSHOT
from support.events import pyconfr_current_api, serve_pyconfr_current
from support.server import Reply
from support.site import pages, tree

from generator.cli import main
from generator.errors import FetchError, UsageError
from generator.sources import locate
from generator.sources.http import HttpClient
from generator.sources.pretalx import fetch


def client() -> HttpClient:
    return HttpClient(requests.Session(), timeout=5, retries=0)


def serve_with_ties(api_server, data: dict) -> tuple[str, list[int]]:
    """PyConFR served with a second slot page that repeats a slot of the first and skips another, the count
    still right (what PostgreSQL does to a tied ordering: pretalx #2155); every slot also at /slots/{id}/."""
    event_url = serve_pyconfr_current(api_server, page_size=25, data=data)
    base = "/api/events/pyconfr-2025/"
    slots = data["slots"]
    api_server.route(f"{base}slots/?page=2", Reply.json({"count": len(slots), "next": None, "previous": None,
                                                        "results": [slots[0]] + slots[26:]}))
    for slot in slots:
        api_server.route(f"{base}slots/{slot['id']}/", Reply.json(slot))
    return event_url, [slots[25]["id"]]


def first_fifty(data: dict) -> dict:
    """PyConFR with its schedule cut to 50 slots (two pages of 25)."""
    data["slots"] = data["slots"][:50]
    data["schedule"]["slots"] = [slot["id"] for slot in data["slots"]]
    return data


def test_a_slot_shown_twice_and_one_never_are_deduplicated_and_fetched_by_id(api_server):
    data = first_fifty(pyconfr_current_api())
    _, skipped = serve_with_ties(api_server, data)

    raw = fetch(client(), f"{api_server.url}/api/events/pyconfr-2025/")

    assert sorted(s["id"] for s in raw.documents["slots"]) == sorted(data["schedule"]["slots"])
    assert f"/api/events/pyconfr-2025/slots/{skipped[0]}/" in [r.path for r in api_server.requests]


def test_slots_are_asked_for_the_schedule_the_build_chose(api_server):
    data = first_fifty(pyconfr_current_api())
    serve_with_ties(api_server, data)

    fetch(client(), f"{api_server.url}/api/events/pyconfr-2025/")

    asked = [r.path for r in api_server.requests if "/slots/?" in r.path and "page=" not in r.path]
    assert asked and all(f"schedule={data['schedule']['id']}" in path for path in asked)


def test_a_slot_of_another_schedule_version_fails_the_build_naming_it(api_server):
    data = first_fifty(pyconfr_current_api())
    data["slots"][3] = {**data["slots"][3], "schedule": data["schedule"]["id"] + 1}
    serve_pyconfr_current(api_server, page_size=25, data=data)

    with pytest.raises(FetchError, match="another schedule version") as caught:
        fetch(client(), f"{api_server.url}/api/events/pyconfr-2025/")

    assert str(data["slots"][3]["id"]) in str(caught.value)


def test_a_release_during_every_fetch_stops_with_a_clear_error_after_three_attempts(api_server, tmp_path, capsys):
    data = pyconfr_current_api()
    event_url = serve_pyconfr_current(api_server, page_size=100, data=data)
    releases = iter(range(100, 200))  # every look at the latest schedule finds a newer version
    api_server.route("/api/events/pyconfr-2025/schedules/latest/",
                     lambda request: Reply.json({**data["schedule"], "id": next(releases)}))
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "CNAME").write_text("kept\n")

    code = main([event_url, "--out", str(tmp_path / "site"), "--quiet", "--cache-dir", str(tmp_path / "cache")])

    assert code == 1
    assert "released during each of 3 fetches" in capsys.readouterr().err
    assert tree(tmp_path / "site") == {"CNAME": b"kept\n"}


@pytest.mark.parametrize(("typed", "expected"), [
    ("https://p.example/UpCon/", ["https://p.example/api/events/UpCon/", "https://p.example/api/events/upcon/"]),
    ("https://p.example/speakers/", ["https://p.example/api/events/speakers/"]),
    ("https://p.example/schedule/schedule/", ["https://p.example/api/events/schedule/",
                                              "https://p.example/schedule/api/events/schedule/"]),
    ("https://p.example/upcon/talk/ABC123/", ["https://p.example/api/events/upcon/",
                                              "https://p.example/upcon/api/events/talk/",
                                              "https://p.example/upcon/talk/api/events/ABC123/",
                                              "https://p.example/upcon/talk/api/events/abc123/"]),
    ("https://p.example/api/events/upcon/slots/", ["https://p.example/api/events/upcon/"]),
], ids=["slug-case", "page-name-slug", "page-name-slug-and-page", "talk-url", "api-url"])
def test_the_readings_of_a_typed_url_most_likely_first(typed, expected):
    assert [api_base for api_base, _ in locate.candidates(typed)] == expected


def test_an_event_slug_typed_in_capitals_is_found_by_its_lowercase_api(api_server):
    api_server.route("/api/", Reply.json({"api_version": "v1"}))
    api_server.route("/api/events/upcon/", Reply.json({"slug": "upcon"}))

    api_base, event, legacy = locate.event(client(), f"{api_server.url}/UpCon/schedule/")

    assert (api_base, event, legacy) == (f"{api_server.url}/api/events/upcon/", {"slug": "upcon"}, False)


def test_an_event_whose_slug_is_a_page_name_is_found(api_server):
    api_server.route("/api/", Reply.json({"api_version": "v1"}))
    api_server.route("/api/events/speakers/", Reply.json({"slug": "speakers"}))

    assert locate.event(client(), f"{api_server.url}/speakers/")[0] == f"{api_server.url}/api/events/speakers/"


def test_a_url_without_any_path_is_a_usage_error():
    with pytest.raises(UsageError, match="no event slug"):
        locate.candidates("https://p.example/")


def shrunk_snapshot(tmp_path, keep: int):
    """The demo snapshot with only its first `keep` submissions."""
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())
    documents = snapshot["documents"]
    documents["submissions"] = documents["submissions"][:keep]
    path = tmp_path / f"demo-{keep}.json"
    path.write_text(json.dumps(snapshot))
    return path


def test_a_build_that_loses_most_sessions_fails_and_leaves_the_site(tmp_path):
    site, cache = tmp_path / "site", str(tmp_path / "cache")
    assert main([str(DEMO_SNAPSHOT), "--out", str(site), "--quiet", "--cache-dir", cache]) == 0
    before = tree(site)

    code = main([str(shrunk_snapshot(tmp_path, 5)), "--out", str(site), "--quiet", "--cache-dir", cache])

    assert code == 1
    assert tree(site) == before


def test_allow_shrink_publishes_a_deliberately_smaller_site(tmp_path):
    site, cache = tmp_path / "site", str(tmp_path / "cache")
    assert main([str(DEMO_SNAPSHOT), "--out", str(site), "--quiet", "--cache-dir", cache]) == 0

    code = main([str(shrunk_snapshot(tmp_path, 5)), "--out", str(site), "--quiet", "--cache-dir", cache,
                 "--allow-shrink"])

    assert code == 0
    assert len(pages(site, "en", "talk")) <= 5


def test_removing_a_few_sessions_needs_no_permission(tmp_path):
    site, cache = tmp_path / "site", str(tmp_path / "cache")
    assert main([str(DEMO_SNAPSHOT), "--out", str(site), "--quiet", "--cache-dir", cache]) == 0
    before = len(pages(site, "en", "talk"))

    code = main([str(shrunk_snapshot(tmp_path, before - 3)), "--out", str(site), "--quiet", "--cache-dir", cache])

    assert code == 0


@pytest.mark.parametrize(("seen_as", "shown"), [("anonymous", True), ("organiser", False)])
def test_a_session_rejected_after_release_is_cancelled_for_anonymous_visitors_and_unlisted_for_a_token(
        tmp_path, seen_as, shown):
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())
    docs = snapshot["documents"]
    docs["seen_as"] = seen_as
    next(s for s in docs["submissions"] if s["code"] == "J9BCWP")["state"] = "rejected"
    source = tmp_path / "demo.json"
    source.write_text(json.dumps(snapshot))

    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet", "--cache-dir", str(tmp_path / "c")]) == 0

    ics = (tmp_path / "site/en/schedule.ics").read_text()
    assert ("J9BCWP" in pages(tmp_path / "site", "en", "talk")) is shown
    if shown:
        event = ics[ics.index("UID:pretalx-democon-J9BCWP@"):]
        assert event[:event.index("END:VEVENT")].count("STATUS:CANCELLED") == 1
