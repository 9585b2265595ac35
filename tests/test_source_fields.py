"""Nothing the source says is lost: links and attachments, recording licence, several languages, feedback URL and
each occurrence's own URL reach the session page and every feed that has a field for them (case frab-fields.json);
iCal descriptions keep link targets (case description-link.json); JSON feeds carry `\\n` line ends only."""

from __future__ import annotations

import copy
import gzip
import json
import re
from pathlib import Path

import icalendar
import lxml.html
import pytest
from lxml import etree
from support.conferences import conference
from support.data import DEMO_SNAPSHOT, FIXTURES
from test_ical import parse_with_ical_js

from generator.cli import main
from generator.render.frab import FrabDocument

CASES = FIXTURES / "cases"


def build(document: dict, directory: Path, *args: str) -> Path:
    source, out = directory / "schedule.json", directory / "site"
    source.write_text(json.dumps(document), encoding="utf-8")
    assert main([str(source), "--out", str(out), "--quiet", *args]) == 0
    return out


def case(name: str) -> dict:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def source_events(document: dict) -> list[dict]:
    return [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]


def frab_events(site: Path, locale: str = "en") -> list[dict]:
    return source_events(json.loads((site / locale / "frab/schedule.json").read_text(encoding="utf-8")))


def facts(page: Path) -> dict[str, str]:
    """The session page's facts list, term → description text."""
    doc = lxml.html.fromstring(page.read_bytes())
    terms = doc.xpath("//dl[@class='facts']/dt")
    return {" ".join(t.text_content().split()): " ".join(t.getnext().text_content().split()) for t in terms}


def section_links(page: Path, heading: str) -> list[tuple[str, str]]:
    """(href, text) of the list that follows the h2 `heading` on a session page."""
    doc = lxml.html.fromstring(page.read_bytes())
    (h2,) = [h for h in doc.iter("h2") if h.text_content().strip() == heading]
    return [(a.get("href"), a.text_content()) for a in h2.getnext().iter("a")]


# ---- the case: plain-string link, licence, "de, en" ------------------------------------------------------------

@pytest.fixture(scope="module")
def fields_site(tmp_path_factory) -> Path:
    return build(case("frab-fields.json"), tmp_path_factory.mktemp("fields"))


@pytest.fixture(scope="module")
def fields_source() -> dict:
    (event,) = source_events(case("frab-fields.json"))
    return event


def test_a_plain_string_link_is_on_the_page_and_in_every_feed(fields_site, fields_source, tmp_path):
    (url,) = fields_source["links"]  # a bare string, not a {url, title} object

    (event,) = frab_events(fields_site)
    xml = etree.parse(str(fields_site / "en/frab/schedule.xml"))
    (feed_session,) = json.loads((fields_site / "en/schedule.json").read_text())["sessions"]
    (vevent,) = icalendar.Calendar.from_ical((fields_site / "en/schedule.ics").read_bytes()).walk("VEVENT")

    assert section_links(fields_site / "en/talk/1/index.html", "Links") == [(url, url)]
    assert [link["url"] for link in event["links"]] == [url]
    assert xml.xpath("//event/links/link/@href") == [url]
    assert [(r["url"], r["kind"]) for r in feed_session["resources"]] == [(url, "link")]
    assert str(vevent["ATTACH"]) == url
    read = parse_with_ical_js([fields_site / "en/schedule.ics"], fields_site)["en/schedule.ics"]["vevents"]
    assert read[0]["attach"] == [url]


def test_the_recording_licence_is_on_the_page_and_in_every_feed(fields_site, fields_source):
    licence = fields_source["recording_license"]

    (event,) = frab_events(fields_site)
    xml = etree.parse(str(fields_site / "en/frab/schedule.xml"))
    (feed_session,) = json.loads((fields_site / "en/schedule.json").read_text())["sessions"]

    assert licence in facts(fields_site / "en/talk/1/index.html")["Recording"]
    assert event["recording_license"] == licence
    assert xml.xpath("//event/recording/license/text()") == [licence]
    assert feed_session["recording_license"] == licence


