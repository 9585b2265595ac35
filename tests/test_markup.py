"""Speaker Markdown: plain text takes a fast path that must give exactly what the Markdown parser gives."""

from __future__ import annotations

import functools
import html

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nh3
from support.data import FIXTURES

from generator.cli import main
from generator.render import markup
from generator.render.markup import PLAIN, PRETALX_EXTENSIONS, plain_blocks, plain_text, render_markdown

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


# the pretalx dialect the pages use, and the bare one iCal's plain text starts from
DIALECTS = (PRETALX_EXTENSIONS, ())


@functools.cache
def parser(extensions: tuple[str, ...]) -> markdown.Markdown:
    loaded = [markup._EXTENSIONS[name]() if name in markup._EXTENSIONS else name for name in extensions]
    return markdown.Markdown(extensions=loaded, output_format="xhtml")


def parsed(text: str, extensions: tuple[str, ...]) -> str:
    """What python-markdown itself makes of `text` (no fast path)."""
    return parser(extensions).reset().convert(text)


def fast_or_parsed(text: str, extensions: tuple[str, ...]) -> str:
    """What the renderer makes of `text`: the fast path when it applies."""
    from generator.render.markup import _to_html
    _to_html.cache_clear()
    return _to_html(text, extensions)


@settings(max_examples=600, deadline=None)
@given(st.text(ALPHABET, max_size=80))
def test_any_text_renders_as_the_markdown_parser_renders_it(text):
    for extensions in DIALECTS:
        assert fast_or_parsed(text, extensions) == parsed(text, extensions)


@settings(max_examples=600, deadline=None)
@given(st.lists(PLAIN_LINES, max_size=6).map("\n".join))
def test_plain_text_takes_the_fast_path_and_renders_as_the_parser_does(text):
    assert PLAIN.fullmatch(text)
    assert plain_blocks(text) is not None
    for extensions in DIALECTS:
        assert fast_or_parsed(text, extensions) == parsed(text, extensions)


@settings(max_examples=1000, deadline=None)
@given(BLOCKY_TEXT)
def test_paragraphs_and_lists_render_as_the_parser_renders_them(text):
    for extensions in DIALECTS:
        assert fast_or_parsed(text, extensions) == parsed(text, extensions)


def rendered_without_fast_path(text: str) -> str:
    """The slow path of render_markdown: the parser, the heading shift, the cleaner and linkifier."""
    html_text = parsed(text, PRETALX_EXTENSIONS).replace("<h1", "<h2").replace("</h1>", "</h2>")
    return markup._cleaner().clean(html_text)


# plain words with addresses the linkifier must find in them: the fast path has to step aside for those
LINKY_TEXT = st.lists(st.sampled_from(["word", " ", ".", "\n", "- ", "example.com", "a@b.de", "https://x.org/p",
                                       "www.test.de", "Node.js", "3.14", "x.co", "mail:"]), max_size=12).map("".join)


@settings(max_examples=1000, deadline=None)
@given(BLOCKY_TEXT | LINKY_TEXT | st.text(ALPHABET, max_size=80))
def test_the_fast_path_gives_what_the_parser_cleaner_and_linkifier_give(text):
    """Fast-path HTML skips the parser, the cleaner and the linkifier: it must be exactly what they would make."""
    render_markdown.cache_clear()
    markup._to_html.cache_clear()

    assert render_markdown(text) == rendered_without_fast_path(text)


@settings(max_examples=500, deadline=None)
@given(BLOCKY_TEXT | st.text(ALPHABET, max_size=80))
def test_the_fast_path_plain_text_is_what_the_sanitiser_leaves(text):
    fast = markup._plain_html(text, ())
    if fast is None:
        return

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
    for extensions in DIALECTS:
        assert fast_or_parsed(text, extensions) == parsed(text, extensions)


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


# ---- the dialect: what pretalx's rich_text filter makes of speaker text (src/pretalx/common/templatetags/rich_text.py)

