"""Every language of the event: one site per locale, translated interface, locale-aware dates, hreflang."""

from __future__ import annotations

import datetime as dt
from collections import Counter
import posixpath
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from generator import catalog, i18n
from generator.cli import main
from generator.normalise import normalise
from generator.sources.raw import RawEvent
from support.data import load_fixture, materialise
from support.events import pyconfr_current_api, serve_pyconfr_current
from support.site import h1, locale_files, texts

BERLIN = ZoneInfo("Europe/Berlin")
FIRST_DAY = dt.date(2026, 3, 1)


def build(*args: str) -> int:
    return main([*args, "--quiet"])


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def alternates(page: Path) -> dict[str, str]:
    """hreflang → href of a page's <link rel="alternate"> elements."""
    doc = lxml.html.fromstring(page.read_bytes())
    return {link.get("hreflang"): link.get("href") for link in doc.xpath('//head/link[@rel="alternate"][@hreflang]')}


def resolve(page: Path, href: str) -> Path:
    return Path(posixpath.normpath((page.parent / href).as_posix()))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo event (bilingual en/de), built as `python build.py` builds it."""
    out = tmp_path_factory.mktemp("demo")
    assert build("--out", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def french_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event built in French too, a locale it has no strings for."""
    out = tmp_path_factory.mktemp("demo-fr")
    assert build("--out", str(out), "--locale", "en,fr") == 0
    return out


# ---- formatting ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "expected"), [
    pytest.param("en", "Sunday, 1 March 2026", id="en"),
    pytest.param("de", "Sonntag, 1. März 2026", id="de"),
    pytest.param("fr", "dimanche 1 mars 2026", id="fr"),
    pytest.param("de-formal", "Sonntag, 1. März 2026", id="variant-uses-its-language"),
    pytest.param("en-US", "Sunday, March 1, 2026", id="en-US"),
    pytest.param("tlh", "Sunday, 1 March 2026", id="unknown-to-babel-uses-english"),
])
def test_a_date_is_written_the_way_the_locale_writes_it(locale, expected):
    assert i18n.long_date(FIRST_DAY, locale) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    pytest.param("en", "13:05", id="en"),
    pytest.param("de", "13:05", id="de"),
    pytest.param("fr", "13:05", id="fr"),
    pytest.param("en-US", "1:05\u202fPM", id="en-US-12-hour"),
])
def test_times_use_the_24_hour_clock_where_the_locale_does(locale, expected):
    moment = dt.datetime(2026, 3, 1, 12, 5, tzinfo=dt.timezone.utc)

    assert i18n.time_of_day(moment, BERLIN, locale) == expected


@pytest.mark.parametrize(("locale", "minutes", "expected"), [
    pytest.param("en", 90, "1 hr 30 mins", id="en"),
    pytest.param("de", 90, "1 Std., 30 Min.", id="de"),
    pytest.param("fr", 90, "1\u202fh 30\xa0min", id="fr-with-no-break-spaces"),
    pytest.param("de", 45, "45 Min.", id="minutes-only"),
    pytest.param("fr", 120, "2\u202fh", id="hours-only"),
])
def test_durations_are_written_in_hours_and_minutes_of_the_locale(locale, minutes, expected):
    assert i18n.duration(dt.timedelta(minutes=minutes), locale) == expected


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("de", "de", id="language"),
    pytest.param("pt-BR", "pt-BR", id="region"),
    pytest.param("de-formal", "de-formal", id="pretalx-variant"),
    pytest.param("../en", None, id="path"),
    pytest.param("English", None, id="a-name"),
    pytest.param("xx", None, id="no-such-language"),
    pytest.param("NUL", None, id="a-windows-device-name"),
    pytest.param("", None, id="empty"),
    pytest.param(7, None, id="not-a-string"),
])
def test_only_locale_codes_are_accepted_as_locales(value, expected):
    assert i18n.locale_code(value) == expected


# ---- catalogs -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "expected"), [
    pytest.param("de", "Zum Inhalt springen", id="de"),
    pytest.param("fr", "Aller au contenu", id="fr"),
    pytest.param("en", "Skip to content", id="en"),
    pytest.param("de-formal", "Zum Inhalt springen", id="variant-uses-its-language"),
    pytest.param("it", "Skip to content", id="no-catalog-is-english"),
])
def test_interface_strings_come_from_the_catalog_of_the_locale(locale, expected):
    assert i18n.ui_translations(locale).gettext("Skip to content") == expected


