"""--offline: a service worker saves the visitor's language of the site (shell and home page at the first visit,
pages as they are visited, the rest in the background), so the schedule works without network."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import skip_or_fail
from support.data import PROJECT, fixture_bytes
from support.site import h1, tree

from generator import cli

TALK = "3SRWHJ"  # a session of the bundled demo event
TALK_TITLE = "Triple-buffered multi-tasking Internet solution"
SPEAKER = "33BH8B"
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
FIRST_VISIT_BUDGET = 3_000_000  # bytes (issue 15: the first visit to the 39C3 site downloaded 25.8 MB)


def build(out: Path, *options: str) -> None:
    """Build the bundled demo event into `out`."""
    assert cli.main(["--quiet", "--out", str(out), *options]) == 0


def worker(site: Path) -> tuple[str, dict[str, Any]]:
    """The build hash and the site description written into a site's sw.js."""
    text = (site / "sw.js").read_text(encoding="utf-8")
    build_hash = re.search(r'const BUILD = "([0-9a-f]+)";', text)
    described = re.search(r"const SITE = (\{.*?\});\n", text, re.S)
    assert build_hash and described, "sw.js lacks its filled-in BUILD or SITE"
    return build_hash.group(1), json.loads(described.group(1))


def manifest(site: Path, locale: str) -> list[str]:
    """The files a locale's manifest lists, in its order (after checking each digest against the file)."""
    files = json.loads((site / locale / "offline.json").read_bytes())["files"]
    for path, digest in files:
        assert hashlib.sha256((site / path).read_bytes()).hexdigest().startswith(digest), path
    return [path for path, _ in files]


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


def test_shell_is_the_static_files_and_a_locale_manifest_lists_its_pages_calendars_and_search(
        offline_site: Path) -> None:
    _, site = worker(offline_site)
    en = manifest(offline_site, "en")

    static = sorted(p.relative_to(offline_site).as_posix() for p in (offline_site / "static").rglob("*"))
    assert [path for path, _ in site["shell"]] == static
    assert site["locales"]["en"]["start"] == ["en/index.html", "en/offline.html"] == en[:2]
    own = {p.relative_to(offline_site).as_posix() for p in (offline_site / "en").rglob("*")
           if p.suffix in {".html", ".ics", ".js"}}  # pages, calendars, the search index and its shards
    # and the root's pages (in the default locale, English here); not the frab and JSON feeds (for apps)
    assert site["default"] == "en" and set(en) == own | {"index.html", "404.html"}
    assert "en/search.js" in en and "en/schedule.ics" in en
    assert len(en) == len(set(en)) and not [path for path in en if path.endswith((".json", ".xml"))]
    html = [path for path in en if path.endswith(".html")]
    assert en[:len(html)] == html  # pages before feeds
    assert "sw.js" not in en and not [path for path in manifest(offline_site, "de") if path.startswith("en/")]


def test_the_offline_pages_pass_the_nu_checker(offline_site: Path) -> None:
    from test_html_valid import vnu_errors

    assert vnu_errors([offline_site / "en" / "offline.html", offline_site / "de" / "offline.html"]) == []


def test_every_page_registers_the_worker_relative_to_itself(offline_site: Path) -> None:
    talk_page = (offline_site / "en" / "talk" / TALK / "index.html").read_text()
    root_page = (offline_site / "index.html").read_text()

    assert '<script src="../../../static/sw-register.js" data-sw="../../../sw.js" defer></script>' in talk_page
    assert '<script src="static/sw-register.js" data-sw="sw.js" defer></script>' in root_page