def test_both_languages_of_a_bilingual_session_are_on_the_page_and_in_every_feed(fields_site, fields_source):
    codes = [part.strip() for part in fields_source["language"].split(",")]  # "de, en"

    (event,) = frab_events(fields_site)
    xml = etree.parse(str(fields_site / "en/frab/schedule.xml"))
    (feed_session,) = json.loads((fields_site / "en/schedule.json").read_text())["sessions"]

    assert facts(fields_site / "en/talk/1/index.html")["Language"] == "Deutsch, English"
    assert [part.strip() for part in event["language"].split(",")] == codes
    assert [part.strip() for part in xml.xpath("//event/language/text()")[0].split(",")] == codes
    assert feed_session["languages"] == codes
    assert feed_session["language"] is None  # the single-language field (lang attributes) cannot name two


# ---- other members of the kind ------------------------------------------------------------------------------

def test_links_as_objects_attachments_relative_to_the_origin_and_a_feedback_url_are_kept(tmp_path):
    document = case("frab-fields.json")
    (event,) = source_events(document)
    event.update(links=["https://example.org/a", {"url": "https://example.org/b", "title": "Video", "type": "media"}],
                 attachments=[{"url": "/media/mini/slides.pdf", "title": "Slides", "type": "slides"}],
                 origin_url="https://cfp.example.net/mini/talk/ABC/", feedback_url="https://cfp.example.net/fb/",
                 language="en, de", recording_license="", recording={"license": "CC0", "optout": False})

    site = build(document, tmp_path)

    (out,) = frab_events(site)
    page = site / "en/talk/1/index.html"
    assert out["links"] == [{"url": "https://example.org/a", "title": "https://example.org/a"},
                            {"url": "https://example.org/b", "title": "Video", "type": "media"}]
    assert out["attachments"] == [{"url": "https://cfp.example.net/media/mini/slides.pdf", "title": "Slides",
                                   "type": "slides"}]
    assert section_links(page, "Resources") == [("https://cfp.example.net/media/mini/slides.pdf", "Slides")]
    assert out["feedback_url"] == "https://cfp.example.net/fb/"
    assert out["recording_license"] == "CC0"  # frab's older nested shape
    assert out["language"] == "en, de"
    assert facts(page)["Feedback"] == "Give feedback on this session"


def test_pretalx_resources_split_into_links_and_file_attachments_as_pretalx_exports_them(tmp_path):
    snapshot = json.loads(DEMO_SNAPSHOT.read_text())
    submission = next(s for s in snapshot["documents"]["submissions"] if s["code"] == "J9BCWP")
    submission["resources"] = [{"id": 1, "link": "https://video.example.org/1", "resource": None,
                                "description": "Video"},
                               {"id": 2, "link": None, "description": "Slides",
                                "resource": "http://127.0.0.1:8355/media/democon/slides.pdf"}]
    source = tmp_path / "demo.snapshot.json"
    source.write_text(json.dumps(snapshot))
    site = tmp_path / "site"

    assert main([str(source), "--out", str(site), "--quiet", "--locale", "en"]) == 0

    (event,) = [e for e in frab_events(site) if e["code"] == "J9BCWP"]
    assert [link["url"] for link in event["links"]] == ["https://video.example.org/1"]
    assert [a["url"] for a in event["attachments"]] == ["http://127.0.0.1:8355/media/democon/slides.pdf"]
    assert event["feedback_url"] == "http://127.0.0.1:8355/democon/talk/J9BCWP/feedback/"


# ---- real schedules ------------------------------------------------------------------------------------------

def real_events(name: str) -> list[dict]:
    return source_events(json.loads(gzip.decompress((FIXTURES / name).read_bytes())))


def our_frab_events(name: str) -> dict[str, dict]:
    """Our frab JSON of a real schedule, by occurrence guid (kept from the source)."""
    document = FrabDocument(conference(name), conference(name).default_locale, base_url=None).document()
    return {e["guid"]: e for e in source_events(document)}


