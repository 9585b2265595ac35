"""Codes, slugs and dates become path segments only after a strict check: nothing is written outside the
output directory, and two objects that would share a path stop the build, naming both."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import urls
from generator.cli import main
from generator.errors import OutputError
from generator.sanitise import identifier, is_safe_segment, safe_code
from generator.writer import Plan, check_path, write
from support import handmade
from support.data import PROJECT
from support.site import pages, tree

HOSTILE_CODES = {
    "parent-dirs": "../../etc/passwd",
    "windows-device": "CON",
    "windows-device-lowercase": "nul",
    "slash": "a/b",
    "backslash": "a\\b",
    "empty": "",
    "dot-dot": "..",
    "300-characters": "A" * 300,
    "nul-byte": "AB\x00CD",
    "trailing-newline": "ABC123\n",
    "absolute": "/etc/passwd",
    "unicode": "ÄÖÜ-ß",
}


def every_file_under(directory: Path) -> set[Path]:
    return {path for path in directory.rglob("*") if path.is_file()}


@pytest.mark.parametrize("code", HOSTILE_CODES.values(), ids=HOSTILE_CODES.keys())
def test_a_hostile_code_writes_nothing_outside_the_output_directory(tmp_path, caplog, code):
    documents = handmade.event(speakers=[handmade.speaker(code)],
                               submissions=[handmade.talk(code, [code], submission_type=1)],
                               slots=[handmade.slot(1, code)], rooms=[handmade.room(1, name=code or "x")])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")
    out = tmp_path / "deep" / "inside" / "site"

    with caplog.at_level(logging.WARNING):
        assert main([str(source), "--out", str(out), "--quiet"]) == 0

    assert every_file_under(tmp_path) - every_file_under(out) == {source}
    safe = safe_code(identifier(code) or "")
    if code == "":  # no identity: the speaker is left out, the slot is a break, neither has a page
        assert pages(out, "en", "talk") == pages(out, "en", "speaker") == set()
        return
    assert pages(out, "en", "talk") == pages(out, "en", "speaker") == {safe}
    assert is_safe_segment(safe) and len(safe) <= 80
    if safe != identifier(code):
        assert any(repr(identifier(code)) in text and "not a safe path segment" in text for text in caplog.messages)


@pytest.mark.parametrize("code", HOSTILE_CODES.values(), ids=HOSTILE_CODES.keys())
def test_a_hostile_code_is_refused_as_a_path_segment(code):
    with pytest.raises(OutputError, match="unsafe path segment"):
        urls.talk("en", code)


def test_safe_codes_are_kept_and_derived_ones_are_stable():
    # stable across builds: each build is a new process (Python salts str hashes per process), and derives the
    # codes in whatever order it meets them; so two processes, two salts, the codes asked for in both orders
    script = ("import sys; from generator.sanitise import safe_code; "
              "print(dict(sorted((c, safe_code(c)) for c in sys.argv[1:])))")
    runs = {subprocess.run([sys.executable, "-c", script, *codes], cwd=PROJECT, capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed, codes in (("1", ["a/b", "a\\b"]), ("2", ["a\\b", "a/b"]))}

    assert safe_code("ABC123") == "ABC123"
    assert len(runs) == 1, runs
    derived = {safe_code("a/b"), safe_code("a\\b")}
    assert str(dict(sorted({"a/b": safe_code("a/b"), "a\\b": safe_code("a\\b")}.items()))) == runs.pop().strip()
    assert len(derived) == 2 and all(is_safe_segment(code) for code in derived)  # two codes, two safe paths


@pytest.mark.parametrize("path", ["../x.html", "/etc/passwd", "a/../../b", "a//b", "a\\b", "a/\x00b", "", "./a"],
                         ids=["parent", "absolute", "climbs", "empty-segment", "backslash", "nul", "empty", "dot"])
def test_the_writer_refuses_paths_that_could_escape(path):
    with pytest.raises(OutputError, match="refusing output path"):
        check_path(path)


def planned(files: dict[str, str]) -> Plan:
    """A plan of these files: path → text."""
    plan = Plan()
    for path, text in files.items():
        plan.add(path, text.encode())
    return plan


def test_a_folder_that_is_a_symlink_out_of_the_site_is_refused_before_anything_is_written(tmp_path):
    outside, out = tmp_path / "outside", tmp_path / "site"
    outside.mkdir()
    out.mkdir()
    (out / "en").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="resolves outside"):
        write(planned({"index.html": "root", "en/talk/A/index.html": "page"}), out)
    assert every_file_under(outside) == set() and sorted(p.name for p in out.iterdir()) == ["en"]


def test_a_file_that_is_a_symlink_out_of_the_site_is_replaced_not_written_through(tmp_path):
    outside, out = tmp_path / "secret.txt", tmp_path / "site"
    outside.write_text("keep me")
    out.mkdir()
    (out / "index.html").symlink_to(outside)
    write(planned({"index.html": "page"}), out)
    assert outside.read_text() == "keep me"
    assert not (out / "index.html").is_symlink() and (out / "index.html").read_text() == "page"


def test_a_folder_where_a_file_goes_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "site"
    (out / "en" / "index.html").mkdir(parents=True)
    with pytest.raises(OutputError, match="a folder of that name is in the way"):
        write(planned({"a.html": "a", "en/index.html": "page"}), out)
    assert every_file_under(out) == set()


def test_two_outputs_for_one_path_name_both_owners():
    plan = Plan()
    plan.add("en/talk/ABC/index.html", b"first", "session 'ABC'")

    with pytest.raises(OutputError) as caught:
        plan.add("en/talk/ABC/index.html", b"second", "session 'abc-1f2e3d'")

    assert "session 'ABC'" in str(caught.value) and "session 'abc-1f2e3d'" in str(caught.value)


def test_codes_differing_only_in_case_stop_the_build_naming_both(tmp_path, capsys):
    documents = handmade.event(
        speakers=[handmade.speaker("SPK1")],
        submissions=[handmade.talk("ABC", ["SPK1"]), handmade.talk("abc", ["SPK1"])],
        slots=[handmade.slot(1, "ABC"), handmade.slot(2, "abc")])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")

    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet"]) == 1

    message = capsys.readouterr().err
    assert "case-insensitive" in message and "talk/ABC/" in message and "talk/abc/" in message
    assert not (tmp_path / "site").exists()


def test_a_code_equal_to_another_codes_safe_form_stops_the_build_naming_both(tmp_path, capsys):
    derived = safe_code("a/b")
    documents = handmade.event(
        speakers=[handmade.speaker("SPK1")],
        submissions=[handmade.talk("a/b", ["SPK1"]), handmade.talk(derived, ["SPK1"])],
        slots=[handmade.slot(1, "a/b"), handmade.slot(2, derived)])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")
    out = tmp_path / "site"
    assert main([str(handmade.snapshot_file(handmade.event(), tmp_path / "good.json")), "--out", str(out), "-q"]) == 0
    before = tree(out)

    assert main([str(source), "--out", str(out), "--quiet"]) == 1

    message = capsys.readouterr().err
    assert f"session 'a/b' and session '{derived}' would both be written to session/{derived}/" in message
    assert "hint: " in message
    assert tree(out) == before


def test_two_speakers_whose_codes_share_a_safe_form_stop_the_build_naming_both(tmp_path, capsys):
    derived = safe_code("../x")
    documents = handmade.event(speakers=[handmade.speaker("../x"), handmade.speaker(derived)],
                               submissions=[handmade.talk("TALK1", ["../x", derived])])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")

    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet"]) == 1

    message = capsys.readouterr().err
    assert f"speaker '../x' and speaker '{derived}'" in message
    assert not (tmp_path / "site").exists()


def test_room_and_track_names_that_slug_alike_get_distinct_pages(tmp_path):
    documents = handmade.event(
        rooms=[handmade.room(1, "Hall A"), handmade.room(2, "hall a"), handmade.room(3, "../Hall/A")],
        tracks=[{"id": 1, "name": "CON"}, {"id": 2, "name": "con"}],
        submissions=[handmade.talk(f"T{n}", ["SPK1"], track=1 + n % 2) for n in range(3)],
        slots=[handmade.slot(n, f"T{n}", room_id=n + 1) for n in range(3)])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")

    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet"]) == 0

    rooms, tracks = pages(tmp_path / "site", "en", "room"), pages(tmp_path / "site", "en", "track")
    assert rooms == {"hall-a", "hall-a-2", "hall-a-3"}
    assert len(tracks) == 2 and all(is_safe_segment(slug) for slug in tracks)


def test_a_room_or_track_named_like_a_page_kind_publishes_its_feed_as_schedule_ics(tmp_path):
    # urls.ical once guessed the feed's name from the page path: /talk/ in en/room/talk/ gave talk.ics
    documents = handmade.event(
        rooms=[handmade.room(1, "Talk"), handmade.room(2, "Speaker")],
        tracks=[{"id": 1, "name": "Talk"}],
        submissions=[handmade.talk(f"T{n}", ["SPK1"], track=1) for n in range(2)],
        slots=[handmade.slot(n, f"T{n}", room_id=n + 1) for n in range(2)])
    source = handmade.snapshot_file(documents, tmp_path / "event.snapshot.json")

    assert main([str(source), "--out", str(tmp_path / "site"), "--quiet"]) == 0

    site = tmp_path / "site" / "en"
    feeds = {p.relative_to(site).as_posix() for p in site.glob("*/*/*.ics") if p.parent.parent.name in {"room", "track"}}
    assert feeds == {"room/talk/schedule.ics", "room/speaker/schedule.ics", "track/talk/schedule.ics"}
    assert "SUMMARY:" in (site / "room/talk/schedule.ics").read_text()
    rooms = json.loads((site / "schedule.json").read_text())["rooms"]
    assert sorted(room["ical"] for room in rooms) == ["room/speaker/schedule.ics", "room/talk/schedule.ics"]