def test_an_untranslated_or_fuzzy_entry_falls_back_to_english_never_to_empty(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
                  'msgid "Rooms"\nmsgstr "Räume"\n\n'
                  'msgid "Tracks"\nmsgstr ""\n\n'
                  '#, fuzzy\nmsgid "Days"\nmsgstr "Tage?"\n\n'
                  'msgid "%(n)s session"\nmsgid_plural "%(n)s sessions"\nmsgstr[0] ""\nmsgstr[1] ""\n',
                  encoding="utf-8")

    translations = i18n.compile_po(po)

    assert translations.gettext("Rooms") == "Räume"
    assert translations.gettext("Tracks") == "Tracks"
    assert translations.gettext("Days") == "Days"
    assert translations.ngettext("%(n)s session", "%(n)s sessions", 2) == "%(n)s sessions"


def test_every_interface_string_of_the_templates_is_in_every_catalog_and_each_compiles():
    findings = list(catalog.check(catalog.extract()))

    assert [f"{f.path.name}: {f.message}" for f in findings if f.fatal] == []
    assert set(i18n.catalog_languages()) >= {"en", "de", "fr"}
    for language in ("de", "fr"):
        assert i18n.compile_po(i18n.catalog_path(language)).gettext("Speakers") != "Speakers"


def test_the_check_fails_when_a_template_gains_a_string_the_catalog_lacks(tmp_path):
    (tmp_path / "new.html").write_text('<p>{{ _("A string nobody has extracted yet") }}</p>\n')

    findings = list(catalog.check(catalog.extract(tmp_path)))

    fatal = [f.message for f in findings if f.fatal]
    assert fatal and all("A string nobody has extracted yet" in message for message in fatal)
    assert catalog.main(["check"]) == 0  # the shipped templates themselves are complete


# ---- the built demo site ------------------------------------------------------------------------

def test_the_demo_builds_an_english_and_a_german_site_with_the_same_files(demo):
    english, german = locale_files(demo, "en"), locale_files(demo, "de")

    assert {p.name for p in demo.iterdir() if p.is_dir() and p.name != "static"} == {"en", "de"}
    assert len(english) > 50
    assert english == german


@pytest.mark.parametrize(("locale", "heading"), [
    pytest.param("en", "Sunday, 1 March 2026", id="en"),
    pytest.param("de", "Sonntag, 1. März 2026", id="de"),
])
def test_day_headings_are_in_the_language_of_the_site(demo, locale, heading):
    assert h1(demo / locale / "day/2026-03-01/index.html") == heading


def test_french_day_headings_and_interface_on_a_french_site(french_demo):
    page = french_demo / "fr/day/2026-03-01/index.html"

    assert h1(page) == "dimanche 1 mars 2026"
    assert "Aller au contenu" in page.read_text(encoding="utf-8")


def test_a_language_the_event_has_no_names_in_shows_the_default_ones(french_demo):
    overview = (french_demo / "fr/index.html").read_text(encoding="utf-8")

    assert "Light Sea Green Room" in overview  # the event's default (en); it has no French names
    assert "Light Sea Green Saal" not in overview


def test_interface_text_is_in_the_language_of_the_site(demo):
    german = (demo / "de/index.html").read_text(encoding="utf-8")
    english = (demo / "en/index.html").read_text(encoding="utf-8")

    assert "Zum Inhalt springen" in german and "Skip to content" not in german
    assert "Skip to content" in english


def test_every_page_declares_the_language_of_its_site(demo):
    for page in html_pages(demo):
        locale = page.relative_to(demo).parts[0]
        declared = lxml.html.fromstring(page.read_bytes()).get("lang")
        assert declared == (locale if locale in {"en", "de"} else "en"), page


def test_every_hreflang_link_of_every_page_points_to_a_file_that_exists(demo):
    checked = 0
    for page in html_pages(demo):
        for lang, href in alternates(page).items():
            assert resolve(page, href).is_file(), f"{page.relative_to(demo)}: hreflang={lang} → {href}"
            checked += 1

    assert checked >= 2 * len(list((demo / "en").rglob("*.html")))


def test_every_page_of_a_site_names_itself_and_each_other_language(demo):
    for page in (demo / "de").rglob("*.html"):
        links = alternates(page)

        assert set(links) == {"en", "de"}, page
        assert resolve(page, links["de"]) == page
        assert resolve(page, links["en"]) == demo / "en" / page.relative_to(demo / "de")


