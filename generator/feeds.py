"""The stamp of a build's feeds (DTSTAMP/LAST-MODIFIED of what changed); the feeds themselves are declared in plan.py."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from .errors import UsageError
from .model import Conference

# the stamp of an event with no dates, no sessions, no release time and no SOURCE_DATE_EPOCH: fixed, never the clock
FALLBACK_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def feed_stamp(conference: Conference, environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """The stamp of this build's revisions (DTSTAMP/LAST-MODIFIED of what changed, see revisions.py): the
    schedule's release, else SOURCE_DATE_EPOCH, else the event's first day at 00:00 UTC (frab and the legacy
    API carry no release time; a date of the data, never the clock), else a fixed date."""
    if conference.released is not None:
        return conference.released
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp",
                             hint="set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct)") from None
    first_day = conference.start_date or (conference.days[0].date if conference.days else None)
    if first_day is not None:
        return dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
    return FALLBACK_STAMP
