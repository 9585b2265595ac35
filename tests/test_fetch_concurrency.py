"""Fetching fast and politely: pages side by side once the count is known, at most `concurrency` requests in
flight, and conditional requests that let an unchanged server answer 304."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from support.server import Reply, Request

from generator.sources.cache import HttpCache
from generator.sources.http import HttpClient

PAGE_DELAY = 0.5


def slow_pages(server, path: str, pages: int, size: int = 10) -> tuple[list[dict], dict[str, int]]:
    """Serve `pages` pages that each take PAGE_DELAY seconds; returns the items and a live in-flight counter."""
    items = [{"id": n} for n in range(pages * size)]
    server.paginate(path, items, page_size=size)
    load = {"now": 0, "most": 0}
    lock = threading.Lock()
    for key, reply in list(server.routes.items()):
        if key.startswith(path):
            def slow(request: Request, reply: Reply = reply) -> Reply:
                with lock:
                    load["now"] += 1
                    load["most"] = max(load["most"], load["now"])
                time.sleep(PAGE_DELAY)
                with lock:
                    load["now"] -= 1
                return reply
            server.route(key, slow)
    return items, load


def test_later_pages_are_fetched_side_by_side_not_one_after_another(api_server):
    path = "/api/events/x/submissions/"
    items = [{"id": n} for n in range(8 * 10)]
    api_server.paginate(path, items, page_size=10)
    # pages 2-8 answer only once all seven requests are in flight: fetched one after another, the first of them
    # would wait for the others until the barrier gives up, and answer 503 (no clock decides the outcome)
    together = threading.Barrier(7, timeout=60)
    for key, reply in list(api_server.routes.items()):
        if "page=" in key:
            def answer(request: Request, reply: Reply = reply) -> Reply:
                try:
                    together.wait()
                except threading.BrokenBarrierError:
                    return Reply.json({"detail": "the pages were not requested side by side"}, 503)
                return reply
            api_server.route(key, answer)
    client = HttpClient(requests.Session(), timeout=90, retries=0, concurrency=8)

    got = client.get_collection(f"{api_server.url}{path}")

    assert got == items  # in order, whatever order the pages arrived in


def test_no_more_requests_are_in_flight_than_the_concurrency_allows(api_server):
    items, load = slow_pages(api_server, "/api/events/x/speakers/", pages=12)
    client = HttpClient(requests.Session(), timeout=10, retries=0, concurrency=3)

    got = client.get_collection(f"{api_server.url}/api/events/x/speakers/")

    assert got == items
    assert load["most"] == 3


def test_pages_given_by_offset_and_limit_are_fetched_concurrently_too(api_server):
    path = "/api/events/x/talks/"
    items = [{"id": n} for n in range(40)]
    for offset in range(0, 40, 10):
        nxt = f"{api_server.url}{path}?limit=10&offset={offset + 10}" if offset < 30 else None
        key = path if offset == 0 else f"{path}?limit=10&offset={offset}"
        api_server.route(key, Reply.json({"count": 40, "next": nxt, "previous": None,
                                          "results": items[offset:offset + 10]}))

    got = HttpClient(requests.Session(), timeout=10, retries=0).get_collection(f"{api_server.url}{path}")

    assert got == items
    assert sorted(r.path for r in api_server.requests) == sorted(
        [path] + [f"{path}?limit=10&offset={n}" for n in (10, 20, 30)])


@pytest.mark.parametrize("validator, conditional", [
    ({"ETag": '"v1"'}, ("If-None-Match", '"v1"')),
    ({"Last-Modified": "Wed, 01 Jan 2025 10:00:00 GMT"}, ("If-Modified-Since", "Wed, 01 Jan 2025 10:00:00 GMT")),
], ids=["etag", "last-modified"])
def test_a_second_fetch_asks_conditionally_and_a_304_reuses_the_cached_document(api_server, tmp_path,
                                                                                 validator, conditional):
    document = {"name": "DemoCon", "slug": "democon"}
    header, value = conditional

    def answer(request: Request) -> Reply:
        if request.headers.get(header) == value:
            return Reply(304, b"", dict(validator))
        return Reply(200, Reply.json(document).body, {"Content-Type": "application/json", **validator})

    api_server.route("/api/events/democon/", answer)
    url = f"{api_server.url}/api/events/democon/"
    cache = HttpCache(tmp_path / "http")

    first = HttpClient(requests.Session(), retries=0, cache=cache).get_json(url)
    second = HttpClient(requests.Session(), retries=0, cache=cache).get_json(url)

    assert first == second == document
    assert header not in api_server.requests[0].headers
    assert api_server.requests[1].headers.get(header) == value


def test_a_changed_document_replaces_the_cached_one(api_server, tmp_path):
    versions = iter([({"v": 1}, '"a"'), ({"v": 2}, '"b"')])

    def answer(request: Request) -> Reply:
        data, etag = next(versions)
        return Reply(200, Reply.json(data).body, {"Content-Type": "application/json", "ETag": etag})

    api_server.route("/api/events/democon/", answer)
    url = f"{api_server.url}/api/events/democon/"
    cache = HttpCache(tmp_path / "http")

    HttpClient(requests.Session(), retries=0, cache=cache).get_json(url)
    second = HttpClient(requests.Session(), retries=0, cache=cache).get_json(url)

    assert second == {"v": 2}
    assert cache.lookup(url, {"Accept": "application/json"}).etag == '"b"'


def test_answers_to_a_token_are_never_cached(api_server, tmp_path):
    api_server.route("/api/events/democon/", Reply(200, b'{"email": "x@example.org"}',
                                                   {"Content-Type": "application/json", "ETag": '"t"'}))

    HttpClient(requests.Session(), retries=0, token="secret", cache=HttpCache(tmp_path / "http")).get_json(
        f"{api_server.url}/api/events/democon/")

    assert not (tmp_path / "http").exists()
