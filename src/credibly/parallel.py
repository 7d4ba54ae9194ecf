"""Ordered multi-process scoring for batches."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .model import TrustModel

__all__ = ["score_rows_parallel"]

_MODEL: TrustModel | None = None
_FEATURES = True


def _init(payload: dict, features: bool) -> None:
    global _MODEL, _FEATURES
    from .model import MODEL_FORMAT

    _MODEL = TrustModel.from_document(
        {"format": MODEL_FORMAT, "format_version": 1, "payload": payload, "sha256": payload.pop("_sha")}
    )
    _FEATURES = features


def _work(item: tuple[Any, Any]) -> dict[str, Any]:
    from .api import _score_row

    assert _MODEL is not None
    return _score_row(item[0], item[1], _MODEL, _FEATURES)


def score_rows_parallel(texts: list, langs: list, *, model: TrustModel, features: bool, n_jobs: int) -> list[dict]:
    """Score rows in ``n_jobs`` processes; results come back in input order."""
    import hashlib

    from .model import _canonical

    payload = model.to_payload()
    sha = hashlib.sha256(_canonical(payload)).hexdigest()
    payload["_sha"] = sha
    chunk = max(1, min(64, len(texts) // (n_jobs * 4) or 1))
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init, initargs=(payload, features)) as pool:
        return list(pool.map(_work, zip(texts, langs), chunksize=chunk))
