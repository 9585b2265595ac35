"""Work out what kind of source the user passed, and fetch its raw documents."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from ..config import DEMO_SNAPSHOT, Settings
from ..errors import SourceError, UsageError
from . import frab_xml, legacy, locate, pretalx, snapshot
from .cache import HttpCache
from .http import HttpClient
from .raw import RawEvent, too_deep

log = logging.getLogger(__name__)

# last path segments of schedule documents that have no file extension (FOSDEM: /2025/schedule/xml)
DOCUMENT_NAMES = {"xml", "json"}


def load(settings: Settings, session: requests.Session | None = None,
         on_fetched: Callable[[str], None] | None = None) -> RawEvent:
    """The raw documents of the source in `settings` (the bundled demo event when none is given)."""
    source = settings.source or str(DEMO_SNAPSHOT)
    if not _is_url(source):
        return _load_file(Path(source))
    client = HttpClient(session or requests.Session(), token=settings.token,
                        timeout=settings.timeout, retries=settings.retries, concurrency=settings.concurrency,
                        cache=HttpCache(settings.cache_dir / "http"), on_fetched=on_fetched)
    return _load_url(source, client, force_legacy=settings.legacy)


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in {"http", "https"}


def _load_file(path: Path) -> RawEvent:
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}", hint="pass an event URL, a schedule.json or a snapshot") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    if frab_xml.is_xml(body):  # the content decides: pretalx, frab and FOSDEM publish XML under many names
        return _from_document(frab_xml.read(body, str(path)), str(path))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is neither XML nor valid JSON: {exc}",
                          hint="the file may be truncated; fetch it again") from None
    except RecursionError:
        data = None
        nested = True
    else:
        nested = too_deep(data)
    if nested:
        raise SourceError(f"{path}: the JSON is nested too deeply to be an event",
                          hint="pass an event URL, a frab schedule.json or a snapshot written by this tool")
    return _from_document(data, str(path))


def _from_document(data: Any, origin: str) -> RawEvent:
    if snapshot.is_snapshot(data):
        return snapshot.load(data, origin)
    if isinstance(data, dict) and isinstance(data.get("schedule"), dict):
        return RawEvent("frab", origin, {"schedule": data})
    raise SourceError(f"{origin}: neither a frab schedule.json or schedule.xml nor a snapshot",
                      hint="pass the event's URL, its API URL, a frab schedule.json or .xml, or a snapshot file")


def _load_url(url: str, client: HttpClient, *, force_legacy: bool) -> RawEvent:
    last = urlsplit(url).path.rstrip("/").rpartition("/")[2]
    if last.endswith((".json", ".xml")) or last in DOCUMENT_NAMES:
        # a schedule document, JSON or XML by its content (FOSDEM's is …/schedule/xml)
        return _from_document(client.get_json(url, xml_reader=frab_xml.read), url)
    api_base, event, use_legacy = locate.event(client, url, force_legacy=force_legacy)
    if use_legacy:
        log.info("using the legacy API at %s", api_base)
        return legacy.fetch(client, api_base)
    log.info("using the current API at %s", api_base)
    return pretalx.fetch(client, api_base, event=event, anonymous=not client.has_token)


def api_urls(url: str) -> tuple[str, str]:
    """The event's API base (`…/api/events/{slug}/`) and the API root (`…/api/`): the most likely reading of `url`."""
    return locate.candidates(url)[0]
