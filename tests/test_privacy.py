"""Organiser-only fields a token makes pretalx return never reach a page, a feed or a snapshot."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.sources import snapshot as snapshots
from generator.sources.raw import PRIVATE_FIELDS, RawEvent
from support.data import load_fixture, results
from support.events import pyconfr_current_api
from support.server import ApiServer, Reply
from support.site import tree

MARKER = "ORGANISER-ONLY-b7e1"
TOKEN = "SECRET-TOKEN-4242"
# what pretalx keeps from the public, shaped the way its API shows it to an organiser's token
ORGANISER_FIELDS: dict[str, Any] = {
    "email": f"{MARKER}-email@example.org",
    "notes": f"{MARKER} notes",
    "internal_notes": f"{MARKER} internal notes",
    "answers": [{"id": 1, "question": {"id": 7, "question": {"en": "T-shirt size?"}}, "answer": f"{MARKER} XL"}],
    "reviews": [{"id": 3, "score": 2, "text": f"{MARKER} weak talk"}],
    "access_code": f"{MARKER}-ACCESS",
    "availabilities": [{"start": "2025-10-30T10:00:00+01:00", "end": "2025-10-30T12:00:00+01:00",
                        "comment": f"{MARKER} only mornings"}],
    "anonymised_data": f'{{"title": "{MARKER} anonymised title"}}',
    "assigned_reviewers": [f"{MARKER}-reviewer"],
    "pending_state": f"{MARKER}-pending",
    "speaker_info": {"en": f"{MARKER} room key in the locker", "fr": f"{MARKER} clé"},
    "tags": [f"{MARKER}-tag"],
    "tag_ids": [f"{MARKER}-tag-id"],
    "has_arrived": f"{MARKER}-arrived",
}


def plant(document: Any) -> Any:
    """A copy of a raw API document with every organiser field, set to the marker, on every object in it."""
    if isinstance(document, list):
        return [plant(item) for item in document]
    if not isinstance(document, dict):
        return document
    planted = {key: plant(value) for key, value in document.items()}
    planted.update(copy.deepcopy(ORGANISER_FIELDS))
    return planted


def serve_planted_current(server: ApiServer) -> str:
    """PyConFR 2025 as the current API shows it to an organiser's token, every organiser field marked."""
    data = {name: plant(document) for name, document in pyconfr_current_api().items()}
    base = "/api/events/pyconfr-2025/"
    server.route("/api/", Reply.json({"name": "pretalx", "version": "2025.1.0", "api_version": "v1"}))
    server.route(base, Reply.json(data["event"]))
    server.route(f"{base}schedules/latest/", Reply.json(data["schedule"]))
    for name in ("submissions", "speakers", "rooms", "tracks", "submission-types", "slots"):
        server.paginate(f"{base}{name}/", data[name], 25)
    return f"{server.url}/pyconfr-2025/"


def serve_planted_legacy(server: ApiServer) -> str:
    """JuliaCon 2023 as the legacy API shows it to a token: organiser fields on talks and their nested speakers."""
    base = "/api/events/juliacon2023/"
    server.route(base, Reply.json(plant(load_fixture("juliacon2023-api/event.json"))))
    for name in ("talks", "speakers", "rooms"):
        server.paginate(f"{base}{name}/", plant(results(load_fixture(f"juliacon2023-api/{name}.json"))), 100)
    return f"{server.url}/juliacon2023/"


def files_containing(directory: Path, needle: str) -> list[str]:
    return sorted(path for path, content in tree(directory).items() if needle.encode() in content)


def test_every_organiser_field_the_fixture_has_is_one_we_scrub():
    submissions = results(load_fixture("pyconfr2025-api/derived_submissions.json"))
    real = {"access_code", "anonymised_data", "answers", "assigned_reviewers", "is_anonymised", "pending_state"}

    assert real <= set(submissions[0])  # the real token-revealed dump carries them
    assert real | set(ORGANISER_FIELDS) <= PRIVATE_FIELDS


@pytest.mark.parametrize("serve", [serve_planted_current, serve_planted_legacy], ids=["current-api", "legacy-api"])
def test_organiser_fields_reach_no_output_file_and_no_snapshot(api_server, tmp_path, serve):
    event_url = serve(api_server)
    site, snapshot = tmp_path / "site", tmp_path / "event.snapshot.json"

    assert main([event_url, "--out", str(site), "--save-snapshot", str(snapshot), "--token", TOKEN, "--quiet"]) == 0

    assert all(r.headers.get("Authorization") == f"Token {TOKEN}" for r in api_server.requests if "/events/" in r.path)
    assert len(tree(site)) > 100
    assert files_containing(site, MARKER) == []
    assert MARKER not in snapshot.read_text(encoding="utf-8")
    assert files_containing(site, TOKEN) == [] and TOKEN not in snapshot.read_text(encoding="utf-8")


def test_a_snapshot_with_organiser_fields_left_in_is_scrubbed_when_rebuilt(tmp_path):
    raw = RawEvent("pretalx", "https://pretalx.example/api/events/pyconfr-2025/",
                   {name: plant(document) for name, document in pyconfr_current_api().items()})
    hand_made = tmp_path / "hand-made.snapshot.json"
    hand_made.write_text(json.dumps({"format": snapshots.FORMAT, "version": snapshots.VERSION, "kind": raw.kind,
                                     "origin": raw.origin, "documents": raw.documents}))

    assert main([str(hand_made), "--out", str(tmp_path / "site"), "--quiet"]) == 0

    assert files_containing(tmp_path / "site", MARKER) == []
