"""Read the real data kept under tests/fixtures (gzipped when large)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROJECT = FIXTURES.parent.parent
DEMO_SNAPSHOT = PROJECT / "demo" / "democon.snapshot.json"


def fixture_path(name: str) -> Path:
    """The path of a fixture, whether stored plain or gzipped."""
    plain = FIXTURES / name
    return plain if plain.exists() else FIXTURES / f"{name}.gz"


def fixture_bytes(name: str) -> bytes:
    """A fixture's bytes, un-gzipped."""
    path = fixture_path(name)
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def load_fixture(name: str) -> Any:
    """A JSON fixture, decoded."""
    return json.loads(fixture_bytes(name))


def materialise(name: str, directory: Path) -> Path:
    """Write a fixture un-gzipped into `directory` (for commands that take a file) and return its path."""
    target = directory / Path(name).name
    target.write_bytes(fixture_bytes(name))
    return target


def results(document: Any) -> list[Any]:
    """The objects of a list fixture, with or without the pagination envelope."""
    return document["results"] if isinstance(document, dict) else document
