"""--serve: a preview server on 127.0.0.1 for the built site; with --watch, a rebuild whenever a template or static file changes."""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config import DEFAULT_STATIC, DEFAULT_TEMPLATES, Settings
from .errors import BuildError, UsageError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # a preview is for this machine only
POLL_SECONDS = 0.5


class _Handler(SimpleHTTPRequestHandler):
    """Serves the output folder; every answer says "do not cache", so a reload shows the latest build."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        log.debug("preview: " + format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing path answers the site's 404.html with status 404, as GitHub Pages and most hosts do."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        content = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)


class PreviewServer:
    """An HTTP server for one folder, running in a background thread."""

    def __init__(self, directory: Path, port: int = 0) -> None:
        handler = functools.partial(_Handler, directory=str(directory))
        try:
            self._httpd = ThreadingHTTPServer((HOST, port), handler)
        except OSError as exc:
            raise UsageError(f"cannot serve on {HOST}:{port}: {exc.strerror}",
                             hint="another program may use that port; pass --serve with another port") from None
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="preview-server", daemon=True)

    @property
    def url(self) -> str:
        """The site's address, e.g. http://127.0.0.1:8000/."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> PreviewServer:
        """Start answering requests."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def watched_paths(settings: Settings) -> list[Path]:
    """What --watch looks at: every templates and static folder (the user's and ours), the config and source files."""
    paths = [*settings.templates_dirs, DEFAULT_TEMPLATES, *settings.static_dirs, DEFAULT_STATIC]
    if settings.config_file:
        paths.append(settings.config_file)
    if settings.source and not urlsplit(settings.source).scheme.startswith("http"):
        paths.append(Path(settings.source))
    return paths


def fingerprint(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under `paths`: any edit, addition or removal changes it."""
    seen: dict[str, tuple[int, int]] = {}
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in files:
            try:
                status = path.stat()
            except OSError:
                continue  # removed while we looked: the next poll sees it gone
            if path.is_file():
                seen[str(path)] = (status.st_mtime_ns, status.st_size)
    return seen


class Watcher:
    """Polls file fingerprints and calls `rebuild` after a change (polling: simple, and works on every system)."""

    def __init__(self, paths: list[Path], rebuild: Callable[[], None]) -> None:
        self.paths = paths
        self.rebuild = rebuild
        self._last = fingerprint(paths)

    def check(self) -> bool:
        """Rebuild if anything changed since the last check; True when it did."""
        current = fingerprint(self.paths)
        if current == self._last:
            return False
        self._last = current
        self.rebuild()
        return True

    def run(self, interval: float = POLL_SECONDS) -> None:
        """Check every `interval` seconds, until an interrupt (KeyboardInterrupt) ends it."""
        while True:
            time.sleep(interval)
            self.check()


def for_watching(settings: Settings) -> Settings:
    """Settings for a first build under --watch: a URL source is also saved, so rebuilds do not fetch again."""
    if settings.source and urlsplit(settings.source).scheme.startswith("http") and not settings.save_snapshot:
        return dataclasses.replace(settings, save_snapshot=settings.cache_dir / "preview.snapshot.json")
    return settings


def rebuild_settings(settings: Settings) -> Settings:
    """Settings for rebuilds under --watch: from the saved snapshot when the source is a URL."""
    if settings.source and urlsplit(settings.source).scheme.startswith("http") and settings.save_snapshot:
        return dataclasses.replace(settings, source=str(settings.save_snapshot), save_snapshot=None)
    return settings


def rebuild_reporting(settings: Settings) -> None:
    """One rebuild; a failure is printed and the preview goes on with the previous site."""
    from .pipeline import build  # the pipeline's imports are heavy; serve only needs them here

    try:
        report = build(settings)
    except BuildError as exc:
        print(f"rebuild failed, still serving the previous site:\nerror: {exc}", flush=True)
        return
    except Exception:  # noqa: BLE001 - a template typo must not end the preview
        traceback.print_exc()
        print("rebuild failed, still serving the previous site", flush=True)
        return
    print(report.summary(), flush=True)


def serve_until_interrupted(settings: Settings, *, port: int, watch: bool) -> None:
    """Serve `settings.out` (rebuilding on changes when `watch`) until Ctrl-C or SIGTERM.

    Rebuilds run in this (the main) thread, where an interrupt arrives: one that comes during a rebuild stops it
    as it would stop any build (every file old or new, no temporary file, no worker left); only the HTTP server
    runs in a thread, and it is shut down before this returns.
    """
    server = PreviewServer(settings.out, port).start()
    try:  # from here on, an interrupt is the preview's normal end
        print(f"serving {settings.out} at {server.url}" + (" (rebuilding on changes)" if watch else "")
              + "; Ctrl-C stops", flush=True)
        if watch:
            again = rebuild_settings(settings)
            Watcher(watched_paths(settings), lambda: rebuild_reporting(again)).run()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
