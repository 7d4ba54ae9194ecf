"""Hedging: hedges, boosters, weasel/anonymous claims and confident unsourced predictions.

Lexicon sections read (``features/hedging/<lang>.txt``): ``hedge``, ``booster``,
``weasel``, ``prediction``, ``sensational``, ``vague_quantifier`` (a weasel only before a group
of people: "several critics", see ``_anonymous_groups``); patterns (``<lang>.patterns``): ``future_year`` (a future
marker followed by a year in one clause: "will dominate by 2027").
A prediction is *unsourced* when its sentence carries no attribution cue
(``attribution/report_verb`` or ``attribution/publication_cue``).

Ambiguous hedge entries are gated by the few tokens around each hit (see ``_keep_hedge``;
the trigger entries and context words are lexicon sections ``gate_*`` and ``context_*``):
modals of permission or ability ("may be used", "could not"), "possible" outside epistemic
frames, "generally" outside consensus verbs, frequency adverbs ("often") outside verbs of opinion,
"some"/"many" as plain quantities, and German
"soll/sollen" unless it reports hearsay (perfect infinitive: "soll ... angenommen haben").
"""

from __future__ import annotations

import bisect
import functools

from ..document import Document
from ..errors import UnsupportedLanguageError
from ..lexicon import Hit
from ..resources import load_lexicon, load_patterns
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
# Ambiguous hedge entries are kept only in the contexts where they mark uncertainty. The
# rules are generic; which entries they apply to and every context word come from the
# language's lexicon (``gate_*`` sections list trigger entries, ``context_*`` sections
# list context words; a language without them has no gates). Every gate reads a few
# tokens around one hit, never the whole document.
_CLAUSE_PUNCT = frozenset(",;:.!?()[]\"“”„«»")
_HEARSAY_REACH = 30  # tokens looked ahead for the end of a hearsay modal's clause


class _Gates:
    """The gate word lists of one language (``features/hedging/<lang>.txt``)."""

    def __init__(self, language: str):
        try:
            lex = load_lexicon(FAMILY, language)
        except UnsupportedLanguageError:
            lex = {}

        def phrases(section: str) -> frozenset[tuple[str, ...]]:
            return frozenset(tuple(e.casefold().split()) for e in lex.get(section, ()))

        def words(section: str) -> frozenset[str]:
            return frozenset(e.casefold() for e in lex.get(section, ()) if " " not in e)

        self.modal = phrases("gate_modal")  # "may be", "could": no participle of permission after the copula
        self.modal_option = phrases("gate_modal_option")  # "may also": with a copula, only an epistemic participle
        self.belief = phrases("gate_belief")  # "thought": passive belief only
        self.consensus = phrases("gate_consensus")  # "generally": before a consensus verb
        self.epistemic_adjective = phrases("gate_epistemic_adjective")  # "possible": epistemic frames
        self.quantifier = phrases("gate_quantifier")  # "some", "many": not plain quantities
        self.frequency = phrases("gate_frequency")  # "often": before a reputational verb ("often described")
        self.hearsay = phrases("gate_hearsay_modal")  # "soll": a perfect infinitive ends the clause
        self.copula = words("context_copula")
        self.modal_next = words("context_modal_next")
        self.epistemic_participle = words("context_epistemic_participle")
        self.irregular_participle = words("context_irregular_participle")
        self.participle_suffix = tuple(words("context_participle_suffix"))
        self.participle_infix = tuple(words("context_participle_infix"))
        self.participle_prefix = tuple(words("context_participle_prefix"))
        self.participle_ending = tuple(words("context_participle_ending"))
        self.belief_prev = words("context_belief_prev")
        self.belief_not_next = words("context_belief_not_next")
        self.consensus_next = words("context_consensus_next")
        self.consensus_skip = words("context_consensus_skip")
        self.frequency_next = words("context_frequency_next")
        self.anonymous_agent = words("context_anonymous_agent")
        self.agent_not_prev = words("context_agent_not_prev")
        self.adjective_complement = words("context_adjective_complement")
        self.adjective_prev = words("context_adjective_prev")
        self.adjective_not_next = words("context_adjective_not_next")
        self.quantity_prev = words("context_quantity_prev")
        self.quantity_next = words("context_quantity_next")
        self.perfect_aux = words("context_perfect_aux")
        self.passive_participle = words("context_passive_participle")
        self.any = bool(
            self.modal or self.modal_option or self.belief or self.consensus or self.epistemic_adjective
            or self.quantifier or self.hearsay or self.frequency
        )

    def is_participle(self, w: str) -> bool:
        """A past participle: listed as irregular, or a long word with a participle suffix
        (and, where the language lists them, a participle infix, prefix or ending)."""
        if w in self.irregular_participle:
            return True
        if len(w) <= 4 or not w.endswith(self.participle_suffix or ("\0",)):
            return False
        if not (self.participle_infix or self.participle_prefix or self.participle_ending):
            return True
        return (
            any(m in w[:-2] for m in self.participle_infix)
            or w.startswith(self.participle_prefix or ("\0",))
            or w.endswith(self.participle_ending or ("\0",))
        )


