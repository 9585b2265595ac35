"""Shared fixtures: a local HTTP server, the live pretalx lab (when available), built demo sites."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from support.processes import children_of
from support.server import ApiServer, running

# CI sets this so that a missing pretalx lab or browser fails the run instead of skipping tests.
REQUIRE_ALL_TIERS = os.environ.get("REQUIRE_ALL_TIERS") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with `reason`, or fail when CI requires every tier to run."""
    if REQUIRE_ALL_TIERS:
        pytest.fail(f"REQUIRE_ALL_TIERS=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def api_server() -> Iterator[ApiServer]:
    """A real HTTP server on 127.0.0.1, started for one test."""
    with running() as server:
        yield server


@pytest.fixture(scope="session")
def pretalx_url() -> str:
    """The live pretalx lab's URL (from PRETALX_URL), or a skip saying how to start it."""
    url = os.environ.get("PRETALX_URL")
    if not url:
        skip_or_fail("PRETALX_URL is not set; start the lab with ../shared/pretalx-lab/run-pretalx.sh "
                     "and export PRETALX_URL (.ci/run does both)")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def pretalx_event() -> str:
    """The live lab's demo event slug."""
    return os.environ.get("PRETALX_EVENT", "democon")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium (Playwright) for the whole session, or skip_or_fail saying what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed (pip install -e '.[test]')")
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember skipped tests, so CI can refuse a run that skipped a tier."""
    if report.skipped and not hasattr(report, "wasxfail"):  # an expected failure is reported as skipped too
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run fails if it leaves a process of ours running, or (with REQUIRE_ALL_TIERS=1) skipped any test."""
    leftovers = children_of(os.getpid())
    if leftovers:
        print(f"\n{len(leftovers)} process(es) started by the tests are still running: {leftovers[:3]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if REQUIRE_ALL_TIERS and _skipped and exitstatus == 0:
        print(f"\nREQUIRE_ALL_TIERS=1: {len(_skipped)} test(s) were skipped, e.g. {_skipped[0]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# ---- the test runner's signal handling and processes are left as found -----------------------------------------
# Tests that start the tool as a process set the dispositions they rely on (support/processes.py); tests that call
# it in-process must not change the runner's: a changed SIGINT/SIGTERM disposition is inherited by every process
# started after it (issue 18: a --serve process that ignored SIGINT outlived the suite).
GUARDED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGCHLD",
                                                           "SIGPIPE", "SIGUSR1", "SIGUSR2"))


def _signal_state() -> tuple[dict[int, Any], frozenset[int]]:
    return ({signum: signal.getsignal(signum) for signum in GUARDED_SIGNALS},
            frozenset(signal.pthread_sigmask(signal.SIG_BLOCK, ())))


_PRISTINE = _signal_state()  # as the runner started: a module fixture that changes it is caught at its first test


@pytest.fixture(autouse=True)
def signal_handling_unchanged(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test that leaves the runner's signal dispositions or mask changed, by itself or through a fixture
    it uses (after restoring them, so one leak fails one test)."""
    yield
    handlers, mask = _PRISTINE
    after_handlers, after_mask = _signal_state()
    changed = [signal.Signals(s).name for s in GUARDED_SIGNALS if after_handlers[s] != handlers[s]]
    if after_mask != mask:
        changed.append(f"signal mask {sorted(after_mask)} (was {sorted(mask)})")
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    if changed:
        pytest.fail(f"{request.node.nodeid} (or a fixture it uses) left the test runner's signal handling "
                    f"changed: {', '.join(changed)}")
