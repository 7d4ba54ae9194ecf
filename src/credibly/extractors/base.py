"""Extractor protocol, evidence records and the extractor registry."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..document import Document

__all__ = [
    "Evidence",
    "Extraction",
    "Extractor",
    "register",
    "get_extractor",
    "registered",
    "per_1k",
    "saturate",
    "noisy_or",
]


class Evidence(NamedTuple):
    """A text span behind a signal: ``text == document[start:end]``."""

    family: str
    kind: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Extraction:
    """What an extractor returns: named features, the family strength and evidence."""

    features: dict[str, float]
    strength: float
    evidence: list[Evidence] = field(default_factory=list)


# An extractor: versioned name, family, language-dependent or not, and a function.
@dataclass(frozen=True, slots=True)
class Extractor:
    name: str  # versioned, e.g. "hedging_v1"
    family: str
    language_dependent: bool
    feature_names: tuple[str, ...]
    fn: Callable[[Document], Extraction]

    def __call__(self, doc: Document) -> Extraction:
        if self.language_dependent and not doc.supported:
            return Extraction({f: math.nan for f in self.feature_names}, math.nan, [])
        out = self.fn(doc)
        if out.features.keys() != self._expected:
            missing = set(self.feature_names) ^ set(out.features)
            raise RuntimeError(f"extractor {self.name} returned wrong feature set: {sorted(missing)}")
        return out

    @property
    def _expected(self) -> frozenset[str]:
        return _EXPECTED[self.name]


_REGISTRY: dict[str, Extractor] = {}
_EXPECTED: dict[str, frozenset[str]] = {}  # the prefixed feature names of each extractor


def register(name: str, family: str, features: tuple[str, ...], *, language_dependent: bool = True):
    """Decorator registering an extraction function under a versioned ``name``.

    Feature names are prefixed with the extractor name (``hedging_v1.hedges_per_1k``),
    so a changed definition (a new version) never silently changes a stored feature.
    """
    if not name.rsplit("_v", 1)[-1].isdigit():
        raise ValueError(f"extractor name {name!r} must end in a version such as '_v1'")

    def deco(fn: Callable[[Document], Extraction]) -> Callable[[Document], Extraction]:
        if name in _REGISTRY:
            raise ValueError(f"extractor {name!r} is already registered")
        full = tuple(f"{name}.{f}" for f in features)
        prefixed = dict(zip(features, full))

        def wrapped(doc: Document) -> Extraction:
            out = fn(doc)
            out.features = {prefixed.get(k) or f"{name}.{k}": float(v) for k, v in out.features.items()}
            return out

        _EXPECTED[name] = frozenset(full)
        _REGISTRY[name] = Extractor(name, family, language_dependent, full, wrapped)
        return fn

    return deco


def get_extractor(name: str) -> Extractor:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown extractor {name!r}; registered: {', '.join(sorted(_REGISTRY))}") from None


def registered() -> list[Extractor]:
    return list(_REGISTRY.values())


def per_1k(count: float, n_words: int) -> float:
    return 1000.0 * count / max(n_words, 1)


def saturate(x: float, scale: float) -> float:
    """Monotone map of a non-negative amount to [0, 1): ``1 - exp(-x / scale)``."""
    if x <= 0 or math.isnan(x):
        return 0.0
    return 1.0 - math.exp(-x / scale)


def noisy_or(*ps: float) -> float:
    """Probability that at least one of independent signals fires."""
    q = 1.0
    for p in ps:
        if not math.isnan(p):
            q *= 1.0 - min(max(p, 0.0), 1.0)
    return 1.0 - q
