"""Social cards kept between builds in the cache folder, named by what they show (`CardFace.key`).

Drawing a card costs as much as rendering a few pages; a rebuild after a schedule change shows the same face
for almost every session. So a card is drawn only when no earlier build drew one with the same key; every
other card is read back. The key covers the face, the drawing code, the fonts and Pillow (render/card.py),
so a stored card is never shown for anything but what it was drawn for. Losing the folder only costs time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from .atomic import replace_file
from .render.card import CardFace, draw_all

log = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # PNG specification, 5.2


class CardStore:
    """The cards under `folder` (`{cache_dir}/cards`), one file per key: `{key[:2]}/{key}.png`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def in_cache(cls, cache_dir: Path) -> CardStore:
        """The store of a build's cache folder (`--cache-dir`, which CI keeps between builds)."""
        return cls(cache_dir / "cards")

    def path(self, key: str) -> Path:
        """Where the card with this key is kept."""
        return self.folder / key[:2] / f"{key}.png"

    def has(self, key: str) -> bool:
        """Whether a card with this key was kept (so making it draws nothing)."""
        return self.path(key).is_file()

    def card(self, face: CardFace) -> bytes:
        """The PNG bytes of `face`'s card (see `cards`)."""
        return self.cards([face])[0]

    def cards(self, faces: Sequence[CardFace]) -> list[bytes]:
        """The PNG bytes of each face's card: the kept ones, the others drawn now (together: one session's cards
        in several locales share their drawing) and kept for the next build. A folder that cannot be written
        only costs the next build the drawing: logged, not raised."""
        made: dict[int, bytes] = {}
        for index, face in enumerate(faces):
            try:
                kept = self.path(face.key()).read_bytes()
            except OSError:
                continue
            if kept.startswith(PNG_SIGNATURE):  # written whole or not at all (atomic replace)
                made[index] = kept
        missing = [index for index in range(len(faces)) if index not in made]
        for index, content in zip(missing, draw_all([faces[i] for i in missing])):
            made[index] = content
            target = self.path(faces[index].key())
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                replace_file(target, content)
            except OSError as exc:
                log.info("cannot keep the social card %s: %s", target, exc.strerror or exc)
        return [made[index] for index in range(len(faces))]

    def prune(self, keep: Iterable[str]) -> int:
        """Delete every kept card whose key is not in `keep` (the cards of the build just written); how many."""
        wanted = {f"{key}.png" for key in keep}
        if not self.folder.is_dir():
            return 0
        deleted = 0
        for path in sorted(self.folder.glob("*/*.png")):
            if path.name not in wanted:
                try:
                    path.unlink()
                    deleted += 1
                except OSError as exc:
                    log.info("cannot delete the old social card %s: %s", path, exc.strerror or exc)
        return deleted
