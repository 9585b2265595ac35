"""JSON over HTTP: timeouts, retries with backoff, pagination, and errors that name the URL."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from ..concurrency import run_concurrently
from ..errors import FetchError
from .cache import HttpCache
from .raw import too_deep
from .retry import RETRY_STATUSES, ServerAsksTooLong, ServerRetry

log = logging.getLogger(__name__)

# the largest real export we know (36C3's frab JSON) is 2.9 MB; far more is a broken or hostile server
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_PAGES = 10_000
HINTS = {
    401: "the event or its schedule is not public; pass --token (or PRETALX_TOKEN) to preview it",
    403: "the event or its schedule is not public; pass --token (or PRETALX_TOKEN) to preview it",
    404: "check the event's URL and slug; the schedule may not be released yet",
}


class HttpClient:
    """Fetches JSON documents and paginated collections through a requests-like session."""

    def __init__(self, session: requests.Session, *, token: str | None = None,
                 timeout: float = 30.0, retries: int = 4, max_bytes: int = DEFAULT_MAX_BYTES,
                 sleep: Callable[[float], None] = time.sleep, concurrency: int = 8,
                 cache: HttpCache | None = None, on_fetched: Callable[[str], None] | None = None) -> None:
        # urllib3 retries 429 and 5xx answers (retry.py); mounted on the session the caller gave us
        adapter = HTTPAdapter(max_retries=ServerRetry(retries, sleep=sleep), pool_maxsize=max(10, concurrency))
        for scheme in ("http://", "https://"):
            session.mount(scheme, adapter)
        self.session = session
        self.timeout = timeout
        self.retries = retries
        self.max_bytes = max_bytes
        self.concurrency = max(1, concurrency)
        # answers to a token may hold organiser-only data: they never reach the disk cache
        self.cache = None if token else cache
        self.on_fetched = on_fetched
        self._slots = threading.BoundedSemaphore(self.concurrency)  # requests in flight, over all threads
        self._auth = {"Authorization": f"Token {token}"} if token else {}

    @property
    def has_token(self) -> bool:
        """True when requests carry an API token (answers may then hold what only organisers see)."""
        return bool(self._auth)

    # ---- one document ----------------------------------------------------
    def get_json(self, url: str, headers: Mapping[str, str] | None = None, *,
                 xml_reader: Callable[[bytes, str], Any] | None = None) -> Any:
        """GET a URL and decode its JSON body, retrying 429 and 5xx answers.

        With `xml_reader`, an XML body (recognised by its content) is accepted too and turned into the
        document `xml_reader(body, url)` returns; that document is what the cache keeps.
        """
        accept = "application/json, application/xml;q=0.9" if xml_reader else "application/json"
        all_headers = {"Accept": accept, **self._auth, **(headers or {})}
        cached = self.cache.lookup(url, all_headers) if self.cache else None
        request_headers = {**all_headers, **cached.validators()} if cached else all_headers
        with self._slots:  # the body is read inside too: a streamed answer holds its connection
            response = self._request(url, request_headers)
            if response.status_code == 304 and cached is not None:
                response.close()
                log.info("%s not modified; using the cached copy", url)
                document = cached.document
            else:
                document = self._decode(response, url, xml_reader)
                if self.cache is not None:
                    self.cache.store(url, all_headers, response.headers, document)
        if self.on_fetched:
            self.on_fetched(url)
        return document

    def _request(self, url: str, headers: Mapping[str, str]) -> requests.Response:
        try:
            return self.session.get(url, headers=dict(headers), timeout=self.timeout, stream=True)
        except ServerAsksTooLong as exc:
            raise FetchError(str(exc), url=url, status=exc.status, hint="try again later") from None
        except requests.exceptions.SSLError as exc:
            raise FetchError("TLS error talking to the server", url=url, detail=_short(exc),
                             hint="check the certificate of the pretalx host, or the URL's scheme") from None
        except requests.exceptions.Timeout:
            raise FetchError(f"no answer within {self.timeout:g} s", url=url,
                             hint="the server is slow or down; try again later") from None
        except requests.exceptions.ConnectionError as exc:
            raise FetchError("could not connect", url=url, detail=_short(exc),
                             hint="check the URL and that the server is reachable") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError("request failed", url=url, detail=_short(exc)) from None

    def _decode(self, response: requests.Response, url: str,
                xml_reader: Callable[[bytes, str], Any] | None = None) -> Any:
        body = self._read_body(response, url)
        if response.status_code in RETRY_STATUSES:
            raise FetchError(f"the server kept failing ({self.retries} retries)", url=url,
                             status=response.status_code, detail=_detail(body),
                             hint="the server is overloaded or down; try again later")
        if not response.ok:
            raise FetchError("the server refused the request", url=url, status=response.status_code,
                             detail=_detail(body), hint=HINTS.get(response.status_code, ""))
        content_type = response.headers.get("Content-Type", "")
        if xml_reader is not None and body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            return xml_reader(body, url)
        if "json" not in content_type and body.lstrip()[:1] not in (b"{", b"["):
            raise FetchError(f"expected JSON but got {content_type or 'an unknown type'}", url=url,
                             status=response.status_code, detail=_snippet(body),
                             hint="is this a pretalx event URL? a proxy or login page may be in the way")
        nested = FetchError("the JSON is nested too deeply to be an event", url=url, status=response.status_code,
                            hint="this is not what a pretalx API sends")
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(f"invalid JSON ({exc})", url=url, status=response.status_code,
                             hint="the response may have been truncated; try again") from None
        except RecursionError:
            raise nested from None
        if too_deep(document):
            raise nested
        return document

    def _read_body(self, response: requests.Response, url: str) -> bytes:
        chunks, size = [], 0
        too_large = FetchError(f"the response is larger than {self.max_bytes / 2**20:g} MiB", url=url,
                               status=response.status_code, hint="this is not what a pretalx API sends; check the URL")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response.close()
            raise too_large
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise too_large
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise FetchError("the connection broke while reading the response", url=url,
                             detail=_short(exc), hint="try again") from None
        finally:
            response.close()
        return b"".join(chunks)

    # ---- paginated collections -------------------------------------------
    def get_collection(self, url: str, headers: Mapping[str, str] | None = None) -> list[Any]:
        """All results of a list endpoint (a bare list is accepted as is).

        Once the first page gives the count and the page size, the other pages are fetched concurrently;
        `next` links of an unfamiliar shape are followed one by one.
        """
        first = self.get_json(url, headers)
        if isinstance(first, list):
            return first
        _require_page(first, url)
        results = list(first["results"])
        seen = {url}
        origin = _origin(url)
        next_url = first.get("next")
        if next_url and _origin(next_url) == origin:
            later = _page_urls(next_url, first.get("count"), len(results))
            if later is not None:
                pages = self.concurrently([lambda u=u: self.get_json(u, headers) for u in later])
                for page_url, page in zip(later, pages):
                    _require_page(page, page_url)
                    results.extend(page["results"])
                next_url = None
        while next_url:
            if _origin(next_url) != origin:
                raise FetchError(f"pagination points to another host ({next_url})", url=url,
                                 hint="the server's next link is wrong; refusing to follow it")
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise FetchError("pagination loops back to a page already read", url=next_url,
                                 hint="the server's next links are broken")
            seen.add(next_url)
            page = self.get_json(next_url, headers)
            _require_page(page, next_url)
            results.extend(page["results"])
            next_url = page.get("next")
        count = first.get("count")
        if isinstance(count, int) and count != len(results):
            raise FetchError(f"the server announced {count} results but sent {len(results)}", url=url,
                             hint="the data changed while fetching, or the server is broken; try again")
        return results

    def concurrently(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """The results of `calls`, run on up to `concurrency` threads, in order; the first failure (in order) is raised."""
        return run_concurrently(calls, self.concurrency)


T = TypeVar("T")


def _page_urls(second: str, count: Any, page_size: int) -> list[str] | None:
    """The URLs of pages 2…n, derived from the link to page 2 (`page=2` or `offset`/`limit`), or None."""
    if not isinstance(count, int) or page_size <= 0 or count <= page_size:
        return None
    parts = urlsplit(second)
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = dict(query)
    total = math.ceil(count / page_size)
    if total > MAX_PAGES:
        return None
    if keys.get("page") == "2":
        values = [("page", str(n)) for n in range(2, total + 1)]
    elif keys.get("offset") == str(page_size) and keys.get("limit", str(page_size)) == str(page_size):
        values = [("offset", str(page_size * n)) for n in range(1, total)]
    else:
        return None
    name = values[0][0]
    return [urlunsplit(parts._replace(query=urlencode([(k, v if k != name else value) for k, v in query])))
            for _, value in values]


def _require_page(page: Any, url: str) -> None:
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise FetchError("expected a list page with 'results'", url=url,
                         hint="is this a pretalx API collection URL?")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _detail(body: bytes) -> str:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return _snippet(body)
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return data["detail"]
    return _snippet(body)


def _snippet(body: bytes, limit: int = 160) -> str:
    text = body[:limit * 2].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
