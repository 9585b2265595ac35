"""A session's social card: the 1200×630 PNG that Mastodon, Matrix and chat apps show for a shared link.

What a card shows is a `CardFace` (plain strings and colours, made from the model by `face_of`); `draw` turns
a face into PNG bytes with Pillow and the bundled DejaVu Sans (generator/fonts/README.md). A face's `key`
names its bytes: same face, same drawing code, font and Pillow, same bytes, so a build can reuse a card
drawn before (generator/cardstore.py). Text the font cannot draw, or cannot join (Arabic without libraqm),
is reported by `problems` naming nothing but the text: the caller names the session.

Size: 1200×630, the 1.91:1 image OpenGraph consumers crop to (Facebook's sharing guide, "Images";
Mastodon's and Twitter's `summary_large_image` use the same ratio).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import i18n
from ..i18n import choose
from ..model import Conference, Session

WIDTH, HEIGHT = 1200, 630
FONTS = Path(__file__).resolve().parent.parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
DEFAULT_ACCENT = "#0b5cad"  # static/style.css --accent: the site's own colour when the event names none
CANCELLED = "This session is cancelled."  # the talk page's notice, in the same catalog

# layout, in pixels
MARGIN = 60
BAND = 120  # the event's band at the top
STRIPE = 18  # the track's colour down the left edge
TITLE_TOP = BAND + 45
BOTTOM = HEIGHT - 50  # the room's line ends here
BACKGROUND, INK, MUTED, ALERT = "#ffffff", "#1a1a1a", "#3d3d3d", "#b00020"
ELLIPSIS = "…"

# scripts whose letters change shape with their neighbours: without libraqm (HarfBuzz) they are drawn unjoined
JOINING_SCRIPTS = ("ARABIC", "SYRIAC", "NKO", "MANDAIC", "MONGOLIAN", "DEVANAGARI", "BENGALI", "GURMUKHI",
                   "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "MYANMAR", "KHMER")


@dataclass(frozen=True)
class CardFace:
    """Everything one card shows: texts as the locale writes them, colours as `#rrggbb`."""

    event: str
    title: str
    speakers: str  # names, comma-separated
    when: str  # "Sunday, 28 December 2025, 14:00–14:40 (Europe/Berlin)", or "" for an unscheduled session
    room: str
    notice: str  # "This session is cancelled." in the locale, or ""
    accent: str  # the event's colour: the band at the top
    stripe: str  # the track's colour (the accent without one): the left edge

    def key(self) -> str:
        """sha256 (hex) naming this card's bytes: the face, and the code, fonts and library that draw it."""
        digest = hashlib.sha256(drawing_fingerprint().encode())
        digest.update(json.dumps(asdict(self), sort_keys=True, ensure_ascii=False).encode())
        return digest.hexdigest()

    def texts(self) -> tuple[str, ...]:
        """Every text the card draws."""
        return self.event, self.title, self.speakers, self.when, self.room, self.notice


def face_of(conf: Conference, session: Session, locale: str, accent: str | None = None) -> CardFace:
    """The card of `session` in `locale`: its first slot's calendar date and times in the event's zone (the
    talk page's rule: local time for display), its room, speakers, the track's colour and `accent`."""
    def t(value: object) -> str:
        return choose(value, locale, conf.default_locale)  # type: ignore[arg-type]

    entries = conf.entries_of(session)
    when = room = ""
    if entries:
        slot = entries[0].slot
        zone = conf.zone
        when = (f"{i18n.long_date(conf.local(slot.start).date(), locale)}, "
                f"{i18n.time_of_day(slot.start, zone, locale)}–{i18n.time_of_day(slot.end, zone, locale)} "
                f"({conf.timezone})")
        room = t(conf.room(slot.room_id).name)
    track = conf.track(session.track_id)
    accent = accent or DEFAULT_ACCENT
    notice = i18n.ui_translations(locale).gettext(CANCELLED) if session.is_cancelled else ""
    return CardFace(event=drawable(t(conf.name)), title=drawable(t(session.title)),
                    speakers=drawable(", ".join(speaker.name for speaker in conf.speakers_of(session))),
                    when=when, room=drawable(room), notice=notice, accent=accent,
                    stripe=track.color if track and track.color else accent)


