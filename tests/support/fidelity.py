"""Compare a source's occurrences (support/reference.py) with one published feed's (support/published.py).

Occurrences are matched by session code plus occurrence: a source occurrence's code is the first of its
identities that the feed publishes; within one code, source and feed occurrences are paired in order of
start, room and title. A source occurrence left unpaired is "missing"; a published one, "extra".

Every difference we accept on purpose is a named rule in RULES, with its reason; the rules about a
comparison are applied here, those about a source's meaning in support/reference.py, naming the rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .reference import Occurrence

# the fields compared, grouped by the part of the normaliser that owns them (issues 12 and 13)
TOPICS: dict[str, tuple[str, ...]] = {
    "slots": ("missing", "extra", "room", "title"),
    "times": ("start", "end", "duration", "day"),
    "people": ("speakers",),
    "texts": ("languages", "links", "licence", "do_not_record"),
}

RULES: dict[str, str] = {
    "ical-summary": "iCal has one SUMMARY for title and speakers, written as pretalx writes it, "
                    "'{title} - {speaker, speaker}' (pretalx schedule/domain/ical.py); both are checked in it",
    "ical-no-field": "iCal (RFC 5545) has no property for the listing day, the languages, the recording licence "
                     "or do-not-record: those are not compared in iCal",
    "ical-links": "in iCal a link may be the URL, an ATTACH or a URL in DESCRIPTION (issue 13 point 3); the "
                  "URL property is our own page, so the source's links are checked as contained, not equal",
    "link-not-http": "a source link that is not an absolute http(s) URL (36C3: 'www.cadus.org', 'Hack_Curio, "
                     "Decoding the Cultures of Hacking'; GPN17: 'GNOME') is no link an attendee can follow: it is "
                     "not expected in any feed",
    "links-and-attachments": "a session's links and attachments are compared as one list of URLs, in any order: "
                             "pretalx files a resource under links or attachments by whether it is an upload, "
                             "which its legacy API does not say, and no reader depends on their order",
    "one-line-whitespace": "titles, rooms and names are compared with whitespace runs collapsed and ends trimmed, "
                           "as pages and calendar apps show them",
    "speaker-not-listed": "the current pretalx API names a speaker only in /speakers/ (submissions give codes); a "
                          "code that collection lacks has no name to publish, and the build warns about it "
                          "(PyConFR 2025's dump lacks 6 speakers of confirmed sessions)",
}


@dataclass(frozen=True)
class Difference:
    """One field of one occurrence that a feed does not publish as the source says."""

    feed: str
    field: str
    where: str
    expected: Any
    got: Any


def _order(occurrence: Occurrence) -> tuple:
    return (occurrence.start or dt.datetime.min.replace(tzinfo=dt.timezone.utc), occurrence.room or "",
            occurrence.title or "")


def pair(source: Iterable[Occurrence], published: Iterable[Occurrence]
         ) -> tuple[list[tuple[Occurrence, Occurrence]], list[Occurrence], list[Occurrence]]:
    """(matched pairs, source occurrences the feed lacks, feed occurrences the source lacks)."""
    ours: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in published:
        ours[occurrence.ids[0]].append(occurrence)
    theirs: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in source:
        code = next((i for i in occurrence.ids if i in ours), occurrence.ids[0] if occurrence.ids else "")
        theirs[code].append(occurrence)
    pairs, missing, extra = [], [], []
    for code in sorted(set(ours) | set(theirs)):
        mine, given = sorted(ours.get(code, []), key=_order), sorted(theirs.get(code, []), key=_order)
        pairs += list(zip(given, mine))
        missing += given[len(mine):]
        extra += mine[len(given):]
    return pairs, missing, extra


def compare(feed: str, source: Iterable[Occurrence], published: Iterable[Occurrence]) -> list[Difference]:
    """Every difference between the source and one feed (RULES applied)."""
    pairs, missing, extra = pair(source, published)
    found = [Difference(feed, "missing", o.where, "listed", "not listed") for o in missing]
    found += [Difference(feed, "extra", o.where, "not in the source (or not this often)", "listed") for o in extra]
    for expected, got in pairs:
        found += _fields(feed, expected, got)
    return found


def _fields(feed: str, expected: Occurrence, got: Occurrence) -> list[Difference]:
    where = f"{expected.where} ({got.where})"
    found = []
    links = tuple(sorted(link for link in expected.links or () if _is_http(link)))  # RULES["link-not-http"]

    def check(field: str, want: Any, have: Any) -> None:
        if want != have:
            found.append(Difference(feed, field, where, want, have))

    check("start", expected.start, got.start)
    check("end", expected.end, got.end)
    if got.end_by_duration is not None:  # frab and our JSON feed write an end and a duration: readers use either
        check("duration", expected.end, got.end_by_duration)
    check("room", expected.room, got.room)
    if feed == "ical":  # RULES["ical-summary"], RULES["ical-no-field"], RULES["ical-links"]
        names = ", ".join(expected.speakers or ())
        summary = f"{expected.title} - {names}" if names else expected.title
        if got.title != summary:
            field = "speakers" if (got.title or "").startswith(f"{expected.title}") else "title"
            found.append(Difference(feed, field, where, summary, got.title))
        lost = [link for link in links if link not in (got.links or ())]
        if lost:
            found.append(Difference(feed, "links", where, lost, got.links))
        return found
    check("title", expected.title, got.title)
    check("speakers", expected.speakers, got.speakers)
    check("languages", expected.languages, got.languages)
    check("day", expected.day, got.day)
    check("links", links, tuple(sorted(got.links or ())))  # RULES["links-and-attachments"]
    check("licence", expected.licence, got.licence)
    check("do_not_record", expected.do_not_record, got.do_not_record)
    return found


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) > len("https://")


def table(differences: list[Difference], examples: int = 3) -> str:
    """A readable table: feed x field → count, with the first few examples of each."""
    groups: dict[tuple[str, str], list[Difference]] = defaultdict(list)
    for difference in differences:
        groups[difference.feed, difference.field].append(difference)
    lines = [f"{len(differences)} difference(s):", f"{'feed':<10} {'field':<14} {'count':>6}  first examples"]
    for (feed, field), found in sorted(groups.items()):
        lines.append(f"{feed:<10} {field:<14} {len(found):>6}")
        for d in found[:examples]:
            lines.append(f"{'':<33}{d.where}: expected {_short(d.expected)}, got {_short(d.got)}")
    return "\n".join(lines)


def _short(value: Any, limit: int = 120) -> str:
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%dT%H:%MZ")
    elif isinstance(value, frozenset):
        text = "{" + ", ".join(sorted(value)) + "}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def counts(differences: list[Difference]) -> dict[str, int]:
    """Differences per field (all feeds together), for the before/after table."""
    found: dict[str, int] = defaultdict(int)
    for difference in differences:
        found[difference.field] += 1
    return dict(found)
