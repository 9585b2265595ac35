"""The command line: parse options, run one build, turn the outcome into an exit code."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import Given, Settings, load_settings
from .errors import BuildError
from .interrupts import exit_code, stop_on_signals

log = logging.getLogger("generator")

# 130 and 143: stopped by SIGINT (Ctrl-C) or SIGTERM during a build, as a shell reports a process they ended
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 3, 130, 143


def parser() -> argparse.ArgumentParser:
    """The argument parser; its help text documents every option."""
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build a static schedule website with iCal and JSON feeds from a pretalx event.",
        epilog="Without SOURCE, the bundled demo event is built (offline). Exit code 0 means the site was built. "
               "Settings come from a config file (--config, else ./schedule-site.toml, else "
               "[tool.pretalx-static] in ./pyproject.toml), then PRETALX_STATIC_<KEY> environment variables, "
               "then these options, each overriding the one before.")
    p.add_argument("source", nargs="?", metavar="SOURCE",
                   help="event URL (https://pretalx.example/democon/), API URL (…/api/events/democon/), "
                        "frab/c3voc schedule.json or schedule.xml (or FOSDEM's XML) URL or file, or a snapshot file")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="read settings from this TOML file (schedule-site.toml, or a pyproject.toml "
                        "with a [tool.pretalx-static] table); options given here override it")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="output directory (default: _site)")
    p.add_argument("--locale", metavar="LIST",
                   help="comma-separated locales to build, in order (default: every locale of the event)")
    p.add_argument("--base-url", metavar="URL",
                   help="public URL of the site; makes feed links absolute and enables webcal:// links")
    p.add_argument("--save-snapshot", type=Path, metavar="FILE",
                   help="save the fetched raw data to FILE, to rebuild the same site offline later")
    p.add_argument("--token", metavar="TOKEN",
                   help="pretalx API token to preview an unreleased schedule (default: $PRETALX_TOKEN); never written out")
    p.add_argument("--legacy", action="store_true", default=None,
                   help="use pretalx's legacy API (Pretalx-Version: LEGACY) even where the current API exists")
    p.add_argument("--day-change", type=int, metavar="HOUR",
                   help="hour at which one conference day ends and the next begins, replacing the source's own "
                        "days (default: the days the source lists, else 4)")
    p.add_argument("--time-zone", metavar="ZONE",
                   help="show times in this IANA zone (or Rails name), e.g. Europe/Berlin "
                        "(default: the event's zone, else one that fits the UTC offsets of its times)")
    p.add_argument("--templates", type=Path, action="append", metavar="DIR",
                   help="folder of templates that override the built-in ones, file by file (repeatable)")
    p.add_argument("--static", type=Path, action="append", metavar="DIR",
                   help="folder of static files that override the built-in ones, file by file (repeatable)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="timeout of each HTTP request (default: 30)")
    p.add_argument("--strict", action="store_true", default=None, help="fail on data problems instead of warning")
    p.add_argument("--mirror-media", action="store_true", default=None,
                   help="download speaker avatars and session images into static/media/ so the site loads "
                        "nothing from other hosts (default: link them from pretalx)")
    p.add_argument("--offline", action="store_true", default=None,
                   help="add a service worker that caches the whole site after the first visit, "
                        "so it works without network")
    p.add_argument("--no-cards", dest="cards", action="store_false", default=None,
                   help="draw no social card images (OpenGraph/Twitter) for the session pages; saves build time")
    p.add_argument("--allow-shrink", action="store_true", default=None,
                   help="publish even when the new site lost more than a quarter of the sessions of the site "
                        "in --out (refused by default: an incomplete answer must not replace a good site)")
    p.add_argument("--cache-dir", type=Path, metavar="DIR",
                   help="folder kept between builds for downloaded media (default: .cache/pretalx-static)")
    p.add_argument("--serve", type=int, nargs="?", const=8000, metavar="PORT",
                   help="after building, serve the site on http://127.0.0.1:PORT/ (default port: 8000) until Ctrl-C")
    p.add_argument("--watch", action="store_true",
                   help="with --serve: rebuild when templates, static files or the config file change")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p.add_argument("--verbose", action="store_true", help="print what is fetched and written")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


# option (argparse dest) → config key; options not given stay out, so the config file and environment show through
FLAG_KEYS = {"source": "source", "out": "out", "locale": "locales", "base_url": "base_url",
             "save_snapshot": "save_snapshot", "token": "token", "legacy": "legacy", "day_change": "day_change",
             "time_zone": "time_zone",
             "templates": "templates", "static": "static", "timeout": "timeout", "strict": "strict",
             "mirror_media": "mirror_media", "offline": "offline", "cards": "cards", "cache_dir": "cache_dir",
             "allow_shrink": "allow_shrink"}


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the config file, the environment, then the options given, each overriding the last."""
    flags = {key: Given(getattr(args, dest), "SOURCE" if dest == "source" else "--" + dest.replace("_", "-"))
             for dest, key in FLAG_KEYS.items() if getattr(args, dest, None) is not None}
    return dataclasses.replace(load_settings(flags, config=args.config), quiet=bool(args.quiet))


def main(argv: Sequence[str] | None = None, *, restore_signals: bool = True) -> int:
    """Run a build (and, with --serve, the preview); return the exit code.

    SIGINT and SIGTERM stop it at any moment: the output directory keeps every file old or new, no temporary
    file, worker process or thread is left, and the exit code is 130 (SIGINT) or 143 (SIGTERM); stopping
    --serve that way is its normal end (0). With `restore_signals` (in-process callers such as tests) the
    caller's signal dispositions are put back afterwards; without, later signals are ignored (the process exits).
    """
    args = parser().parse_args(argv)
    if args.watch and args.serve is None:
        parser().error("--watch needs --serve")
    level = logging.ERROR if args.quiet else logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    with stop_on_signals(restore=restore_signals):
        try:
            return _run(args)
        except KeyboardInterrupt as exc:  # between _run's own handlers, e.g. while the preview stops
            return exit_code(exc)


def console() -> None:
    """The command's entry point (`build.py`, `pretalx-static`): exit with main()'s code. A signal that comes
    after the work is done, while the interpreter exits, is ignored rather than turned into a traceback."""
    raise SystemExit(main(restore_signals=False))


def _run(args: argparse.Namespace) -> int:
    try:
        from .pipeline import build  # heavy imports only after the arguments are known
        from .progress import Progress
        settings = settings_from(args)
        if args.watch:
            from .serve import for_watching
            settings = for_watching(settings)
        report = build(settings, progress=Progress.for_terminal(settings.quiet))
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("The output directory was left as it was.", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        print("interrupted; every output file is as the last build or this one left it, none half-written.",
              file=sys.stderr)
        return exit_code(exc)
    except OSError as exc:  # a file the build itself reads or writes (snapshot, templates, static files)
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        print("  hint: check the path, its permissions and the free disk space", file=sys.stderr)
        return EXIT_FAILED
    except Exception:  # noqa: BLE001 - the last line of defence must say what happened
        traceback.print_exc()
        print("internal error: this is a bug in the tool; please report it with the traceback above.",
              file=sys.stderr)
        return EXIT_INTERNAL
    if not args.quiet:
        print(report.summary())
    if args.serve is not None:
        from .serve import serve_until_interrupted
        serve_until_interrupted(settings, port=args.serve, watch=args.watch)
    return EXIT_OK


if __name__ == "__main__":
    console()