@functools.lru_cache(maxsize=16)
def _gates(language: str) -> _Gates:
    return _Gates(language)


def _folded(doc: Document, i: int) -> str:
    return doc.folded[i] if 0 <= i < doc.n_words else ""


def _same_sentence(doc: Document, i: int, j: int) -> bool:
    return 0 <= j < doc.n_words and doc.sentence_of[i] == doc.sentence_of[j]


def _permission_after(doc: Document, g: _Gates, i: int) -> bool:
    """Token ``i`` is a copula followed by a participle of permission or ability ("be used")."""
    if _folded(doc, i) not in g.copula or not _same_sentence(doc, i, i + 1):
        return False
    w = _folded(doc, i + 1)
    return g.is_participle(w) and w not in g.epistemic_participle


def _clause_break(doc: Document, i: int) -> bool:
    """Punctuation between token ``i`` and token ``i + 1`` (or a sentence end)."""
    if i + 1 >= doc.n_words or doc.sentence_of[i] != doc.sentence_of[i + 1]:
        return True
    gap = doc.text[doc.ends[i] : doc.starts[i + 1]]
    return any(c in _CLAUSE_PUNCT for c in gap)


def _perfect_infinitive(doc: Document, g: _Gates, i: int) -> bool:
    """Tokens ``i-1, i`` are a participle + perfect auxiliary ("angenommen haben", "gewesen sein")."""
    if _folded(doc, i) not in g.perfect_aux or i < 1 or not _same_sentence(doc, i, i - 1):
        return False
    w = _folded(doc, i - 1)
    return w in g.passive_participle or g.is_participle(w)


def _hearsay(doc: Document, g: _Gates, h: Hit) -> bool:
    """A modal reporting hearsay: a perfect infinitive ends its clause ("Der Minister soll
    Geld angenommen haben"), or precedes it in a verb-final clause ("..., weil er Geld
    angenommen haben soll"). Deontic uses ("soll im Mai gelten") fail."""
    i = h.first
    if i >= 2 and _perfect_infinitive(doc, g, i - 1) and not _clause_break(doc, i - 1):
        return True
    j = i
    for _ in range(_HEARSAY_REACH):  # bounded look-ahead to the end of the clause
        if _clause_break(doc, j):
            return j > i and _perfect_infinitive(doc, g, j)
        j += 1
    return False


def _verb_after(doc: Document, g: _Gates, h: Hit, verbs: frozenset[str]) -> int:
    """Index of a verb of ``verbs`` right after hit ``h``, or after one skip word ("generally
    been regarded"), in the same sentence; -1 if there is none."""
    for j in (h.last, h.last + 1):
        if not _same_sentence(doc, h.first, j):
            return -1
        w = _folded(doc, j)
        if w in verbs:
            return j
        if w not in g.consensus_skip:
            return -1
    return -1


