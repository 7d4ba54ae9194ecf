"""Phrase matching of lexicon entries over a document's tokens.

All lexicons of one language are compiled into ONE :class:`PhraseMatcher`, so a
document's tokens are walked once whatever the number of families and sections.
Lookups are dictionary hits keyed by the casefolded token; prefix entries
(``erklär*``) are resolved once per distinct token type and memoised.
"""

from __future__ import annotations

import functools
import itertools
from typing import NamedTuple

from .errors import LexiconFormatError, UnsupportedLanguageError
from .resources import load_lexicon

__all__ = ["Hit", "PhraseMatcher", "matcher_for", "FAMILIES_WITH_LEXICONS"]

#: families whose lexicons are compiled into the per-language matcher
FAMILIES_WITH_LEXICONS = ("language", "hedging", "attribution", "translation", "ai_generated", "boilerplate")

#: sections that no extractor reads through Document.hits_of (they are used as word
#: sets): compiled into the matcher they made ~90% of all hits, all thrown away
WORD_SET_ONLY = frozenset(
    {("language", "stopword"), ("language", "abbreviation"), ("language", "calendar"),
     ("language", "script"), ("language", "pronoun"), ("translation", "function_word"),
     ("attribution", "stance_subject"), ("attribution", "stance_skip"), ("attribution", "stance_complement"),
     ("attribution", "split_verb"), ("attribution", "frame_phrase"), ("ai_generated", "coordinator")}
)
#: sections of rule triggers and context words (``gate_*``, ``context_*``): read by the
#: extractors' context rules, never matched as phrases
RULE_SECTION_PREFIXES = ("gate_", "context_")
_MEMO_LIMIT = 200_000


class Hit(NamedTuple):
    """A lexicon match: tokens ``[first, last)`` matched an entry of ``family``/``section``."""

    family: str
    section: str
    first: int
    last: int


# one step of a compiled entry: (text, is_prefix)
_Step = tuple[str, bool]


class _Node:
    """A trie node: exact children by token, prefix children by prefix length, and the
    (family, section) pairs whose entries end here."""

    __slots__ = ("exact", "prefix", "ends", "heads")

    def __init__(self) -> None:
        self.exact: dict[str, _Node] = {}
        self.prefix: dict[int, dict[str, _Node]] = {}
        self.ends: list[tuple[str, str]] = []
        #: the first three characters of every prefix entry here (prefixes have at least
        #: three): a token starting otherwise matches none, whatever its length
        self.heads: set[str] = set()

    def child(self, step: _Step) -> "_Node":
        word, is_prefix = step
        table = self.prefix.setdefault(len(word), {}) if is_prefix else self.exact
        if is_prefix:
            self.heads.add(word[:3])
        node = table.get(word)
        if node is None:
            node = table[word] = _Node()
        return node

    def step(self, token: str) -> list["_Node"]:
        node = self.exact.get(token)
        out = [node] if node is not None else []
        if self.prefix:
            out.extend(self.step_prefix(token))
        return out

    def step_prefix(self, token: str) -> list["_Node"]:
        out: list[_Node] = []
        if token[:3] not in self.heads:
            return out
        for n, table in self.prefix.items():
            if n <= len(token):
                node = table.get(token[:n])
                if node is not None:
                    out.append(node)
        return out


class PhraseMatcher:
    """Longest-match lookup of multi-word, prefix-aware entries, compiled into a trie."""

    def __init__(self, entries: dict[tuple[str, str], tuple[str, ...]]):
        self._root = _Node()
        for (family, section), items in entries.items():
            for item in items:
                steps = self._compile(item, family, section)
                if not steps:
                    continue
                node = self._root
                for st in steps:
                    node = node.child(st)
                if (family, section) not in node.ends:
                    node.ends.append((family, section))
        self._memo: dict[str, list[_Node]] = {}
        self._gate: dict[str, tuple[bool, frozenset[str]]] = {}
        self._starters: set[str] = set()  # memoised tokens that start an entry

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

    def _first(self, token: str) -> list[_Node]:
        found = self._memo.get(token)
        if found is None:
            found = self._root.step(token)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
                self._gate.clear()
                self._starters.clear()
            self._memo[token] = found
            if found:
                # can a match start here? only if an entry ends at this token, a prefix step
                # may follow, or the next token is one of the exact next steps
                must = any(node.ends or node.prefix for node in found)
                nexts = frozenset().union(*(node.exact for node in found))
                self._gate[token] = (must, nexts)
                self._starters.add(token)
        return found

    def find(self, tokens: list[str]) -> list[Hit]:
        """For every (family, section), the longest non-overlapping matches, left to right.

        ``tokens`` are casefolded token strings.
        """
        hits: list[Hit] = []
        covered: dict[tuple[str, str], int] = {}
        n = len(tokens)
        first = self._first
        # resolve each distinct token once, then visit only the positions of tokens that
        # start an entry (most do not; the scan itself runs in C)
        types = set(tokens)
        for t in types.difference(self._memo):  # set.difference probes the dict: C speed
            first(t)
        starters = types & self._starters
        gate = self._gate
        for i in itertools.compress(range(n), map(starters.__contains__, tokens)):
            tok = tokens[i]
            must, nexts = gate[tok]
            if not must and (i + 1 >= n or tokens[i + 1] not in nexts):
                continue
            active = first(tok)
            best: dict[tuple[str, str], int] | None = None
            j = i + 1
            while active:
                for node in active:
                    if node.ends:
                        if best is None:
                            best = {}
                        for key in node.ends:
                            best[key] = j  # deeper = longer: overwrite
                if j >= n:
                    break
                nxt_tok = tokens[j]
                nxt: list[_Node] = []
                for node in active:
                    child = node.exact.get(nxt_tok)
                    if child is not None:
                        nxt.append(child)
                    if node.prefix:
                        nxt.extend(node.step_prefix(nxt_tok))
                active = nxt
                j += 1
            if best:
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
            if (family, section) in WORD_SET_ONLY or section.startswith(RULE_SECTION_PREFIXES):
                continue  # read as word sets or rule lists by the extractors, never as hits
            entries[(family, section)] = items
    return PhraseMatcher(entries)
