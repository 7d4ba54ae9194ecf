"""Reading documents: bytes -> text (charset detection, binary rejection, HTML), and
iterating over files, folders and tables of documents.

Every reader here answers each input exactly once and in order: an input that cannot
be read (missing, unreadable, binary, empty, undecodable, a malformed table row...)
becomes an :class:`Item` whose ``error`` names the reason, never an exception. The
only exceptions are usage errors: a table without the requested column raises
``KeyError`` naming the available columns.

Memory is bounded: a text or HTML file is read up to :data:`MAX_FILE_BYTES` (the rest
is dropped and ``Item.extra["truncated_bytes"]`` is set; scoring itself then reads at
most ``credibly.document.MAX_CHARS`` characters), tables are streamed row by row and a
JSONL line or CSV field longer than :data:`MAX_FILE_BYTES` characters becomes an
error row without being held in memory.
"""

from __future__ import annotations

import codecs
import csv
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import BinaryInputError, EmptyDocumentError, InputError

__all__ = [
    "decode_bytes",
    "looks_like_html",
    "html_to_text",
    "read_document",
    "read_bytes",
    "Item",
    "iter_inputs",
    "TABLE_SUFFIXES",
    "MAX_FILE_BYTES",
]

log = logging.getLogger(__name__)

TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv", ".parquet", ".jsonl.gz", ".ndjson.gz", ".csv.gz", ".tsv.gz")
#: files taken from a folder (a file named explicitly is read whatever its suffix)
TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: files (and stdin) larger than this are read only up to this many bytes (documented
#: truncation); a JSONL line or a CSV field longer than this many characters is an error row
MAX_FILE_BYTES = 8_000_000
#: bytes of a table file used to detect its encoding
_SNIFF_BYTES = 65_536
_HTML_RE = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|article|div|p|script|meta)\b", re.I)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: when charset-normalizer finds several equally good single-byte encodings, the most
#: common Western one wins (cp1252 is a superset of Latin-1's printable characters)
_PREFERRED_LEGACY = ("cp1252", "latin_1", "iso8859_15")


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the NULs of ``sample`` sit on one byte parity
    (ASCII-range text in UTF-16 without a byte-order mark), else ``None``."""
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"  # "h\0e\0"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"  # "\0h\0e"
    return None


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith(tuple(b for b, _ in _BOMS)):
        return False
    if b"\x00" in sample:
        # UTF-16 text has NULs too: binary unless they sit on one byte parity
        return _utf16_without_bom(sample) is None
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > 0.05 * len(sample)


def _decode(data: bytes, encoding: str, partial: bool) -> str:
    if partial:  # drop an incomplete trailing character of a truncated read
        return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data, final=False)
    return data.decode(encoding, errors="replace")


def _guess_legacy(data: bytes) -> str | None:
    """charset-normalizer's encoding of ``data`` (Latin-1, Windows-125x, ...), or None."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    ties = {m.encoding for m in matches if m.chaos == best.chaos and m.coherence == best.coherence}
    for enc in _PREFERRED_LEGACY:
        if enc in ties:
            return enc
    return best.encoding


def sniff_encoding(data: bytes, *, partial: bool = False) -> str:
    """The encoding of document bytes: a BOM, BOM-less UTF-16, strict UTF-8, or
    charset-normalizer's best guess. ``partial``: ``data`` may end inside a character.

    Raises :class:`BinaryInputError` for non-text bytes.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    if _is_binary(data):
        raise BinaryInputError("the input looks binary, not text")
    utf16 = _utf16_without_bom(data[:8192]) if b"\x00" in data[:8192] else None
    if utf16:
        return utf16
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=not partial)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    enc = _guess_legacy(data)
    if enc is None:
        raise BinaryInputError("could not detect a text encoding for the input")
    return enc


def decode_bytes(data: bytes, *, partial: bool = False) -> tuple[str, str]:
    """Decode document bytes: ``(text, encoding)``.

    BOMs are honoured (UTF-8, UTF-16, UTF-32), then BOM-less UTF-16, strict UTF-8, and
    charset-normalizer's best guess (Latin-1, Windows-1252, ...). ``partial=True`` says
    ``data`` is a truncated read: an incomplete last character is dropped.
    Raises :class:`BinaryInputError` for non-text bytes and :class:`EmptyDocumentError`
    for empty input.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_bytes() takes bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise EmptyDocumentError("the input is empty")
    enc = sniff_encoding(data, partial=partial)
    text = _decode(data, enc, partial)
    if not text.strip():
        raise EmptyDocumentError("the input holds only whitespace")
    return text, enc


