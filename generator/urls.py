"""Every output path of the site, and relative links between them; the one place the URL layout lives."""

from __future__ import annotations

import datetime as dt

from .errors import OutputError
from .model import Entry
from .sanitise import is_safe_segment


def segment(value: str) -> str:
    """A path segment, refused unless it passed validation (defence in depth: normalise made it safe)."""
    if not is_safe_segment(value):
        raise OutputError(f"refusing unsafe path segment {value!r}")
    return value


def home(lang: str) -> str:
    """The overview page of one locale."""
    return f"{segment(lang)}/index.html"


def day(lang: str, date: dt.date) -> str:
    """A day's timetable."""
    return f"{segment(lang)}/day/{date.isoformat()}/index.html"


def room(lang: str, slug: str) -> str:
    """A room's page."""
    return f"{segment(lang)}/room/{segment(slug)}/index.html"


def track(lang: str, slug: str) -> str:
    """A track's page."""
    return f"{segment(lang)}/track/{segment(slug)}/index.html"


def talk(lang: str, code: str) -> str:
    """A session's page."""
    return f"{segment(lang)}/talk/{segment(code)}/index.html"


def speaker(lang: str, code: str) -> str:
    """A speaker's page."""
    return f"{segment(lang)}/speaker/{segment(code)}/index.html"


def talks(lang: str) -> str:
    """The list of all sessions."""
    return f"{segment(lang)}/talks/index.html"


def speakers(lang: str) -> str:
    """The list of all speakers."""
    return f"{segment(lang)}/speakers/index.html"


def schedule_ical(lang: str) -> str:
    """The iCal feed of the whole event in one locale."""
    return f"{segment(lang)}/schedule.ics"


def day_ical(lang: str, date: dt.date) -> str:
    """A day's iCal feed, next to its timetable."""
    return f"{segment(lang)}/day/{date.isoformat()}/schedule.ics"


def room_ical(lang: str, slug: str) -> str:
    """A room's iCal feed, next to its page (`schedule.ics` whatever the room is called: a room named "Talk" too)."""
    return f"{segment(lang)}/room/{segment(slug)}/schedule.ics"


def track_ical(lang: str, slug: str) -> str:
    """A track's iCal feed, next to its page."""
    return f"{segment(lang)}/track/{segment(slug)}/schedule.ics"


def talk_ical(lang: str, code: str) -> str:
    """A session's iCal feed (every slot of it), next to its page."""
    return f"{segment(lang)}/talk/{segment(code)}/talk.ics"


def speaker_ical(lang: str, code: str) -> str:
    """A speaker's iCal feed (their sessions), next to their page."""
    return f"{segment(lang)}/speaker/{segment(code)}/talks.ics"


def card(lang: str, code: str) -> str:
    """A session's social card (the OpenGraph image of its page), next to its page."""
    return f"{segment(lang)}/talk/{segment(code)}/card.png"


def json_feed(lang: str) -> str:
    """Our JSON feed of one locale."""
    return f"{segment(lang)}/schedule.json"


def frab_xml(lang: str) -> str:
    """The frab/c3voc XML of one locale."""
    return f"{segment(lang)}/frab/schedule.xml"


def frab_json(lang: str) -> str:
    """The frab/c3voc JSON of one locale."""
    return f"{segment(lang)}/frab/schedule.json"


def search_index(lang: str) -> str:
    """The prebuilt search index of one locale, a script loaded on demand."""
    return f"{segment(lang)}/search.js"


def search_shard(lang: str, name: str) -> str:
    """One shard of the full-text index of one locale (render/fulltext.py names them)."""
    return f"{segment(lang)}/search/{segment(name)}.js"


def search_page(lang: str) -> str:
    """The search page: where the search form leads, with results when scripts run, ways to browse when not."""
    return f"{segment(lang)}/search/index.html"


def offline_page(lang: str) -> str:
    """With --offline: what the service worker shows, with status 404, for a page of one locale it has not saved."""
    return f"{segment(lang)}/offline.html"


def offline_manifest(lang: str) -> str:
    """With --offline: the files of one locale the service worker saves in the background, with their digests."""
    return f"{segment(lang)}/offline.json"


def changes(lang: str) -> str:
    """What changed per released version."""
    return f"{segment(lang)}/changes/index.html"


def changes_feed(lang: str) -> str:
    """The same as an Atom feed (RFC 4287)."""
    return f"{segment(lang)}/changes.atom"


def sitemap() -> str:
    """The sitemap (sitemaps.org), or the sitemap index when the pages need several files."""
    return "sitemap.xml"


def sitemap_part(number: int) -> str:
    """One file of a sitemap split in several (numbered from 1), listed by the index at sitemap()."""
    return f"sitemap-{int(number)}.xml"


def robots() -> str:
    """robots.txt (RFC 9309), at the site's root."""
    return "robots.txt"


def sessions_data(lang: str) -> str:
    """The small sessions file of one locale ("now and next", the favourites' .ics), a script."""
    return f"{segment(lang)}/sessions.js"


def static(name: str) -> str:
    """A static asset."""
    return f"static/{name}"


def relative(source: str, target: str) -> str:
    """The link from page `source` to file `target`, relative, so the site works under any prefix and file://."""
    # string work instead of posixpath.relpath (which consults the working directory): called for every link
    here = [part for part in source.split("/")[:-1] if part not in {"", "."}]
    there = [part for part in target.split("/") if part not in {"", "."}]
    common = 0
    while common < len(here) and common < len(there) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:]) or "."


def absolute(base_url: str | None, path: str) -> str | None:
    """The public URL of an output path, when the site's base URL is known."""
    if not base_url:
        return None
    return base_url.rstrip("/") + "/" + path.removesuffix("index.html")


def occurrence_url(entry: Entry, locale: str, base_url: str | None) -> str | None:
    """One occurrence's URL: the session's page on this site when its URL is known, else the occurrence's own
    page at the source (frab lists each occurrence of a repeated session with its own URL), else the session's."""
    return absolute(base_url, talk(locale, entry.session.code)) or entry.slot.url or entry.session.source_url


def webcal(url: str | None) -> str | None:
    """A `webcal://` subscription link for an absolute http(s) feed URL."""
    if not url:
        return None
    return "webcal://" + url.split("://", 1)[1]
