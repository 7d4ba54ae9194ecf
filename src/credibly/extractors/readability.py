"""Readability and style: sentence and word length, vocabulary richness, capitals,
exclamations, and a Flesch reading ease in the document's language (textstat's
syllable counter; missing for a language textstat has no rules for).
"""

from __future__ import annotations

import functools
import math
from collections import Counter

from ..document import Document
from .base import Extraction, register

FAMILY = "readability"
FEATURES = (
    "log_words",
    "mean_sentence_tokens",
    "mean_word_chars",
    "type_token_ratio",
    "caps_token_share",
    "exclamations_per_sentence",
    "digit_token_share",
    "flesch_reading_ease",
)
_TTR_WINDOW = 200
# Flesch-type formulas: (base, per words-per-sentence, per syllables-per-word)
_FLESCH = {
    "en": (206.835, 1.015, 84.6),
    "de": (180.0, 1.0, 58.5),  # Amstad
    "es": (206.84, 1.02, 60.0),  # Fernández Huerta
    "fr": (207.0, 1.015, 73.6),
    "it": (217.0, 1.3, 60.0),
    "nl": (206.835, 0.93, 77.0),
}


@functools.lru_cache(maxsize=8)
def _textstat(language: str):
    from textstat.textstat import textstatistics

    inst = textstatistics()
    inst.set_lang(language)
    return inst


@functools.lru_cache(maxsize=100_000)
def _syllables(word: str, language: str) -> int:
    """textstat's syllable count of one word (memoised: words repeat). Words over 40
    characters are not words (URLs, floods): estimated at one syllable per 3 letters."""
    if len(word) > 40:
        return max(1, len(word) // 3)
    return max(1, _textstat(language).syllable_count(word))


def _mattr(tokens: list[str]) -> float:
    """Mean type-token ratio over windows of 200 tokens (length-independent): every window
    for short texts, at most 100 evenly spaced windows for long ones (bounded cost)."""
    n = len(tokens)
    if n <= _TTR_WINDOW:
        return len(set(tokens)) / max(n, 1)
    starts = range(0, n - _TTR_WINDOW + 1, max(1, (n - _TTR_WINDOW) // 100 or 1))
    if starts.step >= _TTR_WINDOW // 2:  # windows barely overlap: a set per window is cheapest
        return sum(len(set(tokens[i : i + _TTR_WINDOW])) / _TTR_WINDOW for i in starts) / len(starts)
    # overlapping windows: slide one count table (each token enters and leaves once)
    counts: dict[str, int] = {}
    for t in tokens[:_TTR_WINDOW]:
        counts[t] = counts.get(t, 0) + 1
    total = len(counts) / _TTR_WINDOW
    prev = 0
    for i in starts[1:]:
        for t in tokens[prev:i]:
            c = counts[t] - 1
            if c:
                counts[t] = c
            else:
                del counts[t]
        for t in tokens[prev + _TTR_WINDOW : i + _TTR_WINDOW]:
            counts[t] = counts.get(t, 0) + 1
        total += len(counts) / _TTR_WINDOW
        prev = i
    return total / len(starts)


@register("readability_v1", FAMILY, FEATURES, language_dependent=False)
def extract(doc: Document) -> Extraction:
    n = doc.n_words
    sents = [sp.last - sp.first for sp in doc.sentences if sp.last > sp.first]
    words = [t for t in doc.tokens if t.isalpha()]
    caps = sum(1 for t in words if len(t) >= 2 and t.isupper())
    digits = sum(1 for t in doc.tokens if t[:1].isdigit())
    excl = sum(doc.text.count("!", sp.start, sp.end) for sp in doc.sentences)
    flesch = math.nan
    if doc.language in _FLESCH and words:
        base, a, b = _FLESCH[doc.language]
        sample = words[:5000]
        lang = doc.language
        syl = sum(c * _syllables(w.casefold(), lang) for w, c in Counter(sample).items())
        asl = sum(sents) / len(sents) if sents else float(n)
        flesch = base - a * asl - b * syl / len(sample)
    feats = {
        "log_words": math.log10(max(n, 1)),
        "mean_sentence_tokens": sum(sents) / len(sents) if sents else float(n),
        "mean_word_chars": sum(map(len, words)) / len(words) if words else 0.0,
        "type_token_ratio": _mattr(doc.folded),
        "caps_token_share": caps / len(words) if words else 0.0,
        "exclamations_per_sentence": excl / max(len(doc.sentences), 1),
        "digit_token_share": digits / max(n, 1),
        "flesch_reading_ease": flesch,
    }
    return Extraction(feats, math.nan, [])
