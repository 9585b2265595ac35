"""The rules every stage shares for untrusted values: path segments, slugs, codes, colours, text, ids and URLs.

A leaf: it imports nothing of this package, so the source readers, `config`, `urls` and the renderers can all
use one definition of each rule (and importing it loads no HTTP client and no Babel).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any
from urllib.parse import urljoin, urlsplit

SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
# names Windows refuses as file names; a site may be checked out there
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# control characters, lone surrogates (unencodable) and the characters XML 1.0 forbids
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
LINE_BREAK = re.compile(r"\s*[\r\n\t\v\f\x85]+\s*")
CONTROL_OR_SPACE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def is_safe_segment(value: str) -> bool:
    """True when `value` can be used as one path segment as it is."""
    return isinstance(value, str) and bool(SAFE_SEGMENT.fullmatch(value)) and value.lower() not in RESERVED_NAMES


def slugify(text: str, fallback: str = "item") -> str:
    """A lowercase ASCII slug of letters, digits and dashes, at most 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    if not slug or slug in RESERVED_NAMES:
        slug = f"{fallback}-{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    return slug


def safe_code(code: str) -> str:
    """A code fit for a path: kept when safe, otherwise a slug derived from it (stable across builds)."""
    if is_safe_segment(code):
        return code
    digest = hashlib.sha1(code.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    stem = slugify(code, "x")[:40] if any(c.isalnum() for c in code) else "x"
    return f"{stem}-{digest}"


def color(value: object) -> str | None:
    """A `#rrggbb` colour, or None for anything else."""
    return value.lower() if isinstance(value, str) and COLOR.fullmatch(value) else None


def identifier(value: object) -> str | None:
    """An id or code as a string without any control character, newlines included; None when nothing is left."""
    if value is None or isinstance(value, (bool, dict, list, float)):
        return None
    text = CONTROL_OR_SPACE.sub("", str(value)).strip()
    return text or None


def clean_text(value: object) -> str:
    """A string without control characters (newlines and tabs stay), line ends as `\n`; non-strings become ''.

    Speaker text from pretalx's web forms arrives with `\r\n`; JSON feeds carry `\n` only, and iCal writes
    its own CRLF where RFC 5545 requires it.
    """
    if not isinstance(value, str):
        return ""
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: object) -> str:
    """A one-line text (a name, a title): `clean_text`, with line breaks and tabs turned into spaces."""
    return LINE_BREAK.sub(" ", clean_text(value)).strip()


def public_url(value: object, base: str | None = None) -> str | None:
    """An absolute http(s) URL, resolving relative ones against `base`; anything else is None."""
    if not isinstance(value, str) or not value.strip() or CONTROL.search(value):
        return None
    url = value.strip()
    try:
        if base and not urlsplit(url).scheme and not url.startswith("//"):
            url = urljoin(base, url)
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return url


def ref(value: Any) -> str | None:
    """An id or code given flat (`3`) or expanded (`{"id": 3, ...}`), as a string without control characters."""
    if isinstance(value, dict):
        value = value.get("id", value.get("code"))
    return identifier(value)


def listed(value: Any) -> list[Any]:
    """A JSON list as it is; anything else (a string, a number, null) as no items."""
    return value if isinstance(value, list) else []


def integer(value: Any) -> int | None:
    """A JSON integer (not a boolean), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
