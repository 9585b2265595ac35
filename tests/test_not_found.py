"""The 404 page as GitHub Pages serves it: at any missing path, at any depth, at a host's root or under a project
site's prefix, built with and without --base-url. A real server (support/pages_server.py) answers 404.html with
status 404 for every missing path; Chromium loads it there. Case: tests/fixtures/cases/not-found-depth.json."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import lxml.html
import pytest
from support.data import FIXTURES
from support.pages_server import PagesServer

from generator.cli import main

CASE = FIXTURES / "cases" / "not-found-depth.json"
DEPTHS = ["en/talk/GONE/", "x/", "a/b/c/d/"]
# how the site is published: the server's prefix, and whether the build knows the site's address
MODES = {"root, no base URL": ("/", False), "under /repo/, no base URL": ("/repo/", False),
         "under /repo/, base URL": ("/repo/", True)}
TITLE = "Page not found"


class Published(NamedTuple):
    """A built site as its server publishes it."""

    url: str  # the site's public address
    base_url_known: bool  # whether the build was given that address


@pytest.fixture(scope="module", params=MODES.values(), ids=MODES.keys())
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """The case built (with the server's address as --base-url where the mode says) and served like GitHub Pages."""
    prefix, with_base_url = request.param
    site = tmp_path_factory.mktemp("not-found") / "site"
    server = PagesServer(site, prefix).start()
    base = ["--base-url", server.url] if with_base_url else []
    assert main(["--quiet", str(CASE), "--out", str(site), *base]) == 0
    yield Published(server.url, with_base_url)
    server.stop()


def open_missing(chromium: Any, site: Published, depth: str, *, javascript: bool = True) -> tuple[Any, list[str]]:
    """A page showing what the server answers at a missing path, and the list its JavaScript errors go to."""
    context = chromium.new_context(java_script_enabled=javascript)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(site.url + depth)
    assert response.status == 404 and page.locator("h1").text_content() == TITLE
    return page, errors


def wait_until_resolved(page: Any) -> None:
    """Until the page's links are absolute: at once with a base URL; else once its script found the root."""
    page.wait_for_function("document.querySelector('main a').getAttribute('href').startsWith('http')",
                           timeout=10_000)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("depth", DEPTHS)
def test_at_any_depth_the_404_page_is_styled_runs_its_script_and_every_link_leads_to_the_site(chromium, published,
                                                                                              depth):
    page, errors = open_missing(chromium, published, depth)

    page.wait_for_function("[...document.querySelectorAll('link[rel=stylesheet]')]"
                           ".every((link) => link.sheet && link.sheet.cssRules.length > 0)", timeout=10_000)
    page.wait_for_function("!document.querySelector('li.mine').hidden", timeout=10_000)  # static/app.js ran
    wait_until_resolved(page)
    targets = page.evaluate("""[...document.querySelectorAll('a[href]:not([href^="#"])')].map((a) => a.href)
        .concat([...document.querySelectorAll('link[href], script[src]')].map((e) => e.href || e.src))
        .concat([document.body.dataset.index, new URL(document.querySelector('form.search').action).href])""")

    assert page.locator("a.skip").evaluate("(a) => getComputedStyle(a).position") == "absolute"
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).borderBottomStyle") == "solid"
    assert page.evaluate("document.querySelector('base')") is None
    assert len(targets) > 5
    assert [url for url in targets if not url.startswith(published.url)] == []
    assert [url for url in targets if status(url) != 200] == []
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("depth", DEPTHS)
def test_the_skip_link_keeps_you_on_the_404_page(chromium, published, depth):
    page, errors = open_missing(chromium, published, depth)
    wait_until_resolved(page)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")

    assert page.evaluate("location.href") == published.url + depth + "#main"  # the page's own, not Playwright's
    assert page.locator("h1").text_content() == TITLE                        # view of it, which may lag
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("depth", ["en/talk/GONE/", "x/"])  # a root known at once; one found by asking
def test_a_search_from_the_404_page_leads_to_the_session(chromium, published, depth):
    page, errors = open_missing(chromium, published, depth)
    page.wait_for_function("!document.querySelector('li.mine').hidden", timeout=10_000)  # static/app.js ran

    page.fill("#q", "Soldering")
    page.locator("#search-results a").first.wait_for(timeout=10_000)
    found = page.locator("#search-results a").evaluate_all("(links) => links.map((a) => [a.textContent, a.href])")

    assert [title for title, _ in found] == ["Soldering for beginners"]
    assert [href for _, href in found] == [published.url + "en/talk/101/index.html"]
    assert status(found[0][1]) == 200 and errors == []
    page.context.close()