def test_case_markdown_flavour_keeps_line_breaks_tables_code_and_links(tmp_path):
    """Case markdown-flavour.json, built as a user would: the abstract as pretalx shows it."""
    assert main([str(FIXTURES / "cases" / "markdown-flavour.json"), "--out", str(tmp_path), "--quiet"]) == 0
    page = (tmp_path / "en" / "talk" / "701" / "index.html").read_text(encoding="utf-8")

    assert "<p>What you will learn:<br>\nStep one: set up the board<br>\nStep two: flash the firmware</p>" in page
    assert ('<p>Slides: <a href="https://slides.example.org/edgecase" rel="noopener noreferrer nofollow">'
            "https://slides.example.org/edgecase</a></p>") in page
    assert ("<table>\n<thead>\n<tr>\n<th>Part</th>\n<th>Minutes</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>Intro</td>\n"
            "<td>10</td>\n</tr>\n<tr>\n<td>Demo</td>\n<td>30</td>\n</tr>\n</tbody>\n</table>") in page
    assert "<pre><code>make flash\nmake monitor\n</code></pre>" in page


LINK = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize("text, html_text", [
    ("one\ntwo\r\nthree", "<p>one<br>\ntwo<br>\nthree</p>"),
    ("Intro:\n- one\n- two", "<p>Intro:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("Steps:\n1. one\n2. two", "<p>Steps:</p>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
    ("~~old~~ new", "<p><del>old</del> new</p>"),
    ("| a | b |\n|---|--:|\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n"
                                       "<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>"),
    ("~~~python\nx = 1\n~~~", "<pre><code>x = 1\n</code></pre>"),
    ("see www.example.com.", f'<p>see <a href="http://www.example.com" {LINK}>www.example.com</a>.</p>'),
    ("at https://x.org/a?b=1&c=2 now", f'<p>at <a href="https://x.org/a?b=1&amp;c=2" {LINK}>https://x.org/a?b=1&amp;c=2'
                                       "</a> now</p>"),
    ("mail me@example.org", f'<p>mail <a href="mailto:me@example.org" {LINK}>me@example.org</a></p>'),
    ("shop.berlin and example.shop", f'<p><a href="http://shop.berlin" {LINK}>shop.berlin</a> and '
                                     f'<a href="http://example.shop" {LINK}>example.shop</a></p>'),
    ("Node.js and Python 3.14", "<p>Node.js and Python 3.14</p>"),
    ("`example.com`", "<p><code>example.com</code></p>"),
    ("```\nhttps://x.org\n```", "<pre><code>https://x.org\n</code></pre>"),
    ("[slides](https://x.org/s.pdf)", f'<p><a href="https://x.org/s.pdf" {LINK}>slides</a></p>'),
    ("# Big\n## Small", "<h2>Big</h2>\n<h2>Small</h2>"),
], ids=["line-breaks", "list-after-a-line", "ordered-list-after-a-line", "strikethrough", "table", "tilde-fence",
        "bare-www", "bare-url-with-query", "email", "new-tlds", "no-tld", "no-links-in-code", "no-links-in-pre",
        "markdown-link", "headings-below-the-title"])
def test_speaker_markdown_renders_as_pretalx_renders_it(text, html_text):
    assert str(render_markdown(text)) == html_text


@pytest.mark.parametrize("text, html_text", [
    ("use <video> here", "<p>use &lt;video&gt; here</p>"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("[x](javascript:alert(1))", "<p><a>x</a></p>"),
    ('<div class="grid" style="color:red" onclick="x()">hi</div>', "<div>hi</div>"),
    ('<a href="https://x.org" target="_blank" onmouseover="x()">x</a>', f'<p><a href="https://x.org" {LINK}>x</a></p>'),
    ("![logo](https://x.org/l.png)", '<p>&lt;img alt="logo" src="<a href="https://x.org/l.png" '
                                     f'{LINK}>https://x.org/l.png</a>" /&gt;</p>'),
], ids=["unknown-tag-shown", "script-shown-not-run", "javascript-url", "class-style-and-handler",
        "link-attributes", "image-shown-as-text"])
def test_tags_outside_pretalx_allow_list_are_shown_as_text_and_attributes_removed(text, html_text):
    assert str(render_markdown(text)) == html_text
