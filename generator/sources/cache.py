"""A local cache of public API answers, so an unchanged re-fetch is a conditional request answered 304."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import replace_file

log = logging.getLogger(__name__)

DEFAULT_DIRECTORY = Path(".cache") / "pretalx-static"
FORMAT = 1
# request headers that change what a server answers; the cache key includes them
VARYING_HEADERS = ("accept", "pretalx-version", "accept-language")


@dataclass(frozen=True)
class CachedAnswer:
    """A document fetched earlier, with the validators the server gave for it."""

    etag: str | None
    last_modified: str | None
    document: Any

    def validators(self) -> dict[str, str]:
        """The conditional request headers that ask the server whether this copy is still current."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class HttpCache:
    """One file per URL (and varying headers) under `directory`; written atomically; never holds a token's answers."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def lookup(self, url: str, headers: Mapping[str, str]) -> CachedAnswer | None:
        """The cached answer for this request, or None (missing or unreadable entries are simply misses)."""
        try:
            data = json.loads(self._path(url, headers).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("url") != url:
            return None
        return CachedAnswer(data.get("etag"), data.get("last_modified"), data.get("document"))

    def store(self, url: str, headers: Mapping[str, str], response_headers: Mapping[str, str],
              document: Any) -> None:
        """Remember a decoded answer, if the server gave a validator to check it against next time."""
        etag, last_modified = response_headers.get("ETag"), response_headers.get("Last-Modified")
        if not etag and not last_modified:
            return
        path = self._path(url, headers)
        entry = {"format": FORMAT, "url": url, "etag": etag, "last_modified": last_modified, "document": document}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, json.dumps(entry, ensure_ascii=False).encode())
        except OSError as exc:  # a cache that cannot be written only costs speed
            log.warning("cannot write the HTTP cache at %s: %s", path, exc.strerror or exc)

    def _path(self, url: str, headers: Mapping[str, str]) -> Path:
        lowered = {key.lower(): value for key, value in headers.items()}
        varying = "\n".join(f"{name}: {lowered.get(name, '')}" for name in VARYING_HEADERS)
        key = hashlib.sha256(f"{url}\n{varying}".encode()).hexdigest()
        return self.directory / key[:2] / f"{key}.json"
