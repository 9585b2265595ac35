"""Every real schedule comes out as its source says it (issue 12 point 1, issue 13 "How it is shown").

Each real source is read twice: by the tool (a full build with `build.py`'s entry point, into a temporary
folder) and by tests/support/reference.py, an independent simple reading of the source format (its module
docstring says what each field means). Every occurrence is then compared, slot by slot, with what the site
publishes in one locale (each schedule names it; a lab event: its default locale, the one pretalx exports
in) in its frab JSON, frab XML, iCal and JSON feed (tests/support/published.py): start and end instants in
UTC, the duration readers add to the start (frab `duration`, our `duration_minutes`), the day the source
lists it under, room, title, speaker names in order, languages, links, recording licence, do-not-record.

The expected number of differences is 0. A difference we choose is a named rule in support/fidelity.py
(RULES). Each schedule is checked per topic (support/fidelity.py TOPICS: slots, times, people, texts), the
parts of the normaliser that different work fixes; a topic with differences measured on main is marked
as a strict xfail naming the fault, so the mark must go when the fix lands. On failure the assertion shows
a table: feed x field -> count, with the first three examples.

The live tier builds the lab's events from the pretalx API and compares them with pretalx's own frab
export of the same event (`/{event}/schedule/export/schedule.json` and `.xml`), read by the same reader.

To see the table of a topic marked xfail: `python -m pytest tests/test_fidelity.py --runxfail -k 36c3-json`.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import requests
from support import reference
from support.data import fixture_bytes, load_fixture, materialise, results
from support.events import serve_juliacon_legacy, serve_pyconfr_current
from support.fidelity import TOPICS, Difference, compare, table
from support.published import FEEDS, feed
from support.server import ApiServer, running

from generator.cli import main

BASE_URL = "https://fidelity.example/"  # so that every feed names each session's page, and with it its code

@dataclass(frozen=True)
class Schedule:
    """One real schedule: how to build it, and how to read the source it was built from."""

    locale: str  # the one locale built and compared (`--locale`): a second would double the build time
    build: Callable[[Path, ApiServer], str]  # puts the source in a folder or on a local server; → build.py's SOURCE
    read: Callable[[str], list[reference.Occurrence]]  # the locale → the source's occurrences
    faults: dict[str, str] = field(default_factory=dict)  # topic → the fault measured on main (strict xfail)


def frab_file(locale: str, name: str, faults: dict[str, str] | None = None) -> Schedule:
    """A frab JSON or XML fixture, built from the file and read by the reference reader of its format."""
    read = reference.frab_xml if name.endswith(".xml") else reference.frab_json
    return Schedule(locale, lambda directory, _server: str(materialise(name, directory)),
                    lambda _locale: read(fixture_bytes(name)), faults or {})


def juliacon_occurrences(locale: str) -> list[reference.Occurrence]:
    return reference.pretalx_legacy(results(load_fixture("juliacon2023-api/talks.json")),
                                    load_fixture("juliacon2023-api/event.json"), locale)


def pyconfr_occurrences(locale: str) -> list[reference.Occurrence]:
    return reference.pretalx_current(results(load_fixture("pyconfr2025-api/derived_submissions.json")),
                                     results(load_fixture("pyconfr2025-api/derived_speakers.json")),
                                     load_fixture("pyconfr2025-api/event.json"), locale)


SCHEDULES: dict[str, Schedule] = {
    "36c3-json": frab_file("en", "ccc-36c3/everything.schedule.json"),
    "36c3-xml": frab_file("en", "ccc-36c3/everything.schedule.xml"),
    "39c3-json": frab_file("de", "ccc-39c3/everything.schedule.json"),
    "39c3-xml": frab_file("de", "ccc-39c3/everything.schedule.xml"),
    "divoc-json": frab_file("de", "divoc_r2r/schedule.json"),
    "divoc-xml": frab_file("de", "divoc_r2r/schedule.xml"),
    "fosdem2025-xml": frab_file("en", "fosdem-2025/schedule.xml"),
    "gpn17-xml": frab_file("de", "gpn17/schedule.xml"),
    "jh23hh-xml": frab_file("de", "jh23hh/schedule.xml"),
    "juliacon2023-legacy-api": Schedule("en", lambda _directory, server: serve_juliacon_legacy(server, page_size=100),
                                        juliacon_occurrences),
    "pyconfr2025-api": Schedule("fr", lambda _directory, server: serve_pyconfr_current(server, page_size=100),
                                pyconfr_occurrences),
}


def build_site(source: str, out: Path, locale: str) -> None:
    """Build `source`'s site of `locale` into `out`, as a user would."""
    code = main([source, "--out", str(out), "--locale", locale, "--base-url", BASE_URL, "--quiet"])
    assert code == 0, f"build.py {source} --locale {locale} exited with {code}"


