"""Fetch an event from pretalx's legacy API: talks with nested speakers and a slot."""

from __future__ import annotations

import logging
from typing import Any

from ..errors import FetchError
from .http import HttpClient
from .raw import RawEvent

log = logging.getLogger(__name__)

LEGACY_HEADERS = {"Pretalx-Version": "LEGACY"}


def fetch(client: HttpClient, api_base: str) -> RawEvent:
    """The event, talks (from `/talks/`, or `/submissions/` on newer servers), speakers and rooms."""
    event, talks, speakers, rooms = client.concurrently([  # independent: fetched side by side
        lambda: client.get_json(api_base, LEGACY_HEADERS),
        lambda: _talks(client, api_base),
        lambda: client.get_collection(f"{api_base}speakers/", LEGACY_HEADERS),
        lambda: client.get_collection(f"{api_base}rooms/", LEGACY_HEADERS),
    ])
    return RawEvent("pretalx-legacy", api_base, {"event": event, "talks": talks, "speakers": speakers,
                                                 "rooms": rooms})


def _talks(client: HttpClient, api_base: str) -> list[Any]:
    try:
        return client.get_collection(f"{api_base}talks/", LEGACY_HEADERS)
    except FetchError as exc:
        if exc.status != 404:
            raise
        log.info("no /talks/ endpoint; reading /submissions/ in the legacy shape")
        return client.get_collection(f"{api_base}submissions/", LEGACY_HEADERS)
