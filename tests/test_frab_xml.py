"""frab / c3voc `schedule.xml` and FOSDEM's pentabarf XML as sources: read safely, through the frab JSON path.

Counts and values are read from the XML with lxml or ElementTree here, not with the reader under test.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import requests
from lxml import etree
from support.conferences import conference
from support.data import fixture_bytes, materialise
from support.server import Reply
from support.site import h1, pages, tree

from generator import sources
from generator.cli import main
from generator.config import Settings
from generator.errors import SourceError
from generator.render.frab import FrabDocument
from generator.sources import frab_xml

# every real XML schedule we keep, with the locale its site is built in (the most used language)
XML_FILES = {"fosdem-2025/schedule.xml": "en", "gpn17/schedule.xml": "de", "jh23hh/schedule.xml": "de",
             "ccc-39c3/everything.schedule.xml": "en", "ccc-36c3/everything.schedule.xml": "en",
             "divoc_r2r/schedule.xml": "de"}


def build(source: str, out: Path, *args: str) -> int:
    return main([source, "--out", str(out), "--quiet", *args])


def xml_events(name: str) -> list[etree._Element]:
    return etree.fromstring(fixture_bytes(name)).findall("day/room/event")


def published_events(site: Path, locale: str) -> list[dict]:
    document = json.loads((site / locale / "frab/schedule.json").read_text())
    return [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]


# ---- real XML schedules -----------------------------------------------------------------------------------------

def spaced(text: str | None) -> str:
    """Line breaks in a title or name become spaces; runs of spaces are compared as one."""
    return " ".join((text or "").split())


def assert_every_event_published_with_its_title_and_people(name: str, published: list[dict]) -> None:
    events = xml_events(name)
    expected = sorted((e.get("guid"), spaced(e.findtext("title")),
                       tuple(spaced(p.text) for p in e.findall("persons/person"))) for e in events)

    written = sorted((e["guid"], spaced(e["title"]), tuple(spaced(p["name"]) for p in e["persons"]))
                     for e in published)

    assert len(written) == len(events) > 0
    if len({e.get("guid") for e in events}) == len(events):  # 36C3 repeats a few guids; we give those new ones
        assert written == expected


def test_fosdem_2025_xml_builds_one_talk_page_per_event(tmp_path):
    events = xml_events("fosdem-2025/schedule.xml")
    source = materialise("fosdem-2025/schedule.xml", tmp_path)

    assert build(str(source), tmp_path / "site") == 0

    assert len(events) == 943
    assert pages(tmp_path / "site", "en", "talk") == {e.get("id") for e in events}
    assert_every_event_published_with_its_title_and_people("fosdem-2025/schedule.xml",
                                                           published_events(tmp_path / "site", "en"))
    first = events[0]
    assert h1(tmp_path / "site/en/talk" / first.get("id") / "index.html") == first.findtext("title")


@pytest.mark.parametrize("name", ["gpn17/schedule.xml", "jh23hh/schedule.xml", "divoc_r2r/schedule.xml"])
def test_every_small_real_xml_schedule_builds_and_publishes_each_of_its_events_with_its_title_and_people(name, tmp_path):
    source = materialise(name, tmp_path)

    assert build(str(source), tmp_path / "site") == 0

    assert_every_event_published_with_its_title_and_people(name, published_events(tmp_path / "site", XML_FILES[name]))


# the two congresses take 10-20 s each to build as sites; their model (shared with the XSD tests) is enough here
@pytest.mark.parametrize(("name", "source"), [("ccc-39c3/everything.schedule.xml", "39c3-xml"),
                                              ("ccc-36c3/everything.schedule.xml", "36c3-xml")], ids=["39c3", "36c3"])
def test_the_congress_xml_schedules_publish_each_of_their_events_with_its_title_and_people(name, source):
    event = conference(source)

    document = FrabDocument(event, XML_FILES[name], base_url=None).document()

    published = [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    assert_every_event_published_with_its_title_and_people(name, published)


def test_fosdem_day_change_and_every_conference_field_reach_the_frab_document_the_normaliser_reads(tmp_path):
    source = materialise("fosdem-2025/schedule.xml", tmp_path)
    root = ET.fromstring(source.read_bytes())

    raw = sources.load(Settings(source=str(source)))

    schedule = raw.documents["schedule"]["schedule"]
    conference_block = schedule["conference"]
    assert raw.kind == "frab"
    assert conference_block["day_change"] == root.findtext("conference/day_change") == "09:00:00"
    assert conference_block["time_zone_name"] == "Europe/Brussels"
    assert (conference_block["venue"], conference_block["city"]) == (root.findtext("conference/venue"), "Brussels")
    assert conference_block["daysCount"] == 2 and schedule["base_url"] == root.findtext("conference/base_url")
    assert [t["name"] for t in conference_block["tracks"]] == [t.text for t in root.findall("tracks/track")]
    days = root.findall("day")
    assert [(d["index"], d["date"], d["day_start"], d["day_end"]) for d in conference_block["days"]] == [
        (int(d.get("index")), d.get("date"), d.get("start"), d.get("end")) for d in days]


def test_fosdem_attachments_feedback_urls_and_36c3_recording_licences_reach_the_frab_document(tmp_path):
    fosdem = etree.fromstring(fixture_bytes("fosdem-2025/schedule.xml")).findall("day/room/event")
    licensed = [e for e in xml_events("ccc-36c3/everything.schedule.xml") if e.findtext("recording/license")]

    def raw_events(name: str) -> dict[str, dict]:
        raw = sources.load(Settings(source=str(materialise(name, tmp_path))))
        return {e["guid"]: e for d in raw.documents["schedule"]["schedule"]["conference"]["days"]
                for r in d["rooms"].values() for e in r}
    fosdem_raw, c36_raw = raw_events("fosdem-2025/schedule.xml"), raw_events("ccc-36c3/everything.schedule.xml")

    with_attachments = [e for e in fosdem if e.find("attachments/attachment") is not None]
    assert with_attachments and all(
        [(a["url"], a["title"], a.get("type")) for a in fosdem_raw[e.get("guid")]["attachments"]]
        == [(a.get("href"), a.text, a.get("type")) for a in e.findall("attachments/attachment")]
        for e in with_attachments)
    assert all(fosdem_raw[e.get("guid")].get("feedback_url") == e.findtext("feedback_url") for e in fosdem)
    assert len(licensed) == 6 and all(
        c36_raw[e.get("guid")]["recording_license"] == e.findtext("recording/license") for e in licensed)


def test_an_xml_event_keeps_ids_persons_links_recording_and_every_text_field(tmp_path):
    source = materialise("ccc-39c3/everything.schedule.xml", tmp_path)
    element = next(e for e in etree.fromstring(source.read_bytes()).iter("event") if e.find("links/link") is not None)

    raw = sources.load(Settings(source=str(source)))

    events = {e["guid"]: e for d in raw.documents["schedule"]["schedule"]["conference"]["days"]
              for r in d["rooms"].values() for e in r}
    event = events[element.get("guid")]
    assert (event["id"], event.get("code")) == (int(element.get("id")), element.get("code"))
    assert [(p.get("guid"), p["public_name"]) for p in event["persons"]] == [
        (p.get("guid"), p.text) for p in element.findall("persons/person")]
    assert [(link["url"], link["title"]) for link in event["links"]] == [
        (link.get("href"), link.text) for link in element.findall("links/link")]
    for field in ("date", "duration", "room", "slug", "title", "track", "type", "language", "url", "origin_url"):
        if element.find(field) is not None:
            assert event[field] == (element.findtext(field) or ""), field
    optout = [e for e in etree.fromstring(fixture_bytes("ccc-36c3/everything.schedule.xml")).iter("event")
              if e.findtext("recording/optout") == "true"]
    assert optout  # 36C3 has sessions that must not be recorded
    raw36 = sources.load(Settings(source=str(materialise("ccc-36c3/everything.schedule.xml", tmp_path))))
    by_guid = {e["guid"]: e for d in raw36.documents["schedule"]["schedule"]["conference"]["days"]
               for r in d["rooms"].values() for e in r}
    assert all(by_guid[e.get("guid")]["do_not_record"] is True for e in optout)


def test_a_snapshot_of_an_xml_source_rebuilds_the_same_site_byte_for_byte(tmp_path):
    source = materialise("gpn17/schedule.xml", tmp_path)
    snapshot = tmp_path / "gpn17.snapshot.json"

    assert build(str(source), tmp_path / "from-xml", "--save-snapshot", str(snapshot)) == 0
    assert build(str(snapshot), tmp_path / "from-snapshot") == 0

    assert tree(tmp_path / "from-xml") == tree(tmp_path / "from-snapshot")


# ---- the XML and the JSON export of one event give the same feed -------------------------------------------------

# What a frab XML cannot say, or says differently, named with the reason; everything else must be equal.
PERSON_FIELDS_XML_LACKS = {"biography", "avatar", "code", "url"}  # <person> carries only its name, id and guid


def comparable(name: str) -> dict:
    """Our frab JSON output for one source, with the differences the XML format forces taken out."""
    event = conference(name)
    document = FrabDocument(event, event.default_locale, base_url=None).document()
    block = document["schedule"]["conference"]
    # the XML has no room list: rooms come from the days, without capacity or guid, in the order first used
    block["rooms"] = sorted(room["name"] for room in block.pop("rooms"))
    # a JSON without time_zone_name (DiVOC's pretalx 2.1.1 export) beside an XML with one: zones are `time`'s
    block.pop("time_zone_name", None)
    for day in block["days"]:
        for events in day["rooms"].values():
            for entry in events:
                entry["persons"] = [{k: v for k, v in p.items() if k not in PERSON_FIELDS_XML_LACKS}
                                    for p in entry["persons"]]
                for key in ("abstract", "description", "title", "subtitle"):
                    # XML parsers turn CR LF into LF (XML 1.0 §2.11); JSON strings keep it
                    entry[key] = entry[key].replace("\r\n", "\n").replace("\r", "\n") if entry[key] else entry[key]
    return document


def guids_of_shared_ids(name: str) -> set[str]:
    """Events whose source id another event uses too: which of them keeps it follows the room order, which the
    XML lacks (the other gets a derived id)."""
    ids = Counter(e.get("id") for e in xml_events(name))
    return {e.get("guid") for e in xml_events(name) if ids[e.get("id")] > 1}


@pytest.mark.parametrize(("json_source", "xml_source", "xml_file"), [
    ("39c3", "39c3-xml", "ccc-39c3/everything.schedule.xml"),
    ("divoc", "divoc-xml", "divoc_r2r/schedule.xml"),
], ids=["39c3", "divoc"])
def test_the_xml_and_the_json_export_of_one_event_give_the_same_frab_feed(json_source, xml_source, xml_file):
    from_json, from_xml = comparable(json_source), comparable(xml_source)
    shared = guids_of_shared_ids(xml_file)

    def events(document: dict) -> dict[str, dict]:
        return {entry["guid"]: {"day": day["index"], "room": room,
                                **{k: v for k, v in entry.items() if not (k == "id" and entry["guid"] in shared)}}
                for day in document["schedule"]["conference"]["days"]
                for room, held in day["rooms"].items() for entry in held}

    assert events(from_xml) == events(from_json)
    strip_days = [{k: v for k, v in d.items() if k != "rooms"} for d in from_json["schedule"]["conference"]["days"]]
    assert [{k: v for k, v in d.items() if k != "rooms"} for d in from_xml["schedule"]["conference"]["days"]] == strip_days
    assert {k: v for k, v in from_xml["schedule"]["conference"].items() if k != "days"} == {
        k: v for k, v in from_json["schedule"]["conference"].items() if k != "days"}


# ---- unsafe and broken XML --------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<schedule><version>&lol9;</version><conference><title>x</title></conference></schedule>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<schedule><version>1</version><conference><title>&secret;</title></conference></schedule>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE schedule SYSTEM "http://127.0.0.1:9/schedule.dtd">
<schedule><version>1</version><conference><title>x</title></conference></schedule>
"""


