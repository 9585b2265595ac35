"""People are who the source says: one speaker per person, never two people merged, a stable numeric id in frab.

The expected values are read from the source files with plain dict and ElementTree code, not our normaliser.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from support.conferences import conference
from support.data import FIXTURES, load_fixture
from support.site import h1, pages

from generator.cli import main
from generator.sanitise import is_safe_segment
from generator.render.frab import FrabDocument, person_ids

CASES = FIXTURES / "cases"


def build(source: Path, out: Path, *args: str) -> int:
    return main([str(source), "--out", str(out), "--quiet", *args])


def source_events(document: dict) -> list[dict]:
    return [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]


def names(person_list: list[dict]) -> list[str]:
    return [p.get("public_name") or p.get("name") for p in person_list]


def published(site: Path, locale: str = "en") -> dict:
    return json.loads((site / locale / "frab/schedule.json").read_text())


def speaker_sessions(site: Path, code: str, locale: str = "en") -> set[str]:
    """The talk codes a speaker page links to."""
    page = (site / locale / "speaker" / code / "index.html").read_text()
    return {part.split("/")[0] for part in page.split('href="../../talk/')[1:]}


# ---- a frab schedule made in the test, for kinds no real file shows alone ---------------------------------------

def frab_event(number: int, persons: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": number, "guid": f"00000000-0000-4000-8000-{number:012d}", "date": f"2026-06-01T{9 + number}:00:00+02:00",
            "start": f"{9 + number}:00", "duration": "00:30", "room": "Hall", "slug": f"t-{number}",
            "url": f"https://example.org/e/{number}", "title": f"Talk {number}", "subtitle": "", "track": None,
            "type": "Talk", "language": "en", "abstract": "", "description": "", "recording_license": "",
            "do_not_record": False, "persons": persons, "links": []}


def frab_file(path: Path, *person_lists: list[dict[str, Any]]) -> Path:
    """A one-day frab schedule.json with one session per persons list (Talk 1, Talk 2, …)."""
    events = [frab_event(n, persons) for n, persons in enumerate(person_lists, start=1)]
    document = {"schedule": {"version": "1", "conference": {
        "acronym": "people", "title": "People", "start": "2026-06-01", "end": "2026-06-01", "daysCount": 1,
        "timeslot_duration": "00:05", "time_zone_name": "Europe/Berlin",
        "days": [{"index": 1, "date": "2026-06-01", "day_start": "2026-06-01T04:00:00+02:00",
                  "day_end": "2026-06-02T03:59:00+02:00", "rooms": {"Hall": events}}]}}}
    path.write_text(json.dumps(document))
    return path


def credited(site: Path) -> dict[str, list[str]]:
    """Session title → the names our frab JSON credits, in order."""
    return {e["title"]: names(e["persons"]) for e in source_events(published(site))}


def speaker_pages(site: Path) -> dict[str, str]:
    """Speaker page code → the name it shows."""
    return {code: h1(site / "en/speaker" / code / "index.html") for code in pages(site, "en", "speaker")}


# ---- the cases ---------------------------------------------------------------------------------------------------

def test_person_id_zero_case_gives_three_speakers_each_credited_with_their_own_session(tmp_path):
    source = json.loads((CASES / "person-id-zero.json").read_text())
    expected = {e["title"]: names(e["persons"]) for e in source_events(source)}

    assert build(CASES / "person-id-zero.json", tmp_path) == 0

    assert credited(tmp_path) == expected
    shown = speaker_pages(tmp_path)
    assert sorted(shown.values()) == sorted(n for persons in expected.values() for n in persons)
    assert "0" not in shown
    assert all(len(speaker_sessions(tmp_path, code)) == 1 for code in shown)


def test_person_without_id_case_gets_a_numeric_id_the_same_in_xml_and_json_and_in_every_build(tmp_path):
    source = json.loads((CASES / "person-without-id.json").read_text())
    assert all("id" not in p for e in source_events(source) for p in e["persons"])

    assert build(CASES / "person-without-id.json", tmp_path / "one") == 0
    assert build(CASES / "person-without-id.json", tmp_path / "two") == 0

    xml_ids = [p.get("id") for p in ET.parse(tmp_path / "one/en/frab/schedule.xml").iter("person")]
    json_ids = [p["id"] for e in source_events(published(tmp_path / "one")) for p in e["persons"]]
    assert len(xml_ids) == 1 and xml_ids[0].isdigit() and int(xml_ids[0]) > 0
    assert json_ids == [int(xml_ids[0])]
    assert (tmp_path / "one/en/frab/schedule.xml").read_bytes() == (tmp_path / "two/en/frab/schedule.xml").read_bytes()
    assert pages(tmp_path / "one", "en", "speaker") == {"ADA123"}  # pretalx's code stays the page's path


# ---- real schedules ----------------------------------------------------------------------------------------------

def test_36c3_credits_every_session_to_the_people_the_source_names_and_no_speaker_page_has_two_names():
    def credits(events: list[dict]) -> Counter:
        # (title, start instant, names): guids repeat in this feed; spaces around a title or name are not kept
        return Counter((e["title"].strip(), dt.datetime.fromisoformat(e["date"]),
                        tuple(name.strip() for name in names(e["persons"]))) for e in events)
    source = credits(source_events(load_fixture("ccc-36c3/everything.schedule.json")))
    event = conference("36c3")

    document = FrabDocument(event, "en", base_url=None).document()

    written = credits(source_events(document))
    assert sum(written.values()) == sum(source.values()) == 1351
    assert written == source
    names_by_id: dict[int, set[str]] = {}
    for e in source_events(document):
        for p in e["persons"]:
            names_by_id.setdefault(p["id"], set()).add(p["name"])
    assert all(len(spelled) == 1 for spelled in names_by_id.values())
    assert "0" not in {s.code for s in event.speakers}


def test_36c3_wiki_people_with_id_zero_each_get_their_own_page_with_exactly_their_sessions():
    wiki: dict[tuple[str, str | None], set[str]] = {}  # (name, URL) → the guids of the events listing them
    for e in source_events(load_fixture("ccc-36c3/everything.schedule.json")):
        for p in e["persons"]:
            if p.get("id") == 0 and not p.get("code") and not p.get("guid"):
                wiki.setdefault((p["public_name"], p.get("url")), set()).add(e["guid"])
    event = conference("36c3")

    guids_of: dict[str, set[str]] = {}
    for session in event.sessions:
        for speaker in event.speakers_of(session):
            guids_of.setdefault(speaker.code, set()).update(slot.guid for slot in session.slots)

    assert len(wiki) > 200
    for (name, _url), guids in wiki.items():
        assert any(s.name == name and guids_of[s.code] == guids for s in event.speakers), name


def test_every_frab_person_id_is_positive_and_unique_per_speaker_in_every_real_schedule():
    for name in ("36c3", "39c3", "divoc", "demo"):
        event = conference(name)

        ids = person_ids(event)

        assert set(ids) == {s.code for s in event.speakers}
        assert all(number > 0 for number in ids.values())
        assert len(set(ids.values())) == len(ids), name


def test_a_frab_source_keeps_its_positive_person_ids():
    raw = source_events(json.loads((FIXTURES / "divoc_r2r/schedule.json").read_text()))
    source = {p["code"]: p["id"] for e in raw for p in e["persons"]}

    ids = person_ids(conference("divoc"))

    assert ids == source


# ---- other members of the kind -----------------------------------------------------------------------------------

def test_two_people_with_one_id_and_different_names_stay_apart_with_a_warning_naming_the_id(tmp_path, caplog):
    source = frab_file(tmp_path / "s.json", [{"id": 85, "public_name": "Adam Wight"}],
                       [{"id": 85, "public_name": "MacSnider"}])

    with caplog.at_level(logging.WARNING):
        assert build(source, tmp_path / "site") == 0

    assert credited(tmp_path / "site") == {"Talk 1": ["Adam Wight"], "Talk 2": ["MacSnider"]}
    assert sorted(speaker_pages(tmp_path / "site").values()) == ["Adam Wight", "MacSnider"]
    assert any("'85'" in r.getMessage() and "Adam Wight" in r.getMessage() and "MacSnider" in r.getMessage()
               for r in caplog.records)
    assert build(source, tmp_path / "strict", "--strict") == 1


def test_the_same_guid_written_in_two_letter_cases_with_one_name_is_one_speaker_page(tmp_path):
    guid = "4f09b480-eebf-54b5-b703-781907c5e048"
    source = frab_file(tmp_path / "s.json", [{"guid": guid, "public_name": "Stella"}],
                       [{"guid": guid.upper(), "public_name": "Stella"}])

    assert build(source, tmp_path / "site") == 0

    assert speaker_pages(tmp_path / "site") == {guid: "Stella"}
    assert speaker_sessions(tmp_path / "site", guid) == {"1", "2"}


def test_one_key_with_a_name_spelled_in_two_cases_and_spacings_is_one_person(tmp_path):
    source = frab_file(tmp_path / "s.json", [{"id": 7, "public_name": "Ada Lovelace"}],
                       [{"id": 7, "public_name": "ada  lovelace"}])

    assert build(source, tmp_path / "site") == 0

    assert speaker_pages(tmp_path / "site") == {"7": "Ada Lovelace"}


def test_a_person_with_only_a_name_is_one_speaker_across_sessions_and_a_namesake_with_another_url_is_another(tmp_path):
    source = frab_file(tmp_path / "s.json", [{"public_name": "Kim"}], [{"public_name": "Kim"}],
                       [{"public_name": "Kim", "url": "https://wiki.example.org/User:Kim2"}])

    assert build(source, tmp_path / "site") == 0

    shown = speaker_pages(tmp_path / "site")
    assert sorted(shown.values()) == ["Kim", "Kim"]
    assert sorted(len(speaker_sessions(tmp_path / "site", code)) for code in shown) == [1, 2]


def test_a_person_listed_twice_in_one_session_is_credited_once(tmp_path):
    source = frab_file(tmp_path / "s.json", [{"id": 3, "public_name": "Bo"}, {"id": 3, "public_name": "Bo"}])

    assert build(source, tmp_path / "site") == 0

    assert credited(tmp_path / "site") == {"Talk 1": ["Bo"]}


@pytest.mark.parametrize("person", [
    {"public_name": "../../etc/passwd"},
    {"public_name": "名前"},
    {"id": 0, "public_name": "CON"},
    {"guid": "../../x", "public_name": "Eve"},
], ids=["traversal-name", "cjk-name", "reserved-name", "traversal-guid"])
def test_speaker_page_paths_are_safe_segments_whatever_the_name_or_key(tmp_path, person):
    source = frab_file(tmp_path / "s.json", [person])

    assert build(source, tmp_path / "site") == 0

    codes = pages(tmp_path / "site", "en", "speaker")
    assert len(codes) == 1 and all(is_safe_segment(code) for code in codes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "site"]  # nothing written outside the site


def test_a_derived_person_id_does_not_change_when_another_speaker_arrives(tmp_path):
    first = frab_file(tmp_path / "a.json", [{"code": "AAAAAA", "public_name": "A"}], [{"code": "CCCCCC", "public_name": "C"}])
    second = frab_file(tmp_path / "b.json", [{"code": "AAAAAA", "public_name": "A"}], [{"code": "CCCCCC", "public_name": "C"}],
                       [{"code": "BBBBBB", "public_name": "B"}])

    assert build(first, tmp_path / "one") == 0 and build(second, tmp_path / "two") == 0

    before = {p["code"]: p["id"] for e in source_events(published(tmp_path / "one")) for p in e["persons"]}
    after = {p["code"]: p["id"] for e in source_events(published(tmp_path / "two")) for p in e["persons"]}
    assert before == {code: after[code] for code in before}
    assert len(set(after.values())) == 3


@pytest.mark.parametrize(("person", "page"), [
    ({"id": "wiki-17", "public_name": "Rin"}, "wiki-17"),
    ({"id": "17", "public_name": "Rin"}, "17"),
    ({"id": -4, "public_name": "Rin"}, None),
    ({"id": "0", "public_name": "Rin"}, None),
], ids=["textual-id", "digits-as-text", "negative-id", "zero-as-text"])
def test_an_id_that_is_text_names_the_page_and_zero_or_negative_ones_are_no_id(tmp_path, person, page):
    source = frab_file(tmp_path / "s.json", [person], [dict(person)])

    assert build(source, tmp_path / "site") == 0

    shown = speaker_pages(tmp_path / "site")
    assert list(shown.values()) == ["Rin"]  # listed in two sessions: one page
    expected = page or next(code for code in shown if code.startswith("rin-"))  # no id: name and URL, hashed
    assert list(shown) == [expected]


# ---- one speaker order everywhere ----------------------------------------------------------------------------------

def test_the_speakers_page_the_json_feed_and_the_search_index_list_speakers_in_one_order(tmp_path):
    # "Maß" and "Mast" sort one way by casefold ("mass" < "mast") and the other by lower() ("maß" > "mast"):
    # any second definition of the order shows here
    from support import handmade
    names = {"A1": "Mast", "A2": "Maß", "A3": "Ärger", "A4": "zoe", "A5": "Zoë"}
    documents = handmade.event(
        speakers=[handmade.speaker(code, name) for code, name in names.items()],
        submissions=[handmade.talk(f"T{n}", [code], submission_type=1) for n, code in enumerate(names, 1)],
        slots=[handmade.slot(n, f"T{n}") for n in range(1, len(names) + 1)])
    out = tmp_path / "site"

    assert build(handmade.snapshot_file(documents, tmp_path / "event.json"), out) == 0

    page = (out / "en/speakers/index.html").read_text(encoding="utf-8")
    listing = page.split('class="speaker-list"', 1)[1].split("</ul>", 1)[0]
    on_page = [href.split("/")[2] for href in listing.split('href="')[1:]]
    in_feed = [s["code"] for s in json.loads((out / "en/schedule.json").read_text(encoding="utf-8"))["speakers"]]
    script = (out / "en/search.js").read_text(encoding="utf-8")
    in_index = [s["c"] for s in json.loads(script.split("=", 1)[1].rstrip().removesuffix(";"))["speakers"]]
    assert sorted(on_page) == sorted(names)
    assert on_page == in_feed == in_index
