"""Scale-out on an existing engine: the pandas batch function, unchanged, as a Dask
``map_partitions`` function (threaded scheduler and a local in-process cluster)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import credibly

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

DEMO = Path(__file__).resolve().parents[1] / "seeds" / "demo"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DEMO.glob("*.txt"))]
    rows = texts * 2 + [None, ""]
    return pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(len(rows))], "text": rows})


def _meta(pdf: pd.DataFrame) -> pd.DataFrame:
    """Column names and dtypes of score_frame's output, from one real row."""
    return credibly.score_frame(pdf.iloc[:1], "text").iloc[:0]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert a["doc_id"].tolist() == b["doc_id"].tolist()
    # a missing text reaches score_frame as pd.NA from Dask's Arrow strings: same error row
    for col in ("trust", "language", "top_signals", "error"):
        for x, y in zip(a[col].tolist(), b[col].tolist()):
            if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
                continue
            if x is None and isinstance(y, float) and math.isnan(y) or y is None and isinstance(x, float) and math.isnan(x):
                continue
            assert x == y, (col, x, y)


def test_map_partitions_threaded_scheduler(frame):
    ddf = dd.from_pandas(frame, npartitions=3)
    out = ddf.map_partitions(credibly.score_frame, "text", meta=_meta(frame))
    with dask.config.set(scheduler="threads", num_workers=2):
        got = out.compute()
    _same(credibly.score_frame(frame, "text"), got.sort_values("doc_id"))
    assert got["trust"].iloc[:-2].between(0, 1).all()
    assert got["error"].iloc[-2:].notna().all()


def test_map_partitions_local_cluster(frame):
    distributed = pytest.importorskip("distributed")
    ddf = dd.from_pandas(frame, npartitions=4)
    out = ddf.map_partitions(credibly.score_frame, "text", features=False, meta=_meta(frame)[
        [c for c in _meta(frame).columns if "." not in c]
    ])
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        got = client.compute(out).result()
    _same(credibly.score_frame(frame, "text", features=False), got.sort_values("doc_id"))


def test_missing_arrow_string_is_missing():
    pdf = pd.DataFrame({"text": pd.array(["A real sentence of text.", None], dtype="string")})
    out = credibly.score_frame(pdf, "text")
    assert out["error"].iloc[1].startswith("missing")