@pytest.mark.parametrize(("body", "said"), [
    (BILLION_LAUGHS, "entities"),
    (EXTERNAL_ENTITY, "entities"),
    (fixture_bytes("jh23hh/schedule.xml")[:900], "not well-formed"),
    (b"<?xml version='1.0'?><rss><channel/></rss>", "<rss>"),
    (b"<!DOCTYPE html><html><body>Login</body></html>", "<html>"),
], ids=["billion-laughs", "external-entity", "truncated", "not-a-schedule", "html-page"])
def test_unsafe_or_broken_xml_fails_clearly_naming_the_file_and_leaves_the_previous_site(body, said, tmp_path, capsys):
    source = tmp_path / "schedule.xml"
    source.write_bytes(body)
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("previous site")

    assert build(str(source), tmp_path / "site") == 1

    error = capsys.readouterr().err
    assert str(source) in error and said in error
    assert (tmp_path / "site/index.html").read_text() == "previous site"
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["index.html"]


def test_an_external_dtd_is_never_fetched(api_server, tmp_path):
    body = EXTERNAL_DTD.replace(b"http://127.0.0.1:9", api_server.url.encode())
    api_server.route("/schedule.dtd", Reply(body=b'<!ENTITY title "from the network">'))

    document = frab_xml.read(body, "test.xml")

    assert document["schedule"]["conference"]["title"] == "x"
    assert api_server.requests == []


