"""The small sessions file ({lang}/sessions.js) against the 39C3 frab export read directly, and its size."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from support.conferences import conference
from support.data import load_fixture, materialise

from generator import urls
from generator.cli import main
from generator.render.sessions import GLOBAL_NAME, sessions_data

SOURCE = "ccc-39c3/everything.schedule.json"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sessions-data")
    assert main(["--quiet", str(materialise(SOURCE, directory)), "--out", str(directory / "site"),
                 "--locale", "en"]) == 0
    return directory / "site"


def read_script(path: Path) -> Any:
    text = path.read_text("utf-8")
    prefix = f"self.{GLOBAL_NAME}="
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])


def minutes(text: str) -> int:
    """frab's "HH:MM" (or "D:HH:MM") duration in minutes."""
    parts = [int(p) for p in text.split(":")]
    return (parts[0] * 24 + parts[1]) * 60 + parts[2] if len(parts) == 3 else parts[0] * 60 + parts[1]


def test_every_frab_event_is_in_the_sessions_file_with_its_time_room_and_day(site):
    days = load_fixture(SOURCE)["schedule"]["conference"]["days"]
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    expected = Counter(
        (event["title"], int((dt.datetime.fromisoformat(event["date"]) - epoch).total_seconds()) // 60,
         minutes(event["duration"]), event["room"], day["date"])
        for day in days for events in day["rooms"].values() for event in events)

    data = read_script(site / urls.sessions_data("en"))
    found = Counter((s["t"], s["b"], s["m"], data["rooms"][s["r"]], data["days"][s["d"]]["d"]) for s in data["sessions"])

    assert found == expected


def test_each_session_of_the_file_links_its_page_and_carries_the_feeds_uid(site):
    data = read_script(site / urls.sessions_data("en"))
    feed = (site / urls.schedule_ical("en")).read_text("utf-8").replace("\r\n ", "")
    feed_uids = {line[4:] for line in feed.splitlines() if line.startswith("UID:")}
    home = (site / urls.home("en")).parent

    assert all((home / s["u"]).is_file() and s["u"].endswith(f"/{s['c']}/index.html") for s in data["sessions"])
    assert {s["id"] for s in data["sessions"]} == feed_uids
    assert all((home / day["u"]).is_file() for day in data["days"])


def test_the_sessions_file_stays_small_for_39c3(site, record_property):
    # loaded by the overview on every visit: the issue measured 375 KB (102 KB gzipped) of search index before
    size = {name: len(gzip.compress((site / path).read_bytes(), 6))
            for name, path in {"sessions": urls.sessions_data("en"), "index": urls.search_index("en")}.items()}
    record_property("sessions_js_gzip_bytes", size["sessions"])
    print(f"39C3 sessions.js: {size['sessions']} bytes gzipped; search.js: {size['index']}")

    assert size["sessions"] < 50_000


def test_a_title_cannot_close_the_script_or_end_the_file_early():
    hostile = "</script><script>alert(1)</script> & <!-- \u2028"
    demo = conference("demo")
    first = demo.talks[0]
    changed = dataclasses.replace(demo, sessions=tuple(dataclasses.replace(s, title=hostile) if s is first else s
                                                       for s in demo.sessions))

    text = sessions_data(changed, "en").decode()

    assert not set("<>&\u2028") & set(text)
    assert next(s["t"] for s in json.loads(text.split("=", 1)[1].rstrip(";\n"))["sessions"]
                if s["c"] == first.code) == hostile
