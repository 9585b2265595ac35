"""A production pretalx (PostgreSQL, page cap 50, rooms without positions, 39C3 imported): every session once,
one schedule version per build, and what organisers change after release, compared with pretalx's own exports.

The shared `bigcon` event is only read. Tests that change data import their own copy of 39C3 into the lab
and change it through pretalx's own code (tests/support/lab_driver.py); their slugs carry this run's prefix.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
import requests
from conftest import skip_or_fail
from support.data import materialise
from support.lab import LabDriver, lab_dir, missing
from support.site import pages, tree

from generator.cli import main

pytestmark = pytest.mark.live

DOMAIN = "https://schedule.example.org"


def build(source: str, out: Path, *extra: str) -> int:
    return main([source, "--out", str(out), "--locale", "en", "--quiet", "--cache-dir", str(out.parent / "cache"),
                 *extra])


def pretalx_export(pretalx_url: str, slug: str, name: str, host: str | None = None) -> bytes:
    """One of pretalx's own schedule exports, asked for on the event's domain (pretalx answers only there)."""
    headers = {"Host": urlsplit(host).netloc} if host else {}
    answer = requests.get(f"{pretalx_url}/{slug}/schedule/export/{name}", headers=headers, timeout=60)
    answer.raise_for_status()
    return answer.content


def frab_events(document: bytes) -> list[dict[str, Any]]:
    """Every event of a frab schedule.json, in document order."""
    days = json.loads(document)["schedule"]["conference"]["days"]
    return [event for day in days for room in day["rooms"].values() for event in room]


def vevents(ics: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


@pytest.fixture(scope="module")
def import_event(pretalx_url: str) -> str:
    """The shared lab's imported 39C3 event (read only)."""
    return os.environ.get("PRETALX_IMPORT_EVENT") or skip_or_fail(
        "PRETALX_IMPORT_EVENT is not set: start the lab with PRETALX_LAB_IMPORT=<39C3 schedule.json>") or ""


@pytest.fixture(scope="module")
def lab(pretalx_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabDriver, Path, str]]:
    """(a driver of the lab, the 39C3 frab file to import, this run's slug prefix); its events deleted after."""
    folder = lab_dir()
    reason = missing(folder)
    if reason:
        skip_or_fail(reason)
    prefix = f"l17-{os.getpid()}-"
    driver = LabDriver(folder, prefix)
    made: list[str] = []
    original = driver.send

    def send(do: str, **arguments: Any) -> dict[str, Any]:
        if do == "import":
            made.append(arguments["slug"])
        return original(do, **arguments)

    driver.send = send  # type: ignore[method-assign]
    source = materialise("ccc-39c3/everything.schedule.json.gz", tmp_path_factory.mktemp("39c3"))
    try:
        yield driver, source, prefix
    finally:
        for slug in made:
            original("delete", slug=slug)
        driver.close()


# ---- every session exactly once ------------------------------------------------------------------------------

def test_39c3_on_postgresql_with_capped_pages_builds_all_895_sessions_five_times_in_a_row(
        pretalx_url, import_event, tmp_path):
    listed = {e["code"] for e in frab_events(pretalx_export(pretalx_url, import_event, "schedule.json"))}

    built = []
    for n in range(5):
        assert build(f"{pretalx_url}/{import_event}/", tmp_path / f"site{n}") == 0
        built.append(pages(tmp_path / f"site{n}", "en", "talk"))

    assert len(listed) == 895
    assert all(codes == listed for codes in built), [len(codes) for codes in built]


# ---- one schedule version per build --------------------------------------------------------------------------

