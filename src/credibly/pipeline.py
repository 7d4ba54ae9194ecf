"""Text -> one parse -> every extractor -> features, family strengths, evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .document import Document, parse
from .extractors import FAMILIES, registered
from .extractors.base import Evidence

__all__ = ["Analysis", "analyse", "feature_names", "model_inputs"]


@dataclass(slots=True)
class Analysis:
    doc: Document
    features: dict[str, float]
    families: dict[str, float | None]
    evidence: list[Evidence]


def feature_names() -> list[str]:
    """Every feature name, in the fixed order of registration."""
    return [f for ex in registered() for f in ex.feature_names]


def analyse(text: str, language: str | None = None) -> Analysis:
    doc = parse(text, language)
    features: dict[str, float] = {}
    families: dict[str, float | None] = {}
    evidence: list[Evidence] = []
    for ex in registered():
        out = ex(doc)
        features.update(out.features)
        if ex.family in FAMILIES:
            s = out.strength
            families[ex.family] = None if s is None or math.isnan(s) else min(max(float(s), 0.0), 1.0)
        evidence.extend(out.evidence)
    evidence.sort(key=lambda e: (e.start, e.end, e.family, e.kind))
    return Analysis(doc, features, families, evidence)


def model_inputs(analysis: Analysis) -> dict[str, float]:
    """Features plus family strengths (``family.<name>``), the model's input space."""
    inputs = dict(analysis.features)
    for fam, s in analysis.families.items():
        inputs[f"family.{fam}"] = math.nan if s is None else s
    return inputs
