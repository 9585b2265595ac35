"""The prebuilt search index of one locale: every session and speaker, loaded by the browser on demand.

It is a small script (`self.pretalxStaticIndex = {...};`) rather than bare JSON so that it loads from
`file://` too, where browsers refuse `fetch`. The same data drives search, "now and next" and the
favourites calendar download.
"""

from __future__ import annotations

import json

from .. import urls
from ..identity import uid, uid_host
from ..i18n import choose
from ..model import Conference

GLOBAL_NAME = "pretalxStaticIndex"


def search_index(conference: Conference, locale: str, base_url: str | None = None) -> bytes:
    """The index script for `locale`: sessions (with times, room, track, speakers, feed UIDs) and speakers."""
    home = urls.home(locale)
    host = uid_host(conference.url, base_url)

    def text(value: object) -> str:
        return choose(value, locale, conference.default_locale)  # type: ignore[arg-type]

    sessions = []
    for entry in conference.entries:
        session = entry.session
        if session.is_break:
            continue
        track = conference.track(session.track_id)
        sessions.append({
            "c": session.code, "k": entry.key, "t": text(session.title),
            # the feeds' UID: calendars merge a favourite with a subscription
            "id": uid(conference.slug, session.code, host, entry.index, len(session.slots)),
            "s": list(session.speaker_codes),
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
            "sessions": sessions, "speakers": speakers}
    return f"self.{GLOBAL_NAME}={script_json(data)};\n".encode("utf-8")


def script_json(data: object) -> str:
    """JSON that is safe inside a <script> element and in JavaScript source: it cannot close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text
