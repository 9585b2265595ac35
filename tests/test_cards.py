"""Social cards: one 1200×630 PNG per session and locale, readable in any script the font covers, named by the
page's OpenGraph tags, drawn again only when what it shows changed."""

from __future__ import annotations

import copy
import io
import json
import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageFont, features
from conftest import skip_or_fail
from support.data import fixture_bytes, load_fixture

from generator.cli import main
from generator.render import card
from generator.render.card import CardFace

BASE_URL = "https://cards.example.org/con/"
WHITE = (255, 255, 255)


# ---- helpers: read what the build wrote, our own simple way ---------------------------------------

class MetaTags(HTMLParser):
    """The <meta property|name=… content=…> of a page's head, as {key: [contents]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.tags.setdefault(key, []).append(found["content"] or "")


def meta(page: Path) -> dict[str, list[str]]:
    parser = MetaTags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels in `box` are not the card's white background."""
    region = image.convert("RGB").crop(box)
    return sum(count for count, colour in region.getcolors(maxcolors=1 << 20) if colour != WHITE)


def ink_columns(image: Image.Image, box: tuple[int, int, int, int]) -> list[int]:
    """The x (within `box`) of every column holding a non-white pixel."""
    region = image.convert("RGB").crop(box)
    width, height = region.size
    pixels = region.load()
    return [x for x in range(width) if any(pixels[x, y] != WHITE for y in range(height))]


def runs(columns: list[int], gap: int) -> list[tuple[int, int]]:
    """Columns grouped into runs (start, end) separated by at least `gap` empty columns: words, on a line."""
    found: list[tuple[int, int]] = []
    for x in columns:
        if found and x - found[-1][1] <= gap:
            found[-1] = (found[-1][0], x)
        else:
            found.append((x, x))
    return found


def frab_event(titles: dict[int, str]) -> dict:
    """The rtl-hebrew case (tests/fixtures/cases, from ../shared/cases) with some sessions retitled, by frab id."""
    document = copy.deepcopy(load_fixture("cases/rtl-hebrew.json"))
    for events in document["schedule"]["conference"]["days"][0]["rooms"].values():
        for event in events:
            event["title"] = titles.get(event["id"], event["title"])
    return document


def build(tmp_path: Path, *args: str, name: str = "site") -> int:
    return main(["--quiet", *args, "--out", str(tmp_path / name), "--cache-dir", str(tmp_path / "cache")])


# ---- the demo: every card, every page's tags ----------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event (36 sessions, en and de) built with a base URL."""
    directory = tmp_path_factory.mktemp("cards-demo")
    assert build(directory, "--base-url", BASE_URL) == 0
    return directory / "site"


def test_every_session_page_of_the_demo_has_a_1200_by_630_png_card_beside_it(demo):
    pages = sorted(demo.glob("*/talk/*/index.html"))

    cards = sorted(demo.glob("*/talk/*/card.png"))

    assert len(pages) == 72 and [c.parent for c in cards] == [p.parent for p in pages]
    for path in cards:
        with Image.open(path) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630)), path


