"""Hostile and messy input to the Python API: misuse raises clear errors, unscorable
inputs keep their place, unknown languages score without English lists, and
pathological strings finish in bounded, near-linear time.

Time limits are generous guards against catastrophic (super-linear) behaviour, not
benchmarks: ``benchmarks/hostile.py`` measures the real times and peak memory.
"""

from __future__ import annotations

import math
import random
import time

import pandas as pd
import pytest

import credibly
from credibly.document import MAX_CHARS
from credibly.errors import CrediblyError, EmptyDocumentError
from credibly.extractors import registered
from credibly.resources import data_path, load_patterns

#: wall-clock guard for one pathological document of up to 2 million characters
BOUND_S = 10.0

EN = (
    "The city council approved the new budget on Tuesday after a three-hour debate, the mayor said. "
    "According to a report by the finance department, spending on schools will rise by four percent. "
    "Critics say the plan might not be enough. \"We are worried about housing,\" said Anna Berg, a councillor.\n"
)
FR = (
    "Le conseil municipal a approuvé mardi le nouveau budget après un débat de trois heures, a déclaré le maire. "
    "Selon un rapport du service des finances, les dépenses pour les écoles augmenteront de quatre pour cent. "
    "Les critiques estiment que le plan pourrait ne pas suffire. « Nous sommes inquiets pour le logement », "
    "a déclaré Anna Berg, conseillère municipale.\n"
)


@pytest.fixture(scope="module", autouse=True)
def _warm():
    credibly.score(EN)  # load the model, lexicons and language identifier once


def _timed(text: str, language: str | None = None):
    t = time.perf_counter()
    r = credibly.score(text, language)
    return r, time.perf_counter() - t


def _check_result(r, text):
    assert r.trust is not None and 0.0 <= r.trust <= 1.0
    assert r.error is None
    for e in r.evidence:
        assert text[e.start : e.end] == e.text
        assert 0 <= e.start <= e.end <= min(len(text), MAX_CHARS)


# -- API misuse ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, word",
    [(None, "NoneType"), (b"bytes text", "bytes"), (bytearray(b"x"), "bytes"), (memoryview(b"x"), "bytes"),
     (42, "int"), (4.2, "float"), (["a", "list"], "list"), ({"text": "x"}, "dict"), (pd.Series(["x"]), "Series")],
)
def test_score_rejects_non_strings_with_type_error(bad, word):
    with pytest.raises(TypeError, match=word):
        credibly.score(bad)


def test_bytes_error_says_how_to_decode():
    with pytest.raises(TypeError, match="decode"):
        credibly.score(b"some text")


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \r\n", "\u3000\u00a0\u2003", "!!! ??? ... --- ***", '"' * 200_000, "(" * 300_000 + ")" * 300_000, "\x00\x01\x02"])
def test_empty_and_wordless_raise_empty_document_error(text):
    t = time.perf_counter()
    with pytest.raises(EmptyDocumentError) as info:
        credibly.score(text)
    assert time.perf_counter() - t < BOUND_S
    assert isinstance(info.value, ValueError) and isinstance(info.value, CrediblyError)
    assert str(info.value)


@pytest.mark.parametrize("language", [5, b"en", ["en"], 3.5])
def test_non_string_language_is_a_type_error(language):
    with pytest.raises(TypeError, match="language"):
        credibly.score(EN, language)


def test_model_argument_misuse():
    with pytest.raises(credibly.ModelFormatError):
        credibly.score(EN, model="/nonexistent/model.json")


def test_score_many_keeps_every_input_in_order():
    inputs = [EN, None, "", b"bytes", 7, "   ", FR, float("nan"), EN]
    out = list(credibly.score_many(inputs, errors="keep"))
    assert len(out) == len(inputs)
    ok = [r.ok for r in out]
    assert ok == [True, False, False, False, False, False, True, False, True]
    for r in out:
        if not r.ok:
            assert r.trust is None and r.error
        else:
            assert 0 <= r.trust <= 1
    assert out[2].error.startswith("empty")
    assert out[0].trust == out[8].trust


def test_score_many_raise_mode_and_bad_errors_argument():
    with pytest.raises(TypeError):
        list(credibly.score_many([EN, None]))
    with pytest.raises(ValueError, match="errors"):
        list(credibly.score_many([EN], errors="ignore"))


def test_score_frame_missing_column_names_available_ones():
    df = pd.DataFrame({"body": [EN], "lang": ["en"]})
    with pytest.raises(KeyError, match="available columns: body, lang"):
        credibly.score_frame(df)
    with pytest.raises(KeyError, match="available columns: body, lang"):
        credibly.score_frame(df, "body", language_column="language")


def test_score_frame_rejects_non_frames():
    with pytest.raises(TypeError, match="DataFrame"):
        credibly.score_frame([EN])  # type: ignore[arg-type]


