"""The one parse of a document that every extractor reads.

A :class:`Document` never changes the text it is given: tokens, sentences and
paragraphs are character spans into the original string, so evidence offsets
slice the caller's text exactly.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import operator
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import EmptyDocumentError, UnsupportedLanguageError
from .lexicon import Hit, matcher_for
from .resources import load_lexicon, supported_languages

__all__ = ["Document", "Span", "parse", "detect_language", "MAX_CHARS"]

log = logging.getLogger(__name__)

#: documents longer than this are scored on their first MAX_CHARS characters
MAX_CHARS = 1_000_000
#: words looked at by the stopword fast path of language detection
_STOPWORD_SAMPLE = 300
#: characters given to the language identifier
_LANG_SAMPLE = 1_000

# A word: letters/digits, with internal apostrophes or hyphens. Linear: the
# separators are not word characters, so there is no ambiguity to backtrack over.
TOKEN_RE = re.compile(r"\w+(?:['’\-]\w+)*")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LINE_RE = re.compile(r"[^\n]+")
# sentence-final punctuation, closing marks, then whitespace (bounded: linear)
_BOUNDARY_RE = re.compile(r"[.!?…]{1,10}[\"'”’»«)\]]{0,3}[ \t\u00a0]{1,20}")


class Span(NamedTuple):
    """A character span ``[start, end)`` and its token range ``[first, last)`` (a named
    tuple: immutable, and built in C, which matters for the thousands made per second)."""

    start: int
    end: int
    first: int
    last: int


@dataclass(slots=True)
class Document:
    """Parsed document. Build it with :func:`parse`."""

    text: str
    language: str
    language_confidence: float
    language_source: str  # "given" or "detected"
    supported: bool
    truncated: bool
    tokens: list[str]
    folded: list[str]
    starts: list[int]
    ends: list[int]
    paragraphs: list[Span]
    sentences: list[Span]
    sentence_of: list[int]
    hits: dict[tuple[str, str], list[Hit]] = field(default_factory=dict)
    #: derived arrays computed on first use and shared by the extractors
    _derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_words(self) -> int:
        return len(self.tokens)

    def token_hashes(self):
        """A stable 64-bit hash of every casefolded token (:func:`credibly.ngram.token_hashes`,
        the same in every process), as a uint64 numpy array computed once and shared: the
        n-gram vector, phrase loops and the type-token ratio all read it.

        Equal tokens have equal hashes; two different tokens share a 64-bit hash with
        negligible probability, and users of this array that report spans re-check the
        tokens themselves.
        """
        out = self._derived.get("token_hashes")
        if out is None:
            from .ngram import token_hashes

            out = self._derived["token_hashes"] = token_hashes(self.folded)
        return out

    def not_lowercase(self) -> list[int]:
        """Indices of the tokens that are not all lowercase (capitalised, mixed-case,
        all-caps words, numbers): the candidates of every name and casing test."""
        out = self._derived.get("not_lowercase")
        if out is None:
            out = self._derived["not_lowercase"] = list(
                itertools.compress(range(len(self.tokens)), map(operator.not_, map(str.islower, self.tokens)))
            )
        return out  # type: ignore[return-value]

    def paragraph_ids(self):
        """Paragraph index of every token (numpy int64 array, computed once)."""
        out = self._derived.get("paragraph_ids")
        if out is None:
            import numpy as np

            firsts = np.fromiter((sp.first for sp in self.paragraphs), dtype=np.int64, count=len(self.paragraphs))
            lasts = np.fromiter((sp.last for sp in self.paragraphs), dtype=np.int64, count=len(self.paragraphs))
            if len(firsts) and firsts[0] == 0 and lasts[-1] == len(self.tokens) and np.array_equal(firsts[1:], lasts[:-1]):
                out = np.repeat(np.arange(len(firsts), dtype=np.int64), lasts - firsts)  # paragraphs tile the tokens
            else:  # pragma: no cover - every token lies in a paragraph (a non-empty line)
                out = np.full(len(self.tokens), -1, dtype=np.int64)
                for k, sp in enumerate(self.paragraphs):
                    out[sp.first : sp.last] = k
            self._derived["paragraph_ids"] = out
        return out

    def previous_occurrence(self):
        """For every token, the index of the previous occurrence of the same casefolded
        token, or -1 (numpy int64 array, computed once)."""
        out = self._derived.get("previous_occurrence")
        if out is None:
            import numpy as np

            ids = self.token_hashes()
            order = np.argsort(ids, kind="stable")
            out = np.full(len(ids), -1, dtype=np.int64)
            same = ids[order[1:]] == ids[order[:-1]]
            out[order[1:][same]] = order[:-1][same]
            self._derived["previous_occurrence"] = out
        return out

    def hits_of(self, family: str, section: str) -> list[Hit]:
        return self.hits.get((family, section), [])

    def token_at(self, offset: int) -> int:
        """Index of the first token that ends after ``offset``."""
        return bisect.bisect_right(self.ends, offset)

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    def token_span(self, first: int, last: int) -> tuple[int, int]:
        """Character span covering tokens ``[first, last)``."""
        return self.starts[first], self.ends[last - 1]

    def is_capitalized(self, i: int) -> bool:
        t = self.tokens[i]
        return t[:1].isupper()


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.lru_cache(maxsize=1)
def _stopword_profiles() -> tuple[tuple[str, frozenset[str]], ...]:
    out = []
    for lang in sorted(supported_languages()):
        words = load_lexicon("language", lang).get("stopword", ())
        out.append((lang, frozenset(w.casefold() for w in words)))
    return tuple(out)


def _by_stopwords(folded: list[str]) -> tuple[str, float] | None:
    """Fast path for the supported languages: when one language's function words are at
    least a quarter of the first 300 words and 4x any other's, that is the language
    (the lists share no word). Otherwise ``None``: the statistical identifier decides."""
    sample = folded[:_STOPWORD_SAMPLE]
    if len(sample) < 20:
        return None
    counts = sorted(((sum(1 for t in sample if t in words), lang) for lang, words in _stopword_profiles()), reverse=True)
    best, lang = counts[0]
    second = counts[1][0] if len(counts) > 1 else 0
    if best >= 0.25 * len(sample) and best >= 4 * second:
        return lang, best / (best + second)
    return None


def detect_language(text: str, folded: list[str] | None = None) -> tuple[str, float]:
    """ISO 639-1 code and confidence, ``("und", 0.0)`` when the text has too few letters.

    With the document's casefolded tokens, a clear stopword profile of a supported
    language decides first (about 50x faster than the identifier, which decides the rest).
    """
    if folded is not None:
        fast = _by_stopwords(folded)
        if fast is not None:
            return fast
    sample = text[:_LANG_SAMPLE]
    if sum(1 for _ in itertools.islice(_LETTER_RE.finditer(sample), 20)) < 20:
        return "und", 0.0
    lang, conf = _identifier().classify(sample)
    return str(lang), float(conf)


@functools.lru_cache(maxsize=16)
def _abbreviations(language: str) -> frozenset[str]:
    try:
        return frozenset(w.casefold() for w in load_lexicon("language", language).get("abbreviation", ()))
    except UnsupportedLanguageError:
        return frozenset()


def _is_sentence_start(token: str) -> bool:
    ch = token[:1]
    return ch.isupper() or ch.isdigit() or not ch.isalpha()


def parse(text: str, language: str | None = None) -> Document:
    """Parse ``text`` once: language, tokens, paragraphs, sentences and lexicon hits.

    ``language`` (ISO 639-1) skips detection. Raises :class:`EmptyDocumentError`
    for text without any word.
    """
    truncated = len(text) > MAX_CHARS
    work = text[:MAX_CHARS] if truncated else text
    if truncated:
        log.warning("document of %d characters truncated to %d for scoring", len(text), MAX_CHARS)

    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in TOKEN_RE.finditer(work):
        tokens.append(m.group())
        starts.append(m.start())
        ends.append(m.end())
    if not tokens:
        raise EmptyDocumentError("the document contains no words")

    folded = [t.casefold().replace("’", "'") for t in tokens]
    if language:
        lang, conf, source = language.lower(), 1.0, "given"
    else:
        lang, conf = detect_language(work, folded)
        source = "detected"
    supported = lang in supported_languages()

    # paragraphs: non-empty lines
    paragraphs: list[Span] = []
    for m in _LINE_RE.finditer(work):
        if m.group().isspace():
            continue
        s, e = m.start(), m.end()
        paragraphs.append(Span(s, e, bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)))

    # sentences: inside a paragraph, end at . ! ? … (plus closing quotes/brackets) followed by
    # whitespace and a capital, digit or opening mark, unless the word before is an abbreviation
    abbr = _abbreviations(lang) if supported else frozenset()
    sentences: list[Span] = []
    sentence_of: list[int] = []
    for para in paragraphs:
        s_first, s_start = para.first, para.start
        for m in _BOUNDARY_RE.finditer(work, para.start, para.end):
            i = bisect.bisect_left(starts, m.end()) - 1  # last token before the boundary
            if i < s_first or i + 1 >= para.last or ends[i] > m.start():
                continue
            if not _is_sentence_start(tokens[i + 1]):
                continue
            if work[m.start()] == "." and (folded[i] in abbr or (len(folded[i]) == 1 and folded[i].isalpha())):
                continue
            end_pos = m.start() + len(m.group().rstrip())
            sentences.append(Span(s_start, end_pos, s_first, i + 1))
            sentence_of.extend([len(sentences) - 1] * (i + 1 - s_first))
            s_first, s_start = i + 1, starts[i + 1]
        sentences.append(Span(s_start, para.end, s_first, para.last))
        sentence_of.extend([len(sentences) - 1] * (para.last - s_first))

    hits: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    if supported:
        for hit in matcher_for(lang).find(folded):
            hits[(hit.family, hit.section)].append(hit)

    return Document(
        text=text,
        language=lang,
        language_confidence=conf,
        language_source=source,
        supported=supported,
        truncated=truncated,
        tokens=tokens,
        folded=folded,
        starts=starts,
        ends=ends,
        paragraphs=paragraphs,
        sentences=sentences,
        sentence_of=sentence_of,
        hits=dict(hits),
    )


def is_emoji_or_symbol(ch: str) -> bool:
    """True for pictographs and other symbol characters (category So/Sk)."""
    return unicodedata.category(ch) in ("So", "Sk") or 0x1F000 <= ord(ch) <= 0x1FAFF