def test_every_36c3_link_given_as_a_plain_string_reaches_the_frab_feed():
    wanted = {(e["guid"], link) for e in real_events("ccc-36c3/everything.schedule.json.gz")
              for link in e["links"] if isinstance(link, str) and re.match(r"https?://\S+$", link)}

    ours = our_frab_events("36c3")

    carried = {(guid, link["url"]) for guid, e in ours.items() for link in e["links"]}
    assert len(wanted) > 250  # about 300 in 36C3
    assert wanted - carried == set()


def test_every_36c3_attachment_and_licence_reaches_the_frab_feed():
    events = real_events("ccc-36c3/everything.schedule.json.gz")
    attachments = {(e["guid"], a["url"].rsplit("/", 1)[-1]) for e in events for a in e.get("attachments") or []}
    licences = {e["guid"]: e["recording_license"] for e in events if e.get("recording_license")}

    ours = our_frab_events("36c3")

    assert attachments and attachments <= {(g, a["url"].rsplit("/", 1)[-1]) for g, e in ours.items()
                                           for a in e["attachments"]}
    assert licences and {g: ours[g]["recording_license"] for g in licences} == licences


def test_every_bilingual_39c3_session_keeps_both_languages():
    bilingual = {e["guid"]: e["language"] for e in real_events("ccc-39c3/everything.schedule.json.gz")
                 if e.get("language") and "," in e["language"]}

    ours = our_frab_events("39c3")

    assert len(bilingual) == 168
    assert {g: ours[g]["language"].replace(" ", "") for g in bilingual} == \
        {g: lang.replace(" ", "") for g, lang in bilingual.items()}


def test_each_occurrence_of_a_repeated_39c3_session_keeps_its_own_url_and_guid():
    by_code: dict[str, list[dict]] = {}
    for e in real_events("ccc-39c3/everything.schedule.json.gz"):
        by_code.setdefault(e["code"], []).append(e)
    repeated = {(e["guid"], e["url"]) for found in by_code.values() if len(found) > 1 for e in found}

    ours = our_frab_events("39c3")

    assert len(repeated) >= 10
    assert {(guid, ours[guid]["url"]) for guid, _ in repeated} == repeated


# ---- line ends and link targets -----------------------------------------------------------------------------

def test_windows_line_ends_become_newlines_in_json_feeds_and_crlf_only_where_ical_requires(tmp_path):
    document = case("frab-fields.json")
    (event,) = source_events(document)
    event.update(abstract="First line\r\nsecond line\r\n\r\nA paragraph.", description="One\rtwo")

    site = build(document, tmp_path)

    for feed in ("en/schedule.json", "en/frab/schedule.json", "en/frab/schedule.xml"):
        assert b"\r" not in (site / feed).read_bytes() and b"\\r" not in (site / feed).read_bytes(), feed
    (session,) = json.loads((site / "en/schedule.json").read_text())["sessions"]
    assert session["abstract"] == "First line\nsecond line\n\nA paragraph."
    ics = (site / "en/schedule.ics").read_bytes()
    assert re.search(rb"[^\r]\n", ics) is None  # every line ends in CRLF, and no text holds a bare CR or LF
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert "\r" not in str(vevent["DESCRIPTION"])


def markdown_links_as_text(markdown: str) -> str:
    """The case's rule, written out simply: [text](url) → text (url)."""
    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r"\1 (\2)", markdown)


def test_the_ical_description_keeps_the_link_target(tmp_path):
    document = case("description-link.json")
    (event,) = source_events(document)

    site = build(document, tmp_path)

    (vevent,) = icalendar.Calendar.from_ical((site / "en/schedule.ics").read_bytes()).walk("VEVENT")
    assert str(vevent["DESCRIPTION"]) == markdown_links_as_text(event["abstract"])
    assert str(vevent["DESCRIPTION"]) == "See the slides (https://example.org/slides.pdf) first."
    read = parse_with_ical_js([site / "en/schedule.ics"], site)["en/schedule.ics"]["vevents"]
    assert read[0]["description"] == str(vevent["DESCRIPTION"])


