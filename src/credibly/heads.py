"""Trained, calibrated family heads: ``Result.families`` as probabilities where ground truth allows.

Definition
----------
For a family with a shipped head (``ai_generated``) the family value is

    ``families[f] = noisy_or(head_f(features), rule_f)  =  1 - (1 - head_f) * (1 - rule_f)``

- ``rule_f`` is the extractor's rule strength (``Analysis.rules``): the explicit evidence (an
  AI self-disclosure is 0.95 on its own, so the value stays >= 0.95; digest templates, emoji
  headers, stock phrases), which the training corpora lack.
- ``head_f`` is a linear, Platt-calibrated head (:class:`credibly.model.LinearHead`) on
  credibly's own feature vector (``credibly.pipeline.feature_names()`` minus the document
  length): the stylometric part. The weights and the Platt map are fitted by the likelihood of
  the *family value* ``noisy_or(head, rule)``, so the family value is what is calibrated: the
  probability that the text is machine-generated at a 1:1 prior (each training corpus is
  class-balanced by weight). For a base rate ``pi``, add ``log(pi / (1 - pi))`` to the head's
  logit (an approximation for the combined value).

The value is monotone: non-decreasing in the rule strength and in the head's score, and the
head's weights on its own family's evidence are sign-constrained (:func:`sign_of`: the family's
evidence counts may only raise it; a *low* ``sentence_length_cv`` -- uniform sentences -- may
only raise ``ai_generated``), so more evidence never lowers a family value. Families without a
head (hedging, attribution, boilerplate) keep their rule strength.

Heads are per language (``"en"``, ``"de"``; ``"*"`` for every other language). A missing heads
file is not an error: the families fall back to the rule strengths (logged once at debug level).
A file that fails its checksum or format check, or needs features this credibly does not
compute, raises :class:`~credibly.errors.ModelFormatError`, like the trust model.

The file ``models/family_heads.json`` is plain JSON with a SHA-256 checksum of its payload
(format ``credibly-family-heads``, version 1): loading it parses numbers and strings only.

Training (needs the ``train`` extra; about a minute on one core)::

    python -m credibly.heads --shared ../shared --out models

trains on the *train* side of the same splits as ``benchmarks/signals.py`` (the split functions
live here and the benchmark imports them): ``ai_generated`` on XSum GPT-3.5 plus the Schaaff et
al. 2023 Wikipedia of the head's language; ``translation`` on WMT21 newstest windows (``en`` from
de-en and zh-en, ``de`` from en-de) plus original human news of the language as negatives, and
(``en``) the Sizov et al. 2024 Europarl de->en translationese corpus (:func:`europarl_docs`; off
with ``--no-europarl``). The test sides are never read by the training. A head is written only
when its out-of-fold family value beats the constant 1:1 prior by ``--min-gain`` nats of log
loss (:data:`MIN_GAIN`).

Label policy of ``translation``: the family means *machine* translation. Machine output is 1;
human translations are 0 (WMT's human references, Europarl's human translations from German),
and so is original, untranslated text (human news, Europarl's original English). The
translation heads' n-gram input also reads character 1-3-grams of the raw text
(:data:`NGRAM_CHAR_FAMILIES`, :func:`credibly.ngram.char_vector`).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import gzip
import hashlib
import json
import logging
import math
import re
import sys
import time
import warnings
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelFormatError
from .model import LinearHead, open_envelope, read_envelope, require_features, save_envelope
from .ngram import CHAR_SCHEME as NGRAM_CHAR_SCHEME
from .ngram import SCHEME as NGRAM_SCHEME
from .ngram import NgramModel, input_name
from .resources import data_path, feature_fingerprint

log = logging.getLogger(__name__)

__all__ = [
    "FamilyHeads",
    "family_probability",
    "default_heads",
    "heads_file",
    "HEADS_FORMAT",
    "HEADS_FILENAME",
    "HEAD_FAMILIES",
    "combine",
]

HEADS_FORMAT = "credibly-family-heads"
HEADS_FORMAT_VERSION = 1
HEADS_FILENAME = "family_heads.json"
#: families that have a trained head
HEAD_FAMILIES = ("ai_generated", "translation")
_MAX_BYTES = 5_000_000


def combine(head: float | None, rule: float | None) -> float | None:
    """The family value: ``noisy_or(head, rule)``; either alone when the other is missing."""
    from .extractors.base import noisy_or

    ok = lambda v: v is not None and not math.isnan(v)  # noqa: E731
    if ok(head) and ok(rule):
        return min(max(noisy_or(head, rule), 0.0), 1.0)  # type: ignore[arg-type]
    if ok(head):
        return min(max(float(head), 0.0), 1.0)  # type: ignore[arg-type]
    if ok(rule):
        return min(max(float(rule), 0.0), 1.0)  # type: ignore[arg-type]
    return None


# ============================================================================ the heads file


@dataclass
class FamilyHeads:
    """``{family: {language: LinearHead}}``; ``"*"`` (when present) scores other languages."""

    heads: dict[str, dict[str, LinearHead]]
    metadata: dict[str, Any] = field(default_factory=dict)
    #: ``{family: {language: NgramModel}}``: the n-gram score a head of the same family and
    #: language key reads as its input ``ngram_v1.<family>`` (:mod:`credibly.ngram`)
    ngrams: dict[str, dict[str, NgramModel]] = field(default_factory=dict)

    def key_for(self, family: str, language: str | None) -> str | None:
        """The language key of the head that scores ``language`` (its own, else ``"*"``)."""
        per_lang = self.heads.get(family)
        if not per_lang:
            return None
        if language in per_lang:
            return language
        return "*" if "*" in per_lang else None

    def head_for(self, family: str, language: str | None) -> LinearHead | None:
        key = self.key_for(family, language)
        return None if key is None else self.heads[family][key]

    def ngram_for(self, family: str, key: str | None) -> NgramModel | None:
        """The n-gram model of the head ``(family, key)`` (exact key, no fallback), or ``None``."""
        return self.ngrams.get(family, {}).get(key) if key is not None else None

    def inputs(self, family: str, language: str | None, features: dict[str, float], doc: Any = None) -> dict[str, float]:
        """``features`` plus the head's n-gram score (``ngram_v1.<family>``) when it reads one;
        without a document the n-gram input is missing (the head then uses its training mean)."""
        key = self.key_for(family, language)
        head = None if key is None else self.heads[family][key]
        name = input_name(family)
        if head is None or name not in head.features:
            return features
        model = self.ngram_for(family, key)
        s = model.score(doc) if (model is not None and doc is not None) else None
        return {**features, name: math.nan if s is None else s}

    @property
    def features(self) -> list[str]:
        """The extractor features the heads read (not the n-gram inputs)."""
        seen: dict[str, None] = {}
        for per_lang in self.heads.values():
            for h in per_lang.values():
                seen.update(dict.fromkeys(f for f in h.features if not f.startswith("ngram_v1.")))
        return list(seen)

    def check_features(self, known: Iterable[str]) -> None:
        """Raise if a head needs a feature this version of credibly does not compute, or an
        n-gram input without its n-gram model."""
        require_features(self.features, known, "family heads", " retrain with python -m credibly.heads")
        for fam, per_lang in self.heads.items():
            for lang, h in per_lang.items():
                for f in h.features:
                    if f.startswith("ngram_v1.") and (f != input_name(fam) or self.ngram_for(fam, lang) is None):
                        raise ModelFormatError(f"family heads: head {fam}/{lang} reads {f} but the file has no "
                                               "matching n-gram model; retrain with python -m credibly.heads")

    # -- persistence ------------------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "heads": {
                fam: {lang: h.to_payload() for lang, h in sorted(per_lang.items())}
                for fam, per_lang in sorted(self.heads.items())
            },
            "metadata": self.metadata,
        }
        if self.ngrams:
            out["ngrams"] = {fam: {lang: m.to_payload() for lang, m in sorted(per_lang.items())}
                             for fam, per_lang in sorted(self.ngrams.items())}
        return out

    def save(self, path: str | Path) -> Path:
        """Write to ``path`` (a ``.json`` file, or a folder for family_heads.json)."""
        return save_envelope(path, HEADS_FILENAME, HEADS_FORMAT, HEADS_FORMAT_VERSION, self.to_payload())

    @classmethod
    def from_file(cls, path: str | Path) -> "FamilyHeads":
        path = Path(path)
        if path.is_dir():
            path = path / HEADS_FILENAME
        doc = read_envelope(path, "family heads")
        return cls.from_document(doc, str(path))

    @classmethod
    def from_document(cls, doc: Any, where: str = "<family heads>") -> "FamilyHeads":
        payload = open_envelope(doc, HEADS_FORMAT, HEADS_FORMAT_VERSION, where, "family heads")
        try:
            raw = payload["heads"]
            if not isinstance(raw, dict):
                raise TypeError("heads must be an object {family: {language: head}}")
            heads: dict[str, dict[str, LinearHead]] = {}
            for fam, per_lang in raw.items():
                if not isinstance(per_lang, dict) or not per_lang:
                    raise TypeError(f"heads[{fam!r}] must be a non-empty object {{language: head}}")
                heads[str(fam)] = {str(lang): LinearHead.from_payload(h) for lang, h in per_lang.items()}
                for lang, h in heads[str(fam)].items():
                    if h.platt_a <= 0:
                        raise ValueError(f"heads[{fam!r}][{lang!r}]: calibration slope must be positive (monotone)")
            meta = payload.get("metadata", {})
            if not isinstance(meta, dict):
                raise TypeError("metadata must be an object")
            raw_ng = payload.get("ngrams", {})
            if not isinstance(raw_ng, dict):
                raise TypeError("ngrams must be an object {family: {language: model}}")
            ngrams: dict[str, dict[str, NgramModel]] = {}
            for fam, per_lang in raw_ng.items():
                if not isinstance(per_lang, dict):
                    raise TypeError(f"ngrams[{fam!r}] must be an object {{language: model}}")
                ngrams[str(fam)] = {str(lang): NgramModel.from_payload(m) for lang, m in per_lang.items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFormatError(f"{where}: malformed family heads file: {exc}") from None
        return cls(heads=heads, metadata=meta, ngrams=ngrams)


def heads_file() -> Path | None:
    """Where the shipped heads file is expected (``models/family_heads.json``), or ``None``."""
    try:
        return data_path("models") / HEADS_FILENAME
    except FileNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def default_heads() -> FamilyHeads | None:
    """The shipped heads, or ``None`` (rule strengths only) when the file is absent.

    Cached: the absence is logged once. A tampered or incompatible file raises
    :class:`~credibly.errors.ModelFormatError` (and is not cached, so a fixed file is read).
    """
    from .pipeline import feature_names

    path = heads_file()
    if path is None or not path.is_file():
        log.debug("no family heads file (%s): ai_generated and translation are the rule strengths", path)
        return None
    heads = FamilyHeads.from_file(path)
    heads.check_features(feature_names())
    return heads


def family_probability(family: str, language: str | None, features: dict[str, float], doc: Any = None) -> float | None:
    """The head's calibrated probability for ``family`` from a feature dict (and the parsed
    document, for the heads that read its n-gram score), or ``None`` when there is no heads
    file or no head for this family and language."""
    heads = default_heads()
    if heads is None:
        return None
    head = heads.head_for(family, language)
    if head is None:
        return None
    p = head.probability_one(heads.inputs(family, language, features, doc))
    return p if math.isfinite(p) else None


# ============================================================================ training data
# The splits are shared with benchmarks/signals.py (it imports them from here), so the heads
# are trained on exactly the train side the benchmark holds out from its test figures.


def in_test(key: str, share: float = 0.3, salt: str = "") -> bool:
    """Deterministic group split: True for the test side (about ``share`` of the keys)."""
    return (zlib.crc32(f"{salt}{key}".encode("utf-8")) % 1000) < share * 1000


def _collapse(text: str) -> str:
    return " ".join(text.split())


XSUM_FILES = {
    "davinci": "exp_gpt3to4/data/xsum_davinci.raw_data.json",
    "gpt-3.5-turbo": "exp_gpt3to4/data/xsum_gpt-3.5-turbo.raw_data.json",
    "gpt2-xl": "exp_main/data/xsum_gpt2-xl.raw_data.json",
    "opt-2.7b": "exp_main/data/xsum_opt-2.7b.raw_data.json",
    "gpt-neo-2.7B": "exp_main/data/xsum_gpt-neo-2.7B.raw_data.json",
    "gpt-j-6B": "exp_main/data/xsum_gpt-j-6B.raw_data.json",
    "gpt-neox-20b": "exp_main/data/xsum_gpt-neox-20b.raw_data.json",
}


def xsum_docs(shared: Path, generator: str) -> list[dict[str, Any]]:
    """Fast-DetectGPT XSum human (0) vs machine continuation (1) of ``generator``.

    Whitespace is collapsed on both sides (machine texts alone had line breaks, which any
    layout feature would separate). Split by article (its first 30 words), 30 % test.
    Raises FileNotFoundError when the file is absent.
    """
    path = shared / "signals" / "ai_text" / "fastdetectgpt_xsum" / XSUM_FILES[generator]
    raw = json.loads(path.read_text(encoding="utf-8"))
    docs = []
    for h, m in zip(raw["original"], raw["sampled"]):
        h, m = _collapse(h), _collapse(m)
        group = " ".join(h.split()[:30])
        side = "test" if in_test(group, 0.3, "xsum:") else "train"
        docs.append({"text": h, "label": 0, "group": group, "side": side, "lang": "en"})
        docs.append({"text": m, "label": 1, "group": group, "side": side, "lang": "en"})
    return docs


def schaaff_docs(shared: Path, domain: str, language: str, *, collapse: bool = False) -> list[dict[str, Any]]:
    """Schaaff et al. 2023 human (0) vs GPT-3.5 (1; four prompt modes in ``mode``) texts of
    ``domain`` (``wiki``: de/en/es/fr; ``news``: en). Split by title, 30 % test."""
    base = shared / "signals" / "ai_text" / "human_ai_corpus_schaaff2023"
    docs = []
    for fname, label in ((f"{domain}_human_generated.jsonl", 0), (f"{domain}_chatgpt_generated.jsonl", 1)):
        for line in (base / fname).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r.get("language") != language or not r.get("text"):
                continue
            group = r.get("title_en") or r["text"][:50]
            text = _collapse(r["text"]) if collapse else r["text"]
            docs.append({"text": text, "label": label, "group": group, "mode": r.get("source"), "lang": language,
                         "side": "test" if in_test(group, 0.3, "schaaff:") else "train"})
    return docs


WMT_WINDOW = 15
WMT_PAIRS = {"zh-en": "en", "de-en": "en", "en-de": "de"}


def wmt_windows(shared: Path) -> list[dict[str, Any]]:
    """Windows of 15 consecutive segments of every WMT21 newstest human reference (0) and
    MT output (1); ``group`` is the window (pair, index), the same for every system."""
    base = shared / "signals" / "translation" / "wmt21_news" / "txt"
    if not base.is_dir():
        raise FileNotFoundError(f"not found: {base}")
    docs = []
    for pair, tgt in WMT_PAIRS.items():
        files = [(f"ref.{p.name.split('.ref.')[1].split('.')[0]}", 0, p)
                 for p in sorted((base / "references").glob(f"newstest2021.{pair}.ref.*"))]
        files += [(p.name.split(".hyp.")[1].rsplit(".", 1)[0], 1, p)
                  for p in sorted((base / "system-outputs").glob(f"newstest2021.{pair}.hyp.*"))]
        for system, label, path in files:
            lines = path.read_text(encoding="utf-8").split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            for k in range(len(lines) // WMT_WINDOW):
                seg = lines[k * WMT_WINDOW : (k + 1) * WMT_WINDOW]
                docs.append({"pair": pair, "lang": tgt, "system": system, "label": label, "window": k,
                             "group": f"{pair}:{k}", "text": "\n".join(seg), "first_seg": k * WMT_WINDOW + 1})
    return docs


def wmt_side(doc: dict[str, Any]) -> str:
    """Blocks of 4 consecutive windows (60 segments) go to one side, about 1/3 to test."""
    return "test" if (doc["window"] // 4) % 3 == 2 else "train"


#: Sizov et al. 2024 Europarl translationese (``signals/translation/europarl_translationese_sizov2024``):
#: English sentences translated from German by these machine translators (label 1 of their files)
EUROPARL_MT = ("deepl", "google_translate", "m2m100", "madlad", "nllb", "tower", "llamax_31_8b_alpaca",
               "aya101", "gemma", "llama_31_it_8b")
#: windows per MT system (positives), of human translations and of original English (negatives)
EUROPARL_WINDOWS_PER_SYSTEM = 40
EUROPARL_HUMAN_WINDOWS = 200
EUROPARL_ORIGINAL_WINDOWS = 200
_DETOK = ((re.compile(r" ([,.;:?!%)\]}])"), r"\1"), (re.compile(r"([(\[{]) "), r"\1"),
          (re.compile(r"n 't\b"), "n't"), (re.compile(r" ' (s|m|re|ve|ll|d)\b"), r"'\1"), (re.compile(r" ('s|'m|'re|'ve|'ll|'d|n't)\b"), r"\1"),
          (re.compile(r" ' "), "' "), (re.compile(r" [-\u2013] "), " \u2013 "))
#: typography that differs between the corpus's files (curly vs straight quotes, dash vs hyphen)
_TYPO = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _detokenize(sentence: str) -> str:
    """Undo the corpus's tokenisation (spaces before punctuation, split contractions) and its
    lowercased sentence starts, and unify its quotes and dashes, which differ between the
    translators' files: both classes then look like ordinary English text (as WMT's segments
    do) and differ in wording, not in the corpus's typography."""
    s = " ".join(sentence.translate(_TYPO).split())
    for pat, rep in _DETOK:
        s = pat.sub(rep, s)
    return s[:1].upper() + s[1:]


