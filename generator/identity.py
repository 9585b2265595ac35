"""Identities that outlive a build: the UIDs calendars and the search index know a session occurrence by.

A leaf: it imports nothing of this package, so every feed and the search index share one definition.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# used in UIDs when neither the event's URL nor the site's base URL names a host (.invalid never resolves)
FALLBACK_HOST = "pretalx-static.invalid"


def uid_host(event_url: str | None, base_url: str | None) -> str:
    """The host part of UIDs: the event's pretalx host (so UIDs match pretalx's own feeds), else the site's,
    else FALLBACK_HOST."""
    for url in (event_url, base_url):
        host = urlsplit(url).netloc if url else ""
        if host:
            return host
    return FALLBACK_HOST


def uid(event_slug: str, code: str, host: str, index: int = 0, of: int = 1) -> str:
    """The UID of slot `index` (from 0, in start order) of a session with `of` slots: pretalx's scheme,
    `pretalx-{event}-{code}@{host}`, numbered `-{index}` only when the session has several slots (pretalx's
    schedule/domain/ical.py with TalkSlot.id_suffix). It names the session, not its time or room, so a moved
    session keeps it."""
    suffix = f"-{index}" if of > 1 else ""
    return f"pretalx-{event_slug}-{code}{suffix}@{host}"
