"""The day grid's time axis (render/grid.py) without a browser: rows of equal minutes on the event's clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from support.conferences import conference

from generator import sources
from generator.config import Settings
from generator.normalise import normalise
from generator.render.grid import HEADER_LINES, day_grid


def floor_half_hour_utc(moment: dt.datetime) -> dt.datetime:
    """Good enough for a zone a whole number of hours from UTC (Berlin)."""
    return moment.replace(minute=moment.minute // 30 * 30, second=0, microsecond=0)


@pytest.mark.parametrize("index", range(4), ids=lambda i: f"day{i + 1}")
def test_every_39c3_slot_starts_and_ends_on_the_row_of_its_minute(index):
    conf = conference("39c3")
    entries = conf.entries_on(conf.days[index])
    first = floor_half_hour_utc(min(e.slot.start for e in entries))

    grid = day_grid(entries, conf.rooms, conf.zone)

    assert not [m for m in grid.marks if m.kind == "gap"]  # the congress runs through the night
    assert grid.start == first
    for placed in grid.placed:
        start_minutes = (placed.entry.slot.start - first).total_seconds() / 60
        end_minutes = (placed.entry.slot.end - first).total_seconds() / 60
        assert placed.row_start == HEADER_LINES + 1 + start_minutes / grid.unit
        assert placed.row_end == HEADER_LINES + 1 + end_minutes / grid.unit
    assert len(grid.rows) == (grid.end - grid.start).total_seconds() / 60 / grid.unit


def frab_day(tmp_path: Path, zone: str, offset: str, talks: list[tuple[str, str]]) -> Path:
    """A one-day frab schedule in `zone` with one room and a talk per (start "HH:MM", duration "HH:MM")."""

    def event(number: int, start: str, duration: str) -> dict[str, Any]:
        return {"guid": f"00000000-0000-0000-0000-00000000000{number}", "id": number, "slug": f"t-{number}",
                "date": f"2026-05-02T{start}:00{offset}", "start": start, "duration": duration, "room": "A",
                "title": f"Talk {number}", "subtitle": "", "track": None, "type": "Talk", "language": "en",
                "abstract": "", "description": "", "persons": [], "links": [], "attachments": []}

    schedule = {"schedule": {"version": "1", "conference": {
        "acronym": "axis", "title": "Axis", "start": "2026-05-02", "end": "2026-05-02", "daysCount": 1,
        "timeslot_duration": "00:05", "time_zone_name": zone,
        "days": [{"index": 1, "date": "2026-05-02", "day_start": f"2026-05-02T06:00:00{offset}",
                  "day_end": f"2026-05-03T06:00:00{offset}",
                  "rooms": {"A": [event(n + 1, s, d) for n, (s, d) in enumerate(talks)]}}]}}}
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(schedule))
    return path


def test_half_hours_follow_the_event_clock_in_a_zone_45_minutes_off_the_hour(tmp_path):
    conf = normalise(sources.load(Settings(source=str(frab_day(
        tmp_path, "Asia/Kathmandu", "+05:45", [("10:05", "00:40"), ("11:10", "00:20")])))))

    grid = day_grid(conf.entries, conf.rooms, conf.zone)

    local = [m.start.astimezone(conf.zone) for m in grid.marks]
    assert [f"{t:%H:%M}" for t in local] == ["10:00", "10:30", "11:00"]
    assert [m.on_the_hour for m in grid.marks] == [True, False, True]
    assert grid.unit == 5
    assert [(p.row_start, p.row_end) for p in grid.placed] == [(3, 11), (16, 20)]  # 10:05 is one row below 10:00


def test_a_long_quiet_stretch_becomes_one_row_and_slots_after_it_move_up(tmp_path):
    conf = normalise(sources.load(Settings(source=str(frab_day(
        tmp_path, "Europe/Berlin", "+02:00", [("10:00", "00:55"), ("15:30", "00:30")])))))

    grid = day_grid(conf.entries, conf.rooms, conf.zone)

    gap = next(m for m in grid.marks if m.kind == "gap")
    assert (f"{gap.start.astimezone(conf.zone):%H:%M}", f"{gap.end.astimezone(conf.zone):%H:%M}") == ("11:00", "15:30")
    assert [(p.row_start, p.row_end) for p in grid.placed] == [(2, 13), (15, 21)]  # 12 rows of 5 min, the gap, 6 rows
    assert grid.row_template() == "auto repeat(12,1rem) 2.5rem repeat(6,1rem)"
