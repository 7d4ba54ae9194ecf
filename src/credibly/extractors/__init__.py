"""Feature extractors, one module per family, registered by versioned name."""

from . import ai_generated, attribution, boilerplate, hedging, readability, translation  # noqa: F401  (registration)
from .base import Evidence, Extraction, Extractor, get_extractor, registered

__all__ = ["Evidence", "Extraction", "Extractor", "get_extractor", "registered", "FAMILIES"]

#: the five signal families reported in ``Result.families``
FAMILIES = ("hedging", "attribution", "translation", "ai_generated", "boilerplate")
