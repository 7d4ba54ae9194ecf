"""Readability: the fast paths must give exactly what the plain definitions give."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credibly.document import parse
from credibly.extractors import readability
from credibly.extractors.readability import _count_syllables, _mattr, _syllable_total

EN_WORDS = ("the council approved a controversial budget yesterday although several members "
            "abstained unexpectedly citing insufficient documentation hyperbolic nonexistentword "
            "fire hour business queue rhythm everything").split()
DE_WORDS = ("der stadtrat beschloss gestern einen umstrittenen haushalt obwohl mehrere mitglieder "
            "sich unerwartet enthielten straße bürgermeisterin übermäßig").split()


def _textstat_count(word: str, language: str) -> int:
    from textstat.textstat import textstatistics

    ts = textstatistics()
    ts.set_lang(language)
    return max(1, ts.syllable_count(word))


@pytest.mark.parametrize("language,words", [("en", EN_WORDS), ("de", DE_WORDS)])
def test_syllables_match_textstat(language, words):
    # the compact CMU table and the direct pyphen call count exactly what textstat counts
    for w in words:
        assert _count_syllables(w, language) == _textstat_count(w, language), w
        assert _syllable_total([w], language) == _textstat_count(w, language), w  # memoised path
        assert _syllable_total([w], language) == _textstat_count(w, language), w  # from the table


def test_syllable_total_counts_occurrences():
    words = ["approved", "the", "approved", "the", "approved"]
    assert _syllable_total(words, "en") == 3 * _count_syllables("approved", "en") + 2 * _count_syllables("the", "en")


def test_syllable_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(readability, "_CACHE_MAX", 5)
    readability._SYLLABLE_CACHE.pop("en", None)
    total = _syllable_total(EN_WORDS + EN_WORDS, "en")
    assert total == 2 * sum(_textstat_count(w, "en") for w in EN_WORDS)
    assert len(readability._SYLLABLE_CACHE["en"]) <= 5
    readability._SYLLABLE_CACHE.pop("en", None)


def _mattr_reference(tokens: list[str], window: int = 200) -> float:
    """The plain definition: distinct types per window, windows as _mattr places them."""
    n = len(tokens)
    if n <= window:
        return len(set(tokens)) / max(n, 1)
    step = max(1, (n - window) // 100)
    starts = range(0, n - window + 1, step)
    return sum(len(set(tokens[s : s + window])) for s in starts) / (window * len(starts))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("a b c d e f g h i j k l m n o p q r s t".split()), min_size=1, max_size=1500))
def test_mattr_equals_plain_definition(words):
    doc = parse(" ".join(words), "en")
    assert math.isclose(_mattr(doc), _mattr_reference(doc.folded), rel_tol=1e-12)


def test_mattr_on_a_long_varied_text():
    words = [f"w{i % 377}" for i in range(12_000)]
    doc = parse(" ".join(words), "en")
    assert math.isclose(_mattr(doc), _mattr_reference(doc.folded), rel_tol=1e-12)


def test_features_on_a_short_german_text():
    doc = parse("Der Stadtrat beschloss gestern den Haushalt. Mehrere Mitglieder enthielten sich!", "de")
    out = readability.extract(doc)
    f = out.features
    assert f["exclamations_per_sentence"] == 0.5
    assert 0 < f["type_token_ratio"] <= 1
    assert math.isfinite(f["flesch_reading_ease"])


def test_unsupported_language_has_no_flesch():
    doc = parse("Lorem ipsum dolor sit amet consectetur adipiscing elit", "la")
    assert math.isnan(readability.extract(doc).features["flesch_reading_ease"])


@pytest.mark.parametrize("language,words", [("en", EN_WORDS), ("de", DE_WORDS)])
def test_hyphenation_count_matches_pyphen(language, words):
    from pyphen import Pyphen

    from credibly.extractors.readability import _hyphenation_points, _hyphenator

    reference = Pyphen(lang=language)
    for w in words + ["a", "ab", "x" * 39, "straßenbahnhaltestelle"]:
        assert _hyphenation_points(_hyphenator(language), w) == len(reference.positions(w)), w
