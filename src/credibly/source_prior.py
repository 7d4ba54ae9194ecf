"""Optional source prior: a domain-ratings CSV combined with the document score as a
separate, explained term.

The document score says how far the *text* can be relied on; a domain rating says how
far its *publisher* can. When a document comes with a URL (or a bare domain) and the
user supplies ratings, the two are combined on the logit scale::

    logit(trust) = document logit + weight * (logit(rating) - logit(base_rate))

with the rating clipped to ``clip`` (default ``[0.02, 0.98]``) so that no single rating
can overrule the text completely. A domain rated exactly ``base_rate`` leaves trust
unchanged; so does a domain that is not in the ratings, or a row without a URL. The
term is reported on its own (``Result.source``, ``Result.document_trust``,
``source_*`` columns), never folded into the document's feature contributions.

``DEFAULT_WEIGHT`` is measured, not guessed: ``benchmarks/source_prior.py`` chooses it on
held-out domains of the shared news corpora with the Lin et al. (2023) domain-quality
ratings (see ``docs/source_prior.md``). A different rating set has a different scale and
reliability: measure or choose your own weight (``weight=``).

Accepted ratings (``SourceRatings.from_csv``):

* numbers in ``[0, 1]`` (1 = most reliable) -- used as they are;
* numbers on another known range with ``scale=(low, high)``, mapped linearly onto
  ``[0, 1]`` (e.g. ``scale=(0, 100)`` for NewsGuard scores, ``scale=(-1, 1)``);
* categorical labels with ``labels={"high": 0.9, "mixed": 0.5, "low": 0.1}``
  (case-insensitive; a label mapped to ``None`` drops its rows).

Anything else -- numbers outside ``[0, 1]`` without ``scale``, text labels without
``labels``, a label missing from ``labels`` -- raises :class:`SourceRatingsError`
naming the offending values: guessing the direction or range of a scale would silently
invert the prior.

Domains are normalised the same way in the CSV and in the lookup
(:func:`normalise_domain`): lowercase, no scheme, credentials, port, path, query or
fragment, no leading ``www.``/``m.``/``amp.``/``mobile.``, IDNA-encoded. A lookup falls
back from a subdomain to its parents (``news.bbc.co.uk`` -> ``bbc.co.uk``) but never to
a public suffix (``co.uk``) or a blog-hosting platform (``blogspot.com``), using the
small built-in list :data:`MULTI_PART_SUFFIXES` (nothing is downloaded).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CrediblyError

__all__ = [
    "SourceRatings",
    "SourceTerm",
    "SourceRatingsError",
    "normalise_domain",
    "registrable_domain",
    "DEFAULT_WEIGHT",
    "DEFAULT_BASE_RATE",
    "DEFAULT_CLIP",
    "DOMAIN_COLUMNS",
    "RATING_COLUMNS",
    "MULTI_PART_SUFFIXES",
]

log = logging.getLogger("credibly.source_prior")

#: weight of the source term: the median weight chosen (minimum log loss) on one half of
#: the rated domains of the article-labelled news datasets, with held-out document scores,
#: over 100 repeated 2-fold domain splits (``benchmarks/source_prior.py``, Lin et al. 2023
#: pc1 ratings; IQR 0.49-1.35; see ``docs/source_prior.md``)
DEFAULT_WEIGHT = 0.9
#: the rating that leaves trust unchanged (the trust model is calibrated on a roughly
#: balanced mix, so its implicit prior is one half)
DEFAULT_BASE_RATE = 0.5
#: ratings are clipped into this interval before the logit (|term| <= weight * 3.9)
DEFAULT_CLIP = (0.02, 0.98)

#: auto-detected column names, in no particular order: exactly one may be present
DOMAIN_COLUMNS = ("domain", "source", "site", "url", "website", "outlet", "host", "hostname")
RATING_COLUMNS = ("rating", "reliability", "score", "label", "trust", "credibility", "reliability_score")

_PREFIXES = re.compile(r"^(?:www\d{0,3}|m|amp|mobile)$")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")

#: multi-part public suffixes (and blog-hosting platforms, whose subdomains are separate
#: publishers) that a lookup never falls back to; a single label (``com``, ``de``) is
#: always a suffix. A small built-in subset of the Public Suffix List, not a download.
MULTI_PART_SUFFIXES = frozenset(
    """
    co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk sch.uk nhs.uk police.uk mod.uk
    com.au net.au org.au edu.au gov.au asn.au id.au
    co.nz org.nz net.nz govt.nz ac.nz school.nz geek.nz
    co.jp ne.jp or.jp ac.jp go.jp ed.jp lg.jp gr.jp
    co.za org.za gov.za ac.za net.za web.za
    com.br gov.br org.br net.br edu.br art.br blog.br
    com.cn net.cn org.cn gov.cn edu.cn ac.cn
    com.mx org.mx gob.mx edu.mx net.mx
    co.in org.in net.in gov.in ac.in edu.in nic.in firm.in gen.in ind.in
    co.kr or.kr go.kr ac.kr ne.kr re.kr
    com.sg gov.sg org.sg edu.sg net.sg
    com.hk org.hk gov.hk edu.hk net.hk
    com.tw org.tw gov.tw edu.tw net.tw
    com.tr gov.tr org.tr edu.tr net.tr bel.tr k12.tr
    com.ar gob.ar org.ar net.ar edu.ar
    co.il org.il gov.il ac.il net.il muni.il
    com.my gov.my org.my edu.my net.my
    com.ph gov.ph org.ph edu.ph net.ph
    com.pk gov.pk org.pk edu.pk net.pk
    com.ng gov.ng org.ng edu.ng
    co.ke or.ke go.ke ac.ke ne.ke
    com.eg gov.eg org.eg edu.eg
    com.sa gov.sa org.sa edu.sa net.sa
    com.ua gov.ua org.ua net.ua in.ua kiev.ua
    co.id or.id go.id ac.id web.id
    com.vn gov.vn org.vn edu.vn net.vn
    com.pe gob.pe org.pe edu.pe
    com.co gov.co org.co edu.co net.co
    com.ve gob.ve org.ve
    com.cy gov.cy
    com.gr gov.gr org.gr edu.gr
    com.pl net.pl org.pl gov.pl edu.pl
    com.ru net.ru org.ru msk.ru spb.ru
    com.es org.es gob.es nom.es edu.es
    com.pt gov.pt org.pt edu.pt
    co.at or.at gv.at ac.at
    com.be ac.be
    co.th or.th go.th ac.th in.th
    com.bd gov.bd org.bd
    com.lb gov.lb org.lb
    com.qa gov.qa org.qa
    com.kw gov.kw
    co.ae gov.ae org.ae ac.ae net.ae
    com.gh gov.gh org.gh
    co.tz go.tz or.tz
    co.ug go.ug or.ug
    co.zw gov.zw org.zw
    com.np gov.np org.np
    com.lk gov.lk org.lk
    co.ir gov.ir org.ir ac.ir
    blogspot.com wordpress.com substack.com tumblr.com medium.com github.io
    wixsite.com weebly.com livejournal.com typepad.com blogger.com
    """.split()
)


class SourceRatingsError(CrediblyError, ValueError):
    """A domain-ratings file is unreadable, ambiguous or on an unknown scale."""


# -- domains ---------------------------------------------------------------------------
def _host(value: str) -> str | None:
    s = value.strip().lower()
    if not s:
        return None
    m = re.match(r"^[a-z][a-z0-9+.-]*://", s)
    if m:
        s = s[m.end():]
    elif s.startswith("//"):
        s = s[2:]
    s = re.split(r"[/?#\\\s]", s, maxsplit=1)[0]
    s = s.rsplit("@", 1)[-1]  # user:password@
    if s.startswith("["):  # an IPv6 literal is no publisher
        return None
    s = s.split(":", 1)[0].strip(".")
    if not s:
        return None
    if not s.isascii():
        try:
            s = s.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = s.split(".")
    if len(labels) < 2 or not all(_LABEL.match(p) for p in labels):
        return None
    if not re.search(r"[a-z]", labels[-1]):  # an IPv4 address or a bare number
        return None
    return s


def _suffix_len(labels: list[str]) -> int:
    """How many trailing labels form the public suffix (1 unless a known multi-part one)."""
    for n in (3, 2):
        if len(labels) >= n and ".".join(labels[-n:]) in MULTI_PART_SUFFIXES:
            return n
    return 1


def normalise_domain(value: Any) -> str | None:
    """The host of a URL or bare domain, normalised for lookup; ``None`` if there is none.

    >>> normalise_domain("https://user:pw@WWW.BBC.co.uk:443/news/x?y=1#z")
    'bbc.co.uk'
    >>> normalise_domain("amp.theguardian.com/world"), normalise_domain("co.uk")
    ('theguardian.com', None)

    Returns ``None`` for anything that is not a domain: ``None``, non-strings, empty
    strings, IP addresses, a public suffix alone.
    """
    if not isinstance(value, str):
        return None
    host = _host(value)
    if host is None:
        return None
    labels = host.split(".")
    keep = _suffix_len(labels) + 1  # a prefix is stripped only down to the registrable domain
    while len(labels) > keep and _PREFIXES.match(labels[0]):
        labels = labels[1:]
    if len(labels) < keep:
        return None  # a public suffix alone
    return ".".join(labels)


def registrable_domain(value: Any) -> str | None:
    """The registrable domain (one label plus the public suffix): ``news.bbc.co.uk`` -> ``bbc.co.uk``."""
    host = normalise_domain(value)
    if host is None:
        return None
    labels = host.split(".")
    return ".".join(labels[-(_suffix_len(labels) + 1):])


def _candidates(host: str) -> list[str]:
    """``host`` and its parents down to the registrable domain, most specific first."""
    labels = host.split(".")
    stop = _suffix_len(labels) + 1
    return [".".join(labels[i:]) for i in range(0, len(labels) - stop + 1)]


# -- the term ---------------------------------------------------------------------------
def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class SourceTerm:
    """The source prior of one document.

    ``status`` is ``"rated"`` (a term applies), ``"unrated"`` (a domain, but not in the
    ratings: no term), ``"no_url"`` (no URL or domain given) or ``"bad_url"`` (the value
    holds no usable domain). ``logit`` is the term added to the document logit (0.0
    unless rated).
    """

    status: str
    query: str | None = None  # the normalised domain of the input
    domain: str | None = None  # the rated domain that matched (``query`` or a parent)
    rating: float | None = None  # the rating in [0, 1] as loaded (before clipping)
    logit: float = 0.0
    weight: float = DEFAULT_WEIGHT
    base_rate: float = DEFAULT_BASE_RATE

    @property
    def applied(self) -> bool:
        return self.status == "rated"

    def describe(self) -> str:
        """One line for :meth:`credibly.Result.explain`."""
        if self.status == "rated":
            via = "" if self.domain == self.query else f" (via {self.query})"
            return (f"source prior: {self.domain}{via} rated {self.rating:.2f} -> {self.logit:+.2f} logit "
                    f"(weight {self.weight:g}, base rate {self.base_rate:g})")
        if self.status == "unrated":
            return f"source prior: {self.query} is not in the ratings -> no term (trust unchanged)"
        if self.status == "bad_url":
            return "source prior: no domain could be read from the URL -> no term (trust unchanged)"
        return "source prior: no URL or domain for this document -> no term (trust unchanged)"


def _check_params(weight: float, base_rate: float, clip: tuple[float, float]) -> tuple[float, float, tuple[float, float]]:
    try:
        weight, base_rate = float(weight), float(base_rate)
        lo, hi = (float(clip[0]), float(clip[1]))
    except (TypeError, ValueError, IndexError):
        raise SourceRatingsError("weight and base_rate must be numbers and clip a (low, high) pair") from None
    if not (math.isfinite(weight) and weight >= 0):
        raise SourceRatingsError(f"weight must be a finite number >= 0, got {weight}")
    if not 0 < lo < hi < 1:
        raise SourceRatingsError(f"clip must satisfy 0 < low < high < 1, got {clip}")
    if not lo <= base_rate <= hi:
        raise SourceRatingsError(f"base_rate must lie inside clip {clip}, got {base_rate}")
    return weight, base_rate, (lo, hi)


class SourceRatings:
    """Domain ratings in ``[0, 1]`` and how they are combined with the document score.

    Args:
        ratings: ``{domain or URL: rating in [0, 1]}``; keys are normalised with
            :func:`normalise_domain` (a key that is no domain, or a public suffix, is
            skipped; duplicates after normalisation are averaged).
        weight: multiplies ``logit(rating) - logit(base_rate)``; 0 switches the prior off.
        base_rate: the rating that leaves trust unchanged.
        clip: ratings are clipped into ``[low, high]`` before the logit.
        name: where the ratings came from (shown in logs).
    """

    def __init__(
        self,
        ratings: Mapping[str, float],
        *,
        weight: float = DEFAULT_WEIGHT,
        base_rate: float = DEFAULT_BASE_RATE,
        clip: tuple[float, float] = DEFAULT_CLIP,
        name: str = "<mapping>",
    ) -> None:
        self.weight, self.base_rate, self.clip = _check_params(weight, base_rate, clip)
        self.name = name
        sums: dict[str, list[float]] = {}
        self.skipped = 0  # keys that are no domain
        for key, value in ratings.items():
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise SourceRatingsError(f"{name}: rating of {key!r} is not a number: {value!r}") from None
            if not (0.0 <= v <= 1.0):
                raise SourceRatingsError(f"{name}: rating of {key!r} is {v}, outside [0, 1]")
            d = normalise_domain(key)
            if d is None:
                self.skipped += 1
                continue
            sums.setdefault(d, []).append(v)
        self.duplicates = sum(1 for v in sums.values() if len(v) > 1)
        #: normalised domain -> rating in [0, 1]
        self.ratings: dict[str, float] = {d: sum(v) / len(v) for d, v in sums.items()}
        if not self.ratings:
            raise SourceRatingsError(f"{name}: no usable domain ratings")

    def __len__(self) -> int:
        return len(self.ratings)

    def __contains__(self, url_or_domain: object) -> bool:
        return self.lookup(url_or_domain) is not None

    def __repr__(self) -> str:
        return (f"SourceRatings({len(self)} domains from {self.name}, weight={self.weight:g}, "
                f"base_rate={self.base_rate:g}, clip={self.clip})")

    def with_weight(self, weight: float) -> "SourceRatings":
        """The same ratings with another weight."""
        import copy

        other = copy.copy(self)
        other.weight = _check_params(weight, self.base_rate, self.clip)[0]
        return other

    def lookup(self, url_or_domain: object) -> tuple[str, float] | None:
        """``(rated domain, rating)`` for a URL or domain, falling back to parent domains
        (never to a public suffix); ``None`` when it is not rated."""
        host = normalise_domain(url_or_domain)
        if host is None:
            return None
        for cand in _candidates(host):
            if cand in self.ratings:
                return cand, self.ratings[cand]
        return None

    def term_for_rating(self, rating: float) -> float:
        """``weight * (logit(clipped rating) - logit(base_rate))``."""
        lo, hi = self.clip
        r = min(max(float(rating), lo), hi)
        return self.weight * (_logit(r) - _logit(self.base_rate))

    def term(self, url_or_domain: object) -> SourceTerm:
        """The :class:`SourceTerm` of one document's URL or domain (``None``/NaN: no URL)."""
        common = {"weight": self.weight, "base_rate": self.base_rate}
        if url_or_domain is None or (isinstance(url_or_domain, float) and math.isnan(url_or_domain)) \
                or type(url_or_domain).__name__ == "NAType" or (isinstance(url_or_domain, str) and not url_or_domain.strip()):
            return SourceTerm("no_url", **common)
        host = normalise_domain(url_or_domain)
        if host is None:
            return SourceTerm("bad_url", **common)
        hit = self.lookup(host)
        if hit is None:
            return SourceTerm("unrated", query=host, **common)
        domain, rating = hit
        return SourceTerm("rated", query=host, domain=domain, rating=rating, logit=self.term_for_rating(rating), **common)

    def coverage(self, urls: Iterable[Any]) -> dict[str, int]:
        """How many of ``urls`` are rated, unrated, missing or unreadable."""
        out = {"rated": 0, "unrated": 0, "no_url": 0, "bad_url": 0}
        for u in urls:
            out[self.term(u).status] += 1
        return out

    # -- loading --------------------------------------------------------------------------
    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        domain_column: str | None = None,
        rating_column: str | None = None,
        *,
        labels: Mapping[str, float | None] | None = None,
        scale: tuple[float, float] | None = None,
        weight: float = DEFAULT_WEIGHT,
        base_rate: float = DEFAULT_BASE_RATE,
        clip: tuple[float, float] = DEFAULT_CLIP,
    ) -> "SourceRatings":
        """Load ratings from a CSV or TSV file with a header row (UTF-8, BOM allowed).

        ``domain_column``/``rating_column`` default to the one header among
        :data:`DOMAIN_COLUMNS`/:data:`RATING_COLUMNS` (case-insensitive); none or several
        is an error asking for the column. Rows with an empty domain or rating are
        skipped. See the module docstring for the accepted rating scales.

        Raises:
            FileNotFoundError: no file at ``path``.
            SourceRatingsError: no header, a missing or ambiguous column, ratings on an
                unknown scale, unmapped labels, no usable row.
        """
        path = Path(path)
        name = str(path)
        try:
            raw = path.read_bytes()
        except IsADirectoryError:
            raise SourceRatingsError(f"{name}: is a folder, not a CSV file") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceRatingsError(f"{name}: not UTF-8 text (save the ratings as UTF-8 CSV)") from None
        if "\x00" in text:
            raise SourceRatingsError(f"{name}: binary data, not a CSV file")
        first = text.split("\n", 1)[0]
        delim = max((",", "\t", ";"), key=first.count)
        if first.count(delim) == 0:
            raise SourceRatingsError(f"{name}: the header needs at least a domain and a rating column, got {first[:80]!r}")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        try:
            header = [h.strip() for h in next(reader)]
            rows = list(reader)
        except StopIteration:
            raise SourceRatingsError(f"{name}: empty file") from None
        except csv.Error as exc:
            raise SourceRatingsError(f"{name}: malformed CSV: {exc}") from None
        di = _pick_column(header, domain_column, DOMAIN_COLUMNS, "domain", name)
        ri = _pick_column(header, rating_column, RATING_COLUMNS, "rating", name)
        if di == ri:
            raise SourceRatingsError(f"{name}: domain and rating must be different columns")
        pairs = [(r[di].strip(), r[ri].strip()) for r in rows if len(r) > max(di, ri) and r[di].strip() and r[ri].strip()]
        if not pairs:
            raise SourceRatingsError(f"{name}: no row has both a domain and a rating")
        values = _to_probabilities([v for _, v in pairs], labels, scale, name, header[ri])
        ratings: dict[str, list[float]] = {}
        for (d, _), v in zip(pairs, values):
            if v is not None:
                ratings.setdefault(d, []).append(v)
        flat = {d: sum(v) / len(v) for d, v in ratings.items()}
        out = cls(flat, weight=weight, base_rate=base_rate, clip=clip, name=name)
        out.domain_column, out.rating_column = header[di], header[ri]
        if out.skipped:
            log.warning("%s: %d rows hold no usable domain and were skipped", name, out.skipped)
        if out.duplicates:
            log.info("%s: %d domains appear more than once (ratings averaged)", name, out.duplicates)
        return out


