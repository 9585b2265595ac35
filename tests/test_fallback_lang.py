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


def body_langs_of(page, text: str) -> set[str | None]:
    body = lxml.html.fromstring(page.read_bytes()).body
    return {element.get("lang") for element in body.iter() if (element.text or "").strip() == text}


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


def test_german_only_event_track_and_type_names_are_marked_german_on_english_pages(tmp_path):
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())
    docs = snapshot["documents"]
    docs["event"]["name"] = {"de": "Nur-Deutsch-Konferenz"}
    track = next(t for t in docs["tracks"] if t["id"] == 1)
    track["name"] = {"de": "Stadtgarten"}
    kind = next(t for t in docs["submission-types"] if t["id"] == 1)
    kind["name"] = {"de": "Kurzvortrag"}
    talk = next(s for s in docs["submissions"] if s["track"] == 1 and s["submission_type"] == 1)
    source = tmp_path / "demo.json"
    source.write_text(json.dumps(snapshot))
    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet", "--cache-dir", str(tmp_path / "c")]) == 0
    site = tmp_path / "site"
    talk_page = site / "en/talk" / talk["code"] / "index.html"

    # in the page's body (heading and site header); <title> is one text, often "page · event", left unmarked
    assert body_langs_of(site / "en/index.html", "Nur-Deutsch-Konferenz") == {"de"}
    assert body_langs_of(talk_page, "Nur-Deutsch-Konferenz") == {"de"}
    assert langs_of(talk_page, "Stadtgarten") == {"de"} and langs_of(talk_page, "Kurzvortrag") == {"de"}
    assert langs_of(site / "en/track/stadtgarten/index.html", "Stadtgarten") == {"de"}
    assert {"de"} in [langs_of(page, "Stadtgarten") for page in (site / "en/day").glob("*/index.html")]
    assert body_langs_of(site / "de/index.html", "Nur-Deutsch-Konferenz") == {None}
