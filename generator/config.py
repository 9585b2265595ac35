"""Frozen build settings: a config file, then the environment, then the command line, each overriding the last."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import UsageError
from . import timezones
from .model import Multilingual
from .sanitise import public_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled(name: str) -> Path:
    """One of our top-level folders: in the checkout, or where a non-editable install put it."""
    in_checkout = PROJECT_ROOT / name
    return in_checkout if in_checkout.is_dir() else Path(sys.prefix) / "share" / "pretalx-static" / name


DEFAULT_TEMPLATES = bundled("templates")
DEFAULT_STATIC = bundled("static")
DEMO_SNAPSHOT = bundled("demo") / "democon.snapshot.json"


@dataclass(frozen=True)
class Link:
    """An extra link the organiser wants on every page."""

    title: Multilingual
    url: str


@dataclass(frozen=True)
class Settings:
    """Everything one build needs to know, decided before it starts."""

    source: str | None = None
    out: Path = Path("_site")
    locales: tuple[str, ...] = ()  # empty: every locale the event offers
    base_url: str | None = None
    save_snapshot: Path | None = None
    token: str | None = None
    strict: bool = False
    quiet: bool = False
    legacy: bool = False
    day_change_hour: int | None = None  # None: the source's own days, else the hour DEFAULT_DAY_CHANGE_HOUR
    time_zone: str | None = None  # an IANA name replacing the event's zone for display
    timeout: float = 30.0
    retries: int = 4
    concurrency: int = 8
    templates_dirs: tuple[Path, ...] = ()  # user overrides, searched before ours
    static_dirs: tuple[Path, ...] = ()
    config_file: Path | None = None  # the config file these settings came from, if any
    title: Multilingual | None = None  # replaces the event's name
    links: tuple[Link, ...] = ()  # extra links for the pages (tickets, venue map, code of conduct)
    mirror_media: bool = False  # download avatars and session images into the site
    media_max_bytes: int = 5 * 1024 * 1024
    offline: bool = False  # add a service worker that caches the whole site
    cards: bool = True  # draw a social card (OpenGraph image) per session and link it from its page
    cache_dir: Path = Path(".cache/pretalx-static")  # kept between builds (CI restores it)
    allow_shrink: bool = False  # publish even when the site lost a large share of its sessions (shrink.py)
    source_date_epoch: dt.datetime | None = None  # $SOURCE_DATE_EPOCH: the stamp when the schedule has no release

    def __repr__(self) -> str:
        # the token never appears in logs or tracebacks
        shown = {k: ("***" if k == "token" and v else v) for k, v in self.__dict__.items()}
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"


# ---- loading: file < environment < flags ------------------------------------------------------

CONFIG_FILE = "schedule-site.toml"
PYPROJECT_TABLE = "pretalx-static"  # [tool.pretalx-static] in a pyproject.toml
ENV_PREFIX = "PRETALX_STATIC_"
TOKEN_ENV = "PRETALX_TOKEN"
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


@dataclass(frozen=True)
class Given:
    """One value from one layer, with where it came from (for messages) and the folder relative paths start in."""

    value: Any
    where: str
    base: Path | None = None


def _text(given: Given) -> str:
    if not isinstance(given.value, str) or not given.value.strip():
        raise UsageError(f"{given.where} must be a non-empty string, not {given.value!r}")
    return given.value.strip()


def _url(given: Given) -> str:
    url = public_url(_text(given))
    if url is None:  # sitemaps, webcal links and cards need the site's absolute address (sitemaps.org: absolute URLs)
        raise UsageError(f"{given.where} must be the site's absolute http(s) address, not {given.value!r}",
                         hint="e.g. https://example.github.io/schedule/")
    return url


def _path(given: Given) -> Path:
    path = given.value if isinstance(given.value, Path) else Path(_text(given))
    return given.base / path if given.base and not path.is_absolute() else path


def _paths(given: Given) -> tuple[Path, ...]:
    items = _split(given)
    return tuple(_path(Given(item, given.where, given.base)) for item in items)


def _locales(given: Given) -> tuple[str, ...]:
    return tuple(item.strip() for item in _split(given) if isinstance(item, str) and item.strip())


def _split(given: Given) -> list[Any]:
    value = given.value
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, Path)) for v in value):
        return list(value)
    raise UsageError(f"{given.where} must be a list of strings (or one comma-separated string), not {value!r}")


def _bool(given: Given) -> bool:
    value = given.value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if not isinstance(value, bool):
        raise UsageError(f"{given.where} must be true or false, not {value!r}")
    return value


def _number(kind: type, low: float, high: float | None = None) -> Callable[[Given], Any]:
    def convert(given: Given) -> Any:
        try:
            value = kind(given.value) if not isinstance(given.value, bool) else None
        except (TypeError, ValueError):
            value = None
        if value is None or value < low or (high is not None and value > high) \
                or (kind is int and isinstance(given.value, float)):
            bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
            raise UsageError(f"{given.where} must be a number {bounds}, not {given.value!r}")
        return value
    return convert


def _zone(given: Given) -> str:
    """An IANA time zone name, or a Rails one (frab's "Berlin"), as its IANA name."""
    name = timezones.known_name(given.value) if isinstance(given.value, str) else None
    if name is None or timezones.is_fixed_offset(name):
        raise UsageError(f"{given.where}: unknown time zone {given.value!r}",
                         hint="give an IANA name such as Europe/Berlin or America/New_York")
    return name


def _multilingual(given: Given) -> Multilingual:
    value = given.value
    if isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return Multilingual.of(value)
    return Multilingual.of(_text(given))


def _links(given: Given) -> tuple[Link, ...]:
    if not isinstance(given.value, list):
        raise UsageError(f"{given.where} must be a list of tables with title and url ([[links]] in TOML)")
    links = []
    for number, item in enumerate(given.value, start=1):
        where = f"{given.where} #{number}"
        if not isinstance(item, dict) or set(item) != {"title", "url"}:
            raise UsageError(f"{where} must have exactly the keys title and url, not {item!r}")
        url = public_url(item["url"])
        if url is None:
            raise UsageError(f"{where}: url must be an absolute http(s) URL, not {item['url']!r}")
        links.append(Link(_multilingual(Given(item["title"], f"{where} title")), url))
    return tuple(links)


@dataclass(frozen=True)
class Key:
    """A config key: the Settings field it sets, how to read it, and where it may come from."""

    field: str
    convert: Callable[[Given], Any]
    from_file: bool = True
    from_env: bool = True


KEYS: dict[str, Key] = {
    "source": Key("source", _text),
    "out": Key("out", _path),
    "locales": Key("locales", _locales),
    "base_url": Key("base_url", _url),
    "save_snapshot": Key("save_snapshot", _path),
    "token": Key("token", _text, from_file=False),  # a secret never belongs in a committed file
    "legacy": Key("legacy", _bool),
    "day_change": Key("day_change_hour", _number(int, 0, 23)),
    "time_zone": Key("time_zone", _zone),
    "timeout": Key("timeout", _number(float, 0.1)),
    "strict": Key("strict", _bool),
    "templates": Key("templates_dirs", _paths),
    "static": Key("static_dirs", _paths),
    "title": Key("title", _multilingual),
    "links": Key("links", _links, from_env=False),
    "mirror_media": Key("mirror_media", _bool),
    "media_max_bytes": Key("media_max_bytes", _number(int, 1)),
    "offline": Key("offline", _bool),
    "cards": Key("cards", _bool),
    "cache_dir": Key("cache_dir", _path),
    "allow_shrink": Key("allow_shrink", _bool),
}


def find_config(cwd: Path) -> Path | None:
    """The config file a build in `cwd` uses: schedule-site.toml, else a pyproject.toml with our table."""
    candidate = cwd / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file() and PYPROJECT_TABLE in _read_toml(pyproject).get("tool", {}):
        return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise UsageError(f"no such config file: {path}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read config file {path}: {exc}") from None


def file_layer(path: Path) -> dict[str, Given]:
    """The keys of a config file (or of [tool.pretalx-static] in a pyproject.toml); unknown keys are an error."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get(PYPROJECT_TABLE)
        if not isinstance(table, dict):
            raise UsageError(f"{path} has no [tool.{PYPROJECT_TABLE}] table")
        data, prefix = table, f"[tool.{PYPROJECT_TABLE}] "
    else:
        prefix = ""
    layer = {}
    for name, value in data.items():
        key = KEYS.get(name)
        if key is None:
            raise UsageError(f"{path}: unknown key {prefix}{name!r}", hint=f"known keys: {', '.join(sorted(KEYS))}")
        if not key.from_file:
            raise UsageError(f"{path}: {name!r} must not be stored in a config file",
                             hint=f"pass it as --{name.replace('_', '-')} or in ${TOKEN_ENV}")
        layer[name] = Given(value, f"{path}: {prefix}{name}", path.parent.resolve())
    return layer


def environment_layer(environ: Mapping[str, str]) -> dict[str, Given]:
    """The keys set as PRETALX_STATIC_<KEY> (and PRETALX_TOKEN); empty variables count as unset."""
    layer = {}
    if environ.get(TOKEN_ENV):
        layer["token"] = Given(environ[TOKEN_ENV], f"${TOKEN_ENV}")
    for variable, value in sorted(environ.items()):
        if not variable.startswith(ENV_PREFIX) or not value:
            continue
        name = variable.removeprefix(ENV_PREFIX).lower()
        key = KEYS.get(name)
        if key is None or not key.from_env:
            raise UsageError(f"unknown environment variable {variable}",
                             hint="known: " + ", ".join(ENV_PREFIX + k.upper() for k, v in sorted(KEYS.items())
                                                        if v.from_env))
        layer[name] = Given(value, f"${variable}")
    return layer


def source_date_epoch(environ: Mapping[str, str]) -> dt.datetime | None:
    """$SOURCE_DATE_EPOCH as a UTC instant (reproducible-builds.org/specs/source-date-epoch: whole seconds since
    1970); None when unset or empty. The only place it is read: feeds and the build key take it from Settings.

    Raises UsageError for anything else, whether or not this build's data would have used it."""
    value = environ.get(SOURCE_DATE_EPOCH)
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"{SOURCE_DATE_EPOCH}={value!r} is not a Unix timestamp",
                         hint="set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct)") from None


def load_settings(flags: Mapping[str, Given], *, config: Path | None = None, cwd: Path | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the config file (given, or found in `cwd`), then the environment, then `flags`."""
    cwd = cwd or Path.cwd()
    path = config or find_config(cwd)
    merged = file_layer(path) if path else {}
    environ = os.environ if environ is None else environ
    merged.update(environment_layer(environ))
    for name, given in flags.items():
        if name not in KEYS:
            raise UsageError(f"unknown option {given.where}")
        merged[name] = given
    values = {KEYS[name].field: KEYS[name].convert(given) for name, given in merged.items()}
    known = {f.name for f in fields(Settings)}
    assert set(values) <= known, set(values) - known
    return Settings(config_file=path, source_date_epoch=source_date_epoch(environ), **values)
