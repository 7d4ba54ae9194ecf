"""The trust model: per-language heads of standardise -> linear score -> Platt calibration,
stored as JSON.

The file format is plain JSON with a SHA-256 checksum of its payload: loading it
parses numbers and strings only, so a model file can never run code. Every score
decomposes exactly into per-feature contributions on the calibrated logit scale:
``logit(trust) = base + sum(contributions)``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelFormatError
from .resources import data_path

__all__ = ["TrustModel", "LinearHead", "load_model", "default_model", "MODEL_FORMAT", "MODEL_FILENAME"]

MODEL_FORMAT = "credibly-trust-model"
MODEL_FORMAT_VERSION = 1
MODEL_FILENAME = "trust_model.json"
_Z_CLIP = 6.0
_MAX_BYTES = 20_000_000
_TRANSFORMS = ("identity", "log1p")


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def log_mask(transforms: list[str]) -> np.ndarray:
    """Which features are ``log1p``-transformed, as a boolean array."""
    return np.fromiter((t == "log1p" for t in transforms), dtype=bool, count=len(transforms))


def apply_transforms(values: np.ndarray, transforms: list[str] | np.ndarray) -> np.ndarray:
    """A copy of ``values`` (last axis = features) with ``log1p`` applied where asked
    (``transforms``: the transform names, or their :func:`log_mask`)."""
    x = np.array(values, dtype=float)
    logm = transforms if isinstance(transforms, np.ndarray) else log_mask(transforms)
    if logm.any():
        x[..., logm] = np.log1p(np.clip(x[..., logm], 0.0, None))
    return x


def require_features(needed: list[str], known: Any, what: str, hint: str = "") -> None:
    """Raise :class:`ModelFormatError` if ``needed`` holds a feature not in ``known``."""
    inputs = set(known)
    missing = [f for f in needed if f not in inputs]
    if missing:
        raise ModelFormatError(
            f"{what} needs features this credibly does not compute (trained with another "
            f"extractor version?{hint}): {', '.join(missing[:8])}"
        )


# -- the signed JSON envelope shared by every data file credibly loads -------------------
def envelope(fmt: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """``{"format", "format_version", "sha256", "payload"}`` with the payload's checksum."""
    return {"format": fmt, "format_version": version, "sha256": hashlib.sha256(_canonical(payload)).hexdigest(),
            "payload": payload}