def test_score_frame_keeps_every_row_and_index():
    df = pd.DataFrame(
        {"text": [EN, None, "", 12, b"raw", float("nan"), "  ", FR]},
        index=[10, 3, 7, "x", 5, 6, 1, 0],
    )
    out = credibly.score_frame(df, features=False)
    assert list(out.index) == list(df.index)
    assert out["trust"].notna().tolist() == [True, False, False, False, False, False, False, True]
    assert out["error"].isna().tolist() == out["trust"].notna().tolist()
    assert all(isinstance(e, str) and e for e in out.loc[out["trust"].isna(), "error"])


# -- unknown languages ----------------------------------------------------------------------

#: features computed from a language's word lists or patterns: missing for an unsupported language
LANGUAGE_DEPENDENT = {
    "ai_generated_v1.disclosures",
    "ai_generated_v1.template_headers_per_1k",
    "ai_generated_v1.stock_phrases_per_1k",
    "boilerplate_v1.furniture_line_share",
    "boilerplate_v1.ad_line_share",
    "translation_v1.run_together_per_1k",
    "translation_v1.unit_artifacts_per_1k",
    "translation_v1.calques_per_1k",
    "translation_v1.oov_rate",
    "translation_v1.foreign_line_share",
}
#: language-independent features that must still have a value
LANGUAGE_INDEPENDENT = {
    "readability_v1.log_words",
    "readability_v1.mean_sentence_tokens",
    "readability_v1.type_token_ratio",
    "boilerplate_v1.duplicate_word_share",
    "boilerplate_v1.shortcodes_per_1k",
    "translation_v1.loops_per_1k",
    "translation_v1.name_variants_per_1k",
    "ai_generated_v1.emoji_headers_per_1k",
    "ai_generated_v1.bullet_line_share",
}


def _dependent_features() -> set[str]:
    out = set()
    for ex in registered():
        if ex.language_dependent:
            out.update(ex.feature_names)
    return out | (LANGUAGE_DEPENDENT & {f for ex in registered() for f in ex.feature_names})


@pytest.mark.parametrize("text, language, expected", [(FR * 3, None, "fr"), (EN * 3, "fr", "fr"), (EN * 3, "xx", "xx")])
def test_unknown_language_marks_language_dependent_features_missing(text, language, expected):
    r = credibly.score(text, language)
    assert r.language == expected
    assert not r.language_supported
    _check_result(r, text)
    for f in _dependent_features():
        assert math.isnan(r.features[f]), f
    for f in LANGUAGE_INDEPENDENT & set(r.features):
        assert math.isfinite(r.features[f]), f
    for ex in registered():
        if ex.language_dependent and ex.family in r.families:
            assert r.families[ex.family] is None, ex.family


def test_unknown_language_never_uses_english_lists():
    """English text declared French: no English hedge, reporting verb or stock phrase is found."""
    text = EN * 3 + "Perhaps it might possibly be, sources say, reportedly, a game-changer. In conclusion, delve.\n"
    en = credibly.score(text, "en")
    fr = credibly.score(text, "fr")
    assert {e.family for e in en.evidence} & {"hedging", "attribution"}
    lexical = {"hedge", "booster", "weasel", "reporting_verb", "anonymous_source", "cited_publication",
               "stock_phrase", "ai_disclosure", "template_header", "calque", "run_together", "furniture_line", "ad_line"}
    assert not [e for e in fr.evidence if e.kind in lexical or e.family in ("hedging", "attribution")]


def test_language_code_is_case_insensitive():
    assert credibly.score(EN, "EN").language == "en"


# -- pathological strings: bounded, near-linear time ---------------------------------------

def _words(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(5000)]
    return [rng.choice(vocab) for _ in range(n)]


def test_more_than_40200_tokens():
    text = " ".join(_words(45_000))
    _check_result(credibly.score(text, "en"), text)


def test_two_million_character_line():
    text = " ".join(_words(400_000))[:2_000_000]
    assert "\n" not in text and len(text) == 2_000_000
    r, dt = _timed(text)
    assert dt < BOUND_S, dt
    assert r.truncated
    _check_result(r, text)


def test_two_million_characters_without_a_space():
    text = "a" * 2_000_000
    r, dt = _timed(text)
    assert dt < BOUND_S
    _check_result(r, text)


@pytest.mark.parametrize("language", [None, "en", "de"])
def test_quotation_mark_flood(language):
    # 200,000 quotation marks of every style around 20,000 words
    marks = '"“”„«»‚‘’'
    rng = random.Random(1)
    text = " ".join("".join(rng.choice(marks) for _ in range(10)) + w for w in _words(20_000))
    assert sum(text.count(m) for m in marks) == 200_000
    r, dt = _timed(text, language)
    assert dt < BOUND_S
    _check_result(r, text)


