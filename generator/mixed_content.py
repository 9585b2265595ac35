"""Images a site on https would load over plain http: browsers block or flag them (mixed content).

pretalx instances behind a misconfigured proxy, or avatars from other services, give `http://` image URLs; an
attendee on the https site then sees a broken image or a warning. `--mirror-media` copies the images into the
site, which solves it; otherwise each such image is named in a warning (a failure with --strict).
"""

from __future__ import annotations

from .model import Conference
from .normalise.checks import Problems


def insecure_images(conference: Conference) -> list[tuple[str, str]]:
    """(the object, its image URL) for every speaker avatar and session image served over plain http."""
    found = [(f"speaker {s.code!r}", s.avatar_url) for s in conference.speakers
             if s.avatar_url and s.avatar_url.startswith("http://")]
    found += [(f"session {s.code!r}", s.image_url) for s in conference.sessions
              if s.image_url and s.image_url.startswith("http://")]
    return found


def site_is_https(base_url: str | None) -> bool:
    """True unless the site's base URL says plain http: organisers publish on https hosts (GitHub Pages,
    Netlify), so without a base URL the site is taken to be on https."""
    return not (base_url or "").startswith("http://")


def check(conference: Conference, *, base_url: str | None, mirrored: bool, strict: bool) -> None:
    """Warn about (with `strict`, raise DataError on) http images an https site would load; nothing when
    the images are mirrored into the site."""
    if mirrored or not site_is_https(base_url):
        return
    problems = Problems(strict)
    for where, url in insecure_images(conference):
        problems.warn(where, f"image {url} is served over plain http: an https site shows it as mixed content "
                             "(pass --mirror-media to copy it into the site)")
    problems.check()
