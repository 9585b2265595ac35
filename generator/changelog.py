"""What changed between released versions of a schedule: sessions added, removed, cancelled, moved, retitled, and
with other speakers, per version, as pretalx's changelog shows them (pretalx `schedule/models/schedule.py`,
`Schedule.changes`: `new_talks`, `canceled_talks`, `moved_talks`).

A version is a model.ScheduleVersion: what each scheduled occurrence looked like in it (an Appearance). Where the
versions come from is not this module's business (pretalx lists them; history.py keeps the ones a build has seen). Instants are UTC;
pages show them in the event's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import Appearance, Conference, ScheduleVersion



@dataclass(frozen=True)
class Move:
    """An occurrence that moved in time or room: `before` and `after` are its two appearances."""

    before: Appearance
    after: Appearance


@dataclass(frozen=True)
class Changes:
    """What one version changed against the one before it (`previous` None for the first release).

    `number` counts versions from 1 in release order: with the event's slug it makes the version's stable id."""

    number: int
    version: ScheduleVersion
    previous: ScheduleVersion | None
    added: tuple[Appearance, ...] = ()
    removed: tuple[Appearance, ...] = ()  # the last appearance of each
    cancelled: tuple[Appearance, ...] = ()
    moved: tuple[Move, ...] = ()
    retitled: tuple[Move, ...] = ()
    speakers_changed: tuple[Move, ...] = ()

    @property
    def count(self) -> int:
        """How many occurrences this version changed (a moved and retitled one counts twice)."""
        return sum(len(group) for group in (self.added, self.removed, self.cancelled, self.moved, self.retitled,
                                            self.speakers_changed))


def version_of(conference: Conference, name: str, updated: dt.datetime) -> ScheduleVersion:
    """The version a normalised conference shows: every occurrence of every session but breaks."""
    appearances = []
    for entry in conference.entries:
        session = entry.session
        if session.is_break:
            continue
        appearances.append(Appearance(
            key=entry.key, code=session.code, title=session.title,
            start=entry.slot.start.astimezone(dt.UTC), end=entry.slot.end.astimezone(dt.UTC),
            room=conference.room(entry.slot.room_id).name,
            speakers=tuple(speaker.name for speaker in conference.speakers_of(session)),
            cancelled=session.is_cancelled))
    return ScheduleVersion(name, updated.astimezone(dt.UTC), tuple(sorted(appearances, key=lambda a: a.key)))


def compare(before: ScheduleVersion | None, after: ScheduleVersion, number: int, *,
            dropped_is_cancelled: bool = False) -> Changes:
    """The changes of `after` against `before`. An occurrence `after` no longer lists is removed, or cancelled
    with `dropped_is_cancelled` (pretalx's meaning); one it lists as cancelled that was not is cancelled; a
    cancelled one is not also reported as moved or retitled."""
    if before is None:
        return Changes(number, after, None)
    old, new = before.by_key(), after.by_key()
    added = [a for key, a in new.items() if key not in old and not a.cancelled]
    gone = [a for key, a in old.items() if key not in new and not a.cancelled]
    cancelled = [a for key, a in new.items() if a.cancelled and key in old and not old[key].cancelled]
    removed = []
    for appearance in gone:
        (cancelled if dropped_is_cancelled else removed).append(appearance)
    both = [(old[key], a) for key, a in new.items() if key in old and not a.cancelled]
    moved = [Move(b, a) for b, a in both if (b.start, b.end, b.room) != (a.start, a.end, a.room)]
    retitled = [Move(b, a) for b, a in both if b.title != a.title]
    speakers = [Move(b, a) for b, a in both if b.speakers != a.speakers]
    return Changes(number, after, before, added=_in_order(added), removed=_in_order(removed),
                   cancelled=_in_order(cancelled), moved=_moves_in_order(moved), retitled=_moves_in_order(retitled),
                   speakers_changed=_moves_in_order(speakers))


def changelog(versions: Sequence[ScheduleVersion], *, dropped_is_cancelled: bool = False) -> tuple[Changes, ...]:
    """The changes of every version against the one before, newest first (as the Changes page lists them).
    `dropped_is_cancelled`: the source is pretalx (its API or its exports: Conference.by_pretalx), whose own
    changelog calls a session that a new version no longer lists "canceled" (`Schedule.changes`); elsewhere
    nothing says why a session is gone, so it is "removed"."""
    result = [compare(versions[i - 1] if i else None, version, i + 1, dropped_is_cancelled=dropped_is_cancelled)
              for i, version in enumerate(versions)]
    return tuple(reversed(result))


def latest_moves(log: Sequence[Changes]) -> Mapping[str, Appearance]:
    """Where each occurrence the latest version moved was before (by occurrence key): what its pages mark as
    "moved from", until the next version."""
    if not log:
        return {}
    return {move.after.key: move.before for move in log[0].moved}


def _in_order(appearances: Iterable[Appearance]) -> tuple[Appearance, ...]:
    return tuple(sorted(appearances, key=lambda a: (a.start, a.key)))


def _moves_in_order(moves: Iterable[Move]) -> tuple[Move, ...]:
    return tuple(sorted(moves, key=lambda m: (m.after.start, m.after.key)))
