"""The one rule for choosing a multilingual string."""

import pytest

from generator.i18n import choose
from generator.model import Multilingual


@pytest.mark.parametrize(("value", "locale", "default", "expected"), [
    pytest.param({"de-formal": "Sie", "de": "du", "en": "you"}, "de-formal", "en", "Sie", id="exact-locale"),
    pytest.param({"de": "Raum", "en": "Room"}, "de-formal", "en", "Raum", id="language-of-locale"),
    pytest.param({"fr": "Salle", "de": "Raum"}, "it", "de", "Raum", id="event-default"),
    pytest.param({"fr": "Salle", "en": "Room"}, "it", "de", "Room", id="english"),
    pytest.param({"nl": "Zaal", "fr": "Salle"}, "it", "de", "Salle", id="first-non-empty-sorted"),
    pytest.param({"de": "", "en": "Room"}, "de", "de", "Room", id="empty-counts-as-missing"),
    pytest.param({"de": "", "fr": ""}, "de", "de", "", id="all-empty"),
    pytest.param("Plain title", "de", "en", "Plain title", id="plain-string"),
    pytest.param(None, "de", "en", "", id="missing"),
])
def test_choose_follows_the_documented_order(value, locale, default, expected):
    assert choose(value, locale, default) == expected


def test_choose_accepts_the_model_wrapper_the_same_way_as_a_dict():
    raw = {"de": "Mittagspause", "en": "Lunch break"}

    assert choose(Multilingual.of(raw), "de", "en") == "Mittagspause"
    assert choose(Multilingual.of(raw), "fr", "en") == "Lunch break"
    assert choose(Multilingual.of("Keynote"), "de", "en") == "Keynote"