def test_the_reader_refuses_entities_before_expanding_any():
    with pytest.raises(SourceError, match="entities"):
        frab_xml.read(BILLION_LAUGHS, "laughs.xml")


# ---- URLs --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/2025/schedule/xml", "/fosdem/schedule/export/schedule.xml"],
                         ids=["fosdem-style", "pretalx-style"])
def test_an_xml_schedule_url_is_recognised_by_its_content_and_builds(api_server, tmp_path, path):
    body = fixture_bytes("gpn17/schedule.xml")
    api_server.route(path, Reply(body=body, headers={"Content-Type": "application/xml; charset=utf-8"}))
    events = etree.fromstring(body).findall("day/room/event")

    assert build(api_server.url + path, tmp_path / "site", "--cache-dir", str(tmp_path / "cache")) == 0

    assert len(published_events(tmp_path / "site", "de")) == len(events)
    assert "xml" in api_server.requests[0].headers.get("Accept", "")


@pytest.mark.live
def test_live_pretalx_xml_export_builds_the_same_sessions_as_its_json_export(pretalx_url, pretalx_event, tmp_path):
    base = f"{pretalx_url}/{pretalx_event}/schedule/export/schedule"

    assert build(f"{base}.xml", tmp_path / "xml") == 0
    assert build(f"{base}.json", tmp_path / "json") == 0

    def sessions(site: Path) -> list[tuple]:
        return sorted((e["guid"], e["date"], e["duration"], e["room"], e["title"], tuple(p["name"] for p in e["persons"]))
                      for e in published_events(site, "en"))
    assert sessions(tmp_path / "xml") == sessions(tmp_path / "json")
    assert pages(tmp_path / "xml", "en", "talk") == pages(tmp_path / "json", "en", "talk")
    pretalx_ids = {(p.text, p.get("id")) for p in ET.fromstring(requests.get(f"{base}.xml", timeout=30).content).iter("person")}
    our_ids = {(p.text, p.get("id")) for p in ET.parse(tmp_path / "xml/en/frab/schedule.xml").iter("person")}
    assert our_ids and our_ids == pretalx_ids  # the source's person ids are kept
    assert re.search(rb"<person id=\"\d+\"", (tmp_path / "json/en/frab/schedule.xml").read_bytes())


