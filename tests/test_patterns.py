"""The ``.patterns`` files: format, and the prefilter contract (every match of a pattern
contains its prefilter, so searching the prefilter first never loses a match)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credibly.errors import LexiconFormatError
from credibly.resources import Pattern, data_path, load_patterns


def _all() -> list[tuple[str, Pattern]]:
    out = []
    for f in sorted(data_path("features").glob("*/*.patterns")):
        fam, lang = f.parent.name, f.name.split(".")[0]
        out += [(f"{fam}/{lang}:{name}", p) for name, p in load_patterns(fam, lang).items()]
    return out


_PREFILTERED = [pytest.param(p, id=i) for i, p in _all() if p.prefilter is not None]


def test_some_patterns_have_prefilters():
    assert len(_PREFILTERED) >= 4


@pytest.mark.parametrize("pattern", _PREFILTERED)
def test_every_generated_match_contains_the_prefilter(pattern: Pattern):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.from_regex(pattern.regex, fullmatch=True))
    def check(s: str) -> None:
        assert pattern.prefilter.search(s) is not None, s

    check()


@pytest.mark.parametrize("pattern", _PREFILTERED)
@given(prefix=st.text(max_size=30), suffix=st.text(max_size=30), data=st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_gated_finditer_equals_the_plain_regex(pattern: Pattern, prefix: str, suffix: str, data):
    middle = data.draw(st.from_regex(pattern.regex, fullmatch=True))
    for text in (prefix + middle + suffix, prefix + suffix):
        want = [m.span() for m in pattern.regex.finditer(text)]
        assert [m.span() for m in pattern.finditer(text)] == want
        # with a region too (the extractors pass one)
        want = [m.span() for m in pattern.regex.finditer(text, 1, len(text) - 1)]
        assert [m.span() for m in pattern.finditer(text, 1, len(text) - 1)] == want


def test_prefilter_skips_texts_without_it():
    p = Pattern("x", re.compile(r"\d\s+%"), re.compile("%"))
    assert list(p.finditer("12 apples, 3 pears")) == []
    assert [m.group() for m in p.finditer("rose 3 % today")] == ["3 %"]
    assert p.pattern == r"\d\s+%"


def _write(tmp_path, body: str):
    folder = tmp_path / "features" / "translation"
    folder.mkdir(parents=True)
    (folder / "en.patterns").write_text("# credibly-lexicon format=1 language=en family=translation\n" + body, "utf-8")


@pytest.mark.parametrize("body", ["a\t\\d+\tx\ty\n", "a\t\\d+\t\n", "a\n", "a\t(\n", "a\t\\d\t(\n"])
def test_bad_pattern_lines_are_rejected(tmp_path, monkeypatch, body):
    import credibly.resources as res

    _write(tmp_path, body)
    monkeypatch.setattr(res, "data_path", lambda name: tmp_path / name)
    res.load_patterns.cache_clear()
    try:
        with pytest.raises(LexiconFormatError):
            res.load_patterns("translation", "en")
    finally:
        res.load_patterns.cache_clear()


def test_two_and_three_column_lines_load(tmp_path, monkeypatch):
    import credibly.resources as res

    _write(tmp_path, "plain\t\\d\\s+%\ngated\t\\d\\s+%\t%\n")
    monkeypatch.setattr(res, "data_path", lambda name: tmp_path / name)
    res.load_patterns.cache_clear()
    try:
        pats = res.load_patterns("translation", "en")
    finally:
        res.load_patterns.cache_clear()
    assert pats["plain"].prefilter is None
    assert pats["gated"].prefilter.pattern == "%"
