#!/usr/bin/env python
"""Measure the optional source prior (:mod:`credibly.source_prior`) and choose its weight.

Data, read by path at run time (nothing is copied into the project):

* documents: ``<shared>/corpora/news.jsonl.gz`` (rows with a ``url``);
* ratings: ``<shared>/corpora/source_ratings/sources_lin2023_domain_quality/domain_pc1.csv``
  (Lin et al. 2023, PNAS Nexus: ``pc1`` in [0, 1], the first principal component of six
  expert rating sets). Chosen because its ratings are expert judgements of OUTLETS made
  independently of the article labels of the news datasets; OpenSources (the Zimdars list
  behind Horne & Adali's labels) and the MBFC-derived sets are closer to the labelling
  lists of some datasets.

What is measured, on rows whose domain is rated:

* ``combined logit = document logit + w * (logit(clip(rating)) - logit(0.5))``;
* document-only vs combined AUC, Brier, ECE and log loss;
* the weight ``w`` is chosen (grid, minimum log loss) on one half of the DOMAINS and
  reported on the other half: rows are split by connected components of (domain, group),
  so no domain and no corpus group is on both sides; 2-fold cross-fitting, repeated over
  ``--repeats`` random splits. The default weight of credibly is the median chosen weight
  (held-out document scores, article-level datasets), rounded to 0.05.

Document scores come in two kinds:

* ``heldout`` (the headline): the trust model refitted without the evaluated dataset
  (leave-one-dataset-out as in ``credibly evaluate``; FANG leave-one-publisher-out), so the
  document score is as uninformed about these rows as it is about a user's documents;
* ``shipped``: the shipped model, which was trained on these rows (in-sample: the document
  score looks better than it is, so the prior's gain is understated).

Leakage: FANG-COVID (and ISOT, Horne random_political) are labelled BY PUBLISHER, so a
publisher rating is the label itself up to the rating's accuracy. They are reported
separately and never used to choose the weight (ISOT and Horne have no URLs anyway).

Usage::

    python benchmarks/source_prior.py                        # writes benchmarks/results/source_prior.json
    python benchmarks/source_prior.py --shared ../shared --jobs 2 --cache /tmp/credibly_source_prior

Features of the scored rows and of the training data are cached under ``--cache``
(the first run featurizes about 14,000 documents: ~2 minutes on 2 cores). The cache is reused only
for the same feature names, rows and extraction code (``credibly.resources.feature_fingerprint``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RATINGS_REL = Path("corpora/source_ratings/sources_lin2023_domain_quality/domain_pc1.csv")
ARTICLE_UNITS = ("buzzfeed2016", "snopes312", "golbeck_fake_vs_satire_2018")
PUBLISHER_LABELLED = ("fang_covid_sample", "isot_sample", "horne_adali_2017")
GRID = tuple(round(x, 2) for x in np.arange(0.0, 2.01, 0.05))
REPORT_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)


def unit_of(r: dict) -> str:
    ds = r["dataset"]
    if ds == "fakenewsnet_v1" or (ds == "misinfotext_sfu" and r["subset"] == "buzzfeed_use"):
        return "buzzfeed2016"
    if ds == "misinfotext_sfu":
        return "snopes312"
    return ds


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    from credibly import train as T

    out = T.metrics(y, p)
    pc = np.clip(p, 1e-12, 1 - 1e-12)
    out["log_loss"] = float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc)))
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    pc = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc)))


# -- document scores ------------------------------------------------------------------------
def featurize_rows(rows: list[dict], jobs: int, cache: Path) -> np.ndarray:
    from credibly import train as T

    names = T.input_names()
    ids = [r["id"] for r in rows]
    f = cache / "rows_features.npz"
    X = T.cached_matrix(f, names, ids)
    if X is not None:
        return X
    t0 = time.time()
    print(f"featurizing {len(rows)} documents with {jobs} processes ...", file=sys.stderr)
    feats = T.featurize([r["text"] for r in rows], [r["language"] for r in rows], jobs)
    X = np.array([[fe.get(n, math.nan) for n in names] if fe else [math.nan] * len(names) for fe in feats])
    T.save_matrix(f, X, names, ids)
    print(f"  {time.time() - t0:.0f} s", file=sys.stderr)
    return X


def heldout_document_logits(rows: list[dict], X: np.ndarray, shared: Path, jobs: int, cache: Path) -> np.ndarray:
    """Each row scored by a model trained without its dataset (FANG: without its publisher)."""
    from credibly import train as T

    d = T.load_training_data(shared, jobs, cache / "train_features.npz")
    sel = json.loads((ROOT / "models" / "selection.json").read_text())["chosen"]
    C, share = sel["C"], sel["news_share"]
    unit = np.array([unit_of(r) for r in rows])
    group = np.array([r["group"] for r in rows])
    langs = [r["language"] for r in rows]
    out = np.full(len(rows), np.nan)
    folds: list[np.ndarray] = []
    for u in sorted(set(unit)):
        if u == "fang_covid_sample":
            folds += [(unit == u) & (group == g) for g in sorted(set(group[unit == u]))]
        else:
            folds.append(unit == u)
    for test in folds:
        held = set(group[test])
        datasets = {r["dataset"] for r, t in zip(rows, test) if t}
        keep = ~np.isin(d.groups, list(held))
        if not any(ds == "fang_covid_sample" for ds in datasets):
            keep &= ~((d.sources == "news") & np.isin(d.datasets, list(datasets)))
        model = T.fit_model(d.subset(keep), C=C, news_share=share)
        idx = np.where(test)[0]
        out[idx] = logit(model.predict_proba(X[idx], [langs[i] for i in idx]))
    return out


# -- domain-held-out weight choice -------------------------------------------------------------
def components(domains: list[str], groups: list[str]) -> np.ndarray:
    """Connected components of rows linked by a shared domain or a shared corpus group."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for d, g in zip(domains, groups):
        ra, rb = find("d:" + d), find("g:" + g)
        if ra != rb:
            parent[ra] = rb
    return np.array([find("d:" + d) for d in domains])