@pytest.mark.parametrize(("abstract", "description"), [
    pytest.param("Code: [repo](https://git.example.org/x?a=1&b=2) and [docs](https://docs.example.org/).",
                 "Code: repo (https://git.example.org/x?a=1&b=2) and docs (https://docs.example.org/).",
                 id="two-links-and-an-ampersand"),
    pytest.param("See <https://example.org/x>.", "See https://example.org/x.", id="autolink-not-doubled"),
    pytest.param("[**Slides**](https://example.org/s \"Title\") here", "Slides (https://example.org/s) here",
                 id="formatted-text-with-a-title"),
    pytest.param("[Mail me](mailto:ada@example.org)", "Mail me (mailto:ada@example.org)", id="mailto"),
    pytest.param("[click](javascript:alert(1))", "click", id="no-unsafe-target"),
])
def test_other_links_keep_their_targets_in_the_description(tmp_path, abstract, description):
    document = copy.deepcopy(case("description-link.json"))
    source_events(document)[0]["abstract"] = abstract

    site = build(document, tmp_path)

    (vevent,) = icalendar.Calendar.from_ical((site / "en/schedule.ics").read_bytes()).walk("VEVENT")
    assert str(vevent["DESCRIPTION"]) == description


def test_every_juliacon_resource_reaches_the_frab_feed_as_a_link_to_its_own_host():
    talks = json.loads(gzip.decompress((FIXTURES / "juliacon2023-api/talks.json.gz").read_bytes()))
    wanted = {(t["code"], r["resource"]) for t in (talks["results"] if isinstance(talks, dict) else talks)
              if t["slot"] for r in t["resources"]}

    ours = our_frab_events("juliacon2023").values()

    assert len(wanted) > 10  # the legacy API names links and files alike `resource`: these are on other hosts
    assert {(e["code"], link["url"]) for e in ours for link in e["links"]} >= wanted
    assert not any(e["attachments"] for e in ours)


def test_a_link_that_is_no_url_is_left_out_with_a_warning_naming_the_session(tmp_path, caplog):
    document = copy.deepcopy(case("frab-fields.json"))
    (event,) = source_events(document)
    event["links"] = ["www.cadus.org", {"url": "Slides, Notes", "title": "Notes"}, "https://ok.example/x"]
    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(document), encoding="utf-8")

    plain = main([str(source), "--out", str(tmp_path / "site"), "--quiet"])
    warnings = [message for message in caplog.messages if "not an http(s) URL" in message]
    strict = main([str(source), "--out", str(tmp_path / "strict"), "--quiet", "--strict"])

    assert plain == 0 and strict == 1
    assert [link["url"] for link in frab_events(tmp_path / "site")[0]["links"]] == ["https://ok.example/x"]
    assert warnings == [f"event '{event['id']}': link 'www.cadus.org' is not an http(s) URL; left out",
                        f"event '{event['id']}': link 'Slides, Notes' is not an http(s) URL; left out"]


def test_the_current_api_reader_reads_the_current_apis_avatar_field_and_not_the_legacy_one():
    # pretalx's current API sends `avatar_url` (SpeakerSerializer; the lab's democon shows it); `avatar` is the
    # legacy API's name, which only the legacy reader knows
    from generator.normalise import normalise
    from generator.sources.raw import RawEvent
    from support import handmade
    url = "https://pretalx.example/media/avatars/a.png"

    def avatar(**fields: str) -> str | None:
        documents = handmade.event(speakers=[handmade.speaker("SPK1", **fields)])
        return normalise(RawEvent("pretalx", handmade.ORIGIN, documents)).speaker("SPK1").avatar_url

    assert avatar(avatar_url=url) == url
    assert avatar(avatar=url) is None
