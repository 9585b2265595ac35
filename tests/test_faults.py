"""Broken servers: each fault ends in one clear message and a non-zero exit (or a successful retry), and the
site that was already in the output directory stays byte for byte as it was."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import requests

from generator.cli import main
from generator.errors import FetchError
from generator.sources.http import DEFAULT_MAX_BYTES, HttpClient
from generator.sources.pretalx import PAGE_SIZE
from support import handmade
from support.data import DEMO_SNAPSHOT
from support.events import serve_pyconfr_current
from support.faults import (FailingFirst, cut_body, cut_connection, endless, html_page, invalid_json, refused_url,
                            self_signed_tls, slow, status)
from support.server import Reply, running
from support.site import pages, tree

EVENT_API = "/api/events/pyconfr-2025/"


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory) -> Path:
    """A good site, built once, that every failed build must leave alone."""
    site = tmp_path_factory.mktemp("previous") / "site"
    assert main([str(DEMO_SNAPSHOT), "--out", str(site), "--quiet"]) == 0
    return site


@pytest.fixture
def out(previous_site, tmp_path) -> Path:
    """A copy of the previous site to build over."""
    return Path(shutil.copytree(previous_site, tmp_path / "site"))


@pytest.fixture
def event_url(api_server) -> str:
    """PyConFR 2025, served by a real local server that will misbehave on cue."""
    return serve_pyconfr_current(api_server)


def build(source: str, out: Path, capsys, *options: str) -> tuple[int, str]:
    """Run the command line; return its exit code and what it printed on stderr."""
    code = main([source, "--out", str(out), "--quiet", *options])
    return code, capsys.readouterr().err


def assert_fails_clearly(code: int, message: str, url: str, *phrases: str) -> None:
    """Non-zero exit, a message saying what failed, where, and what to try, and no traceback."""
    assert code == 1, message
    assert message.startswith("error: "), message
    assert url in message, message
    assert "hint: " in message, message
    for phrase in phrases:
        assert phrase in message, message
    assert "Traceback" not in message
    assert "The output directory was left as it was." in message


# ---- HTTP status answers ------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "detail", "advice"), [
    (401, "Authentication credentials were not provided.", "--token"),
    (403, "You do not have permission to perform this action.", "--token"),
    (404, "Not found.", "slug"),
], ids=["401-not-public", "403-forbidden", "404-wrong-slug"])
def test_an_http_error_status_reports_pretalxs_detail_and_leaves_the_site(api_server, event_url, out, capsys,
                                                                          code, detail, advice):
    api_server.route(EVENT_API, status(code, detail))
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{EVENT_API}", f"HTTP status: {code}",
                         f"server said: {detail}", advice)
    assert tree(out) == before


def test_a_misspelt_event_slug_is_a_404_naming_the_url(api_server, event_url, out, capsys):
    before = tree(out)

    exit_code, message = build(event_url.replace("pyconfr-2025", "pyconfr-2052"), out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}/api/events/pyconfr-2052/", "HTTP status: 404",
                         "server said: Not found.")
    assert tree(out) == before


def test_429_with_retry_after_is_honoured_and_the_build_succeeds(api_server, event_url, tmp_path, capsys):
    path = f"{EVENT_API}speakers/"
    throttled = status(429, "Request was throttled. Expected available in 1 second.", Retry_After="1")
    api_server.route(path, FailingFirst(throttled, then=api_server.routes[path]))

    started = time.monotonic()
    exit_code, message = build(event_url, tmp_path / "site", capsys)
    waited = time.monotonic() - started

    assert exit_code == 0, message
    assert waited >= 1.0  # the real command line slept as the server asked
    assert [r.path for r in api_server.requests].count(f"{path}?page_size={PAGE_SIZE}") == 2  # the largest pages
    assert len(pages(tmp_path / "site", "fr", "speaker")) > 0


@pytest.mark.parametrize("reply", [
    status(500, "Internal Server Error", Retry_After="0"),
    html_page(502, "502 Bad Gateway", Retry_After="0"),
    status(503, "Service temporarily unavailable", Retry_After="0"),
], ids=["500", "502-html-from-the-proxy", "503"])
def test_a_server_error_is_retried_then_reported(api_server, event_url, out, capsys, reply):
    path = f"{EVENT_API}submissions/?page=3"
    api_server.route(path, reply)
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert [r.path for r in api_server.requests].count(path) == 5  # the first try and four retries
    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", f"HTTP status: {reply.status}",
                         "try again later")
    assert tree(out) == before


def test_without_retry_after_the_client_backs_off_exponentially(api_server):
    api_server.route("/api/x/", FailingFirst(status(503), then=Reply.json({"ok": True}), times=3))
    slept: list[float] = []

    document = HttpClient(requests.Session(), retries=4, sleep=slept.append).get_json(f"{api_server.url}/api/x/")

    assert document == {"ok": True}
    assert slept == [1.0, 2.0, 4.0]


@pytest.mark.parametrize("asked", ["121", "3600", "Wed, 21 Oct 2099 07:28:00 GMT"], ids=["just-over", "an-hour", "a-date"])
def test_a_server_asking_to_wait_longer_than_two_minutes_is_treated_as_down(api_server, asked):
    api_server.route("/api/x/", FailingFirst(status(429, Retry_After=asked), then=Reply.json({"ok": True})))
    slept: list[float] = []

    with pytest.raises(FetchError, match=r"asks to wait \d+ s") as raised:
        HttpClient(requests.Session(), retries=4, sleep=slept.append).get_json(f"{api_server.url}/api/x/")

    assert raised.value.url == f"{api_server.url}/api/x/"
    assert slept == []  # not one wait
    assert [r.path for r in api_server.requests].count("/api/x/") == 1


def test_retry_after_is_honoured_up_to_two_minutes_and_an_unreadable_one_falls_back_to_the_backoff(api_server):
    api_server.route("/api/x/", FailingFirst(status(503, Retry_After="120"), then=FailingFirst(
        status(503, Retry_After="soon"), then=Reply.json({"ok": True}))))
    slept: list[float] = []

    document = HttpClient(requests.Session(), retries=4, sleep=slept.append).get_json(f"{api_server.url}/api/x/")

    assert document == {"ok": True}
    assert slept == [120.0, 2.0]  # as asked; then the second retry's backoff


def test_an_answer_that_is_no_server_error_is_not_retried_even_with_retry_after(api_server):
    api_server.route("/api/x/", status(413, "Request Entity Too Large", Retry_After="1"))
    slept: list[float] = []

    with pytest.raises(FetchError, match="refused"):
        HttpClient(requests.Session(), retries=4, sleep=slept.append).get_json(f"{api_server.url}/api/x/")

    assert slept == []
    assert [r.path for r in api_server.requests].count("/api/x/") == 1


# ---- the network ----------------------------------------------------------------------------------

def test_a_refused_connection_names_the_url(out, capsys):
    url = refused_url()
    before = tree(out)

    exit_code, message = build(f"{url}/democon/", out, capsys)

    assert_fails_clearly(exit_code, message, f"{url}/api/", "could not connect", "reachable")
    assert tree(out) == before


def test_a_server_that_does_not_answer_in_time_is_a_timeout(api_server, event_url, out, capsys):
    api_server.route(EVENT_API, slow(60.0, Reply.json({})))  # without the timeout the build would wait a minute
    before = tree(out)

    started = time.monotonic()
    exit_code, message = build(event_url, out, capsys, "--timeout", "0.3")

    assert time.monotonic() - started < 30  # the 0.3 s timeout ended it, whatever the machine's load
    assert_fails_clearly(exit_code, message, f"{api_server.url}{EVENT_API}", "no answer within 0.3 s")
    assert tree(out) == before


def test_a_self_signed_certificate_is_a_tls_error(out, tmp_path, capsys):
    with running(self_signed_tls(tmp_path)) as server:
        event_url = serve_pyconfr_current(server)
        before = tree(out)

        exit_code, message = build(event_url, out, capsys)

    assert event_url.startswith("https://")
    assert_fails_clearly(exit_code, message, f"{server.url}/api/", "TLS error", "certificate")
    assert tree(out) == before


# ---- bodies that are not what they claim -----------------------------------------------------------

def test_an_html_page_where_json_was_expected(api_server, event_url, out, capsys):
    api_server.route(EVENT_API, html_page())
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{EVENT_API}", "expected JSON but got text/html",
                         "Please sign in", "login page")
    assert tree(out) == before


@pytest.mark.parametrize(("cut", "says"), [
    (cut_body, "invalid JSON"),
    (cut_connection, "the connection broke while reading"),
], ids=["body-cut-short", "connection-dropped-mid-body"])
def test_truncated_json_is_reported(api_server, event_url, out, capsys, cut, says):
    path = f"{EVENT_API}submissions/?page=2"
    whole = api_server.routes[path]
    api_server.route(path, cut(whole, keep=len(whole.body) // 2))
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", says, "try again")
    assert tree(out) == before


def test_invalid_json_is_reported(api_server, event_url, out, capsys):
    path = f"{EVENT_API}rooms/"
    api_server.route(path, invalid_json())
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", "invalid JSON")
    assert tree(out) == before


@pytest.mark.parametrize("depth", [500, 100_000], ids=["decodable-but-deep", "beyond-the-decoder"])
def test_json_nested_deeper_than_any_event_is_reported(api_server, event_url, out, capsys, depth):
    path = f"{EVENT_API}rooms/"
    api_server.route(path, Reply(200, b'{"a":' * depth + b"1" + b"}" * depth))
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", "nested too deeply")
    assert tree(out) == before


def test_a_snapshot_file_nested_too_deeply_is_reported(out, tmp_path, capsys):
    snapshot = tmp_path / "deep.snapshot.json"
    snapshot.write_text('{"format": "pretalx-static-snapshot", "version": 1, "kind": "frab", "documents": '
                        '{"schedule": ' + '{"a": ' * 700 + "1" + "}" * 700 + "}}")
    before = tree(out)

    exit_code, message = build(str(snapshot), out, capsys)

    assert_fails_clearly(exit_code, message, str(snapshot), "nested too deeply")
    assert tree(out) == before


# ---- pagination that cannot be trusted --------------------------------------------------------------

def test_a_next_link_that_loops_is_refused(api_server, event_url, out, capsys):
    path = f"{EVENT_API}rooms/"
    api_server.route(path, Reply.json({"count": 99, "next": f"{api_server.url}{path}", "previous": None,
                                       "results": [{"id": 1, "name": "B003"}]}))
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", "loops")
    assert tree(out) == before


def test_a_next_link_to_another_host_is_refused(api_server, event_url, out, capsys):
    path = f"{EVENT_API}rooms/"
    api_server.route(path, Reply.json({"count": 99, "next": "https://evil.example/api/events/pyconfr-2025/rooms/?page=2",
                                       "previous": None, "results": [{"id": 1, "name": "B003"}]}))
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", "another host", "evil.example")
    assert not any("evil" in r.path for r in api_server.requests)
    assert tree(out) == before


def test_a_count_that_does_not_match_the_results_is_refused(api_server, event_url, out, capsys):
    path = f"{EVENT_API}rooms/"
    api_server.route(path, Reply.json({"count": 20, "next": None, "previous": None,
                                       "results": [{"id": 1, "name": "B003"}]}))
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", "announced 20 results but sent 1")
    assert tree(out) == before


# ---- answers far larger than any event --------------------------------------------------------------

def test_the_default_size_limit_is_far_above_real_events_and_far_below_memory():
    assert 16 * 2**20 <= DEFAULT_MAX_BYTES <= 256 * 2**20  # the 36C3 frab export, the largest we know, is 2.9 MB


@pytest.mark.parametrize("declared", [None, 10 * 2**30], ids=["endless-stream", "declared-10-GiB"])
def test_a_response_far_larger_than_expected_is_refused(api_server, event_url, out, capsys, declared):
    path = f"{EVENT_API}speakers/"
    api_server.route(path, endless(declared))
    before = tree(out)

    exit_code, message = build(event_url, out, capsys)

    assert_fails_clearly(exit_code, message, f"{api_server.url}{path}", "larger than")
    assert tree(out) == before


def test_the_size_limit_is_per_client(api_server):
    api_server.route("/api/big/", Reply.json(list(range(10_000))))

    with pytest.raises(FetchError, match="larger than"):
        HttpClient(requests.Session(), max_bytes=1_000).get_json(f"{api_server.url}/api/big/")


# ---- the local disk ---------------------------------------------------------------------------------

def test_a_snapshot_that_cannot_be_saved_fails_clearly_and_leaves_the_site(out, tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    other_event = handmade.snapshot_file(handmade.event(), tmp_path / "other.snapshot.json")
    before = tree(out)

    exit_code, message = build(str(other_event), out, capsys, "--save-snapshot", str(tmp_path / "a-file/x.json"))

    assert exit_code == 1
    assert message.startswith("error: ") and "a-file" in message and "hint: " in message
    assert "Traceback" not in message
    assert tree(out) == before