def choose_weight(y: np.ndarray, z: np.ndarray, x: np.ndarray) -> float:
    losses = [log_loss(y, sigmoid(z + w * x)) for w in GRID]
    return float(GRID[int(np.argmin(losses))])


def cross_fit(y: np.ndarray, z: np.ndarray, x: np.ndarray, comp: np.ndarray, repeats: int, seed: int,
              unit: np.ndarray | None = None) -> dict:
    """Repeated 2-fold cross-fitting over components: weight fitted on one half of the domains,
    predictions made on the other; metrics on the pooled out-of-fold predictions."""
    rng = np.random.default_rng(seed)
    uniq = np.array(sorted(set(comp)))
    chosen: list[float] = []
    per_repeat: list[dict[str, float]] = []
    per_unit: dict[str, list[dict[str, float]]] = {}
    for _ in range(repeats):
        half = set(rng.permutation(uniq)[: len(uniq) // 2])
        a = np.array([c in half for c in comp])
        p = np.empty(len(y))
        for fit, rep in ((a, ~a), (~a, a)):
            w = choose_weight(y[fit], z[fit], x[fit])
            chosen.append(w)
            p[rep] = sigmoid(z[rep] + w * x[rep])
        per_repeat.append(metrics(y, p))
        if unit is not None:
            for u in sorted(set(unit)):
                per_unit.setdefault(u, []).append(metrics(y[unit == u], p[unit == u]))

    def summary(ms: list[dict[str, float]]) -> dict[str, float]:
        import warnings

        keys = ("auc", "brier", "ece", "log_loss", "accuracy")
        with warnings.catch_warnings():  # a one-class dataset has no AUC: nan, not a warning
            warnings.simplefilter("ignore", RuntimeWarning)
            return {k: round(float(np.nanmean([m[k] for m in ms])), 4) for k in keys} | {
                f"{k}_sd": round(float(np.nanstd([m[k] for m in ms])), 4) for k in ("auc", "brier", "ece")
            }

    out_units = {}
    if unit is not None:
        for u, ms in per_unit.items():
            m = unit == u
            out_units[u] = {"rows": int(m.sum()), "domain_components": len(set(comp[m])),
                            "document_only": metrics(y[m], sigmoid(z[m])), "combined_heldout_weight": summary(ms)}
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "components": int(len(uniq)),
        "largest_component_rows": int(max(np.sum(comp == c) for c in uniq)),
        "document_only": metrics(y, sigmoid(z)),
        "combined_heldout_weight": summary(per_repeat),
        "chosen_weight": {
            "median": float(np.median(chosen)),
            "q25": float(np.percentile(chosen, 25)),
            "q75": float(np.percentile(chosen, 75)),
            "folds": len(chosen),
        },
        # fixed weights need no fitting: scored on every row
        "fixed_weights": {str(w): metrics(y, sigmoid(z + w * x)) for w in REPORT_WEIGHTS},
        "per_dataset": out_units,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--ratings", default=None, help=f"ratings CSV (default: <shared>/{RATINGS_REL})")
    ap.add_argument("--rating-column", default="pc1")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cache", default="/tmp/credibly_source_prior")
    ap.add_argument("--repeats", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "source_prior.json"))
    args = ap.parse_args(argv)
    t0 = time.time()

    from credibly import train as T
    from credibly.model import default_model
    from credibly.source_prior import DEFAULT_BASE_RATE, DEFAULT_CLIP, DEFAULT_WEIGHT, SourceRatings

    shared = Path(args.shared)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    ratings_path = Path(args.ratings) if args.ratings else shared / RATINGS_REL
    ratings = SourceRatings.from_csv(ratings_path, rating_column=args.rating_column)

    news = T._read_jsonl_gz(shared / "corpora" / "news.jsonl.gz")
    # coverage: every dataset, with or without URLs
    coverage: dict[str, dict[str, int]] = {}
    for r in news:
        key = f"{r['dataset']}/{r['subset']}"
        c = coverage.setdefault(key, {"rows": 0, "with_url": 0, "rated": 0, "rated_labelled": 0, "rated_domains": 0})
        c["rows"] += 1
        t = ratings.term(r["url"])
        c["with_url"] += t.status != "no_url"
        c["rated"] += t.applied
        c["rated_labelled"] += t.applied and r["label"] is not None
    for key in coverage:
        coverage[key]["rated_domains"] = len({ratings.term(r["url"]).domain for r in news
                                              if f"{r['dataset']}/{r['subset']}" == key and ratings.term(r["url"]).applied})

    rows = [r for r in news if ratings.term(r["url"]).applied]
    terms = [ratings.term(r["url"]) for r in rows]
    X = featurize_rows(rows, args.jobs, cache)
    ok = ~np.all(np.isnan(X), axis=1)
    langs = [r["language"] for r in rows]
    z_shipped = logit(default_model().predict_proba(X, langs))
    z_heldout = heldout_document_logits(rows, X, shared, args.jobs, cache)
    lo, hi = DEFAULT_CLIP
    rating = np.array([t.rating for t in terms])
    unit = np.array([unit_of(r) for r in rows])
    y_all = np.array([-1 if r["label"] is None else int(r["label"]) for r in rows])
    domains = [t.domain for t in terms]
    groups = [r["group"] for r in rows]

    def x_for(base: float) -> np.ndarray:
        rc = np.clip(rating, lo, hi)
        return logit(rc) - math.log(base / (1 - base))

    report: dict = {
        "ratings": {"file": str(RATINGS_REL), "column": args.rating_column, "domains": len(ratings),
                    "why": "expert outlet ratings (Lin et al. 2023 ensemble) made independently of the news datasets' "
                           "article labels"},
        "formula": "logit(trust) = document logit + w * (logit(clip(rating, 0.02, 0.98)) - logit(base_rate))",
        "base_rate": DEFAULT_BASE_RATE,
        "clip": list(DEFAULT_CLIP),
        "grid": [GRID[0], GRID[-1], GRID[1] - GRID[0]],
        "repeats": args.repeats,
        "seed": args.seed,
        "coverage": coverage,
        "article_level": {},
        "publisher_labelled": {},
    }
    art = np.isin(unit, ARTICLE_UNITS) & (y_all >= 0) & ok
    comp = components([d for d, m in zip(domains, art) if m], [g for g, m in zip(groups, art) if m])
    for kind, z in (("heldout", z_heldout), ("shipped", z_shipped)):
        y, zz, xx = y_all[art], z[art], x_for(DEFAULT_BASE_RATE)[art]
        report["article_level"][kind] = cross_fit(y, zz, xx, comp, args.repeats, args.seed, unit[art])
    # sensitivity to the base rate (held-out document scores)
    report["article_level"]["base_rate_sensitivity"] = {
        str(b): {k: v for k, v in cross_fit(y_all[art], z_heldout[art], x_for(b)[art], comp, max(20, args.repeats // 5),
                                            args.seed).items() if k in ("chosen_weight", "combined_heldout_weight")}
        for b in (0.4, 0.5, 0.6)
    }
    w_default = round(round(report["article_level"]["heldout"]["chosen_weight"]["median"] / 0.05) * 0.05, 2)
    report["measured_default_weight"] = w_default
    report["shipped_default_weight"] = DEFAULT_WEIGHT
    # per dataset at the measured default weight (the weight was chosen on these rows as a whole)
    per = {}
    x5 = x_for(DEFAULT_BASE_RATE)
    for u in ARTICLE_UNITS:
        m = art & (unit == u)
        if m.sum() == 0:
            continue
        per[u] = {
            "rows": int(m.sum()), "domains": len({d for d, k in zip(domains, m) if k}),
            "document_only": metrics(y_all[m], sigmoid(z_heldout[m])),
            f"combined_w{DEFAULT_WEIGHT}": metrics(y_all[m], sigmoid(z_heldout[m] + DEFAULT_WEIGHT * x5[m])),
        }
    report["article_level"]["per_dataset_heldout"] = per
    # publisher-labelled: leakage, reported separately, never used for the weight
    for u in PUBLISHER_LABELLED:
        m = (unit == u) & (y_all >= 0) & ok
        if m.sum() == 0:
            report["publisher_labelled"][u] = {"rows": 0, "note": "no URL in the data: no source term possible"}
            continue
        report["publisher_labelled"][u] = {
            "rows": int(m.sum()), "domains": len({d for d, k in zip(domains, m) if k}),
            "note": "labelled by publisher: the prior is (a noisy copy of) the label; not evidence of a gain",
            "per_domain_rating": {d: round(float(rating[i]), 3) for i, d in enumerate(domains) if m[i]},
            **{kind: {"document_only": metrics(y_all[m], sigmoid(z[m])),
                      **{f"combined_w{w}": metrics(y_all[m], sigmoid(z[m] + w * x5[m])) for w in sorted({0.5, DEFAULT_WEIGHT, 1.0})}}
               for kind, z in (("heldout", z_heldout), ("shipped", z_shipped))},
        }
    report["seconds"] = round(time.time() - t0, 1)
    Path(args.out).write_text(json.dumps(report, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print_summary(report)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def print_summary(rep: dict) -> None:
    print(f"ratings: {rep['ratings']['file']} ({rep['ratings']['domains']} domains)")
    print("\ncoverage (rows / with URL / rated / rated+labelled / rated domains):")
    for k, c in rep["coverage"].items():
        print(f"  {k:42s} {c['rows']:5d} {c['with_url']:5d} {c['rated']:5d} {c['rated_labelled']:5d} {c['rated_domains']:4d}")
    for kind in ("heldout", "shipped"):
        a = rep["article_level"][kind]
        print(f"\narticle-level datasets, {kind} document scores: n={a['n']} (pos {a['positives']}), "
              f"{a['components']} domain/group components (largest {a['largest_component_rows']} rows)")
        d, c = a["document_only"], a["combined_heldout_weight"]
        print(f"  document only                       AUC {d['auc']:.3f}  Brier {d['brier']:.3f}  ECE {d['ece']:.3f}  logloss {d['log_loss']:.3f}")
        print(f"  + prior, weight fitted on other half AUC {c['auc']:.3f}  Brier {c['brier']:.3f}  ECE {c['ece']:.3f}  logloss {c['log_loss']:.3f}"
              f"  (sd AUC {c['auc_sd']:.3f})")
        cw = a["chosen_weight"]
        print(f"  chosen weight: median {cw['median']} (IQR {cw['q25']}-{cw['q75']}, {cw['folds']} folds)")
        for w, m in a["fixed_weights"].items():
            print(f"  fixed w={w:4s}  AUC {m['auc']:.3f}  Brier {m['brier']:.3f}  ECE {m['ece']:.3f}  logloss {m['log_loss']:.3f}")
    print("\nbase-rate sensitivity (held-out): " + ", ".join(
        f"base {b}: w {v['chosen_weight']['median']}, AUC {v['combined_heldout_weight']['auc']:.3f}, "
        f"Brier {v['combined_heldout_weight']['brier']:.3f}"
        for b, v in rep["article_level"]["base_rate_sensitivity"].items()))
    print(f"\nmeasured default weight: {rep['measured_default_weight']} (credibly.source_prior.DEFAULT_WEIGHT = "
          f"{rep['shipped_default_weight']})")
    for kind in ("heldout", "shipped"):
        print(f"\nper dataset ({kind} document scores; document only -> + prior with the weight fitted on the other "
              "half of the domains, mean over repeats):")
        for u, v in rep["article_level"][kind]["per_dataset"].items():
            d, c = v["document_only"], v["combined_heldout_weight"]
            print(f"  {u:30s} n={v['rows']:4d}  AUC {d['auc']:.3f} -> {c['auc']:.3f}  "
                  f"Brier {d['brier']:.3f} -> {c['brier']:.3f}  ECE {d['ece']:.3f} -> {c['ece']:.3f}")
    print(f"\nper dataset at the fixed default weight {rep['shipped_default_weight']} (held-out document scores):")
    for u, v in rep["article_level"]["per_dataset_heldout"].items():
        keys = [k for k in v if k.startswith("combined")]
        d, c = v["document_only"], v[keys[0]]
        print(f"  {u:30s} n={v['rows']:4d} domains={v['domains']:3d}  AUC {d['auc']:.3f} -> {c['auc']:.3f}  "
              f"Brier {d['brier']:.3f} -> {c['brier']:.3f}  ECE {d['ece']:.3f} -> {c['ece']:.3f}")
    print("\npublisher-labelled (LEAKAGE: label = publisher; not evidence):")
    for u, v in rep["publisher_labelled"].items():
        if not v["rows"]:
            print(f"  {u:30s} {v['note']}")
            continue
        h = v["heldout"]
        keys = [k for k in h if k.startswith("combined")]
        print(f"  {u:30s} n={v['rows']} domains={v['domains']}  held-out AUC {h['document_only']['auc']:.3f}; "
              + ", ".join(f"{k[9:]}: {h[k]['auc']:.3f}" for k in keys))


if __name__ == "__main__":
    sys.exit(main())
