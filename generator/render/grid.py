"""A day's timetable as a CSS grid: rooms are columns, and time runs down rows of equal length.

The time axis is proportional: every row stands for the same number of minutes (`DayGrid.unit`), so a session's
height follows its length and the ticks every half hour are evenly spaced, as in the Fahrplan of the Chaos
Communication Congress and pretalx's own schedule. A stretch of at least `GAP_MINUTES` in which nothing runs
(the night of a multi-day congress) is drawn as one short row that says what it leaves out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..model import Entry, Room

HEADER_LINES = 1  # grid line 1 is above the room names; the first time row starts at grid line 2
TICK_MINUTES = 30  # a tick (and a grid line across all rooms) every half hour, labelled
REM_PER_MINUTE = 0.2  # 12rem (192 px) an hour: a 40-minute talk shows its time, a three-line title and speakers
GAP_MINUTES = 180  # an idle stretch this long or longer is compressed into one row
GAP_ROW_REM = 2.5


@dataclass(frozen=True)
class Placed:
    """One slot's place in the grid: grid lines for its rows, and its room's column."""

    entry: Entry
    row_start: int
    row_end: int
    column: int

    @property
    def area(self) -> str:
        """The CSS `grid-area` value."""
        return f"{self.row_start}/{self.column}/{self.row_end}"


@dataclass(frozen=True)
class Mark:
    """A labelled place on the time axis: a half-hour tick (spanning `rows` rows) or a compressed gap (one row)."""

    kind: Literal["tick", "gap"]
    row: int  # the grid line it starts at
    rows: int
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC: the next mark's start
    on_the_hour: bool  # a tick at a whole hour of the event's clock (drawn stronger than a half hour)


@dataclass(frozen=True)
class HourGroup:
    """The slots starting within one hour of the event's clock: one heading of the list a phone shows."""

    hour: dt.datetime  # UTC instant of the whole hour (event's clock) the slots start in
    placed: tuple[Placed, ...]


@dataclass(frozen=True)
class DayGrid:
    """The layout of one day: room columns, the time axis (ticks and gaps), and every slot placed."""

    rooms: tuple[Room, ...]
    unit: int  # minutes per row
    rows: tuple[float, ...]  # each row's height in rem, in order
    marks: tuple[Mark, ...]
    placed: tuple[Placed, ...]
    start: dt.datetime | None  # UTC: where the axis starts and ends (None for a day without slots)
    end: dt.datetime | None
    start_hours: tuple[dt.datetime, ...]  # for each placed slot, the whole hour (event's clock) it starts in

    def row_template(self) -> str:
        """The CSS `grid-template-rows` value: the header row, then runs of equal rows written with repeat()."""
        parts = ["auto"]
        runs: list[list[float | int]] = []
        for height in self.rows:
            if runs and runs[-1][0] == height:
                runs[-1][1] += 1
            else:
                runs.append([height, 1])
        for height, count in runs:
            size = f"{height:.3f}".rstrip("0").rstrip(".") + "rem"
            parts.append(f"repeat({count},{size})" if count > 1 else size)
        return " ".join(parts)

    def hours(self) -> list[HourGroup]:
        """The placed slots grouped by the hour they start in, in order (slots are placed in start order)."""
        groups: list[HourGroup] = []
        for placed, hour in zip(self.placed, self.start_hours):
            if groups and groups[-1].hour == hour:
                groups[-1] = HourGroup(hour, groups[-1].placed + (placed,))
            else:
                groups.append(HourGroup(hour, (placed,)))
        return groups


def _floor(moment: dt.datetime, minutes: int, zone: dt.tzinfo) -> dt.datetime:
    """The latest instant at or before `moment` whose wall-clock time in `zone` is a multiple of `minutes`
    (for 30 or 60; offsets such as +05:45 make this differ from flooring the UTC time)."""
    local = moment.astimezone(zone)
    return moment - dt.timedelta(minutes=local.minute % minutes, seconds=local.second,
                                 microseconds=local.microsecond)


def _ceil(moment: dt.datetime, minutes: int, zone: dt.tzinfo) -> dt.datetime:
    floor = _floor(moment, minutes, zone)
    return floor if floor == moment else floor + dt.timedelta(minutes=minutes)


