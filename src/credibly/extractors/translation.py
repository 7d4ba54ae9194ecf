"""Machine-translation artifacts: one name spelled several ways, broken brand casing,
words run together, phrases looped back to back, spaced or garbled units, calques,
out-of-vocabulary words and lines in another language.

Language-independent: name variants, casing, loops. Language-dependent (missing for
an unsupported language): run-together words and OOV rate (word-frequency list of the
document's language), units (``<lang>.patterns``), calques and foreign lines
(``features/translation/<lang>.txt`` sections ``calque`` and ``function_word``).
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections import defaultdict

from ..document import Document
from ..errors import UnsupportedLanguageError
from ..resources import frequency_table, load_patterns
from ._util import char_evidence, hit_evidence, other_languages, token_evidence, word_set
from .base import Extraction, noisy_or, per_1k, register, saturate

FAMILY = "translation"
FEATURES = (
    "name_variants_per_1k",
    "casing_variants_per_1k",
    "run_together_per_1k",
    "loops_per_1k",
    "unit_artifacts_per_1k",
    "calques_per_1k",
    "oov_rate",
    "foreign_line_share",
)
_INFLECTION_SUFFIXES = ("s", "es", "n", "en", "e", "er", "ern", "'s", "’s")
_MAX_LOOP = 12
_MIN_LOOP = 3
_MAX_NAME_CHARS = 30  # longer tokens are not names (and keep the deletion neighbourhood small)
_NAME_MAX_ZIPF = 3.5  # a word more frequent than this is a common word, not a name


_LATIN_LAST = 0x24F  # end of Latin Extended-B


_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024F\u1E00-\u1EFF]")


def _mostly_other_script(text: str, start: int, end: int) -> bool:
    """More than half of the letters of text[start:end] are outside the Latin script."""
    if _NON_LATIN_LETTER.search(text, start, min(end, start + 2000)) is None:
        return False  # no letter outside the Latin script (almost every line): no loop
    letters = other = 0
    for ch in text[start : min(end, start + 2000)]:
        if ch.isalpha():
            letters += 1
            if ord(ch) > _LATIN_LAST and not 0x1E00 <= ord(ch) <= 0x1EFF:
                other += 1
    return letters >= 10 and other * 2 > letters


def _shape(tok: str) -> str:
    if tok.isupper():
        return "upper"
    if tok.islower():
        return "lower"
    if tok[:1].isupper() and tok[1:].islower():
        return "title"
    return "mixed"


def _capitalised_forms(doc: Document) -> dict[str, dict[str, list[int]]]:
    """``{casefolded word: {spelling: token indices}}`` of the alphabetic tokens of 3+ letters
    that are not all lowercase: one pass shared by the casing and the name tests, which
    then look at each distinct spelling once, not at every occurrence."""
    out = doc._derived.get("translation_forms")
    if out is None:
        out = {}
        tokens, folded = doc.tokens, doc.folded
        for i in doc.not_lowercase():
            tok = tokens[i]
            if len(tok) < 3 or not tok.isalpha():
                continue
            by_tok = out.get(folded[i])
            if by_tok is None:
                out[folded[i]] = {tok: [i]}
            elif tok in by_tok:
                by_tok[tok].append(i)
            else:
                by_tok[tok] = [i]
        doc._derived["translation_forms"] = out
    return out  # type: ignore[return-value]


def _casing_groups(doc: Document) -> list[list[int]]:
    """Token indices of minority spellings in groups whose casing is broken."""
    groups = []
    for low, variants in _capitalised_forms(doc).items():
        if len(variants) < 2:
            continue
        shapes = {v: _shape(v) for v in variants}
        non_upper = [v for v in variants if shapes[v] != "upper"]
        if len(non_upper) < 2 or not any(shapes[v] == "mixed" for v in non_upper):
            continue
        # the majority spelling is taken as right; the others are the evidence
        ranked = sorted(non_upper, key=lambda v: (-len(variants[v]), v))
        groups.append([i for v in ranked[1:] for i in variants[v]])
    return groups


@functools.lru_cache(maxsize=65_536)
def _name_keys(low: str) -> tuple[str, ...]:
    """The deletion neighbourhood of a name's skeleton (memoised: names recur)."""
    word = _skeleton(low)
    return tuple({word} | {word[:k] + word[k + 1 :] for k in range(len(word))})


# Transliteration-insensitive skeleton of a name: Dmitri/Dmitry/Dmitrij and
# Varenkov/Varenkoff/Warenkow collapse to one key.
_SKELETON_RULES = (("ph", "f"), ("ff", "v"), ("w", "v"), ("ck", "k"), ("c", "k"), ("z", "s"), ("y", "i"), ("j", "i"))


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :] or (a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :])
    return a[i + 1 :] == b[i:] if la > lb else a[i:] == b[i + 1 :]


_DOUBLED = re.compile(r"(.)\1+", re.DOTALL)


@functools.lru_cache(maxsize=65_536)
def _skeleton(word: str) -> str:
    for a, b in _SKELETON_RULES:
        word = word.replace(a, b)
    return _DOUBLED.sub(r"\1", word)  # collapse doubled letters


