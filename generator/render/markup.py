"""Speaker-written Markdown → sanitised HTML, through an allow-list."""

from __future__ import annotations

import functools
import html
import re
import threading

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

# Text Markdown would only wrap in paragraphs: lines empty or starting with a letter (no list, heading, quote or
# code marker), ending without a space (two make a line break), holding only letters, digits, spaces and
# punctuation without a Markdown meaning (no * _ ` [ ] < > & # | ~ = + nor a backslash)
_PLAIN_LINE = r"(?:[^\W\d_](?:[^\W_]|[ .,;:?!'\"()/-])*(?<! ))?"
PLAIN = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*")


def render_markdown(text: str) -> Markup:
    """HTML from Markdown, with every tag, attribute and URL scheme outside the allow-list removed."""
    if not text:
        return Markup("")
    rendered = _to_html(text)
    # headings shift down so speaker text never competes with the page's h1
    rendered = rendered.replace("<h1", "<h2").replace("</h1>", "</h2>")
    clean = nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer nofollow", strip_comments=True)
    return Markup(clean)


def plain_text(text: str) -> str:
    """Markdown reduced to plain text (for iCal descriptions and meta tags)."""
    if not text:
        return ""
    return html.unescape(nh3.clean(_to_html(text, extensions=()), tags=set())).strip()


_converters = threading.local()  # a Markdown instance is not thread-safe, and building one costs more than using it


@functools.lru_cache(maxsize=8192)  # the same text is shown in every locale (and bios on several pages)
def _to_html(text: str, extensions: tuple[str, ...] = ("sane_lists",)) -> str:
    """Markdown → unsanitised HTML, through one reused converter per thread and extension set."""
    if PLAIN.fullmatch(text):  # most speaker text is plain paragraphs: the same HTML, without the parser's cost
        return plain_paragraphs(text)
    cache = _converters.__dict__.setdefault("by_extensions", {})
    converter = cache.get(extensions)
    if converter is None:
        converter = cache[extensions] = markdown.Markdown(extensions=list(extensions), output_format="html")
    return converter.reset().convert(text)


def plain_paragraphs(text: str) -> str:
    """What Markdown makes of text that `PLAIN` matches: each run of non-empty lines one <p>."""
    paragraphs = [block.strip("\n") for block in re.split(r"\n{2,}", text)]
    return "\n".join(f"<p>{block}</p>" for block in paragraphs if block)
