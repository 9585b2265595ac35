"""Speaker Markdown: plain text takes a fast path that must give exactly what the Markdown parser gives."""

from __future__ import annotations

import html

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nh3

from generator.render import markup
from generator.render.markup import PLAIN, plain_blocks, plain_text, render_markdown

# letters of several scripts, digits, spaces and the punctuation the fast path accepts, plus characters it must refuse
PLAIN_CHARACTERS = list("aZéßжλ中 09.,;:?!'\"()/‘’‚“”„–—…«»‹›€£$%@°·§-\n")
PLAIN_LINES = st.text(st.sampled_from(PLAIN_CHARACTERS[:-1]), max_size=30).map(str.strip).filter(
    lambda line: line == "" or line[0].isalpha())
# paragraphs, "- " list items and blank lines in any order: lists touching paragraphs or each other included
# with Unix, Windows or old Mac line ends: Markdown reads all three as one
BLOCKY_TEXT = st.tuples(
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.lists(st.one_of(PLAIN_LINES, PLAIN_LINES.map(lambda line: f"- {line}".rstrip()), st.just("")), max_size=10),
).map(lambda ends_lines: ends_lines[0].join(ends_lines[1]))
ALPHABET = st.sampled_from(PLAIN_CHARACTERS + list("*_`[]<>&#\\|~=+\t\r >\u00a0"))


def parsed(text: str, extensions: tuple[str, ...]) -> str:
    """What python-markdown itself makes of `text` (no fast path)."""
    return markdown.Markdown(extensions=list(extensions), output_format="html").convert(text)


def fast_or_parsed(text: str, extensions: tuple[str, ...]) -> str:
    """What the renderer makes of `text`: the fast path when it applies."""
    from generator.render.markup import _to_html
    _to_html.cache_clear()
    return _to_html(text, extensions)


@settings(max_examples=600, deadline=None)
@given(st.text(ALPHABET, max_size=80))
def test_any_text_renders_as_the_markdown_parser_renders_it(text):
    for extensions in (("sane_lists",), ()):
        assert fast_or_parsed(text, extensions) == parsed(text, extensions)


@settings(max_examples=600, deadline=None)
@given(st.lists(PLAIN_LINES, max_size=6).map("\n".join))
def test_plain_text_takes_the_fast_path_and_renders_as_the_parser_does(text):
    assert PLAIN.fullmatch(text)
    assert plain_blocks(text) is not None
    assert fast_or_parsed(text, ("sane_lists",)) == parsed(text, ("sane_lists",))


@settings(max_examples=1000, deadline=None)
@given(BLOCKY_TEXT)
def test_paragraphs_and_lists_render_as_the_parser_renders_them(text):
    for extensions in (("sane_lists",), ()):
        assert fast_or_parsed(text, extensions) == parsed(text, extensions)


@settings(max_examples=1000, deadline=None)
@given(BLOCKY_TEXT | st.text(ALPHABET, max_size=80))
def test_the_fast_path_needs_no_sanitiser_and_its_plain_text_is_what_the_sanitiser_leaves(text):
    """Fast-path HTML skips nh3: it must be exactly what nh3 would leave of it, in HTML and in plain text."""
    fast = markup._plain_html(text)
    if fast is None:
        return
    render_markdown.cache_clear()
    assert render_markdown(text) == nh3.clean(fast, tags=markup.ALLOWED_TAGS, attributes=markup.ALLOWED_ATTRIBUTES,
                                              url_schemes=markup.URL_SCHEMES, strip_comments=True,
                                              link_rel="noopener noreferrer nofollow")
    assert plain_text(text) == html.unescape(nh3.clean(fast, tags=set())).strip()


@pytest.mark.parametrize("text", [
    "One paragraph.",
    "Line one\nline two",
    "First paragraph.\n\nSecond (with brackets), quotes \"x\" and 'y'; a/b: done!",
    "\n\nLeading and trailing blank lines\n\n\n",
    "Grüße aus Köln – nein: en dash is not plain",
    "Zahlen 2026 und 10:30",
    "Intro.\n\n- one\n- two\n",
    "- one\n- two\n\nAfter the list.",
    "- loose\n\n- list",
    "Para\n- not a list",
], ids=["one", "two-lines", "punctuation", "blank-lines", "unicode-dash", "digits", "list-after-paragraph",
        "paragraph-after-list", "loose-list", "dash-line-in-paragraph"])
def test_plain_examples_render_as_the_markdown_parser_renders_them(text):
    assert fast_or_parsed(text, ("sane_lists",)) == parsed(text, ("sane_lists",))


@pytest.mark.parametrize("text", [
    "* item", "1. item", "# heading", "> quote", "    code", "*em*", "a_b", "[x](http://e.org)", "<b>x</b>",
    "a &amp; b", "line  \nbreak", "Title\n=====", "a\n---", "a | b", "a\\*b",
], ids=["list", "ordered", "heading", "quote", "code", "emphasis", "underscore", "link", "html", "entity",
        "hard-break", "setext", "setext-dash", "table", "escape"])
def test_text_with_markdown_syntax_is_left_to_the_parser(text):
    assert not PLAIN.fullmatch(text)


def test_fast_path_output_is_still_sanitised_and_plain_text_unescaped():
    assert str(render_markdown("Plain words.\n\nMore words.")) == "<p>Plain words.</p>\n<p>More words.</p>"
    assert plain_text("Say \"hi\" (twice).") == "Say \"hi\" (twice)."
