"""Markers of AI-generated analysis: explicit disclosures (``disclosure``, or an ``ai_mention``
on a short line or beside a ``self_reference``), templated digest structure
(emoji or formulaic section headers, bullet lists), stock LLM phrasing and uniform
sentence rhythm; for the trained head also weaker stylometric cues: generic evaluative
phrasing, the density of the additive conjunction and the share of prose sentences
without any specific (figure, quotation, parenthesis, colon, semicolon or dash).

Lexicon sections (``features/ai_generated/<lang>.txt``): ``disclosure``, ``ai_mention``,
``self_reference``, ``template_header``, ``stock_phrase``, ``generic_phrase``,
``coordinator``. Emoji headers, bullets, rhythm and plain sentences are
language-independent. ``generic_phrase`` and ``coordinator`` feed the head only: they add
neither rule strength nor evidence (each hit alone is too weak to show as an AI marker).
"""

from __future__ import annotations

import bisect
import math
import re

from ..document import Document, is_emoji_or_symbol
from ._util import char_evidence, hit_evidence, word_set
from .base import Extraction, noisy_or, per_1k, register, saturate

FAMILY = "ai_generated"
FEATURES = (
    "disclosures",
    "template_headers_per_1k",
    "emoji_headers_per_1k",
    "bullet_line_share",
    "stock_phrases_per_1k",
    "sentence_length_cv",
    "generic_phrases_per_1k",
    "coordinators_per_1k",
    "plain_sentence_share",
)
_HEADER_MAX_TOKENS = 10
_DISCLOSURE_LINE_TOKENS = 12
_BULLETS = frozenset("•●▪▸►‣◦-–*✓✔➤→")
#: a sentence holding one of these carries a specific: a figure, a quotation, a parenthesis,
#: or a colon, semicolon or en/em dash that inserts or introduces a detail (a spaced ASCII
#: hyphen is not counted: the alternation made the scan three times slower). ASCII digits only,
#: so the single character class keeps the scan fast.
_SPECIFIC_RE = re.compile(r"[0-9%()\[\]\"„“”«»‹›:;–—]")
#: an explicit self-disclosure is near-certain evidence of AI generation
DISCLOSURE_STRENGTH = 0.95


@register("ai_generated_v1", FAMILY, FEATURES, language_dependent=False)
def extract(doc: Document) -> Extraction:
    evidence = []
    n = doc.n_words
    lexical = doc.supported

    disclosures = list(doc.hits_of(FAMILY, "disclosure"))
    # a phrase about AI generation discloses only on a short standalone line, or in a
    # sentence that refers to the document itself ("this summary ...")
    self_ref = {doc.sentence_of[h.first] for h in doc.hits_of(FAMILY, "self_reference")}
    mentions = doc.hits_of(FAMILY, "ai_mention")
    if mentions:
        para_firsts = [para.first for para in doc.paragraphs]
        for h in mentions:
            para = doc.paragraphs[bisect.bisect_right(para_firsts, h.first) - 1]
            if para.last - para.first <= _DISCLOSURE_LINE_TOKENS or doc.sentence_of[h.first] in self_ref:
                disclosures.append(h)
    evidence += [hit_evidence(doc, FAMILY, "ai_disclosure", h) for h in disclosures]
    stock = doc.hits_of(FAMILY, "stock_phrase")
    evidence += [hit_evidence(doc, FAMILY, "stock_phrase", h) for h in stock]

    header_hits = {}
    for h in doc.hits_of(FAMILY, "template_header"):
        header_hits.setdefault(doc.sentence_of[h.first], h)

    template_headers = emoji_headers = bullets = 0
    lines = 0
    for para in doc.paragraphs:
        line = doc.text[para.start : para.end].strip()
        if not line:
            continue
        lines += 1
        head = line[0]
        if head in _BULLETS and len(line) > 1 and line[1].isspace():
            bullets += 1
        n_tok = para.last - para.first
        if n_tok == 0 or n_tok > _HEADER_MAX_TOKENS:
            continue
        if is_emoji_or_symbol(head):
            emoji_headers += 1
            evidence.append(char_evidence(doc, FAMILY, "emoji_header", para.start, para.end))
        if lexical:
            for k in range(doc.sentence_of[para.first], doc.sentence_of[para.last - 1] + 1):
                h = header_hits.get(k)
                if h is not None and (h.last - h.first) * 2 >= n_tok:
                    template_headers += 1
                    evidence.append(hit_evidence(doc, FAMILY, "template_header", h))
                    break

    # rhythm of the prose: sentences of paragraphs that hold at least two sentences
    # (headers, bullet items and table rows are one-"sentence" lines, not rhythm)
    sent_of = doc.sentence_of
    prose = [
        sp
        for para in doc.paragraphs
        if para.last > para.first and sent_of[para.last - 1] > sent_of[para.first]
        for sp in doc.sentences[sent_of[para.first] : sent_of[para.last - 1] + 1]
        if sp.last - sp.first >= 3
    ]
    if len(prose) >= 3:
        lengths = [sp.last - sp.first for sp in prose]
        mean = sum(lengths) / len(lengths)
        cv = math.sqrt(sum((x - mean) ** 2 for x in lengths) / len(lengths)) / mean  # population sd / mean
        # the same prose sentences without a single specific (figure, quotation, parenthesis, ...)
        search, text = _SPECIFIC_RE.search, doc.text
        plain = sum(1 for sp in prose if search(text, sp.start, sp.end) is None) / len(prose)
    else:
        cv = plain = math.nan

    nan = math.nan
    feats = {
        "disclosures": float(len(disclosures)) if lexical else nan,
        "template_headers_per_1k": per_1k(template_headers, n) if lexical else nan,
        "emoji_headers_per_1k": per_1k(emoji_headers, n),
        "bullet_line_share": bullets / lines if lines else 0.0,
        "stock_phrases_per_1k": per_1k(len(stock), n) if lexical else nan,
        "sentence_length_cv": cv,
        "generic_phrases_per_1k": per_1k(len(doc.hits_of(FAMILY, "generic_phrase")), n) if lexical else nan,
        # single words, counted in C over the casefolded tokens (a phrase-matcher hit for every
        # "and" would cost more than the count)
        "coordinators_per_1k": per_1k(sum(map(doc.folded.count, word_set(FAMILY, doc.language, "coordinator"))), n)
        if lexical
        else nan,
        "plain_sentence_share": plain,
    }
    strength = noisy_or(
        DISCLOSURE_STRENGTH if disclosures else 0.0,
        saturate(feats["template_headers_per_1k"] if lexical else 0.0, 8.0),
        saturate(feats["emoji_headers_per_1k"], 8.0),
        saturate(feats["stock_phrases_per_1k"] if lexical else 0.0, 15.0),
    )
    return Extraction(feats, strength, evidence)
