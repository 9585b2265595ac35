"""Frozen build settings, assembled from the command line and the environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .model import DEFAULT_DAY_CHANGE_HOUR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATES = PROJECT_ROOT / "templates"
DEFAULT_STATIC = PROJECT_ROOT / "static"
DEMO_SNAPSHOT = PROJECT_ROOT / "demo" / "democon.snapshot.json"


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
    day_change_hour: int = DEFAULT_DAY_CHANGE_HOUR
    timeout: float = 30.0
    retries: int = 4
    concurrency: int = 8
    templates_dirs: tuple[Path, ...] = ()  # user overrides, searched before ours
    static_dirs: tuple[Path, ...] = ()

    def __repr__(self) -> str:
        # the token never appears in logs or tracebacks
        shown = {k: ("***" if k == "token" and v else v) for k, v in self.__dict__.items()}
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"
