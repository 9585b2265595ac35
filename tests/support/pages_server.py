"""A real HTTP server on 127.0.0.1 that serves a built site the way GitHub Pages does: under a path prefix (a
project site, /repo/) or at the host's root; a folder's index.html, a folder asked for without its slash
redirected to it; and for any other path under the prefix the site's 404.html, with status 404."""

from __future__ import annotations

import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


class PagesServer:
    """Serves the folder `site` at `prefix` ("/" or "/repo/"); start() before the site is built is fine."""

    def __init__(self, site: Path, prefix: str = "/") -> None:
        assert prefix.startswith("/") and prefix.endswith("/")
        self.site, self.prefix = site, prefix
        self.requests: list[tuple[str, int]] = []  # (path, status) of every request
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server._answer(self, body=True)

            def do_HEAD(self) -> None:  # noqa: N802
                server._answer(self, body=False)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The site's public address, e.g. http://127.0.0.1:54321/repo/."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def start(self) -> PagesServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _answer(self, handler: BaseHTTPRequestHandler, body: bool) -> None:
        path = unquote(urlsplit(handler.path).path)
        status, headers, content = self._lookup(path)
        self.requests.append((path, status))
        handler.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(content))}.items():
            handler.send_header(name, value)
        handler.end_headers()
        if body:
            handler.wfile.write(content)

    def _lookup(self, path: str) -> tuple[int, dict[str, str], bytes]:
        root = self.site.resolve()
        if path.startswith(self.prefix) or path + "/" == self.prefix:
            target = (root / path[len(self.prefix):]).resolve()
            if target.is_relative_to(root):
                if target.is_dir() and not path.endswith("/"):
                    return 301, {"Location": path + "/"}, b""
                if target.is_dir():
                    target = target / "index.html"
                if target.is_file():
                    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    return 200, {"Content-Type": kind}, target.read_bytes()
            if (root / "404.html").is_file():
                return 404, {"Content-Type": "text/html; charset=utf-8"}, (root / "404.html").read_bytes()
        return 404, {"Content-Type": "text/plain"}, b"Not Found (outside the site)"
