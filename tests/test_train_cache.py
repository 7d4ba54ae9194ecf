"""Feature caches are reused only for the same features, rows and extraction code."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from credibly import train  # noqa: E402


def test_cache_round_trip_and_staleness(tmp_path, monkeypatch):
    path = tmp_path / "features.npz"
    X = np.arange(6, dtype=float).reshape(3, 2)
    names, ids = ["a", "b"], ["r1", "r2", "r3"]
    assert train.cached_matrix(path, names, ids) is None  # no file yet
    train.save_matrix(path, X, names, ids)
    assert np.array_equal(train.cached_matrix(path, names, ids), X)
    assert train.cached_matrix(path, ["a", "c"], ids) is None  # other features
    assert train.cached_matrix(path, names, ["r1", "r2", "x"]) is None  # other rows
    monkeypatch.setattr(train, "feature_fingerprint", lambda: "edited lexicon")
    assert train.cached_matrix(path, names, ids) is None  # other extraction code or data


def test_fingerprint_changes_with_a_lexicon(tmp_path, monkeypatch):
    from credibly import resources

    before = resources.feature_fingerprint()
    assert before == resources.feature_fingerprint()  # deterministic
    fake = tmp_path / "features"
    fake.mkdir()
    (fake / "x.txt").write_text("one", encoding="utf-8")
    monkeypatch.setattr(resources, "data_path", lambda name: fake)
    first = resources.feature_fingerprint()
    (fake / "x.txt").write_text("two", encoding="utf-8")
    assert resources.feature_fingerprint() != first
