"""Refuse to publish a site that lost a large share of its sessions since the last build into the same folder.

Organisers remove sessions, but not a quarter of them by accident: a source that answers half a schedule (a
release during the fetch, a broken proxy, a filter on the server) must not replace the published site with
exit 0. The previous build's sessions are read from the writer's manifest (the talk pages it wrote), so the
check needs no state of its own; `--allow-shrink` (config key `allow_shrink`) lets a deliberate cut through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError
from .writer import previous_paths

log = logging.getLogger(__name__)

# a build may lose at most this share of the previous build's sessions, and at most SMALL_LOSS of them outright
MAX_LOSS_SHARE = 0.25
SMALL_LOSS = 5


def session_codes(paths: Iterable[str]) -> set[str]:
    """The session codes whose pages (`{lang}/talk/{code}/index.html`) are among `paths`, over every locale."""
    codes = set()
    for path in paths:
        parts = path.split("/")
        if len(parts) == 4 and parts[1] == "talk" and parts[3] == "index.html":
            codes.add(parts[2])
    return codes


def check(out: Path, planned: Iterable[str], *, allow: bool) -> None:
    """Raise OutputError when the planned site has lost more than MAX_LOSS_SHARE (and more than SMALL_LOSS) of
    the sessions of the site in `out`; with `allow`, only log it."""
    before = session_codes(previous_paths(out))
    if not before:
        return
    after = session_codes(planned)
    lost = before - after
    if len(lost) <= SMALL_LOSS or len(lost) <= len(before) * MAX_LOSS_SHARE:
        return
    message = (f"the new site would lose {len(lost)} of the {len(before)} sessions of the site in {out} "
               f"({len(after)} left; e.g. {', '.join(sorted(lost)[:5])})")
    if allow:
        log.warning("%s; publishing anyway (--allow-shrink)", message)
        return
    raise OutputError(message, hint="if the organisers really removed them, build again with --allow-shrink "
                                    "(config key allow_shrink); otherwise the source answered an incomplete "
                                    "schedule: try again later")
