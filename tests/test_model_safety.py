"""Model loading is safe: a tampered, foreign or hostile model file is rejected with a
clear ModelFormatError and never runs code (a pickle payload is proven not to run)."""

from __future__ import annotations

import copy
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from credibly.errors import ModelFormatError
from credibly.model import MODEL_FILENAME, TrustModel, _canonical, load_model
from credibly.resources import data_path

SHIPPED = data_path("models") / MODEL_FILENAME


class _Touch:
    """Unpickling this creates ``marker``: proof that a payload ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


class _Shell:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _doc() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def _write(path: Path, doc) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _first_number_path(obj, path=()):
    """Path (keys/indices) of the first float inside ``obj``."""
    if isinstance(obj, float):
        return path
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in sorted(items, key=lambda kv: str(kv[0])):
        found = _first_number_path(v, path + (k,))
        if found is not None:
            return found
    return None


def _set(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def _reseal(doc: dict) -> dict:
    """Recompute the checksum, as an attacker who knows the format would."""
    import hashlib

    doc["sha256"] = hashlib.sha256(_canonical(doc["payload"])).hexdigest()
    return doc


def _loaders(path: Path):
    return [lambda: TrustModel.from_file(path), lambda: load_model(path), lambda: load_model(str(path))]


def _assert_rejected(path: Path, match: str | None = None):
    for load in _loaders(path):
        with pytest.raises(ModelFormatError, match=match):
            load()


def test_shipped_model_loads():
    load_model(SHIPPED)


@pytest.mark.parametrize("payload_cls", [_Touch, _Shell], ids=["Path.touch", "os.system"])
@pytest.mark.parametrize("name", ["model.pkl", MODEL_FILENAME, "model.joblib"])
def test_pickle_payload_never_runs(tmp_path, payload_cls, name):
    marker = tmp_path / "PWNED"
    blob = pickle.dumps(payload_cls(marker))
    # the payload is live: unpickling it elsewhere does create a marker
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(payload_cls(probe)))
    assert probe.exists()

    f = tmp_path / name
    f.write_bytes(blob)
    _assert_rejected(f, match="not a credibly model")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / MODEL_FILENAME).write_bytes(blob)
    _assert_rejected(folder)
    assert not marker.exists()


def test_pickle_inside_json_string_is_just_a_string(tmp_path):
    marker = tmp_path / "PWNED"
    doc = _doc()
    doc["payload"].setdefault("metadata", {})["pickle"] = pickle.dumps(_Touch(marker)).hex()
    m = TrustModel.from_file(_write(tmp_path / "m.json", _reseal(doc)))
    assert m is not None and not marker.exists()


def test_pickle_payload_rejected_by_cli(tmp_path):
    marker = tmp_path / "PWNED"
    f = tmp_path / "model.pkl"
    f.write_bytes(pickle.dumps(_Touch(marker)))
    doc = tmp_path / "doc.txt"
    doc.write_text("The council approved the budget on Tuesday, the mayor said.", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "credibly", "score", "--format", "jsonl", "--model", str(f), str(doc)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "not a credibly model" in proc.stderr and "Traceback" not in proc.stderr
    assert not marker.exists()


def test_tampered_checksum(tmp_path):
    doc = _doc()
    path = _first_number_path(doc["payload"])
    assert path is not None
    _set(doc["payload"], path, 123.456)
    _assert_rejected(_write(tmp_path / "m.json", doc), match="checksum")


def test_tampered_by_one_byte(tmp_path):
    raw = SHIPPED.read_bytes()
    # flip the first digit of the payload that is followed by another digit
    i = raw.index(b'"payload"')
    while not (raw[i : i + 1].isdigit() and raw[i + 1 : i + 2].isdigit()):
        i += 1
    flipped = raw[:i] + (b"1" if raw[i : i + 1] != b"1" else b"2") + raw[i + 1 :]
    f = tmp_path / "m.json"
    f.write_bytes(flipped)
    _assert_rejected(f, match="checksum")


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda d: d.update(format="sklearn-pipeline"), "not a credibly model"),
        (lambda d: d.pop("format"), "not a credibly model"),
        (lambda d: d.update(format_version=99), "version"),
        (lambda d: d.pop("payload"), None),
        (lambda d: d.pop("sha256"), "checksum"),
        (lambda d: d.update(sha256=None), "checksum"),
    ],
    ids=["foreign-format", "no-format", "future-version", "no-payload", "no-checksum", "null-checksum"],
)
def test_wrong_format(tmp_path, mutate, match):
    doc = _doc()
    mutate(doc)
    _assert_rejected(_write(tmp_path / "m.json", doc), match=match)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{}",
        b"[]",
        b"null",
        b'"a string"',
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
        b"PK\x03\x04 a zip archive",
        json.dumps({"format": "credibly-trust-model"}).encode(),
    ],
    ids=["empty", "object", "list", "null", "string", "broken", "utf16-garbage", "npy", "zip", "format-only"],
)
def test_foreign_files(tmp_path, content):
    f = tmp_path / "m.json"
    f.write_bytes(content)
    _assert_rejected(f)


def test_missing_and_too_large(tmp_path):
    _assert_rejected(tmp_path / "nope.json", match="no model file")
    _assert_rejected(tmp_path / "empty_folder")
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(25_000_000)  # sparse: instant
    _assert_rejected(big, match="too large")


def test_resealed_but_malformed_payload(tmp_path):
    """A correct checksum over a broken payload is still refused, not half-loaded."""
    doc = _doc()
    path = _first_number_path(doc["payload"])
    for bad in ("0.5; import os", None, [1.0, 2.0], {"__class__": "os.system"}):
        d = copy.deepcopy(doc)
        _set(d["payload"], path, bad)
        _assert_rejected(_write(tmp_path / "m.json", _reseal(d)))


def test_resealed_non_finite_numbers(tmp_path):
    doc = _doc()
    path = _first_number_path(doc["payload"])
    for bad in (float("nan"), float("inf")):
        d = copy.deepcopy(doc)
        _set(d["payload"], path, bad)
        _assert_rejected(_write(tmp_path / "m.json", _reseal(d)))


@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000 + b"]" * 100_000, b'{"format": ' + b"1" * 5000 + b"}"],
    ids=["deep-nesting", "huge-integer"],
)
def test_hostile_json_is_a_model_format_error(tmp_path, content):
    f = tmp_path / "m.json"
    f.write_bytes(content)
    with pytest.raises(ModelFormatError):
        TrustModel.from_file(f)