def test_default_build_has_no_worker(plain_site: Path, offline_site: Path) -> None:
    assert not (plain_site / "sw.js").exists()
    assert not list(plain_site.rglob("sw*.js")) and not list(plain_site.rglob("offline.*"))
    assert not any("sw-register" in p.read_text() for p in plain_site.rglob("*.html"))
    # apart from the worker's files, the offline pages and the script tag, the offline build is the same site
    own = {"sw.js", "static/sw-register.js", ".pretalx-static-manifest.json",
           *(f"{locale}/offline.{suffix}" for locale in ("en", "de") for suffix in ("html", "json"))}
    stripped = {path: re.sub(rb'<script src="[./]*static/sw-register\.js" data-sw="[./]*sw\.js" defer></script>\n',
                             b"", content)
                for path, content in tree(offline_site).items() if path not in own}
    assert stripped == {k: v for k, v in tree(plain_site).items() if k != ".pretalx-static-manifest.json"}


def test_same_input_gives_the_same_worker_and_a_change_gives_a_new_build_hash(offline_site: Path,
                                                                               tmp_path: Path) -> None:
    again, renamed = tmp_path / "again", tmp_path / "renamed"
    build(again, "--offline")
    (tmp_path / "schedule-site.toml").write_text('title = "Renamed Con"\n')
    build(renamed, "--offline", "--config", str(tmp_path / "schedule-site.toml"))

    assert (again / "sw.js").read_bytes() == (offline_site / "sw.js").read_bytes()
    assert (again / "en" / "offline.json").read_bytes() == (offline_site / "en" / "offline.json").read_bytes()
    assert worker(renamed)[0] != worker(offline_site)[0]


def test_a_theme_worker_without_the_placeholders_stops_the_build_and_leaves_the_site(
        offline_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    shutil.copytree(offline_site, site)
    before = tree(site)
    theme = tmp_path / "theme"
    theme.mkdir()  # a worker written for the previous --offline, which took one list of every file
    (theme / "sw.js").write_text('const BUILD = "__PRETALX_STATIC_BUILD__";\nconst FILES = [/* __PRETALX_STATIC_FILES__ */];\n')
    (tmp_path / "schedule-site.toml").write_text(f'static = ["{theme.as_posix()}"]\n')

    code = cli.main(["--quiet", "--offline", "--out", str(site), "--config", str(tmp_path / "schedule-site.toml")])

    assert code != 0
    error = capsys.readouterr().err
    assert "sw.js lacks the placeholders" in error and "__PRETALX_STATIC_SITE__" in error
    assert tree(site) == before


# ---- in Chromium ----------------------------------------------------------------------------------

class SiteServer:
    """A site served on 127.0.0.1 by a real HTTP server that notes every answer (path, status, body bytes) and
    can hold back the locales' manifests (`hold`), where the worker's background work begins."""

    def __init__(self, directory: Path) -> None:
        self.answers: list[tuple[str, int, int]] = []
        self.released = threading.Event()
        self.released.set()
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                self.status, self.length = 0, 0
                super().__init__(*args, directory=str(directory), **kwargs)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.endswith("/offline.json"):
                    server.released.wait(60)
                super().do_GET()

            def send_response(self, code: int, message: str | None = None) -> None:
                self.status = code
                super().send_response(code, message)

            def send_header(self, keyword: str, value: str) -> None:
                if keyword.lower() == "content-length":
                    self.length = int(value)
                super().send_header(keyword, value)

            def end_headers(self) -> None:
                self.send_header("Cache-Control", "no-cache")
                super().end_headers()
                server.answers.append((self.path.lstrip("/"), self.status, self.length))

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"
        self.running = True

    def hold(self) -> None:
        """Keep the manifests' requests waiting until `release`."""
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def downloaded(self) -> list[tuple[str, int]]:
        """(path, bytes) of every answer with a body (200) so far."""
        return [(path, length) for path, status, length in list(self.answers) if status == 200]

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.released.set()
            self._httpd.shutdown()
            self._httpd.server_close()


@pytest.fixture
def served(offline_site: Path, tmp_path: Path) -> Iterator[tuple[Path, SiteServer]]:
    """A copy of the demo's offline site served on 127.0.0.1 (a copy: tests rebuild and stop it)."""
    site = tmp_path / "site"
    shutil.copytree(offline_site, site)
    server = SiteServer(site)
    try:
        yield site, server
    finally:
        server.stop()


CACHED = """async () => {
  const kept = {};
  for (const name of await caches.keys()) {
    kept[name] = (await (await caches.open(name)).keys()).map((request) => request.url);
  }
  return kept;
}"""


def cached(page: Any, server: SiteServer) -> dict[str, set[str]]:
    """Each cache of the site's origin → the paths it holds."""
    return {name: {url.removeprefix(server.url) for url in urls} for name, urls in page.evaluate(CACHED).items()}


def visit_until_controlled(page: Any, url: str) -> None:
    """Open `url` online and wait until the worker has installed and controls the page."""
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)


