"""Session lengths in every form schedules write them: `H:MM`, `HH:MM`, `HH:MM:SS`, pretalx's `D:HH:MM`.

frab and c3voc write `HH:MM` (older tools `HH:MM:SS`); pretalx's frab export writes `D:HH:MM` once a session
lasts a day or more (`serialize_duration` in pretalx's `common/text/serialize.py`: the day count unpadded, and
left out below one day). Three numbers are read as `HH:MM:SS` unless only `D:HH:MM` makes sense, or the
document was written by pretalx; a reading that stays open is a warning naming the session.
"""

from __future__ import annotations

import datetime as dt
import re

from .checks import Problems

TWO_PARTS = re.compile(r"(\d{1,3}):(\d{2})")
THREE_PARTS = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})")
MAX_LENGTH = dt.timedelta(days=31)  # longer than any conference slot: the data is wrong


def parse_duration(value: object, where: str, problems: Problems, *, pretalx: bool = False) -> dt.timedelta | None:
    """The length `value` writes; None (with a warning naming `where`) when it is unreadable or implausible.

    `pretalx`: the document comes from pretalx, whose three-number form is always `D:HH:MM`."""
    text = value.strip() if isinstance(value, str) else ""
    if match := TWO_PARTS.fullmatch(text):
        hours, minutes = map(int, match.groups())
        length = dt.timedelta(hours=hours, minutes=minutes) if minutes < 60 else None
    elif match := THREE_PARTS.fullmatch(text):
        length = _three_parts(text, *match.groups(), where=where, problems=problems, pretalx=pretalx)
    else:
        length = None
    if length is None:
        problems.warn(where, f"unreadable duration {value!r}")
        return None
    if length > MAX_LENGTH:
        problems.warn(where, f"implausible duration {value!r} (over {MAX_LENGTH.days} days)")
        return None
    return length


def _three_parts(text: str, first: str, second: str, third: str, *, where: str, problems: Problems,
                 pretalx: bool) -> dt.timedelta | None:
    a, b, c = int(first), int(second), int(third)
    as_clock = dt.timedelta(hours=a, minutes=b, seconds=c) if b < 60 and c < 60 else None
    # pretalx writes the day count without padding and never a zero one: "0:45:00" and "01:00:00" are clocks
    as_days = dt.timedelta(days=a, hours=b, minutes=c) if len(first) == 1 and a and b < 24 and c < 60 else None
    if pretalx and as_days is not None:
        return as_days
    if as_clock is None or as_days is None:
        return as_clock or as_days
    if c:  # seconds in a timetable are implausible; minutes are not
        return as_days
    problems.warn(where, f"duration {text!r} may be {_words(as_clock)} (HH:MM:SS) or {_words(as_days)} "
                  f"(pretalx's D:HH:MM); read as {_words(as_clock)}")
    return as_clock


def _words(length: dt.timedelta) -> str:
    minutes = int(length.total_seconds()) // 60
    return f"{minutes // 60} h {minutes % 60:02d} min"


def frab_duration(length: dt.timedelta, *, max_hours: int | None = None) -> str:
    """A length as frab's `HH:MM` (seconds dropped); past `max_hours` hours, pretalx's `D:HH:MM`.

    The c3voc XSD allows one or two hour digits (`[0-9]{1,2}:[0-9]{2}` or three groups), so the XML passes
    `max_hours=99`; its JSON schema allows any number of hours."""
    minutes = max(0, int(length.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    if max_hours is not None and hours > max_hours:
        days, hours = divmod(hours, 24)
        return f"{days}:{hours:02d}:{minutes:02d}"
    return f"{hours:02d}:{minutes:02d}"
