"""Fit and evaluate the trust model.

``python -m credibly.train --shared ../shared --out models`` rebuilds the shipped model
(``models/trust_model.json``), its metrics (``models/metrics.json``) and model card
(``models/MODEL_CARD.md``) from the labelled corpora in ``../shared``. Needs the
``train`` extra (scikit-learn).

Label policy (see the model card): 1 = a reader can rely on the document as a source.
News rows keep their corpus label (ISOT is never trained on: it is a shortcut check);
WMT21 human reference translations are 1 and machine translations of the same windows
are 0; human XSum/news/Wikipedia texts are 1 and machine-generated continuations or
rewrites of the same articles are 0; padded copies of trustworthy articles (closing
sections repeated, exactly or lightly reworded) are 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import math
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .model import LinearHead, TrustModel, apply_transforms
from .resources import feature_fingerprint

log = logging.getLogger("credibly.train")

__all__ = ["build_training_set", "featurize", "fit_model", "grouped_cv", "main"]

SEED = 20261126
_WMT_WINDOW = 15


# -- data ----------------------------------------------------------------------------
def _read_jsonl_gz(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


#: misinfotext's source-encoding damage: a curly quote or apostrophe became '?' inside a word
_ENCODING_DAMAGE = re.compile(r"[A-Za-z]\?[A-Za-z]")


def load_news(shared: Path, *, for_training: bool = True) -> list[dict[str, Any]]:
    """Binary-labelled news rows.

    ISOT is left out (a shortcut check only). For training, rows with misinfotext's
    encoding damage are left out too: the damage glues words together and creates
    out-of-vocabulary tokens, which mimics machine-translation artifacts and is tied to
    the label (most damaged rows are BuzzFeed 'mostly true').
    """
    rows = []
    for r in _read_jsonl_gz(shared / "corpora" / "news.jsonl.gz"):
        if r["label"] is None or r["dataset"] == "isot_sample":
            continue
        if for_training and r["dataset"] == "misinfotext_sfu" and _ENCODING_DAMAGE.search(r["text"]):
            continue
        ds = r["dataset"]
        if ds == "fakenewsnet_v1" or (ds == "misinfotext_sfu" and r["subset"] == "buzzfeed_use"):
            heldout = "buzzfeed2016"  # one BuzzFeed-2016 source: held out together
        elif ds == "misinfotext_sfu":
            heldout = "snopes312"
        else:
            heldout = ds
        rows.append(
            {
                "id": r["id"],
                "text": r["text"],
                "language": r["language"],
                "label": int(r["label"]),
                "group": r["group"],
                "dataset": heldout,
                "source": "news",
            }
        )
    return rows


def load_translation(shared: Path, rng: random.Random, per_pair: int = 120) -> list[dict[str, Any]]:
    """WMT21 windows of 15 segments: a human reference (1) and one MT system's output (0)."""
    base = shared / "signals" / "translation" / "wmt21_news" / "txt"
    rows = []
    for pair in ("de-en", "zh-en", "en-de"):
        tgt = pair.split("-")[1]
        refs = sorted((base / "references").glob(f"newstest2021.{pair}.ref.*.{tgt}"))
        hyps = sorted((base / "system-outputs").glob(f"newstest2021.{pair}.hyp.*.{tgt}"))
        if not refs or not hyps:
            continue
        ref_lines = [p.read_text(encoding="utf-8").splitlines() for p in refs]
        hyp_lines = [p.read_text(encoding="utf-8").splitlines() for p in hyps]
        n = min(len(x) for x in ref_lines + hyp_lines)
        windows = list(range(0, n - _WMT_WINDOW + 1, _WMT_WINDOW))
        rng.shuffle(windows)
        for w in windows[:per_pair]:
            group = f"wmt21/{pair}/{w}"
            for label, pool in ((1, ref_lines), (0, hyp_lines)):
                lines = rng.choice(pool)[w : w + _WMT_WINDOW]
                rows.append(
                    {
                        "id": f"{group}/{label}",
                        "text": _paragraphs(lines, rng),
                        "language": tgt,
                        "label": label,
                        "group": group,
                        "dataset": "wmt21",
                        "source": "translation",
                    }
                )
    return rows


