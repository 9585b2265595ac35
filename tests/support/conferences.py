"""Every real source the tests have, normalised into a Conference once per test session."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from generator import sources
from generator.config import Settings
from generator.model import Conference
from generator.normalise import normalise

from .data import DEMO_SNAPSHOT, materialise
from .events import serve_juliacon_legacy, serve_pyconfr_current
from .server import running

FRAB_FILES = {"39c3": "ccc-39c3/everything.schedule.json", "36c3": "ccc-36c3/everything.schedule.json",
              "divoc": "divoc_r2r/schedule.json",
              # frab / c3voc / pentabarf XML, read through the same frab path
              "39c3-xml": "ccc-39c3/everything.schedule.xml", "36c3-xml": "ccc-36c3/everything.schedule.xml",
              "divoc-xml": "divoc_r2r/schedule.xml", "fosdem2025": "fosdem-2025/schedule.xml",
              "gpn17": "gpn17/schedule.xml", "jh23hh": "jh23hh/schedule.xml"}
SOURCES = ("demo", "juliacon2023", "pyconfr2025", *FRAB_FILES)


@cache
def conference(name: str) -> Conference:
    """The Conference of one source: the demo snapshot, an API served by a real local server, or a frab file."""
    if name == "demo":
        return normalise(sources.load(Settings(source=str(DEMO_SNAPSHOT))))
    if name in FRAB_FILES:
        with tempfile.TemporaryDirectory() as directory:
            path = materialise(FRAB_FILES[name], Path(directory))
            return normalise(sources.load(Settings(source=str(path))))
    serve = {"juliacon2023": serve_juliacon_legacy, "pyconfr2025": serve_pyconfr_current}[name]
    with running() as server:
        return normalise(sources.load(Settings(source=serve(server, page_size=100))))
