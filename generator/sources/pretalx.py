"""Fetch an event from pretalx's current REST API (pretalx 2025 and later)."""

from __future__ import annotations

import logging
from typing import Any

from ..errors import FetchError
from .http import HttpClient
from .raw import RawEvent

log = logging.getLogger(__name__)

COLLECTIONS = ("submissions", "speakers", "rooms", "tracks", "submission-types", "slots")
# the largest page the current API serves (its default is 50): each page costs pretalx a fixed ~0.2 s besides its items
PAGE_SIZE = 250


def fetch(client: HttpClient, api_base: str) -> RawEvent:
    """The event, its flat collections, and the latest released schedule's slot ids."""
    calls = [lambda: client.get_json(api_base), lambda: _latest_schedule(client, api_base)]
    calls += [lambda name=name: client.get_collection(f"{api_base}{name}/?page_size={PAGE_SIZE}")
              for name in COLLECTIONS]
    log.info("fetching the event, its schedule and %s", ", ".join(COLLECTIONS))
    event, schedule, *collections = client.concurrently(calls)  # independent: fetched side by side
    return RawEvent("pretalx", api_base, {"event": event, **dict(zip(COLLECTIONS, collections)),
                                          "schedule": schedule})


def _latest_schedule(client: HttpClient, api_base: str) -> Any:
    try:
        return client.get_json(f"{api_base}schedules/latest/")
    except FetchError as exc:
        if exc.status != 404:
            raise
        raise FetchError("the event has no released schedule", url=exc.url, status=404,
                         hint="release a schedule in pretalx, or pass --token to preview the draft") from None
