"""Subscribed calendars notice changes: a moved session gets a higher SEQUENCE and a later DTSTAMP/LAST-MODIFIED,
an unchanged one keeps its bytes, and nothing reads the clock (case moved-v1.json -> moved-v2.json)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import icalendar
import pytest
from support.data import FIXTURES
from test_ical import parse_with_ical_js

from generator.cli import main

CASES = FIXTURES / "cases"
UTC = dt.timezone.utc
OLD_FIXED_STAMP = dt.datetime(2000, 1, 1, tzinfo=UTC)  # what every frab VEVENT carried before


class Site:
    """One source path, one output folder and one cache folder, built again each time the source changes."""

    def __init__(self, root: Path) -> None:
        self.source = root / "source" / "schedule.json"
        self.out, self.cache = root / "site", root / "cache"
        self.source.parent.mkdir(parents=True)

    def build(self, document: dict | bytes, *args: str) -> Path:
        self.source.write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
        assert main([str(self.source), "--out", str(self.out), "--cache-dir", str(self.cache), "--quiet", *args]) == 0
        return self.out

    def vevents(self, feed: str = "en/schedule.ics") -> dict[str, icalendar.Event]:
        calendar = icalendar.Calendar.from_ical((self.out / feed).read_bytes())
        return {str(event["UID"]): event for event in calendar.walk("VEVENT")}

    def raw_vevents(self, feed: str = "en/schedule.ics") -> dict[str, bytes]:
        content = (self.out / feed).read_bytes()
        blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", content, re.S)
        return {re.search(rb"\r\nUID:(.*?)\r\n", block).group(1).decode(): block for block in blocks}


def case(name: str) -> dict:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def events_of(document: dict) -> list[dict]:
    return [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]


def with_second_session(document: dict) -> dict:
    """The case with a second session in the same room, which no version moves."""
    first = events_of(document)[0]
    second = dict(first, id=602, guid="076ff50d-c5db-5817-95e9-32a9f2c25d29", title="A talk that stays",
                  date="2026-06-12T12:00:00+02:00", start="12:00", slug="bh-602",
                  url="https://schedule.example.org/bh/talk/602/")
    document["schedule"]["conference"]["days"][0]["rooms"]["Hall A"].append(second)
    return document


def test_the_moved_session_gets_a_higher_sequence_and_a_later_stamp_read_by_icalendar(tmp_path):
    site = Site(tmp_path)
    moved_from, moved_to = events_of(case("moved-v1.json"))[0]["date"], events_of(case("moved-v2.json"))[0]["date"]

    site.build(case("moved-v1.json"))
    (v1,) = site.vevents("en/talk/601/talk.ics").values()
    site.build(case("moved-v2.json"))
    (v2,) = site.vevents("en/talk/601/talk.ics").values()

    assert v1.decoded("DTSTART") == dt.datetime.fromisoformat(moved_from)
    assert v2.decoded("DTSTART") == dt.datetime.fromisoformat(moved_to)
    assert v2["UID"] == v1["UID"]
    assert int(v2["SEQUENCE"]) > int(v1["SEQUENCE"]) == 0
    assert v2.decoded("DTSTAMP") > v1.decoded("DTSTAMP") > OLD_FIXED_STAMP
    assert v2.decoded("LAST-MODIFIED") == v2.decoded("DTSTAMP")


def test_ical_js_reads_the_same_higher_sequence_and_later_stamp(tmp_path):
    site = Site(tmp_path)
    first = tmp_path / "v1.ics"

    site.build(case("moved-v1.json"))
    first.write_bytes((site.out / "en/talk/601/talk.ics").read_bytes())
    site.build(case("moved-v2.json"))
    read = parse_with_ical_js([first, site.out / "en/talk/601/talk.ics"], tmp_path)

    (v1,), (v2,) = read["v1.ics"]["vevents"], read["site/en/talk/601/talk.ics"]["vevents"]
    assert v2["start"] - v1["start"] == 5 * 3600  # 10:00 -> 15:00
    assert v2["sequence"] > v1["sequence"] == 0
    assert v2["dtstamp"] > v1["dtstamp"] > OLD_FIXED_STAMP.timestamp()
    assert v2["lastModified"] == v2["dtstamp"]


def test_a_session_that_did_not_change_keeps_its_vevent_byte_for_byte(tmp_path):
    site = Site(tmp_path)

    site.build(with_second_session(case("moved-v1.json")))
    before = site.raw_vevents()
    site.build(with_second_session(case("moved-v2.json")))
    after = site.raw_vevents()

    (moved,) = [uid for uid in after if "601" in uid]
    (kept,) = [uid for uid in after if "602" in uid]
    assert after[kept] == before[kept]
    assert after[moved] != before[moved] and b"SEQUENCE:1\r\n" in after[moved]


@pytest.mark.parametrize("change", [
    pytest.param(lambda e: e.update(room="Hall B"), id="room"),
    pytest.param(lambda e: e.update(title="A talk with a new title"), id="title"),
    pytest.param(lambda e: e.update(duration="01:00"), id="end"),
])
def test_a_new_room_title_or_end_is_a_revision_too(tmp_path, change):
    site = Site(tmp_path)
    changed = case("moved-v1.json")
    event = events_of(changed)[0]
    change(event)
    days = changed["schedule"]["conference"]["days"][0]
    days["rooms"] = {event["room"]: days["rooms"].pop("Hall A")}

    site.build(case("moved-v1.json"))
    site.build(changed)

    (vevent,) = site.vevents().values()
    assert int(vevent["SEQUENCE"]) == 1


def test_moving_back_and_forth_keeps_counting_up(tmp_path):
    site = Site(tmp_path)

    sequences = []
    for name in ("moved-v1.json", "moved-v2.json", "moved-v1.json", "moved-v1.json"):
        site.build(case(name))
        (vevent,) = site.vevents().values()
        sequences.append((int(vevent["SEQUENCE"]), vevent.decoded("DTSTAMP")))

    assert [s for s, _ in sequences] == [0, 1, 2, 2]
    assert sequences[0][1] < sequences[1][1] < sequences[2][1] == sequences[3][1]


def test_the_same_source_and_record_give_the_same_bytes(tmp_path):
    one, two = Site(tmp_path / "one"), Site(tmp_path / "two")

    for site in (one, two):
        site.build(case("moved-v1.json"))
        site.build(case("moved-v2.json"))

    assert (one.out / "en/schedule.ics").read_bytes() == (two.out / "en/schedule.ics").read_bytes()


def test_with_source_date_epoch_the_revision_is_stamped_with_it(tmp_path, monkeypatch):
    site = Site(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    site.build(case("moved-v1.json"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1781000000")

    site.build(case("moved-v2.json"))

    (vevent,) = site.vevents().values()
    assert vevent.decoded("DTSTAMP") == dt.datetime.fromtimestamp(1781000000, UTC)


def test_without_a_release_time_the_stamp_is_the_events_first_day_not_a_fixed_date(tmp_path):
    site = Site(tmp_path)

    site.build(case("moved-v1.json"))

    (vevent,) = site.vevents().values()
    start = case("moved-v1.json")["schedule"]["conference"]["start"]
    assert vevent.decoded("DTSTAMP") == dt.datetime.fromisoformat(start).replace(tzinfo=UTC)


def test_an_unreadable_record_starts_again_with_a_warning_and_the_build_succeeds(tmp_path, caplog):
    site = Site(tmp_path)
    site.build(case("moved-v1.json"))
    (record,) = (site.cache / "revisions").glob("*.json")
    record.write_text("{not json")

    site.build(case("moved-v2.json"))

    (vevent,) = site.vevents().values()
    assert int(vevent["SEQUENCE"]) == 0
    assert "cannot read the calendar revision record" in caplog.text
