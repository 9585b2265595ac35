"""Speaker-written Markdown → sanitised HTML, through an allow-list."""

from __future__ import annotations

import functools
import html
import re
import threading
from urllib.parse import urlsplit

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Text Markdown would only wrap in paragraphs and simple lists: lines empty, or starting with a letter (no heading,
# quote, code or list marker), or "- " and such a line (a list item); ending without a space (two make a line
# break); holding only letters, digits, spaces and punctuation without a Markdown meaning (no * _ ` [ ] < > & # | ~
# = + nor a backslash), typographic quotes, dashes and a few symbols included
_PUNCTUATION = " .,;:?!'\"()/\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u00ab\u00bb\u2039\u203a\u20ac\u00a3$%@\u00b0\u00b7\u00a7-"
_WORDS = rf"[^\W\d_](?:[^\W_]|[{_PUNCTUATION}])*(?<! )"
_LINE = rf"(?:(?:- )?{_WORDS})?"
PLAIN = re.compile(rf"{_LINE}(?:\n{_LINE})*")
_BLOCK_TAGS = re.compile(r"</?(?:p|ul|li)>")


@functools.lru_cache(maxsize=16384)  # the same text is shown in every locale (and bios on several pages)
def render_markdown(text: str) -> Markup:
    """HTML from Markdown, with every tag, attribute and URL scheme outside the allow-list removed."""
    if not text:
        return Markup("")
    plain = _plain_html(text)
    if plain is not None:  # made of text without < > & and of <p>, <ul> and <li> only: nothing to remove
        return Markup(plain)
    rendered = _to_html(text)
    # headings shift down so speaker text never competes with the page's h1
    rendered = rendered.replace("<h1", "<h2").replace("</h1>", "</h2>")
    clean = nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer nofollow", strip_comments=True)
    return Markup(clean)


def plain_text(text: str) -> str:
    """Markdown reduced to plain text (for iCal descriptions and meta tags); a link keeps its target after its
    text, `See [the slides](https://x/s.pdf)` → `See the slides (https://x/s.pdf)`, unless the text is the URL."""
    if not text:
        return ""
    plain = _plain_html(text)
    if plain is not None:  # no entities and no tags but the blocks' own: dropping those leaves the text
        return _BLOCK_TAGS.sub("", plain).strip()
    with_targets = _LINK.sub(_link_with_target, _to_html(text, extensions=()))
    return html.unescape(nh3.clean(with_targets, tags=set())).strip()


# python-markdown writes an anchor as <a href="..."> (quotes in the URL escaped as &quot;), maybe with a title
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


def _link_with_target(match: re.Match[str]) -> str:
    """An anchor's HTML followed by its target in brackets, when the target is a URL a reader can follow."""
    target, inner = match.group(1), match.group(2)
    url = html.unescape(target)
    shown = html.unescape(re.sub(r"<[^>]*>", "", inner)).strip()
    if urlsplit(url).scheme not in URL_SCHEMES or shown in {url, url.removeprefix("mailto:")}:
        return inner
    return f"{inner} ({target})"


_converters = threading.local()  # a Markdown instance is not thread-safe, and building one costs more than using it


@functools.lru_cache(maxsize=8192)  # iCal descriptions and pages of other locales need the same text again
def _to_html(text: str, extensions: tuple[str, ...] = ("sane_lists",)) -> str:
    """Markdown → unsanitised HTML, through one reused converter per thread and extension set."""
    plain = _plain_html(text)
    if plain is not None:
        return plain
    cache = _converters.__dict__.setdefault("by_extensions", {})
    converter = cache.get(extensions)
    if converter is None:
        converter = cache[extensions] = markdown.Markdown(extensions=list(extensions), output_format="html")
    return converter.reset().convert(text)


def _plain_html(text: str) -> str | None:
    """The HTML of text that is plain paragraphs and lists (most speaker text), without the parser; else None."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line ends as Markdown reads them
    return plain_blocks(text) if PLAIN.fullmatch(text) else None


def plain_blocks(text: str) -> str | None:
    """What Markdown makes of text that `PLAIN` matches, or None where blocks mix or lists touch (a loose list).

    Blocks are separated by blank lines: one of lines is a <p>, one of "- " items a <ul>.
    """
    html = []
    after_list = False
    for block in re.split(r"\n{2,}", text.strip("\n")):
        lines = block.split("\n")
        items = [line.startswith("- ") for line in lines]
        if all(items):
            if after_list:
                return None
            html.append("<ul>\n" + "".join(f"<li>{line[2:]}</li>\n" for line in lines) + "</ul>")
        elif any(items):
            return None
        elif block:
            html.append(f"<p>{block}</p>")
        after_list = all(items)
    return "\n".join(html)
