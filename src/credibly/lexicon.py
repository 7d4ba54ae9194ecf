"""Phrase matching of lexicon entries over a document's tokens.

All lexicons of one language are compiled into ONE :class:`PhraseMatcher`, so a
document's tokens are walked once whatever the number of families and sections.
Lookups are dictionary hits keyed by the casefolded token; prefix entries
(``erklär*``) are resolved once per distinct token type and memoised.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from .errors import LexiconFormatError, UnsupportedLanguageError
from .resources import load_lexicon

__all__ = ["Hit", "PhraseMatcher", "matcher_for", "FAMILIES_WITH_LEXICONS"]

#: families whose lexicons are compiled into the per-language matcher
FAMILIES_WITH_LEXICONS = ("language", "hedging", "attribution", "translation", "ai_generated", "boilerplate")

_MEMO_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon match: tokens ``[first, last)`` matched an entry of ``family``/``section``."""

    family: str
    section: str
    first: int
    last: int


# one step of a compiled entry: (text, is_prefix)
_Step = tuple[str, bool]


class PhraseMatcher:
    """Longest-match lookup of multi-word, prefix-aware entries."""

    def __init__(self, entries: dict[tuple[str, str], tuple[str, ...]]):
        # first step -> list of (rest_steps, family, section)
        self._exact: dict[str, list[tuple[tuple[_Step, ...], str, str]]] = defaultdict(list)
        self._prefix: dict[str, list[tuple[tuple[_Step, ...], str, str]]] = defaultdict(list)
        lens: set[int] = set()
        for (family, section), items in entries.items():
            for item in items:
                steps = tuple(self._compile(item, family, section))
                if not steps:
                    continue
                (head, is_prefix), rest = steps[0], steps[1:]
                if is_prefix:
                    self._prefix[head].append((rest, family, section))
                    lens.add(len(head))
                else:
                    self._exact[head].append((rest, family, section))
        self._prefix_lens = tuple(sorted(lens))
        self._memo: dict[str, tuple] = {}

    @staticmethod
    def _compile(item: str, family: str, section: str) -> list[_Step]:
        steps: list[_Step] = []
        for raw in item.casefold().split():
            is_prefix = raw.endswith("*")
            word = raw.rstrip("*").strip(".,;:!?\"'()")
            if not word:
                continue
            if is_prefix and len(word) < 3:
                raise LexiconFormatError(f"{family}/{section}: prefix entry {raw!r} needs 3+ characters before '*'")
            steps.append((word, is_prefix))
        return steps

    def _candidates(self, token: str) -> tuple:
        found = self._memo.get(token)
        if found is None:
            cands = list(self._exact.get(token, ()))
            for n in self._prefix_lens:
                if n > len(token):
                    break
                more = self._prefix.get(token[:n])
                if more:
                    cands.extend(more)
            found = tuple(cands)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[token] = found
        return found

    @staticmethod
    def _step_ok(step: _Step, token: str) -> bool:
        word, is_prefix = step
        return token.startswith(word) if is_prefix else token == word

    def find(self, tokens: list[str]) -> list[Hit]:
        """Return, for every (family, section), the longest non-overlapping matches.

        ``tokens`` are casefolded token strings.
        """
        hits: list[Hit] = []
        # per (family, section): index up to which tokens are already covered
        covered: dict[tuple[str, str], int] = {}
        n = len(tokens)
        step_ok = self._step_ok
        for i, tok in enumerate(tokens):
            cands = self._candidates(tok)
            if not cands:
                continue
            best: dict[tuple[str, str], int] = {}
            for rest, family, section in cands:
                end = i + 1 + len(rest)
                if end > n:
                    continue
                ok = True
                for k, step in enumerate(rest):
                    if not step_ok(step, tokens[i + 1 + k]):
                        ok = False
                        break
                if ok:
                    key = (family, section)
                    if end > best.get(key, 0):
                        best[key] = end
            for key, end in best.items():
                if covered.get(key, 0) <= i:
                    hits.append(Hit(key[0], key[1], i, end))
                    covered[key] = end
        return hits


@functools.lru_cache(maxsize=16)
def matcher_for(language: str) -> PhraseMatcher:
    """The compiled matcher of every lexicon of ``language``.

    Raises :class:`UnsupportedLanguageError` if the language has no language file.
    """
    entries: dict[tuple[str, str], tuple[str, ...]] = {}
    load_lexicon("language", language)  # raises for an unsupported language
    for family in FAMILIES_WITH_LEXICONS:
        try:
            lex = load_lexicon(family, language)
        except UnsupportedLanguageError:
            continue
        for section, items in lex.items():
            entries[(family, section)] = items
    return PhraseMatcher(entries)
