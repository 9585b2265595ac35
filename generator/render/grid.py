"""A day's timetable as a CSS grid: rooms are columns, time boundaries are row lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Entry, Room

HEADER_LINES = 1  # grid line 1 is above the room names; the first time line is grid line 2
REM_PER_MINUTE = 0.12  # a 30-minute talk is at least 3.6rem tall
TALLEST_ROW_REM = 12.0
GAP_ROW_REM = 1.5  # a stretch with nothing scheduled (lunch, night) stays short


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
class DayGrid:
    """The layout of one day: room columns, time lines, and every slot placed."""

    rooms: tuple[Room, ...]
    lines: tuple[dt.datetime, ...]
    busy: tuple[bool, ...]  # for each row between two lines: does anything run there?
    placed: tuple[Placed, ...]

    def line(self, index: int) -> int:
        """The grid line of time line `index`."""
        return index + HEADER_LINES + 1

    def ticks(self) -> list[tuple[int, dt.datetime]]:
        """(grid row, time) for every row, to label the time axis."""
        return [(self.line(i), moment) for i, moment in enumerate(self.lines[:-1])]

    def row_template(self) -> str:
        """The CSS `grid-template-rows` value: each row's height follows its duration."""
        heights = ["auto"]
        for (start, end), busy in zip(zip(self.lines, self.lines[1:]), self.busy):
            minutes = (end - start).total_seconds() / 60
            rem = min(minutes * REM_PER_MINUTE, TALLEST_ROW_REM) if busy else GAP_ROW_REM
            heights.append(f"minmax({rem:.2f}rem,auto)".replace(".00rem", "rem"))
        return " ".join(heights)


def day_grid(entries: Sequence[Entry], rooms: Sequence[Room]) -> DayGrid:
    """Place a day's slots: one pass to collect time lines, one to place each slot (linear after sorting)."""
    used = {entry.slot.room_id for entry in entries}
    columns = tuple(room for room in rooms if room.id in used)
    column_of = {room.id: index + 2 for index, room in enumerate(columns)}  # column 1 is the time axis
    lines = tuple(sorted({e.slot.start for e in entries} | {e.slot.end for e in entries}))
    index_of = {moment: index for index, moment in enumerate(lines)}

    coverage = [0] * (len(lines) + 1)
    placed = []
    for entry in entries:
        first, last = index_of[entry.slot.start], index_of[entry.slot.end]
        if last == first:  # a zero-length slot still needs one row
            last = min(first + 1, len(lines) - 1) if len(lines) > 1 else first
        coverage[first] += 1
        coverage[last] -= 1
        placed.append(Placed(entry, first + HEADER_LINES + 1, max(last, first + 1) + HEADER_LINES + 1,
                             column_of[entry.slot.room_id]))
    busy, running = [], 0
    for count in coverage[:max(len(lines) - 1, 0)]:
        running += count
        busy.append(running > 0)
    return DayGrid(columns, lines, tuple(busy), tuple(placed))
