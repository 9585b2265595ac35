"""Fetch an event from pretalx's legacy API: talks with nested speakers and a slot."""

from __future__ import annotations

import logging

from ..errors import FetchError
from .http import HttpClient
from .raw import RawEvent

log = logging.getLogger(__name__)

LEGACY_HEADERS = {"Pretalx-Version": "LEGACY"}


def fetch(client: HttpClient, api_base: str) -> RawEvent:
    """The event, talks (from `/talks/`, or `/submissions/` on newer servers), speakers and rooms."""
    documents = {"event": client.get_json(api_base, LEGACY_HEADERS)}
    try:
        documents["talks"] = client.get_collection(f"{api_base}talks/", LEGACY_HEADERS)
    except FetchError as exc:
        if exc.status != 404:
            raise
        log.info("no /talks/ endpoint; reading /submissions/ in the legacy shape")
        documents["talks"] = client.get_collection(f"{api_base}submissions/", LEGACY_HEADERS)
    documents["speakers"] = client.get_collection(f"{api_base}speakers/", LEGACY_HEADERS)
    documents["rooms"] = client.get_collection(f"{api_base}rooms/", LEGACY_HEADERS)
    return RawEvent("pretalx-legacy", api_base, documents)
