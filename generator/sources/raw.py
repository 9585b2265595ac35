"""The raw material of a build: a source's JSON documents, exactly as fetched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("pretalx", "pretalx-legacy", "frab")


@dataclass(frozen=True)
class RawEvent:
    """A source's documents by name (`event`, `submissions`, `schedule`...), plus where they came from."""

    kind: str  # one of KINDS
    origin: str  # URL or file the documents came from (never carries a token)
    documents: dict[str, Any]

    def scrubbed(self) -> RawEvent:
        """The same documents with every organiser-only field removed."""
        return RawEvent(self.kind, self.origin, {name: scrub(doc) for name, doc in self.documents.items()})


# Organiser-only fields pretalx may return to a token; they never leave the fetch step.
PRIVATE_FIELDS = frozenset({
    "email", "notes", "internal_notes", "answers", "reviews", "access_code", "access_codes",
    "availabilities", "anonymised_data", "is_anonymised", "assigned_reviewers", "pending_state",
    "speaker_info", "invitation_token", "review_code", "mail", "tags", "tag_ids", "has_arrived",
})


# pretalx and frab documents nest fewer than 10 levels; far deeper ones would exhaust the stack in scrub()
MAX_DEPTH = 64


def too_deep(document: Any, limit: int = MAX_DEPTH) -> bool:
    """True when a decoded JSON document nests objects and lists deeper than `limit` (checked without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return False


def scrub(document: Any) -> Any:
    """A copy of a JSON document without organiser-only fields, at any depth."""
    if isinstance(document, dict):
        return {key: scrub(value) for key, value in document.items() if key not in PRIVATE_FIELDS}
    if isinstance(document, list):
        return [scrub(item) for item in document]
    return document
