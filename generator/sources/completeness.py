"""Every object exactly once: deduplicate paginated collections, and complete the slots by id.

Page-numbered pagination over an ordering with ties (pretalx `/slots/`: `start, room__position`, rooms without a
position; pretalx issue #2155) shows some objects twice and others never, while the total `count` still matches.
Slots are completed against the schedule's own list of slot ids (`/schedules/{id}/` lists them) by fetching each
missing one from `/slots/{id}/`, which anonymous users may read for any released schedule (pretalx
`public_talk_slots`); the other collections are ordered by a unique field (`code`, `id`) and are only checked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from ..errors import FetchError
from .http import HttpClient

log = logging.getLogger(__name__)

# more missing slots than this is not a pagination tie but a broken server: refuse rather than send thousands
MAX_MISSING = 500


def unique(items: Iterable[Any], key: str) -> tuple[list[Any], list[Any]]:
    """(the items, each key once in first-seen order; the keys seen more than once). Items without a key stay."""
    seen: set[Any] = set()
    kept, twice = [], []
    for item in items:
        value = item.get(key) if isinstance(item, dict) else None
        if value is None or isinstance(value, (dict, list)):
            kept.append(item)
        elif value in seen:
            twice.append(value)
        else:
            seen.add(value)
            kept.append(item)
    return kept, twice


def complete_by_key(items: list[Any], key: str, url: str) -> list[Any]:
    """A collection whose pages are ordered by the unique `key`: duplicates mean objects were skipped.

    The count already matched (HttpClient.get_collection), so every duplicate stands for one object never sent;
    which one cannot be known, so this raises FetchError naming the duplicates.
    """
    kept, twice = unique(items, key)
    if twice:
        raise FetchError(f"{len(twice)} object(s) came twice across pages, so as many were never sent "
                         f"(twice: {_sample(twice)})", url=url,
                         hint="the data changed while fetching, or the server's ordering is not stable; try again")
    return kept


def complete_slots(client: HttpClient, api_base: str, items: list[Any], schedule: dict[str, Any]) -> list[Any]:
    """The slots of `schedule`, each once, sorted by id: duplicates dropped, the missing fetched by id.

    `schedule` is the `/schedules/latest/` document (`id`, `slots`: the ids of its visible slots). Raises
    FetchError when a slot belongs to another schedule version, or when slots stay missing.
    """
    url = f"{api_base}slots/"
    kept, twice = unique(items, "id")
    if twice:
        log.info("%d slot(s) came twice across the API's pages (pretalx #2155); dropped", len(twice))
    wanted = schedule.get("slots")
    if not isinstance(wanted, list) or not all(isinstance(i, int) for i in wanted):
        if twice:  # without the schedule's list the skipped slots cannot be named
            raise FetchError(f"{len(twice)} slot(s) came twice across pages, so as many were never sent", url=url,
                             hint="the server's slot ordering is not stable; try again")
        return kept
    got = {item["id"] for item in kept if isinstance(item, dict) and isinstance(item.get("id"), int)}
    missing = sorted(set(wanted) - got)
    if len(missing) > MAX_MISSING:
        raise FetchError(f"{len(missing)} of the schedule's {len(set(wanted))} slots were not sent", url=url,
                         hint="the server is not serving this schedule's slots; try again")
    if missing:
        log.info("fetching %d slot(s) the pages skipped, by id: %s", len(missing), _sample(missing))
        kept += client.concurrently([lambda n=n: client.get_json(f"{url}{n}/") for n in missing])
    by_id = {item.get("id"): item for item in kept if isinstance(item, dict)}
    others = sorted(n for n, item in by_id.items() if item.get("schedule") not in (None, schedule.get("id")))
    if others:
        raise FetchError(f"{len(others)} slot(s) belong to another schedule version than "
                         f"{schedule.get('version')!r} (id {schedule.get('id')}): {_sample(others)}", url=url,
                         hint="a new version was released while fetching; run the build again")
    still = sorted(set(wanted) - set(by_id))
    if still:
        raise FetchError(f"{len(still)} slot(s) of the schedule could not be fetched: {_sample(still)}", url=url,
                         hint="the server does not serve every slot of its schedule; try again")
    extra = sorted(n for n in by_id if isinstance(n, int) and n not in set(wanted))
    if extra:  # not in the schedule's list: invisible or from a draft; the list is what pretalx publishes
        log.info("%d slot(s) are not in schedule %r; left out: %s", len(extra), schedule.get("version"),
                 _sample(extra))
    return [by_id[n] for n in sorted(set(wanted))]


def _sample(values: list[Any], limit: int = 10) -> str:
    shown = ", ".join(str(v) for v in sorted(values, key=str)[:limit])
    return shown + (f" … ({len(values)} in all)" if len(values) > limit else "")