def europarl_docs(shared: Path, per_system: int = EUROPARL_WINDOWS_PER_SYSTEM,
                  human_windows: int = EUROPARL_HUMAN_WINDOWS,
                  original_windows: int = EUROPARL_ORIGINAL_WINDOWS) -> list[dict[str, Any]]:
    """Windows of 15 Europarl sentences (one per line, like the WMT windows) from Sizov et al.
    2024: ``per_system`` windows of each machine translator's English output from German
    (label 1), and as negatives (label 0) ``human_windows`` windows of the *human* translations
    from German (the label policy of the translation family: it means machine translation, and
    human translations are negatives, as WMT's human references are) and ``original_windows``
    windows of original English (label 0 of every file, deduplicated).

    No window mixes groups: each holds sentences of one system (or of the human translations,
    or of original English), taken in a fixed pseudo-random order (crc32 of the sentence) with
    duplicates dropped, detokenised and capitalised (:func:`_detokenize`). ``group`` is the
    window. Empty when the corpus is absent. The corpus has no test side of credibly's: all
    of it is training material (it is not a benchmark set).
    """
    base = shared / "signals" / "translation" / "europarl_translationese_sizov2024"
    if not (base / "human_test.jsonl.gz").is_file():
        log.info("no %s: the translation/en head trains without Europarl", base)
        return []

    def read(name: str) -> list[dict[str, Any]]:
        with gzip.open(base / f"{name}_test.jsonl.gz", "rt", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def ordered(sentences: Iterable[str]) -> list[str]:
        uniq = {_detokenize(s) for s in sentences if s and s.strip()}
        return sorted(uniq, key=lambda s: (zlib.crc32(s.encode("utf-8")), s))

    seen: set[str] = set()  # a sentence goes into one window at most (a few occur in several files)
    docs: list[dict[str, Any]] = []

    def windows(source: str, label: int, sentences: list[str], n: int) -> None:
        pool = [s for s in sentences if s not in seen]
        for k in range(min(n, len(pool) // WMT_WINDOW)):
            seg = pool[k * WMT_WINDOW : (k + 1) * WMT_WINDOW]
            seen.update(seg)
            docs.append({"text": "\n".join(seg), "label": label, "system": source, "lang": "en",
                         "group": f"europarl:{source}:{k}"})

    originals: list[str] = []
    for name in ("human",) + EUROPARL_MT:
        rows = read(name)
        originals += [r["sentence"] for r in rows if r.get("label") == 0]
        if name == "human":
            windows("human_translation", 0, ordered(r["sentence"] for r in rows if r.get("label") == 1),
                    human_windows)
        else:
            windows(name, 1, ordered(r["sentence"] for r in rows if r.get("label") == 1), per_system)
    windows("original_english", 0, ordered(originals), original_windows)
    return docs


# ============================================================================ fitting

#: left out of every head: document length is a corpus shortcut (human and machine sides
#: differ in length in several sets), not evidence
EXCLUDED = ("readability_v1.log_words",)


def sign_of(family: str, name: str) -> int:
    """+1: may only raise the family probability, -1: may only lower it, 0: free.

    A family's own evidence features are constrained, so more evidence never lowers its value.
    """
    if name == input_name(family):
        return +1  # the family's own n-gram score
    if name.startswith(f"{family}_v"):
        if name.endswith(".sentence_length_cv"):
            return -1  # uniform sentence rhythm marks generated text
        return +1
    return 0


def _transform(name: str) -> str:
    return "log1p" if ("per_1k" in name or name.endswith(".disclosures")) else "identity"


def _standardise(X: np.ndarray, names: list[str]) -> LinearHead:
    """A LinearHead with the transforms, means and scales of X and zero weights."""
    transforms = [_transform(n) for n in names]
    Xt = X.astype(float, copy=True)
    for j, t in enumerate(transforms):
        if t == "log1p":
            Xt[:, j] = np.log1p(np.clip(Xt[:, j], 0.0, None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        mean = np.nanmean(Xt, axis=0)
        scale = np.nanstd(Xt, axis=0)
    mean = np.where(np.isfinite(mean), mean, 0.0)
    scale = np.where(~np.isfinite(scale) | (scale < 1e-9), 1.0, scale)
    return LinearHead(list(names), transforms, mean, scale, np.zeros(len(names)), 0.0, 1.0, 0.0,
                      np.zeros(len(names)))


def _noisy_or_loss(s: np.ndarray, y: np.ndarray, r: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    """Weighted negative log likelihood of ``P(y=1) = noisy_or(sigmoid(s), r)`` and its
    gradient in ``s``. With ``r = 0`` this is the ordinary logistic loss."""
    p = 1.0 / (1.0 + np.exp(-np.clip(s, -50, 50)))
    log1mp = -np.logaddexp(0.0, s)  # log(1 - p)
    log1mq = log1mp + np.log1p(-np.clip(r, 0.0, 1.0 - 1e-9))  # log(1 - noisy_or) = log((1-p)(1-r))
    q = np.exp(log1mq)
    pos = y == 1
    f = np.where(pos, -np.log(np.clip(1.0 - q, 1e-300, None)), -log1mp)
    # d/ds: negatives p; positives -(1-r) p (1-p) / (1-q)
    g = np.where(pos, -(1.0 - r) * p * (1.0 - p) / np.clip(1.0 - q, 1e-300, None), p)
    return float((w * f).sum()), w * g


def _fit_logistic(Z: np.ndarray, y: np.ndarray, w: np.ndarray, C: float, signs: Sequence[int],
                  r: np.ndarray) -> tuple[np.ndarray, float]:
    """L2 logistic regression of ``y`` on ``Z`` through the noisy-or with the rule strength
    ``r`` (the family value ``noisy_or(head, r)`` is what is fitted), weighted, with sign bounds
    on the coefficients (L-BFGS-B)."""
    from scipy.optimize import minimize

    n, k = Z.shape
    w = w / w.mean()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, b = theta[:k], theta[k]
        f, g = _noisy_or_loss(Z @ coef + b, y, r, w)
        grad = np.empty(k + 1)
        grad[:k] = Z.T @ g + coef / C
        grad[k] = g.sum()
        return f + 0.5 / C * float(coef @ coef), grad

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs] + [(None, None)]
    res = minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 3000})
    return res.x[:k], float(res.x[k])


def _platt(scores: np.ndarray, y: np.ndarray, w: np.ndarray, r: np.ndarray) -> tuple[float, float]:
    """Platt scaling ``sigmoid(a * score + b)`` fitted through the same noisy-or likelihood."""
    from scipy.optimize import minimize

    w = w / w.mean()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        f, g = _noisy_or_loss(theta[0] * scores + theta[1], y, r, w)
        return f, np.array([float(g @ scores), float(g.sum())])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def _log_loss(y: np.ndarray, p: np.ndarray, w: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-(w * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum() / w.sum())


def fit_family_head(
    X: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str],
    weights: np.ndarray,
    names: list[str],
    family: str,
    C: float,
    rule: np.ndarray | None = None,
    n_splits: int = 5,
) -> tuple[LinearHead, np.ndarray]:
    """Standardise (NaN -> the training mean), fit a sign-constrained L2 logistic regression,
    Platt-calibrate on grouped out-of-fold scores. With ``rule`` (the rule strengths) both
    fits maximise the likelihood of the family value ``noisy_or(head, rule)``, so that value,
    not the head alone, is calibrated. Returns the head and the calibrated out-of-fold head
    probabilities (for model selection and the train-side figures)."""
    from sklearn.model_selection import GroupKFold

    r = np.zeros(len(y)) if rule is None else np.asarray(rule, dtype=float)
    proto = _standardise(X, names)
    Z = proto._z(X)
    signs = [sign_of(family, n) for n in names]
    groups = np.asarray(groups)
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=min(n_splits, len(set(groups)))).split(Z, y, groups):
        coef, b0 = _fit_logistic(Z[tr], y[tr], weights[tr], C, signs, r[tr])
        oof[te] = Z[te] @ coef + b0
    a, b = _platt(oof, y, weights, r)
    if a <= 0:
        raise RuntimeError(f"{family}: the head does not separate the classes out of fold (Platt slope {a:.3f})")
    coef, b0 = _fit_logistic(Z, y, weights, C, signs, r)
    head = LinearHead(list(names), proto.transforms, proto.mean, proto.scale, coef.astype(float), b0, a, b,
                      np.zeros(len(names)))
    p_oof = 1.0 / (1.0 + np.exp(-np.clip(a * oof + b, -50, 50)))
    return head, p_oof


def balanced_weights(y: np.ndarray, corpus: Sequence[str]) -> np.ndarray:
    """Each corpus the same total weight, each class half of it (a 1:1 prior); mean 1."""
    corpus = np.asarray(corpus)
    w = np.zeros(len(y))
    cells = [(c, k) for c in np.unique(corpus) for k in (0, 1)]
    for c, k in cells:
        m = (corpus == c) & (y == k)
        if m.any():
            w[m] = 1.0 / m.sum()
    return w * len(y) / w.sum()


# ============================================================================ training driver

C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def _featurize_one(item: tuple[str, str]) -> dict[str, Any] | None:
    from .errors import CrediblyError
    from .pipeline import analyse

    text, lang = item
    try:
        a = analyse(text, lang, heads=False)  # features and rules only: never the heads being replaced
    except CrediblyError:
        return None
    return {"features": a.features, "rules": a.rules}


def featurize(docs: list[dict[str, Any]], jobs: int = 1, cache: Path | None = None) -> None:
    """Add ``features`` and ``rules`` (rule strengths) to every doc; docs credibly refuses
    (no words) are marked ``skip``. ``cache``: a .json.gz keyed by text hash, reused."""
    store: dict[str, Any] = {}
    stamp = feature_fingerprint()  # the same fingerprint as the trust model's feature caches
    if cache is not None and cache.exists():
        with gzip.open(cache, "rt", encoding="utf-8") as fh:
            store = json.load(fh)
        if store.get("_fingerprint") != stamp:  # extractors or lexicons changed since
            store = {}
    store["_fingerprint"] = stamp
    key = lambda d: hashlib.sha1(f"{d['lang']}\0{d['text']}".encode("utf-8")).hexdigest()  # noqa: E731
    todo = [d for d in docs if key(d) not in store]
    if todo:
        items = [(d["text"], d["lang"]) for d in todo]
        if jobs > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(jobs) as pool:
                outs = list(pool.map(_featurize_one, items, chunksize=32))
        else:
            outs = [_featurize_one(it) for it in items]
        for d, o in zip(todo, outs):
            store[key(d)] = o
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with gzip.open(cache, "wt", encoding="utf-8") as fh:
                json.dump(store, fh)
    for d in docs:
        o = store[key(d)]
        d["skip"] = o is None
        if o is not None:
            d["features"] = {k: (math.nan if v is None else v) for k, v in o["features"].items()}
            d["rules"] = o["rules"]


def head_inputs(language_independent: bool = False) -> list[str]:
    """The heads' input features: every feature but :data:`EXCLUDED`; for the ``"*"`` head
    only those computed for an unsupported language."""
    from .pipeline import analyse, feature_names

    names = [f for f in feature_names() if f not in EXCLUDED]
    if language_independent:
        probe = analyse("Ceci est un court texte. Il sert à voir quelles mesures restent. " * 3, "xx", heads=False)
        names = [f for f in names if math.isfinite(probe.features[f])]
    return names


def training_sets(shared: Path, use_europarl: bool = True) -> dict[tuple[str, str], list[tuple[str, list[dict[str, Any]]]]]:
    """``{(family, language): [(corpus, train-side docs)]}``; the test sides are dropped here.

    ai_generated: XSum GPT-3.5 plus the Schaaff Wikipedia of the head's language (the ``"*"``
    head: both, language-independent features only). Schaaff English news is left out (a
    transfer check; with it the head flagged more pre-2020 human news). translation: WMT21
    windows of the pairs into the head's language, plus original human news of that language
    as negatives (:func:`human_news`, disjoint from the false-positive check's texts).
    """
    xs = [d for d in xsum_docs(shared, "gpt-3.5-turbo") if d["side"] == "train"]
    wiki_en = [d for d in schaaff_docs(shared, "wiki", "en", collapse=True) if d["side"] == "train"]
    wiki_de = [d for d in schaaff_docs(shared, "wiki", "de", collapse=True) if d["side"] == "train"]
    wmt = [d for d in wmt_windows(shared) if wmt_side(d) == "train"]
    # original human news as more negatives of the translation heads: WMT's human side is itself
    # a translation, so without them a head learns "MT or human translation" against nothing
    # that was written in the language (texts after the false-positive check's in the fixed order)
    news = human_news(shared, NEWS_TRAIN_DOCS, skip=NEWS_FP_DOCS)
    # Europarl de->en by ten machine translators vs human translations and original English
    europarl = europarl_docs(shared) if use_europarl else []
    xsum = ("xsum_gpt-3.5-turbo", xs)
    return {
        ("ai_generated", "en"): [xsum, ("schaaff_wiki_en", wiki_en)],
        ("ai_generated", "de"): [xsum, ("schaaff_wiki_de", wiki_de)],
        ("ai_generated", "*"): [xsum, ("schaaff_wiki_en", wiki_en), ("schaaff_wiki_de", wiki_de)],
        ("translation", "en"): [(f"wmt21_{p}", [d for d in wmt if d["pair"] == p]) for p in ("de-en", "zh-en")]
        + [("human_news_en", news.get("en", []))] * bool(news.get("en"))
        + [("europarl_de-en", europarl)] * bool(europarl),
        ("translation", "de"): [("wmt21_en-de", [d for d in wmt if d["pair"] == "en-de"])]
        + [("human_news_de", news.get("de", []))] * bool(news.get("de")),
    }


def _auc(y: np.ndarray, s: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if len(set(y.tolist())) < 2:
        return None
    return round(float(roc_auc_score(y, s)), 4)


def train_head(family: str, language: str, corpora: list[tuple[str, list[dict[str, Any]]]],
               names: list[str], through_rule: bool = True,
               extra: dict[str, np.ndarray] | None = None) -> tuple[LinearHead, dict[str, Any]]:
    """Choose C on the grid by the grouped out-of-fold log loss of the family value, fit, and
    report train-side (out-of-fold) figures. ``extra``: more input columns (the n-gram score),
    one value per document in the order of ``corpora`` (skipped documents left out)."""
    docs = [(c, d) for c, ds in corpora for d in ds if not d["skip"]]
    X = np.array([[d["features"].get(n, math.nan) for n in names] for _, d in docs], dtype=float)
    if extra:
        names = list(names) + list(extra)
        X = np.column_stack([X] + [np.asarray(v, dtype=float) for v in extra.values()])
    y = np.array([d["label"] for _, d in docs], dtype=int)
    corpus = [c for c, _ in docs]
    groups = [f"{c}|{d['group']}" for c, d in docs]
    w = balanced_weights(y, corpus)
    rule = np.array([d["rules"].get(family) or 0.0 for _, d in docs], dtype=float)
    trials = []
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for C in C_GRID:
            head, p = fit_family_head(X, y, groups, w, names, family, C, rule if through_rule else None)
            fam = 1.0 - (1.0 - p) * (1.0 - rule)
            ll = _log_loss(y, fam, w)
            trials.append({"C": C, "oof_log_loss": round(ll, 4), "oof_auc": _auc(y, fam)})
            if best is None or ll < best[0] - 1e-9:
                best = (ll, C, head, p)
    _, C, head, p = best  # type: ignore[misc]
    combined = 1.0 - (1.0 - p) * (1.0 - rule)
    per_corpus = {}
    for c in dict.fromkeys(corpus):
        m = np.array([k == c for k in corpus])
        per_corpus[c] = {
            "n": int(m.sum()),
            "n_positive": int(y[m].sum()),
            "oof_auc_head": _auc(y[m], p[m]),
            "oof_auc_family": _auc(y[m], combined[m]),
            "auc_rule": _auc(y[m], rule[m]),
            "oof_ece_family": _ece(y[m], combined[m], w[m]),
            "oof_mean_family_human": _mean_or_none(combined[m & (y == 0)]),
            "oof_mean_family_machine": _mean_or_none(combined[m & (y == 1)]),  # None: a human-only corpus
        }
    nz = sorted(((n, float(c)) for n, c in zip(names, head.coef) if abs(c) > 1e-6), key=lambda t: -abs(t[1]))
    info = {
        "C": C,
        "C_trials": trials,
        "n": len(y),
        "oof_protocol": "grouped 5-fold CV inside the train side (groups: article / title / WMT window)",
        "oof_log_loss_family": round(_log_loss(y, combined, w), 4),
        "oof_ece_family": _ece(y, combined, w),
        "corpora": per_corpus,
        "top_coefficients": [[n, round(c, 3)] for n, c in nz[:10]],
        "_oof": {"y": y, "family": combined},
    }
    return head, info


def _mean_or_none(values: np.ndarray) -> float | None:
    return round(float(values.mean()), 4) if len(values) else None


def _ece(y: np.ndarray, p: np.ndarray, w: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    tot = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            tot += w[m].sum() * abs(np.average(y[m], weights=w[m]) - np.average(p[m], weights=w[m]))
    return round(float(tot / w.sum()), 4)


#: n-gram models: the C grid (chosen by mean per-corpus out-of-fold AUC), the number of buckets
#: kept (largest weights, then refitted) and the head languages that read an n-gram score
NGRAM_C_GRID = (10.0, 30.0)
NGRAM_MAX_BUCKETS = 12_000
NGRAM_LANGUAGES = ("en", "de")
#: families whose n-gram model also reads character 1-3-grams of the raw text
#: (:func:`credibly.ngram.char_vector`: typography and spelling, which MT output and its human
#: reference differ in more than in words)
NGRAM_CHAR_FAMILIES = ("translation",)


def _vectors(d: dict[str, Any], chars: bool) -> None:
    """Cache the word (and character) n-gram vectors of a training document on it."""
    from . import ngram as NG
    from .document import parse

    if "ngram_vec" not in d:
        d["ngram_vec"] = NG.ngram_vector(parse(d["text"], d["lang"]).folded)
    if chars and "char_vec" not in d:
        d["char_vec"] = NG.char_vector(d["text"])


def _ngram_score(model: NgramModel, d: dict[str, Any]) -> float | None:
    _vectors(d, model.has_chars)
    return model.score_vector(*d["ngram_vec"], chars=d.get("char_vec") if model.has_chars else None)


def train_ngram(family: str, corpora: list[tuple[str, list[dict[str, Any]]]], n_splits: int = 5,
                c_grid: Sequence[float] = NGRAM_C_GRID, max_buckets: int = NGRAM_MAX_BUCKETS,
                ) -> tuple[np.ndarray, NgramModel, dict[str, Any]]:
    """Fit the n-gram model of a head on the same documents, weights and groups as the head.

    Returns the grouped out-of-fold logits (the head's training input: stacking, so the head
    never sees an n-gram score of a document the n-gram model was fitted on), the model fitted
    on every document (stored as the file stores it: quantised) and train-side figures."""
    from sklearn.model_selection import GroupKFold

    from . import ngram as NG

    docs = [(c, d) for c, ds in corpora for d in ds if not d["skip"]]
    chars = family in NGRAM_CHAR_FAMILIES
    for _, d in docs:
        _vectors(d, chars)
    X = NG.design_matrix([d["ngram_vec"] for _, d in docs], chars=[d["char_vec"] for _, d in docs] if chars else None)
    y = np.array([d["label"] for _, d in docs], dtype=int)
    corpus = np.array([c for c, _ in docs])
    groups = np.array([f"{c}|{d['group']}" for c, d in docs])
    w = balanced_weights(y, corpus)
    folds = list(GroupKFold(n_splits=min(n_splits, len(set(groups)))).split(X, y, groups))
    best = None
    trials = []
    for C in c_grid:
        oof = np.zeros(len(y))
        for tr, te in folds:
            m = NG.fit(X[tr], y[tr], w[tr], C, max_buckets)
            oof[te] = [_ngram_score(m, docs[i][1]) or 0.0 for i in te]
        per = {c: _auc(y[corpus == c], oof[corpus == c]) for c in dict.fromkeys(corpus.tolist())}
        mean_auc = float(np.mean([v for v in per.values() if v is not None]))
        trials.append({"C": C, "oof_auc": per})
        if best is None or mean_auc > best[0] + 1e-9:
            best = (mean_auc, C, oof, per)
    _, C, oof, per = best  # type: ignore[misc]
    model = NG.fit(X, y, w, C, max_buckets)
    model = NgramModel.from_payload(model.to_payload())  # exactly what the file will hold
    info = {"C": C, "C_trials": trials, "n_buckets": int(len(model.buckets)), "oof_auc_ngram": per,
            "n_char_buckets": int(len(model.char_buckets)) if model.has_chars else 0}  # type: ignore[arg-type]
    model.info = {"C": C, "n_train": int(len(y)), "corpora": sorted(set(corpus.tolist()))}
    return oof, model, info


#: an n-gram head is used only if the share of original human news (label-1 rows of
#: corpora/news.jsonl.gz in the head's language) with a family value > 0.5 stays within this
#: margin of the rule strengths' share; otherwise the head is refitted without the n-gram input
NEWS_FP_MARGIN = 0.03
NEWS_FP_DOCS = 600
NEWS_TRAIN_DOCS = 600


def human_news(shared: Path, n: int = NEWS_FP_DOCS, skip: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Up to ``n`` original human news texts per language (en, de): label-1 rows of
    ``corpora/news.jsonl.gz`` in a fixed pseudo-random order (crc32 of the id), after the
    first ``skip`` of that order. Empty when absent. The first NEWS_FP_DOCS are the false-positive
    check; the translation heads train on the ones after them (never the same texts)."""
    ordered = _human_news_ordered(shared)
    return {lg: ds[skip : skip + n] for lg, ds in ordered.items()}


@functools.lru_cache(maxsize=2)
def _human_news_ordered(shared: Path) -> dict[str, list[dict[str, Any]]]:
    """Every label-1 en/de news row in the fixed order, read once per training run."""
    path = shared / "corpora" / "news.jsonl.gz"
    if not path.is_file():
        log.info("no %s: the human-news false-positive check of the n-gram heads is skipped", path)
        return {}
    out: dict[str, list[dict[str, Any]]] = {"en": [], "de": []}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("label") == 1 and r.get("language") in out and r.get("text"):
                out[r["language"]].append({"text": r["text"], "lang": r["language"], "label": 0, "group": r["id"],
                                           "key": zlib.crc32(r["id"].encode("utf-8"))})
    return {lg: sorted(ds, key=lambda d: d["key"]) for lg, ds in out.items()}


def news_false_positives(family: str, head: LinearHead, model: NgramModel | None,
                         docs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Mean family value and share > 0.5 of ``head`` (with its n-gram model) on human news,
    beside the rule strengths alone."""

    docs = [d for d in docs if not d.get("skip")]
    if not docs:
        return None
    rows = []
    for d in docs:
        feats = dict(d["features"])
        if model is not None:
            sc = _ngram_score(model, d)
            feats[input_name(family)] = math.nan if sc is None else sc
        rows.append(head.vector(feats))
    p = head.predict_proba(np.array(rows))
    r = np.array([d["rules"].get(family) or 0.0 for d in docs])
    fam = 1.0 - (1.0 - p) * (1.0 - r)
    return {"n": len(docs), "mean_family": round(float(fam.mean()), 4),
            "share_family_gt_0_5": round(float(np.mean(fam > 0.5)), 4),
            "mean_rule": round(float(r.mean()), 4), "share_rule_gt_0_5": round(float(np.mean(r > 0.5)), 4)}


#: a head ships only when its out-of-fold family value beats the constant 1:1 prior
#: (log loss log 2) by at least this many nats: where the ground truth does not allow a
#: calibrated probability, the family keeps its rule strength
MIN_GAIN = 0.02


def train(shared: Path, jobs: int = 1, cache: Path | None = None, min_gain: float = MIN_GAIN,
          use_ngrams: bool = True, use_europarl: bool = True) -> FamilyHeads:
    """Train every head of :func:`training_sets`; heads that do not pass the ``min_gain`` gate
    are reported in the metadata (``not_shipped``) but left out of the file."""
    from .pipeline import feature_names

    sets = training_sets(shared, use_europarl=use_europarl)
    all_docs = {id(d): d for corpora in sets.values() for _, ds in corpora for d in ds}
    t0 = time.time()
    featurize(list(all_docs.values()), jobs=jobs, cache=cache)
    log.info("featurized %d documents in %.0f s", len(all_docs), time.time() - t0)
    heads: dict[str, dict[str, LinearHead]] = {}
    ngrams: dict[str, dict[str, NgramModel]] = {}
    report: dict[str, dict[str, Any]] = {}
    oof_family: dict[str, dict[str, Any]] = {}
    news = human_news(shared) if use_ngrams else {}
    if news:
        featurize([d for ds in news.values() for d in ds], jobs=jobs, cache=cache)
    for (family, language), corpora in sets.items():
        names = head_inputs(language_independent=(language == "*"))
        extra, model, ng_info = None, None, None
        if use_ngrams and language in NGRAM_LANGUAGES:
            t1 = time.time()
            oof_ng, model, ng_info = train_ngram(family, corpora)
            extra = {input_name(family): oof_ng}
            log.info("%s/%s: n-gram model C=%s, %d buckets, out-of-fold AUC %s (%.0f s)", family, language,
                     ng_info["C"], ng_info["n_buckets"], ng_info["oof_auc_ngram"], time.time() - t1)
        head, info = train_head(family, language, corpora, names, extra=extra)
        if ng_info is not None:
            info["ngram"] = ng_info
            fp = news_false_positives(family, head, model, news.get(language, []))
            info["ngram"]["human_news"] = fp
            plain_head, plain_info = train_head(family, language, corpora, names)
            plain_ships = math.log(2.0) - plain_info["oof_log_loss_family"] >= min_gain
            base = news_false_positives(family, plain_head, None, news.get(language, [])) if plain_ships else None
            # the baseline: the feature head (when it would ship), else the rule strengths alone
            base_share = base["share_family_gt_0_5"] if base else (fp or {}).get("share_rule_gt_0_5", 0.0)
            info["ngram"]["human_news_baseline_share_gt_0_5"] = base_share
            if fp and fp["share_family_gt_0_5"] > base_share + NEWS_FP_MARGIN:
                # the n-gram head fires on ordinary human news: fall back to the feature head
                log.info("%s/%s: n-gram head NOT used: human news share > 0.5 is %.3f (without it %.3f)",
                         family, language, fp["share_family_gt_0_5"], base_share)
                rejected = info
                head, info = plain_head, plain_info
                info["ngram_rejected"] = {"reason": "human news false positives", "human_news": fp,
                                          "human_news_baseline_share_gt_0_5": base_share,
                                          "oof_auc_family": {c: v["oof_auc_family"] for c, v in
                                                             rejected["corpora"].items()}}
                model = None
        info["gain_over_prior_nats"] = round(math.log(2.0) - info["oof_log_loss_family"], 4)
        info["shipped"] = info["gain_over_prior_nats"] >= min_gain
        if info["shipped"]:
            heads.setdefault(family, {})[language] = head
            if model is not None:
                ngrams.setdefault(family, {})[language] = model
        report.setdefault(family, {})[language] = info
        oof_family.setdefault(family, {})[language] = info.pop("_oof")
        log.info("%s/%s: C=%s gain %.3f nats%s; out-of-fold AUC %s", family, language, info["C"],
                 info["gain_over_prior_nats"], "" if info["shipped"] else " (NOT shipped)",
                 {c: v["oof_auc_family"] for c, v in info["corpora"].items()})
    metadata = {
        "trained": _dt.date.today().isoformat(),
        "n_features": len(feature_names()),
        "excluded_inputs": list(EXCLUDED),
        "prior": 0.5,
        "min_gain_nats": min_gain,
        "definition": "families[f] = noisy_or(head_f(features), rule_f); head = standardise (NaN -> training "
        "mean) -> sign-constrained L2 logistic regression -> Platt scaling on grouped out-of-fold scores, both "
        "fitted by the likelihood of noisy_or(head, rule); each corpus class-balanced by weight (1:1 prior); C "
        "chosen by out-of-fold log loss",
        "training_data": {
            "ai_generated/en": "train side of XSum GPT-3.5-turbo (Fast-DetectGPT, split by article) and Schaaff "
            "2023 English Wikipedia (split by title); whitespace collapsed",
            "ai_generated/de": "train side of XSum GPT-3.5-turbo and Schaaff 2023 German Wikipedia; whitespace "
            "collapsed",
            "ai_generated/*": "the en and de training data, language-independent features only",
            "translation/en": "train side of WMT21 newstest de-en and zh-en 15-segment windows (blocks of 4 "
            "windows, 1/3 test), every human reference (0) and system output (1)",
            "translation/en+europarl": "Sizov et al. 2024 Europarl de->en (all of it is training material): "
            f"{EUROPARL_WINDOWS_PER_SYSTEM} windows of 15 sentences per machine translator ({len(EUROPARL_MT)} "
            f"systems) as 1; {EUROPARL_HUMAN_WINDOWS} windows of human translations and "
            f"{EUROPARL_ORIGINAL_WINDOWS} of original English as 0; detokenised, quotes and dashes unified",
            "translation/de": "train side of WMT21 newstest en-de windows",
        },
        "translation_label_policy": "the translation family means MACHINE translation: human translations "
        "are negatives (0), like WMT's human references; original (untranslated) text is a negative too",
        "never_trained_on": "any test side; XSum davinci and the open-model generators; Schaaff English news; "
        "Schaaff fr/es Wikipedia",
        "heads": report,
    }
    if use_ngrams:
        metadata["ngram_inputs"] = ("en and de heads: ngram_v1.<family> = the logit of a hashed word "
                                    f"unigram+bigram logistic regression (credibly.ngram, scheme "
                                    f"{NGRAM_SCHEME}; for {', '.join(NGRAM_CHAR_FAMILIES)} also character "
                                    f"1-3-grams of the raw text, scheme {NGRAM_CHAR_SCHEME}) fitted on the "
                                    "head's training documents; the head "
                                    "reads its grouped out-of-fold logits (stacking) and its weight on it is "
                                    "non-negative")
    # the translation benchmark pools the pairs over the en and de heads: the pooled
    # out-of-fold figure of the family value, for --split dev
    tr = oof_family.get("translation", {})
    if tr and all(report["translation"][lg]["shipped"] for lg in tr):
        y = np.concatenate([tr[lg]["y"] for lg in tr])
        v = np.concatenate([tr[lg]["family"] for lg in tr])
        report["translation"]["pooled_oof_auc_family"] = _auc(y, v)
    return FamilyHeads(heads=heads, metadata=metadata, ngrams=ngrams)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m credibly.heads",
                                 description="Train the calibrated ai_generated / translation family heads.")
    ap.add_argument("--shared", type=Path, default=Path("../shared"), help="path of ../shared (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=Path("models"),
                    help="output folder or .json file (default: %(default)s)")
    ap.add_argument("--jobs", type=int, default=1, help="processes for feature extraction (default: 1)")
    ap.add_argument("--cache", type=Path, default=None, help="feature cache (.json.gz) to reuse between runs")
    ap.add_argument("--min-gain", type=float, default=MIN_GAIN,
                    help="ship a head only if its out-of-fold log loss beats the 1:1 prior by this many nats "
                    "(default: %(default)s; 0 ships every head that beats the prior, a negative value ships all)")
    ap.add_argument("--no-ngrams", action="store_true", help="heads on the extractor features only (no n-gram input)")
    ap.add_argument("--no-europarl", action="store_true",
                    help="train the translation/en head without the Europarl translationese corpus")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="credibly.heads: %(message)s")
    heads = train(args.shared, jobs=args.jobs, cache=args.cache, min_gain=args.min_gain,
                  use_ngrams=not args.no_ngrams, use_europarl=not args.no_europarl)
    path = heads.save(args.out)
    print(f"wrote {path}", file=sys.stderr)
    for fam, per_lang in heads.metadata["heads"].items():
        for lang, info in per_lang.items():
            if not isinstance(info, dict):
                print(f"{fam}: {lang} {info}")
                continue
            figs = ", ".join(f"{c}: family {v['oof_auc_family']} / head {v['oof_auc_head']} / rule {v['auc_rule']}"
                             for c, v in info["corpora"].items())
            state = "shipped" if info["shipped"] else "NOT shipped"
            print(f"{fam}/{lang} ({state}; C={info['C']}, gain {info['gain_over_prior_nats']} nats, "
                  f"ECE {info['oof_ece_family']}): out-of-fold AUC {figs}")
    default_heads.cache_clear()
    return 0


if __name__ == "__main__":
    from credibly.heads import main as _main  # the imported module, not a second copy

    sys.exit(_main())