def looks_like_html(text: str) -> bool:
    head = text[:2000]
    return bool(_HTML_RE.search(head)) and head.count("<") >= 3


def html_to_text(html: str) -> str:
    """Main article text of an HTML page (trafilatura). Raises InputError if none is found."""
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise InputError(f"HTML input needs trafilatura: pip install 'credibly[html]' ({exc})") from exc
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    except (RecursionError, MemoryError) as exc:
        raise InputError(f"could not extract text from the HTML page: {type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - a parser failure is bad content, not a crash
        raise InputError(f"could not extract text from the HTML page: {type(exc).__name__}: {exc}") from None
    if not text or not text.strip():
        raise EmptyDocumentError("no article text found in the HTML page")
    return text


@dataclass
class Item:
    """One input document: where it came from and its text, or why it has none.

    ``extra`` may hold: ``encoding`` (detected), ``bytes`` (bytes read),
    ``truncated_bytes`` (the input was longer than :data:`MAX_FILE_BYTES`), and for an
    HTML page ``html`` (True), ``html_chars`` (characters of markup and text before
    extraction), ``text_chars`` (characters of extracted text) and
    ``html_chars_removed`` (characters stripped as markup and page furniture); for a table
    row, every column asked for with ``extra_columns`` (``None`` when the row has no value).
    """

    source: str  # path or id
    text: str | None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    if reason is None:
        reason = "unreadable" if isinstance(exc, (OSError, EOFError)) else type(exc).__name__
    return f"{reason}: {exc}"


def read_bytes(source: str, data: bytes, *, truncated: bool = False, html: bool | None = None) -> Item:
    """Decode and (for an HTML page) extract one document's bytes into an :class:`Item`.

    ``html``: ``True`` forces HTML extraction, ``False`` disables it, ``None`` detects
    it. Never raises for bad content: the Item's ``error`` says what was wrong.
    """
    extra: dict[str, Any] = {"bytes": len(data)}
    if truncated:
        extra["truncated_bytes"] = True
    try:
        text, enc = decode_bytes(data, partial=truncated)
        extra["encoding"] = enc
        if html or (html is None and looks_like_html(text)):
            page = text
            text = html_to_text(page)
            extra.update(html=True, html_chars=len(page), text_chars=len(text), html_chars_removed=len(page) - len(text))
        return Item(source, text, None, extra)
    except InputError as exc:
        return Item(source, None, _reason(exc), extra)
    except (LookupError, ValueError, RuntimeError) as exc:  # a codec or detector failure: bad content
        return Item(source, None, f"undecodable: {type(exc).__name__}: {exc}", extra)


def _read_limited(fh: IO[bytes]) -> tuple[bytes, bool]:
    data = fh.read(MAX_FILE_BYTES + 1)
    if isinstance(data, str):  # a text stream given as stdin
        try:
            data = data.encode("utf-8", errors="surrogateescape")
        except UnicodeEncodeError:
            data = data.encode("utf-8", errors="replace")
    if len(data) > MAX_FILE_BYTES:
        log.warning("input longer than %d bytes: only the first %d are read", MAX_FILE_BYTES, MAX_FILE_BYTES)
        return data[:MAX_FILE_BYTES], True
    return data, False


def read_document(path: str | Path) -> Item:
    """Read one text or HTML file into an :class:`Item` (never raises for bad content)."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            data, truncated = _read_limited(fh)
    except (OSError, ValueError) as exc:
        return Item(str(path), None, _reason(exc))
    html = True if p.suffix.lower() in _HTML_SUFFIXES else None
    return read_bytes(str(path), data, truncated=truncated, html=html)


# -- tables --------------------------------------------------------------------------


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


def _table_encoding(path: Path) -> str:
    """Encoding of a table file from its first bytes (raises InputError/OSError)."""
    chunks: list[bytes] = []
    size, more = 0, False
    with _open_binary(path) as fh:
        try:
            while size <= _SNIFF_BYTES:
                chunk = fh.read(4096)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except (EOFError, OSError):  # a damaged .gz: sniff what could be read
            if not chunks:
                raise
    sample = b"".join(chunks)
    if len(sample) > _SNIFF_BYTES:
        sample, more = sample[:_SNIFF_BYTES], True
    if not sample.strip():
        raise EmptyDocumentError("the table file is empty")
    return sniff_encoding(sample, partial=more)


def _open_text(path: Path, encoding: str, newline: str) -> IO[str]:
    import io

    return io.TextIOWrapper(_open_binary(path), encoding=encoding, errors="replace", newline=newline)


def _jsonl_rows(path: Path, text_column: str, id_column: str | None, extra: Mapping[str, bool]) -> Iterator[Item]:
    try:
        enc = _table_encoding(path)
        fh = _open_text(path, enc, "\n")  # JSON Lines end in \n only
    except (InputError, OSError, EOFError) as exc:
        yield Item(str(path), None, _reason(exc))
        return
    n = 0
    with fh:
        while True:
            rid = f"{path}:{n + 1}"
            try:
                line = fh.readline(MAX_FILE_BYTES + 1)
            except (OSError, EOFError, ValueError) as exc:  # truncated or corrupt .gz, ...
                yield Item(rid, None, _reason(exc))
                return
            if not line:
                return
            n += 1
            if len(line) > MAX_FILE_BYTES and not line.endswith("\n"):
                try:  # skip the rest of the over-long line without holding it
                    while True:
                        rest = fh.readline(MAX_FILE_BYTES)
                        if not rest or rest.endswith("\n"):
                            break
                except (OSError, EOFError, ValueError):
                    pass
                yield Item(rid, None, f"too_large: line longer than {MAX_FILE_BYTES} characters")
                continue
            yield _json_item(line, rid, text_column, id_column, extra)


def _json_item(line: str, rid: str, text_column: str, id_column: str | None, extra: Mapping[str, bool]) -> Item:
    line = line.strip()
    if not line:
        return Item(rid, None, "empty: blank line")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Item(rid, None, f"invalid_json: {exc}")
    except (ValueError, RecursionError) as exc:  # 300,000 nested brackets, 5,000-digit numbers
        return Item(rid, None, f"invalid_json: {type(exc).__name__}: {str(exc)[:200]}")
    if not isinstance(obj, dict):
        return Item(rid, None, f"invalid_json: line is a JSON {type(obj).__name__}, not an object")
    if id_column is not None and obj.get(id_column) is not None:
        rid = str(obj[id_column])
    item = _json_text_item(obj, rid, text_column)
    for col in extra:
        item.extra[col] = obj.get(col)
    return item


def _json_text_item(obj: dict, rid: str, text_column: str) -> Item:
    if text_column not in obj:
        return Item(rid, None, f"missing: no field {text_column!r}")
    text = obj[text_column]
    if text is None:
        return Item(rid, None, f"missing: field {text_column!r} is null")
    if not isinstance(text, str):
        return Item(rid, None, f"invalid_input: field {text_column!r} is {type(text).__name__}, not text")
    return Item(rid, text)


def _columns_error(path: Path, column: str, columns: list[str]) -> KeyError:
    return KeyError(f"{path}: no column {column!r}; available columns: {', '.join(map(str, columns))}")


def _extra_indexes(path: Path, extra: Mapping[str, bool], columns: list[str]) -> dict[str, int | None]:
    """Where each extra column is (``None``: absent). A required one that is absent is a
    usage error (``KeyError``); an optional one is logged and left ``None`` on every row."""
    out: dict[str, int | None] = {}
    for col, required in extra.items():
        if col in columns:
            out[col] = columns.index(col)
        elif required:
            raise _columns_error(path, col, columns)
        else:
            log.warning("%s: no column %r: its rows get no value for it", path, col)
            out[col] = None
    return out


def _csv_rows(path: Path, text_column: str, id_column: str | None, extra: Mapping[str, bool]) -> Iterator[Item]:
    """CSV/TSV rows, streamed with the csv module: a malformed row is an error row."""
    sep = "\t" if ".tsv" in path.name.lower() else ","
    try:
        enc = _table_encoding(path)
        fh = _open_text(path, enc, "")  # the csv module handles \r\n and quoted newlines
    except (InputError, OSError, EOFError) as exc:
        yield Item(str(path), None, _reason(exc))
        return
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        with fh:
            reader = csv.reader(fh, delimiter=sep)
            try:
                header = next(reader, None)
            except (csv.Error, OSError, EOFError, ValueError) as exc:
                yield Item(str(path), None, f"invalid_csv: unreadable header: {exc}")
                return
            if header is None:
                yield Item(str(path), None, "empty: the table has no header row")
                return
            header = [h.strip() for h in header]
            if text_column not in header:
                raise _columns_error(path, text_column, header)
            if id_column is not None and id_column not in header:
                raise _columns_error(path, id_column, header)
            ti = header.index(text_column)
            ii = header.index(id_column) if id_column is not None else None
            xi = _extra_indexes(path, extra, header)
            n = 0
            while True:
                n += 1
                rid = f"{path}:{n}"
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # a field over the size limit, a NUL, ...
                    yield Item(rid, None, f"invalid_csv: {exc}")
                    continue
                except (OSError, EOFError, ValueError) as exc:
                    yield Item(rid, None, _reason(exc))
                    return
                if not row:  # a blank line is not a record (as in pandas.read_csv)
                    n -= 1
                    continue
                if ii is not None and ii < len(row) and row[ii]:
                    rid = row[ii]
                if len(row) > len(header):
                    item = Item(rid, None, f"invalid_csv: row has {len(row)} fields, the header has {len(header)}")
                elif ti >= len(row):
                    item = Item(rid, None, f"missing: no value in column {text_column!r}")
                else:
                    item = Item(rid, row[ti])
                for col, k in xi.items():
                    item.extra[col] = row[k] if k is not None and k < len(row) and row[k] != "" else None
                yield item
    finally:
        csv.field_size_limit(old_limit)


def _parquet_rows(path: Path, text_column: str, id_column: str | None, extra: Mapping[str, bool]) -> Iterator[Item]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        yield Item(str(path), None, f"invalid_input: Parquet input needs pyarrow: pip install 'credibly[parquet]' ({exc})")
        return
    try:
        pf = pq.ParquetFile(path)
        names = list(pf.schema_arrow.names)
    except Exception as exc:  # noqa: BLE001 - ArrowInvalid & co: a corrupt file is bad content
        yield Item(str(path), None, f"invalid_parquet: {type(exc).__name__}: {exc}")
        return
    if text_column not in names:
        raise _columns_error(path, text_column, names)
    if id_column is not None and id_column not in names:
        raise _columns_error(path, id_column, names)
    present = [c for c, k in _extra_indexes(path, extra, names).items() if k is not None]
    columns = list(dict.fromkeys([text_column] + ([id_column] if id_column is not None else []) + present))
    offset = 0
    batches = pf.iter_batches(batch_size=1000, columns=columns)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001
            yield Item(f"{path}:{offset + 1}", None, f"invalid_parquet: {type(exc).__name__}: {exc}")
            return
        texts = batch.column(text_column).to_pylist()
        ids = batch.column(id_column).to_pylist() if id_column is not None else [None] * len(texts)
        values = {c: batch.column(c).to_pylist() if c in present else [None] * len(texts) for c in extra}
        for k, (text, rid) in enumerate(zip(texts, ids)):
            source = str(rid) if rid is not None else f"{path}:{offset + k + 1}"
            if text is None or (isinstance(text, float) and text != text):
                item = Item(source, None, f"missing: no value in column {text_column!r}")
            elif not isinstance(text, str):
                item = Item(source, None, f"invalid_input: {type(text).__name__}, not text")
            else:
                item = Item(source, text)
            for c, vals in values.items():
                item.extra[c] = vals[k]
            yield item
        offset += len(texts)


def _table_rows(path: Path, text_column: str, id_column: str | None, extra: Mapping[str, bool]) -> Iterator[Item]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        return _jsonl_rows(path, text_column, id_column, extra)
    if name.endswith((".csv", ".tsv", ".csv.gz", ".tsv.gz")):
        return _csv_rows(path, text_column, id_column, extra)
    if name.endswith(".parquet"):
        return _parquet_rows(path, text_column, id_column, extra)
    raise InputError(f"not a table file: {path}")


def is_table(path: Path) -> bool:
    return path.name.lower().endswith(TABLE_SUFFIXES)


def _folder_files(folder: Path) -> list[Path]:
    """Table and text files under ``folder`` (hidden ones skipped), sorted."""
    out = []
    for f in folder.rglob("*"):
        if any(part.startswith(".") for part in f.relative_to(folder).parts):
            continue
        try:
            if not f.is_file():
                continue
        except OSError:
            continue
        if is_table(f) or f.suffix.lower() in TEXT_SUFFIXES:
            out.append(f)
    return sorted(out)


def iter_inputs(paths: list[str], *, text_column: str = "text", id_column: str | None = None, stdin=None,
                extra_columns: Mapping[str, bool] | None = None) -> Iterator[Item]:
    """Every document named by ``paths`` (files, folders, tables, ``-``), in order.

    One Item per document: a text file, a table row, stdin, or a path that could not be
    read (its Item carries ``error``). A folder gives its ``.txt``/``.text``/``.html``/
    ``.htm`` files and tables, sorted by path, hidden files skipped. ``extra_columns``
    (column -> required): more columns of each table row, in ``item.extra[column]`` (the
    same single pass). Raises ``KeyError`` only for a table without ``text_column``,
    ``id_column`` or a required extra column: a usage error.
    """
    extra = dict(extra_columns or {})
    for raw in paths:
        raw = str(raw)
        if raw == "-":
            import sys

            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                data, truncated = _read_limited(stream)
            except (OSError, ValueError) as exc:
                yield Item("-", None, _reason(exc))
                continue
            yield read_bytes("-", data, truncated=truncated)
            continue
        p = Path(raw)
        try:
            is_dir = p.is_dir()
            exists = is_dir or p.exists()
        except (OSError, ValueError) as exc:  # a name too long, a NUL in the path, ...
            yield Item(raw, None, _reason(exc))
            continue
        if is_dir:
            files = _folder_files(p)
            if not files:
                log.warning("%s: no text, HTML or table files in this folder", raw)
            for f in files:
                if is_table(f):
                    yield from _table_rows(f, text_column, id_column, extra)
                else:
                    yield read_document(f)
            continue
        if not exists:
            yield Item(raw, None, "not_found: no such file or folder")
            continue
        if is_table(p):
            yield from _table_rows(p, text_column, id_column, extra)
        else:
            yield read_document(p)
