"""Speaker-written Markdown → sanitised HTML, through an allow-list."""

from __future__ import annotations

import html

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


def render_markdown(text: str) -> Markup:
    """HTML from Markdown, with every tag, attribute and URL scheme outside the allow-list removed."""
    if not text:
        return Markup("")
    rendered = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    # headings shift down so speaker text never competes with the page's h1
    rendered = rendered.replace("<h1", "<h2").replace("</h1>", "</h2>")
    clean = nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer nofollow", strip_comments=True)
    return Markup(clean)


def plain_text(text: str) -> str:
    """Markdown reduced to plain text (for iCal descriptions and meta tags)."""
    if not text:
        return ""
    return html.unescape(nh3.clean(markdown.markdown(text), tags=set())).strip()
