"""A real HTTP server on 127.0.0.1 serving canned responses, paginated like pretalx's API."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass
class Reply:
    """One canned HTTP answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0  # seconds to wait before answering (a slow or hanging server)
    stream: Callable[[], Iterable[bytes]] | None = None  # body chunks written after `body`, until the client leaves

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        """A JSON answer."""
        return cls(status, json.dumps(data).encode())


Route = Reply | Callable[["Request"], Reply]


@dataclass(frozen=True)
class Request:
    """What the server saw."""

    path: str  # path with query string
    headers: dict[str, str]


class ApiServer:
    """Routes `path?query` to replies; records every request; unknown paths answer 404 with a pretalx detail."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.tls = tls  # serve HTTPS with this server-side context
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The server's origin, e.g. http://127.0.0.1:54321."""
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def route(self, path: str, reply: Route) -> None:
        """Answer GET `path` (with its query string, if any) with `reply`."""
        self.routes[path] = reply

    def lookup(self, path: str) -> Route | None:
        """The route of `path`; like a real server, query parameters no route of that path uses (page_size…) are ignored."""
        route = self.routes.get(path) or self.routes.get(urlsplit(path).path + "*")
        if route is None:
            parts = urlsplit(path)
            known = {key for other in self.routes if urlsplit(other).path == parts.path
                     for key, _ in parse_qsl(urlsplit(other).query, keep_blank_values=True)}
            query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in known])
            route = self.routes.get(f"{parts.path}?{query}" if query else parts.path)
        return route

    def paginate(self, path: str, items: list[Any], page_size: int = 25) -> None:
        """Serve `items` at `path` in pretalx's count/next/previous/results envelope."""
        pages = [items[i:i + page_size] for i in range(0, len(items), page_size)] or [[]]
        for number, chunk in enumerate(pages, start=1):
            at = path if number == 1 else f"{path}?page={number}"
            nxt = f"{self.url}{path}?page={number + 1}" if number < len(pages) else None
            prev = (f"{self.url}{path}?page={number - 1}" if number > 2 else f"{self.url}{path}") if number > 1 else None
            self.route(at, Reply.json({"count": len(items), "next": nxt, "previous": prev, "results": chunk}))

    def start(self) -> None:
        """Start serving in a background thread."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.requests.append(Request(self.path, dict(self.headers.items())))
                route = server.lookup(self.path)
                if route is None:
                    reply = Reply.json({"detail": "Not found."}, 404)
                else:
                    reply = route(Request(self.path, dict(self.headers.items()))) if callable(route) else route
                time.sleep(reply.delay)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in reply.headers and reply.stream is None:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                    for chunk in reply.stream() if reply.stream else ():
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading, as it should from an endless answer

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if self.tls:
            self._httpd.socket = self.tls.wrap_socket(self._httpd.socket, server_side=True)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving."""
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()


@contextmanager
def running(tls: ssl.SSLContext | None = None) -> Iterator[ApiServer]:
    """An ApiServer (HTTPS when given a context) for the duration of a with-block."""
    server = ApiServer(tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()
