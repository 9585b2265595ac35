"""The search data of one locale, loaded by the browser only when a visitor searches (or downloads favourites).

Two kinds of file, both small scripts rather than bare JSON so that they load from `file://` too, where
browsers refuse `fetch`:

- `{lang}/search.js`, the *sessions file* (`self.pretalxStaticIndex = {...}`): every session occurrence
  (times, room, track, speakers, feed UID, link) and every speaker, in the shape
  `{"event", "name", "tz", "sessions": [...], "speakers": [{"c", "n", "u"}], "shards": [shard names]}`;
  a session's `s` lists its speakers as positions in `speakers`. It shows results and builds the favourites
  `.ics` download.
- `{lang}/search/{shard}.js`, the full-text shards (fulltext.py): word → positions in `sessions` of the
  sessions holding it (the first occurrence of each session).

A search loads the sessions file and one shard per query word: on 39C3 81.5 KB gzipped for the sessions
file and at most 5.7 KB per shard ("workshop": 83 KB, all 298 results shown without another request).

Why not Pagefind, the field's usual static search: it fetches its index and a WebAssembly module, which
browsers refuse on `file://`, so that site would need a second search for `file://` anyway; it indexes
written HTML pages (a 5.4 MB binary run after the site is on disk, against "gather, then write"); and on the
39C3 talk pages it loads 72 KB of WebAssembly, 13 KB of script, a 33-39 KB index chunk and then one 1.4 KB
fragment per result shown, about 195 KB for the first 50 results of "workshop". MiniSearch and FlexSearch
load one whole index, and the words of 39C3 alone take 207 KB gzipped (all our shards together).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from .. import urls
from ..identity import uid, uid_host
from ..i18n import choose
from ..model import Conference, Entry
from . import fulltext

GLOBAL_NAME = "pretalxStaticIndex"
SHARDS_NAME = "pretalxStaticTerms"


def search_index(conference: Conference, locale: str, base_url: str | None = None,
                 shard_names: Iterable[str] | None = None) -> bytes:
    """The sessions file of `locale` (see the module's docstring for its shape); `shard_names` are those of
    full_text(conference, locale), computed here when not given."""
    home = urls.home(locale)
    host = uid_host(conference.url, base_url)

    def text(value: object) -> str:
        return choose(value, locale, conference.default_locale)  # type: ignore[arg-type]

    position = {p.code: n for n, p in enumerate(conference.speakers)}
    sessions = []
    for entry in _entries(conference):
        session = entry.session
        track = conference.track(session.track_id)
        sessions.append({
            "c": session.code, "k": entry.key, "t": text(session.title),
            # the feeds' UID: calendars merge a favourite with a subscription
            "id": uid(conference.slug, session.code, host, entry.index, len(session.slots)),
            "s": [position[c] for c in session.speaker_codes if c in position],
            "b": conference.local(entry.slot.start).isoformat(), "e": conference.local(entry.slot.end).isoformat(),
            "r": text(conference.room(entry.slot.room_id).name),
            "tr": text(track.name) if track else "",
            "l": session.content_locale or "",
            "x": session.is_cancelled,
            "u": urls.relative(home, urls.talk(locale, session.code)),
        })
    speakers = [{"c": p.code, "n": p.name, "u": urls.relative(home, urls.speaker(locale, p.code))}
                for p in conference.speakers]  # already in the model's speaker order
    data = {"event": conference.slug, "name": text(conference.name), "tz": conference.timezone,
            "sessions": sessions, "speakers": speakers, "shards": sorted(full_text(conference, locale) if shard_names is None else shard_names)}
    return f"self.{GLOBAL_NAME}={script_json(data)};\n".encode("utf-8")


def full_text(conference: Conference, locale: str) -> dict[str, dict[str, list[int]]]:
    """The full-text shards of `locale`, {shard name: {word: delta-encoded positions in the sessions file}}:
    each session's title, subtitle, abstract, description, speakers' names, room, track and type."""
    def text(value: object) -> str:
        return choose(value, locale, conference.default_locale)  # type: ignore[arg-type]

    names = {p.code: p.name for p in conference.speakers}
    documents = []
    first: set[str] = set()
    for position, entry in enumerate(_entries(conference)):
        session = entry.session
        if session.code in first:
            continue  # every occurrence has the same text: results list a session once, from its first
        first.add(session.code)
        track = conference.track(session.track_id)
        kind = conference.session_type(session.type_id) if session.type_id else None
        documents.append((position, [
            text(session.title), session.subtitle, session.abstract, session.description,
            *(names.get(c, "") for c in session.speaker_codes),
            text(conference.room(entry.slot.room_id).name),
            text(track.name) if track else "", text(kind.name) if kind else ""]))
    return fulltext.shards(documents)


def shard_script(name: str, words: dict[str, list[int]]) -> bytes:
    """The script of one shard: it adds `{word: postings}` to `self.pretalxStaticTerms[name]` when loaded."""
    return f'(self.{SHARDS_NAME}=self.{SHARDS_NAME}||{{}})["{name}"]={script_json(words)};\n'.encode("utf-8")


def _entries(conference: Conference) -> Iterator[Entry]:
    return (entry for entry in conference.entries if not entry.session.is_break)


def script_json(data: object) -> str:
    """JSON that is safe inside a <script> element and in JavaScript source: it cannot close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text