def write_envelope(path: Path, fmt: str, version: int, payload: dict[str, Any]) -> Path:
    path.write_text(json.dumps(envelope(fmt, version, payload), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def save_envelope(path: str | Path, filename: str, fmt: str, version: int, payload: dict[str, Any]) -> Path:
    """:func:`write_envelope` to ``path``, or to ``path/filename`` when ``path`` is not a
    ``.json`` file (the folder is created)."""
    path = Path(path)
    if path.suffix != ".json":
        path.mkdir(parents=True, exist_ok=True)
        path = path / filename
    return write_envelope(path, fmt, version, payload)


def read_envelope(path: Path, what: str) -> Any:
    """Parse a JSON file of at most 20 MB; any failure is a :class:`ModelFormatError`.
    JSON parsing builds numbers, strings, lists and dicts only: nothing can run."""
    if not path.is_file():
        raise ModelFormatError(f"no {what} file at {path}")
    if path.stat().st_size > _MAX_BYTES:
        raise ModelFormatError(f"{path}: {path.stat().st_size} bytes is too large for a credibly {what}")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise ModelFormatError(f"{path}: not a credibly {what} (not valid UTF-8 JSON: {type(exc).__name__})") from None


def open_envelope(doc: Any, fmt: str, version: int, where: str, what: str) -> dict[str, Any]:
    """Check format, version and checksum of a parsed envelope; return its payload."""
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        raise ModelFormatError(f"{where}: not a credibly {what} (format is not {fmt!r})")
    if doc.get("format_version") != version:
        raise ModelFormatError(
            f"{where}: {what} format version {doc.get('format_version')!r} is not supported (this credibly reads {version})"
        )
    payload = doc.get("payload")
    if not isinstance(payload, dict):
        raise ModelFormatError(f"{where}: credibly {what} has no payload")
    if hashlib.sha256(_canonical(payload)).hexdigest() != doc.get("sha256"):
        raise ModelFormatError(f"{where}: checksum mismatch: the {what} was modified or corrupted")
    return payload


@dataclass
class LinearHead:
    """One linear, Platt-calibrated scorer: standardise -> dot product -> a*x + b."""

    features: list[str]
    transforms: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    platt_a: float
    platt_b: float
    #: per feature, the standardised value a contribution is measured from: the
    #: feature's absence (0) for signal counts and shares, the training mean otherwise
    reference: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.reference is None:
            self.reference = np.zeros(len(self.features))
        self._log = log_mask(self.transforms)
        # plain-Python copies for scoring one document (built on first use)
        self._rows: list[tuple[str, bool, float, float, float]] | None = None
        self._coefs: list[float] | None = None
        self._base: float | None = None
        self._scaled: list[float] = []
        self._refs: list[float] = []

    def _z(self, values: np.ndarray) -> np.ndarray:
        x = apply_transforms(values, self._log)
        z = np.clip((x - self.mean) / self.scale, -_Z_CLIP, _Z_CLIP)
        return np.where(np.isnan(z), self.reference, z)  # missing: contributes nothing

    def vector(self, inputs: dict[str, float]) -> np.ndarray:
        """The inputs in the head's feature order; a missing one is NaN."""
        return np.array(list(map(inputs.get, self.features)), dtype=float)  # None -> nan

    def _z_one(self, inputs: dict[str, float]) -> list[float]:
        """The standardised inputs of one document, in plain Python: for a single vector of
        ~40 features, a dozen numpy calls cost more than the arithmetic. The same operations
        as :meth:`_z` (transform, standardise, clip, missing -> reference)."""
        rows = self._rows
        if rows is None:
            rows = self._rows = list(
                zip(self.features, self._log.tolist(), self.mean.tolist(), self.scale.tolist(), self.reference.tolist())
            )
        out = []
        for name, is_log, mean, scale, ref in rows:
            v = inputs.get(name)
            if v is None or v != v:  # missing or NaN: the reference value
                out.append(ref)
                continue
            if is_log:
                v = math.log1p(v if v > 0.0 else 0.0)
            z = (v - mean) / scale
            out.append(-_Z_CLIP if z < -_Z_CLIP else (_Z_CLIP if z > _Z_CLIP else z))
        return out

    def probability_one(self, inputs: dict[str, float]) -> float:
        """:meth:`predict_proba` of one document's inputs (equal to the matrix path up to
        float rounding of the sum; tested)."""
        total = sum(map(operator.mul, self._coef_list(), self._z_one(inputs)))
        logit = self.platt_a * (total + self.intercept) + self.platt_b
        logit = -50.0 if logit < -50.0 else (50.0 if logit > 50.0 else logit)
        return 1.0 / (1.0 + math.exp(-logit))

    def _coef_list(self) -> list[float]:
        out = self._coefs
        if out is None:
            out = self._coefs = self.coef.tolist()
        return out

    def contributions(self, inputs: dict[str, float]) -> tuple[float, dict[str, float]]:
        """Exact decomposition: ``logit = base + sum(contributions)``, each contribution
        measured from the feature's reference value."""
        if self._base is None:
            self._base = float(self.platt_a * (self.intercept + float(self.coef @ self.reference)) + self.platt_b)
            self._scaled = (self.platt_a * self.coef).tolist()  # as the matrix path: (a * coef) * (z - ref)
            self._refs = self.reference.tolist()
        z = self._z_one(inputs)
        contrib = list(map(operator.mul, self._scaled, map(operator.sub, z, self._refs)))
        return self._base, dict(zip(self.features, contrib))

    def predict_logit(self, matrix: np.ndarray) -> np.ndarray:
        z = self._z(np.atleast_2d(matrix))
        return self.platt_a * (z @ self.coef + self.intercept) + self.platt_b

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.predict_logit(matrix), -50, 50)))

    def to_payload(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "transforms": list(self.transforms),
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "coef": [float(v) for v in self.coef],
            "intercept": float(self.intercept),
            "calibration": {"method": "platt", "a": float(self.platt_a), "b": float(self.platt_b)},
            "reference": [float(v) for v in self.reference],
        }

    @classmethod
    def from_payload(cls, payload: Any) -> "LinearHead":
        if not isinstance(payload, dict):
            raise TypeError("a head must be an object")
        feats = payload["features"]
        if not isinstance(feats, list) or not all(isinstance(f, str) for f in feats):
            raise TypeError("feature names must be a list of strings")
        n = len(feats)
        arrays = {}
        for key in ("mean", "scale", "coef", "reference"):
            vals = payload[key]
            if not isinstance(vals, list) or not all(isinstance(v, (int, float)) for v in vals):
                raise TypeError(f"{key} must be a list of numbers")
            arr = np.asarray(vals, dtype=float)
            if arr.shape != (n,) or not np.all(np.isfinite(arr)):
                raise ValueError(f"{key} must be {n} finite numbers")
            arrays[key] = arr
        if np.any(arrays["scale"] <= 0):
            raise ValueError("scale must be positive")
        transforms = payload["transforms"]
        if not isinstance(transforms, list) or len(transforms) != n or any(t not in _TRANSFORMS for t in transforms):
            raise ValueError(f"transforms must be {n} of {_TRANSFORMS}")
        cal = payload["calibration"]
        if not isinstance(cal, dict) or cal.get("method") != "platt":
            raise ValueError("calibration must be {'method': 'platt', 'a': ..., 'b': ...}")
        numbers = [payload["intercept"], cal["a"], cal["b"]]
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in numbers):
            raise ValueError("intercept and calibration must be finite numbers")
        return cls(list(feats), list(transforms), arrays["mean"], arrays["scale"], arrays["coef"],
                   float(numbers[0]), float(numbers[1]), float(numbers[2]), arrays["reference"])


