"""The hashed word n-gram scores (credibly.ngram) and their place in the family heads."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from credibly import heads as H
from credibly import ngram as NG
from credibly.document import parse
from credibly.errors import ModelFormatError

EN = (
    "The city council said on Tuesday that the new bridge would open in May. The mayor, Anna Berg, "
    "told reporters that costs had risen by 12 percent. Critics say the project may be delayed again."
)
TOKENS = parse(EN, "en").folded


def _model(bits: int = 12, seed: int = 0) -> NG.NgramModel:
    rng = np.random.default_rng(seed)
    buckets = np.sort(rng.choice(1 << bits, size=300, replace=False)).astype(np.int64)
    return NG.NgramModel(buckets, rng.normal(size=300), 0.25, bits)


def _poly_hash(token: str) -> int:
    """The documented token hash, computed the slow way."""
    p, mod = 0x100000001B3, 1 << 64
    return sum((ord(c) + 1) * pow(p, k, mod) for k, c in enumerate(token)) % mod


def test_hash_is_the_documented_polynomial():
    tokens = ["bridge", "Brücke", "the", "", "x" * 5000, "bridge", "數據", "🙂ok"]
    assert NG.token_hashes(tokens).tolist() == [_poly_hash(t) for t in tokens]
    assert NG.token_hashes([]).tolist() == []


def test_buckets_are_stable_across_processes():
    code = ("import sys, json; sys.path[:0] = {path!r}; from credibly.ngram import ngram_buckets; "
            "print(json.dumps(ngram_buckets({tokens!r}).tolist()))").format(path=sys.path, tokens=TOKENS)
    outs = []
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outs.append(json.loads(res.stdout))
    assert outs[0] == outs[1] == NG.ngram_buckets(TOKENS).tolist()


def test_vector_is_deterministic_and_normalised():
    u1, v1 = NG.ngram_vector(TOKENS)
    u2, v2 = NG.ngram_vector(list(TOKENS))
    assert np.array_equal(u1, u2) and np.array_equal(v1, v2)
    assert np.all(np.diff(u1) > 0) and np.all((u1 >= 0) & (u1 < 1 << NG.DEFAULT_BITS))
    assert float(v1 @ v1) == pytest.approx(1.0)
    # unigrams and bigrams: at most 2n - 1 distinct buckets
    assert len(u1) <= 2 * len(TOKENS) - 1


@pytest.mark.parametrize("tokens", [[], ["word"], ["a", "b"]])
def test_empty_and_short_documents(tokens):
    m = _model()
    u, v = NG.ngram_vector(tokens, m.bits)
    assert len(u) == len(v) == (0 if not tokens else 2 * len(tokens) - 1)
    s = m.score_tokens(tokens)
    if not tokens:
        assert s is None
    else:
        assert math.isfinite(s)


def test_gather_dot_equals_a_reference_computation():
    m = _model()
    tokens = TOKENS * 3 + ["rare", "words", "here"]
    counts: dict[int, int] = {}
    mod, shift = 1 << 64, 64 - m.bits
    m1, m2 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F
    hs = [_poly_hash(t) for t in tokens]
    grams = [(h * m1 % mod) >> shift for h in hs]
    grams += [(((a * m2 + b) % mod) * m1 % mod) >> shift for a, b in zip(hs, hs[1:])]
    for g in grams:
        counts[g] = counts.get(g, 0) + 1
    vals = {g: 1.0 + math.log(c) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vals.values()))
    w = dict(zip(m.buckets.tolist(), m.weights.tolist()))
    expected = m.intercept + sum(w.get(g, 0.0) * v / norm for g, v in vals.items())
    assert m.score_tokens(tokens) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_document_vector_is_cached_on_the_document():
    doc = parse(EN, "en")
    a = NG.document_vector(doc)
    assert NG.document_vector(doc) is a
    m = _model(bits=NG.DEFAULT_BITS)
    assert m.score(doc) == pytest.approx(m.score_tokens(doc.folded))


def test_json_round_trip():
    m = _model()
    payload = json.loads(json.dumps(m.to_payload()))
    again = NG.NgramModel.from_payload(payload)
    assert np.array_equal(again.buckets, m.buckets)
    # weights are quantised to 1/32767 of the largest
    assert np.max(np.abs(again.weights - m.weights)) <= np.max(np.abs(m.weights)) / 32767
    twice = NG.NgramModel.from_payload(json.loads(json.dumps(again.to_payload())))
    assert twice.score_tokens(TOKENS) == again.score_tokens(TOKENS)


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(scheme="word12_python_hash"),
        lambda p: p.update(bits=40),
        lambda p: p["bucket_deltas"].__setitem__(1, 0),  # not strictly increasing
        lambda p: p["weights_q"].append(3),
        lambda p: p.update(weight_scale=-1.0),
        lambda p: p.update(intercept="0; import os"),
        lambda p: p["bucket_deltas"].__setitem__(0, 1 << 20),
    ],
)
def test_malformed_models_are_rejected(change):
    payload = _model().to_payload()
    change(payload)
    with pytest.raises((TypeError, ValueError)):
        NG.NgramModel.from_payload(payload)


def _heads_with_ngram() -> H.FamilyHeads:
    from credibly.model import LinearHead

    name = NG.input_name("ai_generated")
    head = LinearHead([name], ["identity"], np.zeros(1), np.ones(1), np.array([1.0]), 0.0, 1.0, 0.0, np.zeros(1))
    return H.FamilyHeads({"ai_generated": {"en": head, "*": head}}, {}, {"ai_generated": {"en": _model(NG.DEFAULT_BITS)}})


def test_heads_file_round_trip_with_ngrams(tmp_path):
    heads = _heads_with_ngram()
    again = H.FamilyHeads.from_file(heads.save(tmp_path / "heads.json"))
    doc = parse(EN, "en")
    a = again.inputs("ai_generated", "en", {}, doc)[NG.input_name("ai_generated")]
    assert a == pytest.approx(again.ngrams["ai_generated"]["en"].score(doc))
    assert again.features == []  # n-gram inputs are not extractor features


def test_unknown_language_has_no_ngram_score():
    heads = _heads_with_ngram()
    doc = parse(EN, "en")
    # the "*" head reads the input but has no n-gram model of its own: the input is missing (NaN),
    # so the head uses its training mean; a family without heads gives no inputs at all
    assert math.isnan(heads.inputs("ai_generated", "fr", {}, doc)[NG.input_name("ai_generated")])
    assert heads.inputs("translation", "en", {"x": 1.0}, doc) == {"x": 1.0}
    assert math.isnan(heads.inputs("ai_generated", "en", {}, None)[NG.input_name("ai_generated")])
    with pytest.raises(ModelFormatError, match="n-gram"):
        heads.check_features([])


def test_shipped_ngram_models_load_and_score():
    heads = H.default_heads()
    if heads is None or not heads.ngrams:
        pytest.skip("no shipped n-gram model")
    doc = parse(EN, "en")
    for fam, per_lang in heads.ngrams.items():
        for lang, m in per_lang.items():
            assert NG.input_name(fam) in heads.heads[fam][lang].features
            assert math.isfinite(m.score(doc))
            # the head's weight on its own n-gram score is non-negative (monotone)
            head = heads.heads[fam][lang]
            assert head.coef[head.features.index(NG.input_name(fam))] >= 0


def test_hash_of_tokens_with_nul_matches_the_definition():
    tokens = ["a\0b", "plain", "\0"]
    assert NG.token_hashes(tokens).tolist() == [_poly_hash(t) for t in tokens]


def test_vector_counts_repeats():
    u, v = NG.ngram_vector(["x", "x", "x"])
    counts = {int(b): c for b, c in zip(*np.unique(NG.ngram_buckets(["x", "x", "x"]), return_counts=True))}
    raw = np.array([1.0 + math.log(counts[int(b)]) for b in u])
    assert np.allclose(v, raw / np.linalg.norm(raw))


def test_hash_of_a_document_longer_than_the_kept_power_table():
    tokens = ["x" * 1000] * 300 + ["bridge"]  # 300,000+ characters
    h = NG.token_hashes(tokens)
    assert h[0] == h[299] == _poly_hash("x" * 1000) and h[-1] == _poly_hash("bridge")
    assert len(NG._powers["p"]) <= NG._KEEP_POWERS


# ---------------------------------------------------------------- character n-grams (translation)


def test_char_vector_is_deterministic_normalised_and_ignores_layout():
    a = NG.char_vector("The ferry left at noon.\nIt came back late.")
    b = NG.char_vector("The ferry left at noon.\n\n  It came back late.")  # whitespace runs count as one space
    assert np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1])
    assert np.all(np.diff(a[0]) > 0) and a[0].max() < (1 << NG.CHAR_BITS)
    assert math.isclose(float(a[1] @ a[1]), 1.0)
    c = NG.char_vector("The ferry left at noon. It came back late\u2019s.")  # typography counts
    assert not np.array_equal(a[0], c[0])
    assert len(NG.char_vector("")[0]) == 0
    # orders 1-3 of the text: "abc" has 3 + 2 + 1 distinct n-grams (barring a bucket collision)
    assert len(NG.char_vector("abc")[0]) == 6


def test_char_part_scores_and_round_trips():
    doc = parse("The ferry left at noon. It came back late, as it always does.", "en")
    wb, wv = NG.document_vector(doc)
    cb, cv = NG.document_char_vector(doc)
    m = NG.NgramModel(wb[:3].copy(), np.array([0.5, -0.25, 1.0]), 0.1, char_buckets=cb[:4].copy(),
                      char_weights=np.array([1.0, -2.0, 0.5, 0.25]))
    want = 0.1 + float(np.array([0.5, -0.25, 1.0]) @ wv[:3]) + float(np.array([1.0, -2.0, 0.5, 0.25]) @ cv[:4])
    assert math.isclose(m.score(doc), want, rel_tol=1e-9)
    back = NG.NgramModel.from_payload(json.loads(json.dumps(m.to_payload())))
    assert back.has_chars and math.isclose(back.score(doc), want, rel_tol=1e-3)
    bad = m.to_payload()
    bad["chars"]["scheme"] = "char9_v0"
    with pytest.raises(ValueError):
        NG.NgramModel.from_payload(bad)
    plain = NG.NgramModel.from_payload(NG.NgramModel(wb[:3].copy(), np.ones(3), 0.0).to_payload())
    assert not plain.has_chars and "chars" not in plain.to_payload()
