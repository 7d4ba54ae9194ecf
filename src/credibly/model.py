"""The trust model: standardise -> linear score -> Platt calibration, stored as JSON.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelFormatError
from .resources import data_path

__all__ = ["TrustModel", "load_model", "default_model", "MODEL_FORMAT", "MODEL_FILENAME"]

MODEL_FORMAT = "credibly-trust-model"
MODEL_FORMAT_VERSION = 1
MODEL_FILENAME = "trust_model.json"
_Z_CLIP = 6.0
_MAX_BYTES = 20_000_000
_TRANSFORMS = ("identity", "log1p")


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


@dataclass
class TrustModel:
    """A linear trust model with Platt calibration."""

    features: list[str]
    transforms: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    platt_a: float
    platt_b: float
    metadata: dict[str, Any] = field(default_factory=dict)

    # -- scoring ---------------------------------------------------------------
    def _z(self, values: np.ndarray) -> np.ndarray:
        x = values.astype(float, copy=True)
        logm = np.array([t == "log1p" for t in self.transforms])
        if logm.any():
            x[..., logm] = np.log1p(np.clip(x[..., logm], 0.0, None))
        z = (x - self.mean) / self.scale
        z = np.where(np.isnan(z), 0.0, z)  # missing -> training mean
        return np.clip(z, -_Z_CLIP, _Z_CLIP)

    def vector(self, inputs: dict[str, float]) -> np.ndarray:
        return np.array([inputs.get(f, math.nan) for f in self.features], dtype=float)

    def contributions(self, inputs: dict[str, float]) -> tuple[float, dict[str, float]]:
        """``(base, {feature: contribution})`` on the calibrated logit scale."""
        z = self._z(self.vector(inputs))
        contrib = self.platt_a * self.coef * z
        base = self.platt_a * self.intercept + self.platt_b
        return float(base), {f: float(c) for f, c in zip(self.features, contrib)}

    def predict_logit(self, matrix: np.ndarray) -> np.ndarray:
        z = self._z(matrix)
        return self.platt_a * (z @ self.coef + self.intercept) + self.platt_b

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.predict_logit(np.atleast_2d(matrix))))

    def score(self, inputs: dict[str, float]) -> float:
        base, contrib = self.contributions(inputs)
        logit = base + sum(contrib.values())
        return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))

    # -- persistence -----------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "transforms": list(self.transforms),
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "coef": [float(v) for v in self.coef],
            "intercept": float(self.intercept),
            "calibration": {"method": "platt", "a": float(self.platt_a), "b": float(self.platt_b)},
            "metadata": self.metadata,
        }

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if path.suffix != ".json":
            path.mkdir(parents=True, exist_ok=True)
            path = path / MODEL_FILENAME
        payload = self.to_payload()
        doc = {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "sha256": hashlib.sha256(_canonical(payload)).hexdigest(),
            "payload": payload,
        }
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_file(cls, path: str | Path) -> "TrustModel":
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_FILENAME
        if not path.is_file():
            raise ModelFormatError(f"no model file at {path}")
        raw = path.read_bytes()
        if len(raw) > _MAX_BYTES:
            raise ModelFormatError(f"{path}: {len(raw)} bytes is too large for a credibly model")
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFormatError(f"{path}: not a credibly model (not UTF-8 JSON: {exc})") from None
        return cls.from_document(doc, str(path))

    @classmethod
    def from_document(cls, doc: Any, where: str = "<model>") -> "TrustModel":
        if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
            raise ModelFormatError(f"{where}: not a credibly model (format is not {MODEL_FORMAT!r})")
        if doc.get("format_version") != MODEL_FORMAT_VERSION:
            raise ModelFormatError(
                f"{where}: model format version {doc.get('format_version')!r} is not supported "
                f"(this credibly reads {MODEL_FORMAT_VERSION})"
            )
        payload = doc.get("payload")
        if not isinstance(payload, dict):
            raise ModelFormatError(f"{where}: model has no payload")
        if hashlib.sha256(_canonical(payload)).hexdigest() != doc.get("sha256"):
            raise ModelFormatError(f"{where}: checksum mismatch: the model file was modified or corrupted")
        try:
            feats = payload["features"]
            n = len(feats)
            if not all(isinstance(f, str) for f in feats):
                raise TypeError("feature names must be strings")
            arrays = {}
            for key in ("mean", "scale", "coef"):
                arr = np.asarray(payload[key], dtype=float)
                if arr.shape != (n,) or not np.all(np.isfinite(arr)):
                    raise ValueError(f"{key} must be {n} finite numbers")
                arrays[key] = arr
            if np.any(arrays["scale"] <= 0):
                raise ValueError("scale must be positive")
            transforms = list(payload["transforms"])
            if len(transforms) != n or any(t not in _TRANSFORMS for t in transforms):
                raise ValueError(f"transforms must be {n} of {_TRANSFORMS}")
            cal = payload["calibration"]
            if cal.get("method") != "platt":
                raise ValueError(f"unknown calibration {cal.get('method')!r}")
            numbers = [float(payload["intercept"]), float(cal["a"]), float(cal["b"])]
            if not all(math.isfinite(v) for v in numbers):
                raise ValueError("intercept and calibration must be finite")
            meta = payload.get("metadata", {})
            if not isinstance(meta, dict):
                raise TypeError("metadata must be an object")
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFormatError(f"{where}: malformed model: {exc}") from None
        return cls(
            features=list(feats),
            transforms=transforms,
            mean=arrays["mean"],
            scale=arrays["scale"],
            coef=arrays["coef"],
            intercept=numbers[0],
            platt_a=numbers[1],
            platt_b=numbers[2],
            metadata=meta,
        )

    def check_features(self, known: list[str]) -> None:
        """Raise if the model needs a feature this version of credibly does not compute."""
        inputs = set(known)
        missing = [f for f in self.features if f not in inputs and not f.startswith("family.")]
        if missing:
            raise ModelFormatError(
                "model needs features this credibly does not compute (trained with another "
                f"extractor version?): {', '.join(missing[:8])}"
            )


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
