"""A room or break name that exists only in another language is marked with that language (WCAG 3.1.2)."""

from __future__ import annotations

import json

import lxml.html
from support.data import DEMO_SNAPSHOT

from generator.cli import main


def build_with_german_only_names(tmp_path):
    """The demo with room 1 and break slot 73 named in German only."""
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())
    docs = snapshot["documents"]
    room = next(r for r in docs["rooms"] if r["id"] == 1)
    room["name"] = {"de": "Großer Saal"}
    lunch = next(s for s in docs["slots"] if s["id"] == 73)
    lunch["description"] = {"de": "Mittagspause"}
    source = tmp_path / "demo.json"
    source.write_text(json.dumps(snapshot))
    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet", "--cache-dir", str(tmp_path / "c")]) == 0
    return tmp_path / "site"


def langs_of(page, text: str) -> set[str | None]:
    doc = lxml.html.fromstring(page.read_bytes())
    return {element.get("lang") for element in doc.iter() if (element.text or "").strip() == text}


def test_a_german_only_room_name_is_marked_german_on_english_pages_and_not_on_german_ones(tmp_path):
    site = build_with_german_only_names(tmp_path)
    day = next((site / "en/day").glob("*/index.html"))

    assert langs_of(site / "en/room/groer-saal/index.html", "Großer Saal") == {"de"}
    assert langs_of(day, "Großer Saal") == {"de"}
    assert langs_of(site / "de/room/groer-saal/index.html", "Großer Saal") == {None}


def test_a_german_only_break_is_marked_german_on_english_pages(tmp_path):
    site = build_with_german_only_names(tmp_path)

    found = [langs_of(page, "Mittagspause") for page in (site / "en/day").glob("*/index.html")]

    assert {"de"} in found and all(langs <= {"de"} for langs in found if langs)
