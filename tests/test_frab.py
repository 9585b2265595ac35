"""frab / c3voc feeds: valid against the c3voc XSD and JSON Schema for real events, and a frab source round-trips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os

import jsonschema
import pytest
from golden.update import FILES, demo_feeds
from lxml import etree
from support.conferences import SOURCES, conference
from support.data import DEMO_SNAPSHOT, PROJECT, load_fixture

from generator import sources
from generator.config import Settings
from generator.model import Conference, Slot
from generator.normalise import normalise
from generator.render.frab import FrabDocument, to_json, to_xml

SCHEMAS = PROJECT / "tests/fixtures/schemas"
XSD = etree.XMLSchema(etree.parse(str(SCHEMAS / "voc_xsd_schedule.xml.xsd")))
JSON_SCHEMA = json.loads((SCHEMAS / "voc_json_schema.json").read_text())
VALIDATOR = jsonschema.Draft6Validator(JSON_SCHEMA, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)


def frab_feeds(event: Conference, locale: str | None = None, base_url: str | None = None) -> tuple[bytes, bytes]:
    document = FrabDocument(event, locale or event.default_locale, base_url=base_url).document()
    return to_xml(document), to_json(document)


def json_events(document: dict) -> list[dict]:
    return [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]


def xsd_errors(xml: bytes) -> list[str]:
    XSD.validate(etree.fromstring(xml))
    return [f"line {e.line}: {e.message}" for e in XSD.error_log]


@pytest.mark.parametrize("name", SOURCES)  # demo, JuliaCon 2023 and 39C3, plus every other source
def test_frab_xml_validates_against_the_c3voc_xsd(name):
    xml, _ = frab_feeds(conference(name))

    assert xsd_errors(xml) == []


@pytest.mark.parametrize("name", SOURCES)
def test_frab_json_validates_against_the_c3voc_json_schema(name):
    _, data = frab_feeds(conference(name))

    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(json.loads(data))]

    assert errors == []


@pytest.mark.parametrize("locale", ["en", "de"])
def test_demo_frab_feeds_of_both_locales_are_valid_and_list_every_talk_slot_once(locale):
    demo = conference("demo")
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())["documents"]
    talk_slots = [s for s in snapshot["slots"] if s["submission"]]

    xml, data = frab_feeds(demo, locale)

    events = json_events(json.loads(data))
    assert xsd_errors(xml) == [] and not list(VALIDATOR.iter_errors(json.loads(data)))
    assert sorted(e["code"] for e in events) == sorted(s["submission"] for s in talk_slots)
    assert len(etree.fromstring(xml).findall("day/room/event")) == len(talk_slots) == 36


def test_days_carry_start_end_and_index_and_events_their_room_and_local_start():
    _, data = frab_feeds(conference("demo"), "de")

    document = json.loads(data)
    conference_block = document["schedule"]["conference"]
    first = conference_block["days"][0]
    event = first["rooms"]["Light Sea Green Saal"][0]

    assert conference_block["time_zone_name"] == "Europe/Berlin"
    assert (first["index"], first["date"], first["day_start"], first["day_end"]) == (
        1, "2026-03-01", "2026-03-01T04:00:00+01:00", "2026-03-02T03:59:00+01:00")  # as pretalx's own export
    assert (event["code"], event["date"], event["start"], event["duration"], event["room"]) == (
        "J9BCWP", "2026-03-01T09:00:00+01:00", "09:00", "00:30", "Light Sea Green Saal")
    assert event["type"] == "Vortrag" and event["track"] == "Cross-group (de)"


def test_persons_have_the_pretalx_shape_with_a_numeric_id_and_no_public_name_so_the_schemas_one_of_matches_once():
    _, data = frab_feeds(conference("demo"))

    persons = [p for e in json_events(json.loads(data)) for p in e["persons"]]

    assert persons and all(p["code"] and p["name"] and "public_name" not in p for p in persons)
    assert all(isinstance(p["id"], int) and p["id"] > 0 for p in persons)


# ---- round trip ----------------------------------------------------------------------------------------------

def comparable(event: dict) -> tuple:
    """What must survive a round trip: identity, title, when, where, how long, who."""
    hours, minutes = event["duration"].split(":")
    return (event["title"], dt.datetime.fromisoformat(event["date"]), event["room"], int(hours) * 60 + int(minutes),
            [p.get("public_name") or p.get("name") for p in event["persons"]])


def test_a_frab_json_source_round_trips_guid_title_start_room_duration_and_persons():
    source = load_fixture("ccc-39c3/everything.schedule.json")
    _, data = frab_feeds(conference("39c3"), "en")

    written = {e["guid"]: comparable(e) for e in json_events(json.loads(data))}
    read = {e["guid"]: comparable(e) for e in json_events(source)}

    assert len(written) == len(read) == 895
    assert written == read


def test_a_frab_source_keeps_its_numeric_ids_where_they_are_unique():
    source = json_events(load_fixture("ccc-39c3/everything.schedule.json"))
    _, data = frab_feeds(conference("39c3"), "en")

    written = {e["guid"]: e["id"] for e in json_events(json.loads(data))}

    unique = [e for e in source if isinstance(e["id"], int) and [x["id"] for x in source].count(e["id"]) == 1]
    assert len(unique) > 850
    assert all(written[e["guid"]] == e["id"] for e in unique)
    assert len(set(written.values())) == len(written)  # the 15 duplicated or textual ids were replaced


def with_session(event: Conference, code: str, **changes) -> Conference:
    """The event with one session changed."""
    return dataclasses.replace(event, sessions=tuple(dataclasses.replace(s, **changes) if s.code == code else s
                                                     for s in event.sessions))


def test_a_second_slot_gets_its_own_guid_and_id_and_xml_gives_the_code_only_once():
    demo = conference("demo")
    first = next(s for s in demo.sessions if s.code == "3N98PT").slots[0]
    later = Slot(first.start + dt.timedelta(hours=4), first.end + dt.timedelta(hours=4), "2")

    xml, data = frab_feeds(with_session(demo, "3N98PT", slots=(first, later)))

    occurrences = [e for e in json_events(json.loads(data)) if e.get("code") == "3N98PT"]
    assert len(occurrences) == 2
    assert len({e["guid"] for e in occurrences}) == 2 and len({e["id"] for e in occurrences}) == 2
    assert [e.get("code") for e in etree.fromstring(xml).findall("day/room/event") if "3n98pt" in e.findtext("slug")] \
        == ["3N98PT", None]
    assert xsd_errors(xml) == []


@pytest.mark.parametrize("state", ["canceled", "withdrawn", "rejected"])
def test_a_session_cancelled_after_release_is_kept_like_pretalx_does_and_marked(state):
    xml, data = frab_feeds(with_session(conference("demo"), "J9BCWP", state=state))

    events = {e["code"]: e for e in json_events(json.loads(data))}
    element = next(e for e in etree.fromstring(xml).findall("day/room/event") if e.get("code") == "J9BCWP")

    assert len(events) == 36
    assert events["J9BCWP"]["title"].startswith("Cancelled: ")
    assert element.findtext("title").startswith("Cancelled: ")
    assert xsd_errors(xml) == []


@pytest.mark.parametrize("name", [f for f in FILES if "/frab/" in f])
def test_demo_frab_feeds_match_the_golden_files(name):
    golden = PROJECT / "tests/golden/demo" / name

    assert demo_feeds()[name] == golden.read_bytes(), \
        f"{name} differs from tests/golden/demo: if intended, run `python tests/golden/update.py` and review the diff"


@pytest.mark.live
@pytest.mark.parametrize(("variable", "default"), [("PRETALX_EVENT", "democon"), ("PRETALX_IMPORT_EVENT", "bigcon")],
                         ids=["democon", "bigcon"])
def test_frab_feeds_of_the_lab_events_validate_against_both_c3voc_schemas(pretalx_url, variable, default, tmp_path):
    slug = os.environ.get(variable, default)
    event = normalise(sources.load(Settings(source=f"{pretalx_url}/{slug}/", cache_dir=tmp_path)))

    xml, data = frab_feeds(event)

    assert xsd_errors(xml) == []
    assert [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(json.loads(data))] == []
    persons = etree.fromstring(xml).findall("day/room/event/persons/person")
    assert persons and all(int(p.get("id")) > 0 for p in persons)
