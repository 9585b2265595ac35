"""A large synthetic event as a frab/c3voc schedule.json: by default 10,000 sessions in 100 rooms over 5 days.

    python benchmarks/synthetic.py OUT.json [--sessions 10000] [--rooms 100] [--days 5]

Deterministic: the same arguments give the same bytes (a seeded generator, no clock).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import uuid
from pathlib import Path
from typing import Any

WORDS = ("open", "source", "hardware", "privacy", "radio", "network", "kernel", "compiler", "museum", "archive",
         "satellite", "garden", "protocol", "democracy", "fuzzing", "energy", "music", "library", "city",
         "climate", "security", "community", "printing", "sensor", "mesh", "language", "data", "vote", "map")
TRACKS = ("Hardware", "Security", "Ethics", "Science", "Art & Culture", "Community", "Entertainment",
          "Sustainability", "Education", "Infrastructure")
TYPES = ("Talk", "Workshop", "Lightning Talk")
NAMESPACE = uuid.UUID("6f1c2a9e-2b1d-4c7e-9a53-5ad1c0ffee00")


def schedule(sessions: int = 10_000, rooms: int = 100, days: int = 5, seed: int = 39) -> dict[str, Any]:
    """The frab document: `sessions` talks spread evenly over `rooms` × `days`, each 30 minutes from 10:00."""
    rng = random.Random(seed)
    first = dt.date(2030, 12, 27)
    room_names = [f"Hall {n:03d}" for n in range(1, rooms + 1)]
    per_room_day = -(-sessions // (rooms * days))
    speakers = [_person(rng, n) for n in range(max(1, sessions * 6 // 10))]
    day_rooms: list[dict[str, list[dict[str, Any]]]] = [{name: [] for name in room_names} for _ in range(days)]
    for number in range(sessions):
        day, rest = divmod(number, rooms * per_room_day)
        room, position = divmod(rest, per_room_day)
        day = min(day, days - 1)
        start = dt.datetime.combine(first + dt.timedelta(days=day), dt.time(10), dt.timezone(dt.timedelta(hours=1)))
        start += dt.timedelta(minutes=35 * position)
        people = rng.sample(speakers, rng.choice((1, 1, 1, 2, 3)))
        day_rooms[day][room_names[room]].append(_event(rng, number, start, room_names[room], people))
    return {"$schema": "https://c3voc.de/schedule/schema.json", "generator": {"name": "pretalx-static synthetic"},
            "schedule": {"version": "1.0", "base_url": "https://synthetic.example/",
                         "conference": {
                             "acronym": "synthcon", "title": "Synthetic Conference",
                             "start": first.isoformat(), "end": (first + dt.timedelta(days=days - 1)).isoformat(),
                             "daysCount": days, "timeslot_duration": "00:05", "time_zone_name": "Europe/Berlin",
                             "url": "https://synthetic.example/",
                             "rooms": [{"name": name, "guid": str(uuid.uuid5(NAMESPACE, name))} for name in room_names],
                             "tracks": [{"name": track, "color": f"#{(37 * i) % 256:02x}60a0"}
                                        for i, track in enumerate(TRACKS)],
                             "days": [{"index": d + 1, "date": (first + dt.timedelta(days=d)).isoformat(),
                                       "day_start": f"{first + dt.timedelta(days=d)}T10:00:00+01:00",
                                       "day_end": f"{first + dt.timedelta(days=d + 1)}T03:00:00+01:00",
                                       "rooms": day_rooms[d]} for d in range(days)]}}}


def _person(rng: random.Random, number: int) -> dict[str, Any]:
    name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {number}"
    return {"guid": str(uuid.uuid5(NAMESPACE, f"person-{number}")), "id": number + 1, "name": name,
            "public_name": name, "biography": _prose(rng, 3)}


def _event(rng: random.Random, number: int, start: dt.datetime, room: str,
           people: list[dict[str, Any]]) -> dict[str, Any]:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
    return {"guid": str(uuid.uuid5(NAMESPACE, f"event-{number}")), "id": number + 1, "code": f"S{number:05d}",
            "date": start.isoformat(), "start": start.strftime("%H:%M"), "duration": "00:30", "room": room,
            "slug": f"synthcon-{number}", "title": title, "subtitle": "", "language": "en",
            "track": rng.choice(TRACKS), "type": rng.choice(TYPES), "abstract": _prose(rng, 2),
            "description": _prose(rng, 6) + "\n\n- " + "\n- ".join(rng.sample(WORDS, 3)) + "\n",
            "persons": people, "links": [], "url": f"https://synthetic.example/talk/S{number:05d}/"}


def _prose(rng: random.Random, sentences: int) -> str:
    return " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."
                    for _ in range(sentences))


def main() -> None:
    """Write the synthetic schedule.json."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--sessions", type=int, default=10_000)
    p.add_argument("--rooms", type=int, default=100)
    p.add_argument("--days", type=int, default=5)
    args = p.parse_args()
    data = schedule(args.sessions, args.rooms, args.days)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
