"""Feature extractors, one module per family, registered by versioned name."""

from . import ai_generated, attribution, boilerplate, hedging, readability, translation  # noqa: F401  (registration)
from .base import Evidence, Extraction, Extractor, get_extractor, registered

__all__ = [
    "Evidence",
    "Extraction",
    "Extractor",
    "get_extractor",
    "registered",
    "FAMILIES",
    "EVIDENCE_FEATURES",
    "evidence_feeds",
]

#: the five signal families reported in ``Result.families``
FAMILIES = ("hedging", "attribution", "translation", "ai_generated", "boilerplate")

#: (family, evidence kind) -> the features (name after the extractor prefix) the kind counts
#: towards. A kind ending in "_" is a prefix ("unit_" covers "unit_spaced_currency").
EVIDENCE_FEATURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("hedging", "hedge"): ("hedges_per_1k", "hedged_sentence_share"),
    ("hedging", "booster"): ("boosters_per_1k",),
    ("hedging", "weasel"): ("weasels_per_1k", "weasel_sentence_share"),
    ("hedging", "sourced_prediction"): ("predictions_per_1k",),
    ("hedging", "unsourced_prediction"): ("unsourced_predictions_per_1k", "predictions_per_1k"),
    ("hedging", "sensational"): ("sensational_per_1k",),
    ("attribution", "reporting_verb"): ("report_verbs_per_1k", "attributed_sentence_share"),
    ("attribution", "named_source"): ("named_sources_per_1k", "named_source_share"),
    ("attribution", "pronoun_source"): ("named_sources_per_1k", "named_source_share"),
    ("attribution", "anonymous_source"): ("anonymous_sources_per_1k", "named_source_share"),
    ("attribution", "cited_publication"): ("publications_per_1k",),
    ("attribution", "cited_link"): ("publications_per_1k",),
    ("attribution", "attributed_quote"): ("attributed_quote_share", "quotes_per_1k"),
    ("attribution", "unattributed_quote"): ("attributed_quote_share", "quotes_per_1k"),
    ("translation", "name_variant"): ("name_variants_per_1k",),
    ("translation", "broken_casing"): ("casing_variants_per_1k",),
    ("translation", "phrase_loop"): ("loops_per_1k",),
    ("translation", "run_together"): ("run_together_per_1k",),
    ("translation", "unit_"): ("unit_artifacts_per_1k",),
    ("translation", "calque"): ("calques_per_1k",),
    ("translation", "foreign_line_"): ("foreign_line_share",),
    ("translation", "foreign_script_line"): ("foreign_line_share",),
    ("ai_generated", "ai_disclosure"): ("disclosures",),
    ("ai_generated", "stock_phrase"): ("stock_phrases_per_1k",),
    ("ai_generated", "emoji_header"): ("emoji_headers_per_1k",),
    ("ai_generated", "template_header"): ("template_headers_per_1k",),
    ("boilerplate", "repeated_paragraph"): ("exact_duplicates_per_1k", "duplicate_word_share"),
    ("boilerplate", "near_duplicate_paragraph"): ("near_duplicates_per_1k", "duplicate_word_share"),
    ("boilerplate", "shortcode"): ("shortcodes_per_1k",),
    ("boilerplate", "template_tag"): ("shortcodes_per_1k",),
    ("boilerplate", "template_var"): ("shortcodes_per_1k",),
    ("boilerplate", "ad_line"): ("ad_line_share",),
    ("boilerplate", "furniture_line"): ("furniture_line_share",),
}


def evidence_feeds(family: str, kind: str, feature: str) -> bool:
    """Whether evidence of ``kind`` counts towards ``feature`` (a full, versioned name)."""
    suffix = feature.split(".", 1)[-1]
    for (fam, k), feats in EVIDENCE_FEATURES.items():
        if fam == family and (kind == k or (k.endswith("_") and kind.startswith(k))):
            return suffix in feats
    return False
