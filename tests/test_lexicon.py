"""The phrase matcher's shortcuts (memo, start gate) never change what it finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from credibly.lexicon import PhraseMatcher, matcher_for

ENTRIES = {
    ("f", "a"): ("according to", "said", "erklär*", "the statement said"),
    ("f", "b"): ("the", "the statement", "may have been", "reports suggest*"),
    ("g", "c"): ("statement", "to the"),
}
VOCAB = "according to said erklärte erklärung the statement may have been reports suggests suggest x y".split()


class _AlwaysVisit(dict):
    """A gate that sends the matcher down the trie at every candidate position."""

    def __getitem__(self, key):
        return True, frozenset()


def _ungated(matcher: PhraseMatcher, tokens: list[str]):
    matcher._gate = _AlwaysVisit()
    try:
        return matcher.find(tokens)
    finally:
        matcher._gate = {}
        matcher._memo.clear()
        matcher._starters.clear()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), max_size=60))
def test_gate_does_not_change_hits(tokens):
    gated = PhraseMatcher(ENTRIES)
    assert gated.find(tokens) == gated.find(tokens)  # memoised second pass: same
    assert gated.find(tokens) == _ungated(PhraseMatcher(ENTRIES), tokens)


def test_longest_match_per_section():
    m = PhraseMatcher(ENTRIES)
    hits = m.find("the statement said it".split())
    spans = {(h.family, h.section): (h.first, h.last) for h in hits}
    assert spans[("f", "a")] == (0, 3)  # "the statement said", not "said" alone
    assert spans[("f", "b")] == (0, 2)  # "the statement", longer than "the"
    assert spans[("g", "c")] == (1, 2)


def test_prefix_entry():
    hits = PhraseMatcher(ENTRIES).find(["sie", "erklärte", "es"])
    assert [(h.section, h.first, h.last) for h in hits] == [("a", 1, 2)]


def test_shipped_matcher_on_real_lexicons():
    m = matcher_for("en")
    tokens = "critics say the deal may have been rushed according to the report".split()
    assert m.find(tokens) == _ungated(matcher_for.__wrapped__("en"), tokens)


def test_word_set_sections_are_not_read_as_hits():
    # a section listed in WORD_SET_ONLY is read with word_set(); its hits would be thrown away
    import pathlib
    import re

    from credibly.lexicon import WORD_SET_ONLY

    src = pathlib.Path(__file__).resolve().parents[1] / "src" / "credibly"
    code = "\n".join(p.read_text(encoding="utf-8") for p in src.rglob("*.py"))
    read_as_hits = set(re.findall(r'hits_of\((?:FAMILY|"(\w+)"), "(\w+)"\)', code))
    for family, section in WORD_SET_ONLY:
        assert ("", section) not in read_as_hits and (family, section) not in read_as_hits, (family, section)