def test_nested_brackets():
    text = "(" * 300_000 + " ".join(_words(30)) + ")" * 300_000
    r, dt = _timed(text)
    assert dt < BOUND_S
    _check_result(r, text)
    text = "[" * 100_000 + "{{" * 50_000 + " ".join(_words(30)) + "}}" * 50_000 + "]" * 100_000
    r, dt = _timed(text, "en")
    assert dt < BOUND_S
    _check_result(r, text)


def test_emoji_flood():
    text = "😀🔥👉" * 300_000 + " hello world " + "🚀" * 100_000
    r, dt = _timed(text)
    assert dt < BOUND_S
    _check_result(r, text)
    text = "".join(f"🔥 Key point {k}\n• {w} matters\n" for k, w in enumerate(_words(6_000)))
    r, dt = _timed(text, "en")
    assert dt < BOUND_S
    _check_result(r, text)


def test_long_repeated_phrase():
    text = "the quick brown fox jumps over the lazy dog " * 45_000  # ~2M characters, one line
    r, dt = _timed(text, "en")
    assert dt < BOUND_S
    _check_result(r, text)


def test_repeated_phrase_under_the_token_limit():
    text = "according to sources it will be the best by 2030 " * 3_500
    r, dt = _timed(text, "en")
    assert dt < BOUND_S
    _check_result(r, text)
    assert any(e.kind == "phrase_loop" for e in r.evidence)


def test_very_long_document_is_truncated_not_rejected():
    unit = "Abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz. "  # long words: < 40,000 tokens
    text = (unit * (MAX_CHARS // len(unit) + 50))[: MAX_CHARS + 5000]
    r = credibly.score(text)
    assert r.truncated
    _check_result(r, text)


def test_lone_surrogates_and_control_characters():
    text = EN + "\ud800 \udcff\x00\x1b[31m \u202e reversed \ufeff \U0010ffff" + EN
    _check_result(credibly.score(text), text)


def test_long_capitalised_token_memory_bounded():
    """One 12,000-letter capitalised 'name' must not cost n**2 bytes (a 1M-letter one would need 1 TB)."""
    import tracemalloc

    from credibly.document import parse
    from credibly.extractors import translation

    rng = random.Random(2)
    word = "A" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12_000))
    doc = parse("the " + word + " is here and more words follow", "en")
    tracemalloc.start()
    try:
        translation._name_variants(doc, None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, f"peak {peak / 1e6:.0f} MB"


# -- pattern files: every regex linear on hostile strings -----------------------------------

_UNITS = ["will ", "Will be ", "is expected to ", "wird ", "bis 2030 ", "„a", '"a', "«a", "‚a", "“a„a",
          "http://a", "{{a", "{%a", "<%a", "<?php", "%%ab", "[ab x=", "[ab x=1 ", '[ab x="', "[/ab", "$ ",
          "1 ", "1,1 ", "1 , ", "1.1 ", "billion. ", "Mrd. ", "a'", "a-", "(", "[", '"', "a", " "]
_OPENERS = ["„", '"', "«", "{{", "<%", "<?php", "http://", "$", "1", "1,1", "[ab"]


def _attacks(n: int) -> list[str]:
    out = [(u * (n // len(u) + 1))[:n] for u in _UNITS]
    out += [o + c * n for o in _OPENERS for c in ("a", " ")]
    return out


def _all_patterns():
    root = data_path("features")
    out = []
    for f in sorted(root.glob("*/*.patterns")):
        fam, lang = f.parent.name, f.name.split(".")[0]
        for name, pat in load_patterns(fam, lang).items():
            out.append(pytest.param(pat.regex, id=f"{fam}/{lang}:{name}"))
            if pat.prefilter is not None:
                out.append(pytest.param(pat.prefilter, id=f"{fam}/{lang}:{name}:prefilter"))
    return out


def _worst_time(pattern, n: int) -> float:
    worst = 0.0
    for text in _attacks(n):
        t = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        worst = max(worst, time.perf_counter() - t)
    return worst


@pytest.mark.parametrize("pattern", _all_patterns())
def test_pattern_is_linear_on_hostile_strings(pattern):
    # linear patterns take <= ~20 ms on 16,000 characters and 4x their time on 4,000; the
    # quadratic shortcode pattern takes ~0.7 s (16x). Failing needs both too slow and
    # super-linear, measured twice: robust on a busy or a fast machine.
    def ok(small: float, big: float) -> bool:
        return big < 0.1 or big < 8 * max(small, 1e-3)

    small, big = _worst_time(pattern, 4_000), _worst_time(pattern, 16_000)
    if not ok(small, big):
        small, big = max(small, _worst_time(pattern, 4_000)), min(big, _worst_time(pattern, 16_000))
    assert ok(small, big), (small, big)
