"""--offline: a service worker precaches the whole site, so a visited schedule loads without network."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.site import h1, tree

from generator import cli
from generator.serve import PreviewServer

TALK = "3SRWHJ"  # a session of the bundled demo event
TALK_TITLE = "Triple-buffered multi-tasking Internet solution"
SPEAKER = "33BH8B"


def build(out: Path, *options: str) -> None:
    """Build the bundled demo event into `out`."""
    assert cli.main(["--quiet", "--out", str(out), *options]) == 0


def worker(site: Path) -> tuple[str, list[str]]:
    """The build hash and the precached files written into a site's sw.js."""
    text = (site / "sw.js").read_text(encoding="utf-8")
    build_hash = re.search(r'const BUILD = "([0-9a-f]+)";', text)
    files = re.search(r"const FILES = (\[.*?\]);", text, re.S)
    assert build_hash and files, "sw.js lacks its filled-in BUILD or FILES"
    return build_hash.group(1), json.loads(files.group(1))


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event built once with --offline."""
    out = tmp_path_factory.mktemp("offline") / "site"
    build(out, "--offline")
    return out


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event built once without options."""
    out = tmp_path_factory.mktemp("plain") / "site"
    build(out)
    return out


def test_worker_sits_at_the_root_and_precaches_every_page_and_asset(offline_site: Path) -> None:
    _, files = worker(offline_site)

    pages = {p.relative_to(offline_site).as_posix() for p in offline_site.rglob("*.html")}
    assets = {p.relative_to(offline_site).as_posix() for p in (offline_site / "static").rglob("*") if p.is_file()}
    assert pages | assets <= set(files)
    assert "sw.js" not in files and files == sorted(files)
    assert not [f for f in files if f.endswith((".ics", ".json", ".xml"))]  # feeds are for calendar apps


def test_every_page_registers_the_worker_relative_to_itself(offline_site: Path) -> None:
    talk_page = (offline_site / "en" / "talk" / TALK / "index.html").read_text()
    root_page = (offline_site / "index.html").read_text()

    assert '<script src="../../../static/sw-register.js" data-sw="../../../sw.js" defer></script>' in talk_page
    assert '<script src="static/sw-register.js" data-sw="sw.js" defer></script>' in root_page


def test_default_build_has_no_worker(plain_site: Path, offline_site: Path) -> None:
    assert not (plain_site / "sw.js").exists()
    assert not list(plain_site.rglob("sw*.js"))
    assert not any("sw-register" in p.read_text() for p in plain_site.rglob("*.html"))
    # apart from the worker's files and the script tag, the offline build is the same site
    stripped = {path: re.sub(rb'<script src="[./]*static/sw-register\.js" data-sw="[./]*sw\.js" defer></script>\n',
                             b"", content)
                for path, content in tree(offline_site).items()
                if path not in {"sw.js", "static/sw-register.js", ".pretalx-static-manifest.json"}}
    assert stripped == {k: v for k, v in tree(plain_site).items() if k != ".pretalx-static-manifest.json"}


def test_same_input_gives_the_same_worker_and_a_change_gives_a_new_build_hash(offline_site: Path,
                                                                               tmp_path: Path) -> None:
    again, renamed = tmp_path / "again", tmp_path / "renamed"
    build(again, "--offline")
    (tmp_path / "schedule-site.toml").write_text('title = "Renamed Con"\n')
    build(renamed, "--offline", "--config", str(tmp_path / "schedule-site.toml"))

    assert (again / "sw.js").read_bytes() == (offline_site / "sw.js").read_bytes()
    assert worker(renamed)[0] != worker(offline_site)[0]


# ---- in Chromium ----------------------------------------------------------------------------------

@pytest.fixture
def served(offline_site: Path, tmp_path: Path) -> Iterator[tuple[Path, PreviewServer]]:
    """A copy of the offline site served on 127.0.0.1 (a copy: tests rebuild and stop it)."""
    site = tmp_path / "site"
    shutil.copytree(offline_site, site)
    server = PreviewServer(site).start()
    try:
        yield site, server
    finally:
        try:
            server.stop()
        except OSError:
            pass


def visit_until_controlled(page: Any, url: str) -> None:
    """Open `url` online and wait until the worker has precached the site and controls the page."""
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)


def wait_for_caches(page: Any, expected: list[str], seconds: float = 20.0) -> None:
    """Wait until the page's origin holds exactly these caches (the new worker installed, the old one gone)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + seconds
    names = None
    while names != expected:
        assert time.monotonic() < deadline, f"caches are {names}, expected {expected}"
        page.wait_for_timeout(200)
        try:
            names = page.evaluate("caches.keys()")  # evaluate awaits the promise; wait_for_function would not
        except Error:
            names = None  # the page reloaded itself meanwhile: the new worker took over


@pytest.mark.browser
def test_visited_talk_page_loads_with_the_network_off(chromium: Any, served: tuple[Path, PreviewServer]) -> None:
    _, server = served
    context = chromium.new_context()
    page = context.new_page()
    talk_url = f"{server.url}en/talk/{TALK}/"
    visit_until_controlled(page, talk_url)

    context.set_offline(True)
    server.stop()  # and the server is really gone
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    reloaded = page.goto(talk_url)
    unvisited = context.new_page()
    speaker = unvisited.goto(f"{server.url}en/speaker/{SPEAKER}/index.html")

    assert reloaded is not None and reloaded.ok and reloaded.from_service_worker
    assert page.locator("h1").inner_text() == TALK_TITLE
    assert speaker is not None and speaker.ok and speaker.from_service_worker
    assert unvisited.locator("h1").inner_text() == h1(served[0] / "en" / "speaker" / SPEAKER / "index.html")
    loaded = {response.url.removeprefix(server.url) for response in responses
              if response.ok and response.from_service_worker}
    assert {f"en/talk/{TALK}/", "static/style.css"} <= loaded  # the page and what it loads, from the cache
    context.close()


@pytest.mark.browser
def test_a_new_build_replaces_the_offline_copy(chromium: Any, served: tuple[Path, PreviewServer],
                                               tmp_path: Path) -> None:
    site, server = served
    context = chromium.new_context()
    page = context.new_page()
    visit_until_controlled(page, f"{server.url}en/index.html")
    old_hash = worker(site)[0]
    (tmp_path / "schedule-site.toml").write_text('title = "Renamed Con"\n')
    build(site, "--offline", "--config", str(tmp_path / "schedule-site.toml"))
    new_hash = worker(site)[0]

    page.reload()
    wait_for_caches(page, [f"pretalx-static-{new_hash}"])
    context.set_offline(True)
    server.stop()
    offline_page = context.new_page()
    offline_page.goto(f"{server.url}en/talk/{TALK}/")

    assert new_hash != old_hash
    assert offline_page.title().endswith("Renamed Con")
    context.close()
