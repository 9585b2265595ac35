"""Screenshots of the 39C3 day grid (1280×800) and phone day (360×780), ours beside pretalx's, at one moment, and
the numbers the issue measured on that day (issue 15, points 2, 3 and 5).

    python benchmarks/grid_screens.py OUT_DIR [PRETALX_SCHEDULE_URL]

Builds tests/fixtures/ccc-39c3/everything.schedule.json (English) into a temporary folder, opens it in Chromium
(/usr/bin/chromium) with the clock set to Sun 28 Dec 2025 15:20 Berlin time, presses "Jump to now" (pretalx has one too) and saves
grid-ours.png and phone-ours.png; with a pretalx schedule URL (the lab's bigcon: the same 39C3 schedule imported)
it saves grid-pretalx.png and phone-pretalx.png at the same moment. Not a test: the pictures are for people.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.data import materialise  # noqa: E402

from generator import urls  # noqa: E402
from generator.cli import main  # noqa: E402

MOMENT = dt.datetime(2025, 12, 28, 15, 20, tzinfo=dt.timezone(dt.timedelta(hours=1)))
SIZES = {"grid": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 780}}

MEASURE = r"""() => {
  const slots = [...document.querySelectorAll("li.slot")].map(e => [e, (Date.parse(e.dataset.end) - Date.parse(e.dataset.start)) / 60000])
    .filter(([e, m]) => m >= 5 && e.offsetHeight);
  const perMinute = slots.map(([e, m]) => e.getBoundingClientRect().height / m);
  let split = 0;
  for (const title of document.querySelectorAll("li.slot .title")) {
    const text = title.firstChild;
    if (!text || text.nodeType !== 3) continue;
    for (const m of text.data.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
      const range = document.createRange();
      range.setStart(text, m.index); range.setEnd(text, m.index + m[0].length);
      if (new Set([...range.getClientRects()].filter(r => r.width).map(r => Math.round(r.top))).size > 1) { split++; break; }
    }
  }
  return {titles: document.querySelectorAll("li.slot .title").length, titles_split_mid_word: split,
          px_per_minute_min: Math.min(...perMinute), px_per_minute_max: Math.max(...perMinute),
          grid_height_px: document.querySelector(".timetable").scrollHeight};
}"""


def shoot(page: Page, url: str, path: Path, ours: bool) -> None:
    page.clock.set_fixed_time(MOMENT)
    page.goto(url, wait_until="networkidle", timeout=120000)
    if not ours:  # pretalx draws its schedule in the browser after loading all sessions: wait for a talk title
        page.get_by_text("Chaospager").first.wait_for(timeout=120000)
    page.wait_for_timeout(1500)
    now = page.get_by_role("button", name="Jump to now")  # ours, and pretalx's floating button
    if now.count() and now.first.is_visible():
        now.first.click()
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))


def run(out: Path, pretalx: str | None) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    numbers: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        source = materialise("ccc-39c3/everything.schedule.json", Path(tmp))
        assert main(["--quiet", str(source), "--out", f"{tmp}/site", "--locale", "en"]) == 0
        ours = (Path(tmp) / "site" / urls.day("en", MOMENT.date())).as_uri()
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for kind, viewport in SIZES.items():
            page = browser.new_page(viewport=viewport)
            shoot(page, ours, out / f"{kind}-ours.png", ours=True)
            if kind == "grid":
                numbers.update(page.evaluate(MEASURE))
            if pretalx:
                shoot(page, pretalx, out / f"{kind}-pretalx.png", ours=False)
            page.close()
        page = browser.new_page(viewport={"width": 320, "height": 700})
        page.goto(ours)
        numbers["scroll_width_at_320_px"] = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    return numbers


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None), indent=1))