# ---- what the font cannot show -----------------------------------------------------------------

@functools.cache
def _charmap(path: Path) -> frozenset[int]:
    """The code points a font has glyphs for (its best cmap subtable, read with fontTools)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _needs_no_glyph(char: str) -> bool:
    # controls and format characters (bidi marks, joiners) steer layout and are never drawn
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


@functools.cache
def _covered() -> frozenset[int]:
    return _charmap(REGULAR) & _charmap(BOLD)


# symbols (emoji above all), unassigned and private-use code points, and the emoji variation selector: pictures
# next to the words, which a card without them still says in full
DECORATION = frozenset({"So", "Sk", "Co", "Cn", "Cs"})
EMOJI_SELECTORS = frozenset("\ufe0e\ufe0f")


def drawable(text: str) -> str:
    """`text` without the decorations the font cannot draw (emoji: "🚀 Launch" → "Launch"), spaces tidied; letters
    it cannot draw are kept (they are reported by `problems`)."""
    covered = _covered()
    if all(ord(c) in covered for c in text):
        return text
    kept = "".join(c for c in text if ord(c) in covered or not (
        unicodedata.category(c) in DECORATION or c in EMOJI_SELECTORS or c == "\u200d"))
    return " ".join(kept.split())


def missing_characters(text: str) -> str:
    """The distinct characters of `text` the card's fonts have no glyph for (they would be drawn as boxes)."""
    covered = _covered()
    return "".join(dict.fromkeys(c for c in text if ord(c) not in covered and not _needs_no_glyph(c)))


def problems(face: CardFace) -> list[str]:
    """What would make this card wrong, as sentences naming the text: characters drawn as boxes, and joining
    scripts drawn unjoined when Pillow has no libraqm."""
    found = []
    text = " ".join(face.texts())
    missing = missing_characters(text)
    if missing:
        shown = missing[:12] + (ELLIPSIS if len(missing) > 12 else "")
        found.append(f"the card's font has no glyph for {len(missing)} character(s) ({shown}, "
                     f"{_script_names(missing)}): they show as boxes on the social card")
    if not _raqm():
        joining = sorted({s for c in text for s in JOINING_SCRIPTS if unicodedata.name(c, "").startswith(s + " ")})
        if joining:
            found.append(f"{', '.join(s.title() for s in joining)} text is drawn with unjoined letters on the "
                         "social card: Pillow here has no libraqm (install libraqm0 / libfribidi0 for shaping)")
    return found


def _script_names(chars: str) -> str:
    names = {unicodedata.name(c, "UNKNOWN").split(" ")[0] for c in chars}
    return ", ".join(sorted(n.title() for n in names))


# ---- drawing -----------------------------------------------------------------------------------

@functools.cache
def _raqm() -> bool:
    """Whether Pillow can lay out text with libraqm (bidi reordering and shaping); else basic layout, with
    right-to-left lines reordered by python-bidi (Unicode UAX #9) before drawing."""
    from PIL import features

    return bool(features.check("raqm"))


@functools.cache
def drawing_fingerprint() -> str:
    """What, besides the face, decides a card's bytes: this module, the fonts, Pillow and its layout engine."""
    import PIL

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for font in (REGULAR, BOLD):
        digest.update(font.read_bytes())
    digest.update(f"pillow {PIL.__version__} raqm {_raqm()}".encode())
    return digest.hexdigest()


