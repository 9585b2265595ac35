"""Expected feeds and pages of the bundled demo event. Regenerate with `python tests/golden/update.py`, then review the diff.

The tests build the demo the same way (`demo_feeds()`) and compare byte for byte.
"""

from __future__ import annotations

import sys
import tempfile
from functools import cache
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "demo"
PROJECT = GOLDEN.parent.parent.parent
BASE_URL = "https://democon.example.org/"  # a base URL, so the goldens show absolute links and the site's URLs
FILES = (
    "en/schedule.ics",
    "de/room/dim-gray-room/schedule.ics",
    "en/talk/3N98PT/talk.ics",
    "en/speaker/EPFJQH/talks.ics",
    "en/frab/schedule.xml",
    "en/frab/schedule.json",
    "en/schedule.json",
    "de/schedule.json",
)
PAGES = (  # one of each kind a change to a template or to the renderer shows in
    "en/talk/3N98PT/index.html",
    "en/speaker/EPFJQH/index.html",
    "en/day/2026-03-01/index.html",
    "de/room/dim-gray-room/index.html",
    "en/index.html",
    "404.html",
)


@cache
def demo_feeds() -> dict[str, bytes]:
    """The golden files' paths and bytes (feeds and pages) as a build of the demo snapshot writes them now."""
    sys.path.insert(0, str(PROJECT))
    from generator.cli import main

    with tempfile.TemporaryDirectory() as out:
        code = main([str(PROJECT / "demo" / "democon.snapshot.json"), "--out", out, "--base-url", BASE_URL, "--quiet"])
        if code != 0:
            raise SystemExit(f"building the demo failed with exit code {code}")
        return {name: (Path(out) / name).read_bytes() for name in (*FILES, *PAGES)}


def main() -> None:
    """Rewrite tests/golden/demo/ from a fresh build."""
    for name, content in demo_feeds().items():
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        changed = not target.exists() or target.read_bytes() != content
        target.write_bytes(content)
        print(f"{'updated' if changed else 'unchanged'}: {target.relative_to(PROJECT)}")


if __name__ == "__main__":
    main()