def published(site: Path, locale: str) -> dict[str, list[reference.Occurrence]]:
    return {name: feed(site, locale, name) for name in FEEDS}


@cache
def differences(name: str) -> tuple[Difference, ...]:
    """Every difference between one schedule's source and the four feeds of its build (built once per run)."""
    schedule = SCHEDULES[name]
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        with running() as server:  # the API dumps are served as a pretalx server serves them
            build_site(schedule.build(work, server), work / "site", schedule.locale)
        feeds = published(work / "site", schedule.locale)
    source = schedule.read(schedule.locale)
    assert source, f"{name}: the reference reader found no occurrence in the source"
    return tuple(d for feed_name, occurrences in feeds.items() for d in compare(feed_name, source, occurrences))


def topic_cases() -> list:
    cases = []
    for name, schedule in SCHEDULES.items():
        for topic in TOPICS:
            marks = [pytest.mark.xfail(strict=True, reason=schedule.faults[topic])] if topic in schedule.faults else []
            cases.append(pytest.param(name, topic, marks=marks, id=f"{name}-{topic}"))
    return cases


@pytest.mark.parametrize(("name", "topic"), topic_cases())
def test_every_slot_of_a_real_schedule_is_published_as_its_source_says(name, topic):
    found = [d for d in differences(name) if d.field in TOPICS[topic]]

    assert not found, f"{name}, {topic}: " + table(found)


# ------------------------------------------------------------------------------------------------ live tier

LAB_EXPORTS = {"json": reference.frab_json, "xml": reference.frab_xml}


@cache
def lab_differences(url: str, event: str, export: str) -> tuple[Difference, ...]:
    """Our build of a lab event from its API against pretalx's own frab export of it."""
    answer = requests.get(f"{url}/{event}/schedule/export/schedule.{export}", timeout=60)
    answer.raise_for_status()
    source = LAB_EXPORTS[export](answer.content)
    return tuple(d for feed_name, occurrences in lab_feeds(url, event).items()
                 for d in compare(feed_name, source, occurrences))


@cache
def lab_feeds(url: str, event: str) -> dict[str, list[reference.Occurrence]]:
    """The feeds of one build of a lab event (built once per run: both exports are compared with it), in the
    event's default locale, the one pretalx's export is written in."""
    answer = requests.get(f"{url}/api/events/{event}/", timeout=60)
    answer.raise_for_status()
    locale = answer.json()["locale"]
    with tempfile.TemporaryDirectory() as directory:
        build_site(f"{url}/{event}/", Path(directory) / "site", locale)
        return published(Path(directory) / "site", locale)


LAB_EVENTS = {"demo-event": ("PRETALX_EVENT", "democon"), "imported-event": ("PRETALX_IMPORT_EVENT", "bigcon")}
LAB_FAULTS: dict[tuple[str, str], str] = {}  # (event, topic) -> a known fault, a strict xfail until fixed


def lab_cases() -> list:
    return [pytest.param(which, topic, export, id=f"{which}-{topic}-{export}",
                         marks=[pytest.mark.xfail(strict=True, reason=LAB_FAULTS[which, topic])]
                         if (which, topic) in LAB_FAULTS else [])
            for which in LAB_EVENTS for topic in TOPICS for export in sorted(LAB_EXPORTS)]


@pytest.mark.live
@pytest.mark.parametrize(("which", "topic", "export"), lab_cases())
def test_live_our_build_from_the_api_agrees_with_pretalx_own_frab_export(pretalx_url, which, topic, export):
    variable, default = LAB_EVENTS[which]
    event = os.environ.get(variable, default)

    found = [d for d in lab_differences(pretalx_url, event, export) if d.field in TOPICS[topic]]

    assert not found, f"lab {event} vs pretalx's schedule.{export}, {topic}: " + table(found)


