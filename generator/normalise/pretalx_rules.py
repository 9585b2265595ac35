"""pretalx's own rules, shared by the readers of its two APIs (`pretalx.py`, current; `legacy.py`): which
submissions the public schedule lists, its days, its public URLs, an event's locales and a session's resources."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import SourceError
from ..i18n import locale_code
from ..model import Resource
from ..sanitise import clean_line, listed, public_url, ref
from ..sources.locate import public_event_url  # noqa: F401 - the readers' one rule, shared with the fetch
from .assemble import SourceDay
from .checks import Problems


def code_of(item: dict[str, Any]) -> str | None:
    """The `code` of a submission or speaker, when it is a non-empty string."""
    return ref(item["code"]) if isinstance(item.get("code"), str) else None


def talk_url(base: str | None, code: str) -> str | None:
    """A session's public page on the pretalx host (the code quoted: it may be anything)."""
    return f"{base}talk/{quote(code, safe='')}/" if base else None


def event_locales(event: dict[str, Any], problems: Problems) -> tuple[tuple[str, ...], str]:
    """The event's locales (valid codes only, default first when missing) and its default locale."""
    locales = tuple(dict.fromkeys(code for code in map(locale_code, listed(event.get("locales"))) if code))
    default = locale_code(event.get("locale"))
    if event.get("locale") is not None and default is None:
        problems.warn("event", f"invalid default locale {event.get('locale')!r}; ignored")
    if not locales:
        locales = (default or "en",)
    if default not in locales:
        default = locales[0]
    return locales, default


# What the public schedule lists, by pretalx's own rule (src/pretalx/schedule/domain/release.py, freeze_schedule):
# on release, a slot becomes visible when its submission is confirmed, or when it is a break; blockers are
# deleted from released schedules. Anonymous visitors get only those (Schedule.scheduled_talks filters on
# is_visible); an organiser's token also gets rejected, submitted and accepted-but-unconfirmed submissions, their
# slots and their speakers (api/serializers/schedule.py: only_visible_slots is off for organisers). A session
# cancelled, withdrawn or rejected after the release that made it visible stays on the public schedule (its slot
# stays visible in that schedule: anonymous visitors get it with its new state), marked cancelled.
PUBLIC_STATES = frozenset({"confirmed", "canceled", "cancelled", "withdrawn"})


def is_public_state(state: Any) -> bool:
    """True when a submission in this state can be on the public schedule (a missing state: as pretalx's older
    public exports, which list only what is public)."""
    return state is None or clean_line(state) in PUBLIC_STATES


# pretalx's own days (ScheduleData.data in pretalx/schedule/interfaces/exporters.py, pretalx 2026.2): every date
# of the event is a day, written as running from 04:00 to 03:59 the next day; a session belongs to the date it
# starts on, or the day before when it starts before 03:00 (except on the first day)
PRETALX_DAY_START = dt.time(4, 0)
PRETALX_DAY_END = dt.time(3, 59)
PRETALX_NIGHT_ENDS = 3
MAX_DAYS = 366


def pretalx_days(first: dt.date | None, last: dt.date | None, zone: dt.tzinfo) -> list[SourceDay]:
    """The days pretalx lists for an event from `first` to `last` (none for a missing or absurd range)."""
    if not first or not last or not 0 <= (last - first).days <= MAX_DAYS:
        return []
    def at(date: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(date, time, tzinfo=zone).astimezone(dt.timezone.utc)
    dates = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [SourceDay(date, at(date, PRETALX_DAY_START), at(date + dt.timedelta(days=1), PRETALX_DAY_END))
            for date in dates]


def pretalx_day(start: dt.datetime, first: dt.date | None, zone: dt.tzinfo) -> dt.date:
    """The day pretalx lists a session starting at `start` under."""
    local = start.astimezone(zone)
    if local.hour < PRETALX_NIGHT_ENDS and local.date() != first:
        return local.date() - dt.timedelta(days=1)
    return local.date()


def resources(items: Any, base: str | None, where: str = "session", problems: Problems | None = None
              ) -> tuple[Resource, ...]:
    """Public resources with an http(s) URL: a `link` is a link, an uploaded `resource` file an attachment
    (as pretalx's own frab export splits them: schedule/interfaces/exporters.py). The legacy API gives both as
    `resource`; there a URL on the event's own host is an uploaded file, any other a link. The current API
    sends `resource` (the link, or the upload's URL: ResourceSerializer) and `is_public`; an organiser's token
    also sees private ones, which are never kept. Bare ids (a server that did not expand them) are warned
    about: their URLs are unknown."""
    found = []
    host = urlsplit(base).netloc if base else None
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            if item.get("is_public") is False:
                continue
            link = public_url(item.get("link") or item.get("url"), base)
            upload = None if link else public_url(item.get("resource"), base)
            url = link or upload
            if url:
                uploaded = upload is not None and (host is None or urlsplit(upload).netloc == host)
                found.append(Resource(url, clean_line(item.get("description")), "attachment" if uploaded else "link"))
        elif problems is not None:
            problems.warn(where, f"resource {item!r} came as an id, not expanded; left out")
    return tuple(found)


def feedback_url(talk_page: str | None) -> str | None:
    """pretalx's feedback page of a session, `{talk page}feedback/` (submission.urls.feedback), which its own
    frab export carries for every session (schedule/interfaces/exporters.py)."""
    return f"{talk_page}feedback/" if talk_page else None


def items(docs: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The objects of a collection document; a document that is not a list is an error."""
    value = docs.get(name) or []
    if not isinstance(value, list):
        raise SourceError(f"the '{name}' document is not a list", hint="the snapshot or server response is malformed")
    return [item for item in value if isinstance(item, dict)]