def _paragraphs(sentences: Sequence[str], rng: random.Random) -> str:
    out, cur = [], []
    for s in sentences:
        cur.append(s.strip())
        if len(cur) >= rng.randint(2, 4):
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return "\n\n".join(out)


def load_ai(shared: Path) -> list[dict[str, Any]]:
    """Human (1) vs machine-generated (0) texts of the same articles."""
    rows = []
    xsum = shared / "signals" / "ai_text" / "fastdetectgpt_xsum" / "exp_gpt3to4" / "data"
    for gen in ("gpt-3.5-turbo", "davinci"):
        path = xsum / f"xsum_{gen}.raw_data.json"
        if not path.is_file():
            continue
        d = json.loads(path.read_text(encoding="utf-8"))
        for k, (human, machine) in enumerate(zip(d["original"], d["sampled"])):
            group = "xsum/" + " ".join(human.split()[:30])
            for label, text in ((1, human), (0, machine)):
                rows.append(
                    {
                        "id": f"xsum/{gen}/{k}/{label}",
                        "text": text,
                        "language": "en",
                        "label": label,
                        "group": group,
                        "dataset": "xsum_ai",
                        "source": "ai",
                    }
                )
    schaaff = shared / "signals" / "ai_text" / "human_ai_corpus_schaaff2023"
    for kind in ("news", "wiki"):
        for label, fname in ((1, f"{kind}_human_generated.jsonl"), (0, f"{kind}_chatgpt_generated.jsonl")):
            path = schaaff / fname
            if not path.is_file():
                continue
            for k, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                o = json.loads(line)
                if o.get("language") not in ("en", "de") or (kind == "wiki" and o["language"] != "de"):
                    continue
                title = o.get("title_en") or str(k)
                rows.append(
                    {
                        "id": f"schaaff/{fname}/{k}",
                        "text": o["text"],
                        "language": o["language"],
                        "label": label,
                        "group": f"schaaff/{kind}/{o['language']}/{title}",
                        "dataset": "schaaff_ai",
                        "source": "ai",
                    }
                )
    return rows


#: optional simulated blocks (``--extra-block``), not in the shipped model's training set.
#: ``unsourced`` (measured 2026-11-26, ``python -m credibly.train --select --extra-block
#: unsourced --out DIR``): seed 001 rises to 0.745, but ``--select`` then moves the news share
#: to 0.3 and held-out real news gets worse (mean leave-one-dataset-out AUC 0.581 -> 0.556,
#: English news ECE 0.035 -> 0.103), so it is not shipped.
EXTRA_BLOCKS = ("unsourced",)


