"""Speaker text is hostile: a corpus of filter-evasion payloads in every speaker-controlled field, built into a
site, every page loaded in Chromium with a hook that records any script execution. Nothing may run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import icalendar
import lxml.html
import pytest
from lxml import etree

from generator.cli import main
from generator.render.markup import ALLOWED_TAGS
from support import handmade
from support.data import FIXTURES

PAYLOADS = [line for line in (FIXTURES / "xss/payloads.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("# ")]

# Every way a payload could announce that it ran: dialogs, a CSP report, a call into the recorder.
HOOK = """
(() => {
  const hit = (how) => (...args) => { try { window.__xssHit(how + ": " + args.join(" ")); } catch (e) {} };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    Object.defineProperty(window, name, { value: hit(name), writable: false, configurable: false });
  }
  document.addEventListener("securitypolicyviolation",
    (e) => hit("csp")(e.violatedDirective, e.blockedURI), true);
})();
"""

MARKDOWN_TAGS = sorted(ALLOWED_TAGS)
# the bodies of our inline scripts, read from the templates (the 404 page's root finder, the header's time-zone
# switch): an inline script that differs from all of them carries something else
TEMPLATE_SCRIPTS = sorted({body for template in (Path(__file__).parents[1] / "templates").glob("*.html")
                           for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>",
                                                  template.read_text(encoding="utf-8"), re.S)
                           if "{{" not in body and "{%" not in body})  # a body with data is never "ours" as is
# What a page built from hostile data must never contain, whether or not it would run.
DOM_CHECK = """
([allowed, inline]) => {
  const found = [];
  const urlAttributes = /^(href|src|srcset|action|formaction|data|poster|background|xlink:href|ping|cite)$/i;
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of el.attributes) {
      const name = attribute.name, value = attribute.value;
      if (/^on/i.test(name)) found.push(`${el.tagName} has ${name}`);
      if (name === "srcdoc") found.push(`${el.tagName} has srcdoc`);
      if (urlAttributes.test(name) && /^\\s*(javascript|vbscript|data):/i.test(value))
        found.push(`${el.tagName} ${name}=${value}`);
      if (name === "style" && /javascript|expression|url\\(|@import/i.test(value))
        found.push(`${el.tagName} style=${value}`);
      // only a <meta http-equiv> acts on its content (refresh: url=…); og:description and the like are inert text
      if (name === "content" && el.hasAttribute("http-equiv") && /javascript|data:/i.test(value))
        found.push(`${el.tagName} content=${value}`);
    }
  }
  for (const script of document.querySelectorAll("script")) {
    // ours: static/*.js, the per-locale search index {lang}/search.js and its shards {lang}/search/{hex}.js, the
    // sessions file {lang}/sessions.js; inline only as inert JSON
    // and inline scripts exactly as a template writes them (no data inside)
    const ours = script.src ? /\\/(static\\/[\\w.-]+|[\\w-]+\\/search(\\/[0-9a-f]+)?|[\\w-]+\\/sessions)\\.js$/.test(script.src)
                            : script.type === "application/json" || inline.includes(script.textContent);
    if (!ours) found.push(`script ${script.src || script.textContent.slice(0, 60)}`);
  }
  for (const el of document.querySelectorAll(".abstract *, .description *, .biography *")) {
    if (!allowed.includes(el.localName)) found.push(`<${el.localName}> in speaker Markdown`);
  }
  for (const tag of ["iframe", "frame", "object", "embed", "plaintext", "xmp", "noembed"]) {
    for (const el of document.querySelectorAll(tag)) found.push(`<${tag}>`);
  }
  return found;
}
"""


def hostile_event() -> dict[str, Any]:
    """One room, track, type, speaker and talk per payload, every field they have set to it."""
    n = range(len(PAYLOADS))
    return handmade.event(
        event={"name": {"en": PAYLOADS[0]}, "slug": "xss", "timezone": "Europe/Paris", "locale": "en",
               "locales": ["en"], "date_from": "2025-10-30", "date_to": "2025-10-31"},
        rooms=[{"id": i, "name": {"en": p}, "description": {"en": p}, "position": i} for i, p in zip(n, PAYLOADS)],
        tracks=[{"id": i, "name": {"en": p}, "description": {"en": p}, "color": p} for i, p in zip(n, PAYLOADS)],
        **{"submission-types": [{"id": i, "name": {"en": p}} for i, p in zip(n, PAYLOADS)]},
        speakers=[handmade.speaker(f"SPK{i}", p, biography=p, avatar_url=p) for i, p in zip(n, PAYLOADS)],
        submissions=[handmade.talk(f"TALK{i}", [f"SPK{i}"], p, abstract=p, description=p, image=p, track=i,
                                   submission_type=i, content_locale=p, subtitle=p,
                                   resources=[{"resource": p, "description": p},
                                              {"resource": f"https://example.org/{p}", "description": p}])
                     for i, p in zip(n, PAYLOADS)],
        slots=[*(handmade.slot(i, f"TALK{i}", room_id=i) for i in n),
               *(handmade.slot(100 + i, None, room_id=i, description={"en": p}) for i, p in zip(n, PAYLOADS))],
        schedule={"version": PAYLOADS[1], "published": "2025-10-20T12:00:00+02:00"},
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("xss")
    source = handmade.snapshot_file(hostile_event(), directory / "xss.snapshot.json")
    assert main([str(source), "--out", str(directory / "site"), "--quiet"]) == 0
    return directory / "site"


@pytest.fixture(scope="module")
def browser_page(chromium):
    """A page whose every frame reports any dialog or hooked call; it may only load local files."""
    context = chromium.new_context(java_script_enabled=True)
    hits: list[str] = []
    context.expose_binding("__xssHit", lambda source, what: hits.append(f"{source['frame'].url}: {what}"))
    context.add_init_script(HOOK)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else route.abort())
    page = context.new_page()
    page.on("dialog", lambda dialog: (hits.append(f"{page.url}: dialog {dialog.message}"), dialog.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    # a payload that navigated the page (meta refresh, base, form) would leave the local files
    page.on("framenavigated", lambda frame: frame.url.startswith(("file:", "about:"))
            or hits.append(f"navigated to {frame.url}"))
    yield page, hits, errors
    context.close()


def dom_findings(page) -> list[str]:
    """DOM_CHECK on the page as it is now; a page that navigates on its own (the root's refresh) is checked after."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return page.evaluate(DOM_CHECK, [MARKDOWN_TAGS, TEMPLATE_SCRIPTS])
    except PlaywrightError as exc:
        if "context was destroyed" not in str(exc):
            raise
        page.wait_for_load_state("load")
        return page.evaluate(DOM_CHECK, [MARKDOWN_TAGS, TEMPLATE_SCRIPTS])


def test_the_corpus_has_at_least_40_payloads():
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_a_payload_as_a_title_or_a_name_shows_as_its_own_text_and_makes_no_element(site):
    script, img = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
    talk = lxml.html.fromstring((site / f"en/talk/TALK{PAYLOADS.index(script)}/index.html").read_bytes())
    speaker = lxml.html.fromstring((site / f"en/speaker/SPK{PAYLOADS.index(img)}/index.html").read_bytes())

    # shown, character for character: had the markup gone through raw, the heading would hold an element instead
    assert [h1.text_content() for h1 in talk.iter("h1")] == [script]
    assert [h1.text_content() for h1 in speaker.iter("h1")] == [img]
    # and obeyed nowhere on the page: no script of it, no image with its handler
    assert not [s for s in talk.iter("script") if "alert(1)" in s.text_content()]
    assert not [e.tag for e in speaker.iter() if isinstance(e.tag, str) and "onerror" in e.attrib]
    assert not [e for e in speaker.iter("img") if e.get("src") == "x"]


@pytest.mark.browser
def test_no_payload_runs_on_any_page(site, browser_page):
    page, hits, errors = browser_page
    html_pages = sorted(site.rglob("*.html"))
    assert len(html_pages) > 4 * len(PAYLOADS)
    findings: dict[str, list[str]] = {}

    for path in html_pages:
        page.goto(path.as_uri(), wait_until="load")
        found = dom_findings(page)
        if found:
            findings[path.relative_to(site).as_posix()] = found

    assert hits == []
    assert findings == {}
    assert errors == []


@pytest.mark.browser
def test_no_payload_runs_in_search_results(site, browser_page):
    page, hits, errors = browser_page
    page.goto((site / "en/talks/index.html").as_uri(), wait_until="load")

    page.fill("#q", "alert")
    page.wait_for_selector("#search-results li", timeout=5000)

    assert page.locator("#search-results li").count() >= 20
    assert hits == [] and errors == []
    assert dom_findings(page) == []


def test_feeds_of_hostile_data_parse(site):
    for path in site.rglob("*.ics"):
        icalendar.Calendar.from_ical(path.read_bytes())
    for path in site.rglob("*.xml"):
        etree.fromstring(path.read_bytes())
    for path in site.rglob("*.json"):
        json.loads(path.read_bytes())
    for path in site.rglob("*.js"):
        assert b"</script" not in path.read_bytes().lower() or path.parent.name == "static"
