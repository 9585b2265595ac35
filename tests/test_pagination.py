"""Following `next` links, whatever the page size, and refusing broken pagination."""

import pytest
import requests

from generator.errors import FetchError
from generator.sources.http import HttpClient
from support.server import Reply


def client() -> HttpClient:
    return HttpClient(requests.Session(), timeout=5, retries=0)


def test_three_pages_of_25_are_read_in_order(api_server):
    items = [{"id": n} for n in range(75)]
    api_server.paginate("/api/events/x/talks/", items, page_size=25)

    got = client().get_collection(f"{api_server.url}/api/events/x/talks/")

    assert got == items
    assert sorted(r.path for r in api_server.requests) == [  # pages 2 and 3 are fetched side by side
        "/api/events/x/talks/", "/api/events/x/talks/?page=2", "/api/events/x/talks/?page=3"]


def test_a_short_last_page_is_read(api_server):
    items = [{"id": n} for n in range(53)]
    api_server.paginate("/api/events/x/talks/", items, page_size=25)

    got = client().get_collection(f"{api_server.url}/api/events/x/talks/")

    assert len(got) == 53 and got[-1] == {"id": 52}


def test_a_bare_list_is_accepted_as_one_page(api_server):
    api_server.route("/api/events/x/rooms/", Reply.json([{"id": 1}, {"id": 2}]))

    assert client().get_collection(f"{api_server.url}/api/events/x/rooms/") == [{"id": 1}, {"id": 2}]


def test_a_next_link_to_another_host_is_refused(api_server):
    api_server.route("/api/events/x/talks/", Reply.json(
        {"count": 2, "next": "http://evil.example/api/events/x/talks/?page=2", "previous": None, "results": [{"id": 1}]}))

    with pytest.raises(FetchError, match="another host") as caught:
        client().get_collection(f"{api_server.url}/api/events/x/talks/")

    assert "evil.example" in str(caught.value)


def test_a_next_link_that_loops_is_refused(api_server):
    url = f"{api_server.url}/api/events/x/talks/"
    api_server.route("/api/events/x/talks/", Reply.json({"count": 9, "next": url, "previous": None, "results": [{"id": 1}]}))

    with pytest.raises(FetchError, match="loops"):
        client().get_collection(url)


def test_a_count_that_does_not_match_the_results_is_an_error(api_server):
    api_server.route("/api/events/x/talks/", Reply.json({"count": 3, "next": None, "previous": None, "results": [{"id": 1}]}))

    with pytest.raises(FetchError, match="announced 3 results but sent 1"):
        client().get_collection(f"{api_server.url}/api/events/x/talks/")
