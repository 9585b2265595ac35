"""iCal feeds: every scope parses with icalendar and with Mozilla's ical.js, lists exactly its sessions at the
source's times, keeps UIDs when sessions move, and takes its timestamps from the data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import icalendar
from icalendar.parser import Contentline
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import skip_or_fail
from golden.update import FILES, demo_feeds
from support.conferences import conference
from support.data import DEMO_SNAPSHOT, PROJECT, load_fixture
from support.site import planned, tree

from generator import sources
from generator.cli import main
from generator.config import Settings, source_date_epoch
from generator.errors import UsageError
from generator.feeds import FALLBACK_STAMP, feed_stamp
from generator.normalise import normalise
from generator.model import Entry, Multilingual
from generator.identity import uid
from generator.render.ical import IcalRenderer, fold
from generator.urls import occurrence_url
from generator.render.markup import plain_text

ICAL_JS = PROJECT / "node_modules" / "ical.js"
NODE_SCRIPT = PROJECT / "tests" / "js" / "ics_events.mjs"
UID = re.compile(r"^pretalx-democon-(?P<key>[A-Za-z0-9_-]+)@127\.0\.0\.1:8355$")
BASE_URL = "https://democon.example.org/schedule/"


def build(source: Path | str, out: Path, *args: str) -> Path:
    assert main([str(source), "--out", str(out), "--quiet", *args]) == 0
    return out


def edited_snapshot(directory: Path, edit) -> Path:
    """A copy of the demo snapshot, changed by `edit(documents)`."""
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())
    edit(snapshot["documents"])
    path = directory / "democon.snapshot.json"
    path.write_text(json.dumps(snapshot))
    return path


def feeds_of(snapshot: Path, base_url: str | None = None) -> dict[str, bytes]:
    """The English feeds of a snapshot, rendered in memory (faster than building the whole site)."""
    event = normalise(sources.load(Settings(source=str(snapshot))))
    return planned(event, prefix="en/", suffixes=(".ics", ".xml", ".json"), base_url=base_url)


def vevents(feed: Path | bytes) -> list[icalendar.Event]:
    content = feed.read_bytes() if isinstance(feed, Path) else feed
    return icalendar.Calendar.from_ical(content).walk("VEVENT")


def the_vevent(feed: Path | bytes) -> icalendar.Event:
    (event,) = vevents(feed)
    return event


def expected_scopes(documents: dict, locale: str) -> dict[str, set[tuple[str, dt.datetime, dt.datetime]]]:
    """Feed path → (session code, start, end) of every talk slot it must list, worked out from the raw snapshot."""
    demo = conference("demo")
    room_slugs = {room.id: room.slug for room in demo.rooms}
    track_slugs = {track.id: track.slug for track in demo.tracks}
    submissions = {s["code"]: s for s in documents["submissions"]}
    scopes: dict[str, set] = defaultdict(set)
    for slot in documents["slots"]:
        if slot["submission"] is None or slot["id"] not in documents["schedule"]["slots"]:
            continue  # breaks are not events
        sub = submissions[slot["submission"]]
        start, end = dt.datetime.fromisoformat(slot["start"]), dt.datetime.fromisoformat(slot["end"])
        item = (sub["code"], start, end)
        scopes[f"{locale}/schedule.ics"].add(item)
        scopes[f"{locale}/day/{start.date()}/schedule.ics"].add(item)  # the demo has no sessions after midnight
        scopes[f"{locale}/room/{room_slugs[str(slot['room'])]}/schedule.ics"].add(item)
        scopes[f"{locale}/track/{track_slugs[str(sub['track'])]}/schedule.ics"].add(item)
        scopes[f"{locale}/talk/{sub['code']}/talk.ics"].add(item)
        for speaker in sub["speakers"]:
            scopes[f"{locale}/speaker/{speaker}/talks.ics"].add(item)
    return scopes


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    """The demo event built once, without a base URL."""
    return build(DEMO_SNAPSHOT, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def ical_js_events(demo_site) -> dict[str, dict]:
    """What ical.js reads from every .ics of the demo site, by path relative to the site."""
    return parse_with_ical_js(sorted(demo_site.rglob("*.ics")), demo_site)


def parse_with_ical_js(files: list[Path], root: Path) -> dict[str, dict]:
    node = shutil.which("node")
    if node is None or not ICAL_JS.is_dir():
        skip_or_fail("node or node_modules/ical.js is missing; run `npm ci` (needs Node.js) to parse feeds with ical.js")
    run = subprocess.run([node, str(NODE_SCRIPT), *map(str, files)], capture_output=True, text=True, timeout=120,
                         cwd=PROJECT, check=False)
    assert run.returncode == 0, run.stderr
    return {Path(name).relative_to(root).as_posix(): parsed for name, parsed in json.loads(run.stdout).items()}


# ---- every feed, both parsers --------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["en", "de"])
def test_every_scope_has_a_feed_listing_exactly_its_sessions_at_the_source_times(demo_site, locale):
    expected = expected_scopes(json.loads(DEMO_SNAPSHOT.read_text())["documents"], locale)

    feeds = {p.relative_to(demo_site).as_posix() for p in (demo_site / locale).rglob("*.ics")}

    assert feeds == set(expected)
    for name in sorted(feeds):
        found = {(UID.match(str(e["UID"]))["key"], e.decoded("DTSTART"), e.decoded("DTEND"))
                 for e in vevents(demo_site / name)}
        assert found == expected[name], name
        assert len(vevents(demo_site / name)) == len(expected[name]), name


@pytest.mark.parametrize("locale", ["en", "de"])
def test_ical_js_reads_every_feed_with_the_source_times(ical_js_events, locale):
    expected = expected_scopes(json.loads(DEMO_SNAPSHOT.read_text())["documents"], locale)

    for name, items in expected.items():
        parsed = ical_js_events[name]
        found = {(UID.match(e["uid"])["key"], e["start"], e["end"]) for e in parsed["vevents"]}
        assert parsed["version"] == "2.0"
        assert found == {(code, int(start.timestamp()), int(end.timestamp())) for code, start, end in items}, name
        assert {e["tzid"] for e in parsed["vevents"]} <= {"Europe/Berlin"}, name


def test_juliacon_feed_in_new_york_summer_time_reads_the_same_in_both_parsers(tmp_path):
    julia = conference("juliacon2023")
    talks = {t["code"]: t for t in load_fixture("juliacon2023-api/talks.json")}
    expected = {(code, int(dt.datetime.fromisoformat(t["slot"]["start"]).timestamp()))
                for code, t in talks.items() if t.get("slot") and t["slot"].get("room_id") is not None}
    feeds = planned(julia, prefix="en/schedule.ics")
    whole = tmp_path / "schedule.ics"
    whole.write_bytes(feeds["en/schedule.ics"])

    by_ical_js = parse_with_ical_js([whole], tmp_path)["schedule.ics"]["vevents"]
    by_icalendar = vevents(whole)

    key = re.compile(r"^pretalx-juliacon2023-(.+)@")
    assert {(key.match(e["uid"])[1], e["start"]) for e in by_ical_js} == expected
    assert {(key.match(str(e["UID"]))[1], int(e.decoded("DTSTART").timestamp())) for e in by_icalendar} == expected
    assert by_icalendar[0]["DTSTART"].params["TZID"] == "America/New_York"


# ---- what each VEVENT says -------------------------------------------------------------------------------------

def test_a_talk_feed_names_title_speakers_room_categories_abstract_and_pretalx_page(demo_site):
    event = the_vevent(demo_site / "de/talk/3N98PT/talk.ics")

    assert str(event["SUMMARY"]) == "Ein Vortrag auf Deutsch: Front-line value-added paradigm - Nicole Gonzalez, Edward French"
    assert str(event["LOCATION"]) == "Light Sea Green Saal"  # the room's German name in the German feed
    assert event.categories == ["Reverse-engineered (de)", "Vortrag"]
    assert str(event["DESCRIPTION"]) == "Maximize bleeding-edge convergence!"
    assert str(event["URL"]) == "http://127.0.0.1:8355/democon/talk/3N98PT/"  # no base URL: the pretalx page
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_with_a_base_url_the_url_is_the_sites_page_and_the_uid_is_unchanged(demo_site):
    feeds = feeds_of(DEMO_SNAPSHOT, base_url=BASE_URL)

    with_base = the_vevent(feeds["en/talk/3N98PT/talk.ics"])
    without = the_vevent(demo_site / "en/talk/3N98PT/talk.ics")

    assert str(with_base["URL"]) == "https://democon.example.org/schedule/en/talk/3N98PT/"
    assert with_base["UID"] == without["UID"] == "pretalx-democon-3N98PT@127.0.0.1:8355"


def test_breaks_are_not_events(demo_site):
    summaries = [str(e["SUMMARY"]) for e in vevents(demo_site / "en/schedule.ics")]

    assert summaries and not any("Lunch" in s or "break" in s.lower() for s in summaries)
    assert len(summaries) == 36  # the demo's 36 talks; its 6 lunch breaks are left out


def test_dtstamp_and_last_modified_are_the_schedule_release_not_the_clock(demo_site):
    released = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.timezone.utc)  # "published": "2026-03-02T12:00:00+01:00"

    events = vevents(demo_site / "en/schedule.ics")

    assert {e.decoded("DTSTAMP") for e in events} == {released}
    assert {e.decoded("LAST-MODIFIED") for e in events} == {released}


def test_vtimezone_holds_only_the_transitions_of_the_events_year(demo_site):
    calendar = icalendar.Calendar.from_ical((demo_site / "en/schedule.ics").read_bytes())

    (zone,) = calendar.walk("VTIMEZONE")

    assert zone["TZID"] == "Europe/Berlin"
    starts = [part.decoded("DTSTART") for part in zone.walk() if part.name in {"STANDARD", "DAYLIGHT"}]
    assert {start.year for start in starts} == {2026}
    # RFC 5545 3.6.5: an onset is the wall time before the change (02:00 CET in spring, 03:00 CEST in autumn)
    assert dt.datetime(2026, 3, 29, 2, 0) in starts and dt.datetime(2026, 10, 25, 3, 0) in starts


# ---- changes in the source -------------------------------------------------------------------------------------

def test_a_moved_session_keeps_its_uid_and_gets_a_later_last_modified(demo_site, tmp_path):
    def move_and_release_again(docs):
        slot = next(s for s in docs["slots"] if s["submission"] == "J9BCWP")
        slot.update(room=2, start="2026-03-02T16:00:00+01:00", end="2026-03-02T16:30:00+01:00")
        docs["schedule"].update(version="v1.2", published="2026-03-04T09:30:00+01:00")
    feeds = feeds_of(edited_snapshot(tmp_path, move_and_release_again))

    before = the_vevent(demo_site / "en/talk/J9BCWP/talk.ics")
    after = the_vevent(feeds["en/talk/J9BCWP/talk.ics"])

    assert after["UID"] == before["UID"] == "pretalx-democon-J9BCWP@127.0.0.1:8355"
    assert after.decoded("DTSTART") == dt.datetime.fromisoformat("2026-03-02T16:00:00+01:00")
    assert str(after["LOCATION"]) == "Dim Gray Room" != str(before["LOCATION"])
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
    assert after.decoded("LAST-MODIFIED") == dt.datetime(2026, 3, 4, 8, 30, tzinfo=dt.timezone.utc)


def test_a_session_with_two_slots_gives_two_vevents_numbered_from_0_as_pretalx_does(tmp_path):
    def add_second_slot(docs):
        docs["slots"].append({"id": 999, "room": 2, "start": "2026-03-03T16:00:00+01:00",
                              "end": "2026-03-03T16:30:00+01:00", "submission": "3N98PT", "schedule": 2,
                              "description": None, "duration": 30})
        docs["schedule"]["slots"].append(999)
    feeds = feeds_of(edited_snapshot(tmp_path, add_second_slot))

    events = vevents(feeds["en/talk/3N98PT/talk.ics"])

    assert [str(e["UID"]) for e in events] == ["pretalx-democon-3N98PT-0@127.0.0.1:8355",
                                               "pretalx-democon-3N98PT-1@127.0.0.1:8355"]
    assert [str(e["LOCATION"]) for e in events] == ["Light Sea Green Room", "Dim Gray Room"]
    assert len(vevents(feeds["en/schedule.ics"])) == 37


def test_a_cancelled_session_is_marked_cancelled(tmp_path):
    def cancel(docs):
        next(s for s in docs["submissions"] if s["code"] == "J9BCWP")["state"] = "canceled"
    feeds = feeds_of(edited_snapshot(tmp_path, cancel))

    statuses = {str(e["UID"]): str(e["STATUS"]) for e in vevents(feeds["en/schedule.ics"])}

    assert statuses.pop("pretalx-democon-J9BCWP@127.0.0.1:8355") == "CANCELLED"
    assert set(statuses.values()) == {"CONFIRMED"}


@pytest.mark.live
def test_live_pretalx_feed_lists_every_scheduled_slot_stamped_with_the_release(pretalx_url, pretalx_event, tmp_path):
    api = f"{pretalx_url}/api/events/{pretalx_event}"
    submissions = requests.get(f"{api}/submissions/?page_size=250", timeout=30).json()["results"]
    released = dt.datetime.fromisoformat(requests.get(f"{api}/schedules/latest/", timeout=30).json()["published"])

    site = build(f"{pretalx_url}/{pretalx_event}/", tmp_path)

    events = vevents(site / "en/schedule.ics")
    assert len(events) == sum(len(s["slots"]) for s in submissions) > 0
    assert {e.decoded("DTSTAMP") for e in events} == {released}
    assert len(parse_with_ical_js([site / "en/schedule.ics"], site)["en/schedule.ics"]["vevents"]) == len(events)


# ---- where the timestamp comes from ----------------------------------------------------------------------------

@pytest.mark.parametrize(("released", "environ", "expected"), [
    pytest.param(dt.datetime(2026, 3, 2, 12, tzinfo=dt.timezone.utc), {"SOURCE_DATE_EPOCH": "0"},
                 dt.datetime(2026, 3, 2, 12, tzinfo=dt.timezone.utc), id="release-time-wins"),
    pytest.param(None, {"SOURCE_DATE_EPOCH": "1767225600"}, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                 id="source-date-epoch-without-release"),
    pytest.param(None, {}, dt.datetime(2025, 12, 27, tzinfo=dt.timezone.utc), id="the-events-first-day"),
])
def test_feed_stamp_comes_from_the_data_then_source_date_epoch_then_the_events_first_day(released, environ, expected):
    event = conference("39c3")  # 39C3's frab export: "start": "2025-12-27", no release time
    if released is not None:
        event = dataclasses.replace(event, released=released)

    assert feed_stamp(event, source_date_epoch(environ)) == expected


def test_feed_stamp_of_an_event_without_dates_or_sessions_is_the_fixed_date():
    event = dataclasses.replace(conference("39c3"), start_date=None, end_date=None, sessions=(), source_days=())

    assert feed_stamp(event, None) == FALLBACK_STAMP


def test_an_unreadable_source_date_epoch_is_a_clear_error():
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH='yesterday'"):
        source_date_epoch({"SOURCE_DATE_EPOCH": "yesterday"})


def test_an_unreadable_source_date_epoch_fails_the_build_even_when_the_schedule_has_a_release_time(
        tmp_path, monkeypatch, capsys):
    # the stamp comes from the release time here, so a reader that only looks when it needs the value lets it pass
    from support import handmade
    source = handmade.snapshot_file(handmade.event(), tmp_path / "event.json")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")

    code = main([str(source), "--out", str(tmp_path / "site"), "--quiet"])

    assert code != 0
    assert "SOURCE_DATE_EPOCH='yesterday'" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


# ---- determinism and the golden files --------------------------------------------------------------------------

def test_two_builds_of_the_same_snapshot_write_byte_identical_feeds(demo_site, tmp_path):
    again = build(DEMO_SNAPSHOT, tmp_path)
    feed = re.compile(r"\.ics$|schedule\.(json|xml)$")

    first = {k: v for k, v in tree(demo_site).items() if feed.search(k)}
    second = {k: v for k, v in tree(again).items() if feed.search(k)}

    assert len(first) == 2 * (1 + 3 + 2 + 2 + 36 + 34) + 2 * 3
    assert first == second


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith(".ics")])
def test_demo_ical_feeds_match_the_golden_files(name):
    golden = PROJECT / "tests/golden/demo" / name

    assert demo_feeds()[name] == golden.read_bytes(), \
        f"{name} differs from tests/golden/demo: if intended, run `python tests/golden/update.py` and review the diff"


# names, escapes, multi-byte characters of 2, 3 and 4 octets: where a fold could cut a character or an escape
FOLD_CHARACTERS = st.sampled_from([*"ab ;,:\\^", "é", "€", "中", "😀"])


@settings(max_examples=3000, deadline=None)
@given(st.text(FOLD_CHARACTERS, max_size=300))
def test_lines_fold_exactly_as_icalendar_folds_them(line):
    folded_by_icalendar = Contentline(line).to_ical().decode("utf-8")  # its public content line type

    assert fold(line) == folded_by_icalendar
    assert all(len(part.encode()) <= 75 for part in fold(line).split("\r\n"))


def reference_event(renderer: IcalRenderer, entry: Entry) -> bytes:
    """The VEVENT as an `icalendar.Event` built property by property writes it: what the renderer must match."""
    conf, session, zone = renderer.conference, entry.session, renderer.conference.zone
    speakers = ", ".join(s.name for s in conf.speakers_of(session))
    title = renderer._t(session.title)
    revision = renderer.revisions[entry.key]
    event = icalendar.Event()
    event.add("uid", uid(conf.slug, session.code, renderer.host, entry.index, len(session.slots)))
    event.add("dtstamp", revision.stamp)
    event.add("last-modified", revision.stamp)
    event.add("sequence", revision.sequence)
    for resource in session.resources:
        event.add("attach", resource.url)
    event.add("dtstart", entry.slot.start.astimezone(zone))
    event.add("dtend", entry.slot.end.astimezone(zone))
    event.add("summary", f"{title} - {speakers}" if speakers else title)
    event.add("location", renderer._t(conf.room(entry.slot.room_id).name))
    categories = [renderer._t(x.name) for x in (conf.track(session.track_id), conf.session_type(session.type_id))
                  if x is not None]
    if any(categories):
        event.add("categories", [c for c in categories if c])
    if description := plain_text(session.abstract):
        event.add("description", description)
    if url := occurrence_url(entry, renderer.locale, renderer.base_url):
        event.add("url", url)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event.to_ical()


@pytest.mark.parametrize("source, zone", [("demo", None), ("demo", "UTC"), ("39c3", None), ("pyconfr2025", None),
                                          ("juliacon2023", None)])
def test_events_serialise_exactly_as_icalendar_writes_them(source, zone):
    conf = conference(source)  # German, French and English text, long descriptions, commas and semicolons
    if zone:
        conf = dataclasses.replace(conf, timezone=zone)
    for locale in conf.locales:
        renderer = IcalRenderer(conf, locale, base_url=BASE_URL, stamp=FALLBACK_STAMP)
        for entry in conf.entries:
            if not entry.session.is_break:
                assert renderer._serialise_event(entry) == reference_event(renderer, entry)


HOSTILE_TEXT = st.lists(st.sampled_from([*"ab ;,:\\^\"'\n\r\t", "é", "€", "😀", "\\n", "\\N"]), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(title=HOSTILE_TEXT, abstract=HOSTILE_TEXT, room_name=HOSTILE_TEXT)
def test_events_with_any_text_serialise_exactly_as_icalendar_writes_them(title, abstract, room_name):
    conf = conference("demo")
    entry = next(e for e in conf.entries if not e.session.is_break)
    rooms = tuple(dataclasses.replace(r, name=Multilingual.of(room_name)) if r.id == entry.slot.room_id else r
                  for r in conf.rooms)
    session = dataclasses.replace(entry.session, title=Multilingual.of(title), abstract=abstract)
    conf = dataclasses.replace(conf, rooms=rooms)
    entry = dataclasses.replace(entry, session=session)
    renderer = IcalRenderer(conf, "en", base_url=None, stamp=FALLBACK_STAMP)
    assert renderer._serialise_event(entry) == reference_event(renderer, entry)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//pretalx-static//{renderer.host}//{conf.slug}//talk//{title}")
    calendar.add("version", "2.0")
    # NAME is TEXT (RFC 7986), escaped as such; icalendar would write it raw, as a property it does not know
    full_name = f"{renderer._t(conf.name)}: {room_name}" if room_name else renderer._t(conf.name)
    calendar.add("name", icalendar.vText(full_name))
    calendar.add("x-wr-calname", icalendar.vText(full_name))
    assert renderer.head(f"talk//{title}", room_name) == calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")
