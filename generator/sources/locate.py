"""Find the event behind a URL as users type it: any case of the slug, any public page of the event, the API.

pretalx serves an event's public pages for any case of its slug but its API only for the slug as stored
(lowercase for events made in the UI); a slug may itself be a word that is also a page name (`schedule`,
`speakers`); pretalx may live under a path prefix. So the readings of a public URL are tried in order (slug
as the first path segment, then later ones; as typed, then lowercase) against `…/api/events/{slug}/`, and the
first event the API knows wins.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ..errors import FetchError, UsageError
from ..sanitise import clean_line, public_url
from .http import HttpClient
from .legacy import LEGACY_HEADERS


def candidates(url: str) -> list[tuple[str, str]]:
    """The possible (event API base `…/api/events/{slug}/`, API root `…/api/`) of `url`, most likely first."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if "api" in segments:
        at = segments.index("api")
        if len(segments) < at + 3 or segments[at + 1] != "events":
            raise UsageError(f"{url}: an API URL must look like …/api/events/<slug>/")
        readings = [(segments[:at], segments[at + 2])]
    else:
        readings = [(segments[:i], segment) for i, segment in enumerate(segments)]
    if not readings:
        raise UsageError(f"{url}: no event slug in the URL",
                         hint="pass the event's public URL, such as https://pretalx.example/democon/")
    found: list[tuple[str, str]] = []
    for prefix, slug in readings:
        root = urlunsplit((parts.scheme, parts.netloc, "/" + "/".join([*prefix, "api"]) + "/", "", ""))
        for spelling in dict.fromkeys((slug, slug.lower())):
            found.append((f"{root}events/{spelling}/", root))
    return found


def event(client: HttpClient, url: str, *, force_legacy: bool = False) -> tuple[str, Any, bool]:
    """(API base, the event document, whether to use the legacy API) of the first reading of `url` whose event
    the API knows. Legacy servers are asked with their header only (`Pretalx-Version: LEGACY`).

    Raises the first reading's FetchError when none is known (a 404 naming the likeliest URL), and any other
    FetchError at once (a server that is down is not asked a dozen times).
    """
    first: FetchError | None = None
    legacy_at: dict[str, bool] = {}
    for api_base, root in candidates(url):
        try:
            if root not in legacy_at:
                legacy_at[root] = force_legacy or not has_current_api(client, root)
            headers = LEGACY_HEADERS if legacy_at[root] else None
            return api_base, client.get_json(api_base, headers), legacy_at[root]
        except FetchError as exc:
            if exc.status not in (404, 406):
                raise
            first = first or exc
    assert first is not None
    raise first


def has_current_api(client: HttpClient, root: str) -> bool:
    """True when the API root answers with an `api_version` (pretalx 2025 and later)."""
    try:
        answer = client.get_json(root)
    except FetchError as exc:
        if exc.status in {404, 406}:
            return False
        raise
    return isinstance(answer, dict) and bool(answer.get("api_version"))


def public_event_url(api_base: str, slug: Any, custom_domain: Any = None) -> str | None:
    """The event's public page: on its custom domain when it has one (pretalx `get_base_url`), else on the
    API's host."""
    slug = clean_line(slug)  # no control characters or lone surrogates, which quote() cannot encode
    if "/api/events/" not in api_base or not slug:
        return None
    domain = public_url(custom_domain)
    root = domain.rstrip("/") if domain else api_base.split("/api/events/")[0]
    return root + f"/{quote(slug, safe='')}/"