@pytest.mark.parametrize("depth", DEPTHS)
def test_without_javascript_the_404_page_is_styled_and_with_a_base_url_its_links_work(chromium, published, depth):
    page, _ = open_missing(chromium, published, depth, javascript=False)

    links = page.locator("main a").evaluate_all("(links) => links.map((a) => a.href)")

    assert page.locator("a.skip").evaluate("(a) => getComputedStyle(a).position") == "absolute"  # inline styles
    assert page.locator("header.site").evaluate("(h) => getComputedStyle(h).borderBottomStyle") == "solid"
    if published.base_url_known:  # without it, only a script can know where the site's root is
        assert links and [url for url in links if status(url) != 200] == []
    page.context.close()


def test_the_404_page_itself_asked_for_by_name_keeps_its_links(chromium, published):
    page = chromium.new_context().new_page()
    response = page.goto(published.url + "404.html")

    links = page.locator("main a").evaluate_all("(links) => links.map((a) => a.href)")

    assert response.status == 200 and page.locator("h1").text_content() == TITLE
    assert links and [url for url in links if status(url) != 200] == []
    page.context.close()


def test_the_case_builds_a_404_page_with_absolute_links_only_when_the_base_url_is_known(tmp_path: Path):
    assert main(["--quiet", str(CASE), "--out", str(tmp_path / "plain")]) == 0
    assert main(["--quiet", str(CASE), "--out", str(tmp_path / "based"), "--base-url", "https://example.org/bh/"]) == 0

    plain = (tmp_path / "plain" / "404.html").read_text()
    based = (tmp_path / "based" / "404.html").read_text()
    assert 'href="en/index.html"' in plain and "data-folders" in plain
    assert 'href="https://example.org/bh/en/"' in based and "data-folders" not in based
    assert "<base" not in plain and "<base" not in based


def test_a_themes_stylesheet_cannot_close_the_404_pages_style_element(tmp_path: Path):
    static = tmp_path / "theme"
    static.mkdir()
    (static / "style.css").write_text("/* </style><script>alert(1)</script> */ body { color: red; }\n")

    assert main(["--quiet", str(CASE), "--out", str(tmp_path / "site"), "--static", str(static)]) == 0

    page = lxml.html.fromstring((tmp_path / "site" / "404.html").read_bytes())
    # (the other <style> is base.html's print footer)
    styles = [style for style in page.iter("style") if "color: red" in (style.text or "")]
    assert len(styles) == 1 and styles[0].text.rstrip().endswith("body { color: red; }")  # the whole sheet inside
    assert not [script for script in page.iter("script") if "alert" in (script.text or "")]


def test_a_stylesheet_that_is_not_utf8_is_a_clear_error_and_the_site_stays(tmp_path: Path, capsys):
    static = tmp_path / "theme"
    static.mkdir()
    (static / "style.css").write_bytes("body { font-family: 'Fa\u00e7ade'; }".encode("latin-1"))
    site = tmp_path / "site"
    assert main(["--quiet", str(CASE), "--out", str(site)]) == 0
    before = (site / "404.html").read_bytes()

    code = main(["--quiet", str(CASE), "--out", str(site), "--static", str(static)])

    assert code != 0 and "static/style.css is not UTF-8" in capsys.readouterr().err
    assert (site / "404.html").read_bytes() == before
