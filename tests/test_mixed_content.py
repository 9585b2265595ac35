"""Avatars over plain http on an https site: named in a warning, a failure with --strict, fine when mirrored."""

from __future__ import annotations

import json
import logging

from support.data import DEMO_SNAPSHOT

from generator.cli import main


def snapshot_with_http_avatar(tmp_path):
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())
    speaker = snapshot["documents"]["speakers"][0]
    speaker["avatar_url"] = "http://avatars.example.org/a.png"
    source = tmp_path / "demo.json"
    source.write_text(json.dumps(snapshot))
    return source, speaker["code"]


def test_an_http_avatar_on_an_https_site_is_named_in_a_warning(tmp_path, caplog):
    source, code = snapshot_with_http_avatar(tmp_path)

    with caplog.at_level(logging.WARNING):
        status = main([str(source), "--out", str(tmp_path / "site"), "--base-url", "https://schedule.example.org/",
                       "--quiet", "--cache-dir", str(tmp_path / "c")])

    assert status == 0
    assert any(code in r.getMessage() and "http://avatars.example.org/a.png" in r.getMessage()
               for r in caplog.records)


def test_with_strict_an_http_avatar_on_an_https_site_fails_the_build(tmp_path):
    source, _ = snapshot_with_http_avatar(tmp_path)

    status = main([str(source), "--out", str(tmp_path / "site"), "--base-url", "https://schedule.example.org/",
                   "--strict", "--quiet", "--cache-dir", str(tmp_path / "c")])

    assert status == 1
    assert not (tmp_path / "site").exists()


def test_a_site_on_plain_http_says_nothing(tmp_path, caplog):
    source, _ = snapshot_with_http_avatar(tmp_path)

    with caplog.at_level(logging.WARNING):
        status = main([str(source), "--out", str(tmp_path / "site"), "--base-url", "http://schedule.example.org/",
                       "--quiet", "--cache-dir", str(tmp_path / "c")])

    assert status == 0
    assert not any("avatars.example.org" in r.getMessage() for r in caplog.records)