def simulated(news: list[dict[str, Any]], ai: list[dict[str, Any]], rng: random.Random, per_language: int = 200,
              extra: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Pairs of (real document, 1) and (the same document with a simulated defect, 0).

    Padding and MT artifacts are applied to trustworthy news articles; digest layout to
    machine-generated texts (their human twins are the label-1 side). ``extra``: optional
    blocks of :data:`EXTRA_BLOCKS` (``unsourced``: the article without its sourced sentences).
    """
    from . import augment

    out: list[dict[str, Any]] = []
    for lang in ("en", "de"):
        pool = [r for r in news if r["label"] == 1 and r["language"] == lang and len(r["text"]) > 1200]
        rng.shuffle(pool)
        kinds = [("padded", lambda t: augment.pad(t, rng)), ("mt_simulated", lambda t: augment.garble(t, rng, lang))]
        if "unsourced" in extra:
            kinds.append(("unsourced", lambda t: augment.unsource(t, rng, lang)))
        for kind, fn in kinds:
            made = 0
            for r in pool:
                if made >= per_language:
                    break
                text = fn(r["text"])
                if text is None:
                    continue
                made += 1
                out.append({**r, "id": r["id"] + "/orig-" + kind, "label": 1, "source": kind})
                out.append({**r, "id": r["id"] + "/" + kind, "text": text, "label": 0, "source": kind})
            rng.shuffle(pool)
    machine = [r for r in ai if r["label"] == 0]
    human_by_group = {r["group"]: r for r in ai if r["label"] == 1}
    rng.shuffle(machine)
    made = {"en": 0, "de": 0}
    for r in machine:
        h = human_by_group.get(r["group"])
        if h is None or made[r["language"]] >= per_language:
            continue
        text = augment.digest(r["text"], rng, r["language"])
        if text is None:
            continue
        made[r["language"]] += 1
        out.append({**h, "id": h["id"] + "/orig-digest", "source": "digest_simulated"})
        out.append({**r, "id": r["id"] + "/digest", "text": text, "label": 0, "source": "digest_simulated"})
    return out


def build_training_set(shared: Path, seed: int = SEED, extra_blocks: Sequence[str] = ()) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    news = load_news(shared)
    ai = load_ai(shared)
    return news + load_translation(shared, rng) + ai + simulated(news, ai, rng, extra=extra_blocks)


# -- features ------------------------------------------------------------------------
def _featurize_one(item: tuple[str, str]) -> dict[str, float] | None:
    from .errors import CrediblyError
    from .pipeline import analyse, model_inputs

    text, lang = item
    try:
        return model_inputs(analyse(text, lang))
    except CrediblyError:
        return None


def featurize(texts: Sequence[str], languages: Sequence[str | None], n_jobs: int = 1) -> list[dict[str, float] | None]:
    items = list(zip(texts, languages))
    if n_jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(n_jobs) as pool:
            return list(pool.map(_featurize_one, items, chunksize=32))
    return [_featurize_one(it) for it in items]


#: features left out of the trust model:
#: - document length is a dataset shortcut (real articles are longer in several corpora);
#: - furniture and ad lines: the label policy says page furniture alone is not
#:   disqualifying, and share counters are a publisher shortcut in fakenewsnet (they stay
#:   in the boilerplate family and its evidence);
#: - the ai_generated head's weak stylometric inputs (generic phrasing, "and" density, share of
#:   sentences without a specific): they feed that family's trained head only; as trust
#:   evidence a reader could not act on them (they carry no evidence spans).
EXCLUDED_INPUTS = (
    "readability_v1.log_words",
    "boilerplate_v1.furniture_line_share",
    "boilerplate_v1.ad_line_share",
    "ai_generated_v1.generic_phrases_per_1k",
    "ai_generated_v1.coordinators_per_1k",
    "ai_generated_v1.plain_sentence_share",
)


def input_names() -> list[str]:
    """The trust model's inputs: every feature but the excluded ones. Family strengths are
    functions of the features, so they are reported but not used (no collinear duplicates)."""
    from .pipeline import feature_names

    return [f for f in feature_names() if f not in EXCLUDED_INPUTS]


#: Known direction of each feature's effect on trust (the label policy): +1 may only raise
#: trust, -1 may only lower it, 0 is left to the data. Constraining the signs keeps the
#: model from learning a dataset artefact with the wrong sign (German fake outlets quote a
#: lot; BuzzFeed's real pages carry repeated furniture) and keeps explanations readable.
#: First matching prefix wins.
SIGN_POLICY: tuple[tuple[str, int], ...] = (
    ("attribution_v1.anonymous_sources_per_1k", -1),
    ("attribution_v1.", +1),
    ("hedging_v1.boosters_per_1k", -1),
    ("hedging_v1.weasel", -1),
    ("hedging_v1.sensational_per_1k", -1),
    ("hedging_v1.unsourced_predictions_per_1k", -1),
    ("hedging_v1.", 0),
    ("translation_v1.", -1),
    ("ai_generated_v1.sentence_length_cv", +1),
    ("ai_generated_v1.", -1),
    ("boilerplate_v1.", -1),
    ("readability_v1.exclamations_per_sentence", -1),
    ("readability_v1.", 0),
)


def sign_of(name: str) -> int:
    for prefix, sign in SIGN_POLICY:
        if name.startswith(prefix):
            return sign
    return 0


def _fit_logistic(Z: np.ndarray, y: np.ndarray, w: np.ndarray | None, C: float, signs: list[int]) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression with sign bounds on the coefficients (L-BFGS-B)."""
    from scipy.optimize import minimize

    n, k = Z.shape
    w = np.ones(n) if w is None else np.asarray(w, dtype=float)
    w = w / w.mean()
    t = 2.0 * y - 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, b = theta[:k], theta[k]
        m = t * (Z @ coef + b)
        # log(1 + exp(-m)) computed stably
        ll = np.logaddexp(0.0, -m)
        g = -t * w / (1.0 + np.exp(np.clip(m, -50, 50)))
        f = float((w * ll).sum() + 0.5 / C * (coef @ coef))
        grad = np.empty(k + 1)
        grad[:k] = Z.T @ g + coef / C
        grad[k] = g.sum()
        return f, grad

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs] + [(None, None)]
    res = minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000})
    return res.x[:k], float(res.x[k])


