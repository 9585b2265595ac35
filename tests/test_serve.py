"""--serve previews the site on 127.0.0.1; --watch rebuilds it when a template or static file changes."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import pytest
import requests
from support.processes import Lines, started

from generator import cli
from generator.errors import UsageError
from generator.serve import PreviewServer, Watcher

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event, built once."""
    out = tmp_path_factory.mktemp("serve") / "site"
    assert cli.main(["--quiet", "--out", str(out)]) == 0
    return out


def test_preview_server_serves_the_site_on_localhost_and_stops(site: Path) -> None:
    server = PreviewServer(site).start()
    url = server.url

    page = requests.get(url + "en/", timeout=10)
    server.stop()

    assert url.startswith("http://127.0.0.1:")
    assert page.status_code == 200 and page.content == (site / "en" / "index.html").read_bytes()
    assert page.headers["Cache-Control"] == "no-cache"  # a reload always shows the latest build
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "en/", timeout=2)


def test_a_missing_path_answers_the_sites_404_page_with_status_404_as_github_pages_does(site: Path) -> None:
    server = PreviewServer(site).start()

    missing = requests.get(server.url + "en/talk/GONE/", timeout=10)
    server.stop()

    assert missing.status_code == 404 and missing.content == (site / "404.html").read_bytes()
    assert missing.headers["Content-Type"].startswith("text/html")


def test_a_port_in_use_is_a_clear_error(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(UsageError, match=f"cannot serve on 127.0.0.1:{port}"):
            PreviewServer(site, port)


def test_watcher_rebuilds_after_an_edit_an_addition_and_a_removal(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "404.html").write_text("one")
    rebuilds: list[float] = []
    watcher = Watcher([templates], lambda: rebuilds.append(time.monotonic()))

    unchanged = watcher.check()
    (templates / "404.html").write_text("two, longer")
    edited = watcher.check()
    (templates / "_theme_head.html").write_text("")
    added = watcher.check()
    (templates / "_theme_head.html").unlink()
    removed = watcher.check()

    assert (unchanged, edited, added, removed) == (False, True, True, True)
    assert len(rebuilds) == 3


def wait_for(condition, seconds: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Poll `condition` until it is true, or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)


def fetch(url: str) -> str | None:
    """The body at `url`, or None while nothing answers."""
    try:
        return requests.get(url, timeout=5).text
    except requests.ConnectionError:
        return None


def test_serve_watch_rebuilds_when_a_template_changes(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    with started(["--out", "site", "--templates", "templates", "--serve", "0", "--watch"], tmp_path) as process:
        output = Lines(process)
        url = output.wait_for(r"serving site at (http://127\.0\.0\.1:\d+/) \(rebuilding on changes\)").group(1)
        before = fetch(url + "404.html")
        draft = tmp_path / "404.html"  # written elsewhere, then moved in: the watcher never sees half a file
        draft.write_text('{% extends "base.html" %}{% block main %}<h1>Rebuilt by the watcher</h1>{% endblock %}\n')
        draft.replace(templates / "404.html")
        output.wait_for(r"built democon")  # the rebuild's summary
        after = fetch(url + "404.html")
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=30)

    assert before is not None and "Rebuilt by the watcher" not in before
    assert after is not None and "Rebuilt by the watcher" in after
    assert returncode == 0, output.seen
