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