def _name_variants(doc: Document, freq: dict[str, float] | None) -> list[tuple[str, str, int]]:
    """Pairs of proper-name spellings one edit apart (deletion neighbourhood)."""
    first_pos: dict[str, int] = {}
    sentence_initial = {sp.first for sp in doc.sentences}
    for low, variants in _capitalised_forms(doc).items():
        if not 4 <= len(low) <= _MAX_NAME_CHARS and all(not 4 <= len(t) <= _MAX_NAME_CHARS for t in variants):
            continue
        if freq is not None and freq.get(low, 0.0) > _NAME_MAX_ZIPF:
            continue
        # the first occurrence, not at a sentence start, of a capitalised (not all-caps) spelling
        first = [
            i
            for tok, idx in variants.items()
            if 4 <= len(tok) <= _MAX_NAME_CHARS and tok[:1].isupper() and not tok.isupper()
            for i in idx
            if i not in sentence_initial
        ]
        if first:
            first_pos[low] = min(first)
    buckets: dict[str, list[str]] = defaultdict(list)
    for low in first_pos:
        for key in _name_keys(low):
            buckets[key].append(low)
    pairs: set[tuple[str, str]] = set()
    for words in buckets.values():
        if len(words) < 2 or len(words) > 8:
            continue
        for a in words:
            for b in words:
                if a >= b:
                    continue
                short, long_ = sorted((a, b), key=len)
                if long_.startswith(short) and long_[len(short) :] in _INFLECTION_SUFFIXES:
                    continue
                if not _one_edit(_skeleton(a), _skeleton(b)):
                    continue
                pairs.add((a, b))
    return [(a, b, first_pos[b]) for a, b in sorted(pairs)]


def _loops(doc: Document) -> list[tuple[int, int, int]]:
    """Phrases of 3..12 tokens repeated back to back inside one paragraph: (first, last, period).

    Vectorised: for each period p, positions where token k equals token k+p (same
    paragraph) form runs; a run of at least p positions is a repeated phrase. One matrix
    of all periods first finds the periods with any run of _MIN_LOOP (natural text has
    almost none), and only those are examined.
    """
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    n = doc.n_words
    if n < 2 * _MIN_LOOP:
        return []
    ids = doc.token_hashes()
    para = doc.paragraph_ids()
    folded = doc.folded
    # eq[k, p - _MIN_LOOP]: token k equals token k + p in the same paragraph (padding never does)
    ids_padded = np.concatenate((ids, np.zeros(_MAX_LOOP, dtype=ids.dtype)))
    para_padded = np.concatenate((para, -2 - np.arange(_MAX_LOOP, dtype=np.int64)))
    ahead = slice(_MIN_LOOP, _MAX_LOOP + 1)
    eq_all = (sliding_window_view(ids_padded, _MAX_LOOP + 1)[:n, ahead] == ids[:, None]) & (
        sliding_window_view(para_padded, _MAX_LOOP + 1)[:n, ahead] == para[:, None]
    )
    run = eq_all[: n - 2] & eq_all[1 : n - 1] & eq_all[2:]  # _MIN_LOOP == 3 equal in a row
    periods = (np.flatnonzero(run.any(axis=0)) + _MIN_LOOP).tolist()
    covered = np.zeros(n, dtype=bool)
    found: list[tuple[int, int, int]] = []
    for p in periods:
        if n < 2 * p:
            break
        eq = (ids[:-p] == ids[p:]) & (para[:-p] == para[p:])
        if not eq.any():
            continue
        edges = np.diff(np.concatenate(([0], eq.view(np.int8), [0])))
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            # (re-checked on the tokens: equal hashes of different words are not a loop)
            if b - a >= p and not covered[a : b + p].any() and folded[a:b] == folded[a + p : b + p]:
                found.append((int(a), int(b + p), p))
                covered[a : b + p] = True
    found.sort()
    return found


def _run_together(doc: Document, freq: dict[str, float], function_words: frozenset[str]) -> list[int]:
    """Tokens where a sentence boundary was lost: ``productWhich``, ``ChatGPTWhich``."""
    out: list[int] = []
    for low, variants in _capitalised_forms(doc).items():  # each distinct spelling once
        if len(low) < 6 or freq.get(low, 0.0) >= 1.5:
            continue
        for tok, idx in variants.items():
            if _joined_right_word(tok, function_words):
                out.extend(idx)
    out.sort()
    return out


def _joined_right_word(tok: str, function_words: frozenset[str]) -> bool:
    """True when ``tok`` is a word glued to the capitalised function word that started the next
    sentence (``productWhich``, ``ChatGPTWhich``). Not when the glued word is a content word
    (``EagleRising``, ``ABCPolitics``: names, hashtags and brands are written that way) or the
    left part is itself a function word (``ofTrump``: a space lost after a preposition, not a
    lost sentence end)."""
    if tok[1:].islower() or tok.isupper() or not 6 <= len(tok) <= 40 or not tok.isalpha():
        return False
    # find the last lower->Upper or UPPER->Upper+lower transition
    cut = -1
    for k in range(len(tok) - 2, 1, -1):
        if tok[k].isupper() and tok[k + 1].islower() and (tok[k - 1].islower() or tok[k - 1].isupper()):
            if tok[k - 1].islower() or (k >= 2 and tok[k - 2].isupper()):
                cut = k
                break
    if cut < 2:
        return False
    right = tok[cut:]
    if len(right) < 3:
        return False
    if tok[:cut].casefold() in function_words:
        return False
    return right.casefold() in function_words


