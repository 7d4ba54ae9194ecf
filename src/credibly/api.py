"""Public scoring API: :func:`score`, :func:`score_many`, :func:`score_frame`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import CrediblyError
from .extractors import FAMILIES, evidence_feeds
from .extractors.base import Evidence
from .model import TrustModel, default_model, load_model
from .pipeline import analyse, feature_names, model_inputs

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Result", "Signal", "score", "score_many", "score_frame"]


@dataclass(frozen=True, slots=True)
class Signal:
    """One feature's share of the score, with the evidence of its family."""

    feature: str
    family: str
    value: float
    contribution: float  # on the calibrated logit scale; negative lowers trust

    def label(self) -> str:
        if self.feature.startswith("family."):
            return f"{self.family}:strength"
        name = self.feature.split(".", 1)[-1]
        return f"{self.family}:{name}"


def _family_of(feature: str) -> str:
    head = feature.split(".", 1)
    if head[0] == "family":
        return head[1]
    return head[0].rsplit("_v", 1)[0]


@dataclass(frozen=True)
class Result:
    """The score of one document.

    ``trust`` is the calibrated probability that the document is trustworthy;
    ``None`` only when ``error`` says why the input could not be scored.
    """

    trust: float | None
    language: str | None
    families: dict[str, float | None]
    features: dict[str, float]
    evidence: list[Evidence]
    contributions: dict[str, float] = field(default_factory=dict)
    base: float = 0.0
    language_confidence: float = 0.0
    language_supported: bool = False
    truncated: bool = False
    error: str | None = None
    #: the scored text (a reference, not a copy); evidence offsets index into it
    text: str | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def signals(self, k: int | None = 5, *, direction: str = "both") -> list[Signal]:
        """Features by absolute contribution (``direction``: both, down or up)."""
        items = []
        for f, c in self.contributions.items():
            if direction == "down" and c >= 0 or direction == "up" and c <= 0 or c == 0:
                continue
            value = self.features.get(f)
            if value is None and f.startswith("family."):
                fam = self.families.get(f.split(".", 1)[1])
                value = math.nan if fam is None else fam
            items.append(Signal(f, _family_of(f), float(value if value is not None else math.nan), c))
        items.sort(key=lambda s: -abs(s.contribution))
        return items if k is None else items[:k]

    def top_signals(self, k: int = 3) -> list[str]:
        """Short labels of the signals that lowered trust most (or raised it, for a trusted document)."""
        down = self.signals(k, direction="down")
        up = self.signals(k, direction="up")
        chosen = up if (self.trust or 0) >= 0.5 else down
        return [s.label() for s in chosen]

    def evidence_for(self, family: str) -> list[Evidence]:
        return [e for e in self.evidence if e.family == family]

    def explain(self, k: int = 5, *, context: int = 40, text: str | None = None) -> str:
        """Readable explanation: the top contributions and the evidence behind them."""
        text = self.text if text is None else text
        if self.error:
            return f"not scored: {self.error}"
        total = sum(self.contributions.values())
        lines = [
            f"trust {self.trust:.3f} (language {self.language}); logit {self.base + total:+.2f} = "
            f"base {self.base:+.2f} + contributions {total:+.2f}"
        ]
        for s in self.signals(k):
            lines.append(f"  {s.contribution:+.3f}  {s.label()} = {s.value:.3g}")
            shown = 0
            for e in (e for e in self.evidence if evidence_feeds(e.family, e.kind, s.feature)):
                if shown == 3:
                    break
                snippet = e.text if text is None else text[max(0, e.start - context) : e.end + context]
                snippet = " ".join(snippet.split())
                lines.append(f"           [{e.kind}] {snippet[:160]}")
                shown += 1
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Notebook view: the same page as ``credibly report`` (see :mod:`credibly.report`)."""
        from .report import result_html

        return result_html(self)

    def to_dict(self, *, evidence: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "trust": self.trust,
            "language": self.language,
            "families": dict(self.families),
            "top_signals": self.top_signals() if self.ok else [],
            "error": self.error,
        }
        if evidence:
            out["evidence"] = [e._asdict() for e in self.evidence]
        return out


def _check_text(text: Any) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError(
            "credibly.score() takes str, got bytes: decode it first, or use credibly.read.decode_bytes() "
            "which detects the encoding"
        )
    raise TypeError(f"credibly.score() takes str, got {type(text).__name__}")


def _resolve_model(model: TrustModel | str | None) -> TrustModel:
    if model is None:
        return default_model()
    if isinstance(model, TrustModel):
        return model
    return load_model(model)


def score(text: str, language: str | None = None, *, model: TrustModel | str | None = None) -> Result:
    """Score one document.

    Args:
        text: the document as a ``str`` (decode bytes first; see :mod:`credibly.read`).
        language: ISO 639-1 code; detected when ``None``.
        model: a :class:`TrustModel`, a path to a model file or folder, or ``None``
            for the shipped model.

    Raises:
        TypeError: ``text`` is not a ``str``.
        credibly.errors.EmptyDocumentError: the text holds no words.
    """
    text = _check_text(text)
    if language is not None and not isinstance(language, str):
        raise TypeError(f"language must be an ISO 639-1 code (str) or None, got {type(language).__name__}")
    m = _resolve_model(model)
    a = analyse(text, language)
    inputs = model_inputs(a)
    base, contrib = m.contributions(inputs, a.doc.language)
    logit = base + sum(contrib.values())
    trust = 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))
    return Result(
        trust=trust,
        language=a.doc.language,
        families={f: a.families.get(f) for f in FAMILIES},
        features=a.features,
        evidence=a.evidence,
        contributions=contrib,
        base=base,
        language_confidence=a.doc.language_confidence,
        language_supported=a.doc.supported,
        truncated=a.doc.truncated,
        text=text,
    )


def failed(reason: str) -> Result:
    """The Result of an input that could not be scored."""
    return Result(trust=None, language=None, families={f: None for f in FAMILIES}, features={}, evidence=[], error=reason)


def _error_text(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or type(exc).__name__
    return f"{reason}: {exc}"


def score_many(
    texts: Iterable[Any],
    language: str | None = None,
    *,
    model: TrustModel | str | None = None,
    errors: str = "raise",
) -> Iterator[Result]:
    """Score a stream of documents lazily, in order.

    ``errors="raise"`` stops at the first unscorable input; ``errors="keep"`` yields a
    Result with ``trust=None`` and ``error`` set for it instead, so no input is lost.
    """
    if errors not in ("raise", "keep"):
        raise ValueError("errors must be 'raise' or 'keep'")
    m = _resolve_model(model)
    for text in texts:
        if errors == "raise":
            yield score(text, language, model=m)
            continue
        try:
            yield score(text, language, model=m)
        except (CrediblyError, TypeError, ValueError) as exc:
            yield failed(_error_text(exc))


def result_row(r: Result, *, features: bool = True) -> dict[str, Any]:
    """A flat row: trust, language, family_<name>, top_signals, error and the features."""
    row: dict[str, Any] = {
        "trust": r.trust,
        "language": r.language,
    }
    for f in FAMILIES:
        row[f"family_{f}"] = r.families.get(f)
    row["top_signals"] = "; ".join(r.top_signals()) if r.ok else None
    row["error"] = r.error
    if features:
        names = feature_names()
        for f in names:
            row[f] = r.features.get(f, math.nan) if r.ok else math.nan
    return row


def score_frame(
    df: "pd.DataFrame",
    text_column: str = "text",
    *,
    language: str | None = None,
    language_column: str | None = None,
    model: TrustModel | str | None = None,
    features: bool = True,
    n_jobs: int = 1,
) -> "pd.DataFrame":
    """Score every row of ``df``: same rows, same index, same order, plus columns
    ``trust``, ``language``, ``family_<name>``, ``top_signals``, ``error`` and the features.

    A row that cannot be scored (missing text, empty, non-string) keeps its place with
    ``trust`` missing and ``error`` saying why. Raises ``KeyError`` if ``text_column``
    is not a column.
    """
    import pandas as pd

    from . import accessor  # noqa: F401  (registers df.credibly)

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"score_frame() takes a pandas DataFrame, got {type(df).__name__}")
    if text_column not in df.columns:
        raise KeyError(f"no column {text_column!r}; available columns: {', '.join(map(str, df.columns))}")
    if language_column is not None and language_column not in df.columns:
        raise KeyError(f"no column {language_column!r}; available columns: {', '.join(map(str, df.columns))}")
    m = _resolve_model(model)
    langs = df[language_column].tolist() if language_column else [language] * len(df)
    texts = df[text_column].tolist()
    if n_jobs and n_jobs > 1 and len(df) > 1:
        from .parallel import score_rows_parallel

        rows = score_rows_parallel(texts, langs, model=m, features=features, n_jobs=n_jobs)
    else:
        rows = [_score_row(t, lg, m, features) for t, lg in zip(texts, langs)]
    columns = list(result_row(failed("-"), features=features))
    out = pd.DataFrame(rows, index=df.index, columns=columns)
    clash = [c for c in out.columns if c in df.columns]
    if clash:
        out = out.rename(columns={c: f"credibly_{c}" for c in clash})
    return pd.concat([df, out], axis=1)


def _is_missing(x: Any) -> bool:
    """None, a float NaN or pandas' NA (Arrow-backed string columns)."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ == "NAType"


def _score_row(text: Any, lang: Any, m: TrustModel, features: bool) -> dict[str, Any]:
    if _is_missing(text):
        return result_row(failed("missing: no text in this row"), features=features)
    lang = lang if isinstance(lang, str) and lang else None
    try:
        r = score(text, lang, model=m)
    except (CrediblyError, TypeError, ValueError) as exc:
        r = failed(_error_text(exc))
    return result_row(r, features=features)
