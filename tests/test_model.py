from __future__ import annotations

import json

import numpy as np
import pytest

import credibly
from credibly.errors import ModelFormatError
from credibly.model import LinearHead, TrustModel, default_model
from credibly.pipeline import analyse, model_inputs


def test_shipped_model_loads_and_matches_features():
    m = default_model()
    assert {"en", "de", "*"} <= set(m.heads)
    assert m.metadata.get("label_policy")


def test_round_trip(tmp_path):
    m = default_model()
    path = m.save(tmp_path)
    again = TrustModel.from_file(path)
    inputs = model_inputs(analyse("The mayor said the budget may grow.", "en"))
    assert again.score(inputs, "en") == pytest.approx(m.score(inputs, "en"))


def test_tampered_model_is_rejected(tmp_path):
    path = default_model().save(tmp_path)
    doc = json.loads(path.read_text())
    doc["payload"]["heads"]["en"]["intercept"] += 1.0
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFormatError, match="checksum"):
        TrustModel.from_file(path)


def test_foreign_file_is_rejected(tmp_path):
    p = tmp_path / "trust_model.json"
    p.write_text('{"hello": 1}')
    with pytest.raises(ModelFormatError, match="not a credibly model"):
        credibly.load_model(tmp_path)


def test_missing_feature_values_contribute_nothing():
    h = default_model().heads["*"]
    base, contrib = h.contributions({})
    assert all(c == 0 for c in contrib.values())


def test_head_for_unknown_language_is_pooled():
    m = default_model()
    assert m.head_for("tr") is m.heads["*"]
    assert isinstance(m.head_for("en"), LinearHead)
    assert np.all(np.isfinite(m.heads["en"].coef))


def _head(rng: np.random.Generator, k: int) -> LinearHead:
    return LinearHead(
        [f"f{i}" for i in range(k)],
        [("log1p" if i % 3 == 0 else "identity") for i in range(k)],
        rng.normal(size=k),
        rng.uniform(0.5, 3.0, size=k),
        rng.normal(size=k),
        float(rng.normal()),
        float(rng.uniform(0.5, 2.0)),
        float(rng.normal()),
        rng.normal(size=k),
    )


def test_single_document_path_equals_the_matrix_path():
    rng = np.random.default_rng(0)
    specials = [None, float("nan"), float("inf"), float("-inf"), -5.0, 0.0, 1e9, -1e9]
    for trial in range(200):
        head = _head(rng, 40)
        inputs = {}
        for i, name in enumerate(head.features):
            u = rng.uniform()
            if u < 0.15:
                v = specials[int(rng.integers(len(specials)))]
                if v is not None:
                    inputs[name] = v
            else:
                inputs[name] = float(rng.normal(scale=4.0))
        want = float(head.predict_proba(head.vector(inputs))[0])
        assert head.probability_one(inputs) == pytest.approx(want, rel=1e-12, abs=1e-15), trial


def _contributions_matrix_path(head: LinearHead, inputs: dict) -> tuple[float, list[float]]:
    z = head._z(head.vector(inputs))
    contrib = head.platt_a * head.coef * (z - head.reference)
    base = head.platt_a * (head.intercept + float(head.coef @ head.reference)) + head.platt_b
    return float(base), contrib.tolist()


def test_contributions_equal_the_matrix_path_and_add_up():
    rng = np.random.default_rng(1)
    for trial in range(100):
        head = _head(rng, 30)
        inputs = {f: float(rng.normal(scale=3.0)) for f in head.features if rng.uniform() > 0.1}
        inputs[head.features[1]] = float("nan")
        base, contrib = head.contributions(inputs)
        want_base, want = _contributions_matrix_path(head, inputs)
        assert base == pytest.approx(want_base, rel=1e-12, abs=1e-15)
        assert list(contrib) == head.features
        assert list(contrib.values()) == pytest.approx(want, rel=1e-12, abs=1e-15)
        logit = float(head.predict_logit(head.vector(inputs))[0])
        assert base + sum(contrib.values()) == pytest.approx(logit, rel=1e-9, abs=1e-9)
