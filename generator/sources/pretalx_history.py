"""The schedule versions a pretalx event released before its current one, as an anonymous visitor reads them.

pretalx's API lists only the current schedule to anonymous visitors (`api/views/schedule.py`,
`ScheduleViewSet.get_queryset`: all versions for organisers only). Its public pages list them all: the
schedule feed `/{event}/schedule/feed.xml` (pretalx `agenda/views/feed.py`: one entry per released version,
linking `…/schedule/changelog/#{version}`, with the release as `published`; RSS 2.0 in older pretalx, Atom in
newer), and each version's timetable as the widget's data, `/{event}/schedule/v/{version}/widgets/schedule.json`
(`agenda/views/widget.py`: `talks` with code, title, speakers, start, end, room; `rooms`; `speakers`).

The history is an extra: when pretalx does not serve it (an old pretalx, a proxy), the build goes on without it
(and the Changes page falls back to the versions this site has seen, history.py), saying so at INFO level.
"""

from __future__ import annotations

import datetime as dt
import logging
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import defusedxml
import defusedxml.ElementTree as SafeET

from ..errors import FetchError, SourceError
from .http import HttpClient

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"


def fetch(client: HttpClient, event_url: str, current: dict[str, Any]) -> dict[str, Any] | None:
    """`{"releases": [{"version", "published"}], "versions": {version: widget data}}` of every version released
    before `current` (the latest schedule document), oldest first; None when pretalx does not serve them."""
    feed_url = f"{event_url}schedule/feed.xml"
    try:
        releases = client.get_json(feed_url, xml_reader=read_feed)
    except (FetchError, SourceError) as exc:
        log.info("no earlier schedule versions from %s (%s); the Changes page lists the versions this site has seen",
                 feed_url, exc)
        return None
    latest = _instant(current.get("published"))
    if not isinstance(releases, list) or latest is None:
        return None
    earlier = sorted((r for r in releases if r.get("version") != current.get("version")
                      and (moment := _instant(r.get("published"))) is not None and moment < latest),
                     key=lambda r: _instant(r["published"]))
    urls = [f"{event_url}schedule/v/{quote(r['version'], safe='')}/widgets/schedule.json" for r in earlier]
    try:
        versions = client.concurrently([lambda url=url: client.get_json(url) for url in urls])
    except FetchError as exc:
        log.info("cannot read an earlier schedule version (%s); the Changes page lists the versions this site "
                 "has seen", exc)
        return None
    return {"releases": earlier, "versions": {r["version"]: doc for r, doc in zip(earlier, versions)}}


def read_feed(body: bytes, origin: str) -> list[dict[str, str]]:
    """The releases a pretalx schedule feed lists: `{"version", "published"}` (ISO 8601), in feed order. The
    version is the fragment of the entry's link to the changelog (`…/changelog/#v1.1`)."""
    try:
        root = SafeET.fromstring(body)
    except (defusedxml.DefusedXmlException, ET.ParseError) as exc:
        raise SourceError(f"{origin}: not a schedule feed ({exc})") from None
    releases = []
    for entry in root.iter(f"{ATOM}entry"):  # pretalx 2025 and later
        link = entry.find(f"{ATOM}link")
        published = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
        releases.append((link.get("href") if link is not None else None, published))
    for item in root.iter("item"):  # RSS 2.0, older pretalx
        date = item.findtext("pubDate")
        try:
            published = parsedate_to_datetime(date).isoformat() if date else None
        except (TypeError, ValueError):
            published = None
        releases.append((item.findtext("link"), published))
    found = []
    for link, published in releases:
        version = unquote(urlsplit(link).fragment) if link else ""
        if version and published:
            found.append({"version": version, "published": published.strip()})
    return found


def _instant(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None
