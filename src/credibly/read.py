"""Reading documents: bytes -> text (charset detection, binary rejection, HTML), and
iterating over files, folders and tables of documents."""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BinaryInputError, EmptyDocumentError, InputError

__all__ = ["decode_bytes", "looks_like_html", "html_to_text", "read_document", "Item", "iter_inputs", "TABLE_SUFFIXES"]

log = logging.getLogger(__name__)

TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv", ".parquet", ".jsonl.gz", ".csv.gz")
#: files taken from a folder (a file named explicitly is read whatever its suffix)
TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm")
#: files larger than this are read only up to this many bytes (documented truncation)
MAX_FILE_BYTES = 8_000_000
_HTML_RE = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|article|div|p|script|meta)\b", re.I)


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        # UTF-16/32 text has NULs too: only binary when no BOM and not mostly even/odd NULs
        if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            return False
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        half = len(sample) / 2
        if max(even, odd) > 0.3 * half and min(even, odd) < 0.05 * half:
            return False  # BOM-less UTF-16
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > 0.05 * len(sample)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode document bytes: ``(text, encoding)``.

    BOMs are honoured, then strict UTF-8, then charset-normalizer's best guess.
    Raises :class:`BinaryInputError` for non-text bytes and :class:`EmptyDocumentError`
    for empty input.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_bytes() takes bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise EmptyDocumentError("the input is empty")
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    if _is_binary(data):
        raise BinaryInputError("the input looks binary, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BinaryInputError("could not detect a text encoding for the input")
    return str(best), best.encoding


def looks_like_html(text: str) -> bool:
    head = text[:2000]
    return bool(_HTML_RE.search(head)) and head.count("<") >= 3


def html_to_text(html: str) -> str:
    """Main article text of an HTML page (trafilatura). Raises InputError if none is found."""
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise InputError("HTML input needs trafilatura: pip install 'credibly[html]'") from exc
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise EmptyDocumentError("no article text found in the HTML page")
    return text


@dataclass
class Item:
    """One input document: where it came from and its text, or why it has none."""

    source: str  # path or id
    text: str | None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def read_document(path: str | Path) -> Item:
    """Read one text or HTML file into an :class:`Item` (never raises for bad content)."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        extra: dict[str, Any] = {}
        if len(data) > MAX_FILE_BYTES:
            data = data[:MAX_FILE_BYTES]
            extra["truncated_bytes"] = True
        text, enc = decode_bytes(data)
        extra["encoding"] = enc
        if looks_like_html(text):
            text = html_to_text(text)
            extra["html"] = True
        return Item(str(path), text, None, extra)
    except (InputError, OSError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        return Item(str(path), None, f"{reason}: {exc}")


def _table_rows(path: Path, text_column: str, id_column: str | None) -> Iterator[Item]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz")):
        import gzip

        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, start=1):
                rid = f"{path}:{n}"
                if not line.strip():
                    yield Item(rid, None, "empty: blank line")
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Item(rid, None, f"invalid_json: {exc}")
                    continue
                if not isinstance(obj, dict):
                    yield Item(rid, None, "invalid_json: line is not an object")
                    continue
                if id_column is not None and obj.get(id_column) is not None:
                    rid = str(obj[id_column])
                text = obj.get(text_column)
                if text_column not in obj:
                    yield Item(rid, None, f"missing: no field {text_column!r}")
                elif not isinstance(text, str):
                    yield Item(rid, None, f"invalid_input: field {text_column!r} is {type(text).__name__}, not text")
                else:
                    yield Item(rid, text)
        return
    if name.endswith((".csv", ".tsv", ".csv.gz")):
        import pandas as pd

        sep = "\t" if name.endswith(".tsv") else ","
        offset = 0
        for chunk in pd.read_csv(path, sep=sep, chunksize=2000, dtype=str, keep_default_na=False):
            yield from _frame_items(chunk, text_column, id_column, path, offset)
            offset += len(chunk)
        return
    if name.endswith(".parquet"):
        try:
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise InputError("Parquet input needs pyarrow: pip install 'credibly[parquet]'") from exc
        pf = pq.ParquetFile(path)
        offset = 0
        for batch in pf.iter_batches(batch_size=2000):
            chunk = batch.to_pandas()
            yield from _frame_items(chunk, text_column, id_column, path, offset)
            offset += len(chunk)
        return
    raise InputError(f"not a table file: {path}")


def _frame_items(chunk, text_column: str, id_column: str | None, path: Path, offset: int) -> Iterator[Item]:
    if text_column not in chunk.columns:
        raise KeyError(f"{path}: no column {text_column!r}; available columns: {', '.join(map(str, chunk.columns))}")
    if id_column is not None and id_column not in chunk.columns:
        raise KeyError(f"{path}: no column {id_column!r}; available columns: {', '.join(map(str, chunk.columns))}")
    texts = chunk[text_column].tolist()
    ids = chunk[id_column].tolist() if id_column else [None] * len(texts)
    for k, (text, rid) in enumerate(zip(texts, ids)):
        source = str(rid) if rid is not None else f"{path}:{offset + k + 1}"
        if text is None or (isinstance(text, float) and text != text):
            yield Item(source, None, f"missing: no value in column {text_column!r}")
        elif not isinstance(text, str):
            yield Item(source, None, f"invalid_input: {type(text).__name__}, not text")
        else:
            yield Item(source, text)


def is_table(path: Path) -> bool:
    return path.name.lower().endswith(TABLE_SUFFIXES)


def iter_inputs(paths: list[str], *, text_column: str = "text", id_column: str | None = None, stdin=None) -> Iterator[Item]:
    """Every document named by ``paths`` (files, folders, tables, ``-``), in order."""
    for raw in paths:
        if raw == "-":
            import sys

            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read()
            if isinstance(data, str):
                data = data.encode("utf-8")
            try:
                text, _ = decode_bytes(data)
                if looks_like_html(text):
                    text = html_to_text(text)
                yield Item("-", text)
            except InputError as exc:
                yield Item("-", None, f"{exc.reason}: {exc}")
            continue
        p = Path(raw)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            for f in files:
                if is_table(f):
                    yield from _table_rows(f, text_column, id_column)
                elif f.suffix.lower() in TEXT_SUFFIXES:
                    yield read_document(f)
            continue
        if not p.exists():
            yield Item(raw, None, "not_found: no such file or folder")
            continue
        if is_table(p):
            yield from _table_rows(p, text_column, id_column)
        else:
            yield read_document(p)
