"""Simulated defects for training: the failure modes the label policy names but the
public corpora do not contain at document level.

* :func:`pad` — content-farm padding: closing sections repeated, exactly or reworded.
* :func:`garble` — unreviewed (pivot) machine translation: a name respelled, brand
  casing broken, sentence boundaries lost (``productWhich``), a phrase looped, units
  spaced or garbled.
* :func:`digest` — an aggregator digest of machine-generated text: disclosure line,
  emoji/formulaic section headers, bullet points.
* :func:`unsource` — unsourced claims: the article without the sentences that tie its claims
  to a checkable source (a named speaker, an attributed quote, a cited publication or link).

Each takes a real document and a seeded ``random.Random`` and returns the corrupted
text (or ``None`` when the document does not lend itself to it). The vocabulary for
headers and disclosures comes from the lexicon files, never from any seed document.
"""

from __future__ import annotations

import random
import re

from .resources import load_lexicon

__all__ = ["pad", "garble", "digest", "unsource", "split_paragraphs"]

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"“„])")
_EMOJI = ["⚡", "💡", "🧠", "🔑", "📊", "📌", "🔍", "✅", "🚀", "🛠️", "📈", "🎯"]
_BULLETS = ["•", "-", "▸", "✓"]


def split_paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if len(paras) >= 5:
        return paras
    sents = _SENT_SPLIT.split(text.strip())
    return [" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3)]


def _reword(paragraph: str, rng: random.Random) -> str:
    sents = _SENT_SPLIT.split(paragraph)
    if len(sents) >= 2 and rng.random() < 0.7:
        i = rng.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
    words = " ".join(sents).split(" ")
    return " ".join(w for w in words if rng.random() > 0.08)


def pad(text: str, rng: random.Random) -> str | None:
    paras = split_paragraphs(text)
    if len(paras) < 5:
        return None
    k = rng.randint(2, min(4, len(paras) - 2))
    tail = paras[-k:]
    repeat = [p if rng.random() < 0.4 else _reword(p, rng) for p in tail]
    return "\n\n".join(paras + repeat)


# -- machine-translation artifacts -------------------------------------------------------
_NAME_RE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,12})\b")
_MIXED_RE = re.compile(r"\b([A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z]{2,}[a-z]+[A-Za-z]*)\b")
_BOUNDARY_RE = re.compile(r"([a-z]{3,})\. ([A-Z][a-z]+)")
_MONEY_RE = re.compile(r"([$€£])(\d)")
_PCT_RE = re.compile(r"(\d)%")
_DEC_DE_RE = re.compile(r"(\d),(\d)")


def _respell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.4:
        return word[:i] + word[i + 1 :]
    if op < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if i + 2 <= len(word) - 1 else word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeiouhrsnl") + word[i + 1 :]


def garble(text: str, rng: random.Random, language: str) -> str | None:
    out = text
    applied = 0
    ops = ["name", "casing", "join", "loop", "units"]
    rng.shuffle(ops)
    for op in ops[: rng.randint(2, 5)]:
        before = out
        if op == "name":
            names = [m.group(1) for m in _NAME_RE.finditer(out)]
            common = [n for n in set(names) if names.count(n) >= 2]
            if common:
                name = rng.choice(sorted(common))
                positions = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", out)][1:]
                for pos in positions[: rng.randint(1, 2)]:
                    out = out[:pos] + _respell(name, rng) + out[pos + len(name) :]
        elif op == "casing":
            mixed = sorted({m.group(1) for m in _MIXED_RE.finditer(out)})
            if mixed:
                word = rng.choice(mixed)
                broken = word[0] + word[1:].lower()
                positions = [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", out)][1:]
                for pos in positions[: rng.randint(1, 3)]:
                    out = out[:pos] + broken + out[pos + len(word) :]
        elif op == "join":
            spots = list(_BOUNDARY_RE.finditer(out))
            rng.shuffle(spots)
            for m in sorted(spots[: rng.randint(1, 3)], key=lambda m: -m.start()):
                out = out[: m.start()] + m.group(1) + m.group(2) + out[m.end() :]
        elif op == "loop":
            words = out.split(" ")
            if len(words) > 40:
                i = rng.randrange(5, len(words) - 20)
                k = rng.randint(4, 8)
                phrase = words[i : i + k]
                words[i : i + k] = phrase * rng.randint(2, 3)
                out = " ".join(words)
        elif op == "units":
            if language == "de":
                out = _DEC_DE_RE.sub(r"\1 ,\2", out, count=rng.randint(1, 3))
            else:
                out = _MONEY_RE.sub(r"\1 \2", out, count=rng.randint(1, 3))
                out = _PCT_RE.sub(r"\1 %", out, count=rng.randint(1, 3))
        if out != before:
            applied += 1
    return out if applied >= 2 else None


# -- AI digests ------------------------------------------------------------------------------
def _entries(language: str, section: str) -> list[str]:
    return [e for e in load_lexicon("ai_generated", language).get(section, ()) if "*" not in e]


def digest(text: str, rng: random.Random, language: str) -> str | None:
    sents = _SENT_SPLIT.split(" ".join(text.split()))
    if len(sents) < 4:
        return None
    headers = _entries(language, "template_header")
    disclosures = _entries(language, "disclosure")
    lines = [sents[0]]
    if rng.random() < 0.6 and disclosures:
        lines.append(rng.choice(disclosures).capitalize() + ".")
    rest = sents[1:]
    while rest:
        head = rng.choice(headers).title() if headers else "Summary"
        if rng.random() < 0.7:
            head = rng.choice(_EMOJI) + " " + head
        lines.append(head)
        n = rng.randint(1, 3)
        take, rest = rest[:n], rest[n:]
        bullet = rng.choice(_BULLETS) if rng.random() < 0.6 else None
        for s in take:
            lines.append(f"{bullet} {s}" if bullet else s)
    return "\n\n".join(lines)


# -- unsourced claims ----------------------------------------------------------------------
#: attribution evidence that ties a sentence to a checkable source (a reporting verb alone,
#: without an identified speaker, does not)
_SOURCE_KINDS = frozenset({"named_source", "pronoun_source", "attributed_quote", "cited_publication", "cited_link"})


def unsource(text: str, rng: random.Random, lang: str) -> str | None:
    """The same article without its sourced sentences: every sentence holding attribution
    evidence of :data:`_SOURCE_KINDS` (found by credibly's own attribution extractor) is
    dropped, the rest kept in order, paragraph by paragraph. ``None`` when under a fifth of
    the sentences carry a source, or when fewer than half of them (or fewer than five) would
    remain. ``rng`` is unused (the rewrite is deterministic); it keeps the signature of the
    other simulations."""
    from .pipeline import analyse

    a = analyse(text, lang, heads=False)
    doc = a.doc
    drop = set()
    for e in a.evidence:
        if e.family == "attribution" and e.kind in _SOURCE_KINDS:
            i = doc.token_at(e.start)
            if i < doc.n_words:
                drop.add(doc.sentence_of[i])
    n = len(doc.sentences)
    if len(drop) < 0.2 * n or n - len(drop) < max(5, n // 2):
        return None
    paras = []
    for para in doc.paragraphs:
        if para.last <= para.first:
            continue
        k0, k1 = doc.sentence_of[para.first], doc.sentence_of[para.last - 1]
        kept = [doc.text[doc.sentences[k].start : doc.sentences[k].end] for k in range(k0, k1 + 1) if k not in drop]
        if kept:
            paras.append(" ".join(kept))
    return "\n\n".join(paras)