def wait_for(page: Any, condition: Any, what: str, seconds: float = 60.0) -> None:
    """Poll `condition()` (between page pauses: the worker works meanwhile) until it holds."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + seconds
    while True:
        try:
            if condition():
                return
        except Error:
            pass  # the page reloaded itself meanwhile: a new worker took over
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        page.wait_for_timeout(200)


def wait_until_saved(page: Any, server: SiteServer, site: Path, locale: str, build_hash: str) -> set[str]:
    """Wait until the cache of `build_hash` holds every file of `locale`'s manifest; its paths."""
    wanted = set(manifest(site, locale))
    name = f"pretalx-static-{build_hash}"
    kept: set[str] = set()

    def saved() -> bool:
        now = cached(page, server).get(name, set())  # one look: the page may reload itself between two
        kept.clear()
        kept.update(now)
        return wanted <= kept

    wait_for(page, saved, f"{locale} saved in {name}")
    return kept


@pytest.mark.browser
def test_visited_talk_page_loads_with_the_network_off_and_the_rest_of_its_language_and_ics_once_saved(
        chromium: Any, served: tuple[Path, SiteServer]) -> None:
    site, server = served
    context = chromium.new_context()
    page = context.new_page()
    talk_url = f"{server.url}en/talk/{TALK}/"
    visit_until_controlled(page, talk_url)
    wait_until_saved(page, server, site, "en", worker(site)[0])

    context.set_offline(True)
    server.stop()  # and the server is really gone
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    reloaded = page.goto(talk_url)
    unvisited = context.new_page()
    speaker = unvisited.goto(f"{server.url}en/speaker/{SPEAKER}/index.html")
    calendar = page.evaluate("url => fetch(url).then(async r => [r.status, await r.text()])",
                             f"{server.url}en/talk/{TALK}/talk.ics")  # saved in the background, never visited

    assert reloaded is not None and reloaded.ok and reloaded.from_service_worker
    assert page.locator("h1").inner_text() == TALK_TITLE
    assert speaker is not None and speaker.ok and speaker.from_service_worker
    assert unvisited.locator("h1").inner_text() == h1(site / "en" / "speaker" / SPEAKER / "index.html")
    loaded = {response.url.removeprefix(server.url) for response in responses
              if response.ok and response.from_service_worker}
    assert {f"en/talk/{TALK}/", "static/style.css"} <= loaded  # the page and what it loads, from the cache
    assert calendar == [200, (site / "en" / "talk" / TALK / "talk.ics").read_bytes().decode("utf-8")]
    context.close()


@pytest.mark.browser
def test_with_the_data_saver_on_only_visited_pages_are_saved(chromium: Any, served: tuple[Path, SiteServer]) -> None:
    site, server = served
    context = chromium.new_context()
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
    visit_until_controlled(page, f"{server.url}en/index.html")
    page.goto(f"{server.url}en/talk/{TALK}/")
    page.wait_for_timeout(3000)  # time enough to save the demo's 162 English files, as the tests above show

    kept = cached(page, server)
    shell = {path for path, _ in worker(site)[1]["shell"]}
    assert page.evaluate("navigator.connection.saveData") is True
    assert kept == {f"pretalx-static-{worker(site)[0]}": {*shell, "en/index.html", "en/offline.html",
                                                           f"en/talk/{TALK}/index.html"}}
    context.close()


