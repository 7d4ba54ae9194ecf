"""The public contract of credibly.score / score_many / score_frame."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import credibly
from credibly import FAMILIES

EN = (
    "“We will open the bridge in May,” said Maria Lopez, the city's transport director, on Tuesday. "
    "The project may cost more than planned, according to a report by the state audit office."
)
DE = "„Wir öffnen die Brücke im Mai“, sagte Verkehrsdirektorin Maria Lopez am Dienstag. Die Kosten könnten steigen."


def test_result_contract():
    r = credibly.score(EN)
    assert 0.0 <= r.trust <= 1.0
    assert r.language == "en"
    assert set(r.families) == set(FAMILIES)
    assert all(v is None or 0.0 <= v <= 1.0 for v in r.families.values())
    assert all(isinstance(k, str) and isinstance(v, float) for k, v in r.features.items())
    assert all("_v" in k.split(".")[0] for k in r.features)  # versioned names
    for e in r.evidence:
        assert EN[e.start : e.end] == e.text
        assert e.family in FAMILIES


def test_contributions_add_up_to_the_score():
    r = credibly.score(EN)
    logit = r.base + sum(r.contributions.values())
    assert math.isclose(1 / (1 + math.exp(-logit)), r.trust, rel_tol=1e-9)


def test_language_given_or_detected():
    assert credibly.score(DE).language == "de"
    assert credibly.score(DE, language="de").language == "de"


def test_deterministic():
    a, b = credibly.score(EN), credibly.score(EN)
    assert a.trust == b.trust and a.features == b.features and a.evidence == b.evidence


@pytest.mark.parametrize("bad", [None, b"bytes", 12, ["list"]])
def test_non_strings_raise_type_error(bad):
    with pytest.raises(TypeError, match="str"):
        credibly.score(bad)


def test_empty_raises_input_error():
    with pytest.raises(credibly.EmptyDocumentError):
        credibly.score("  \n ")
    with pytest.raises(ValueError):  # InputError subclasses ValueError
        credibly.score("")


def test_unknown_language_reports_language_and_marks_missing():
    text = "Bu haber, belediyenin yeni köprüyü mayıs ayında açacağını ve maliyetlerin artabileceğini bildiriyor."
    r = credibly.score(text)
    assert r.language == "tr" and not r.language_supported
    assert 0.0 <= r.trust <= 1.0
    assert r.families["hedging"] is None and r.families["attribution"] is None
    assert math.isnan(r.features["hedging_v1.hedges_per_1k"])
    assert not math.isnan(r.features["boilerplate_v1.duplicate_word_share"])


def test_score_many_is_lazy_ordered_and_keeps_failures():
    texts = [EN, "", DE, None]
    out = list(credibly.score_many(texts, errors="keep"))
    assert [r.ok for r in out] == [True, False, True, False]
    assert out[0].language == "en" and out[2].language == "de"
    assert out[1].trust is None and "empty" in out[1].error
    with pytest.raises(credibly.EmptyDocumentError):
        list(credibly.score_many([EN, ""]))


def test_score_frame_preserves_rows_and_index():
    df = pd.DataFrame({"text": [DE, None, EN, "   ", 5], "x": range(5)}, index=[10, 3, 7, 1, 99])
    out = credibly.score_frame(df)
    assert list(out.index) == [10, 3, 7, 1, 99]
    assert list(out["x"]) == list(range(5))
    assert out.loc[10, "language"] == "de" and out.loc[7, "language"] == "en"
    assert out["error"].notna().tolist() == [False, True, False, True, True]
    assert out["trust"].isna().tolist() == [False, True, False, True, True]
    for col in ["trust", "language", "top_signals", "error"] + [f"family_{f}" for f in FAMILIES]:
        assert col in out.columns
    assert "attribution_v1.quotes_per_1k" in out.columns


def test_score_frame_missing_column_names_available():
    df = pd.DataFrame({"body": ["x"], "id": [1]})
    with pytest.raises(KeyError, match="body"):
        credibly.score_frame(df, text_column="text")


def test_accessor():
    df = pd.DataFrame({"text": [EN, DE]})
    out = df.credibly.score()
    assert list(out["language"]) == ["en", "de"]


def test_explain_mentions_evidence():
    r = credibly.score(EN)
    text = r.explain()
    assert "trust" in text and "[" in text