def _with_verb(doc: Document, g: _Gates, h: Hit) -> Hit:
    """A kept consensus or frequency adverb as evidence together with its verb ("often described")."""
    words = tuple(doc.folded[h.first : h.last])
    verbs = g.consensus_next if words in g.consensus else g.frequency_next if words in g.frequency else None
    if verbs is None:
        return h
    j = _verb_after(doc, g, h, verbs)
    return h if j < 0 else h._replace(last=j + 1)


def _anonymous_groups(doc: Document, g: _Gates, weasels: list[Hit]) -> list[Hit]:
    """A vague quantifier before a group of people ("several critics", "most historians") is an
    anonymous attribution: one weasel hit over both words. It replaces weasel hits inside it
    ("critics") and yields to a weasel hit reaching beyond it ("some critics say")."""
    found: list[Hit] = []
    for h in doc.hits_of(FAMILY, "vague_quantifier"):
        j = h.last
        if (
            _same_sentence(doc, h.first, j)
            and _folded(doc, j) in g.anonymous_agent
            and _folded(doc, h.first - 1) not in g.agent_not_prev
        ):
            found.append(Hit(FAMILY, "weasel", h.first, j + 1))
    if not found:
        return weasels
    # weasel hits of one section do not overlap: sorted by start, their ends are sorted too,
    # so the hits overlapping a group form one run, found by bisection (linear overall)
    firsts = [w.first for w in weasels]
    lasts = [w.last for w in weasels]
    inside: set[int] = set()
    out = []
    for n in found:
        run = range(bisect.bisect_right(lasts, n.first), bisect.bisect_left(firsts, n.last))
        if all(n.first <= weasels[k].first and weasels[k].last <= n.last for k in run):
            inside.update(run)
            out.append(n)
    return sorted([w for k, w in enumerate(weasels) if k not in inside] + out, key=lambda x: x.first)


def _keep_hedge(doc: Document, g: _Gates, h: Hit) -> bool:
    words = tuple(doc.folded[h.first : h.last])
    nxt, prev = _folded(doc, h.last), _folded(doc, h.first - 1)
    if not _same_sentence(doc, h.first, h.last):
        nxt = ""
    if words in g.hearsay:
        return _hearsay(doc, g, h)
    if words in g.modal:
        if words[-1] in g.copula:  # "may be" + participle
            return not _permission_after(doc, g, h.last - 1)
        if nxt in g.copula:  # "could" + "be" + participle
            return not _permission_after(doc, g, h.last)
        return nxt in g.modal_next  # "could have", not "could not" or "could swim"
    if words in g.modal_option:  # "may also be called" lists options; "may also be involved" hedges
        if nxt in g.copula:
            return _folded(doc, h.last + 1) in g.epistemic_participle
        return nxt in g.modal_next  # "may not have been", not "may not attack" or "may also eat"
    if words in g.belief:  # passive belief only: "is thought", "widely believed"
        return prev in g.belief_prev and nxt not in g.belief_not_next
    if words in g.consensus:
        return _verb_after(doc, g, h, g.consensus_next) >= 0
    if words in g.frequency:
        return _verb_after(doc, g, h, g.frequency_next) >= 0
    if words in g.epistemic_adjective:
        if nxt in g.adjective_complement:
            return True
        return prev in g.adjective_prev and nxt not in g.adjective_not_next
    if words in g.quantifier:
        return not (prev in g.quantity_prev or nxt in g.quantity_next or nxt[:1].isdigit())
    return True


@register("hedging_v1", FAMILY, FEATURES)
def extract(doc: Document) -> Extraction:
    gates = _gates(doc.language)
    hedges = doc.hits_of(FAMILY, "hedge")
    if gates.any:
        hedges = [_with_verb(doc, gates, h) for h in hedges if _keep_hedge(doc, gates, h)]
    boosters = doc.hits_of(FAMILY, "booster")
    weasels = doc.hits_of(FAMILY, "weasel")
    if gates.anonymous_agent:
        weasels = _anonymous_groups(doc, gates, weasels)
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