@pytest.mark.browser
def test_opening_another_language_saves_that_language_too(chromium: Any, served: tuple[Path, SiteServer]) -> None:
    site, server = served
    context = chromium.new_context()
    page = context.new_page()
    visit_until_controlled(page, f"{server.url}en/index.html")
    build_hash = worker(site)[0]
    wait_until_saved(page, server, site, "en", build_hash)

    page.goto(f"{server.url}de/index.html")
    kept = wait_until_saved(page, server, site, "de", build_hash)
    context.set_offline(True)
    german = page.goto(f"{server.url}de/speaker/{SPEAKER}")  # no slash: the folder's page all the same

    assert set(manifest(site, "en")) | set(manifest(site, "de")) <= kept
    assert german is not None and german.ok and german.from_service_worker
    assert page.url == f"{server.url}de/speaker/{SPEAKER}/"  # its relative links count from the folder
    assert page.locator("h1").inner_text() == h1(site / "de" / "speaker" / SPEAKER / "index.html")
    context.close()


@pytest.mark.browser
def test_an_offline_miss_shows_the_offline_page_of_the_locale_in_its_url_with_status_404(
        chromium: Any, served: tuple[Path, SiteServer]) -> None:
    if not AXE.is_file():
        skip_or_fail(f"axe-core is missing at {AXE} (run npm ci; .ci/run does it)")
    site, server = served
    server.hold()  # nothing beyond the first visit's files: the pages asked for below are not saved
    context = chromium.new_context()
    page = context.new_page()
    visit_until_controlled(page, f"{server.url}en/index.html")
    page.goto(f"{server.url}de/index.html")  # switching language saves that language's start pages
    wait_for(page, lambda: any("de/offline.html" in paths for paths in cached(page, server).values()),
             "the German offline page saved")
    context.set_offline(True)

    answers = {}
    for locale in ("en", "de"):
        missing = context.new_page()
        answer = missing.goto(f"{server.url}{locale}/talk/{TALK}/")
        links = missing.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
        missing.add_script_tag(path=str(AXE))
        violations = missing.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})"
                                      ".then(result => result.violations.map(v => v.id))")
        answers[locale] = (answer, missing.locator("h1").inner_text(), missing.evaluate("document.documentElement.lang"),
                           missing.evaluate("getComputedStyle(document.body).margin"),
                           missing.evaluate("document.querySelector('a[href$=\"#main\"]')?.href ?? ''"), links,
                           violations)
        if locale == "de":
            missing.click("main a[href$='index.html'] >> nth=0")  # a link of the offline page: a saved page
            home = missing.locator("h1").inner_text()

    for locale, (answer, heading, lang, margin, skip, links, violations) in answers.items():
        assert answer is not None and answer.status == 404 and answer.from_service_worker
        assert heading == h1(site / locale / "offline.html") and lang == locale
        assert margin != "8px"  # our stylesheet applies (8px is the browser's own margin)
        assert skip == f"{server.url}{locale}/talk/{TALK}/#main"  # the skip link stays on the page
        assert violations == []  # axe-core, WCAG 2.2 AA
        assert links and all((site / link.removeprefix(server.url)).resolve().is_relative_to(site) and
                             (site / link.removeprefix(server.url).rstrip("/")).exists() for link in links)
    assert answers["en"][1] != answers["de"][1]
    assert home == h1(site / "de" / "index.html")
    context.close()


@pytest.mark.browser
def test_a_new_build_replaces_the_offline_copy(chromium: Any, served: tuple[Path, SiteServer],
                                               tmp_path: Path) -> None:
    site, server = served
    context = chromium.new_context()
    page = context.new_page()
    visit_until_controlled(page, f"{server.url}en/index.html")
    old_hash = worker(site)[0]
    wait_until_saved(page, server, site, "en", old_hash)
    (tmp_path / "schedule-site.toml").write_text('title = "Renamed Con"\n')
    build(site, "--offline", "--config", str(tmp_path / "schedule-site.toml"))
    new_hash = worker(site)[0]

    page.reload()
    wait_for(page, lambda: list(cached(page, server)) == [f"pretalx-static-{new_hash}"], "the old cache dropped")
    wait_until_saved(page, server, site, "en", new_hash)
    context.set_offline(True)
    server.stop()
    offline_page = context.new_page()
    offline_page.goto(f"{server.url}en/talk/{TALK}/")

    assert new_hash != old_hash
    assert offline_page.title().endswith("Renamed Con")
    context.close()


