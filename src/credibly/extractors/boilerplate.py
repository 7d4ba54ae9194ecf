"""Repetition and page furniture: exact and near-duplicate paragraphs, CMS shortcodes
and template tags, share/related/newsletter furniture lines and ad blocks.

Duplicates and shortcodes are language-independent (``features/boilerplate/xx.patterns``);
furniture and ad lines read ``features/boilerplate/<lang>.txt`` sections ``furniture``, ``ad``.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter

from ..document import Document
from ..resources import load_patterns
from ._util import char_evidence, word_set
from .base import Extraction, noisy_or, per_1k, register, saturate

FAMILY = "boilerplate"
FEATURES = (
    "duplicate_word_share",
    "exact_duplicates_per_1k",
    "near_duplicates_per_1k",
    "shortcodes_per_1k",
    "furniture_line_share",
    "ad_line_share",
)
_MIN_PARA_TOKENS = 8
_SHINGLE = 3
_NEAR = 0.3  # share of the shorter paragraph's word 3-grams found in an earlier one
_MIN_NEAR_TOKENS = 15  # near-duplicates only between paragraphs this long (short ones inflate the share)
_NEAR_STEMS = 0.6  # share of the shorter paragraph's content-word stems found in an earlier one
_MIN_STEMS = 8
_COMMON_SHINGLE = 40  # a shingle in more paragraphs than this is not informative
_FURNITURE_MAX_TOKENS = 12
_CANDIDATES = 12  # earlier paragraphs measured exactly per paragraph


class _FirstOwner:
    """Each key's first paragraph, and how many paragraphs hold it. Every step is a set
    or dict operation over the paragraph's own keys (``set.difference`` with a dict
    probes the dict), so the cost stays linear in the text."""

    __slots__ = ("owner", "repeats", "counted")

    def __init__(self, counted: bool):
        self.owner: dict = {}
        #: paragraphs holding a key, minus one: kept for repeated keys only (a key seen in
        #: one paragraph, the usual case, costs nothing)
        self.repeats: dict = {}
        self.counted = counted

    def holders(self, key) -> int:
        """How many paragraphs registered so far hold ``key``."""
        return (key in self.owner) + self.repeats.get(key, 0)

    def shared_counts(self, keys: set) -> tuple[Counter, set, set]:
        """(keys shared per earlier paragraph, keys never seen, keys seen before). With
        counting on, keys held by more than _COMMON_SHINGLE paragraphs are not informative."""
        new = keys.difference(self.owner)
        seen = keys - new
        shared = seen
        if self.counted and seen:
            repeats = self.repeats
            shared = [k for k in seen if repeats.get(k, 0) < _COMMON_SHINGLE]  # holders <= _COMMON_SHINGLE
        return Counter(map(self.owner.__getitem__, shared)), new, seen

    def add(self, new: set, seen: set, p: int) -> None:
        if self.counted and seen:
            repeats = self.repeats
            for k in seen:
                repeats[k] = repeats.get(k, 0) + 1
        self.owner.update(dict.fromkeys(new, p))


def _top(counts: Counter) -> list[int]:
    """The _CANDIDATES paragraphs with most shared keys, ties to the earlier paragraph (a
    fixed order: set iteration order varies between processes, results must not)."""
    return heapq.nsmallest(_CANDIDATES, counts, key=lambda q: (-counts[q], q))


def duplicate_paragraphs(doc: Document) -> list[tuple[int, int, bool]]:
    """(paragraph index, earlier paragraph index, exact?) for every repeated paragraph.

    Exact: the same tokens. Near: at least 30 % of the shorter paragraph's word 3-grams,
    or 60 % of its content-word stems (a reworded copy), are found in one earlier
    paragraph. Candidates come from an index of each 3-gram's and stem's first paragraph
    (linear cost); the best few candidates are then measured exactly.
    """
    sizes_all = [para.last - para.first for para in doc.paragraphs]
    if sum(1 for n_p in sizes_all if n_p >= _MIN_PARA_TOKENS) < 2:
        return []  # nothing can repeat (a third of news texts arrive as one line)
    # near-duplicates need two paragraphs long enough; otherwise only exact repeats are looked for
    near_possible = sum(1 for n_p in sizes_all if n_p >= _MIN_NEAR_TOKENS) >= 2
    stop = word_set("language", doc.language, "stopword") if doc.supported else frozenset()
    folded = doc.folded
    seen_exact: dict[tuple[str, ...], int] = {}
    index, stem_index = _FirstOwner(counted=True), _FirstOwner(counted=False)
    # crude stems (first 5 letters) of the content words, one lookup per token
    stem_of = (
        {t: t[:5] for t in set(folded).difference(stop) if len(t) >= 4 and not t[0].isdigit()} if near_possible else {}
    )
    shingles: dict[int, set[tuple[str, ...]]] = {}
    stems: dict[int, set[str]] = {}
    sizes: dict[int, int] = {}
    out: list[tuple[int, int, bool]] = []
    for p, para in enumerate(doc.paragraphs):
        n_p = para.last - para.first
        if n_p < _MIN_PARA_TOKENS:
            continue
        toks = tuple(folded[para.first : para.last])
        earlier = seen_exact.get(toks)
        if earlier is not None:
            out.append((p, earlier, True))
            continue
        seen_exact[toks] = p
        if n_p < _MIN_NEAR_TOKENS or not near_possible:
            continue  # too short to be a near-duplicate or to have one
        sh = set(zip(toks, toks[1:], toks[2:]))  # word 3-grams (_SHINGLE == 3)
        st = set(map(stem_of.get, toks))
        st.discard(None)
        best, best_share = -1, 0.0
        counts, new_sh, seen_sh = index.shared_counts(sh)
        # no earlier paragraph can share more than the 3-grams seen before: skip when too few
        if len(sh) >= _MIN_NEAR_TOKENS and len(seen_sh) >= _NEAR * _MIN_NEAR_TOKENS:
            for q in _top(counts):
                m = min(len(sh), len(shingles[q]))
                if m < _MIN_NEAR_TOKENS or len(seen_sh) < _NEAR * m:
                    continue
                common = shingles[q] & sh
                if len(common) < _NEAR * m or len(common) <= best_share * m:
                    continue  # cannot reach the threshold or beat the best even before filtering
                # shared 3-grams, leaving out those already in more than _COMMON_SHINGLE paragraphs
                share = sum(1 for k in common if index.holders(k) <= _COMMON_SHINGLE) / m
                if share > best_share:
                    best, best_share = q, share
        stem_counts, new_st, seen_st = stem_index.shared_counts(st)
        if best_share < _NEAR and len(st) >= _MIN_STEMS and len(seen_st) >= _NEAR_STEMS * _MIN_STEMS:
            for q in _top(stem_counts):
                n_q = sizes[q]
                m = min(len(st), len(stems[q]))
                # a reworded copy: both long, of similar length, sharing most content stems
                if 2 * min(n_p, n_q) >= max(n_p, n_q) and m >= _MIN_STEMS and len(st & stems[q]) / m >= _NEAR_STEMS:
                    best, best_share = q, 1.0
                    break
        if best >= 0 and best_share >= _NEAR:
            out.append((p, best, False))
        index.add(new_sh, seen_sh, p)
        stem_index.add(new_st, seen_st, p)
        shingles[p], stems[p], sizes[p] = sh, st, n_p
    return out


def _mostly(doc: Document, para, hits_by_first: dict[int, int]) -> bool:
    covered = 0
    i = para.first
    while i < para.last:
        end = hits_by_first.get(i)
        if end is not None:
            covered += end - i
            i = end
        else:
            i += 1
    return covered * 2 >= (para.last - para.first)


@register("boilerplate_v1", FAMILY, FEATURES, language_dependent=False)
def extract(doc: Document) -> Extraction:
    evidence = []
    n = doc.n_words
    dups = duplicate_paragraphs(doc)
    dup_words = exact = near = 0
    for p, _q, is_exact in dups:
        para = doc.paragraphs[p]
        dup_words += para.last - para.first
        if is_exact:
            exact += 1
        else:
            near += 1
        kind = "repeated_paragraph" if is_exact else "near_duplicate_paragraph"
        evidence.append(char_evidence(doc, FAMILY, kind, para.start, para.end))

    shortcodes = 0
    limit = doc.ends[-1] if doc.truncated else len(doc.text)
    for name, pat in load_patterns(FAMILY, "xx").items():
        for m in pat.finditer(doc.text, 0, limit):
            shortcodes += 1
            evidence.append(char_evidence(doc, FAMILY, name, m.start(), m.end()))

    furniture = ads = 0
    lines = sum(1 for p in doc.paragraphs if p.last > p.first)
    if doc.supported:
        sections = {}
        for section in ("furniture", "ad"):
            d: dict[int, int] = {}
            for h in doc.hits_of(FAMILY, section):
                d[h.first] = max(d.get(h.first, 0), h.last)
            sections[section] = d
        for para in doc.paragraphs:
            if not 0 < para.last - para.first <= _FURNITURE_MAX_TOKENS:
                continue
            if _mostly(doc, para, sections["ad"]):
                ads += 1
                evidence.append(char_evidence(doc, FAMILY, "ad_line", para.start, para.end))
            elif _mostly(doc, para, sections["furniture"]):
                furniture += 1
                evidence.append(char_evidence(doc, FAMILY, "furniture_line", para.start, para.end))

    nan = math.nan
    feats = {
        "duplicate_word_share": dup_words / max(n, 1),
        "exact_duplicates_per_1k": per_1k(exact, n),
        "near_duplicates_per_1k": per_1k(near, n),
        "shortcodes_per_1k": per_1k(shortcodes, n),
        "furniture_line_share": furniture / lines if doc.supported and lines else (0.0 if doc.supported else nan),
        "ad_line_share": ads / lines if doc.supported and lines else (0.0 if doc.supported else nan),
    }
    strength = noisy_or(
        saturate(feats["duplicate_word_share"], 0.08),
        saturate(float(shortcodes), 0.7),
        0.5 * saturate(feats["furniture_line_share"] if doc.supported else 0.0, 0.15),
        0.3 * saturate(feats["ad_line_share"] if doc.supported else 0.0, 0.1),
    )
    return Extraction(feats, strength, evidence)
