"""sitemap.xml and robots.txt, read back from real builds of the demo event and checked against the sitemaps.org
schemas (tests/fixtures/schemas: sitemap.xsd, siteindex.xsd, and our schema of the hreflang <xhtml:link>)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from support.conferences import conference
from support.data import FIXTURES

from generator.cli import main
from generator.render.sitemap import hreflang, sitemap_files

BASE_URL = "https://example.github.io/democon/"
SCHEMAS = FIXTURES / "schemas"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
FEED_SUFFIXES = (".ics", ".json", ".xml", ".js", ".atom", ".png")


def schema(sitemaps_xsd: str) -> etree.XMLSchema:
    """A sitemaps.org schema together with the schema of <xhtml:link>, which it validates strictly."""
    wrapper = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
      <xsd:import namespace="{NS['s']}" schemaLocation="{(SCHEMAS / sitemaps_xsd).as_uri()}"/>
      <xsd:import namespace="{NS['x']}" schemaLocation="{(SCHEMAS / 'sitemap-xhtml-link.xsd').as_uri()}"/>
    </xsd:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def assert_valid(document: bytes, sitemaps_xsd: str = "sitemap.xsd") -> etree._Element:
    root = etree.fromstring(document)
    checker = schema(sitemaps_xsd)
    assert checker.validate(root), checker.error_log
    return root


def alternates(root: etree._Element) -> dict[str, dict[str, str]]:
    """{loc: {hreflang: href}} of a <urlset>."""
    return {url.findtext("s:loc", namespaces=NS): {link.get("hreflang"): link.get("href")
                                                   for link in url.findall("x:link", NS)}
            for url in root.findall("s:url", NS)}


def site_pages(site: Path) -> set[str]:
    """The public URL of every page in a locale folder of a built site, read from the files themselves."""
    return {BASE_URL + page.relative_to(site).as_posix().removesuffix("index.html")
            for folder in site.iterdir() if folder.is_dir() and folder.name in {"en", "de"}
            for page in folder.rglob("index.html")}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event (en, de) built with a public base URL."""
    out = tmp_path_factory.mktemp("sitemap") / "site"
    assert main(["--quiet", "--out", str(out), "--base-url", BASE_URL]) == 0
    return out


def test_sitemap_is_valid_against_the_sitemaps_org_schema(site):
    root = assert_valid((site / "sitemap.xml").read_bytes())

    assert root.tag == f"{{{NS['s']}}}urlset" and root.findall("s:url", NS)


def test_sitemap_lists_every_page_of_every_locale_and_no_feed(site):
    listed = alternates(etree.parse(str(site / "sitemap.xml")).getroot())

    assert set(listed) == site_pages(site)
    assert not [loc for loc in listed if loc.endswith(FEED_SUFFIXES)]
    assert BASE_URL not in listed and BASE_URL + "404.html" not in listed  # the language chooser redirects


def test_every_locale_alternate_pairs_up_and_names_itself(site):
    listed = alternates(etree.parse(str(site / "sitemap.xml")).getroot())

    for loc, versions in listed.items():
        lang = loc.removeprefix(BASE_URL).split("/")[0]
        assert versions[lang] == loc, loc  # Google: every version lists itself
        assert set(versions) == {"en", "de", "x-default"}, loc
        assert versions["x-default"] == versions["en"]  # democon's default locale
        for other in ("en", "de"):
            assert listed[versions[other]] == versions, f"{loc} and {versions[other]} disagree"


def test_robots_txt_allows_everything_and_names_the_sitemap_by_its_absolute_url(site):
    lines = (site / "robots.txt").read_text().splitlines()

    assert "User-agent: *" in lines and "Allow: /" in lines
    assert f"Sitemap: {BASE_URL}sitemap.xml" in lines
    assert any(line.startswith("#") and "/democon/" in line for line in lines)  # read only at the host's root


def test_without_a_base_url_there_is_no_sitemap_and_the_summary_says_it_needs_one(tmp_path, capsys):
    assert main(["--out", str(tmp_path)]) == 0

    summary = capsys.readouterr().out
    assert not (tmp_path / "sitemap.xml").exists()
    assert "no sitemap.xml" in summary and "--base-url" in summary
    robots = (tmp_path / "robots.txt").read_text()
    assert "User-agent: *" in robots and "Sitemap:" not in robots


def test_a_base_url_that_is_no_absolute_address_is_refused_naming_the_option(tmp_path, capsys):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "keep.txt").write_text("previous site")

    code = main(["--quiet", "--out", str(tmp_path / "site"), "--base-url", "example.github.io/democon"])

    assert code != 0
    assert "--base-url" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["keep.txt"]


def test_pages_past_the_per_file_limit_go_into_several_files_under_a_sitemap_index(site):
    demo = conference("demo")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    whole = alternates(etree.fromstring(sitemap_files(pages, ("en", "de"), "en", BASE_URL)[0][1]))

    files = dict(sitemap_files(pages, ("en", "de"), demo.default_locale, BASE_URL, max_urls=50))

    index = assert_valid(files.pop("sitemap.xml"), "siteindex.xsd")
    assert [loc.text for loc in index.findall("s:sitemap/s:loc", NS)] == [BASE_URL + name for name in files]
    parts = [assert_valid(content) for content in files.values()]
    assert all(len(part.findall("s:url", NS)) <= 50 for part in parts)
    assert {loc: versions for part in parts for loc, versions in alternates(part).items()} == whole
    assert len(parts) == -(-len(whole) // 50)


def test_a_file_is_also_split_by_its_size_in_bytes():
    pages = [f"en/talk/T{n:04d}/index.html" for n in range(100)]

    files = sitemap_files(pages, ("en",), "en", BASE_URL, max_bytes=4_000)

    assert len(files) > 2
    assert all(len(content) <= 4_000 for path, content in files if path != "sitemap.xml")


@pytest.mark.parametrize(("locale", "tag"), [("en", "en"), ("de-formal", "de"), ("pt-BR", "pt-BR"),
                                             ("pt_BR", "pt-BR"), ("zh-hans", "zh-Hans"), ("es-419", "es-419")])
def test_hreflang_is_a_language_tag_search_engines_read(locale, tag):
    assert hreflang(locale) == tag


def test_of_two_locales_of_one_language_only_the_first_claims_its_hreflang():
    pages = ["de/index.html", "de-formal/index.html"]

    files = sitemap_files(pages, ("de", "de-formal"), "de", BASE_URL)

    listed = alternates(assert_valid(files[0][1]))
    assert listed == {BASE_URL + "de/": {"de": BASE_URL + "de/", "x-default": BASE_URL + "de/"},
                      BASE_URL + "de-formal/": {}}


def test_an_html_file_that_is_no_page_of_its_own_is_not_listed():
    pages = ["en/index.html", "en/offline.html", "en/talk/T1/index.html"]  # --offline's stand-in for unsaved pages

    listed = alternates(etree.fromstring(sitemap_files(pages, ("en",), "en", BASE_URL)[0][1]))

    assert list(listed) == [BASE_URL + "en/", BASE_URL + "en/talk/T1/"]
