"""``credibly evaluate``: group-aware, cross-dataset evaluation of the trust model against
same-run baselines.

For every held-out news dataset (leave-one-dataset-out; the BuzzFeed-2016 family held out
together) credibly's model and two baselines are trained on everything else and scored on
the held-out rows:

* ``tfidf``: TF-IDF word 1-2-grams + logistic regression (what most fake-news projects ship),
* ``textstat``: logistic regression on textstat readability scores only.

German is evaluated cross-publisher on FANG-COVID (leave one publisher out, 10kGNAD always
in training as extra label-1 data). ISOT is scored only as a shortcut check (as is, with the
"(Reuters)" dateline removed, with contractions normalised), satire rows as a
false-positive check. Needs the ``train`` extra.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from . import train as T

log = logging.getLogger("credibly.evaluate")

__all__ = ["evaluate", "configure", "run"]

_DATELINE = re.compile(r"^.{0,80}?\(Reuters\)\s*-\s*", re.S)
_SPLIT_CONTRACTION = re.compile(r"\b(\w+) (t|s|re|ve|ll|d|m)\b")


def _news_rows(shared: Path) -> list[dict[str, Any]]:
    rows = []
    for r in T._read_jsonl_gz(shared / "corpora" / "news.jsonl.gz"):
        ds = r["dataset"]
        if ds == "fakenewsnet_v1" or (ds == "misinfotext_sfu" and r["subset"] == "buzzfeed_use"):
            unit = "buzzfeed2016"
        elif ds == "misinfotext_sfu":
            unit = "snopes312"
        else:
            unit = ds
        rows.append({**r, "unit": unit})
    return rows


_TEXTSTAT_METRICS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "coleman_liau_index",
    "automated_readability_index",
    "avg_sentence_length",
    "avg_syllables_per_word",
    "lexicon_count",
)


def _textstat_features(texts: list[str], langs: list[str]) -> np.ndarray:
    from textstat.textstat import textstatistics

    inst = {}
    out = []
    for text, lang in zip(texts, langs):
        ts = inst.get(lang)
        if ts is None:
            ts = inst[lang] = textstatistics()
            ts.set_lang(lang)
        sample = text[:20000]
        row = []
        for metric in _TEXTSTAT_METRICS:
            try:  # some metrics have no rules for some languages (gunning_fog in German)
                v = float(getattr(ts, metric)(sample))
                row.append(math.log1p(v) if metric == "lexicon_count" else v)
            except Exception:
                row.append(math.nan)
        out.append(row)
    return np.array(out, dtype=float)


def _fit_baselines(texts: list[str], y: np.ndarray, ts: np.ndarray):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    tfidf = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=300_000, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000),
    ).fit(texts, y)
    textstat = make_pipeline(
        SimpleImputer(keep_empty_features=True), StandardScaler(), LogisticRegression(max_iter=1000)
    ).fit(ts, y)
    return tfidf, textstat


def _metrics_or_error_rate(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    out = T.metrics(y, p)
    if not (0 < y.sum() < len(y)):
        out["error_rate_at_0.5"] = float(((p >= 0.5) != (y == 1)).mean())
    return out


def evaluate(shared: Path, jobs: int = 2, cache_dir: Path | None = None, C: float | None = None,
             news_share: float | None = None) -> dict[str, Any]:
    """Run every held-out evaluation; return a JSON-able report."""
    t0 = time.time()
    cache = None if cache_dir is None else cache_dir / "train_features.npz"
    d = T.load_training_data(shared, jobs, cache)
    sel = None
    if C is None or news_share is None:
        sel_path = Path("models") / "selection.json"
        if sel_path.is_file():
            sel = json.loads(sel_path.read_text())["chosen"]
    C = C if C is not None else (sel["C"] if sel else 0.1)
    news_share = news_share if news_share is not None else (sel["news_share"] if sel else 0.5)

    news = _news_rows(shared)
    # every news row (incl. encoding-damaged, null labels, ISOT) is featurized once
    ev_texts = [r["text"] for r in news]
    ev_langs = [r["language"] for r in news]
    isot = [r for r in news if r["dataset"] == "isot_sample"]
    isot_nodateline = [_DATELINE.sub("", r["text"], count=1) for r in isot]
    isot_contractions = [_SPLIT_CONTRACTION.sub(r"\1'\2", r["text"]) for r in isot]
    all_texts = ev_texts + isot_nodateline + isot_contractions
    all_langs = ev_langs + ["en"] * (2 * len(isot))
    names = d.names
    cache_ev = None if cache_dir is None else cache_dir / "eval_features.npz"
    ev_ids = [r["id"] for r in news] + [f"{r['id']}#nodateline" for r in isot] + [f"{r['id']}#contractions" for r in isot]
    X_all = T.cached_matrix(cache_ev, names, ev_ids)
    if X_all is None:
        log.info("featurizing %d evaluation documents", len(all_texts))
        feats = T.featurize(all_texts, all_langs, jobs)
        X_all = np.array([[f.get(n, math.nan) for n in names] if f else [math.nan] * len(names) for f in feats])
        T.save_matrix(cache_ev, X_all, names, ev_ids)
    log.info("textstat baseline features")
    TS_all = _textstat_features(all_texts, all_langs)
    n_news = len(news)
    X_news, TS_news = X_all[:n_news], TS_all[:n_news]
    y_news = np.array([-1 if r["label"] is None else int(r["label"]) for r in news])
    unit = np.array([r["unit"] for r in news])
    group = np.array([r["group"] for r in news])
    lang_news = np.array(ev_langs)
    train_news_ids = set(d.ids[d.sources == "news"])
    in_train = np.array([r["id"] in train_news_ids for r in news])

    report: dict[str, Any] = {"C": C, "news_share": news_share, "lodo": {}, "de_cross_publisher": {}}

    def run_unit(test_mask: np.ndarray, train_keep: np.ndarray) -> dict[str, dict[str, float]]:
        model = T.fit_model(d.subset(train_keep), C=C, news_share=news_share)
        tr_news = in_train & ~np.isin(group, list(set(group[test_mask]))) & (y_news >= 0) & ~test_mask
        tr_news &= lang_news == lang_news[test_mask][0]
        tfidf, ts = _fit_baselines([ev_texts[i] for i in np.where(tr_news)[0]], y_news[tr_news], TS_news[tr_news])
        yt = y_news[test_mask]
        p_cred = model.predict_proba(X_news[test_mask], list(lang_news[test_mask]))
        p_tfidf = tfidf.predict_proba([ev_texts[i] for i in np.where(test_mask)[0]])[:, 1]
        p_ts = ts.predict_proba(TS_news[test_mask])[:, 1]
        return {
            "credibly": _metrics_or_error_rate(yt, p_cred),
            "tfidf_lr": _metrics_or_error_rate(yt, p_tfidf),
            "textstat_lr": _metrics_or_error_rate(yt, p_ts),
        }

    for u in ["buzzfeed2016", "snopes312", "horne_adali_2017", "perez_rosas_2018", "golbeck_fake_vs_satire_2018"]:
        test = (unit == u) & (y_news >= 0)
        held_groups = set(group[test])
        keep = ~np.isin(d.groups, list(held_groups)) & ~((d.sources == "news") & (d.datasets == u))
        report["lodo"][u] = run_unit(test, keep)
        log.info("held out %s: %s", u, {k: round(v.get("auc", float("nan")), 3) for k, v in report["lodo"][u].items()})

    # German: leave one FANG publisher out; pooled out-of-publisher predictions
    fang = (unit == "fang_covid_sample") & (y_news >= 0)
    pubs = sorted(set(group[fang]))
    preds = {"credibly": np.zeros(len(y_news)), "tfidf_lr": np.zeros(len(y_news)), "textstat_lr": np.zeros(len(y_news))}
    for pub in pubs:
        test = fang & (group == pub)
        keep = ~np.isin(d.groups, [pub])
        model = T.fit_model(d.subset(keep), C=C, news_share=news_share)
        tr_news = in_train & (lang_news == "de") & (y_news >= 0) & (group != pub)
        tfidf, ts = _fit_baselines([ev_texts[i] for i in np.where(tr_news)[0]], y_news[tr_news], TS_news[tr_news])
        preds["credibly"][test] = model.predict_proba(X_news[test], ["de"] * int(test.sum()))
        preds["tfidf_lr"][test] = tfidf.predict_proba([ev_texts[i] for i in np.where(test)[0]])[:, 1]
        preds["textstat_lr"][test] = ts.predict_proba(TS_news[test])[:, 1]
    report["de_cross_publisher"] = {k: T.metrics(y_news[fang], v[fang]) for k, v in preds.items()}
    report["de_cross_publisher"]["per_publisher_mean_trust"] = {
        pub: round(float(preds["credibly"][fang & (group == pub)].mean()), 3) for pub in pubs
    }

    # shortcut check on ISOT and satire false positives: the full model
    full = T.fit_model(d, C=C, news_share=news_share)
    tr_en = in_train & (lang_news == "en") & (y_news >= 0)
    tfidf, ts = _fit_baselines([ev_texts[i] for i in np.where(tr_en)[0]], y_news[tr_en], TS_news[tr_en])
    isot_idx = np.where(unit == "isot_sample")[0]
    y_isot = y_news[isot_idx]
    k = len(isot)
    variants = {
        "as_is": (X_news[isot_idx], TS_news[isot_idx], [ev_texts[i] for i in isot_idx]),
        "dateline_removed": (X_all[n_news : n_news + k], TS_all[n_news : n_news + k], isot_nodateline),
        "contractions_normalised": (X_all[n_news + k :], TS_all[n_news + k :], isot_contractions),
    }
    report["isot_shortcut_check"] = {}
    for name, (Xv, TSv, texts) in variants.items():
        report["isot_shortcut_check"][name] = {
            "credibly_auc": T.metrics(y_isot, full.predict_proba(Xv, ["en"] * k))["auc"],
            "tfidf_lr_auc": T.metrics(y_isot, tfidf.predict_proba(texts)[:, 1])["auc"],
            "textstat_lr_auc": T.metrics(y_isot, ts.predict_proba(TSv)[:, 1])["auc"],
        }
    satire = np.array([r["label_fine"] == "satire" for r in news])
    report["satire"] = {
        "n": int(satire.sum()),
        "credibly_mean_trust": float(full.predict_proba(X_news[satire], list(lang_news[satire])).mean()),
    }
    report["nela_features"] = _nela_status()
    report["seconds"] = round(time.time() - t0, 1)
    return report


def _nela_status() -> str:
    try:
        import nela_features  # noqa: F401
    except ImportError:
        return "not run: nela-features is not installed (it is a comparison only, never a dependency)"
    try:
        import nltk

        nltk.data.find("sentiment/vader_lexicon.zip")
    except (ImportError, LookupError):
        return "not run: nela-features needs NLTK data (e.g. vader_lexicon) that is not on PyPI and cannot be downloaded here"
    return "available but not wired into this evaluation"


def markdown(report: dict[str, Any]) -> str:
    def f(v: Any) -> str:
        return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"

    lines = ["| held-out set | n | credibly AUC | TF-IDF AUC | textstat AUC | credibly Brier | credibly ECE | TF-IDF ECE | note |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for u, r in report["lodo"].items():
        c, t, s = r["credibly"], r["tfidf_lr"], r["textstat_lr"]
        note = ""
        if "error_rate_at_0.5" in c:
            note = f"one class: error rate credibly {c['error_rate_at_0.5']:.3f}, TF-IDF {t['error_rate_at_0.5']:.3f}"
        else:
            gap = c["auc"] - t["auc"]
            note = f"AUC gap vs TF-IDF {gap:+.3f}"
        lines.append(f"| {u} | {c['n']} | {f(c['auc'])} | {f(t['auc'])} | {f(s['auc'])} | {f(c['brier'])} | {f(c['ece'])} | {f(t['ece'])} | {note} |")
    g = report["de_cross_publisher"]
    lines.append(
        f"| fang_covid (de, leave-one-publisher-out) | {g['credibly']['n']} | {f(g['credibly']['auc'])} | {f(g['tfidf_lr']['auc'])} | "
        f"{f(g['textstat_lr']['auc'])} | {f(g['credibly']['brier'])} | {f(g['credibly']['ece'])} | {f(g['tfidf_lr']['ece'])} | "
        f"AUC gap vs TF-IDF {g['credibly']['auc'] - g['tfidf_lr']['auc']:+.3f} |"
    )
    lines += ["", "ISOT shortcut check (model trained without ISOT; AUC):", "",
              "| ISOT variant | credibly | TF-IDF | textstat |", "|---|---:|---:|---:|"]
    for name, r in report["isot_shortcut_check"].items():
        lines.append(f"| {name} | {f(r['credibly_auc'])} | {f(r['tfidf_lr_auc'])} | {f(r['textstat_lr_auc'])} |")
    lines += ["", f"Satire rows (n={report['satire']['n']}): mean credibly trust {report['satire']['credibly_mean_trust']:.3f}.",
              f"nela-features: {report['nela_features']}."]
    return "\n".join(lines)


def configure(subparsers) -> None:
    p = subparsers.add_parser(
        "evaluate",
        help="cross-dataset evaluation against TF-IDF and textstat baselines (needs ../shared and the train extra)",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("--shared", default="../shared", help="folder with corpora/ and signals/ (default ../shared)")
    p.add_argument("--out", default="models", help="folder for evaluation.json and evaluation.md (default models)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--cache", default=None, help="folder for feature caches")
    p.set_defaults(run=run)


def run(args) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("credibly evaluate needs scikit-learn: pip install 'credibly[train]'", file=sys.stderr)
        return 2
    shared = Path(args.shared)
    if not (shared / "corpora" / "news.jsonl.gz").is_file():
        print(f"credibly evaluate: no corpora/news.jsonl.gz under {shared}", file=sys.stderr)
        return 2
    logging.getLogger("credibly").setLevel(logging.INFO)
    cache = Path(args.cache) if args.cache else None
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
    report = evaluate(shared, args.jobs, cache)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    md = markdown(report)
    (out / "evaluation.md").write_text(md + "\n", encoding="utf-8")
    from .card import write_model_card

    write_model_card(out)
    print(md)
    return 0
