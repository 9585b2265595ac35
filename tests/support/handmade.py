"""A small event in the current API's shape, built in code, for data no real event would publish."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from generator.sources import snapshot
from generator.sources.raw import RawEvent

ORIGIN = "https://pretalx.example/api/events/handmade/"


def room(room_id: int, name: Any = None) -> dict[str, Any]:
    """A room object."""
    return {"id": room_id, "name": name if name is not None else {"en": f"Room {room_id}"}, "position": room_id}


def speaker(code: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
    """A speaker object."""
    return {"code": code, "name": name if name is not None else f"Speaker {code}", "biography": "", **fields}


def talk(code: str, speakers: list[str], title: str | None = None, **fields: Any) -> dict[str, Any]:
    """A submission object."""
    return {"code": code, "title": title if title is not None else f"Talk {code}", "speakers": speakers,
            "state": "confirmed", "abstract": "", "description": "", **fields}


def slot(slot_id: int, submission: str | None, room_id: Any = 1, start: Any = None, end: Any = None,
         **fields: Any) -> dict[str, Any]:
    """A slot object; consecutive ids get consecutive half hours on 2025-10-30."""
    hour, half = divmod(slot_id, 2)
    start = start if start is not None else f"2025-10-30T{9 + hour % 12:02d}:{30 * half:02d}:00+01:00"
    end = end if end is not None else start.replace(":00:00+", ":25:00+").replace(":30:00+", ":55:00+")
    return {"id": slot_id, "room": room_id, "start": start, "end": end, "submission": submission, **fields}


def event(**overrides: Any) -> dict[str, Any]:
    """The documents of an event with one room, one speaker and one scheduled talk; `overrides` replace documents."""
    documents: dict[str, Any] = {
        "event": {"name": {"en": "Handmade Con"}, "slug": "handmade", "timezone": "Europe/Paris", "locale": "en",
                  "locales": ["en"], "date_from": "2025-10-30", "date_to": "2025-10-30"},
        "rooms": [room(1)],
        "tracks": [],
        "submission-types": [{"id": 1, "name": {"en": "Talk"}, "default_duration": 25}],
        "speakers": [speaker("SPK1")],
        "submissions": [talk("TALK1", ["SPK1"], submission_type=1)],
        "slots": [slot(1, "TALK1")],
        "schedule": {"version": "1", "published": "2025-10-20T12:00:00+02:00"},
    }
    documents.update(copy.deepcopy(overrides))
    return documents


def snapshot_file(documents: dict[str, Any], path: Path) -> Path:
    """Write `documents` as a snapshot this tool can build from."""
    path.write_bytes(snapshot.dumps(RawEvent("pretalx", ORIGIN, documents)))
    return path
