"""Public scoring API: :func:`score`, :func:`score_many`, :func:`score_frame`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any

from .errors import CrediblyError
from .extractors import FAMILIES, evidence_feeds
from .extractors.base import Evidence
from .model import TrustModel, default_model, load_model
from .pipeline import analyse, feature_names, model_inputs

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .source_prior import SourceRatings, SourceTerm

#: the name of the source prior in :meth:`Result.signals` (not a document feature)
SOURCE_FEATURE = "source.prior"
#: the columns a row gets when a source prior was asked for
SOURCE_COLUMNS = ("document_trust", "source_domain", "source_rating", "source_term")

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
    #: the source prior, when domain ratings were given (see :mod:`credibly.source_prior`);
    #: ``trust`` then includes its term and ``document_trust`` is the text alone
    source: "SourceTerm | None" = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def document_trust(self) -> float | None:
        """Trust from the document alone, without the source prior (equals ``trust``
        when no prior applies)."""
        if self.trust is None or self.source is None or not self.source.applied:
            return self.trust
        return _sigmoid(self.base + sum(self.contributions.values()))

    @property
    def source_term(self) -> float | None:
        """The source prior's term on the logit scale; ``None`` when no prior applies."""
        return self.source.logit if self.source is not None and self.source.applied else None

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
        t = self.source_term
        if t and not (direction == "down" and t >= 0 or direction == "up" and t <= 0):
            items.append(Signal(SOURCE_FEATURE, "source", float(self.source.rating), t))  # type: ignore[union-attr]
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
        if self.source is None:
            lines = [
                f"trust {self.trust:.3f} (language {self.language}); logit {self.base + total:+.2f} = "
                f"base {self.base:+.2f} + contributions {total:+.2f}"
            ]
        else:
            term = self.source.logit if self.source.applied else 0.0
            lines = [
                f"trust {self.trust:.3f} (language {self.language}); logit {self.base + total + term:+.2f} = "
                f"base {self.base:+.2f} + contributions {total:+.2f} + source prior {term:+.2f}; "
                f"document alone {self.document_trust:.3f}",
                f"  {self.source.describe()}",
            ]
        for s in [s for s in self.signals(None) if s.feature != SOURCE_FEATURE][:k]:  # the prior has its own line
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
        if self.source is not None:
            out.update(_source_fields(self))
        if evidence:
            out["evidence"] = [e._asdict() for e in self.evidence]
        return out


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


def _source_fields(r: Result) -> dict[str, Any]:
    """``document_trust``, ``source_domain`` (the normalised domain looked up, also when
    it is not rated), ``source_rating`` and ``source_term`` (``None`` when no prior applies)."""
    s = r.source
    applied = s is not None and s.applied and r.ok
    return {
        "document_trust": r.document_trust,
        "source_domain": (s.domain if s.applied else s.query) if s is not None and r.ok else None,
        "source_rating": s.rating if applied else None,  # type: ignore[union-attr]
        "source_term": s.logit if applied else None,  # type: ignore[union-attr]
    }


def _resolve_ratings(source_ratings: Any) -> "SourceRatings | None":
    from .source_prior import SourceRatings

    if source_ratings is None or isinstance(source_ratings, SourceRatings):
        return source_ratings
    if isinstance(source_ratings, (str, PathLike)):
        return SourceRatings.from_csv(source_ratings)
    raise TypeError(f"source_ratings must be a SourceRatings, a path to a CSV file or None, "
                    f"got {type(source_ratings).__name__}")


def with_source(r: Result, ratings: "SourceRatings", url: Any) -> Result:
    """``r`` with the source prior of ``url`` applied: ``trust`` gets the term, the
    document-only trust stays in ``document_trust``. A failed Result is returned as is."""
    import dataclasses

    if not r.ok:
        return r
    term = ratings.term(url)
    trust = _sigmoid(r.base + sum(r.contributions.values()) + term.logit) if term.applied else r.trust
    return dataclasses.replace(r, trust=trust, source=term)


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


