"""Hedging: hedges, boosters, weasel/anonymous claims and confident unsourced predictions.

Lexicon sections read (``features/hedging/<lang>.txt``): ``hedge``, ``booster``,
``weasel``, ``prediction``, ``sensational``; patterns (``<lang>.patterns``): ``future_year`` (a future
marker followed by a year in one clause: "will dominate by 2027").
A prediction is *unsourced* when its sentence carries no attribution cue
(``attribution/report_verb`` or ``attribution/publication_cue``).

Ambiguous hedge entries are gated by the few tokens around each hit (see ``_keep_hedge``):
"may be"/"could" of permission or ability, "possible" outside epistemic frames,
"generally" outside consensus verbs, "some"/"many" as plain quantities, and German
"soll/sollen" unless it reports hearsay (perfect infinitive: "soll ... angenommen haben").
"""

from __future__ import annotations

from ..document import Document
from ..lexicon import Hit
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


# ---------------------------------------------------------------- context gates
# Ambiguous lexicon entries are kept only in the contexts where they mark uncertainty.
# Every gate reads a few tokens around one hit (no pass over the whole document).

#: participles after "may be" / "could be" that still read as epistemic (biomedical
#: speculation: "may be involved", "may be mediated by"); other participles make the
#: modal one of permission or ability ("may be used", "may be described as").
_EPISTEMIC_PARTICIPLES = frozenset(
    "involved mediated related regulated associated required caused due responsible implicated linked "
    "needed influenced controlled affected altered impaired explained accounted attributed "
    "considered expected reactivated facilitated determined triggered modulated "
    "underestimated overestimated".split()
)
_IRREGULAR_PARTICIPLES = frozenset(
    "made done seen found used given taken known shown written built held played worn sold paid chosen "
    "heard read set put cut kept left brought bought thought taught caught sent spent lent lost won "
    "met run drawn grown thrown driven ridden eaten fallen forgotten hidden spoken broken stolen "
    "frozen woken beaten bitten become begun sung sunk swum struck stuck hung laid led fed".split()
)
#: "could" + these is a hedge; "could not", "could only", "could + verb" (past ability) is not
_COULD_NEXT = frozenset(
    "be have also well possibly potentially perhaps conceivably theoretically explain account contribute "
    "reflect represent mean indicate lead cause result play provide affect serve help become "
    "involve underlie arise exist".split()
)
#: "generally" marks a vague consensus only before a reputational/consensus verb
_GENERALLY_NEXT = frozenset(
    "considered accepted regarded agreed believed thought seen viewed recognized recognised held known "
    "described referred speaking credited acknowledged assumed understood perceived acclaimed".split()
)
#: "some"/"many" followed by these are quantities or durations, not vague attribution
_QUANT_NOT = frozenset("time times extent years exceptions more a an the degree".split())
_QUANT_NOT_BEFORE = frozenset("how so too as for".split())
_BELIEF_PREV = frozenset(
    "is are was were be been being widely generally commonly once originally now long also still often "
    "traditionally popularly previously formerly erroneously mistakenly wrongly falsely".split()
)
_POSSIBLE_BEFORE = frozenset("is was be been are were it 's the a an one another its their".split())
_POSSIBLE_NOT_NEXT = frozenset("to for by in without from".split())
#: German: a perfect infinitive closes a hearsay "soll" clause ("soll ... angenommen haben")
_DE_PERFECT_AUX = frozenset(("haben", "sein"))
_DE_INSEPARABLE = ("be", "ver", "er", "ent", "zer", "emp", "miss", "über", "unter", "hinter", "wider")
_DE_SOLL = frozenset(("soll", "sollen"))
_CLAUSE_PUNCT = frozenset(",;:.!?()[]\"“”„«»")


def _folded(doc: Document, i: int) -> str:
    return doc.folded[i] if 0 <= i < doc.n_words else ""


def _same_sentence(doc: Document, i: int, j: int) -> bool:
    return 0 <= j < doc.n_words and doc.sentence_of[i] == doc.sentence_of[j]


