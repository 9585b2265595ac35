"""The full-text index of one locale: which sessions hold which word, in shards the browser loads one at a time.

The matching rule (static/search.js applies the same one to the query; tests/test_search_browser.py counts
results with its own copy of it):

- Text is *folded*: Unicode NFD, every mark (category M) removed, lower-cased: "Übersicht" reads "ubersicht".
- A *word* is a run of letters and digits (categories L and N) of folded text; words shorter than
  MIN_WORD characters are not indexed, and are ignored in a query.
- A session's words come from its title, subtitle, abstract, description (as the source wrote them,
  Markdown included), its speakers' names, its room, its track and its type, each in this locale.
- A session matches a query when every query word begins some word of the session ("work" finds
  "workshops"; all words must match, in any field).

Shards: a word lives in the shard named by its first MIN_WORD characters, so one query word needs exactly
one shard, and a shard holds every word that word can begin. A shard is a small script, not JSON, so that
it loads from `file://` too (browsers refuse `fetch` there); its file name is the UTF-8 of the shard's
characters in hex ("wo" is `776f.js`), safe as a path segment for any script.

Measured on 39C3 (880 sessions, 1 MB of abstracts and descriptions): 649 shards of one locale, 207 KB
gzipped together, the largest ("re") 5.7 KB gzipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

MIN_WORD = 2
_WORD = re.compile(r"[^\W_]+")  # letters and digits: str.isalnum, as JavaScript's [\p{L}\p{N}]


def fold(text: str) -> str:
    """`text` in NFD with every combining mark (Unicode category M) removed, lower-cased."""
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed.isascii():  # most text of most events: no mark to remove (39C3: 1.0 -> 0.3 s a build)
        return decomposed.lower()
    # no mark lies below U+0300 (the first, COMBINING GRAVE ACCENT): the category lookup only for the rest
    return "".join(c for c in decomposed if c < "\u0300" or not unicodedata.category(c).startswith("M")).lower()


def words(text: str) -> set[str]:
    """The indexable words of `text`: folded runs of letters and digits at least MIN_WORD long."""
    return {w for w in _WORD.findall(fold(text)) if len(w) >= MIN_WORD}


def shard_name(word: str) -> str:
    """The shard that holds `word` (at least MIN_WORD long): its first MIN_WORD characters as UTF-8 hex."""
    return word[:MIN_WORD].encode("utf-8").hex()


def shards(documents: Sequence[tuple[int, Iterable[str]]]) -> dict[str, dict[str, list[int]]]:
    """{shard name: {word: postings}} of `documents`, (position, texts) pairs: each word's positions in
    ascending order, delta-encoded (the first as is, then each the difference from the one before), so
    that long lists of close positions stay small once gzipped."""
    postings: dict[str, set[int]] = defaultdict(set)
    for position, texts in documents:
        for text in texts:
            for word in words(text):
                postings[word].add(position)
    result: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word in sorted(postings):
        result[shard_name(word)][word] = list(_deltas(sorted(postings[word])))
    return dict(result)


def _deltas(positions: list[int]) -> Iterator[int]:
    previous = 0
    for position in positions:
        yield position - previous
        previous = position

