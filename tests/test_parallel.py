"""Rendering on every core gives the same files, byte for byte, as rendering in one process."""

from __future__ import annotations

import pytest
from support.conferences import conference

from generator import parallel
from generator.config import Settings
from generator.pipeline import choose_locales, render
from generator.plan import plan_site


@pytest.mark.parametrize("source", ["39c3", "pyconfr2025"])
def test_a_site_rendered_by_forked_workers_equals_one_rendered_serially(source, monkeypatch, tmp_path):
    conf = conference(source)
    settings = Settings(source=source, out=tmp_path)
    forked: list[int] = []
    original = parallel._chunks
    monkeypatch.setattr(parallel, "_chunks", lambda weights: forked.append(len(weights)) or original(weights))
    shared_out = render(plan_site(conf, settings, choose_locales(conf, ())))
    assert forked, "the event is large enough to be shared out among workers"
    monkeypatch.setattr(parallel, "MIN_WEIGHT", float("inf"))
    serial = render(plan_site(conf, settings, choose_locales(conf, ())))
    assert list(shared_out.files) == list(serial.files)
    assert shared_out.files == serial.files


@pytest.mark.parametrize("weights, chunks", [
    ([1] * 250, [(0, 100), (100, 200), (200, 250)]),
    ([400, 30, 1, 1] + [1] * 99, [(0, 1), (1, 72), (72, 103)]),
    ([50, 50, 50], [(0, 2), (2, 3)]),
    ([], []),
], ids=["pages", "heavy-first", "exact-fit", "none"])
def test_tasks_travel_in_runs_of_about_a_hundred_pages_and_a_heavy_one_alone(weights, chunks):
    assert parallel._chunks(weights) == chunks
