"""Print the median weight of a session page (HTML + the CSS and JS it loads, uncompressed) of a built site.

    python benchmarks/page_weight.py            # builds the bundled demo into a temporary folder first
    python benchmarks/page_weight.py SITE_DIR   # measures an existing build

Images and the search index (loaded on demand) are not counted, as the issue's 40 KB budget says.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path

ASSET = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')


def page_weight(page: Path) -> int:
    """Bytes of one page plus every stylesheet and script it references from the site."""
    html = page.read_bytes()
    assets = {(page.parent / href).resolve() for href in ASSET.findall(html.decode("utf-8")) if "://" not in href}
    return len(html) + sum(asset.stat().st_size for asset in assets if asset.is_file())


def session_page_weights(site: Path) -> dict[str, int]:
    """The weight of every session page of a built site, by path."""
    return {p.relative_to(site).as_posix(): page_weight(p) for p in sorted(site.glob("*/talk/*/index.html"))}


def main(argv: list[str]) -> int:
    """Measure `argv[0]` (or a fresh demo build) and print one benchmark line."""
    if argv:
        return report(Path(argv[0]))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from generator.cli import main as build

    with tempfile.TemporaryDirectory() as directory:
        if build(["--quiet", "--out", directory]) != 0:
            return 1
        return report(Path(directory))


def report(site: Path) -> int:
    """Print the median, smallest and largest session page weight."""
    weights = session_page_weights(site)
    if not weights:
        print(f"no session pages under {site}", file=sys.stderr)
        return 1
    values = sorted(weights.values())
    print(f"session page weight (HTML+CSS+JS): median {statistics.median(values):.0f} bytes, "
          f"min {values[0]}, max {values[-1]}, {len(values)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
