"""``credibly train``: fit a trust model on your own labelled documents.

The model is written in the same safe JSON format as the shipped one, with a model card
(``MODEL_CARD.md``) holding the data summary and group-aware cross-validated AUC, Brier
score and ECE. Use it with ``credibly score --model DIR``. Needs the ``train`` extra.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("credibly.train")

__all__ = ["configure", "run", "train_on_table"]


def configure(subparsers) -> None:
    p = subparsers.add_parser(
        "train",
        help="train a trust model on your own labels (needs the train extra)",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("--data", required=True, help="JSONL, CSV or Parquet table")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label", help="1 = trustworthy, 0 = not (rows with other values are skipped)")
    p.add_argument("--group-column", default=None,
                   help="rows sharing a value stay on one side of every split (publisher, story); strongly recommended")
    p.add_argument("--language-column", default=None)
    p.add_argument("--out", required=True, help="output folder for trust_model.json and MODEL_CARD.md")
    p.add_argument("--C", type=float, default=0.1, help="inverse L2 strength (default 0.1)")
    p.add_argument("--jobs", type=int, default=1)
    p.set_defaults(run=run)


def _read_table(path: Path):
    import pandas as pd

    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz")):
        return pd.read_json(path, lines=True)
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith((".csv", ".csv.gz")):
        return pd.read_csv(path)
    if name.endswith(".tsv"):
        return pd.read_csv(path, sep="\t")
    raise ValueError(f"unknown table type: {path} (use .jsonl, .csv, .tsv or .parquet)")


def train_on_table(df, text_column: str, label_column: str, group_column: str | None, language_column: str | None,
                   out: Path, C: float = 0.1, jobs: int = 1) -> dict[str, Any]:
    from . import train as T


    for col in [text_column, label_column] + [c for c in (group_column, language_column) if c]:
        if col not in df.columns:
            raise KeyError(f"no column {col!r}; available columns: {', '.join(map(str, df.columns))}")
    labels = df[label_column]
    keep = labels.isin([0, 1, True, False]) & df[text_column].map(lambda t: isinstance(t, str) and bool(t.strip()))
    df = df[keep]
    if df[label_column].nunique() < 2:
        raise ValueError("training needs both labels (1 = trustworthy, 0 = not)")
    texts = df[text_column].tolist()
    langs = df[language_column].tolist() if language_column else [None] * len(df)
    feats = T.featurize(texts, langs, jobs)
    names = T.input_names()
    ok = np.array([f is not None for f in feats])
    X = np.array([[f.get(n, math.nan) for n in names] for f in feats if f is not None])
    y = df[label_column].astype(int).to_numpy()[ok]
    if group_column:
        groups = df[group_column].astype(str).to_numpy()[ok]
    else:
        log.warning("no --group-column: every row is its own group; near-duplicates may leak across folds")
        groups = np.array([f"row{i}" for i in range(int(ok.sum()))])
    from .document import detect_language

    detected = [lg or detect_language(t)[0] for t, lg in zip(texts, langs)]
    languages = np.array(detected)[ok]
    d = T.TrainingData(X, y, groups, np.array(["news"] * len(y)), np.array(["user"] * len(y)), languages,
                       np.array([str(i) for i in range(len(y))]), names)
    n_splits = min(5, len(set(groups)))
    p = T.grouped_cv(d, n_splits=n_splits, C=C, news_share=1.0) if n_splits >= 2 else np.full(len(y), math.nan)
    cv = T.metrics(y, p) if n_splits >= 2 else {}
    model = T.fit_model(d, C=C, news_share=1.0, metadata={
        "trained": time.strftime("%Y-%m-%d"),
        "rows": int(len(y)),
        "label_policy": f"user labels from column {label_column!r} (1 = trustworthy)",
        "grouped_cv": cv,
        "skipped_rows": int((~keep).sum() + (~ok).sum()),
    })
    if "*" not in model.heads:  # TrustModel requires a fallback head
        model.heads["*"] = next(iter(model.heads.values()))
    out.mkdir(parents=True, exist_ok=True)
    model.save(out)
    card = [
        "# Model card (user-trained)",
        "",
        f"Trained {time.strftime('%Y-%m-%d')} with `credibly train` on {len(y)} rows "
        f"({int(y.sum())} labelled trustworthy); {int((~keep).sum() + (~ok).sum())} rows skipped.",
        f"Heads: {', '.join(sorted(model.heads))} (one per language with both labels, '*' for the rest).",
        f"Groups: {'column ' + repr(group_column) if group_column else 'none given (each row its own group)'}.",
        "",
        f"Group-aware {n_splits}-fold cross-validation: "
        + (", ".join(f"{k} {v:.3f}" for k, v in cv.items() if k in ("auc", "brier", "ece", "accuracy")) if cv else "not possible"),
        "",
        "Stored as JSON with a SHA-256 checksum: loading it cannot run code.",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(card) + "\n", encoding="utf-8")
    json.dumps(cv)  # must be JSON-able
    return {"rows": int(len(y)), "grouped_cv": cv, "heads": sorted(model.heads)}


def run(args) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("credibly train needs scikit-learn: pip install 'credibly[train]'", file=sys.stderr)
        return 2
    try:
        df = _read_table(Path(args.data))
        summary = train_on_table(df, args.text_column, args.label_column, args.group_column, args.language_column,
                                 Path(args.out), C=args.C, jobs=args.jobs)
    except (KeyError, ValueError, OSError) as exc:
        print(f"credibly train: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    return 0
