"""Speaker-written Markdown → sanitised HTML, in the dialect pretalx renders it.

The rules are pretalx's (src/pretalx/common/templatetags/rich_text.py, pretalx 2026.2): python-markdown with
nl2br, sane_lists, tables, fenced_code, md_in_html, ``~~strike~~`` and a blank line inserted before a list that
follows a line of text; then bleach's allow-list cleaner, which escapes (does not drop) any other tag, and its
linkifier for bare URLs and e-mail addresses (every top-level domain of the Public Suffix List, not inside
``<pre>``/``<code>``). Where we differ, on purpose: speaker headings start at h2 (the page's title is the h1),
links are not routed through pretalx's /redirect/ page and get ``rel="noopener noreferrer nofollow"``, and
``class`` attributes are dropped (they would pick up this site's CSS).
"""

from __future__ import annotations

import functools
import html
import importlib.resources
import re
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import bleach
import markdown
import nh3
from bleach.linkifier import LinkifyFilter, build_email_re, build_url_re
from markdown.inlinepatterns import SimpleTagPattern
from markdown.preprocessors import Preprocessor
from markupsafe import Markup

# pretalx's ALLOWED_TAGS and ALLOWED_ATTRIBUTES (rich_text.py), without its "class" attributes
ALLOWED_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "blockquote", "br", "code", "del", "div", "em", "hr", "i", "ins", "li", "ol",
    "strong", "ul", "p", "pre", "span", "table", "tbody", "thead", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5",
    "h6",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "acronym": ["title"], "table": ["width"],
                      "td": ["width", "align"]}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener noreferrer nofollow"

# The Markdown extensions of pretalx's markdown_engine(), by name; "codehilite" is left out: without Pygments (pretalx
# does not require it) it only adds class attributes, which the cleaner removes from <pre> and <code>.
PRETALX_EXTENSIONS = ("nl2br", "sane_lists", "tables", "fenced_code", "md_in_html", "strikethrough",
                      "breakless_lists")

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
    """HTML from speaker Markdown, as pretalx's ``rich_text`` filter renders it (see the module docstring).

    Tags outside the allow-list come out escaped, as text; attributes and URL schemes outside it are removed.
    """
    if not text:
        return Markup("")
    plain = _plain_html(text, PRETALX_EXTENSIONS, line_break="<br>")  # as the cleaner writes it
    if plain is not None and not _has_link_text(text):
        return Markup(plain)  # made of text without < > & and of <p>, <br>, <ul> and <li> only: nothing to clean
    rendered = _to_html(text, PRETALX_EXTENSIONS)
    # headings shift down so speaker text never competes with the page's h1
    rendered = rendered.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return Markup(_cleaner().clean(rendered))


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
def _to_html(text: str, extensions: tuple[str, ...] = PRETALX_EXTENSIONS) -> str:
    """Markdown → unsanitised HTML, through one reused converter per thread and extension set."""
    plain = _plain_html(text, extensions)
    if plain is not None:
        return plain
    cache = _converters.__dict__.setdefault("by_extensions", {})
    converter = cache.get(extensions)
    if converter is None:
        loaded = [_EXTENSIONS[name]() if name in _EXTENSIONS else name for name in extensions]
        # XHTML, as pretalx: the cleaner rewrites allowed tags anyway, but shows an escaped <img /> as written
        converter = cache[extensions] = markdown.Markdown(extensions=loaded, output_format="xhtml")
    return converter.reset().convert(text)


