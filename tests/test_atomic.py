"""A build that fails while fetching or rendering leaves the previous site byte-identical; one killed while
writing leaves every file either old or new, and the next build cleans up after it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.data import DEMO_SNAPSHOT, PROJECT
from support.server import Reply
from support.site import tree

from generator.config import DEFAULT_TEMPLATES, Settings
from generator.errors import FetchError, ThemeError
from generator.pipeline import build
from generator.writer import MANIFEST, TEMP_SUFFIX


@pytest.fixture
def previous_site(tmp_path) -> Path:
    """The demo event, built once into `tmp_path/site`."""
    out = tmp_path / "site"
    build(Settings(source=str(DEMO_SNAPSHOT), out=out, cache_dir=tmp_path / "cache"))
    return out


def test_a_server_answering_500_after_retries_leaves_the_previous_site_untouched(previous_site, api_server, tmp_path):
    api_server.route("/api/*", Reply.json({"detail": "Internal error"}, 500))
    api_server.route("/api/events/democon/*", Reply.json({"detail": "Internal error"}, 500))
    before = tree(previous_site)

    with pytest.raises(FetchError) as caught:
        build(Settings(source=f"{api_server.url}/democon/", out=previous_site, retries=1, timeout=5,
                       cache_dir=tmp_path / "cache"))

    assert caught.value.status == 500 and api_server.url in str(caught.value)
    assert len(api_server.requests) == 2  # the first try and one retry
    assert tree(previous_site) == before


def test_a_refused_connection_leaves_the_previous_site_untouched(previous_site, tmp_path):
    before = tree(previous_site)

    with pytest.raises(FetchError, match="could not connect"):
        build(Settings(source="http://127.0.0.1:9/democon/", out=previous_site, retries=0, timeout=5,
                       cache_dir=tmp_path / "cache"))

    assert tree(previous_site) == before


def test_a_template_error_leaves_the_previous_site_untouched(previous_site, tmp_path):
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "talk.html").write_text('{% extends "base.html" %}{% block main %}{{ no_such_thing.title }}{% endblock %}')
    before = tree(previous_site)

    with pytest.raises(ThemeError) as raised:
        build(Settings(source=str(DEMO_SNAPSHOT), out=previous_site, templates_dirs=(broken,),
                       cache_dir=tmp_path / "cache"))

    assert f"template {broken / 'talk.html'}, line 1: 'no_such_thing' is undefined" in str(raised.value)

    assert tree(previous_site) == before


def cli(out: Path, templates: Path | None) -> list[str]:
    """The command that builds the demo into `out` (with a template override for the second version)."""
    return [sys.executable, str(PROJECT / "build.py"), str(DEMO_SNAPSHOT), "--out", str(out), "--quiet",
            *(["--templates", str(templates)] if templates else [])]


def test_a_build_killed_while_writing_leaves_every_file_old_or_new_and_the_next_build_cleans_up(tmp_path):
    variant = tmp_path / "variant"  # the same site with every HTML page one comment longer
    variant.mkdir()
    base = (DEFAULT_TEMPLATES / "base.html").read_text(encoding="utf-8")
    (variant / "base.html").write_text(base + "<!-- second version -->\n", encoding="utf-8")
    versions = {}
    for name, templates in (("old", None), ("new", variant)):
        subprocess.run(cli(tmp_path / name, templates), check=True, cwd=tmp_path)
        versions[name] = tree(tmp_path / name)
    allowed = {path: {versions["old"].get(path), versions["new"].get(path)}
               for path in versions["new"] if path != MANIFEST}
    out = tmp_path / "site"
    shutil.copytree(tmp_path / "old", out)
    rng = random.Random(6)
    mixed = 0

    attempts = 0
    # alternately towards the new and the old version, killed at a random moment of writing, until two kills have
    # landed while files were being replaced (the case this test is about: a mix of old and new files, each whole)
    for attempts, attempt in enumerate(range(40), start=1):
        manifest = (out / MANIFEST).read_bytes()
        process = subprocess.Popen(cli(out, variant if attempt % 2 == 0 else None), cwd=tmp_path)
        while process.poll() is None and (out / MANIFEST).read_bytes() == manifest:
            time.sleep(0.001)  # the manifest changes just before the first file is replaced
        time.sleep(rng.uniform(0, 0.05))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

        files = {path: data for path, data in tree(out).items() if path != MANIFEST and not path.endswith(TEMP_SUFFIX)}
        assert files.keys() == allowed.keys(), files.keys() ^ allowed.keys()
        assert all(data in allowed[path] for path, data in files.items()), "a file is neither old nor new"
        kinds = {data == versions["new"][path] for path, data in files.items() if len(allowed[path]) == 2}
        mixed += kinds == {True, False}
        if mixed >= 2:
            break

    subprocess.run(cli(out, variant), check=True, cwd=tmp_path)
    assert tree(out) == versions["new"]  # no temp file left behind, every file the new version
    assert mixed >= 2, f"only {mixed} of {attempts} kills landed while files were replaced"
