"""The conference-day rule and the model's timetable queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.model import (Conference, Multilingual, Room, Session, Slot, conference_day)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("clock", "expected_day"), [
    pytest.param("2026-03-02T01:30", "2026-03-01", id="late-night-session-belongs-to-previous-day"),
    pytest.param("2026-03-02T03:59", "2026-03-01", id="just-before-day-change"),
    pytest.param("2026-03-02T04:00", "2026-03-02", id="at-day-change"),
    pytest.param("2026-03-02T09:00", "2026-03-02", id="morning"),
])
def test_conference_day_ends_at_four_by_default(clock, expected_day):
    moment = dt.datetime.fromisoformat(clock).replace(tzinfo=BERLIN)

    assert conference_day(moment) == dt.date.fromisoformat(expected_day)


def test_conference_day_change_hour_is_configurable():
    moment = dt.datetime(2026, 3, 2, 5, 30, tzinfo=BERLIN)

    assert conference_day(moment, day_change_hour=6) == dt.date(2026, 3, 1)
    assert conference_day(moment, day_change_hour=0) == dt.date(2026, 3, 2)


def test_late_night_session_is_listed_on_the_previous_days_timetable():
    room = Room("1", "hall", Multilingual.of("Hall"))
    late = Session("LATE", Multilingual.of("Night owls"),
                   (Slot(dt.datetime(2026, 3, 2, 1, 30, tzinfo=BERLIN), dt.datetime(2026, 3, 2, 2, 0, tzinfo=BERLIN), "1"),))
    early = Session("EARLY", Multilingual.of("Opening"),
                    (Slot(dt.datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN), dt.datetime(2026, 3, 1, 9, 30, tzinfo=BERLIN), "1"),))
    conference = Conference("demo", Multilingual.of("Demo"), "Europe/Berlin", ("en",), "en", (room,), (), (), (),
                            (late, early))

    days = conference.days

    assert [d.date for d in days] == [dt.date(2026, 3, 1)]
    assert [e.session.code for e in conference.entries_on(days[0])] == ["EARLY", "LATE"]
