"""Colour contrast as WCAG 2.2 measures it, and track colours made legible against our light and dark themes.

Organisers pick track colours in pretalx; a pale yellow stripe on a light card, or a dark blue one on a dark card,
carries no meaning anyone can see. WCAG 2.2 success criterion 1.4.11 (non-text contrast) asks for at least 3:1
between a graphical object that carries meaning and what is next to it. The feeds keep the organisers' colours;
the pages show the nearest colour of the same hue that meets 3:1 in each theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

NON_TEXT_MINIMUM = 3.0  # WCAG 2.2, 1.4.11 Non-text Contrast (level AA)

# The backgrounds a track colour is drawn against in each theme: the page (--bg) and a session card (--card), as
# static/style.css sets them in :root. A theme that changes those should keep them on the same side (light/dark).
LIGHT_BACKGROUNDS = ("#ffffff", "#f4f6f9")
DARK_BACKGROUNDS = ("#121212", "#1e2126")


def _channels(colour: str) -> tuple[int, int, int]:
    """The 0-255 red, green and blue of "#rrggbb"; ValueError for anything else."""
    if len(colour) != 7 or colour[0] != "#":
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """The relative luminance (0 black to 1 white) of "#rrggbb": WCAG 2.2, "relative luminance" in its glossary
    (sRGB channels linearised, then weighted 0.2126, 0.7152, 0.0722)."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """The contrast ratio of two "#rrggbb" colours, 1.0 to 21.0, in either order: WCAG 2.2, "contrast ratio"
    ((L1 + 0.05) / (L2 + 0.05), L1 the lighter)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _mix(colour: str, target: tuple[int, int, int], share: float) -> str:
    """`colour` moved `share` (0 to 1) of the way to `target` in sRGB, as "#rrggbb"."""
    mixed = (round(c + (t - c) * share) for c, t in zip(_channels(colour), target))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def legible(colour: str, backgrounds: Sequence[str], minimum: float = NON_TEXT_MINIMUM) -> str:
    """The colour nearest to `colour` with at least `minimum` contrast against every one of `backgrounds`.

    `colour` is returned unchanged (lower-cased) when it already has it; otherwise it is mixed towards black (light
    backgrounds) or white (dark backgrounds) just enough, which keeps its hue. Backgrounds must all be light or all
    dark (ValueError otherwise: no colour could stand out from both). Raises ValueError for a colour or background
    that is not "#rrggbb".
    """
    colour = colour.lower()
    if min(contrast_ratio(colour, b) for b in backgrounds) >= minimum:
        return colour
    light = [relative_luminance(b) > 0.18 for b in backgrounds]  # 0.18: equal contrast with black and with white
    if any(light) != all(light):
        raise ValueError(f"backgrounds {list(backgrounds)} are not all light or all dark")
    target = (0, 0, 0) if light[0] else (255, 255, 255)
    low, high = 0.0, 1.0  # the contrast grows with the share mixed in: search the smallest share that is enough
    for _ in range(20):
        middle = (low + high) / 2
        if min(contrast_ratio(_mix(colour, target, middle), b) for b in backgrounds) >= minimum:
            high = middle
        else:
            low = middle
    return _mix(colour, target, high)


@dataclass(frozen=True)
class TrackColours:
    """A track's colour as the pages show it in the light and the dark theme ("#rrggbb" each)."""

    light: str
    dark: str

    @property
    def css(self) -> str:
        """The inline-style declarations style.css reads (`--cl`, `--cd`; it sets `--c` from the theme's)."""
        return f"--cl:{self.light};--cd:{self.dark}"


@cache
def track_colours(colour: str) -> TrackColours:
    """A track's "#rrggbb" made legible (3:1, WCAG 1.4.11) against the light and dark page and card backgrounds."""
    return TrackColours(legible(colour, LIGHT_BACKGROUNDS), legible(colour, DARK_BACKGROUNDS))