@dataclass
class TrustModel:
    """Per-language linear heads; ``"*"`` scores every other language.

    A document is scored by the head of its language, so English and German news
    styles are not forced into one set of weights.
    """

    heads: dict[str, LinearHead]
    metadata: dict[str, Any] = field(default_factory=dict)

    def head_for(self, language: str | None) -> LinearHead:
        if language in self.heads:
            return self.heads[language]  # type: ignore[index]
        return self.heads["*"]

    @property
    def features(self) -> list[str]:
        seen: dict[str, None] = {}
        for h in self.heads.values():
            seen.update(dict.fromkeys(h.features))
        return list(seen)

    def contributions(self, inputs: dict[str, float], language: str | None = None) -> tuple[float, dict[str, float]]:
        """``(base, {feature: contribution})`` on the calibrated logit scale:
        ``logit(trust) = base + sum(contributions)`` exactly."""
        return self.head_for(language).contributions(inputs)

    def score(self, inputs: dict[str, float], language: str | None = None) -> float:
        base, contrib = self.contributions(inputs, language)
        logit = base + sum(contrib.values())
        return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))

    def predict_proba(self, matrix: np.ndarray, languages: list[str | None] | None = None) -> np.ndarray:
        matrix = np.atleast_2d(matrix)
        if languages is None:
            return self.heads["*"].predict_proba(matrix)
        out = np.empty(len(matrix))
        langs = np.array([lg if lg in self.heads else "*" for lg in languages])
        for lg in set(langs):
            m = langs == lg
            out[m] = self.heads[lg].predict_proba(matrix[m])
        return out

    # -- persistence -----------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        return {"heads": {k: h.to_payload() for k, h in sorted(self.heads.items())}, "metadata": self.metadata}

    def save(self, path: str | Path) -> Path:
        """Write to ``path`` (a ``.json`` file, or a folder for trust_model.json)."""
        return save_envelope(path, MODEL_FILENAME, MODEL_FORMAT, MODEL_FORMAT_VERSION, self.to_payload())

    def document(self) -> dict[str, Any]:
        """The model as the parsed JSON of its file (for sending to worker processes)."""
        return envelope(MODEL_FORMAT, MODEL_FORMAT_VERSION, self.to_payload())

    @classmethod
    def from_file(cls, path: str | Path) -> "TrustModel":
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_FILENAME
        return cls.from_document(read_envelope(path, "model"), str(path))

    @classmethod
    def from_document(cls, doc: Any, where: str = "<model>") -> "TrustModel":
        payload = open_envelope(doc, MODEL_FORMAT, MODEL_FORMAT_VERSION, where, "model")
        try:
            heads_raw = payload["heads"]
            if not isinstance(heads_raw, dict) or "*" not in heads_raw:
                raise ValueError("heads must be an object with a '*' head")
            heads = {str(k): LinearHead.from_payload(v) for k, v in heads_raw.items()}
            meta = payload.get("metadata", {})
            if not isinstance(meta, dict):
                raise TypeError("metadata must be an object")
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFormatError(f"{where}: malformed model: {exc}") from None
        return cls(heads=heads, metadata=meta)

    def check_features(self, known: list[str]) -> None:
        """Raise if the model needs a feature this version of credibly does not compute."""
        require_features(self.features, known, "model")


def load_model(path: str | Path | None = None) -> TrustModel:
    """Load a model file or folder; ``None`` gives the shipped default model."""
    if path is None:
        return default_model()
    from .pipeline import feature_names

    model = TrustModel.from_file(path)
    model.check_features(feature_names())
    return model


@functools.lru_cache(maxsize=1)
def default_model() -> TrustModel:
    from .pipeline import feature_names

    model = TrustModel.from_file(data_path("models") / MODEL_FILENAME)
    model.check_features(feature_names())
    return model
