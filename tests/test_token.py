"""A token shows exactly the public schedule-to-be: what an organiser's token adds (rejected and unconfirmed
submissions, their slots and speakers, blockers) reaches no page and no feed (case token-states.snapshot.json),
and against the real lab a build with a token equals the anonymous build byte for byte."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
from conftest import skip_or_fail
from support.data import DEMO_SNAPSHOT, FIXTURES, load_fixture, results
from support.site import tree

from generator.cli import main
from generator.normalise import normalise
from generator.sources.raw import RawEvent

CASE = FIXTURES / "cases" / "token-states.snapshot.json"
LAB_SCRIPT = Path(__file__).parent / "support" / "lab_token_event.py"
LAB_EVENT = "token-states"  # our own event in the lab: democon and bigcon are read by other tests


def build(snapshot: dict, directory: Path) -> Path:
    source, out = directory / "event.snapshot.json", directory / "site"
    directory.mkdir(parents=True, exist_ok=True)
    source.write_text(json.dumps(snapshot), encoding="utf-8")
    assert main([str(source), "--out", str(out), "--cache-dir", str(directory / "cache"), "--quiet"]) == 0
    return out


def public_part(snapshot: dict) -> dict:
    """The snapshot as an anonymous visitor's API answers it, worked out simply: only confirmed submissions (and
    breaks) with their slots, and only speakers of those."""
    public = copy.deepcopy(snapshot)
    docs = public["documents"]
    hidden = {s["code"] for s in docs["submissions"] if s["state"] != "confirmed"}
    docs["submissions"] = [s for s in docs["submissions"] if s["code"] not in hidden]
    hidden_slots = {s["id"] for s in docs["slots"] if s["submission"] in hidden}
    docs["slots"] = [s for s in docs["slots"] if s["id"] not in hidden_slots]
    docs["schedule"]["slots"] = [i for i in docs["schedule"]["slots"] if i not in hidden_slots]
    kept = {s["code"] for s in docs["submissions"]}
    docs["speakers"] = [p for p in docs["speakers"] if set(p["submissions"]) & kept]
    return public


def files_containing(site: Path, needle: str) -> list[str]:
    return sorted(path for path, content in tree(site).items() if needle.encode() in content)


# ---- the case ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def token_case() -> dict:
    return json.loads(CASE.read_text(encoding="utf-8"))


def test_the_token_snapshot_builds_exactly_what_its_public_part_builds(token_case, tmp_path):
    with_token = build(token_case, tmp_path / "token")
    public = build(public_part(token_case), tmp_path / "public")

    assert len(tree(public)) > 100
    assert tree(with_token) == tree(public)


def test_the_rejected_speaker_appears_nowhere(token_case, tmp_path):
    docs = token_case["documents"]
    states = {s["code"]: s["state"] for s in docs["submissions"]}
    (rejected,) = [p for p in docs["speakers"] if {states[c] for c in p["submissions"]} == {"rejected"}]

    site = build(token_case, tmp_path)

    assert not (site / "en/speaker" / rejected["code"]).exists()
    assert files_containing(site, rejected["name"]) == []
    assert files_containing(site, rejected["biography"].split("\n")[0]) == []


def test_the_accepted_but_unconfirmed_session_appears_nowhere_though_its_slot_is_in_the_schedule(token_case, tmp_path):
    docs = token_case["documents"]
    (unconfirmed,) = [s for s in docs["submissions"] if s["state"] == "accepted"]
    assert set(unconfirmed["slots"]) <= set(docs["schedule"]["slots"])  # the organiser's view lists its slot

    site = build(token_case, tmp_path)

    assert not (site / "en/talk" / unconfirmed["code"]).exists()
    assert files_containing(site, unconfirmed["title"]) == []
    assert files_containing(site, f'"{unconfirmed["code"]}"') == []


# ---- other members of the kind --------------------------------------------------------------------------------

def demo_snapshot() -> dict:
    return json.loads(DEMO_SNAPSHOT.read_text(encoding="utf-8"))


def test_a_slot_pretalx_marks_invisible_is_left_out_with_its_session(tmp_path):
    snapshot = demo_snapshot()
    slot = next(s for s in snapshot["documents"]["slots"] if s["submission"] == "J9BCWP")
    for item in snapshot["documents"]["slots"]:
        item |= {"is_visible": item is not slot, "slot_type": None if item["submission"] else "break"}

    site = build(snapshot, tmp_path)

    assert not (site / "en/talk/J9BCWP").exists()
    assert files_containing(site, "J9BCWP") == []
    assert (site / "en/talk/EWJFZQ/index.html").exists()


def test_a_blocker_is_not_shown_as_a_break(tmp_path):
    snapshot = demo_snapshot()
    docs = snapshot["documents"]
    docs["slots"].append({"id": 900, "room": 1, "start": "2026-03-01T20:00:00+01:00", "end": "2026-03-01T21:00:00+01:00",
                          "submission": None, "description": {"en": "Cleaning the hall"}, "schedule": 2,
                          "duration": 60, "is_visible": False, "slot_type": "blocker"})
    docs["schedule"]["slots"].append(900)

    site = build(snapshot, tmp_path)

    assert files_containing(site, "Cleaning the hall") == []


@pytest.mark.parametrize("state", ["rejected", "submitted", "accepted", "draft"])
def test_a_legacy_talk_in_a_state_the_public_never_sees_is_left_out_with_its_only_speaker(state):
    talks = results(load_fixture("juliacon2023-api/talks.json"))
    speakers = results(load_fixture("juliacon2023-api/speakers.json"))
    talk = next(t for t in talks if t["slot"] and len(t["speakers"]) == 1
                and sum(p["code"] == t["speakers"][0]["code"] for u in talks for p in u["speakers"]) == 1)
    talk["state"] = state
    raw = RawEvent("pretalx-legacy", "https://pretalx.com/api/events/juliacon2023/",
                   {"event": load_fixture("juliacon2023-api/event.json"), "talks": talks, "speakers": speakers,
                    "rooms": results(load_fixture("juliacon2023-api/rooms.json"))})

    conference = normalise(raw)

    assert talk["code"] not in {s.code for s in conference.sessions}
    assert talk["speakers"][0]["code"] not in {s.code for s in conference.speakers}


# ---- the real lab ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab_token(pretalx_url) -> str:
    """An organiser token of our own lab event, which has a rejected and an unconfirmed submission (made once)."""
    lab = os.environ.get("PRETALX_LAB_DIR")
    if not lab or not Path(lab, "venv/bin/python").exists():
        skip_or_fail("PRETALX_LAB_DIR is not set to the lab's folder (run-pretalx.sh's LAB_DIR; .ci/run exports "
                     "it): the token test makes its own event with pretalx's code in the lab's virtualenv")
    environ = os.environ | {"PRETALX_CONFIG_FILE": f"{lab}/pretalx.cfg", "PYTHONPATH": f"{lab}/settings",
                            "DJANGO_SETTINGS_MODULE": "pretalx_lab_settings", "PRETALX_NO_INITIAL_LOG": "1"}
    run = subprocess.run([f"{lab}/venv/bin/python", str(LAB_SCRIPT), LAB_EVENT], env=environ, capture_output=True,
                         text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])["token"]


@pytest.mark.live
def test_live_a_build_with_an_organiser_token_equals_the_anonymous_build_byte_for_byte(pretalx_url, lab_token,
                                                                                      tmp_path):
    event_url = f"{pretalx_url}/{LAB_EVENT}/"
    anonymous, with_token = tmp_path / "anonymous", tmp_path / "token"
    organiser_view, page = [], f"{pretalx_url}/api/events/{LAB_EVENT}/submissions/?page_size=250"
    while page:  # every page: production instances cap page_size (the lab at 50)
        answer = requests.get(page, headers={"Authorization": f"Token {lab_token}"}, timeout=60).json()
        organiser_view += answer["results"]
        page = answer["next"]
    assert {"rejected", "accepted"} <= {s["state"] for s in organiser_view}  # the token does see more

    assert main([event_url, "--out", str(anonymous), "--cache-dir", str(tmp_path / "c1"), "--quiet"]) == 0
    assert main([event_url, "--out", str(with_token), "--cache-dir", str(tmp_path / "c2"), "--token", lab_token,
                 "--quiet"]) == 0

    assert len(tree(anonymous)) > 100
    assert tree(with_token) == tree(anonymous)
    assert files_containing(with_token, "Quinn Rejected-Submitter") == []
    assert files_containing(with_token, "Accepted but never confirmed") == []
