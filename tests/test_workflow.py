"""The GitHub Pages workflow runs exactly the build command README documents, on a schedule and on demand."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import cli
from generator.config import KEYS, Settings

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    """The workflow file, parsed."""
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict[str, Any], job: str = "build") -> list[dict[str, Any]]:
    """The steps of one job."""
    return workflow["jobs"][job]["steps"]


def step(workflow: dict[str, Any], name: str) -> dict[str, Any]:
    """The step of the build job with this name."""
    return next(s for s in steps(workflow) if s.get("name") == name)


def readme_build_command() -> str:
    """The build command README's Deploy section documents for the workflow."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploy = readme.split("\n## Deploy\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"Its build step runs\s+```sh\n(.*?)\n```", deploy, re.S)
    assert block, "README's Deploy section does not show the workflow's build command"
    return block.group(1).strip()


def test_build_step_runs_the_command_readme_documents(workflow: dict[str, Any]) -> None:
    documented = readme_build_command()

    assert step(workflow, "Build the site")["run"].strip() == documented


def test_builds_every_15_minutes_and_on_manual_dispatch(workflow: dict[str, Any]) -> None:
    assert workflow["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "workflow_dispatch" in workflow["on"]


def test_installs_the_tool_it_checked_out(workflow: dict[str, Any]) -> None:
    checkout = step(workflow, "Check out the tool")

    assert checkout["uses"].startswith("actions/checkout@")
    assert step(workflow, "Install the tool")["run"] == f"python -m pip install -e {checkout['with']['path']}"


def test_restores_the_cache_directory_the_tool_uses(workflow: dict[str, Any]) -> None:
    cache = step(workflow, "Restore the HTTP and media cache")

    assert cache["uses"].startswith("actions/cache@")
    assert cache["with"]["path"] == Settings().cache_dir.as_posix()


def test_deploys_with_the_official_pages_actions(workflow: dict[str, Any]) -> None:
    used = [s.get("uses", "").split("@")[0] for job in workflow["jobs"] for s in steps(workflow, job)]

    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(used)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    upload = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    out = shlex.split(readme_build_command())
    assert upload["with"]["path"] == out[out.index("--out") + 1]


def test_the_site_base_url_comes_from_the_pages_step_that_runs_before_the_build(workflow: dict[str, Any]) -> None:
    names = [s.get("id") or s.get("name") for s in steps(workflow)]
    pages = next(s for s in steps(workflow) if s.get("id") == "pages")

    assert pages["uses"].startswith("actions/configure-pages@")  # its output `base_url` is the site's address
    assert names.index("pages") < names.index("Build the site")
    assert step(workflow, "Build the site")["env"]["PRETALX_STATIC_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"


def test_build_step_environment_names_real_settings(workflow: dict[str, Any]) -> None:
    env = step(workflow, "Build the site")["env"]

    assert {name.removeprefix("PRETALX_STATIC_").lower() for name in env} <= set(KEYS)
    assert env["PRETALX_STATIC_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"


def test_documented_command_builds_a_site_with_absolute_feed_links_and_a_sitemap(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    program, *arguments = shlex.split(readme_build_command())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRETALX_STATIC_SOURCE", "")  # an unset repository variable: the demo event
    monkeypatch.setenv("PRETALX_STATIC_BASE_URL", "https://example.github.io/schedule")

    code = cli.main([*arguments, "--quiet"])

    assert program == "pretalx-static" and code == 0
    site = tmp_path / arguments[arguments.index("--out") + 1]
    assert (site / "sw.js").is_file()
    assert "webcal://example.github.io/schedule/en/schedule.ics" in (site / "en" / "index.html").read_text()
    assert "<loc>https://example.github.io/schedule/en/</loc>" in (site / "sitemap.xml").read_text()
    assert "Sitemap: https://example.github.io/schedule/sitemap.xml" in (site / "robots.txt").read_text()