# ------------------------------------------------------------------------------------------------ the reader

@pytest.mark.parametrize("name", ["ccc-36c3/everything.schedule", "ccc-39c3/everything.schedule", "divoc_r2r/schedule"])
def test_the_reference_reads_the_json_and_the_xml_of_one_schedule_alike(name):
    as_json = reference.frab_json(fixture_bytes(f"{name}.json"))
    as_xml = reference.frab_xml(fixture_bytes(f"{name}.xml"))

    assert len(as_json) == len(as_xml) > 0
    assert [a for a, b in zip(as_json, as_xml) if a != b] == []


@pytest.mark.parametrize(("written", "minutes"), [
    ("0:45", 45), ("00:45", 45), ("12:30", 750), ("00:45:00", 45), ("01:30:00", 90), ("1:02:30", 24 * 60 + 150),
])
def test_the_reference_reads_every_form_of_frab_duration(written, minutes):
    assert reference.duration(written, "test").total_seconds() == minutes * 60


def test_the_comparison_names_a_speaker_who_is_not_the_source_one():
    source = reference.frab_json(fixture_bytes("divoc_r2r/schedule.json"))
    changed = [dataclasses.replace(o, ids=o.ids[:1]) for o in source]
    changed[3] = dataclasses.replace(changed[3], speakers=("Somebody Else",))

    found = compare("frab-json", source, changed)

    assert [(d.field, d.got) for d in found] == [("speakers", ("Somebody Else",))]
    assert "frab-json  speakers            1" in table(found)


# the right values ../shared/cases/README.md states for each case, written out by hand: (code, start, end in UTC,
# the day the source lists it under)
CASE_TIMES = {
    "duration-hhmmss.json": [("401", "2026-03-14T09:00Z", "2026-03-14T09:45Z", "2026-03-14"),  # 00:45:00
                             ("402", "2026-03-14T10:00Z", "2026-03-14T11:00Z", "2026-03-14"),  # 01:00:00
                             ("403", "2026-03-14T11:15Z", "2026-03-14T12:00Z", "2026-03-14")],  # 0:45
    "duration-with-end.json": [("404", "2026-03-14T13:00Z", "2026-03-14T14:00Z", "2026-03-14")],  # ends 15:00 CET
    "dst-autumn.json": [("501", "2026-10-24T23:30Z", "2026-10-25T01:30Z", "2026-10-24"),  # 01:30 CEST + 2 h
                        ("502", "2026-10-25T01:30Z", "2026-10-25T02:00Z", "2026-10-24"),  # the second 02:30 (CET)
                        ("503", "2026-10-25T00:30Z", "2026-10-25T01:00Z", "2026-10-24")],  # the first 02:30 (CEST)
    "dst-spring-autumn.json": [("1", "2026-03-29T00:30Z", "2026-03-29T02:30Z", "2026-03-29")],  # 04:30 CEST
    "day-end-0600.json": [("302", "2026-12-28T03:00Z", "2026-12-28T05:00Z", "2026-12-27"),  # 04:00 set, day before
                          ("304", "2026-12-29T03:30Z", "2026-12-29T05:00Z", "2026-12-28")],  # 04:30 set, day before
}


@pytest.mark.parametrize("case", sorted(CASE_TIMES))
def test_the_reference_reads_the_times_of_each_fault_case_as_its_readme_says(case):
    occurrences = {o.ids[0]: o for o in reference.frab_json(fixture_bytes(f"cases/{case}"))}

    read = [(code, f"{occurrences[code].start:%Y-%m-%dT%H:%MZ}", f"{occurrences[code].end:%Y-%m-%dT%H:%MZ}",
             occurrences[code].day) for code, *_ in CASE_TIMES[case]]

    assert read == CASE_TIMES[case]


def test_the_reference_reads_people_links_licence_and_languages_as_the_fault_cases_say():
    people = reference.frab_json(fixture_bytes("cases/person-id-zero.json"))
    (fields,) = reference.frab_json(fixture_bytes("cases/frab-fields.json"))

    assert [o.speakers for o in people] == [("Avery Example",), ("Blake Sample",), ("Casey Placeholder",)]
    assert (fields.links, fields.licence, fields.languages) == (
        ("https://example.org/slides.pdf",), "CC BY 4.0", frozenset({"de", "en"}))