def _pick_column(header: list[str], wanted: str | None, candidates: tuple[str, ...], what: str, name: str) -> int:
    if wanted is not None:
        if wanted in header:
            return header.index(wanted)
        lower = [h.lower() for h in header]
        if wanted.lower() in lower and lower.count(wanted.lower()) == 1:
            return lower.index(wanted.lower())
        raise SourceRatingsError(f"{name}: no column {wanted!r}; columns: {', '.join(header)}")
    found = [i for i, h in enumerate(header) if h.lower() in candidates]
    if len(found) == 1:
        return found[0]
    arg = f"{what}_column"
    if not found:
        raise SourceRatingsError(
            f"{name}: no {what} column found (looked for {', '.join(candidates)}); columns: {', '.join(header)}; "
            f"pass {arg}= (CLI: --source-{what}-column)"
        )
    raise SourceRatingsError(
        f"{name}: several possible {what} columns ({', '.join(header[i] for i in found)}); "
        f"pass {arg}= (CLI: --source-{what}-column)"
    )


def _to_probabilities(values: list[str], labels: Mapping[str, float | None] | None,
                      scale: tuple[float, float] | None, name: str, column: str) -> list[float | None]:
    if labels is not None:
        if scale is not None:
            raise SourceRatingsError("pass either labels or scale, not both")
        table: dict[str, float | None] = {}
        for k, v in labels.items():
            if v is not None:
                try:
                    fv = float(v)
                except (TypeError, ValueError):
                    raise SourceRatingsError(f"labels: {k!r} maps to {v!r}, not a number in [0, 1]") from None
                if not 0.0 <= fv <= 1.0:
                    raise SourceRatingsError(f"labels: {k!r} maps to {fv}, outside [0, 1]")
                v = fv
            table[str(k).strip().lower()] = v
        missing: dict[str, int] = {}
        for v in values:
            if v.lower() not in table:
                missing[v] = missing.get(v, 0) + 1
        if missing:
            shown = ", ".join(f"{k!r} ({n})" for k, n in sorted(missing.items(), key=lambda kv: -kv[1])[:10])
            raise SourceRatingsError(f"{name}: column {column!r} holds labels not in the mapping: {shown}")
        return [table[v.lower()] for v in values]
    nums: list[float] = []
    bad: list[str] = []
    for v in values:
        try:
            f = float(v)
        except ValueError:
            bad.append(v)
            continue
        if not math.isfinite(f):
            bad.append(v)
            continue
        nums.append(f)
    if bad:
        examples = ", ".join(repr(b) for b in sorted(set(bad))[:8])
        raise SourceRatingsError(
            f"{name}: column {column!r} holds text labels ({examples}): pass labels= mapping each label to a "
            "probability in [0, 1], e.g. {'high': 0.9, 'mixed': 0.5, 'low': 0.1} (CLI: --source-labels high=0.9,...)"
        )
    if scale is not None:
        try:
            lo, hi = float(scale[0]), float(scale[1])
        except (TypeError, ValueError, IndexError):
            raise SourceRatingsError("scale must be a (low, high) pair of numbers") from None
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo == hi:
            raise SourceRatingsError(f"scale must be two different finite numbers, got {scale}")
        out = [(f - lo) / (hi - lo) for f in nums]  # a reversed scale (high=best given first) works too
        outside = [f for f, p in zip(nums, out) if not -1e-9 <= p <= 1 + 1e-9]
        if outside:
            raise SourceRatingsError(f"{name}: column {column!r} has values outside scale {scale}: {sorted(outside)[:5]}")
        return [min(max(p, 0.0), 1.0) for p in out]
    outside = sorted({f for f in nums if not 0.0 <= f <= 1.0})
    if outside:
        raise SourceRatingsError(
            f"{name}: column {column!r} has values outside [0, 1] ({', '.join(f'{f:g}' for f in outside[:6])}); "
            f"the scale is ambiguous: pass scale=(low, high) (CLI: --source-scale LOW,HIGH), e.g. (0, 100), "
            "or labels= for categories"
        )
    return list(nums)
