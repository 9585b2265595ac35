"""A user's templates and static files override ours file by file; removing them brings ours back byte for byte."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from support.site import h1, tree

from generator import cli
from generator.serve import PreviewServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "theme"
OVERRIDE_CSS = b"/* the organiser's own stylesheet */\nbody { background: #fffbe6; }\n"
OVERRIDE_404 = '{% extends "base.html" %}\n{% block main %}<h1>Lost? Ask at the info desk</h1>{% endblock %}\n'
THEME_HEAD = '<link rel="stylesheet" href="{{ link(urls.static(\'theme.css\')) }}">\n'


def build(out: Path, *options: str) -> None:
    """Build the bundled demo event into `out`."""
    assert cli.main(["--quiet", "--out", str(out), *options]) == 0


@pytest.fixture(scope="module")
def default_tree(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every file of the demo site built without overrides."""
    out = tmp_path_factory.mktemp("default") / "site"
    build(out)
    return tree(out)


def make_theme(folder: Path) -> tuple[Path, Path]:
    """A theme overriding one template and one stylesheet, and adding a partial and a stylesheet."""
    templates, static = folder / "templates", folder / "static"
    templates.mkdir(parents=True)
    static.mkdir()
    (templates / "404.html").write_text(OVERRIDE_404)
    (templates / "_theme_head.html").write_text(THEME_HEAD)
    (static / "style.css").write_bytes(OVERRIDE_CSS)
    (static / "theme.css").write_bytes(b":root { --accent: #7a1f6b; }\n")
    return templates, static


def test_override_template_and_css_win_over_ours(tmp_path: Path, default_tree: dict[str, bytes]) -> None:
    templates, static = make_theme(tmp_path / "theme")

    build(tmp_path / "site", "--templates", str(templates), "--static", str(static))

    site = tmp_path / "site"
    assert (site / "static" / "style.css").read_bytes() == OVERRIDE_CSS != default_tree["static/style.css"]
    assert h1(site / "404.html") == "Lost? Ask at the info desk"
    assert '<link rel="stylesheet" href="../../../static/theme.css">' in (site / "en/talk/3SRWHJ/index.html").read_text()
    assert (site / "static" / "theme.css").is_file()


def test_removing_the_overrides_restores_our_files_byte_for_byte(tmp_path: Path,
                                                                 default_tree: dict[str, bytes]) -> None:
    templates, static = make_theme(tmp_path / "theme")
    site = tmp_path / "site"
    build(site, "--templates", str(templates), "--static", str(static))
    assert tree(site) != default_tree

    for path in [*templates.iterdir(), *static.iterdir()]:
        path.unlink()
    build(site, "--templates", str(templates), "--static", str(static))

    assert tree(site) == default_tree


