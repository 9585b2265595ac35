"""Incremental builds: a rebuild with the same input writes nothing; a change rewrites exactly the files that show it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.data import DEMO_SNAPSHOT
from support.site import tree

from generator.cli import main
from generator.config import Settings
from generator.pipeline import build
from generator.writer import MANIFEST


def demo_with_title(directory: Path, code: str, title: str) -> Path:
    """The demo snapshot with one session renamed, written to `directory`."""
    data = json.loads(DEMO_SNAPSHOT.read_text(encoding="utf-8"))
    for submission in data["documents"]["submissions"]:
        if submission["code"] == code:
            submission["title"] = title
    path = directory / f"{title.replace(' ', '-')}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo_code() -> str:
    """A scheduled session of the demo event."""
    data = json.loads(DEMO_SNAPSHOT.read_text(encoding="utf-8"))
    scheduled = {slot["submission"] for slot in data["documents"]["slots"] if slot.get("submission")}
    return sorted(scheduled)[0]


def test_a_second_build_writes_nothing_and_says_so(tmp_path, capsys):
    assert main([str(DEMO_SNAPSHOT), "--out", str(tmp_path)]) == 0
    first = tree(tmp_path)
    capsys.readouterr()

    assert main([str(DEMO_SNAPSHOT), "--out", str(tmp_path)]) == 0

    summary = capsys.readouterr().out
    assert "(0 written, " in summary and " 0 deleted)" in summary
    assert tree(tmp_path) == first


def test_a_second_build_with_unchanged_input_skips_rendering_but_still_checks_the_files(tmp_path):
    settings = Settings(source=str(DEMO_SNAPSHOT), out=tmp_path, cache_dir=tmp_path / "cache")
    first = build(settings)
    (tmp_path / "en" / "index.html").write_bytes(b"damaged")

    second = build(settings)
    third = build(settings)

    assert first.write.written == first.files and first.render_seconds > 0
    assert second.write.written_paths == ("en/index.html",)
    assert third.write.written == 0 and third.write.unchanged == third.files and third.render_seconds == 0


def test_a_changed_title_rewrites_exactly_the_files_that_show_it(tmp_path, demo_code):
    before = demo_with_title(tmp_path, demo_code, "Alpha Incremental Marker")
    after = demo_with_title(tmp_path, demo_code, "Beta Incremental Marker")
    out = tmp_path / "site"
    build(Settings(source=str(before), out=out, cache_dir=tmp_path / "cache"))
    showing_old = {path for path, data in tree(out).items() if b"Alpha Incremental Marker" in data}
    # the full-text shards hold words, not the title: those listing "alpha" lose it, those for "beta" gain it
    old_word = {path for path, data in tree(out).items() if "/search/" in path and b'"alpha":' in data}

    report = build(Settings(source=str(after), out=out, cache_dir=tmp_path / "cache"))

    showing_new = {path for path, data in tree(out).items() if b"Beta Incremental Marker" in data}
    new_word = {path for path, data in tree(out).items() if "/search/" in path and b'"beta":' in data}
    listing_the_retitle = {f"{lang}/{name}" for lang in ("en", "de") for name in ("changes/index.html", "changes.atom")}
    assert showing_new == showing_old | listing_the_retitle and len(showing_new) > 8  # talk pages, lists, day, feeds…
    assert old_word and new_word
    cards = {f"{locale}/talk/{demo_code}/card.png" for locale in ("en", "de")}  # they draw it: no text to find
    assert cards <= tree(out).keys()
    overviews = {"en/index.html", "de/index.html"}  # now linking the Changes page: a second version exists
    written = showing_new | old_word | new_word | cards | overviews
    assert set(report.write.written_paths) == written
    assert report.write.unchanged == report.files - len(written)


def test_files_the_user_put_there_are_left_alone_and_listed(tmp_path, caplog):
    cache = tmp_path.with_name(tmp_path.name + "-cache")  # outside: its files (cards) would crowd the log line
    build(Settings(source=str(DEMO_SNAPSHOT), out=tmp_path, cache_dir=cache))
    (tmp_path / "CNAME").write_text("schedule.example.org\n")
    (tmp_path / "en" / "notes.txt").write_text("mine\n")

    with caplog.at_level("INFO", logger="generator.writer"):
        report = build(Settings(source=str(DEMO_SNAPSHOT), out=tmp_path, cache_dir=cache,
                                base_url="https://schedule.example.org/"))

    assert report.write.written > 0
    assert (tmp_path / "CNAME").read_text() == "schedule.example.org\n"
    assert (tmp_path / "en" / "notes.txt").read_text() == "mine\n"
    assert {"CNAME", "en/notes.txt"} <= set(report.write.kept_foreign)
    assert "left alone" in caplog.text and "CNAME" in caplog.text


def test_files_the_tool_no_longer_produces_are_deleted_and_nothing_else(tmp_path):
    build(Settings(source=str(DEMO_SNAPSHOT), out=tmp_path, cache_dir=tmp_path / ".cache"))
    (tmp_path / "mine.html").write_text("mine")
    both = {p for p in tree(tmp_path) if p.startswith(("en/", "de/"))}

    report = build(Settings(source=str(DEMO_SNAPSHOT), out=tmp_path, cache_dir=tmp_path / ".cache",
                            locales=("en",)))

    assert report.write.deleted == len([p for p in both if p.startswith("de/")]) > 0
    assert not (tmp_path / "de").exists()
    assert (tmp_path / "mine.html").read_text() == "mine"
    assert "de/index.html" not in json.loads((tmp_path / MANIFEST).read_text())["files"]
