"""Process-parallel scoring: ordered output, same results as serial, bounded memory."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pandas as pd
import pytest

import credibly
from credibly import parallel
from credibly.model import default_model

DEMO = Path(__file__).resolve().parents[1] / "seeds" / "demo"


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(DEMO.glob("*.txt"))]


# module-level so that they pickle into worker processes
def _square_slow_first(x: int) -> int:
    if x % 7 == 0:  # some items take longer: out-of-order completion inside the pool
        time.sleep(0.02)
    return x * x


def _fail_on_five(x: int) -> int:
    if x == 5:
        raise ValueError("five")
    return x


_STATE: dict[str, object] = {}


def _set_state(value: str) -> None:
    _STATE["value"] = value


def _get_state(x: int) -> tuple[int, object]:
    return x, _STATE.get("value")


def test_imap_ordered_keeps_input_order():
    out = list(parallel.imap_ordered(_square_slow_first, range(100), n_jobs=2, chunksize=3))
    assert out == [x * x for x in range(100)]


def test_imap_ordered_serial_path_is_identical():
    par = list(parallel.imap_ordered(_square_slow_first, range(30), n_jobs=2, chunksize=4))
    ser = list(parallel.imap_ordered(_square_slow_first, range(30), n_jobs=1, chunksize=4))
    assert par == ser


def test_imap_ordered_is_lazy_and_bounded():
    consumed = 0

    def source():
        nonlocal consumed
        for i in range(10_000):
            consumed += 1
            yield i

    gen = parallel.imap_ordered(_square_slow_first, source(), n_jobs=2, chunksize=5, prefetch=2)
    first = [next(gen) for _ in range(3)]
    assert first == [0, 1, 4]
    # window = 2 jobs * 2 chunks of 5, plus one refill: far from the whole input
    assert consumed <= 2 * 2 * 5 + 5
    gen.close()  # stops the workers


def test_imap_ordered_with_input_and_send():
    items = [{"id": i, "x": i} for i in range(20)]
    out = list(
        parallel.imap_ordered(_square_slow_first, items, n_jobs=2, chunksize=3, send=lambda d: d["x"], with_input=True)
    )
    assert [d["id"] for d, _ in out] == list(range(20))
    assert [r for _, r in out] == [i * i for i in range(20)]


def test_imap_ordered_runs_initializer_in_workers():
    out = list(
        parallel.imap_ordered(_get_state, range(8), n_jobs=2, chunksize=2, initializer=_set_state, initargs=("ready",))
    )
    assert out == [(i, "ready") for i in range(8)]


def test_imap_ordered_raises_worker_error():
    with pytest.raises(ValueError, match="five"):
        list(parallel.imap_ordered(_fail_on_five, range(50), n_jobs=2, chunksize=2))


def test_imap_ordered_empty_input():
    assert list(parallel.imap_ordered(_square_slow_first, [], n_jobs=2)) == []


def test_resolve_jobs():
    assert parallel.resolve_jobs(None) == 1
    assert parallel.resolve_jobs(0) == 1
    assert parallel.resolve_jobs(3) == 3
    assert parallel.resolve_jobs(-1) >= 1


def test_model_document_round_trips_through_json():
    m = default_model()
    doc = parallel.model_document(m)
    assert isinstance(doc, str)
    again = credibly.TrustModel.from_document(__import__("json").loads(doc))
    assert again.to_payload() == m.to_payload()


def test_worker_rejects_tampered_model_document():
    import json

    doc = json.loads(parallel.model_document(default_model()))
    doc["payload"]["metadata"] = {"tampered": True}  # any change breaks the checksum
    with pytest.raises(credibly.ModelFormatError):
        parallel.init_worker(json.dumps(doc))


def _frame(texts: list[str]) -> pd.DataFrame:
    rows = texts * 3 + [None, "", "   ", 42]  # bad rows keep their place
    return pd.DataFrame({"text": rows, "n": range(len(rows))}, index=[f"r{i}" for i in range(len(rows))])


def _assert_rows_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.index) == list(b.index)
    assert list(a.columns) == list(b.columns)
    for col in a.columns:
        for x, y in zip(a[col].tolist(), b[col].tolist()):
            if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
                continue
            assert x == y, (col, x, y)


def test_score_frame_two_jobs_same_as_serial():
    df = _frame(_texts())
    serial = credibly.score_frame(df, "text")
    par = credibly.score_frame(df, "text", n_jobs=2)
    _assert_rows_equal(serial, par)
    assert par["n"].tolist() == list(range(len(df)))  # order kept
    assert par["error"].iloc[-4:].notna().all()


def test_score_rows_parallel_matches_serial_rows():
    texts = _texts() * 2
    langs = [None] * len(texts)
    m = default_model()
    rows = parallel.score_rows_parallel(texts, langs, model=m, features=True, n_jobs=2, chunksize=1)
    from credibly.api import _score_row

    assert rows == [_score_row(t, lg, m, True) for t, lg in zip(texts, langs)]


def test_score_results_ordered_with_text_and_errors():
    texts = _texts() + [None, "..."]
    results = list(parallel.score_results(texts, n_jobs=2, chunksize=2))
    assert len(results) == len(texts)
    for t, r in zip(texts[:-2], results):
        expect = credibly.score(t)
        assert r.ok and r.text is t
        assert r.trust == pytest.approx(expect.trust, abs=0, rel=0)
        assert r.evidence == expect.evidence
        assert r.features == expect.features
    assert not results[-2].ok and "missing" in results[-2].error
    assert not results[-1].ok


def test_score_one_passes_read_errors_through():
    r = parallel.score_one(("ignored", None, "binary: not a text file"))
    assert not r.ok and r.error == "binary: not a text file"


def test_forkserver_workers(monkeypatch):
    """Workers that do not inherit the parent's memory (the start method used from a
    multi-threaded parent) get the model from its JSON text."""
    import multiprocessing

    method = "forkserver"
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setenv("CREDIBLY_START_METHOD", method)
    texts = _texts()[:4]
    m = default_model()
    rows = parallel.score_rows_parallel(texts, [None] * len(texts), model=m, features=False, n_jobs=2, chunksize=1)
    from credibly.api import _score_row

    assert rows == [_score_row(t, None, m, False) for t in texts]


def test_score_one_missing_values():
    import pandas as pd

    for missing in (None, float("nan"), pd.NA):
        r = parallel.score_one((missing, None))
        assert not r.ok and r.error.startswith("missing"), missing