def test_example_theme_copies_none_of_our_templates() -> None:
    ours = {p.relative_to(ROOT / "templates") for p in (ROOT / "templates").rglob("*") if p.is_file()}
    theirs = {p.relative_to(EXAMPLE / "templates") for p in (EXAMPLE / "templates").rglob("*") if p.is_file()}

    assert theirs == {Path("_theme_head.html")}
    assert not theirs & ours


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event built with examples/theme through its config file."""
    work = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE, work / "theme")
    build(work / "site", "--config", str(work / "theme" / "schedule-site.toml"))
    return work / "site"


def test_example_theme_adds_its_stylesheet_and_logo(example_site: Path, default_tree: dict[str, bytes]) -> None:
    assert (example_site / "static" / "theme.css").read_bytes() == (EXAMPLE / "static" / "theme.css").read_bytes()
    assert (example_site / "static" / "logo.svg").is_file()
    assert (example_site / "static" / "style.css").read_bytes() == default_tree["static/style.css"]
    assert '<link rel="stylesheet" href="../static/theme.css">' in (example_site / "en" / "index.html").read_text()


@pytest.mark.browser
def test_example_theme_changes_colours_and_shows_the_logo(chromium: Any, example_site: Path) -> None:
    server = PreviewServer(example_site).start()
    page = chromium.new_page(color_scheme="light")
    try:
        page.goto(server.url + "en/index.html")
        accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
        logo = page.evaluate("getComputedStyle(document.querySelector('header.site .event a'), '::before')"
                             ".backgroundImage")
        logo_loaded = page.evaluate("fetch(new URL('../static/logo.svg', location)).then(r => r.ok)")
    finally:
        page.close()
        server.stop()

    assert accent == "#7a1f6b"  # the theme's colour, not style.css's #0b5cad
    assert "static/logo.svg" in logo and logo_loaded


def chrome_printing(expression: str) -> str:
    """Our _chrome.html with `expression` printed at the start of the site header."""
    ours = (ROOT / "templates" / "_chrome.html").read_text()
    return ours.replace('<header class="site">', '<header class="site">{{ %s }}' % expression, 1)


def test_a_theme_chrome_that_prints_page_path_stops_the_build_naming_template_line_and_page(tmp_path, capsys):
    # the header is rendered once per locale and folder depth and reused: page_path there would show one page's
    # path on every page (all 36 session pages once read the first room's), so the contract (README, Theming)
    # makes it undefined in shared fragments
    templates = tmp_path / "theme"
    templates.mkdir()
    (templates / "_chrome.html").write_text(chrome_printing("page_path"))
    line = 1 + chrome_printing("page_path").splitlines().index(
        next(l for l in chrome_printing("page_path").splitlines() if "{{ page_path }}" in l))

    code = cli.main(["--quiet", "--out", str(tmp_path / "site"), "--templates", str(templates)])

    error = capsys.readouterr().err
    assert code == 1
    assert f"{templates / '_chrome.html'}, line {line}: 'page_path' is undefined" in error
    assert re.search(r"\(while rendering [\w/.-]+\.html\)", error)  # the page
    assert "not page_path" in error  # the hint says what the fragment may use instead
    assert "internal error" not in error
    assert not (tmp_path / "site").exists()


def test_a_theme_chrome_using_only_what_fragments_may_read_renders_on_every_page(tmp_path):
    templates = tmp_path / "theme"
    templates.mkdir()
    (templates / "_chrome.html").write_text(chrome_printing("'<!--' ~ locale ~ ':' ~ link(urls.home(locale)) ~ '-->'"))

    build(tmp_path / "site", "--templates", str(templates))

    for page, home in (("en/talk/3SRWHJ/index.html", "../../index.html"), ("de/index.html", "index.html"),
                       ("en/speakers/index.html", "../index.html")):
        locale = page[:2]
        assert f"&lt;!--{locale}:{home}--&gt;" in (tmp_path / "site" / page).read_text()


@pytest.mark.parametrize("template, source, expected", [
    ("talk.html", '{% extends "base.html" %}\n{% block main %}\n<h1>{{ sesion.title }}</h1>\n{% endblock %}\n',
     "talk.html, line 3: 'sesion' is undefined (while rendering en/talk/"),
    ("speaker.html", '{% extends "base.html" %}\n{% block main %}{% if %}{% endblock %}\n',
     "speaker.html, line 2: "),
    ("room.html", '{% extends "base.html" %}\n{% block main %}{{ fmt.tme(entries[0].slot.start) }}{% endblock %}\n',
     "room.html, line 2: "),
], ids=["misspelt-name", "syntax-error", "misspelt-method"])
def test_a_theme_template_error_exits_1_naming_the_template_line_and_page(tmp_path, capsys, template, source,
                                                                          expected):
    templates = tmp_path / "theme"
    templates.mkdir()
    (templates / template).write_text(source)

    code = cli.main(["--quiet", "--out", str(tmp_path / "site"), "--templates", str(templates)])

    error = capsys.readouterr().err
    assert code == 1, error
    assert f"{templates}/{expected}" in error
    assert f"while rendering en/{template.removesuffix('.html')}/" in error
    assert "internal error" not in error
    assert not (tmp_path / "site").exists()
