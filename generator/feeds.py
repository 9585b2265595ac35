"""The stamp of a build's feeds (DTSTAMP/LAST-MODIFIED of what changed); the feeds themselves are declared in plan.py."""

from __future__ import annotations

import datetime as dt

from .model import Conference

# the stamp of an event with no dates, no sessions, no release time and no SOURCE_DATE_EPOCH: fixed, never the clock
FALLBACK_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def feed_stamp(conference: Conference, epoch: dt.datetime | None = None) -> dt.datetime:
    """The stamp of this build's revisions (DTSTAMP/LAST-MODIFIED of what changed, see revisions.py): the
    schedule's release, else `epoch` (Settings.source_date_epoch, from $SOURCE_DATE_EPOCH), else the event's first
    day at 00:00 UTC (frab and the legacy API carry no release time; a date of the data, never the clock), else a
    fixed date."""
    if conference.released is not None:
        return conference.released
    if epoch is not None:
        return epoch
    first_day = conference.start_date or (conference.days[0].date if conference.days else None)
    if first_day is not None:
        return dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
    return FALLBACK_STAMP
