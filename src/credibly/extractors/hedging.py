"""Hedging: hedges, boosters, weasel/anonymous claims and confident unsourced predictions.

Lexicon sections read (``features/hedging/<lang>.txt``): ``hedge``, ``booster``,
``weasel``, ``prediction``, ``sensational``; patterns (``<lang>.patterns``): ``future_year`` (a future
marker followed by a year in one clause: "will dominate by 2027").
A prediction is *unsourced* when its sentence carries no attribution cue
(``attribution/report_verb`` or ``attribution/publication_cue``).
"""

from __future__ import annotations

from ..document import Document
from ..resources import load_patterns
from ._util import hit_evidence, sentence_hit_mask, char_evidence
from .base import Extraction, noisy_or, per_1k, register, saturate

FAMILY = "hedging"
FEATURES = (
    "hedges_per_1k",
    "boosters_per_1k",
    "weasels_per_1k",
    "predictions_per_1k",
    "unsourced_predictions_per_1k",
    "hedged_sentence_share",
    "weasel_sentence_share",
    "sensational_per_1k",
)


@register("hedging_v1", FAMILY, FEATURES)
def extract(doc: Document) -> Extraction:
    hedges = doc.hits_of(FAMILY, "hedge")
    boosters = doc.hits_of(FAMILY, "booster")
    weasels = doc.hits_of(FAMILY, "weasel")
    predictions = doc.hits_of(FAMILY, "prediction")
    # a sentence is sourced when it reports a source and that source is not anonymous
    attributed = sentence_hit_mask(
        doc, doc.hits_of("attribution", "report_verb") + doc.hits_of("attribution", "publication_cue")
    )
    anonymous = sentence_hit_mask(
        doc, weasels + doc.hits_of("attribution", "anonymous_source") + doc.hits_of("attribution", "anonymous_subject")
    )
    attributed = [a and not b for a, b in zip(attributed, anonymous)]
    n_sent = max(len(doc.sentences), 1)
    evidence = [hit_evidence(doc, FAMILY, "hedge", h) for h in hedges]
    evidence += [hit_evidence(doc, FAMILY, "booster", h) for h in boosters]
    evidence += [hit_evidence(doc, FAMILY, "weasel", h) for h in weasels]
    sensational = doc.hits_of(FAMILY, "sensational")
    evidence += [hit_evidence(doc, FAMILY, "sensational", h) for h in sensational]

    # predictions: lexicon phrases, plus a future marker with a future year in one sentence
    pred_spans: dict[int, tuple[int, int]] = {}
    for h in predictions:
        pred_spans.setdefault(doc.sentence_of[h.first], (doc.starts[h.first], doc.ends[h.last - 1]))
    year_re = load_patterns(FAMILY, doc.language).get("future_year")
    if year_re is not None:
        for m in year_re.finditer(doc.text, 0, doc.ends[-1]):
            k = doc.sentence_of[min(doc.token_at(m.start()), doc.n_words - 1)]
            pred_spans.setdefault(k, (m.start(), m.end()))
    unsourced = 0
    for k, (s, e) in sorted(pred_spans.items()):
        if attributed[k]:
            evidence.append(char_evidence(doc, FAMILY, "sourced_prediction", s, e))
        else:
            unsourced += 1
            evidence.append(char_evidence(doc, FAMILY, "unsourced_prediction", s, e))

    hedged = sentence_hit_mask(doc, hedges + weasels)
    weasel_mask = sentence_hit_mask(doc, weasels)
    n = doc.n_words
    feats = {
        "hedges_per_1k": per_1k(len(hedges), n),
        "boosters_per_1k": per_1k(len(boosters), n),
        "weasels_per_1k": per_1k(len(weasels), n),
        "predictions_per_1k": per_1k(len(pred_spans), n),
        "unsourced_predictions_per_1k": per_1k(unsourced, n),
        "hedged_sentence_share": sum(hedged) / n_sent,
        "weasel_sentence_share": sum(weasel_mask) / n_sent,
        "sensational_per_1k": per_1k(len(sensational), n),
    }
    strength = noisy_or(
        saturate(feats["weasels_per_1k"], 4.0),
        saturate(feats["unsourced_predictions_per_1k"], 4.0),
        saturate(feats["hedges_per_1k"] + feats["boosters_per_1k"], 40.0),
    )
    return Extraction(feats, strength, evidence)