def _plain_html(text: str, extensions: tuple[str, ...] = (), line_break: str = "<br />") -> str | None:
    """The HTML of text that is plain paragraphs and lists (most speaker text), without the parser; else None."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line ends as Markdown reads them
    if not PLAIN.fullmatch(text):
        return None
    return plain_blocks(text, line_break if "nl2br" in extensions else None)


def plain_blocks(text: str, line_break: str | None = None) -> str | None:
    """What Markdown makes of text that `PLAIN` matches, or None where blocks mix or lists touch (a loose list).

    Blocks are separated by blank lines: one of lines is a <p> (its lines joined by `line_break` and a newline,
    as the nl2br extension does, or by a newline alone), one of "- " items a <ul>.
    """
    html = []
    after_list = False
    join = "\n" if line_break is None else f"{line_break}\n"
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
            html.append(f"<p>{join.join(lines)}</p>")
        after_list = all(items)
    return "\n".join(html)


# --- pretalx's two extensions of python-markdown (rich_text.py: StrikeThroughExtension, BreaklessListExtension) ---

class _StrikethroughExtension(markdown.Extension):
    """``~~text~~`` → ``<del>text</del>``."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (python-markdown's name)
        md.inlinePatterns.register(SimpleTagPattern(r"(~{2})(.+?)(~{2})", "del"), "strikethrough", 200)


# a list marker (*, +, - or "1.") at the start of a line, at most three spaces in (four make a code block)
_LIST_START = re.compile(r"^ {0,3}(?:[*+-]|1\.)[ ]+\S")


class _BreaklessListPreprocessor(Preprocessor):
    """A blank line before the first item of a list that directly follows a line of text, so it is a list."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        in_list = False
        for line in lines:
            if _LIST_START.match(line):
                if not in_list:
                    out.append("")
                in_list = True
            elif not line.strip():
                in_list = False
            out.append(line)
        return out


class _BreaklessListExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (python-markdown's name)
        # priority 6, as pretalx: after fenced code blocks are stashed, so their lines are left alone
        md.preprocessors.register(_BreaklessListPreprocessor(md), "breakless_lists", 6)


_EXTENSIONS: dict[str, Callable[[], markdown.Extension]] = {
    "strikethrough": _StrikethroughExtension, "breakless_lists": _BreaklessListExtension}


# --- the allow-list cleaner and the linkifier ---

@functools.cache
def link_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(URL, e-mail) patterns of bare addresses to link, as pretalx builds them (rich_text.py: link_regexes).

    A domain is linked when its last label is the last label of any rule of the Public Suffix List (ICANN and
    private sections, Unicode and punycode), tried longest first so ".com" wins over ".co".
    """
    listing = importlib.resources.files("publicsuffixlist") / "public_suffix_list.dat"
    tlds: set[str] = set()
    for line in listing.read_text(encoding="utf-8").splitlines():
        rule = line.strip().split(" ")[0]
        if not rule or rule.startswith("//"):
            continue
        tld = rule.lstrip("!").rsplit(".", 1)[-1]
        tlds.add(tld)
        if not tld.isascii():
            tlds.add("xn--" + tld.encode("punycode").decode("ascii"))
    ordered = sorted(tlds, reverse=True)
    return build_url_re(tlds=ordered, protocols=URL_SCHEMES), build_email_re(tlds=ordered)


def _has_link_text(text: str) -> bool:
    """Whether the linkifier could find an address in `text` (if not, it would leave text without tags alone)."""
    url_re, email_re = link_patterns()
    return url_re.search(text) is not None or email_re.search(text) is not None


def _link_rel(attrs: dict[tuple[str | None, str], str], new: bool = False) -> dict[tuple[str | None, str], str]:
    """bleach callback: every link gets our rel, whether the speaker wrote it or the linkifier made it."""
    if (None, "href") in attrs:
        attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaners = threading.local()  # bleach's parser keeps state while it cleans: one cleaner per thread


def _cleaner() -> bleach.Cleaner:
    """pretalx's safelink_cleaner() with our allow-list and link attributes, one per thread."""
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        url_re, email_re = link_patterns()
        linkify = functools.partial(LinkifyFilter, url_re=url_re, email_re=email_re, parse_email=True,
                                    skip_tags={"pre", "code"}, callbacks=[_link_rel])
        cleaner = _cleaners.cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                                                     protocols=URL_SCHEMES, strip=False, strip_comments=True,
                                                     filters=[linkify])
    return cleaner