@register("translation_v1", FAMILY, FEATURES, language_dependent=False)
def extract(doc: Document) -> Extraction:
    n = doc.n_words
    evidence = []
    lang_ok = doc.supported
    freq = None
    if lang_ok:
        try:
            freq = frequency_table(doc.language)
        except UnsupportedLanguageError:
            freq = None

    variants = _name_variants(doc, freq)
    for a, b, pos in variants:
        evidence.append(token_evidence(doc, FAMILY, "name_variant", pos, pos + 1))
    casing = _casing_groups(doc)
    for group in casing:
        for i in group[:5]:
            evidence.append(token_evidence(doc, FAMILY, "broken_casing", i, i + 1))
    loops = _loops(doc)
    for a, b, _ in loops:
        evidence.append(token_evidence(doc, FAMILY, "phrase_loop", a, b))

    nan = math.nan
    run_together = units = calques = 0
    oov_rate = foreign_share = nan
    if lang_ok:
        fw = word_set(FAMILY, doc.language, "function_word")
        if freq is not None:
            joined = _run_together(doc, freq, fw | word_set("language", doc.language, "stopword"))
            run_together = len(joined)
            for i in joined:
                evidence.append(token_evidence(doc, FAMILY, "run_together", i, i + 1))
            # lowercase alphabetic words of 3+ letters (map/compress chains run in C)
            toks = doc.tokens
            keep = map(operator.and_, map(str.islower, toks), map(str.isalpha, toks))
            lower = list(itertools.compress(doc.folded, map(operator.and_, keep, map((3).__le__, map(len, doc.folded)))))
            # one probe of the (large) frequency table per distinct word, not per token
            missing = set(lower).difference(freq)
            oov = sum(map(missing.__contains__, lower)) if missing else 0
            oov_rate = oov / len(lower) if lower else 0.0
        limit = doc.ends[-1]
        for name, pat in load_patterns(FAMILY, doc.language).items():
            for m in pat.finditer(doc.text, 0, limit):
                units += 1
                evidence.append(char_evidence(doc, FAMILY, f"unit_{name}", m.start(), m.end()))
        for h in doc.hits_of(FAMILY, "calque"):
            calques += 1
            evidence.append(hit_evidence(doc, FAMILY, "calque", h))
        # lines in another supported language than the document's
        others = {o: word_set(FAMILY, o, "function_word") for o in other_languages(doc.language)}
        latin = "latin" in word_set("language", doc.language, "script")
        # one search of the whole text first: almost no document has a non-Latin letter
        latin = latin and _NON_LATIN_LETTER.search(doc.text, 0, doc.paragraphs[-1].end) is not None
        foreign = counted = 0
        for para in doc.paragraphs:
            if para.last - para.first < 4:
                continue
            counted += 1
            if latin and _mostly_other_script(doc.text, para.start, para.end):
                foreign += 1
                evidence.append(char_evidence(doc, FAMILY, "foreign_script_line", para.start, para.end))
                continue
            toks = doc.folded[para.first : para.last]
            own = sum(map(fw.__contains__, toks))
            for o, ws in others.items():
                theirs = sum(map(ws.__contains__, toks))
                if theirs >= 2 and theirs > 2 * own:
                    foreign += 1
                    evidence.append(char_evidence(doc, FAMILY, f"foreign_line_{o}", para.start, para.end))
                    break
        foreign_share = foreign / counted if counted else 0.0
    else:
        run_together = units = calques = nan  # type: ignore[assignment]

    feats = {
        "name_variants_per_1k": per_1k(len(variants), n),
        "casing_variants_per_1k": per_1k(len(casing), n),
        "run_together_per_1k": per_1k(run_together, n) if lang_ok else nan,
        "loops_per_1k": per_1k(len(loops), n),
        "unit_artifacts_per_1k": per_1k(units, n) if lang_ok else nan,
        "calques_per_1k": per_1k(calques, n) if lang_ok else nan,
        "oov_rate": oov_rate,
        "foreign_line_share": foreign_share,
    }
    strength = noisy_or(
        saturate(feats["name_variants_per_1k"], 3.0),
        saturate(feats["casing_variants_per_1k"], 3.0),
        saturate(feats["run_together_per_1k"], 2.0),
        saturate(feats["loops_per_1k"], 1.5),
        saturate(feats["unit_artifacts_per_1k"], 3.0),
        saturate(feats["calques_per_1k"], 4.0),
        saturate(max(feats["oov_rate"] - 0.02, 0.0) if lang_ok else 0.0, 0.05),
        saturate(feats["foreign_line_share"], 0.1),
    )
    return Extraction(feats, strength, evidence)