def _reference_z(name: str, transform: str, mean: float, scale: float) -> float:
    """Where a feature's contribution is measured from: its absence (raw 0) for the signal
    counts and shares of the five families, the training mean for style measures."""
    family = name.split("_v", 1)[0]
    absent_is_zero = family in ("hedging", "attribution", "translation", "ai_generated", "boilerplate") and (
        "per_1k" in name or "share" in name or name.endswith((".disclosures", ".oov_rate"))
    )
    if not absent_is_zero:
        return 0.0
    return float(np.clip((0.0 - mean) / scale, -6.0, 6.0))  # log1p(0) == 0


def _transform_for(name: str) -> str:
    return "log1p" if ("per_1k" in name or name.endswith(".disclosures")) else "identity"


# -- fitting -------------------------------------------------------------------------
def fit_head(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    names: list[str],
    weights: np.ndarray | None = None,
    C: float = 0.1,
) -> LinearHead:
    """Standardise, fit an L2 logistic regression, Platt-calibrate on out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    transforms = [_transform_for(n) for n in names]
    Xt = apply_transforms(X, transforms)
    mean = np.nanmean(Xt, axis=0)
    mean = np.where(np.isnan(mean), 0.0, mean)
    scale = np.nanstd(Xt, axis=0)
    scale = np.where(~np.isfinite(scale) | (scale < 1e-9), 1.0, scale)
    proto = LinearHead(names, transforms, mean, scale, np.zeros(len(names)), 0.0, 1.0, 0.0)
    Z = proto._z(X)

    signs = [sign_of(n) for n in names]

    def fit(idx: np.ndarray) -> tuple[np.ndarray, float]:
        return _fit_logistic(Z[idx], y[idx], None if weights is None else weights[idx], C, signs)

    # out-of-fold raw scores for the calibration map
    oof = np.zeros(len(y))
    n_splits = min(5, len(np.unique(groups)))
    for tr, te in GroupKFold(n_splits=n_splits).split(Z, y, groups):
        coef, b0 = fit(tr)
        oof[te] = Z[te] @ coef + b0
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(oof.reshape(-1, 1), y, sample_weight=weights)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    coef, b0 = fit(np.arange(len(y)))
    reference = np.array([_reference_z(n, t, mu, sd) for n, t, mu, sd in zip(names, transforms, mean, scale)])
    return LinearHead(
        features=list(names),
        transforms=transforms,
        mean=mean,
        scale=scale,
        coef=coef.astype(float),
        intercept=b0,
        platt_a=a,
        platt_b=b,
        reference=reference,
    )


# -- metrics -------------------------------------------------------------------------
def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.mean() * abs(p[m].mean() - y[m].mean())
    return float(total)


def metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    out = {"n": int(len(y)), "positives": int(y.sum())}
    out["auc"] = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else math.nan
    out["brier"] = float(brier_score_loss(y, p))
    out["ece"] = ece(y, p)
    out["accuracy"] = float(((p >= 0.5) == (y == 1)).mean())
    return out


@dataclass
class TrainingData:
    """Feature matrix and row metadata of a training set."""

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    sources: np.ndarray
    datasets: np.ndarray
    languages: np.ndarray
    ids: np.ndarray
    names: list[str]

    def subset(self, mask: np.ndarray) -> "TrainingData":
        return TrainingData(
            self.X[mask], self.y[mask], self.groups[mask], self.sources[mask], self.datasets[mask],
            self.languages[mask], self.ids[mask], self.names,
        )


HEAD_LANGUAGES = ("en", "de")


def sample_weights(d: TrainingData, news_share: float = 0.5) -> np.ndarray:
    """News rows keep their natural label frequencies and get ``news_share`` of the total
    weight; the rest is shared equally by the policy blocks (MT, AI, padding, digests),
    each balanced between its labels."""
    w = np.zeros(len(d.y))
    blocks = sorted(set(d.sources))
    policy = [b for b in blocks if b != "news"]
    share_news = news_share if "news" in blocks and policy else 1.0
    for b in blocks:
        if b == "news":
            m = d.sources == b
            w[m] = share_news / m.sum()
            continue
        share = (1.0 - share_news) / len(policy)
        for lab in (0, 1):
            m = (d.sources == b) & (d.y == lab)
            if m.any():
                w[m] = share / 2 / m.sum()
    return w * len(d.y)


def fit_model(d: TrainingData, C: float = 0.1, news_share: float = 0.5, metadata: dict | None = None) -> TrustModel:
    """One head per language in HEAD_LANGUAGES (trained on that language's rows) and a
    pooled ``*`` head for every other language."""
    heads = {}
    for lg in HEAD_LANGUAGES + ("*",):
        sub = d if lg == "*" else d.subset(d.languages == lg)
        if len(set(sub.y)) < 2:
            continue
        heads[lg] = fit_head(sub.X, sub.y, sub.groups, sub.names, sample_weights(sub, news_share), C=C)
    return TrustModel(heads=heads, metadata=metadata or {})


def grouped_cv(d: TrainingData, n_splits: int = 5, C: float = 0.1, news_share: float = 0.5) -> np.ndarray:
    """Out-of-fold calibrated probabilities from group-aware K-fold, per-language heads."""
    from sklearn.model_selection import GroupKFold

    p = np.zeros(len(d.y))
    for tr, te in GroupKFold(n_splits=n_splits).split(d.X, d.y, d.groups):
        m = fit_model(d.subset(tr), C=C, news_share=news_share)
        p[te] = m.predict_proba(d.X[te], list(d.languages[te]))
    return p


def leave_one_dataset_out(d: TrainingData, C: float = 0.1, news_share: float = 0.5) -> dict[str, dict[str, float]]:
    """Hold out each news dataset in turn (and every row sharing a group with it)."""
    out = {}
    news_sets = sorted(set(d.datasets[d.sources == "news"]))
    for ds in news_sets:
        te = (d.datasets == ds) & (d.sources == "news")
        tr = ~np.isin(d.groups, list(set(d.groups[te])))
        m = fit_model(d.subset(tr), C=C, news_share=news_share)
        p = m.predict_proba(d.X[te], list(d.languages[te]))
        out[ds] = metrics(d.y[te], p)
    return out


def metrics_table(d: TrainingData, p: np.ndarray) -> dict[str, dict[str, float]]:
    out = {"all": metrics(d.y, p)}
    for s in sorted(set(d.sources)):
        m = d.sources == s
        out[f"source={s}"] = metrics(d.y[m], p[m])
    for lg in HEAD_LANGUAGES:
        m = (d.languages == lg) & (d.sources == "news")
        out[f"news/{lg}"] = metrics(d.y[m], p[m])
    for ds in sorted(set(d.datasets[d.sources == "news"])):
        m = (d.datasets == ds) & (d.sources == "news")
        out[f"news/{ds}"] = metrics(d.y[m], p[m])
    return out


def reliability_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        m = idx == b
        if m.any():
            out.append({"bin": b, "n": int(m.sum()), "mean_p": float(p[m].mean()), "rate": float(y[m].mean())})
    return out


def cached_matrix(cache: Path | None, names: list[str], ids: list[str]) -> np.ndarray | None:
    """The cached feature matrix if it was computed for these features, rows and code."""
    if cache is None or not cache.is_file():
        return None
    z = np.load(cache, allow_pickle=False)
    fresh = (
        "fingerprint" in z.files and str(z["fingerprint"]) == feature_fingerprint()
        and list(z["names"]) == names and list(z["ids"]) == ids
    )
    if not fresh:
        log.info("feature cache %s is stale: recomputing", cache)
    return z["X"] if fresh else None


def save_matrix(cache: Path | None, X: np.ndarray, names: list[str], ids: list[str]) -> None:
    if cache is not None:
        np.savez_compressed(cache, X=X, names=np.array(names), ids=np.array(ids), fingerprint=np.array(feature_fingerprint()))


def load_training_data(shared: Path, jobs: int = 2, cache: Path | None = None,
                       extra_blocks: Sequence[str] = ()) -> TrainingData:
    rows = build_training_set(shared, extra_blocks=extra_blocks)
    names = input_names()
    X = cached_matrix(cache, names, [r["id"] for r in rows])
    if X is None:
        log.info("featurizing %d documents with %d processes", len(rows), jobs)
        feats = featurize([r["text"] for r in rows], [r["language"] for r in rows], jobs)
        X = np.array([[f.get(n, math.nan) for n in names] if f else [math.nan] * len(names) for f in feats])
        save_matrix(cache, X, names, [r["id"] for r in rows])
    keep = ~np.all(np.isnan(X), axis=1)
    rows = [r for r, k in zip(rows, keep) if k]
    col = lambda key: np.array([r[key] for r in rows])  # noqa: E731
    return TrainingData(X[keep], col("label"), col("group"), col("source"), col("dataset"), col("language"), col("id"), names)


def selection_score(d: TrainingData, C: float, news_share: float) -> dict[str, Any]:
    """Model-selection criterion: the mean AUC over held-out evaluation units, each news
    dataset held out whole (leave-one-dataset-out) and each policy block scored by grouped
    5-fold CV (a block's defect exists only in that block, so it cannot be held out whole)."""
    lodo = leave_one_dataset_out(d, C=C, news_share=news_share)
    p = grouped_cv(d, C=C, news_share=news_share)
    units = {f"lodo/{k}": v["auc"] for k, v in lodo.items() if v["auc"] == v["auc"]}
    for s in sorted(set(d.sources) - {"news"}):
        m = d.sources == s
        units[f"cv/{s}"] = metrics(d.y[m], p[m])["auc"]
    return {"C": C, "news_share": news_share, "mean_auc": float(np.mean(list(units.values()))), "units": units}


GRID = {"C": (0.03, 0.1, 0.3), "news_share": (0.3, 0.5, 0.7)}


# -- command -------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m credibly.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default="../shared", help="folder holding corpora/ and signals/ (default ../shared)")
    ap.add_argument("--out", default="models", help="output folder (default models)")
    ap.add_argument("--jobs", type=int, default=2, help="processes for feature extraction")
    ap.add_argument("--C", type=float, default=0.1, help="inverse L2 strength")
    ap.add_argument("--news-share", type=float, default=0.5, help="share of the training weight given to news rows")
    ap.add_argument("--cache", default=None, help="optional .npz feature cache (reused when it matches)")
    ap.add_argument("--extra-block", action="append", default=[], choices=EXTRA_BLOCKS,
                    help="add an optional simulated block to the training set (not in the shipped model)")
    ap.add_argument("--select", action="store_true",
                    help="choose C and --news-share on the grid by selection_score() first (writes selection.json)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    shared, out = Path(args.shared), Path(args.out)
    t0 = time.time()
    d = load_training_data(shared, args.jobs, Path(args.cache) if args.cache else None, args.extra_block)
    log.info("featurized in %.0fs; %d rows", time.time() - t0, len(d.y))
    if args.select:
        trials = []
        for C in GRID["C"]:
            for ns in GRID["news_share"]:
                trials.append(selection_score(d, C, ns))
                log.info("C=%s news_share=%s mean held-out AUC %.4f", C, ns, trials[-1]["mean_auc"])
        best = max(trials, key=lambda t: t["mean_auc"])
        args.C, args.news_share = best["C"], best["news_share"]
        out.mkdir(parents=True, exist_ok=True)
        (out / "selection.json").write_text(json.dumps({"chosen": best, "trials": trials}, indent=1) + "\n", encoding="utf-8")

    report: dict[str, Any] = {"rows": int(len(d.y)), "C": args.C, "news_share": args.news_share, "seed": SEED,
                              "extra_blocks": list(args.extra_block)}
    report["composition"] = {
        f"{s}/{lab}": int(((d.sources == s) & (d.y == lab)).sum()) for s in sorted(set(d.sources)) for lab in (0, 1)
    }
    p_cv = grouped_cv(d, C=args.C, news_share=args.news_share)
    report["grouped_cv"] = metrics_table(d, p_cv)
    report["reliability_grouped_cv"] = reliability_bins(d.y, p_cv)
    report["lodo_news"] = leave_one_dataset_out(d, C=args.C, news_share=args.news_share)
    model = fit_model(
        d,
        C=args.C,
        news_share=args.news_share,
        metadata={
            "trained": time.strftime("%Y-%m-%d"),
            "rows": int(len(d.y)),
            "composition": report["composition"],
            "C": args.C,
            "news_share": args.news_share,
            "label_policy": "1 = a reader can rely on the document as a source; see MODEL_CARD.md",
            "grouped_cv_all": report["grouped_cv"]["all"],
        },
    )
    report["seed_scores"] = _seed_scores(shared, model)
    out.mkdir(parents=True, exist_ok=True)
    model.save(out)
    (out / "metrics.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    _plot_reliability(report["reliability_grouped_cv"], out / "reliability.png")
    from .card import write_model_card

    write_model_card(out)
    log.info("wrote %s in %.0fs", out, time.time() - t0)
    print(json.dumps({"grouped_cv_all": report["grouped_cv"]["all"], "seed_scores": report["seed_scores"]}, indent=1))
    return 0


def _plot_reliability(bins: list[dict[str, float]], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - optional
        log.warning("matplotlib not installed: no reliability diagram")
        return
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=120)
    ax.plot([0, 1], [0, 1], ls="--", color="#888", lw=1, label="perfect calibration")
    xs = [b["mean_p"] for b in bins]
    ys = [b["rate"] for b in bins]
    ax.plot(xs, ys, marker="o", color="#0072B2", label="grouped 5-fold CV")
    for b in bins:
        ax.annotate(str(b["n"]), (b["mean_p"], b["rate"]), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("predicted trust")
    ax.set_ylabel("share trustworthy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("Reliability (out-of-fold, all rows)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _seed_scores(shared: Path, model: TrustModel) -> dict[str, float]:
    from .api import score

    out = {}
    for p in sorted((shared / "seeds").glob("*.txt")):
        out[p.name[:3]] = round(score(p.read_text(encoding="utf-8"), model=model).trust, 4)  # reported only
    return out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
