"""Serve the real fixture events from a local ApiServer, in the legacy or the current API's shape."""

from __future__ import annotations

from typing import Any

from .data import load_fixture, results
from .server import ApiServer, Reply


def serve_juliacon_legacy(server: ApiServer, page_size: int = 25) -> str:
    """JuliaCon 2023 as an old pretalx serves it: no current API, /talks/ paginated. Returns the event URL."""
    base = "/api/events/juliacon2023/"
    server.route(base, Reply.json(load_fixture("juliacon2023-api/event.json")))
    server.paginate(f"{base}talks/", load_fixture("juliacon2023-api/talks.json"), page_size)
    server.paginate(f"{base}speakers/", load_fixture("juliacon2023-api/speakers.json"), page_size)
    server.paginate(f"{base}rooms/", load_fixture("juliacon2023-api/rooms.json"), page_size)
    return f"{server.url}/juliacon2023/"


def pyconfr_current_api() -> dict[str, Any]:
    """PyConFR 2025's submissions, regrouped into the current API's flat collections (joined by id)."""
    submissions = results(load_fixture("pyconfr2025-api/derived_submissions.json"))
    flat, slots, types = [], {}, {}
    for sub in submissions:
        kind = sub["submission_type"]
        types[kind["id"]] = kind
        for slot in sub["slots"]:
            slots[slot["id"]] = {"id": slot["id"], "room": slot["room"]["id"], "start": slot["start"],
                                 "end": slot["end"], "submission": sub["code"], "schedule": 1,
                                 "description": slot["description"], "duration": slot["duration"]}
        flat.append({**sub, "speakers": [s["code"] for s in sub["speakers"]], "submission_type": kind["id"],
                     "slots": [s["id"] for s in sub["slots"]], "track": None})
    ordered_slots = [slots[key] for key in sorted(slots)]
    return {
        "event": load_fixture("pyconfr2025-api/event.json"),
        "submissions": flat,
        "speakers": results(load_fixture("pyconfr2025-api/derived_speakers.json")),
        "rooms": results(load_fixture("pyconfr2025-api/derived_rooms.json")),
        "tracks": [],
        "submission-types": [types[key] for key in sorted(types)],
        "slots": ordered_slots,
        "schedule": {"id": 1, "version": "1.0", "published": "2025-10-20T12:00:00+02:00",
                     "slots": [s["id"] for s in ordered_slots]},
    }


def serve_pyconfr_current(server: ApiServer, page_size: int = 25, data: dict[str, Any] | None = None) -> str:
    """PyConFR 2025 (or `data`, a variant of `pyconfr_current_api()`) as a pretalx 2025+ server serves it.

    Returns the event URL.
    """
    data = data or pyconfr_current_api()
    base = "/api/events/pyconfr-2025/"
    server.route("/api/", Reply.json({"name": "pretalx", "version": "2025.1.0", "api_version": "v1"}))
    server.route(base, Reply.json(data["event"]))
    server.route(f"{base}schedules/latest/", Reply.json(data["schedule"]))
    for name in ("submissions", "speakers", "rooms", "tracks", "submission-types", "slots"):
        server.paginate(f"{base}{name}/", data[name], page_size)
    return f"{server.url}/pyconfr-2025/"
