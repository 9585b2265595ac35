"""--mirror-media: download avatars and session images into static/media/, so the site loads nothing from other hosts."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import requests

from . import urls
from .atomic import replace_file
from .concurrency import run_concurrently
from .config import Settings
from .errors import DataError
from .model import Conference

log = logging.getLogger(__name__)

# image types a browser shows in <img>; SVG is left out on purpose: it can carry script
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif"}


@dataclass(frozen=True)
class Image:
    """A verified image: its bytes and the extension of its type."""

    content: bytes
    extension: str

    @property
    def path(self) -> str:
        """Its output path, named by its content: the same picture is stored once and never goes stale."""
        return urls.static(f"media/{hashlib.sha256(self.content).hexdigest()[:20]}.{self.extension}")


class Refused(Exception):
    """A media URL that is not mirrored, and why."""


def media_urls(conference: Conference) -> list[str]:
    """Every avatar and session image URL of the event, sorted."""
    found = {speaker.avatar_url for speaker in conference.speakers}
    found |= {session.image_url for session in conference.sessions}
    return sorted(url for url in found if url)


@dataclass(frozen=True)
class Mirror:
    """The outcome of mirroring: the images got, by URL, and why the others were refused."""

    images: dict[str, Image]
    refused: dict[str, str]

    def applied_to(self, conference: Conference) -> Conference:
        """The conference without refused URLs: the site shows a placeholder rather than load another host."""
        if not self.refused:
            return conference
        speakers = tuple(dataclasses.replace(s, avatar_url=None) if s.avatar_url in self.refused else s
                         for s in conference.speakers)
        sessions = tuple(dataclasses.replace(s, image_url=None) if s.image_url in self.refused else s
                         for s in conference.sessions)
        return dataclasses.replace(conference, speakers=speakers, sessions=sessions)

    def local_paths(self) -> dict[str, str]:
        """Every mirrored URL → the output path of its copy (the renderer links pages to the copies)."""
        return {url: image.path for url, image in self.images.items()}


def mirror(conference: Conference, settings: Settings, session: requests.Session | None = None) -> Mirror:
    """Download every avatar and session image concurrently; a refused one is a warning (an error with --strict)."""
    wanted = media_urls(conference)
    fetcher = Fetcher(session or requests.Session(), settings.cache_dir / "media",
                      max_bytes=settings.media_max_bytes, timeout=settings.timeout)
    outcomes = run_concurrently([functools.partial(fetcher.get, url) for url in wanted], settings.concurrency)
    images: dict[str, Image] = {}
    refused: dict[str, str] = {}
    for url, outcome in zip(wanted, outcomes):
        if isinstance(outcome, Refused):
            refused[url] = str(outcome)
            log.warning("not mirrored, the site shows no image instead: %s: %s", url, outcome)
        else:
            images[url] = outcome
    if refused and settings.strict:
        raise DataError(f"{len(refused)} media file(s) could not be mirrored:\n  "
                        + "\n  ".join(f"{url}: {reason}" for url, reason in sorted(refused.items())),
                        hint="fix them in pretalx, or build without --strict to show no image in their place")
    log.info("mirrored %d of %d media files", len(images), len(wanted))
    return Mirror(images, refused)


class Fetcher:
    """Gets one image: from the on-disk cache, else over HTTP, checking its size and type either way."""

    def __init__(self, session: requests.Session, cache: Path, *, max_bytes: int, timeout: float) -> None:
        self.session = session
        self.cache = cache
        self.max_bytes = max_bytes
        self.timeout = timeout

    def get(self, url: str) -> Image | Refused:
        """The image at `url`, or why it was refused; never raises for a bad answer."""
        try:
            return self._cached(url) or self._download(url)
        except Refused as exc:
            return exc

    def _cache_files(self, url: str) -> tuple[Path, Path]:
        # keyed by URL: pretalx gives every uploaded file a new name, so a URL's bytes do not change
        key = hashlib.sha256(url.encode()).hexdigest()
        return self.cache / key, self.cache / f"{key}.json"

    def _cached(self, url: str) -> Image | None:
        body, meta = self._cache_files(url)
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            content = body.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(info, dict) or info.get("url") != url:
            return None
        try:
            return self._verify(url, str(info.get("content_type", "")), content)
        except Refused:
            return None  # the cap may have shrunk since; ask the server again (and refuse with its answer)

    def _download(self, url: str) -> Image:
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True, headers={"Accept": "image/*"})
        except requests.exceptions.RequestException as exc:
            raise Refused(f"download failed ({type(exc).__name__})") from None
        with response:
            if response.status_code != 200:
                raise Refused(f"HTTP status {response.status_code}")
            content_type = response.headers.get("Content-Type", "")
            _check_type(content_type)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise Refused(f"{declared} bytes, more than the limit of {self.max_bytes}")
            content = self._read(response)
        image = self._verify(url, content_type, content)
        self._store(url, content_type, content)
        return image

    def _read(self, response: requests.Response) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise Refused(f"more than the limit of {self.max_bytes} bytes")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise Refused(f"the connection broke ({type(exc).__name__})") from None
        return b"".join(chunks)

    def _verify(self, url: str, content_type: str, content: bytes) -> Image:
        extension = _check_type(content_type)
        if len(content) > self.max_bytes:
            raise Refused(f"{len(content)} bytes, more than the limit of {self.max_bytes}")
        if not _looks_like(extension, content):
            raise Refused(f"the bytes are not a {extension.upper()} image, although the server says {content_type}")
        return Image(content, extension)

    def _store(self, url: str, content_type: str, content: bytes) -> None:
        body, meta = self._cache_files(url)
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            for target, data in ((body, content),
                                 (meta, json.dumps({"url": url, "content_type": content_type}).encode())):
                replace_file(target, data)
        except OSError as exc:
            log.warning("cannot cache %s in %s: %s", url, self.cache, exc.strerror)  # the build goes on


def _check_type(content_type: str) -> str:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in EXTENSIONS:
        shown = media_type or "no content type"
        raise Refused(f"{shown} is not an image type the site serves ({', '.join(sorted(EXTENSIONS))})")
    return EXTENSIONS[media_type]


def _looks_like(extension: str, content: bytes) -> bool:
    """True when the first bytes are the signature of `extension`'s format."""
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == "jpg":
        return content.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return content[:6] in (b"GIF87a", b"GIF89a")
    if extension == "webp":
        return content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    return content[4:8] == b"ftyp"  # avif: an ISO media file
