"""An RFC 5545 VTIMEZONE built from the zoneinfo database: one observance for each change of UTC offset.

We do not use icalendar's `Timezone.from_tzid`: icalendar 7.3 writes each observance's DTSTART as the wall time
*after* the change (the spring DAYLIGHT onset of Europe/Berlin as 03:00), while RFC 5545 section 3.6.5 says
DTSTART is the local time *before* it, read in TZOFFSETFROM (02:00 for that onset). Readers that trust the
VTIMEZONE, such as libical (Evolution, KDE), then put times of the changing night an hour off. Upstream:
python icalendar's `Timezone.from_tzid` has this fault (the Ruby icalendar had the same, its issue #252);
replace this module with it once it is fixed there.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

UTC = dt.timezone.utc
STEP = dt.timedelta(days=1)  # no zone changes its offset twice within a day


def transitions(zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta]]:
    """(UTC instant, offset before, offset after) of every change of UTC offset from `first` to `last` (UTC)."""
    found = []
    moment, offset = first, first.astimezone(zone).utcoffset()
    while moment < last:
        following = min(moment + STEP, last)
        after = following.astimezone(zone).utcoffset()
        if after != offset:
            low, high = moment, following  # the offset is `offset` at low and `after` at high: find the second
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append((high, offset, after))
            offset = after
        moment = following
    return found


@lru_cache(maxsize=16)
def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of IANA zone `tzid` for the given years: an opening observance on 1 January of the first
    year (TZOFFSETFROM = TZOFFSETTO, the offset then), then one per change, each with DTSTART the wall time
    before the change and TZOFFSETFROM/TZOFFSETTO the offsets before and after (RFC 5545 3.6.5)."""
    zone = ZoneInfo(tzid)
    start = dt.datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    timezone = icalendar.Timezone()
    timezone.add("tzid", tzid)
    opening = start.astimezone(zone)
    timezone.add_component(_observance(opening, opening.replace(tzinfo=None), opening.utcoffset(), opening.utcoffset()))
    for moment, before, after in transitions(zone, start, end):
        wall_before = (moment + before).replace(tzinfo=None)  # the local clock just before it changes
        timezone.add_component(_observance(moment.astimezone(zone), wall_before, before, after))
    return timezone


def _observance(local: dt.datetime, onset: dt.datetime, before: dt.timedelta, after: dt.timedelta) -> icalendar.Component:
    """One STANDARD or DAYLIGHT component: which one, and its TZNAME, from the zone's state at `local`."""
    kind = icalendar.TimezoneDaylight if local.dst() else icalendar.TimezoneStandard
    component = kind()
    component.add("dtstart", onset)
    if name := local.tzname():
        component.add("tzname", name)
    component.add("tzoffsetfrom", before)
    component.add("tzoffsetto", after)
    return component