def test_the_language_switcher_keeps_the_visitor_on_the_same_page(demo):
    page = next((demo / "de/talk").glob("*/index.html"))
    doc = lxml.html.fromstring(page.read_bytes())

    switcher = doc.xpath('//nav[contains(@class, "languages")]//a')

    assert {a.get("hreflang"): a.text_content() for a in switcher} == {"en": "English", "de": "Deutsch"}
    english = next(a for a in switcher if a.get("hreflang") == "en")
    assert resolve(page, english.get("href")) == demo / "en/talk" / page.parent.name / "index.html"
    assert next(a for a in switcher if a.get("hreflang") == "de").get("aria-current") == "page"


def test_the_root_page_links_every_language_and_sends_visitors_to_the_default_without_javascript(demo):
    root = demo / "index.html"
    doc = lxml.html.fromstring(root.read_bytes())

    refresh = doc.xpath('//head/meta[@http-equiv="refresh"]/@content')
    languages = {a.get("hreflang"): a.get("href") for a in doc.xpath("//a[@hreflang]")}

    assert refresh == ["0; url=en/index.html"]
    assert languages == {"en": "en/index.html", "de": "de/index.html"}
    assert all((demo / href).is_file() for href in languages.values())


def test_the_locale_option_restricts_and_orders_the_sites(tmp_path):
    assert build("--out", str(tmp_path), "--locale", "de") == 0

    assert not (tmp_path / "en").exists()
    assert "url=de/index.html" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert alternates(tmp_path / "de/index.html") == {"de": "index.html"}


def test_an_invalid_locale_fails_naming_it_and_writes_nothing(tmp_path, capsys):
    assert build("--out", str(tmp_path / "site"), "--locale", "en,../etc") == 1

    assert "invalid locale '../etc'" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()



def test_a_locale_the_event_lacks_is_a_warning_and_with_strict_fails_naming_it(tmp_path, capsys, caplog):
    assert build("--out", str(tmp_path / "lenient"), "--locale", "en,it") == 0
    assert "locale it is not one of the event's (en, de)" in caplog.text

    assert build("--out", str(tmp_path / "strict"), "--locale", "en,it", "--strict") == 1

    assert "locale it is not one of the event's (en, de)" in capsys.readouterr().err
    assert not (tmp_path / "strict").exists()

# ---- other sources ------------------------------------------------------------------------------

def test_a_frab_source_is_built_in_each_language_its_events_are_in(tmp_path):
    source = materialise("divoc_r2r/schedule.json", tmp_path)  # 27 German and 18 English sessions

    assert build(str(source), "--out", str(tmp_path / "site")) == 0

    assert locale_files(tmp_path / "site", "de") == locale_files(tmp_path / "site", "en")
    assert "url=de/index.html" in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_a_language_of_a_handful_of_frab_sessions_gets_no_site_of_its_own():
    schedule = load_fixture("ccc-36c3/everything.schedule.json")  # mostly en and de; cs and ab once each
    languages = Counter(e.get("language") for d in schedule["schedule"]["conference"]["days"]
                        for r in d["rooms"].values() for e in r)

    conference = normalise(RawEvent("frab", "36c3", {"schedule": schedule}))

    assert languages["cs"] >= 1 and languages["ab"] >= 1
    assert conference.locales == ("en", "de")


def test_pyconfr_french_pages_show_french_names_where_the_data_has_them_and_english_where_not(api_server, tmp_path):
    data = pyconfr_current_api()
    workshop = next(t for t in data["submission-types"] if t["name"]["en"] == "Workshop")
    del workshop["name"]["fr"]  # an organiser who did not translate one session type
    workshop_code = next(s["code"] for s in data["submissions"]
                         if s["submission_type"] == workshop["id"] and s["slots"])
    event_url = serve_pyconfr_current(api_server, data=data)

    assert build(event_url, "--out", str(tmp_path)) == 0

    short_talk_fr = texts(tmp_path / "fr/talk/3CEBQG/index.html")
    short_talk_en = texts(tmp_path / "en/talk/3CEBQG/index.html")
    assert "Conférence courte" in short_talk_fr and "Short talk" not in short_talk_fr
    assert "Short talk" in short_talk_en and "Conférence courte" not in short_talk_en
    workshop_fr = texts(tmp_path / f"fr/talk/{workshop_code}/index.html")
    assert "Workshop" in workshop_fr and "Atelier" not in workshop_fr
    english_talk = lxml.html.fromstring((tmp_path / "fr/talk/SRTC9Y/index.html").read_bytes())
    assert english_talk.xpath("//h1/@lang") == ["en"]  # an English session on a French page
    assert h1(tmp_path / "fr/day/2025-10-30/index.html") == "jeudi 30 octobre 2025"
    assert lxml.html.fromstring((tmp_path / "index.html").read_bytes()).get("lang") == "fr"
