"""Text -> one parse -> every extractor -> features, family strengths, evidence.

Family values (``Analysis.families``, ``Result.families``): each extractor's rule strength in
[0, 1]; for a family with a shipped head in ``models/family_heads.json`` (``ai_generated``;
``translation`` would be combined the same way once a head passes the training gate) the value is
``noisy_or(head, rule)``, a calibrated probability (:mod:`credibly.heads`; a head may also read
the document's hashed word n-gram score, :mod:`credibly.ngram`, from the same parse). ``Analysis.rules``
keeps the rule strengths alone. Without a heads file the families are the rule strengths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .document import Document, parse
from .extractors import FAMILIES, registered
from .extractors.base import Evidence

__all__ = ["Analysis", "analyse", "feature_names", "model_inputs"]


@dataclass(slots=True)
class Analysis:
    doc: Document
    features: dict[str, float]
    #: the family values: rule strength, combined with the family head where one is trained
    families: dict[str, float | None]
    evidence: list[Evidence]
    #: the extractors' rule strengths alone
    rules: dict[str, float | None] = field(default_factory=dict)


def feature_names() -> list[str]:
    """Every feature name, in the fixed order of registration."""
    return [f for ex in registered() for f in ex.feature_names]


_WARM: set[str] = set()


def _freeze_after_first(language: str) -> None:
    """After the first document of a language has loaded its lazy data (lexicons, word
    frequencies, syllable dictionaries: hundreds of thousands of long-lived objects), move
    everything alive into the garbage collector's permanent generation so that later
    collections do not walk it again (full collections otherwise pause ~0.25 s)."""
    if language not in _WARM:
        _WARM.add(language)
        import gc

        gc.freeze()


def analyse(text: str, language: str | None = None, *, heads: bool = True) -> Analysis:
    """Parse once, run every extractor, combine the family values. ``heads=False`` leaves
    the family values at the rule strengths (used when the heads themselves are trained,
    so that training never depends on the heads file it replaces)."""
    from .heads import HEAD_FAMILIES, combine, family_probability  # lazy: python -m credibly.heads

    doc = parse(text, language)
    features: dict[str, float] = {}
    rules: dict[str, float | None] = {}
    evidence: list[Evidence] = []
    for ex in registered():
        out = ex(doc)
        features.update(out.features)
        if ex.family in FAMILIES:
            s = out.strength
            rules[ex.family] = None if s is None or math.isnan(s) else min(max(float(s), 0.0), 1.0)
        evidence.extend(out.evidence)
    evidence.sort(key=lambda e: (e.start, e.end, e.family, e.kind))
    _freeze_after_first(doc.language)
    families = dict(rules)
    for fam in HEAD_FAMILIES if heads else ():
        if fam in families:
            families[fam] = combine(family_probability(fam, doc.language, features, doc), rules[fam])
    return Analysis(doc, features, families, evidence, rules)


def model_inputs(analysis: Analysis) -> dict[str, float]:
    """Features plus family values (``family.<name>``), the model's input space."""
    inputs = dict(analysis.features)
    for fam, s in analysis.families.items():
        inputs[f"family.{fam}"] = math.nan if s is None else s
    return inputs
