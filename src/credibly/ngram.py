"""Hashed word n-gram scores: the lexical input of the family heads (:mod:`credibly.heads`).

Definition (scheme ``word12_poly64_v2``)
----------------------------------------
From the document's casefolded tokens (``Document.folded``, the one parse), every word unigram and
every bigram of adjacent tokens is hashed into ``2**bits`` buckets with a *stable* hash:

- a token's hash is the polynomial ``sum((ord(c) + 1) * P**k) mod 2**64`` over its characters
  ``c`` at positions ``k`` (``P`` a fixed odd constant). It is computed for all tokens at once with
  numpy (prefix sums over the document's code points, shifted by the inverse powers of ``P``), so
  there is no per-token Python work; Python's ``hash()`` is salted per process and is never used;
- a unigram's bucket is the top ``bits`` bits of ``h * M1 mod 2**64``;
- a bigram's bucket is the top ``bits`` bits of ``(h1 * M2 + h2) * M1 mod 2**64``.

The document vector holds ``1 + log(count)`` per bucket, L2-normalised. A :class:`NgramModel` is a
sparse logistic regression on that vector (fitted by scikit-learn at training time only); its
score is the raw logit ``intercept + sum(w[bucket] * value)``: a numpy gather and a dot product.
The score is not a probability: the family head standardises it and calibrates the combination
(:func:`credibly.heads.fit_family_head`).

The bucket vector of a document is computed once and cached on the document, so several
families share it. Stored as plain JSON inside the family heads file: the non-zero buckets
delta-encoded (``bucket_deltas``) and the weights quantised to integers (``weights_q`` times
``weight_scale``): numbers only, nothing that can run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["SCHEME", "CHAR_SCHEME", "NgramModel", "char_vector", "token_hashes", "ngram_buckets", "ngram_vector", "document_vector", "input_name"]

SCHEME = "word12_poly64_v2"
DEFAULT_BITS = 18
_P = np.uint64(0x100000001B3)  # odd, so it has an inverse modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_M1 = np.uint64(0x9E3779B97F4A7C15)  # multiplicative mixing before taking the top bits
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_powers: dict[str, np.ndarray] = {}
_KEEP_POWERS = 1 << 18  # characters: the kept tables stay at 4 MB
#: quantisation levels of the stored weights (|q| <= _QMAX)
_QMAX = 32767


def input_name(family: str) -> str:
    """The family head's input that carries this family's n-gram score."""
    return f"ngram_v1.{family}"


def _powers_of(base: np.uint64, size: int) -> np.ndarray:
    """``base**k`` mod 2**64 for k < size, by repeated doubling of a filled prefix."""
    arr = np.empty(size, dtype=np.uint64)
    arr[0] = 1
    m, step = 1, base  # arr[m:2m] = arr[:m] * base**m
    with np.errstate(over="ignore"):
        while m < size:
            k = min(m, size - m)
            arr[m : m + k] = arr[:k] * step
            step = step * step
            m += k
    return arr


def _power_table(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**k`` and ``P**-k`` mod 2**64 for k < n. Kept (grown by doubling) up to
    _KEEP_POWERS entries; a longer document gets a table of its own that is not kept."""
    if n > _KEEP_POWERS:
        return _powers_of(_P, n), _powers_of(_P_INV, n)
    have = _powers.get("p")
    if have is None or len(have) < n:
        size = min(max(n, 2 * (len(have) if have is not None else 4096)), _KEEP_POWERS)
        _powers["p"], _powers["inv"] = _powers_of(_P, size), _powers_of(_P_INV, size)
    return _powers["p"][:n], _powers["inv"][:n]