def score(
    text: str,
    language: str | None = None,
    *,
    model: TrustModel | str | None = None,
    url: str | None = None,
    source_ratings: "SourceRatings | str | PathLike[str] | None" = None,
) -> Result:
    """Score one document.

    Args:
        text: the document as a ``str`` (decode bytes first; see :mod:`credibly.read`).
        language: ISO 639-1 code; detected when ``None``.
        model: a :class:`TrustModel`, a path to a model file or folder, or ``None``
            for the shipped model.
        url: the document's URL or domain, for the source prior (ignored without
            ``source_ratings``).
        source_ratings: a :class:`credibly.source_prior.SourceRatings` (or a path to a
            ratings CSV, loaded on every call): ``trust`` then includes the source term,
            ``document_trust`` keeps the text-only score and ``source`` explains the term.
            An unknown domain or no ``url`` leaves trust unchanged.

    Raises:
        TypeError: ``text`` is not a ``str``.
        credibly.errors.EmptyDocumentError: the text holds no words.
        credibly.source_prior.SourceRatingsError: an unusable ratings file.
    """
    text = _check_text(text)
    if language is not None and not isinstance(language, str):
        raise TypeError(f"language must be an ISO 639-1 code (str) or None, got {type(language).__name__}")
    m = _resolve_model(model)
    ratings = _resolve_ratings(source_ratings)
    a = analyse(text, language)
    inputs = model_inputs(a)
    base, contrib = m.contributions(inputs, a.doc.language)
    logit = base + sum(contrib.values())
    trust = 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))
    result = Result(
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
    return result if ratings is None else with_source(result, ratings, url)


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
    urls: Iterable[Any] | None = None,
    source_ratings: "SourceRatings | str | PathLike[str] | None" = None,
) -> Iterator[Result]:
    """Score a stream of documents lazily, in order.

    ``errors="raise"`` stops at the first unscorable input; ``errors="keep"`` yields a
    Result with ``trust=None`` and ``error`` set for it instead, so no input is lost.
    ``urls`` (one per text, ``None`` for none) and ``source_ratings`` add the source
    prior as in :func:`score`.
    """
    if errors not in ("raise", "keep"):
        raise ValueError("errors must be 'raise' or 'keep'")
    m = _resolve_model(model)
    ratings = _resolve_ratings(source_ratings)
    if ratings is None:
        pairs: Iterable[tuple[Any, Any]] = ((t, None) for t in texts)
    else:
        pairs = zip(texts, urls, strict=True) if urls is not None else ((t, None) for t in texts)
    for text, url in pairs:
        if errors == "raise":
            r = score(text, language, model=m)
        else:
            try:
                r = score(text, language, model=m)
            except (CrediblyError, TypeError, ValueError) as exc:
                yield failed(_error_text(exc))
                continue
        yield r if ratings is None else with_source(r, ratings, url)


