"""Missing or inconsistent data: the documented default with a warning naming the object, or with --strict a
failure that names it and leaves the previous site alone (README, "Bad data")."""

from __future__ import annotations

import logging

import pytest

from generator.cli import main
from support import handmade
from support.site import pages, tree

CASES = {
    "slot-without-room": (dict(slots=[handmade.slot(1, "TALK1", room_id=None)]),
                          "slot 1: has no room; left out of the timetable"),
    "slot-without-start": (dict(slots=[{"id": 1, "room": 1, "submission": "TALK1", "start": None, "end": None}]),
                           "slot 1: no start or end time; left out of the timetable"),
    "slot-in-an-unknown-room": (dict(slots=[handmade.slot(1, "TALK1", room_id=99)]),
                                "session 'TALK1': unknown room '99'; slot left out of the timetable"),
    "undefined-speaker": (dict(submissions=[handmade.talk("TALK1", ["SPK1", "GHOST"])]),
                          "session 'TALK1': speaker 'GHOST' is not among the event's speakers; left out"),
    "unknown-track": (dict(submissions=[handmade.talk("TALK1", ["SPK1"], track=99)]),
                      "session 'TALK1': unknown track '99'; shown without a track"),
    "duplicate-session-code": (dict(submissions=[handmade.talk("TALK1", ["SPK1"]), handmade.talk("TALK1", ["SPK1"])]),
                               "session 'TALK1': code used twice; keeping the first"),
    "duplicate-speaker-code": (dict(speakers=[handmade.speaker("SPK1", "Ada"), handmade.speaker("SPK1", "Bob")]),
                               "speaker 'SPK1': code used twice ('Ada' and 'Bob'); keeping the first"),
    "end-before-start": (dict(slots=[handmade.slot(1, "TALK1", start="2025-10-30T10:00:00+01:00",
                                                   end="2025-10-30T09:00:00+01:00")]),
                         "session 'TALK1': ends before it starts; treated as zero length"),
    "unknown-time-zone": (dict(event={"name": "Handmade Con", "slug": "handmade", "timezone": "Mars/Olympus_Mons",
                                      "locale": "en", "locales": ["en"]}),
                          "event: unknown time zone 'Mars/Olympus_Mons'; using UTC+01:00, from the UTC offsets of the times"),
}


@pytest.mark.parametrize(("documents", "warning"), CASES.values(), ids=CASES.keys())
def test_bad_data_builds_with_the_documented_default_and_a_warning(tmp_path, caplog, documents, warning):
    source = handmade.snapshot_file(handmade.event(**documents), tmp_path / "event.snapshot.json")

    with caplog.at_level(logging.WARNING):
        assert main([str(source), "--out", str(tmp_path / "site"), "--quiet"]) == 0

    assert warning in caplog.messages
    assert (tmp_path / "site/en/index.html").exists()


@pytest.mark.parametrize(("documents", "warning"), CASES.values(), ids=CASES.keys())
def test_bad_data_with_strict_fails_naming_the_object_and_keeps_the_site(tmp_path, capsys, documents, warning):
    out = tmp_path / "site"
    assert main([str(handmade.snapshot_file(handmade.event(), tmp_path / "good.json")), "--out", str(out), "-q"]) == 0
    before = tree(out)
    source = handmade.snapshot_file(handmade.event(**documents), tmp_path / "event.snapshot.json")

    exit_code = main([str(source), "--out", str(out), "--quiet", "--strict"])

    message = capsys.readouterr().err
    assert exit_code == 1
    assert "data problem(s) with --strict" in message and warning in message and "hint: " in message
    assert tree(out) == before


def test_the_defaults_shape_the_site(tmp_path):
    documents = handmade.event(
        speakers=[handmade.speaker("SPK1", "Ada"), handmade.speaker("SPK1", "Bob")],
        submissions=[handmade.talk("TALK1", ["SPK1", "GHOST"], track=99), handmade.talk("TALK2", ["SPK1"]),
                     handmade.talk("TALK1", ["SPK1"], title="A second TALK1")],
        slots=[handmade.slot(1, "TALK1"), handmade.slot(2, "TALK2", room_id=None)])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")

    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet"]) == 0

    site = tmp_path / "site"
    assert pages(site, "en", "talk") == {"TALK1"}  # TALK2 lost its only slot: unscheduled, no page
    assert pages(site, "en", "track") == set()
    talk = (site / "en/talk/TALK1/index.html").read_text(encoding="utf-8")
    assert "Talk TALK1" in talk and "A second TALK1" not in talk and "GHOST" not in talk
    assert "Ada" in talk and "Bob" not in talk


def test_unknown_extra_fields_are_ignored_without_a_warning(tmp_path, caplog):
    documents = handmade.event(submissions=[handmade.talk("TALK1", ["SPK1"], future_field={"x": [1, 2]},
                                                          another=None)])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")

    with caplog.at_level(logging.WARNING):
        assert main([str(source), "--out", str(tmp_path / "site"), "--quiet", "--strict"]) == 0

    assert caplog.messages == []
