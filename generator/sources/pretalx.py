"""Fetch an event from pretalx's current REST API (pretalx 2025 and later), as one schedule version.

A production pretalx is a moving target: organisers release new versions while a build reads, and the API's
slot ordering is not total (pretalx orders `/slots/` by start and room position only; rooms made in the
organiser UI have no position, so parallel slots tie and PostgreSQL orders ties differently for each page:
pretalx issue #2155). So the fetch is fenced by the latest schedule's id, read before and after everything
else; the slots are pinned to that schedule (`?schedule={id}`, pretalx's TalkSlotFilter) and completed
against the schedule's own list of slot ids (`completeness.py`).
"""

from __future__ import annotations

import logging
from typing import Any

from ..errors import FetchError
from . import pretalx_history
from .completeness import complete_by_key, complete_slots
from .http import HttpClient
from .locate import public_event_url
from .raw import RawEvent

log = logging.getLogger(__name__)

COLLECTIONS = ("submissions", "speakers", "rooms", "tracks", "submission-types", "slots")
# the largest page the current API serves (its default is 50): each page costs pretalx a fixed ~0.2 s besides its items
PAGE_SIZE = 250
# a release during the fetch starts it again; organisers do not release this often within seconds
ATTEMPTS = 3
# the field each collection's objects are unique by (pretalx's lookup field for the detail endpoint)
KEYS = {"submissions": "code", "speakers": "code", "rooms": "id", "tracks": "id", "submission-types": "id",
        "slots": "id"}
# expanded in place of ids: a submission's public resources (links and uploads with their descriptions)
EXPAND = {"submissions": "&expand=resources"}


def fetch(client: HttpClient, api_base: str, event: Any = None, *, anonymous: bool = True) -> RawEvent:
    """The event (`event`: its document when already read), its flat collections and the latest released
    schedule, all of one schedule version. `anonymous`: fetched without a token, so everything listed is on the
    public schedule; recorded as the document `seen_as` ("anonymous" or "organiser") for the normaliser.

    Raises FetchError when a new version was released during each of ATTEMPTS fetches, or when the
    collections cannot be completed (objects the schedule lists that the server does not send).
    """
    if event is None:  # first: a wrong slug is named as such, not as a missing schedule
        event = client.get_json(api_base)
    schedule = _latest_schedule(client, api_base)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            documents = {"event": event, **_fetch_version(client, api_base, schedule),
                         "seen_as": "anonymous" if anonymous else "organiser"}
        except FetchError:  # counts that change between pages, a slot of the new version: a release, or not?
            after = _latest_schedule(client, api_base)
            if after.get("id") == schedule.get("id"):
                raise
        else:
            after = _latest_schedule(client, api_base)
            if after.get("id") == schedule.get("id"):
                page = public_event_url(api_base, event.get("slug"), event.get("custom_domain")) \
                    if isinstance(event, dict) else None
                earlier = pretalx_history.fetch(client, page, schedule) if page else None
                if earlier is not None:  # the versions before this one (the Changes page)
                    documents["history"] = earlier
                return RawEvent("pretalx", api_base, documents)
        log.warning("schedule %s was released while fetching %s (attempt %d of %d); fetching again",
                    _name(after), _name(schedule), attempt, ATTEMPTS)
        schedule = after
    raise FetchError(f"a new schedule version was released during each of {ATTEMPTS} fetches",
                     url=f"{api_base}schedules/latest/",
                     hint="the organisers are releasing right now; run the build again in a minute")


def _fetch_version(client: HttpClient, api_base: str, schedule: dict[str, Any]) -> dict[str, Any]:
    """The schedule and every collection of the event, the slots pinned to `schedule`; each collection complete and unique."""
    pinned = f"&schedule={schedule['id']}" if isinstance(schedule.get("id"), int) else ""
    urls = {name: f"{api_base}{name}/?page_size={PAGE_SIZE}" + EXPAND.get(name, "") + (pinned if name == "slots" else "")
            for name in COLLECTIONS}
    log.info("fetching %s of schedule %s", ", ".join(COLLECTIONS), _name(schedule))
    collections = client.concurrently([lambda url=url: client.get_collection(url) for url in urls.values()])
    documents: dict[str, Any] = {"schedule": schedule}
    for name, items in zip(COLLECTIONS, collections):
        if name == "slots":
            documents[name] = complete_slots(client, api_base, items, schedule)
        else:
            documents[name] = complete_by_key(items, KEYS[name], urls[name])
    return documents


def _latest_schedule(client: HttpClient, api_base: str) -> dict[str, Any]:
    try:
        schedule = client.get_json(f"{api_base}schedules/latest/")
    except FetchError as exc:
        if exc.status != 404:
            raise
        raise FetchError("the event has no released schedule", url=exc.url, status=404,
                         hint="release a schedule in pretalx, or pass --token to preview the draft") from None
    if not isinstance(schedule, dict):
        raise FetchError("the latest schedule is not an object", url=f"{api_base}schedules/latest/",
                         hint="this is not what a pretalx API sends")
    return schedule


def _name(schedule: dict[str, Any]) -> str:
    return f"{schedule.get('version')!r} (id {schedule.get('id')})"
