"""The command line: parse options, run one build, turn the outcome into an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import Settings
from .errors import BuildError

log = logging.getLogger("generator")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def parser() -> argparse.ArgumentParser:
    """The argument parser; its help text documents every option."""
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build a static schedule website with iCal and JSON feeds from a pretalx event.",
        epilog="Without SOURCE, the bundled demo event is built (offline). Exit code 0 means the site was built.")
    p.add_argument("source", nargs="?", metavar="SOURCE",
                   help="event URL (https://pretalx.example/democon/), API URL (…/api/events/democon/), "
                        "frab schedule.json URL or file, or a snapshot file")
    p.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR",
                   help="output directory (default: _site)")
    p.add_argument("--locale", metavar="LIST", default="",
                   help="comma-separated locales to build, in order (default: every locale of the event)")
    p.add_argument("--base-url", metavar="URL",
                   help="public URL of the site; makes feed links absolute and enables webcal:// links")
    p.add_argument("--save-snapshot", type=Path, metavar="FILE",
                   help="save the fetched raw data to FILE, to rebuild the same site offline later")
    p.add_argument("--token", metavar="TOKEN",
                   help="pretalx API token to preview an unreleased schedule (default: $PRETALX_TOKEN); never written out")
    p.add_argument("--legacy", action="store_true",
                   help="use pretalx's legacy API (Pretalx-Version: LEGACY) even where the current API exists")
    p.add_argument("--day-change", type=int, default=4, metavar="HOUR",
                   help="hour at which one conference day ends and the next begins (default: 4)")
    p.add_argument("--templates", type=Path, action="append", default=[], metavar="DIR",
                   help="folder of templates that override the built-in ones, file by file (repeatable)")
    p.add_argument("--static", type=Path, action="append", default=[], metavar="DIR",
                   help="folder of static files that override the built-in ones, file by file (repeatable)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="timeout of each HTTP request (default: 30)")
    p.add_argument("--strict", action="store_true", help="fail on data problems instead of warning")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p.add_argument("--verbose", action="store_true", help="print what is fetched and written")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from parsed arguments and the environment."""
    if not 0 <= args.day_change <= 23:
        raise BuildError(f"--day-change must be an hour from 0 to 23, not {args.day_change}")
    return Settings(
        source=args.source, out=args.out,
        locales=tuple(x.strip() for x in args.locale.split(",") if x.strip()),
        base_url=args.base_url, save_snapshot=args.save_snapshot,
        token=args.token or os.environ.get("PRETALX_TOKEN") or None, strict=args.strict,
        quiet=args.quiet, legacy=args.legacy, day_change_hour=args.day_change, timeout=args.timeout,
        templates_dirs=tuple(args.templates), static_dirs=tuple(args.static))


def main(argv: Sequence[str] | None = None) -> int:
    """Run a build; return the exit code."""
    args = parser().parse_args(argv)
    level = logging.ERROR if args.quiet else logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    try:
        from .pipeline import build  # heavy imports only after the arguments are known
        report = build(settings_from(args))
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("The output directory was left as it was.", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted; the output directory was left as it was.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:  # noqa: BLE001 - the last line of defence must say what happened
        traceback.print_exc()
        print("internal error: this is a bug in the tool; please report it with the traceback above.",
              file=sys.stderr)
        return EXIT_INTERNAL
    if not args.quiet:
        print(report.summary())
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