def _minutes(delta: dt.timedelta) -> int:
    """Whole minutes, rounded to the nearest (a grid row is at least a minute; seconds do not show)."""
    return round(delta.total_seconds() / 60)


def _idle(entries: Sequence[Entry], start: dt.datetime, zone: dt.tzinfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """Stretches of at least GAP_MINUTES, on half-hour boundaries, in which no slot of any room runs."""
    gaps, busy_until = [], start
    for entry in sorted(entries, key=lambda e: e.slot.start):
        quiet_from, quiet_to = _ceil(busy_until, TICK_MINUTES, zone), _floor(entry.slot.start, TICK_MINUTES, zone)
        if _minutes(quiet_to - quiet_from) >= GAP_MINUTES:
            gaps.append((quiet_from, quiet_to))
        busy_until = max(busy_until, entry.slot.end)
    return gaps


def day_grid(entries: Sequence[Entry], rooms: Sequence[Room], zone: dt.tzinfo) -> DayGrid:
    """Place a day's slots on a proportional time axis in `zone`'s half hours.

    The row length is the largest number of minutes that divides every slot's offset from the half hour it starts
    or ends in (5 for most schedules, 1 at worst), so every start and end falls on a grid line. Slots are placed
    in start order (then room order), which is also the order of the list a phone shows.
    """
    used = {entry.slot.room_id for entry in entries}
    columns = tuple(room for room in rooms if room.id in used)
    column_of = {room.id: index + 2 for index, room in enumerate(columns)}  # column 1 is the time axis
    if not entries:
        return DayGrid(columns, TICK_MINUTES, (), (), (), None, None, ())
    order = {room.id: index for index, room in enumerate(columns)}
    ordered = sorted(entries, key=lambda e: (e.slot.start, order[e.slot.room_id], e.slot.end))
    start = _floor(min(e.slot.start for e in entries), TICK_MINUTES, zone)
    end = _ceil(max(max(e.slot.end, e.slot.start + dt.timedelta(minutes=1)) for e in entries), TICK_MINUTES, zone)

    unit = TICK_MINUTES
    for entry in entries:
        for moment in (entry.slot.start, entry.slot.end):
            unit = math.gcd(unit, _minutes(moment - _floor(moment, TICK_MINUTES, zone)))
    unit = max(unit, 1)
    per_tick = TICK_MINUTES // unit

    # the axis: half-hour ticks of `per_tick` rows each, gaps of one row; `line_at` maps a tick's start to its line
    marks, heights, line_at = [], [], {}
    gaps = {begin: finish for begin, finish in _idle(entries, start, zone)}
    moment, line = start, HEADER_LINES + 1
    while moment < end:
        if moment in gaps:
            marks.append(Mark("gap", line, 1, moment, gaps[moment], False))
            heights.append(GAP_ROW_REM)
            line_at[moment] = line
            moment, line = gaps[moment], line + 1
            continue
        following = moment + dt.timedelta(minutes=TICK_MINUTES)
        marks.append(Mark("tick", line, per_tick, moment, following, moment.astimezone(zone).minute == 0))
        heights.extend([round(unit * REM_PER_MINUTE, 3)] * per_tick)
        line_at[moment] = line
        moment, line = following, line + per_tick
    last_line = line

    def line_of(instant: dt.datetime) -> int:
        tick = _floor(instant, TICK_MINUTES, zone)
        if tick not in line_at:  # inside a compressed gap: nothing starts or ends there, but keep it total
            return min((ln for t, ln in line_at.items() if t > instant), default=last_line)
        return line_at[tick] + _minutes(instant - tick) // unit

    placed = []
    for entry in ordered:
        first = line_of(entry.slot.start)
        final = line_of(entry.slot.end) if entry.slot.end < end else last_line
        placed.append(Placed(entry, first, max(final, first + 1), column_of[entry.slot.room_id]))
    hour_of = tuple(_floor(e.slot.start, 60, zone) for e in ordered)
    return DayGrid(columns, unit, tuple(heights), tuple(marks), tuple(placed), start, end, hour_of)
