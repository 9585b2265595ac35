"""The full-text index's rule and shards (generator/render/fulltext.py): what a word is, where it is stored, and
how its sessions are listed. The browser's side of the same rule is checked in tests/test_search_browser.py."""

from __future__ import annotations

import json

import pytest

from generator.render import fulltext
from generator.render.search import shard_script
from generator.sanitise import is_safe_segment


def test_words_are_folded_runs_of_letters_and_digits():
    assert fulltext.words("Übersicht: ÉCOLE-Straße, 39C3_talk") == {"ubersicht", "ecole", "straße", "39c3", "talk"}


def test_words_shorter_than_two_characters_are_not_indexed():
    assert fulltext.words("C a Go 5") == {"go"}


@pytest.mark.parametrize(("word", "name"), [("workshop", "776f"), ("жук", "d0b6d183"), ("日本語", "e697a5e69cac"),
                                            ("𝔸𝔹c", "f09d94b8f09d94b9")], ids=["ascii", "cyrillic", "cjk", "astral"])
def test_a_shard_is_named_by_the_utf8_of_the_first_two_characters(word, name):
    assert fulltext.shard_name(word) == name
    assert is_safe_segment(name)


def test_a_shard_holds_every_word_its_two_characters_begin_and_nothing_else():
    shards = fulltext.shards([(0, ["work workshop world"]), (3, ["Wort", "abstract words"])])

    for name, words in shards.items():
        prefix = bytes.fromhex(name).decode("utf-8")
        assert all(word.startswith(prefix) for word in words)
    assert sorted(shards["776f"]) == ["words", "work", "workshop", "world", "wort"]


def test_positions_are_listed_once_ascending_and_delta_encoded():
    shards = fulltext.shards([(12, ["talk"]), (3, ["talk talk"]), (7, ["Talk"])])

    assert shards["7461"] == {"talk": [3, 4, 5]}  # 3, 7, 12


def test_a_shard_script_cannot_close_a_script_element_and_carries_its_words():
    script = shard_script("776f", {"wo</script>": [1]}).decode()

    assert "<" not in script and ">" not in script
    assert json.loads(script.split("=", 2)[2].rstrip(";\n")) == {"wo</script>": [1]}
