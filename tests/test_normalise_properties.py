"""Property-based: whatever JSON of roughly the right shape a source sends, normalise builds a model or says why."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator import urls
from generator.errors import BuildError
from generator.model import Conference
from generator.normalise import normalise
from generator.sources.raw import RawEvent

# every character a JSON string can carry, lone surrogates and control characters included
ANY_CHAR = st.characters(codec=None, exclude_categories=())
TEXT = st.text(ANY_CHAR, max_size=12)
SCALAR = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=8)



def mostly(usual: st.SearchStrategy, unusual: st.SearchStrategy, odd_one_in: int = 4) -> st.SearchStrategy:
    """`usual`, but one time in `odd_one_in` something `unusual`."""
    return st.integers(1, odd_one_in).flatmap(lambda n: usual if n > 1 else unusual)


CODE = mostly(st.sampled_from(["ABC123", "XYZ"]),
              st.sampled_from(["../../etc/passwd", "CON", "a/b", "", "\x00", "x" * 300, "é", "a b", "ABC123\n"]) | TEXT)
ID = mostly(st.sampled_from([1, 2, "1"]), CODE)
TIME = mostly(st.sampled_from(["2025-10-30T10:00:00+01:00", "2025-10-30T09:00:00Z", "2025-10-31T01:30:00"]),
              st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2025-13-40T99:99", "", "x"])
              | TEXT)
DATE = st.sampled_from(["2025-10-30", "2025-11-02", "0001-01-01", "9999-12-31", "30.10.2025"]) | TEXT
ZONE = st.sampled_from(["Europe/Paris", "UTC", "America", "Nowhere/City", "../../etc/passwd", "UTC\x00", "a" * 300]) | TEXT
LOCALE = st.sampled_from(["en", "de", "fr", "de-formal", "pt-BR", "../x", "", "<b>"]) | TEXT
MULTI = TEXT | st.dictionaries(LOCALE, TEXT | SCALAR, max_size=3)
URL = st.sampled_from(["https://example.org/a.png", "/media/a.png", "javascript:alert(1)", "data:text/html,x", "//x.y/z",
                       "http://[::1", "http://exa\x00mple.org/"]) | TEXT
DURATION = st.sampled_from(["00:30", "1:00:00", "99999999:00:00", "xx", "00:99"]) | TEXT


def maybe(strategy: st.SearchStrategy, odd_one_in: int = 5) -> st.SearchStrategy:
    """Mostly a plausible value, one time in `odd_one_in` any JSON at all."""
    return mostly(strategy, JSON, odd_one_in)


def shaped(required: tuple[str, ...] = (), **fields: st.SearchStrategy) -> st.SearchStrategy[dict[str, Any]]:
    """An object with its `required` fields and maybe the others (each plausible or not), plus an unknown field."""
    present = {name: maybe(value) for name, value in fields.items() if name in required}
    optional = {name: maybe(value) for name, value in fields.items() if name not in required}
    return st.fixed_dictionaries(present, optional={**optional, "unknown_extra": SCALAR})


def collection(item: st.SearchStrategy) -> st.SearchStrategy:
    """A list of objects, sometimes not a list at all."""
    return maybe(st.lists(maybe(item), min_size=1, max_size=4), odd_one_in=12)


PRETALX_EVENT = shaped(name=MULTI, slug=CODE, timezone=ZONE, locale=LOCALE, locales=st.lists(LOCALE, max_size=3),
                       date_from=DATE, date_to=DATE)
SUBMISSION = shaped(("code", "speakers"), code=CODE, title=MULTI, speakers=st.lists(CODE | shaped(code=CODE), max_size=3),
                    track=ID, submission_type=ID, abstract=TEXT, description=TEXT, state=TEXT, content_locale=LOCALE,
                    do_not_record=JSON, image=URL, resources=st.lists(shaped(resource=URL, description=TEXT), max_size=2))
SLOT = shaped(("id", "room", "start", "end", "submission"), id=ID, room=ID, start=TIME, end=TIME, submission=CODE,
              description=MULTI)
PRETALX = st.fixed_dictionaries({
    "event": maybe(PRETALX_EVENT, odd_one_in=10),
    "submissions": collection(SUBMISSION),
    "speakers": collection(shaped(("code",), code=CODE, name=TEXT, biography=TEXT, avatar_url=URL)),
    "rooms": collection(shaped(("id",), id=ID, name=MULTI, description=MULTI, capacity=JSON, position=JSON, guid=TEXT)),
    "slots": collection(SLOT),
}, optional={
    "tracks": collection(shaped(id=ID, name=MULTI, description=MULTI, color=TEXT)),
    "submission-types": collection(shaped(id=ID, name=MULTI, default_duration=JSON)),
    "schedule": maybe(shaped(version=TEXT, published=TIME, slots=st.lists(ID, max_size=4))),
})
TALK = shaped(("code", "slot", "speakers"), code=CODE, title=MULTI,
              speakers=st.lists(shaped(code=CODE, name=TEXT, avatar=URL), max_size=3), track=MULTI, track_id=ID,
              submission_type=MULTI, submission_type_id=ID, abstract=TEXT, content_locale=LOCALE, image=URL,
              resources=JSON, slot=shaped(("start", "end", "room_id"), start=TIME, end=TIME, room_id=ID, room=MULTI))
LEGACY = st.fixed_dictionaries({
    "event": maybe(PRETALX_EVENT, odd_one_in=10),
    "talks": collection(TALK),
    "speakers": collection(shaped(("code",), code=CODE, name=TEXT, biography=TEXT, avatar=URL)),
    "rooms": collection(shaped(("id",), id=ID, name=MULTI, position=JSON)),
})
PERSON = shaped(code=CODE, public_name=TEXT, name=TEXT, id=ID, guid=TEXT, avatar=URL)
FRAB_EVENT = shaped(("date", "duration", "title"), id=JSON, guid=TEXT, code=CODE, url=URL, date=TIME,
                    duration=DURATION, title=TEXT, track=TEXT, type=TEXT, language=LOCALE, abstract=TEXT,
                    persons=st.lists(PERSON, max_size=2), links=st.lists(shaped(url=URL, title=TEXT), max_size=2),
                    recording=JSON, logo=URL)
FRAB_DAY = shaped(("rooms",), index=JSON, date=DATE, rooms=st.dictionaries(TEXT, st.lists(FRAB_EVENT, max_size=3),
                                                                          max_size=2))
FRAB_CONFERENCE = shaped(("days",), acronym=CODE, title=TEXT, start=DATE, end=DATE, time_zone_name=ZONE, url=URL,
                         days=st.lists(FRAB_DAY, max_size=2), rooms=st.lists(shaped(name=TEXT, guid=TEXT), max_size=2),
                         tracks=st.lists(shaped(name=TEXT, color=TEXT), max_size=2))
FRAB_FILE = st.fixed_dictionaries({"schedule": shaped(("conference",), version=TEXT, base_url=URL,
                                                     conference=FRAB_CONFERENCE)})
FRAB = st.fixed_dictionaries({"schedule": maybe(FRAB_FILE, odd_one_in=10)})
FRAB = maybe(FRAB, odd_one_in=10).map(lambda d: d if isinstance(d, dict) and "schedule" in d else {"schedule": d})


def touch_everything(conference: Conference) -> None:
    """Use the model the way the pipeline does: every lookup and every output path must work."""
    for entry in conference.entries:
        conference.room(entry.slot.room_id)
        conference.track(entry.session.track_id)
        conference.session_type(entry.session.type_id)
        conference.speakers_of(entry.session)
        conference.day_of(entry.slot.start)
    for day in conference.days:
        urls.day("en", day.date)
        conference.entries_on(day)
    for room in conference.rooms:
        urls.room("en", room.slug)
    for track in conference.tracks:
        urls.track("en", track.slug)
    for session in conference.talks:
        urls.talk("en", session.code)
    for speaker in conference.speakers:
        urls.speaker("en", speaker.code)
        conference.sessions_of(speaker)
    for locale in conference.locales:
        urls.home(locale)
    assert conference.default_locale in conference.locales
    every_text = [conference.name, *(r.name for r in conference.rooms), *(t.name for t in conference.tracks),
                  *(s.title for s in conference.sessions)]
    for value in every_text:
        for _, text in value.values:
            text.encode("utf-8")  # no lone surrogates left to break the writer
            assert "\n" not in text and "\r" not in text  # names and titles are one line (iCal NAME needs it)
    for speaker in conference.speakers:
        assert "\n" not in speaker.name


def normalises_or_explains(kind: str, documents: dict[str, Any], strict: bool) -> None:
    try:
        conference = normalise(RawEvent(kind, "https://pretalx.example/api/events/x/", documents), strict=strict)
    except BuildError as exc:
        assert str(exc)  # a message the user can read
        event(f"raised {type(exc).__name__}")
        return
    assert isinstance(conference, Conference)
    event("built a model with sessions" if conference.entries else "built an empty model")
    touch_everything(conference)


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(documents=PRETALX, strict=st.booleans())
def test_current_api_documents_build_a_model_or_raise_a_build_error(documents, strict):
    normalises_or_explains("pretalx", documents, strict)


@PROPERTY
@given(documents=LEGACY, strict=st.booleans())
def test_legacy_api_documents_build_a_model_or_raise_a_build_error(documents, strict):
    normalises_or_explains("pretalx-legacy", documents, strict)


@PROPERTY
@given(documents=FRAB, strict=st.booleans())
def test_frab_documents_build_a_model_or_raise_a_build_error(documents, strict):
    normalises_or_explains("frab", documents, strict)


@pytest.mark.parametrize("kind", ["pretalx", "pretalx-legacy", "frab"])
@given(documents=st.dictionaries(TEXT, JSON, max_size=4))
@settings(max_examples=50, deadline=None)
def test_any_json_object_as_documents_builds_a_model_or_raises_a_build_error(kind, documents):
    normalises_or_explains(kind, documents, strict=False)