def result_row(r: Result, *, features: bool = True, source: bool | None = None) -> dict[str, Any]:
    """A flat row: trust, language, family_<name>, top_signals, error, the source columns
    (``document_trust``, ``source_domain``, ``source_rating``, ``source_term``: with
    ``source=True``, or by default when ``r`` carries a source prior) and the features."""
    row: dict[str, Any] = {
        "trust": r.trust,
        "language": r.language,
    }
    for f in FAMILIES:
        row[f"family_{f}"] = r.families.get(f)
    row["top_signals"] = "; ".join(r.top_signals()) if r.ok else None
    row["error"] = r.error
    if source or (source is None and r.source is not None):
        row.update(_source_fields(r) if r.ok else dict.fromkeys(SOURCE_COLUMNS))
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
    url_column: str | None = None,
    source_ratings: "SourceRatings | str | PathLike[str] | None" = None,
) -> "pd.DataFrame":
    """Score every row of ``df``: same rows, same index, same order, plus columns
    ``trust``, ``language``, ``family_<name>``, ``top_signals``, ``error`` and the features.

    A row that cannot be scored (missing text, empty, non-string) keeps its place with
    ``trust`` missing and ``error`` saying why. Raises ``KeyError`` if ``text_column``
    (or ``url_column``) is not a column.

    With ``source_ratings`` (see :func:`score`), ``trust`` includes the source prior of
    each row's ``url_column`` value (a URL or a domain; missing or unreadable: no term)
    and the columns ``document_trust``, ``source_domain``, ``source_rating`` and
    ``source_term`` are added after ``error``.
    """
    import pandas as pd

    from . import accessor  # noqa: F401  (registers df.credibly)

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"score_frame() takes a pandas DataFrame, got {type(df).__name__}")
    if text_column not in df.columns:
        raise KeyError(f"no column {text_column!r}; available columns: {', '.join(map(str, df.columns))}")
    if language_column is not None and language_column not in df.columns:
        raise KeyError(f"no column {language_column!r}; available columns: {', '.join(map(str, df.columns))}")
    if url_column is not None and url_column not in df.columns:
        raise KeyError(f"no column {url_column!r}; available columns: {', '.join(map(str, df.columns))}")
    m = _resolve_model(model)
    ratings = _resolve_ratings(source_ratings)
    langs = df[language_column].tolist() if language_column else [language] * len(df)
    texts = df[text_column].tolist()
    if ratings is not None:
        urls = df[url_column].tolist() if url_column is not None else [None] * len(df)
        rows = _source_rows(texts, langs, urls, m, ratings, features, n_jobs)
    elif n_jobs and n_jobs > 1 and len(df) > 1:
        from .parallel import score_rows_parallel

        rows = score_rows_parallel(texts, langs, model=m, features=features, n_jobs=n_jobs)
    else:
        rows = [_score_row(t, lg, m, features) for t, lg in zip(texts, langs)]
    columns = list(result_row(failed("-"), features=features, source=ratings is not None))
    out = pd.DataFrame(rows, index=df.index, columns=columns)
    clash = [c for c in out.columns if c in df.columns]
    if clash:
        out = out.rename(columns={c: f"credibly_{c}" for c in clash})
    return pd.concat([df, out], axis=1)


def _is_missing(x: Any) -> bool:
    """None, a float NaN or pandas' NA (Arrow-backed string columns)."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ == "NAType"


def _score_row(text: Any, lang: Any, m: TrustModel, features: bool) -> dict[str, Any]:
    return result_row(_score_result(text, lang, m), features=features)


def _score_result(text: Any, lang: Any, m: TrustModel) -> Result:
    if _is_missing(text):
        return failed("missing: no text in this row")
    lang = lang if isinstance(lang, str) and lang else None
    try:
        return score(text, lang, model=m)
    except (CrediblyError, TypeError, ValueError) as exc:
        return failed(_error_text(exc))


def _source_rows(texts: list, langs: list, urls: list, m: TrustModel, ratings: "SourceRatings",
                 features: bool, n_jobs: int) -> list[dict[str, Any]]:
    """Rows of :func:`score_frame` with the source prior (applied in this process)."""
    if n_jobs and n_jobs > 1 and len(texts) > 1:
        from .parallel import imap_ordered, init_worker, model_document, resolve_jobs, score_one

        jobs = resolve_jobs(n_jobs)
        chunk = max(1, min(16, len(texts) // (jobs * 8)))
        results: Iterable[Result] = imap_ordered(score_one, zip(texts, langs), jobs, chunk,
                                                 initializer=init_worker, initargs=(model_document(m), features))
    else:
        results = (_score_result(t, lg, m) for t, lg in zip(texts, langs))
    return [result_row(with_source(r, ratings, u), features=features, source=True) for r, u in zip(results, urls)]