def token_hashes(tokens: Sequence[str]) -> np.ndarray:
    """Stable 64-bit hash of every token (see the module docstring), as a uint64 array."""
    n = len(tokens)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    # one string, tokens separated by NUL (never inside a token): code points and the token
    # boundaries come out of numpy, no per-token Python work
    codes = np.frombuffer("\0".join(tokens).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    seps = np.flatnonzero(codes == 0)
    if len(seps) != n - 1:  # a NUL inside a token (credibly's tokenizer never makes one): one by one
        return np.concatenate([_hash_one(t) for t in tokens])
    starts = np.empty(n, dtype=np.int64)
    starts[0] = 0
    starts[1:] = seps + 1
    ends = np.empty(n, dtype=np.int64)
    ends[:-1] = seps
    ends[-1] = len(codes)
    pw, inv = _power_table(len(codes) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
        np.cumsum((codes.astype(np.uint64) + np.uint64(1)) * pw[: len(codes)], out=prefix[1:])
        return (prefix[ends] - prefix[starts]) * inv[starts]


def _hash_one(token: str) -> np.ndarray:
    """The hash of one token, whatever it contains (the same polynomial)."""
    codes = np.frombuffer(token.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    pw, _ = _power_table(len(codes) + 1)
    with np.errstate(over="ignore"):
        return np.array([((codes + np.uint64(1)) * pw[: len(codes)]).sum()], dtype=np.uint64)


def ngram_buckets(tokens: Sequence[str], bits: int = DEFAULT_BITS, hashes: np.ndarray | None = None) -> np.ndarray:
    """The bucket of every unigram and bigram (unsorted, with repeats), int64. ``hashes``:
    the tokens' :func:`token_hashes` when already computed."""
    shift = np.uint64(64 - bits)
    h = token_hashes(tokens) if hashes is None else hashes
    with np.errstate(over="ignore"):
        uni = (h * _M1) >> shift
        if len(h) < 2:
            return uni.astype(np.int64)
        bi = ((h[:-1] * _M2 + h[1:]) * _M1) >> shift
    return np.concatenate([uni, bi]).astype(np.int64)


def ngram_vector(tokens: Sequence[str], bits: int = DEFAULT_BITS,
                 hashes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(buckets, values)``: sorted distinct buckets and their ``1 + log(count)``, L2-normalised.
    Empty arrays for a document without tokens."""
    b = ngram_buckets(tokens, bits, hashes)
    if len(b) == 0:
        return b, np.zeros(0)
    b.sort()
    u, c = _distinct_counts(b)
    v = 1.0 + np.log(c)
    return u, v / math.sqrt(_dot(v, v))


def _distinct_counts(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of the sorted, non-empty array ``b`` and how often each occurs."""
    first = np.empty(len(b), dtype=bool)  # first occurrence of each value in the sorted array
    first[0] = True
    np.not_equal(b[1:], b[:-1], out=first[1:])
    idx = np.flatnonzero(first)
    return b[idx], np.diff(idx, append=len(b))


#: character n-grams (scheme ``char123_v1``): orders 1-3 of the raw text, 2**CHAR_BITS buckets
CHAR_SCHEME = "char123_v1"
CHAR_BITS = 16
#: only the first CHAR_MAX_CHARS characters are read (about 400 English words): the cost
#: per document stays bounded, and style shows within a few hundred words
CHAR_MAX_CHARS = 2400
_LOG_COUNT = 1.0 + np.log(np.maximum(np.arange(CHAR_MAX_CHARS + 1, dtype=np.float64), 1.0))  # 1 + log(c)
_CHAR_KEY_BITS = np.uint64(21)  # a code point fits in 21 bits: (c1 << 21) | c2 is exact


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """The dot product of two vectors without BLAS: OpenBLAS runs a long ``a @ b`` in threads
    that spin on every core, which adds CPU time (60 % on a 8,000-word document here) and
    oversubscribes the cores of a multi-process batch for no gain in wall time."""
    return float(np.multiply(a, b).sum())


def char_buckets(text: str) -> np.ndarray:
    """The bucket of every character 1-, 2- and 3-gram of ``text`` (unsorted, with repeats),
    uint16. Every whitespace or control character counts as one space and runs of them as
    one (layout is not style); case and punctuation are kept (typography is evidence)."""
    codes = np.frombuffer(text[:CHAR_MAX_CHARS].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.uint16)
    ws = codes <= 32
    codes = np.maximum(codes, np.uint32(32))
    keep = np.ones(len(codes), dtype=bool)
    np.logical_not(ws[1:] & ws[:-1], out=keep[1:])
    c = codes[keep].astype(np.uint64)
    # exact keys of the n-grams; code points are >= 32, so the three orders never share a key
    k2 = (c[:-1] << _CHAR_KEY_BITS) | c[1:]
    k3 = (k2[:-1] << _CHAR_KEY_BITS) | c[2:]
    with np.errstate(over="ignore"):
        return ((np.concatenate((c, k2, k3)) * _M1) >> np.uint64(64 - CHAR_BITS)).astype(np.uint16)


def char_vector(text: str) -> tuple[np.ndarray, np.ndarray]:
    """``(buckets, values)`` of :func:`char_buckets`: sorted distinct buckets (int64) and their
    ``1 + log(count)``, L2-normalised (16-bit buckets: numpy sorts them by radix)."""
    b = char_buckets(text)
    if len(b) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    b.sort(kind="stable")
    u, counts = _distinct_counts(b)
    v = _LOG_COUNT[np.minimum(counts, len(_LOG_COUNT) - 1)]
    return u.astype(np.int64), v / math.sqrt(_dot(v, v))


def document_char_vector(doc: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`char_vector` of ``doc.text``, computed once per document."""
    cache = getattr(doc, "_derived", None)
    key = f"ngram:{CHAR_SCHEME}"
    if cache is not None and key in cache:
        return cache[key]  # type: ignore[no-any-return]
    out = char_vector(doc.text)
    if cache is not None:
        cache[key] = out
    return out


def document_vector(doc: Any, bits: int = DEFAULT_BITS) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ngram_vector` of ``doc.folded``, computed once per document and bit width."""
    key = f"ngram:{SCHEME}:{bits}"
    cache = getattr(doc, "_derived", None)
    if cache is not None and key in cache:
        return cache[key]  # type: ignore[no-any-return]
    hashes = doc.token_hashes() if hasattr(doc, "token_hashes") else None  # shared with the extractors
    out = ngram_vector(doc.folded, bits, hashes)
    if cache is not None:
        cache[key] = out
    return out


@dataclass
class NgramModel:
    """A sparse linear model on the hashed n-gram vector; :meth:`score` is its logit."""

    buckets: np.ndarray  # sorted distinct int64 buckets with a non-zero weight
    weights: np.ndarray  # float64, same length
    intercept: float
    bits: int = DEFAULT_BITS
    scheme: str = SCHEME
    info: dict[str, Any] = field(default_factory=dict)
    #: optional character part (scheme CHAR_SCHEME): sorted buckets < 2**CHAR_BITS and weights;
    #: the score then adds ``dot(char weights, char_vector(doc.text))``
    char_buckets: np.ndarray | None = None
    char_weights: np.ndarray | None = None
    _dense: np.ndarray | None = field(default=None, repr=False, compare=False)
    _char_dense: np.ndarray | None = field(default=None, repr=False, compare=False)

    def dense(self) -> np.ndarray:
        """The weights as a dense float64 array of ``2**bits`` (built once)."""
        if self._dense is None:
            d = np.zeros(1 << self.bits, dtype=np.float64)
            d[self.buckets] = self.weights
            self._dense = d
        return self._dense

    @property
    def has_chars(self) -> bool:
        return self.char_buckets is not None and len(self.char_buckets) > 0

    def char_dense(self) -> np.ndarray:
        if self._char_dense is None:
            d = np.zeros(1 << CHAR_BITS, dtype=np.float64)
            if self.has_chars:
                d[self.char_buckets] = self.char_weights
            self._char_dense = d
        return self._char_dense

    def score_vector(self, buckets: np.ndarray, values: np.ndarray,
                     chars: tuple[np.ndarray, np.ndarray] | None = None) -> float | None:
        """The logit of a document vector (and its character vector, when the model has a
        character part), ``None`` for an empty one."""
        if len(buckets) == 0:
            return None
        s = self.intercept + _dot(self.dense()[buckets], values)
        if chars is not None and self.has_chars and len(chars[0]):
            s += _dot(self.char_dense()[chars[0]], chars[1])
        return float(s)

    def score_tokens(self, tokens: Sequence[str], text: str | None = None) -> float | None:
        chars = char_vector(text) if (text is not None and self.has_chars) else None
        return self.score_vector(*ngram_vector(tokens, self.bits), chars=chars)

    def score(self, doc: Any) -> float | None:
        """The logit of a parsed :class:`~credibly.document.Document` (its vectors are cached)."""
        chars = document_char_vector(doc) if self.has_chars else None
        return self.score_vector(*document_vector(doc, self.bits), chars=chars)

    # -- persistence ------------------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        out = {"scheme": self.scheme, "bits": int(self.bits), "intercept": float(f"{self.intercept:.8g}"),
               **_quantised(self.buckets, self.weights)}
        if self.has_chars:
            out["chars"] = {"scheme": CHAR_SCHEME, "bits": CHAR_BITS, "max_chars": CHAR_MAX_CHARS,
                            **_quantised(self.char_buckets, self.char_weights)}  # type: ignore[arg-type]
        out["info"] = self.info
        return out

    @classmethod
    def from_payload(cls, payload: Any) -> "NgramModel":
        """Parse and check a stored model; ``TypeError``/``ValueError`` on anything malformed."""
        if not isinstance(payload, dict):
            raise TypeError("an n-gram model must be an object")
        if payload.get("scheme") != SCHEME:
            raise ValueError(f"n-gram scheme {payload.get('scheme')!r} is not supported (this credibly reads {SCHEME!r})")
        bits = payload["bits"]
        if not isinstance(bits, int) or isinstance(bits, bool) or not 8 <= bits <= 24:
            raise ValueError("bits must be an integer in [8, 24]")
        numbers = (payload["intercept"], payload["weight_scale"])
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in numbers):
            raise ValueError("intercept and weight_scale must be finite numbers")
        buckets, weights = _dequantised(payload, bits)
        info = payload.get("info", {})
        if not isinstance(info, dict):
            raise TypeError("info must be an object")
        cb = cw = None
        chars = payload.get("chars")
        if chars is not None:
            if not isinstance(chars, dict):
                raise TypeError("chars must be an object")
            if (chars.get("scheme"), chars.get("bits"), chars.get("max_chars")) != (CHAR_SCHEME, CHAR_BITS,
                                                                                     CHAR_MAX_CHARS):
                raise ValueError(f"character n-gram scheme {chars.get('scheme')!r} (bits {chars.get('bits')}, "
                                 f"max_chars {chars.get('max_chars')}) is not supported (this credibly reads "
                                 f"{CHAR_SCHEME!r}, {CHAR_BITS}, {CHAR_MAX_CHARS})")
            cb, cw = _dequantised(chars, CHAR_BITS, "chars.")
        return cls(buckets, weights, float(numbers[0]), bits, SCHEME, info, cb, cw)


def _quantised(buckets: np.ndarray, weights: np.ndarray) -> dict[str, Any]:
    """Delta-encoded sorted buckets and integer weights (times ``weight_scale``)."""
    order = np.argsort(buckets)
    b, w = buckets[order], weights[order]
    top = float(np.max(np.abs(w))) if len(w) else 1.0
    scale = float(f"{(top / _QMAX if top > 0 else 1.0):.6g}")
    q = np.clip(np.rint(w / scale), -_QMAX, _QMAX).astype(np.int64)
    keep = q != 0
    b, q = b[keep], q[keep]
    deltas = np.diff(np.concatenate([[0], b])) if len(b) else b
    return {"weight_scale": scale, "bucket_deltas": [int(v) for v in deltas], "weights_q": [int(v) for v in q]}


def _dequantised(payload: dict[str, Any], bits: int, where: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Check and decode :func:`_quantised` (``where``: the section's name in messages)."""
    deltas, q, scale = payload["bucket_deltas"], payload["weights_q"], payload["weight_scale"]
    for name, vals in (("bucket_deltas", deltas), ("weights_q", q)):
        if not isinstance(vals, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            raise TypeError(f"{where}{name} must be a list of integers")
    if len(deltas) != len(q):
        raise ValueError(f"{where}bucket_deltas and weights_q must have the same length")
    if not (isinstance(scale, (int, float)) and not isinstance(scale, bool) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"{where}weight_scale must be a positive finite number")
    d = np.asarray(deltas, dtype=np.int64)
    if len(d) and (d[0] < 0 or np.any(d[1:] <= 0)):
        raise ValueError(f"{where}bucket_deltas must encode strictly increasing buckets")
    buckets = np.cumsum(d)
    if len(buckets) and buckets[-1] >= (1 << bits):
        raise ValueError(f"{where}a bucket is outside 2**bits")
    if any(abs(v) > _QMAX for v in q):
        raise ValueError(f"{where}weights_q must be within +-{_QMAX}")
    return buckets, np.asarray(q, dtype=np.float64) * float(scale)


# ============================================================================ training


def design_matrix(vectors: Sequence[tuple[np.ndarray, np.ndarray]], bits: int = DEFAULT_BITS,
                  chars: Sequence[tuple[np.ndarray, np.ndarray]] | None = None):
    """A scipy CSR matrix (documents x 2**bits) of document vectors; with ``chars`` (their
    character vectors) the character buckets follow as columns ``2**bits + bucket``."""
    import scipy.sparse as sp

    if chars is not None:
        shifted = [(u + (1 << bits), v) for u, v in chars]
        return sp.hstack([design_matrix(vectors, bits), design_matrix(shifted, bits + 1)[:, 1 << bits :]]).tocsr()

    indptr = np.zeros(len(vectors) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(u) for u, _ in vectors])
    cols = np.concatenate([u for u, _ in vectors]) if vectors else np.zeros(0, np.int64)
    vals = np.concatenate([v for _, v in vectors]) if vectors else np.zeros(0)
    return sp.csr_matrix((vals, cols, indptr), shape=(len(vectors), 1 << bits))


def fit(X, y: np.ndarray, weights: np.ndarray, C: float, max_buckets: int, min_df: int = 2,
        bits: int = DEFAULT_BITS) -> NgramModel:
    """L2 logistic regression (liblinear) on buckets seen in at least ``min_df`` training
    documents, then pruned to the ``max_buckets`` largest weights (refitted on those)."""
    from sklearn.linear_model import LogisticRegression

    df = np.asarray((X > 0).sum(axis=0)).ravel()
    cols = np.flatnonzero(df >= min_df)

    def _fit(cols: np.ndarray) -> tuple[np.ndarray, float]:
        m = LogisticRegression(C=C, solver="liblinear", max_iter=5000)
        m.fit(X[:, cols], y, sample_weight=weights)
        return m.coef_[0], float(m.intercept_[0])

    coef, b0 = _fit(cols)
    if len(cols) > max_buckets:
        cols = np.sort(cols[np.argsort(-np.abs(coef))[:max_buckets]])
        coef, b0 = _fit(cols)
    keep = coef != 0
    cols, coef = cols[keep].astype(np.int64), coef[keep].astype(float)
    word = cols < (1 << bits)  # columns from 2**bits on are character buckets (design_matrix)
    model = NgramModel(cols[word], coef[word], b0, bits)
    if not word.all():
        model.char_buckets, model.char_weights = cols[~word] - (1 << bits), coef[~word]
    return model