def test_a_session_page_names_its_card_and_itself_by_absolute_url_with_base_url(demo):
    page = demo / "de/talk/3N98PT/index.html"

    tags = meta(page)

    assert tags["og:image"] == [BASE_URL + "de/talk/3N98PT/card.png"]
    assert (demo / "de/talk/3N98PT/card.png").is_file()
    assert tags["og:url"] == [BASE_URL + "de/talk/3N98PT/"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
    assert tags["og:locale"] == ["de_DE"] and tags["og:locale:alternate"] == ["en_GB"]
    title = re.search(r'<h1[^>]*>([^<]+)</h1>', page.read_text(encoding="utf-8")).group(1)
    assert tags["og:title"] == [title]


def test_every_page_of_the_demo_has_the_opengraph_tags_that_need_no_url(demo):
    pages = sorted(demo.rglob("*.html"))

    missing = {str(page.relative_to(demo)): sorted({"og:title", "og:type", "og:locale", "og:site_name",
                                                    "og:description", "twitter:card"} - meta(page).keys())
               for page in pages}

    assert len(pages) > 100 and not {page: keys for page, keys in missing.items() if keys}


def test_every_url_in_the_social_tags_is_absolute_with_base_url(demo):
    urls = [(page, key, value) for page in demo.rglob("*.html")
            for key, values in meta(page).items() if key in {"og:url", "og:image"} for value in values]

    assert urls and all(value.startswith(BASE_URL) for _, _, value in urls)


def test_without_base_url_no_page_names_a_url_in_its_social_tags(tmp_path):
    assert build(tmp_path, "--locale", "en") == 0
    site = tmp_path / "site"

    tags = meta(site / "en/talk/3N98PT/index.html")

    assert "og:image" not in tags and "og:url" not in tags
    assert tags["twitter:card"] == ["summary"] and tags["og:title"]
    assert (site / "en/talk/3N98PT/card.png").is_file()  # the card is there for a page that names it by URL


def test_no_cards_draws_none_and_no_page_names_one(tmp_path):
    assert build(tmp_path, "--locale", "en", "--base-url", BASE_URL, "--no-cards") == 0
    site = tmp_path / "site"

    assert not list(site.rglob("card.png"))
    assert "og:image" not in meta(site / "en/talk/3N98PT/index.html")
    assert not (tmp_path / "cache" / "cards").exists()


# ---- scripts ---------------------------------------------------------------------------------------

TITLE_BOX = (80, card.TITLE_TOP, 1140, card.TITLE_TOP + 80)  # the first line of the title


@pytest.mark.parametrize("title", ["Открытие конференции", "מה חדש ב-Python 3.14?", "Καλωσόρισμα"],
                         ids=["cyrillic", "hebrew", "greek"])
def test_a_title_in_another_script_draws_ink_in_the_title_region(tmp_path, title):
    (tmp_path / "event.json").write_text(json.dumps(frab_event({1401: title})), encoding="utf-8")
    assert build(tmp_path, str(tmp_path / "event.json"), "--strict") == 0  # strict: no glyph is missing

    cards = list((tmp_path / "site").glob("*/talk/*/card.png"))
    drawn = [path for path in cards if ink(Image.open(path), TITLE_BOX) > 0]

    assert len(cards) == 6 and len(drawn) == 6  # three sessions in en and he: every title is there
    for locale in ("en", "he"):
        with Image.open(tmp_path / "site" / locale / "talk" / "1401" / "card.png") as image:
            assert ink(image, TITLE_BOX) > 2000  # glyphs, not a stray pixel or a box outline


ENGINES = ["raqm", "basic"]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Draw with libraqm (when this Pillow has it) or with Pillow's basic layout and python-bidi."""
    if request.param == "raqm" and not features.check("raqm"):
        skip_or_fail("this Pillow has no libraqm (apt-get install libfribidi0): only the basic layout is tested")
    monkeypatch.setattr(card, "_raqm", lambda: request.param == "raqm")
    card._font.cache_clear()
    yield request.param
    card._font.cache_clear()


def test_a_hebrew_title_starts_at_the_right_edge_with_its_first_word(engine):
    # first word one letter wide, second eight: right to left, the narrow word is the rightmost
    face = CardFace("Con", "ו שששששששש", "", "", "", "", "#0b5cad", "#0b5cad")

    image = Image.open(io.BytesIO(card.draw(face)))
    words = runs(ink_columns(image, TITLE_BOX), gap=10)

    assert len(words) == 2, words
    (left_start, left_end), (right_start, right_end) = words
    assert right_end - right_start < 60 < left_end - left_start  # the one-letter word on the right
    assert right_end > TITLE_BOX[2] - TITLE_BOX[0] - 20  # right-aligned


def test_a_cjk_title_warns_naming_the_session_and_the_build_still_succeeds(tmp_path, caplog):
    (tmp_path / "event.json").write_text(json.dumps(frab_event({1403: "闭幕式与展望"})), encoding="utf-8")
    caplog.set_level(logging.WARNING)

    assert build(tmp_path, str(tmp_path / "event.json")) == 0

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "glyph" in r.getMessage()]
    assert len(warnings) == 1 and re.match(r"session \S+: .*no glyph for 6 character\(s\) \(闭幕式与展望, Cjk\)",
                                           warnings[0]), warnings
    code = re.match(r"session (\S+):", warnings[0]).group(1)
    assert code == "1403"
    with Image.open(tmp_path / "site" / "en" / "talk" / code / "card.png") as image:
        assert image.size == (1200, 630)


def test_a_cjk_title_fails_a_strict_build_and_leaves_the_previous_site(tmp_path):
    (tmp_path / "event.json").write_text(json.dumps(frab_event({})), encoding="utf-8")
    assert build(tmp_path, str(tmp_path / "event.json")) == 0
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    (tmp_path / "event.json").write_text(json.dumps(frab_event({1403: "闭幕式"})), encoding="utf-8")

    assert build(tmp_path, str(tmp_path / "event.json"), "--strict") != 0

    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before