@pytest.mark.browser
def test_a_new_build_downloads_only_the_files_that_changed(chromium: Any, served: tuple[Path, SiteServer],
                                                           tmp_path: Path) -> None:
    site, server = served
    context = chromium.new_context()
    page = context.new_page()
    visit_until_controlled(page, f"{server.url}en/index.html")
    wait_until_saved(page, server, site, "en", worker(site)[0])
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "style.css").write_bytes((site / "static" / "style.css").read_bytes() + b"\n/* a new build */\n")
    (tmp_path / "schedule-site.toml").write_text(f'static = ["{theme.as_posix()}"]\n')
    build(site, "--offline", "--config", str(tmp_path / "schedule-site.toml"))
    new_hash = worker(site)[0]
    before = len(server.answers)

    page.reload()
    kept = wait_until_saved(page, server, site, "en", new_hash)
    wait_for(page, lambda: list(cached(page, server)) == [f"pretalx-static-{new_hash}"], "the old cache dropped")

    downloaded = {path for path, status, _ in server.answers[before:] if status == 200}
    assert "static/style.css" in downloaded and "sw.js" in downloaded
    # the reloaded page itself aside, no page or feed of the locale came again: they were copied from the old cache
    # (404.html carries a copy of the stylesheet, to be styled at any address: it changed with it)
    assert not {path for path in downloaded if path.endswith((".html", ".ics"))} - {"en/index.html", "404.html"}
    assert set(manifest(site, "en")) <= kept
    context.close()


# ---- 39C3, in Chromium ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def congress_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 39C3 schedule (880 sessions, English and German) built once with --offline."""
    directory = tmp_path_factory.mktemp("39c3")
    source = directory / "everything.schedule.json"
    source.write_bytes(fixture_bytes("ccc-39c3/everything.schedule.json.gz"))
    out = directory / "site"
    assert cli.main(["--quiet", "--offline", "--out", str(out), str(source)]) == 0
    return out


@pytest.mark.browser
def test_first_visit_to_39c3_downloads_the_shell_and_one_language_under_3_mb_then_more_of_it_in_the_background(
        chromium: Any, congress_site: Path) -> None:
    server = SiteServer(congress_site)
    server.hold()  # the background work waits at the manifest: what came until then is the first visit
    try:
        context = chromium.new_context()
        page = context.new_page()
        visit_until_controlled(page, f"{server.url}en/index.html")
        first_visit = server.downloaded()
        build_hash, described = worker(congress_site)
        at_install = cached(page, server)
        server.release()
        # the whole locale takes ~35 s on this machine (3,326 files, two at a time): a few hundred show the way
        cache = f"pretalx-static-{build_hash}"
        wait_for(page, lambda: len(cached(page, server)[cache]) > 300, "300 files saved in the background")
        later = cached(page, server)[cache]
    finally:
        server.stop()

    first_bytes = sum(length for _, length in first_visit)
    everything = sum(p.stat().st_size for p in congress_site.rglob("*") if p.is_file())
    print(f"39C3 first visit: {len(first_visit)} files, {first_bytes} bytes (the whole site: {everything} bytes):",
          sorted(first_visit))
    assert first_bytes <= FIRST_VISIT_BUDGET
    assert at_install == {cache: {*(p for p, _ in described["shell"]), "en/index.html", "en/offline.html"}}
    assert not [path for path in later if path.startswith("de/")]  # one language, the visitor's
    assert later <= {*manifest(congress_site, "en"), "en/offline.json", "en/offline.json?complete",
                     *at_install[cache]}