@contextmanager
def proxy(target: str, on_request) -> Iterator[str]:
    """A real HTTP proxy to `target` that calls `on_request(n)` before forwarding its n-th request (from 1)."""
    count = {"n": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                count["n"] += 1
                n = count["n"]
            on_request(n)
            # pretalx writes its `next` links with the Host it was asked for: keep the client on the proxy
            upstream = requests.get(target + self.path, headers={"Host": self.headers["Host"],
                                                                 "Accept": self.headers.get("Accept", "*/*")},
                                    timeout=60)
            body = upstream.content
            self.send_response(upstream.status_code)
            self.send_header("Content-Type", upstream.headers.get("Content-Type", "application/json"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def releasing(lab) -> dict[str, Any]:
    """An imported 39C3 that the release tests release new versions of, one after the other."""
    driver, source, prefix = lab
    slug = f"{prefix}releasing"
    return {"slug": slug, "codes": set(driver.send("import", slug=slug, file=str(source))["codes"]), "version": 1}


@pytest.mark.parametrize(("after_request", "unschedule"), [(3, 100), (25, 100), (10, 500)],
                         ids=["at-start", "mid-collections", "most-removed"])
def test_a_release_during_the_fetch_gives_one_complete_version_or_leaves_the_old_site(
        lab, releasing, pretalx_url, tmp_path, after_request, unschedule):
    driver, slug = lab[0], releasing["slug"]
    v1 = releasing["codes"]
    site = tmp_path / "site"
    shrinks = unschedule > len(v1) / 4
    # the site before: this event's own when the shrink guard is to compare with it, else a file of the user's
    if shrinks:
        assert build(f"{pretalx_url}/{slug}/", site) == 0
    else:
        site.mkdir()
        (site / "CNAME").write_text("schedule.example.org\n")
    old = tree(site)
    released: dict[str, Any] = {}

    def release_once(n: int) -> None:
        if n == after_request and not released:
            releasing["version"] += 1
            released.update(driver.send("release", slug=slug, version=f"v{releasing['version']}",
                                        unschedule=unschedule))

    with proxy(pretalx_url, release_once) as url:
        code = build(f"{url}/{slug}/", site)

    assert released, "the build made fewer requests than the moment chosen for the release"
    v2 = releasing["codes"] = set(released["codes"])
    assert v2 == v1 - set(released["unscheduled"]) and len(v2) < len(v1)
    shown = pages(site, "en", "talk")
    if code == 0:
        assert shown in (v1, v2), f"{len(shown)} sessions: neither v1 ({len(v1)}) nor v2 ({len(v2)})"
    else:
        assert tree(site) == old
    if shrinks:  # the complete new version lost three quarters: the guard refuses it, the old site stays
        assert code == 1 and tree(site) == old
    else:  # released before the fetch ended: the fence saw it, and the new version is built, complete
        assert (code, len(shown)) == (0, len(v2))


# ---- what organisers change after a release, against pretalx's own exports ------------------------------------

@pytest.fixture(scope="module")
def changed(lab, pretalx_url, tmp_path_factory) -> dict[str, Any]:
    """An imported 39C3 on a custom domain with resources on one session, a second slot for another (released
    as v2), then one session rejected and one withdrawn; built by us from two different URLs."""
    driver, source, prefix = lab
    slug = f"{prefix}changed"
    driver.send("import", slug=slug, file=str(source))
    first = requests.get(f"{pretalx_url}/api/events/{slug}/submissions/?page_size=4", timeout=30).json()["results"]
    with_resources, two_slots, rejected, withdrawn = (s["code"] for s in first)
    driver.send("custom_domain", slug=slug, domain=DOMAIN)
    resources = driver.send("resources", slug=slug, code=with_resources)
    driver.send("second_slot", slug=slug, code=two_slots)
    driver.send("release", slug=slug, version="v2")
    driver.send("state", slug=slug, code=rejected, state="rejected")
    driver.send("state", slug=slug, code=withdrawn, state="withdrawn")
    root = tmp_path_factory.mktemp("changed")
    typed = f"{pretalx_url.replace('127.0.0.1', 'localhost')}/{slug.upper()}/talk/{two_slots}/"
    assert build(f"{pretalx_url}/{slug}/", root / "site") == 0
    assert build(typed, root / "typed") == 0
    return {"slug": slug, "site": root / "site", "typed": root / "typed", "resources": resources,
            "codes": (with_resources, two_slots, rejected, withdrawn),
            "ics": pretalx_export(pretalx_url, slug, "schedule.ics", DOMAIN),
            "frab": pretalx_export(pretalx_url, slug, "schedule.json", DOMAIN)}


def test_uids_equal_pretalx_ical_including_numbered_slots_on_the_custom_domain(changed):
    theirs = {str(e["UID"]) for e in vevents(changed["ics"])}
    ours = {str(e["UID"]) for e in vevents((changed["site"] / "en/schedule.ics").read_bytes())}
    two_slots = changed["codes"][1]

    assert ours == theirs
    assert {u for u in ours if two_slots in u} == {f"pretalx-{changed['slug']}-{two_slots}-0@schedule.example.org",
                                                   f"pretalx-{changed['slug']}-{two_slots}-1@schedule.example.org"}


def test_the_same_uids_and_pretalx_links_whichever_url_was_typed(changed):
    def uids_and_links(site: Path) -> tuple[set[str], set[str]]:
        events = vevents((site / "en/schedule.ics").read_bytes())
        feed = json.loads((site / "en/schedule.json").read_bytes())
        return {str(e["UID"]) for e in events}, {s["source_url"] for s in feed["sessions"] if s.get("source_url")}

    uids, links = uids_and_links(changed["site"])

    assert (uids, links) == uids_and_links(changed["typed"])
    assert links and all(link.startswith(f"{DOMAIN}/{changed['slug']}/talk/") for link in links)


def test_sessions_rejected_or_withdrawn_after_release_are_cancelled_and_kept_in_frab_like_pretalx(changed):
    _, _, rejected, withdrawn = changed["codes"]
    status = {str(e["UID"]).split("@")[0].rsplit("-", 1)[-1]: str(e["STATUS"])
              for e in vevents((changed["site"] / "en/schedule.ics").read_bytes())}
    ours = frab_events((changed["site"] / "en/frab/schedule.json").read_bytes())
    theirs = frab_events(changed["frab"])

    assert status[rejected] == status[withdrawn] == "CANCELLED"
    assert sorted(e["code"] for e in ours) == sorted(e["code"] for e in theirs)
    titles = {e["code"]: e["title"] for e in ours}
    assert titles[rejected].startswith("Cancelled: ") and titles[withdrawn].startswith("Cancelled: ")
    assert sum(t.startswith("Cancelled: ") for t in titles.values()) == 2


def test_resources_appear_on_the_page_in_frab_and_in_our_feed_and_private_ones_nowhere(changed):
    code = changed["codes"][0]
    theirs = next(e for e in frab_events(changed["frab"]) if e["code"] == code)
    ours = next(e for e in frab_events((changed["site"] / "en/frab/schedule.json").read_bytes()) if e["code"] == code)
    feed = next(s for s in json.loads((changed["site"] / "en/schedule.json").read_bytes())["sessions"]
                if s["code"] == code)
    page = (changed["site"] / f"en/talk/{code}/index.html").read_text()

    assert [(r["title"], r["url"]) for r in ours["links"]] == [(r["title"], r["url"]) for r in theirs["links"]]
    # pretalx's own frab writes uploads as a path: compare the path, ours is absolute on the event's domain
    assert [(r["title"], urlsplit(r["url"]).path) for r in ours["attachments"]] \
        == [(r["title"], urlsplit(r["url"]).path) for r in theirs["attachments"]]
    assert ours["attachments"][0]["url"] == changed["resources"]["upload"]
    assert sorted((r["description"], r["kind"]) for r in feed["resources"]) == [
        ("Paper (public upload)", "attachment"), ("Slides (public link)", "link")]
    assert "Slides (public link)" in page and "Paper (public upload)" in page
    private = changed["resources"]["private"]
    assert not [path for path, content in tree(changed["site"]).items() if private.encode() in content]
    assert not re.search(r"Private notes", page)