# ---- layout ---------------------------------------------------------------------------------------

def test_a_long_title_wraps_within_the_width_and_ends_with_an_ellipsis():
    font = ImageFont.truetype(str(card.BOLD), 64)
    title = "A remarkably long session title about " + "many interesting things " * 8

    lines = card.wrap(title, font, 1000, 3)

    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1000 for line in lines)
    assert " ".join(lines).removesuffix("…").rstrip() in title


def test_a_word_wider_than_a_line_is_broken_inside_it():
    font = ImageFont.truetype(str(card.BOLD), 64)

    lines = card.wrap("Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen", font, 500, 9)

    assert len(lines) > 1 and all(font.getlength(line) <= 500 for line in lines)
    assert "".join(lines) == "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"


def test_cards_drawn_together_are_the_cards_drawn_alone():
    english = CardFace("Con", "Title", "Ada", "Monday, 2 March 2026, 10:00–10:30 (Europe/Berlin)", "Hall", "",
                       "#bd9c67", "#2a9d8f")
    german = CardFace("Con", "Title", "Ada", "Montag, 2. März 2026, 10:00–10:30 (Europe/Berlin)", "Hall", "",
                      "#bd9c67", "#2a9d8f")

    together = card.draw_all([english, german])

    assert together == [card.draw(english), card.draw(german)] and together[0] != together[1]


def test_emoji_the_font_lacks_are_left_out_of_the_card_without_a_warning():
    face = CardFace("Con", card.drawable("🚀 Launch ✨ party 🙊🙉"), "", "", "", "", "#0b5cad", "#0b5cad")

    assert face.title == "Launch party" and card.problems(face) == []


def test_the_same_face_gives_the_same_bytes():
    face = CardFace("Con", "Title", "Ada", "Monday", "Hall", "", "#bd9c67", "#2a9d8f")

    assert card.draw(face) == card.draw(face)


# ---- incremental: 39C3 ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def congress(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """39C3 (880 sessions, tests/fixtures/ccc-39c3) built in English, cards kept in the build's cache folder."""
    directory = tmp_path_factory.mktemp("cards-39c3")
    (directory / "schedule.json").write_bytes(fixture_bytes("ccc-39c3/everything.schedule.json"))
    assert build(directory, str(directory / "schedule.json"), "--locale", "en") == 0
    return directory


def kept(directory: Path) -> dict[str, tuple[int, int]]:
    """Every card in the store, with what would change if it were written again (inode, mtime)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (directory / "cache" / "cards").rglob("*.png")}


def test_a_39c3_rebuild_with_unchanged_data_draws_no_card(congress, caplog):
    store, cards = kept(congress), {p: p.read_bytes() for p in (congress / "site").rglob("card.png")}
    caplog.set_level(logging.INFO)

    assert build(congress, str(congress / "schedule.json"), "--locale", "en") == 0

    assert len(cards) == 880 and len(store) == 880
    assert kept(congress) == store
    assert {p: p.read_bytes() for p in (congress / "site").rglob("card.png")} == cards
    assert not any("drawn" in r.getMessage() and not r.getMessage().startswith("social cards: 0 drawn")
                   for r in caplog.records)


def test_a_39c3_rebuild_after_one_retitled_session_draws_that_card_only(congress, caplog):
    document = json.loads(fixture_bytes("ccc-39c3/everything.schedule.json"))
    first = next(iter(document["schedule"]["conference"]["days"][0]["rooms"].values()))[0]
    first["title"] = "Opening Ceremony, retitled"
    (congress / "retitled.json").write_text(json.dumps(document), encoding="utf-8")
    store, cards = kept(congress), {p: p.read_bytes() for p in (congress / "site").rglob("card.png")}
    caplog.set_level(logging.INFO, logger="generator.pipeline")

    assert build(congress, str(congress / "retitled.json"), "--locale", "en") == 0

    assert "social cards: 1 drawn, 879 read back" in caplog.text
    changed = [p for p, content in cards.items() if p.read_bytes() != content]
    assert len(changed) == 1 and "Opening Ceremony, retitled" in (changed[0].parent / "index.html").read_text("utf-8")
    now = kept(congress)
    assert len(now) == 880 and sum(1 for name in now if name in store and now[name] == store[name]) == 879
