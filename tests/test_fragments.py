"""Shared page fragments and per-locale gettext: faster, and the same bytes as rendering every time."""

from __future__ import annotations

import gc

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import cli
from generator.render.fragments import Fragments
from generator.render.html import HtmlRenderer, gettext_callables

MACRO = jinja2.Environment(autoescape=True).from_string(
    '{% macro item(code) %}<a href="{{ link("en/talk/" ~ code ~ "/index.html") }}">{{ code }}</a>{% endmacro %}')


class Counted:
    """A macro's stand-in that counts how often it is really rendered (what the cache is there to save)."""

    name = "item"

    def __init__(self) -> None:
        self.calls = 0

    def bind(self, link):
        def item(code: str) -> str:
            self.calls += 1
            return MACRO.make_module({"link": link}).item(code)
        item.name = self.name
        return item


def render_with(fragments: Fragments, page: str, code: str, counted: Counted | None = None) -> str:
    """The macro's output for `code` on `page`, through the fragment cache."""
    link, fragment = fragments.bind(page, "en")
    macro = counted.bind(link) if counted else MACRO.make_module({"link": link}).item
    return str(fragment(macro, code))


def test_a_fragment_is_rendered_once_and_reused_on_pages_where_its_links_read_the_same():
    fragments, counted = Fragments(), Counted()
    first = render_with(fragments, "en/talk/A/index.html", "C", counted)
    again = render_with(fragments, "en/talk/B/index.html", "C", counted)
    assert first == again == '<a href="../C/index.html">C</a>'
    assert counted.calls == 1


def test_a_fragment_with_other_arguments_is_rendered_anew():
    fragments, counted = Fragments(), Counted()
    render_with(fragments, "en/talk/A/index.html", "C", counted)
    assert render_with(fragments, "en/talk/A/index.html", "D", counted) == '<a href="../D/index.html">D</a>'
    assert counted.calls == 2


def test_a_renderer_and_its_caches_die_with_the_build(tmp_path):
    # a --serve --watch session builds again and again in one process: caches kept by anything longer-lived
    # than the build (functools.lru_cache on a method holds every renderer) would keep every old site in memory
    def alive() -> set[int]:
        gc.collect()
        return {id(o) for o in gc.get_objects() if isinstance(o, (HtmlRenderer, Fragments))}

    before = alive()  # whatever earlier tests in this process still hold
    assert cli.main(["--quiet", "--out", str(tmp_path / "site")]) == 0
    assert alive() <= before


@pytest.mark.parametrize("page, expected", [
    ("en/talk/C/index.html", '<a href="index.html">C</a>'),
    ("en/room/R/index.html", '<a href="../../talk/C/index.html">C</a>'),
    ("de/talk/A/index.html", '<a href="../../../en/talk/C/index.html">C</a>'),
], ids=["links-into-own-folder", "other-page-kind", "other-locale-folder"])
def test_a_fragment_whose_links_would_read_differently_is_rendered_anew(page, expected):
    fragments = Fragments()
    render_with(fragments, "en/talk/A/index.html", "C")
    assert render_with(fragments, page, "C") == expected


PARTS = st.sampled_from(["en", "de", "talk", "day", "A", "B", "index.html"])
PATHS = st.lists(PARTS, min_size=1, max_size=4).map("/".join)
LINKS = jinja2.Environment(autoescape=True).from_string(
    '{% macro links(targets) %}{% for t in targets %}<a href="{{ link(t) }}"></a>{% endfor %}{% endmacro %}')


@given(pages=st.lists(PATHS, min_size=2, max_size=6), targets=st.lists(PATHS, max_size=4))
def test_a_reused_fragment_reads_exactly_as_one_rendered_for_the_page(pages, targets):
    fragments = Fragments()
    for page in pages:
        link, fragment = fragments.bind(page, "en")
        fresh_link, _ = Fragments().bind(page, "en")
        cached = str(fragment(LINKS.make_module({"link": link}).links, tuple(targets)))
        assert cached == str(LINKS.make_module({"link": fresh_link}).links(tuple(targets)))


@pytest.mark.parametrize("source, variables", [
    ('{{ _("Plain & simple") }}', {}),
    ('{{ _("%(n)s more", n="<b>") }}', {}),
    ('{{ ngettext("%(num)s session", "%(num)s sessions", 3) }}', {}),
    ('{{ pgettext("menu", "Open") }}', {}),
    ('{{ npgettext("menu", "%(num)s item", "%(num)s items", 1) }}', {}),
    ('{% trans n=x %}{{ n }} more{% endtrans %}', {"x": "<i>"}),
    ('{% autoescape false %}{{ _("%(v)s!", v="<b>") }}{% endautoescape %}', {}),
], ids=["gettext", "escaped-variable", "ngettext", "pgettext", "npgettext", "trans-block", "autoescape-off"])
def test_per_locale_gettext_renders_as_jinja_newstyle_gettext(source, variables):
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    template = env.from_string(source)
    assert template.render(**variables, **gettext_callables("en")) == template.render(**variables)