@functools.cache
def _font(path: Path, size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    engine = ImageFont.Layout.RAQM if _raqm() else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def is_rtl(text: str) -> bool:
    """Whether a paragraph of `text` runs right to left: its first strong character's (UAX #9, rules P2–P3)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return True
        if kind == "L":
            return False
    return False


def _visual(text: str) -> str:
    """`text` in the order to draw it: as it is with libraqm (it reorders), else reordered by python-bidi."""
    if _raqm():
        return text
    from bidi import get_display

    return "".join(c for c in get_display(text) if not _needs_no_glyph(c))


def _width(text: str, font) -> float:  # type: ignore[no-untyped-def]
    return float(font.getlength(_visual(text)))


def wrap(text: str, font, width: float, max_lines: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`text` in lines (logical order) no wider than `width`: broken between words, inside a word only when it
    is wider than a line (CJK titles have no spaces), and the last line cut with an ellipsis if more remain."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while _width(line, font) > width and len(line) > 1:  # a word wider than a line: break it
            cut = _longest_prefix(line, font, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = lines[:max_lines - 1] + [_ellipsised(last, font, width)]
    return lines


def _longest_prefix(text: str, font, width: float) -> int:  # type: ignore[no-untyped-def]
    low, high = 1, len(text)  # the longest prefix that fits, at least one character
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle], font) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _ellipsised(text: str, font, width: float) -> str:  # type: ignore[no-untyped-def]
    """`text` shortened from its end until it fits with an ellipsis after it (always marked as cut)."""
    text = text.rstrip()
    while text and _width(text + ELLIPSIS, font) > width:
        text = text[:-1].rstrip()
    return text + ELLIPSIS


def _luminance(colour: str) -> float:
    """Relative luminance of `#rrggbb` (WCAG 2.2, "relative luminance")."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ink_on(colour: str) -> str:
    """White or near-black, whichever contrasts more with `colour` (WCAG contrast ratio)."""
    light = _luminance(colour)
    on_white = (1.05) / (light + 0.05)
    on_black = (light + 0.05) / (_luminance(INK) + 0.05)
    return "#ffffff" if on_white >= on_black else INK


# The card is drawn as palette indices on one 8-bit canvas: each text colour owns a run of the palette whose
# entries blend, step by step, from the background it is drawn on to the text colour, and its text is drawn
# with the run's last index over the run's first. Pillow blends an anti-aliased glyph edge linearly between the
# two values (libImaging/Draw.c), so every edge pixel lands on the entry of exactly its blend: an exact image at
# one byte a pixel, which PNG stores without filtering (about a third of the time of drawing in RGB). Sixteen
# steps a run: Pillow's glyph edges blend in as many steps (value 0 to 15), as many as the eye tells apart
# there, and a card of few distinct values compresses to a tenth less than with 64 steps.
RUNS = {"ink": (0, 15), "muted": (16, 31), "alert": (32, 47), "band": (48, 63)}  # (background, text)
STRIPE_INDEX = 64
PNG_LEVEL = 1  # zlib level: 1 costs half the time of 6 on a card, for a quarter more bytes (~32 kB)


@functools.lru_cache(maxsize=64)  # an event has one accent and a few track colours
def _palette(accent: str, stripe: str) -> bytes:
    """The card's palette, RGB bytes: each run of RUNS from its background to its text colour, and the stripe."""
    def rgb(colour: str) -> tuple[int, ...]:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    colours = {"ink": (BACKGROUND, INK), "muted": (BACKGROUND, MUTED), "alert": (BACKGROUND, ALERT),
               "band": (accent, ink_on(accent))}
    palette = [(0, 0, 0)] * 256
    for name, (first, last) in RUNS.items():
        back, fore = rgb(colours[name][0]), rgb(colours[name][1])
        for index in range(first, last + 1):
            step = (index - first) / (last - first)
            palette[index] = tuple(round(b + (f - b) * step) for f, b in zip(fore, back))
    palette[STRIPE_INDEX] = rgb(stripe)
    return bytes(channel for colour in palette for channel in colour)


def draw(face: CardFace) -> bytes:
    """The card as PNG bytes (8-bit palette, 1200×630); the same face gives the same bytes (no clock, no
    metadata)."""
    return draw_all([face])[0]


def draw_all(faces: Sequence[CardFace]) -> list[bytes]:
    """The cards of `faces`, as `draw` makes each; faces that differ only in the date and time line (one session
    in several locales) share the drawing of everything else."""
    shared: dict[CardFace, tuple[Any, float]] = {}
    cards = []
    for face in faces:
        common = dataclasses.replace(face, when="-" if face.when else "")
        if common not in shared:
            shared[common] = _draw_all_but_when(common)
        canvas, y = shared[common]
        cards.append(_finish(canvas.copy(), face, y))
    return cards


def _draw_all_but_when(face: CardFace) -> tuple[Any, float]:
    """The canvas (palette indices, "L") with everything but the date and time line; where that line goes."""
    from PIL import Image

    image = Image.new("L", (WIDTH, HEIGHT), RUNS["ink"][0])
    pen = _Pen(image)
    pen.rectangle((0, 0, WIDTH - 1, BAND - 1), RUNS["band"][0])
    pen.rectangle((0, BAND, STRIPE - 1, HEIGHT - 1), STRIPE_INDEX)

    band_font = _font(BOLD, 38)
    if face.event:
        pen.line((BAND - 46) / 2, _fit(face.event, band_font, WIDTH - 2 * MARGIN), band_font, "band")

    # the bottom block first (room last, at the bottom), so the title gets the room that is left
    lines_below = (1 if face.when else 0) + (1 if face.room else 0)
    y_bottom = BOTTOM - 46 * lines_below
    if face.room:
        room_font = _font(BOLD, 34)
        pen.line(BOTTOM - 46, _fit(face.room, room_font, pen.width), room_font, "ink")

    y = TITLE_TOP
    room_for_text = y_bottom - 30 - y
    speaker_font = _font(REGULAR, 38)
    reserved = (50 if face.speakers else 0) + (48 if face.notice else 0)
    for size, max_lines in ((64, 3), (52, 4)):
        title_font = _font(BOLD, size)
        lines = wrap(face.title, title_font, pen.width, max_lines)
        step = round(size * 1.2)
        if (len(lines) * step <= room_for_text - reserved and not lines[-1].endswith(ELLIPSIS)) or size == 52:
            break
    while lines and len(lines) * step > room_for_text - reserved:  # never into the bottom block
        lines = lines[:-2] + [_ellipsised(lines[-2], title_font, pen.width)] if len(lines) > 1 else []
    for text in lines:
        pen.line(y, text, title_font, "ink")
        y += step
    if face.notice:
        notice_font = _font(BOLD, 34)
        pen.line(y + 6, _fit(face.notice, notice_font, pen.width), notice_font, "alert")
        y += 48
    if face.speakers:
        pen.line(y + 8, _fit(face.speakers, speaker_font, pen.width), speaker_font, "muted")
    return image, y_bottom


def _finish(image: Any, face: CardFace, y: float) -> bytes:
    """Draw the date and time line at `y`, give the indices their colours, and encode the PNG."""
    if face.when:
        font = _font(REGULAR, 32)
        pen = _Pen(image)
        pen.line(y, _fit(face.when, font, pen.width), font, "muted")
    image.putpalette(_palette(face.accent, face.stripe))  # "L" becomes "P": the indices now name colours
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=PNG_LEVEL)
    return buffer.getvalue()


class _Pen:
    """Draws a card's lines of text in palette indices: left-aligned, or right-aligned when they run right to
    left, between the stripe and the right margin."""

    def __init__(self, image: Any) -> None:
        from PIL import ImageDraw

        self.draw = ImageDraw.Draw(image)
        self.left, self.right = STRIPE + MARGIN - 10, WIDTH - MARGIN
        self.width = self.right - self.left

    def rectangle(self, box: tuple[float, float, float, float], index: int) -> None:
        self.draw.rectangle(box, fill=index)

    def line(self, y: float, text: str, font: Any, run: str) -> None:
        background, colour = RUNS[run]
        if run in {"muted", "alert"}:  # this run's background (white too) under the line first
            ascent, descent = font.getmetrics()
            self.draw.rectangle((self.left, y, self.right, y + ascent + descent - 1), fill=background)
        shown = _visual(text)
        x = self.right - font.getlength(shown) if is_rtl(text) else self.left
        self.draw.text((x, y), shown, font=font, fill=colour)


def _fit(text: str, font, width: float) -> str:  # type: ignore[no-untyped-def]
    """One line: `text` as it is when it fits, else cut with an ellipsis."""
    return text if _width(text, font) <= width else _ellipsised(text, font, width)
