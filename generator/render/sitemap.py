"""sitemap.xml and robots.txt: the site's pages and their other-language versions, for search engines.

Sitemaps protocol 0.9 (sitemaps.org/protocol.html): absolute URLs, at most 50,000 URLs and 50 MiB per file;
a site with more gets several files listed by a sitemap index (sitemap.xml stays the one address to give).
Language versions as Google documents them for sitemaps (Search Central, "Tell Google about localized
versions of your page", sitemap method): every <url> lists each language version of its page, itself
included, as <xhtml:link rel="alternate" hreflang href>, and an `x-default` (here the event's default locale).
No <lastmod>: nothing in the data says when one page last changed, and the clock would make builds differ.
robots.txt follows RFC 9309; its `Sitemap:` line is the sitemaps.org extension and needs an absolute URL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from .. import urls

MAX_URLS = 50_000  # sitemaps.org: "no more than 50,000 URLs"
MAX_BYTES = 50 * 1024 * 1024  # "... and must be no larger than 50MB (52,428,800 bytes)", uncompressed
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
NEEDS_BASE_URL = "no sitemap.xml: search engines need absolute URLs, so pass --base-url (the site's public URL)"

HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}" xmlns:xhtml="{XHTML}">\n'
TAIL = "</urlset>\n"
# pretalx locale codes that are no language tag for hreflang, which takes a language and optionally a script
# or region (`de-formal` is German): the language and any script or region subtag are kept, the rest dropped
SUBTAG = re.compile(r"^(?:[A-Za-z]{4}|[A-Za-z]{2}|\d{3})$")


def hreflang(locale: str) -> str:
    """The hreflang value of a site locale: `de-formal` → `de`, `pt_BR` → `pt-BR`, `zh-hans` → `zh-Hans`."""
    language, *rest = locale.replace("_", "-").split("-")
    tag = [language.lower()]
    for subtag in rest:
        if SUBTAG.match(subtag):
            tag.append(subtag.title() if len(subtag) == 4 else subtag.upper())
    return "-".join(tag)


def sitemap_files(pages: Sequence[str], locales: Sequence[str], default_locale: str, base_url: str, *,
                  max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES) -> list[tuple[str, bytes]]:
    """[(path, bytes)] of the sitemap: `sitemap.xml` alone when every page fits one file, else `sitemap.xml` as
    a sitemap index of `sitemap-1.xml`, `sitemap-2.xml`… (urls.sitemap_part), filled in page order.

    `pages` are output paths in declaration order; listed are the pages of the URL contract, a locale's folders
    (`en/talk/X/index.html`): not the root's language chooser (it only redirects), nor the 404 page or another
    HTML file that is no address of its own (--offline's `en/offline.html`, shown in place of a page not saved).
    Deterministic: the same pages give the same bytes.
    """
    entries = [_entry(base_url, page, versions) for page, versions in language_versions(pages, locales, default_locale)]
    parts: list[list[str]] = [[]]
    size = len(HEAD) + len(TAIL)
    for entry in entries:
        weight = len(entry.encode("utf-8"))
        if parts[-1] and (len(parts[-1]) >= max_urls or size + weight > max_bytes):
            parts.append([])
            size = len(HEAD) + len(TAIL)
        parts[-1].append(entry)
        size += weight
    if len(parts) == 1:
        return [(urls.sitemap(), _urlset(parts[0]))]
    files = [(urls.sitemap_part(number), _urlset(part)) for number, part in enumerate(parts, 1)]
    index = "".join(f"  <sitemap><loc>{escape(_absolute(base_url, path))}</loc></sitemap>\n" for path, _ in files)
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n'
    return [(urls.sitemap(), (head + index + "</sitemapindex>\n").encode("utf-8")), *files]


def language_versions(pages: Sequence[str], locales: Sequence[str],
                      default_locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(page, [(hreflang, path)]) for every page inside a locale's folder: the same page in each locale that has
    it (this one included, in site order), then `x-default`, the default locale's version, when there is one.

    One hreflang names one locale, the first of the site's order (`de` before `de-formal`): the pages of a later
    locale of the same language are listed without alternates, since versions that do not name each other back
    are an error to search engines."""
    folders = {locale: urls.home(locale).removesuffix("index.html") for locale in locales}
    tagged: dict[str, str] = {}  # hreflang → the locale it names
    for locale in locales:
        tagged.setdefault(hreflang(locale), locale)
    present = set(pages)
    listed = []
    for page in pages:
        here = next((locale for locale, folder in folders.items() if page.startswith(folder)), None)
        if here is None or not page.endswith("/index.html"):
            continue
        if tagged[hreflang(here)] != here:
            listed.append((page, []))
            continue
        rest = page.removeprefix(folders[here])
        versions: dict[str, str] = {}
        for tag, locale in tagged.items():
            if folders[locale] + rest in present:
                versions[tag] = folders[locale] + rest
        default = folders.get(default_locale, "") + rest
        if default_locale in folders and default in present:
            versions["x-default"] = default
        listed.append((page, list(versions.items())))
    return listed


def robots(base_url: str | None, sitemap_path: str | None) -> bytes:
    """robots.txt (RFC 9309): every path may be crawled; the sitemap's absolute URL when there is one.

    Crawlers read robots.txt only at a host's root (RFC 9309, 2.3): a site under a path prefix (a GitHub Pages
    project site) says so in a comment, as its lines only count when copied there."""
    lines = ["# robots.txt (RFC 9309): every page of this schedule may be crawled.", "User-agent: *", "Allow: /"]
    if base_url and sitemap_path:
        prefix = urlsplit(base_url).path.rstrip("/")
        if prefix:
            lines.insert(1, f"# This site lives under {prefix}/: crawlers read only /robots.txt of the host, "
                            "so copy these lines there or give search engines the sitemap directly.")
        lines += ["", f"Sitemap: {_absolute(base_url, sitemap_path)}"]
    else:
        lines.insert(1, "# No sitemap: the site was built without --base-url.")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry(base_url: str, page: str, versions: list[tuple[str, str]]) -> str:
    links = "".join(f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} '
                    f'href={quoteattr(_absolute(base_url, path))}/>\n' for lang, path in versions)
    return f"  <url>\n    <loc>{escape(_absolute(base_url, page))}</loc>\n{links}  </url>\n"


def _urlset(entries: list[str]) -> bytes:
    return (HEAD + "".join(entries) + TAIL).encode("utf-8")


def _absolute(base_url: str, path: str) -> str:
    url = urls.absolute(base_url, path)
    assert url is not None  # base_url is given
    return url