def _is_participle(word: str) -> bool:
    return (word.endswith("ed") and len(word) > 4) or word in _IRREGULAR_PARTICIPLES


def _non_epistemic_be(doc: Document, i: int) -> bool:
    """Token ``i`` is "be" followed by a participle of permission/ability ("be used")."""
    if _folded(doc, i) != "be" or not _same_sentence(doc, i, i + 1):
        return False
    w = _folded(doc, i + 1)
    return _is_participle(w) and w not in _EPISTEMIC_PARTICIPLES


def _clause_break(doc: Document, i: int) -> bool:
    """Punctuation between token ``i`` and token ``i + 1`` (or a sentence end)."""
    if i + 1 >= doc.n_words or doc.sentence_of[i] != doc.sentence_of[i + 1]:
        return True
    gap = doc.text[doc.ends[i] : doc.starts[i + 1]]
    return any(c in _CLAUSE_PUNCT for c in gap)


def _de_perfect_infinitive(doc: Document, i: int) -> bool:
    """Tokens ``i-1, i`` are a participle + "haben"/"sein" ("angenommen haben", "gewesen sein")."""
    if _folded(doc, i) not in _DE_PERFECT_AUX or i < 1 or not _same_sentence(doc, i, i - 1):
        return False
    w = _folded(doc, i - 1)
    if w == "worden":
        return True
    return (
        len(w) > 4
        and w.endswith(("t", "en"))
        and ("ge" in w[:-2] or w.startswith(_DE_INSEPARABLE) or w.endswith("iert"))
    )


def _de_hearsay_soll(doc: Document, h: Hit) -> bool:
    """ "soll/sollen" reporting hearsay: a perfect infinitive ends its clause
    ("Der Minister soll Geld angenommen haben"), or precedes it in a verb-final clause
    ("..., weil er Geld angenommen haben soll"). Deontic uses ("soll im Mai gelten") fail."""
    i = h.first
    if i >= 2 and _de_perfect_infinitive(doc, i - 1) and not _clause_break(doc, i - 1):
        return True
    j = i
    for _ in range(30):  # bounded look-ahead to the end of the clause
        if _clause_break(doc, j):
            return j > i and _de_perfect_infinitive(doc, j)
        j += 1
    return False


def _keep_hedge(doc: Document, h: Hit) -> bool:
    words = doc.folded[h.first : h.last]
    first, nxt, prev = words[0], _folded(doc, h.last), _folded(doc, h.first - 1)
    if not _same_sentence(doc, h.first, h.last):
        nxt = ""
    if doc.language == "de":
        if len(words) == 1 and first in _DE_SOLL:
            return _de_hearsay_soll(doc, h)
        return True
    if words == ["may", "be"]:
        return not _non_epistemic_be(doc, h.last - 1)
    if first == "may" and len(words) == 2 and words[1] in ("also", "not"):
        # "may also be called/found/a ..." lists options; keep "may also be involved/due"
        return nxt != "be" or _folded(doc, h.last + 1) in _EPISTEMIC_PARTICIPLES
    if words == ["could"]:
        if nxt == "be":
            return not _non_epistemic_be(doc, h.last)
        return nxt in _COULD_NEXT
    if words == ["thought"] or words == ["believed"]:  # passive belief only: "is thought", "widely believed"
        return prev in _BELIEF_PREV and nxt != "of"
    if words == ["generally"]:
        return nxt in _GENERALLY_NEXT or (nxt in ("be", "been", "not") and _folded(doc, h.last + 1) in _GENERALLY_NEXT)
    if words == ["possible"]:
        if nxt == "that":
            return True
        return prev in _POSSIBLE_BEFORE and nxt not in _POSSIBLE_NOT_NEXT
    if words == ["some"] or words == ["many"]:
        if prev in _QUANT_NOT_BEFORE or nxt in _QUANT_NOT or nxt[:1].isdigit():
            return False
    return True


@register("hedging_v1", FAMILY, FEATURES)
def extract(doc: Document) -> Extraction:
    hedges = [h for h in doc.hits_of(FAMILY, "hedge") if _keep_hedge(doc, h)]
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
