"""Who the people of a frab / c3voc schedule are: one speaker per person the source means, never two merged.

A frab person carries some of: pretalx's `code`, frab's `guid`, a numeric `id`, a name (`public_name` or
`name`) and a `url`. Merged c3voc feeds break the obvious keys: every wiki user has `"id": 0`, and ids from
different frab and pretalx instances collide (36C3: id 85 names three people). So a person's identity is

1. the best key the source gives: `code`, else `guid` (letter case ignored), else a non-zero `id`;
   without one, the name and the URL together;
2. together with the name (case and spacing ignored): two different names under one key are two people.

A person listed twice (same key, same name) is one speaker. The speaker's code (its page path) is the key
itself when only one name uses that key, so paths stay what frab and pretalx call the person; a key shared by
different names gets the name's slug added, for each of them (with a warning: the source is wrong), so no
path depends on which of them is listed first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from ..model import Speaker
from ..sanitise import clean_line, clean_text, identifier, public_url, ref, slugify
from .checks import Problems

INTEGER = re.compile(r"[+-]?\d+")  # 0 and negative numbers are no id: merged c3voc feeds write 0 for "none"
SLUG_LENGTH = 40  # of a name added to a code: paths stay short, and stay under SAFE_SEGMENT's 80 characters


class Listing(NamedTuple):
    """One `persons[]` entry, reduced to what identifies it."""

    key: tuple[str, str]  # ("code" | "guid" | "id" | "name", value)
    name: str  # as written (the first spelling is the one shown)
    identity: tuple[str, str, str]  # the key with the name as compared (`same_name`)
    person: dict[str, Any]


def same_name(name: str) -> str:
    """The form in which two spellings of one name compare equal (`Ada  Lovelace` = `ada lovelace`)."""
    return " ".join(name.casefold().split())


def source_id(person: dict[str, Any]) -> int | None:
    """frab's numeric person id when it is a positive number (0 is c3voc's "no id"), else None."""
    value = person.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def listing(person: Any) -> Listing | None:
    """What identifies one `persons[]` entry; None for an entry with neither a key nor a name."""
    if not isinstance(person, dict):
        return None
    name = clean_line(person.get("public_name") or person.get("name"))
    code = ref(person["code"]) if isinstance(person.get("code"), str) else None
    guid = ref(person["guid"]) if isinstance(person.get("guid"), str) else None
    number = source_id(person)
    textual_id = ref(person.get("id")) if isinstance(person.get("id"), str) else None
    if code:
        key = ("code", code)
    elif guid:
        key = ("guid", guid.lower())
    elif number is not None:
        key = ("id", str(number))
    elif textual_id and not INTEGER.fullmatch(textual_id):  # an id that is no number, such as "wiki-17"
        key = ("id", textual_id)
    elif name:
        url = identifier(person.get("url")) or ""
        key = ("name", f"{same_name(name)}\n{url}")
    else:
        return None
    return Listing(key, name, (*key, same_name(name)), person)


class People:
    """The speakers of a frab schedule, built from every `persons[]` list before any code is given out."""

    def __init__(self, person_lists: Iterable[list[Any]], base: str | None, problems: Problems) -> None:
        self.base = base
        self._lists = [[found for person in persons if (found := listing(person))] for persons in person_lists]
        names: dict[tuple[str, str], dict[str, str]] = {}  # key → compared name → first spelling
        for listings in self._lists:
            for found in listings:
                names.setdefault(found.key, {}).setdefault(found.identity[2], found.name)
        for (kind, value), spellings in names.items():
            if len(spellings) > 1 and kind != "name":
                shown = ", ".join(repr(name) for name in spellings.values())
                problems.warn(f"person {kind} {value!r}", f"names {len(spellings)} different people ({shown}); "
                              "kept apart, each with the name added to their page's code")
        self._shared = {key for key, spellings in names.items() if len(spellings) > 1}
        self.speakers: dict[tuple[str, str, str], Speaker] = {}
        taken: set[str] = set()
        for listings in self._lists:
            for found in listings:
                if found.identity not in self.speakers:
                    code = self._code(found, taken)
                    taken.add(code)
                    self.speakers[found.identity] = self._speaker(found, code)
                elif self.speakers[found.identity].source_id is None and source_id(found.person):
                    known = self.speakers[found.identity]
                    self.speakers[found.identity] = Speaker(known.code, known.name, known.biography,
                                                            known.avatar_url, str(source_id(found.person)))

    def codes(self, index: int) -> tuple[str, ...]:
        """The speaker codes of the `index`-th persons list, in its order, each once."""
        listings = self._lists[index]
        if len(listings) == 1:  # most sessions: no duplicates to drop
            return (self.speakers[listings[0].identity].code,)
        return tuple(dict.fromkeys([self.speakers[found.identity].code for found in listings]))

    def _code(self, found: Listing, taken: set[str]) -> str:
        kind, value = found.key
        if kind == "name":
            code = f"{_name_slug(found)}-{_digest(found)}"  # the URL is part of who they are, but too long for a path
        elif found.key in self._shared:
            code = f"{value}-{_name_slug(found)}"
        else:
            code = value
        if code in taken:  # a key that equals another person's derived code: rare, but paths must not collide
            code = f"{code}-{_digest(found)}"
        return code

    def _speaker(self, found: Listing, code: str) -> Speaker:
        person = found.person
        number = source_id(person)
        return Speaker(code, found.name, clean_text(person.get("biography")),
                       public_url(person.get("avatar"), self.base), str(number) if number else None)


def _name_slug(found: Listing) -> str:
    return slugify(found.name, "person")[:SLUG_LENGTH].strip("-") if found.name else "person"


def _digest(found: Listing) -> str:
    """Eight hex digits naming the person's identity: stable across builds, distinct in practice."""
    return hashlib.sha1("\n".join(found.identity).encode("utf-8", "surrogatepass")).hexdigest()[:8]
