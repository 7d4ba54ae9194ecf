"""Small helpers shared by the extractors."""

from __future__ import annotations

import functools

from ..document import Document
from ..errors import UnsupportedLanguageError
from ..lexicon import Hit
from ..resources import load_lexicon, supported_languages
from .base import Evidence

__all__ = ["hit_evidence", "token_evidence", "word_set", "other_languages", "sentence_hit_mask"]


def token_evidence(doc: Document, family: str, kind: str, first: int, last: int) -> Evidence:
    s, e = doc.starts[first], doc.ends[last - 1]
    return Evidence(family, kind, s, e, doc.text[s:e])


def char_evidence(doc: Document, family: str, kind: str, start: int, end: int) -> Evidence:
    return Evidence(family, kind, start, end, doc.text[start:end])


def hit_evidence(doc: Document, family: str, kind: str, hit: Hit) -> Evidence:
    return token_evidence(doc, family, kind, hit.first, hit.last)


@functools.lru_cache(maxsize=64)
def word_set(family: str, language: str, section: str) -> frozenset[str]:
    """Single-token entries of a lexicon section as a casefolded set (empty if absent)."""
    try:
        entries = load_lexicon(family, language).get(section, ())
    except UnsupportedLanguageError:
        return frozenset()
    return frozenset(e.casefold() for e in entries if " " not in e and not e.endswith("*"))


def other_languages(language: str) -> list[str]:
    return sorted(lang for lang in supported_languages() if lang != language)


def sentence_hit_mask(doc: Document, hits: list[Hit]) -> list[bool]:
    """For every sentence, whether one of ``hits`` starts in it."""
    mask = [False] * len(doc.sentences)
    for h in hits:
        mask[doc.sentence_of[h.first]] = True
    return mask