# ---- encodings ---------------------------------------------------------------------------------------------------

SMALL = """<?xml version="1.0" encoding="{encoding}"?>
<schedule><version>1</version>
 <conference><acronym>small</acronym><title>Kleine Konferenz</title><start>2026-05-01</start><end>2026-05-01</end>
  <days>1</days><timeslot_duration>00:05</timeslot_duration><time_zone_name>Europe/Berlin</time_zone_name></conference>
 <day index="1" date="2026-05-01" start="2026-05-01T04:00:00+02:00" end="2026-05-02T04:00:00+02:00">
  <room name="Saal Ü">
   <event guid="7b1f3a52-0c3e-4b5e-9f0a-2d6c1e8b9a01" id="7">
    <date>2026-05-01T10:00:00+02:00</date><start>10:00</start><duration>00:30</duration><room>Saal Ü</room>
    <slug>small-7</slug><title>Größenwahn</title><subtitle/><track/><type>Talk</type><language>de</language>
    <abstract/><description/><persons><person id="3">Jürgen Müller</person></persons><links/>
   </event>
  </room>
 </day>
</schedule>
"""


@pytest.mark.parametrize(("encoding", "prefix"), [("ISO-8859-1", b""), ("UTF-8", b"\xef\xbb\xbf")],
                         ids=["latin-1", "utf-8-with-bom"])
def test_an_xml_schedule_is_decoded_as_its_declaration_says(encoding, prefix, tmp_path):
    source = tmp_path / "schedule.xml"
    source.write_bytes(prefix + SMALL.format(encoding=encoding).encode(encoding))

    assert build(str(source), tmp_path / "site") == 0

    assert h1(tmp_path / "site/de/talk/7/index.html") == "Größenwahn"
    assert h1(tmp_path / "site/de/speaker/3/index.html") == "Jürgen Müller"
