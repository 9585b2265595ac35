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

import functools
import hashlib
import io
import json
import math
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

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
    return CardFace(event=t(conf.name), title=t(session.title),
                    speakers=", ".join(speaker.name for speaker in conf.speakers_of(session)),
                    when=when, room=room, notice=notice, accent=accent,
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


def missing_characters(text: str) -> str:
    """The distinct characters of `text` the card's fonts have no glyph for (they would be drawn as boxes)."""
    covered = _charmap(REGULAR) & _charmap(BOLD)
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


def draw(face: CardFace) -> bytes:
    """The card as PNG bytes (RGB, 1200×630); the same face gives the same bytes (no clock, no metadata)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, WIDTH - 1, BAND - 1), fill=face.accent)
    pen.rectangle((0, BAND, STRIPE - 1, HEIGHT - 1), fill=face.stripe)
    left, right = STRIPE + MARGIN - 10, WIDTH - MARGIN
    width = right - left

    def line(y: float, text: str, font, fill: str) -> None:  # type: ignore[no-untyped-def]
        shown = _visual(text)
        x = right - font.getlength(shown) if is_rtl(text) else left
        pen.text((x, y), shown, font=font, fill=fill)

    band_font = _font(BOLD, 38)
    if face.event:
        line((BAND - 46) / 2, _fit(face.event, band_font, WIDTH - 2 * MARGIN), band_font, ink_on(face.accent))

    # the bottom block first (room last, at the bottom), so the title gets the room that is left
    small, small_bold = _font(REGULAR, 32), _font(BOLD, 34)
    bottom: list[tuple[str, object, str]] = []
    if face.when:
        bottom.append((face.when, small, MUTED))
    if face.room:
        bottom.append((face.room, small_bold, INK))
    y_bottom = BOTTOM - 46 * len(bottom)
    for index, (text, font, fill) in enumerate(bottom):
        line(y_bottom + 46 * index, _fit(text, font, width), font, fill)

    y = TITLE_TOP
    room_for_text = y_bottom - 30 - y
    speaker_font = _font(REGULAR, 38)
    reserved = (50 if face.speakers else 0) + (48 if face.notice else 0)
    for size, max_lines in ((64, 3), (52, 4)):
        title_font = _font(BOLD, size)
        lines = wrap(face.title, title_font, width, max_lines)
        step = round(size * 1.2)
        if (len(lines) * step <= room_for_text - reserved and not lines[-1].endswith(ELLIPSIS)) or size == 52:
            break
    while lines and len(lines) * step > room_for_text - reserved:  # never into the bottom block
        lines = lines[:-2] + [_ellipsised(lines[-2], title_font, width)] if len(lines) > 1 else []
    for text in lines:
        line(y, text, title_font, INK)
        y += step
    if face.notice:
        notice_font = _font(BOLD, 34)
        line(y + 6, _fit(face.notice, notice_font, width), notice_font, ALERT)
        y += 48
    if face.speakers:
        line(y + 8, _fit(face.speakers, speaker_font, width), speaker_font, MUTED)

    # a palette image: every pixel is a background or a blend of one text colour over it, so a palette of those
    # blends loses nothing visible, and PNG encodes one byte a pixel without filtering (5 ms instead of 20-35)
    buffer = io.BytesIO()
    image.quantize(palette=_palette(face.accent, face.stripe), dither=Image.Dither.NONE).save(
        buffer, "PNG", compress_level=PNG_LEVEL)
    return buffer.getvalue()


PNG_LEVEL = 1  # zlib level: 1 costs half the time of 6 on a card, for a third more bytes (25 → 33 kB)
RAMP = 63  # blends per text colour: four text colours and three backgrounds fill a 255-colour palette
FAINTEST = 16  # the least distance (RGB) of a blend from its background, so the background maps to itself


@functools.lru_cache(maxsize=64)  # an event has one accent and a few track colours
def _palette(accent: str, stripe: str):  # type: ignore[no-untyped-def]
    """A card's colours as a palette image: the three backgrounds, then RAMP blends (from background to text
    colour) of each text colour over the background it is drawn on, as anti-aliased glyph edges show them."""
    from PIL import Image

    def rgb(colour: str) -> tuple[int, ...]:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    grounds = [rgb(BACKGROUND), rgb(accent), rgb(stripe)]
    colours = list(grounds)
    for ink, ground in ((INK, BACKGROUND), (MUTED, BACKGROUND), (ALERT, BACKGROUND), (ink_on(accent), accent)):
        fore, back = rgb(ink), rgb(ground)
        blends = (tuple(round(b + (f - b) * step / RAMP) for f, b in zip(fore, back)) for step in range(1, RAMP + 1))
        # Pillow maps a colour to the palette entry nearest the centre of its 8×4×8 cell (libImaging/Palette.c):
        # a blend that close to a background would take the background's place; such a pixel shows as the
        # background instead (a faint glyph edge, or white text's core on a white-text band)
        colours += [blend for blend in blends if all(math.dist(blend, ground) >= FAINTEST for ground in grounds)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in colours for channel in colour])
    return palette


def _fit(text: str, font, width: float) -> str:  # type: ignore[no-untyped-def]
    """One line: `text` as it is when it fits, else cut with an ellipsis."""
    return text if _width(text, font) <= width else _ellipsised(text, font, width)
