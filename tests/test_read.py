"""credibly.read: decoding, binary rejection, HTML extraction and one Item per input."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from credibly.errors import BinaryInputError, EmptyDocumentError
from credibly.read import (
    MAX_FILE_BYTES,
    decode_bytes,
    html_to_text,
    iter_inputs,
    looks_like_html,
    read_bytes,
    read_document,
)

DE = (
    "Die Bundesregierung hat am Mittwoch eine Reform der Unternehmenssteuer beschlossen. "
    "Nach Angaben des Wirtschaftsministeriums soll die Maßnahme bis Ende des Jahres "
    "tausende Arbeitsplätze schaffen. Die Gewerkschaften kritisieren die Entscheidung "
    "als übereilt und fordern Gespräche mit den Sozialpartnern, sagte ein Sprecher."
)
FR = (
    "Le gouvernement français a annoncé mercredi une réforme de la fiscalité des entreprises. "
    "Selon le ministre de l'Économie, cette mesure « permettra de créer des milliers d'emplois » "
    "d'ici à la fin de l'année. Les syndicats dénoncent une décision précipitée."
)
EN_1252 = "The café’s owner said “it’s a naïve plan” — it will cost €5 million, he added."


# -- decode_bytes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, encoding",
    [
        (DE, "utf-8"),
        (DE, "utf-8-sig"),
        (DE, "utf-16"),
        (DE, "utf-16-le"),
        (DE, "utf-16-be"),
        (DE, "utf-32"),
        (DE, "latin-1"),
        (DE, "cp1252"),
        (FR, "latin-1"),
        (FR, "cp1252"),
        (EN_1252, "cp1252"),
    ],
)
def test_decode_bytes_round_trips_common_encodings(text, encoding):
    got, enc = decode_bytes(text.encode(encoding))
    assert got == text, (encoding, enc)


@pytest.mark.parametrize("data", [b"", b"   ", b"\n\t \r\n", " \n".encode("utf-16")])
def test_decode_bytes_empty_and_whitespace(data):
    with pytest.raises(EmptyDocumentError):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        gzip.compress(DE.encode() * 50),
        b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(40)) * 20,
    ],
    ids=["all-bytes", "png", "gzip", "elf", "zip"],
)
def test_decode_bytes_rejects_binary(data):
    with pytest.raises(BinaryInputError):
        decode_bytes(data)


def test_decode_bytes_type_error():
    with pytest.raises(TypeError, match="bytes"):
        decode_bytes("already text")  # type: ignore[arg-type]


def test_truncated_utf8_read_keeps_utf8():
    """A read cut inside a multi-byte character must not fall back to a legacy guess."""
    data = ("Größenwahn über alles. " * 10).encode("utf-8")
    cut = data[: data.index("ö".encode()) + 1]  # ends inside "ö"
    text, enc = decode_bytes(cut, partial=True)
    assert enc == "utf-8"
    assert text == "Gr"


# -- HTML --------------------------------------------------------------------------------


def _page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Site name | Section</title>"
        "<script>var tracking = {id: 42};</script><style>p {color: red}</style></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li><li><a href='/x'>Sport</a></li></ul></nav>"
        "<header><div class='ad'>Subscribe now for only 1 euro</div></header>"
        f"<main><article>{body}</article></main>"
        "<aside><h3>Related</h3><ul><li><a href='/a'>Another story</a></li></ul></aside>"
        "<footer><p>© 2024 Example Media. All rights reserved. Imprint. Privacy.</p></footer>"
        "</body></html>"
    )


PARAS = [
    "The city council approved the new budget on Tuesday after a three-hour debate, the mayor said.",
    "According to the finance department, spending on schools will rise by four percent next year.",
    "Opposition members criticised the plan, saying it did not address the housing shortage in the city.",
    "The budget still needs the approval of the regional government, which is expected in March.",
]


def test_html_detection():
    assert looks_like_html(_page(PARAS))
    assert not looks_like_html("A plain text that mentions <b> once.")
    assert not looks_like_html(DE)


def test_html_extraction_keeps_article_and_drops_furniture():
    pytest.importorskip("trafilatura")
    text = html_to_text(_page(PARAS))
    for p in PARAS:
        assert p in text
    for junk in ("Subscribe now", "tracking", "All rights reserved", "Another story", "color: red"):
        assert junk not in text


def test_html_item_reports_what_was_stripped():
    pytest.importorskip("trafilatura")
    page = _page(PARAS)
    item = read_bytes("page", page.encode("utf-8"))
    assert item.error is None
    assert item.extra["html"] is True
    assert item.extra["html_chars"] == len(page)
    assert item.extra["text_chars"] == len(item.text)
    assert item.extra["html_chars_removed"] == len(page) - len(item.text) > 0


def test_html_without_article_text_is_an_error_row():
    pytest.importorskip("trafilatura")
    item = read_bytes("p", b"<html><head><title>x</title></head><body><div><script>1</script></div></body></html>")
    assert item.text is None and item.error.startswith("empty:")


def test_deeply_nested_html_is_an_error_or_text_never_an_exception():
    pytest.importorskip("trafilatura")
    page = "<html><body>" + "<div>" * 300_000 + "<p>" + PARAS[0] + "</p>" + "</div>" * 300_000 + "</body></html>"
    item = read_bytes("deep.html", page.encode(), html=True)
    assert (item.text is None) != (item.error is None)


def test_html_suffix_forces_extraction(tmp_path):
    pytest.importorskip("trafilatura")
    # a page whose first 2,000 characters hold no tag the sniffer knows
    page = "<!-- " + "x" * 3000 + " -->" + _page(PARAS)
    f = tmp_path / "late.html"
    f.write_text(page, encoding="utf-8")
    item = read_document(f)
    assert item.extra.get("html") is True and PARAS[0] in item.text


# -- files -------------------------------------------------------------------------------


def test_read_document_never_raises(tmp_path):
    assert read_document(tmp_path / "missing.txt").error.startswith("unreadable:")
    assert read_document(tmp_path).error.startswith("unreadable:")  # a folder given as a file


def test_large_file_is_truncated_with_bounded_read(tmp_path):
    f = tmp_path / "big.txt"
    unit = "Größe und Maß. ".encode("utf-8")
    f.write_bytes(unit * (MAX_FILE_BYTES // len(unit) + 10))
    item = read_document(f)
    assert item.error is None
    assert item.extra["truncated_bytes"] is True
    assert item.extra["bytes"] == MAX_FILE_BYTES
    assert item.extra["encoding"] == "utf-8"
    assert "\ufffd" not in item.text[-10:]
    assert len(item.text.encode("utf-8")) <= MAX_FILE_BYTES


def test_stdin_is_read_once_and_bounded():
    items = list(iter_inputs(["-"], stdin=io.BytesIO(DE.encode("latin-1"))))
    assert len(items) == 1 and items[0].text == DE and items[0].source == "-"
    items = list(iter_inputs(["-"], stdin=io.BytesIO(b"")))
    assert len(items) == 1 and items[0].error.startswith("empty:")
    items = list(iter_inputs(["-"], stdin=io.StringIO("text from a text stream")))
    assert items[0].text == "text from a text stream"
    items = list(iter_inputs(["-"], stdin=io.StringIO("lone \ud800 surrogate text")))
    assert len(items) == 1 and "surrogate text" in items[0].text


def _make_folder(root):
    (root / "a_good.txt").write_text(PARAS[0], encoding="utf-8")
    (root / "b_empty.txt").write_bytes(b"")
    (root / "c_blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (root / "d_binary.txt").write_bytes(bytes(range(256)) * 16)
    (root / "e_utf16.txt").write_bytes(DE.encode("utf-16"))
    (root / "f_latin1.txt").write_bytes(DE.encode("latin-1"))
    (root / "g_cp1252.txt").write_bytes(EN_1252.encode("cp1252"))
    (root / "h_page.html").write_text(_page(PARAS), encoding="utf-8")
    (root / "ignored.pdf").write_bytes(b"%PDF-1.4")
    (root / ".hidden.txt").write_text("hidden", encoding="utf-8")
    sub = root / "sub"
    sub.mkdir()
    (sub / "i_nested.txt").write_text(PARAS[1], encoding="utf-8")
    return [
        "a_good.txt", "b_empty.txt", "c_blank.txt", "d_binary.txt", "e_utf16.txt",
        "f_latin1.txt", "g_cp1252.txt", "h_page.html", "sub/i_nested.txt",
    ]


def test_folder_gives_one_item_per_file_in_order(tmp_path):
    pytest.importorskip("trafilatura")
    names = _make_folder(tmp_path)
    items = list(iter_inputs([str(tmp_path)]))
    assert [i.source for i in items] == [str(tmp_path / n) for n in names]
    by = {n: i for n, i in zip(names, items)}
    assert by["a_good.txt"].text == PARAS[0]
    assert by["b_empty.txt"].error.startswith("empty:")
    assert by["c_blank.txt"].error.startswith("empty:")
    assert by["d_binary.txt"].error.startswith("binary:")
    assert by["e_utf16.txt"].text == DE
    assert by["f_latin1.txt"].text == DE
    assert by["g_cp1252.txt"].text == EN_1252
    assert PARAS[0] in by["h_page.html"].text
    for i in items:
        assert (i.text is None) != (i.error is None)


def test_paths_in_order_with_missing_ones(tmp_path):
    (tmp_path / "x.txt").write_text("x text", encoding="utf-8")
    paths = [str(tmp_path / "nope.txt"), str(tmp_path / "x.txt"), "bad\x00path", str(tmp_path / "nope2")]
    items = list(iter_inputs(paths))
    assert [i.source for i in items] == paths
    assert items[0].error.startswith("not_found:")
    assert items[1].text == "x text"
    assert items[2].error and items[3].error.startswith("not_found:")


# -- tables ------------------------------------------------------------------------------


def test_jsonl_every_line_answered(tmp_path):
    lines = [
        json.dumps({"id": "r1", "text": PARAS[0]}),
        "",
        "not json at all",
        "[1, 2, 3]",
        json.dumps({"id": "r5", "body": "wrong field"}),
        json.dumps({"id": "r6", "text": 42}),
        json.dumps({"id": "r7", "text": None}),
        "[" * 300_000 + "]" * 300_000,
        '{"text": ' + "1" * 5000 + "}",
        '{"text": "unterminated',
        json.dumps({"id": "r11", "text": "\ud800 lone surrogate"}),
        json.dumps({"id": "r12", "text": DE}, ensure_ascii=False),
    ]
    f = tmp_path / "rows.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_inputs([str(f)], id_column="id"))
    assert len(items) == len(lines)
    ok = [k for k, i in enumerate(items) if i.error is None]
    assert ok == [0, 10, 11]
    assert items[0].source == "r1" and items[0].text == PARAS[0]
    assert items[11].text == DE
    reasons = [i.error.split(":", 1)[0] for i in items if i.error]
    assert reasons == ["empty", "invalid_json", "invalid_json", "missing", "invalid_input", "missing",
                       "invalid_json", "invalid_json", "invalid_json"]
    assert items[1].source == f"{f}:2"


def test_jsonl_gz_and_latin1(tmp_path):
    f = tmp_path / "rows.jsonl.gz"
    f.write_bytes(gzip.compress((json.dumps({"text": DE}, ensure_ascii=False) + "\n").encode("latin-1")))
    (item,) = iter_inputs([str(f)])
    assert item.text == DE


def test_jsonl_overlong_line_is_an_error_row(tmp_path, monkeypatch):
    import credibly.read as read

    monkeypatch.setattr(read, "MAX_FILE_BYTES", 1000)
    f = tmp_path / "rows.jsonl"
    f.write_text(
        json.dumps({"text": "a" * 5000}) + "\n" + json.dumps({"text": "short"}) + "\n", encoding="utf-8"
    )
    items = list(iter_inputs([str(f)]))
    assert [i.error and i.error.split(":")[0] for i in items] == ["too_large", None]
    assert items[1].text == "short"


def test_csv_every_row_answered(tmp_path):
    f = tmp_path / "rows.csv"
    f.write_text(
        "id,text\n"
        f'1,"{PARAS[0]}"\n'
        "2,\n"
        '3,"a","too many"\n'
        "\n"
        "4\n"
        '5,"multi\nline text"\n',
        encoding="utf-8",
    )
    items = list(iter_inputs([str(f)], id_column="id"))
    assert [i.source for i in items] == ["1", "2", "3", "4", "5"]
    assert items[0].text == PARAS[0]
    assert items[1].text == ""  # scored later as empty
    assert items[2].error.startswith("invalid_csv:")
    assert items[3].error.startswith("missing:")
    assert items[4].text == "multi\nline text"


def test_csv_utf16_and_huge_field(tmp_path):
    f = tmp_path / "rows.csv"
    f.write_bytes(("text\n" + f'"{DE}"\n' + '"' + "x" * 200_000 + '"\n').encode("utf-16"))
    items = list(iter_inputs([str(f)]))
    assert items[0].text == DE
    assert len(items[1].text) == 200_000  # over the csv module's default 131,072 limit


def test_tsv_gz(tmp_path):
    f = tmp_path / "rows.tsv.gz"
    f.write_bytes(gzip.compress(b"text\tid\nhello there\tq1\n"))
    (item,) = iter_inputs([str(f)], id_column="id")
    assert (item.source, item.text) == ("q1", "hello there")


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("bad.csv.gz", b"not gzip at all", "unreadable"),
        ("bad.jsonl.gz", b"not gzip at all", "unreadable"),
        ("empty.csv", b"", "empty"),
        ("empty.jsonl", b"", "empty"),
        ("binary.csv", bytes(range(256)) * 16, "binary"),
        ("bad.parquet", b"PAR1 not really", "invalid_parquet"),
    ],
)
def test_corrupt_table_is_one_error_row(tmp_path, name, data, reason):
    f = tmp_path / name
    f.write_bytes(data)
    items = list(iter_inputs([str(f)]))
    assert len(items) == 1 and items[0].error.split(":", 1)[0] == reason


def test_truncated_gzip_keeps_rows_before_the_damage(tmp_path):
    f = tmp_path / "rows.jsonl.gz"
    blob = gzip.compress("".join(json.dumps({"text": f"row {k} text"}) + "\n" for k in range(2000)).encode())
    f.write_bytes(blob[: len(blob) // 2])
    items = list(iter_inputs([str(f)]))
    assert items[0].text == "row 0 text"
    assert items[-1].error is not None
    assert all(i.error is None for i in items[:-1])


def test_missing_column_is_a_usage_error(tmp_path):
    f = tmp_path / "rows.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(KeyError, match="available columns: a, b"):
        list(iter_inputs([str(f)]))
    g = tmp_path / "rows.parquet"
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"body": ["x"]}), g)
    with pytest.raises(KeyError, match="available columns: body"):
        list(iter_inputs([str(g)]))


def test_parquet_rows(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    f = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"id": ["a", None, "c"], "text": [PARAS[0], None, ""], "n": [1, 2, 3]}), f)
    items = list(iter_inputs([str(f)], id_column="id"))
    assert [i.source for i in items] == ["a", f"{f}:2", "c"]
    assert items[0].text == PARAS[0]
    assert items[1].error.startswith("missing:")
    assert items[2].text == ""
    g = tmp_path / "ints.parquet"
    pq.write_table(pa.table({"text": [1, 2]}), g)
    assert [i.error.split(":")[0] for i in iter_inputs([str(g)])] == ["invalid_input", "invalid_input"]


def test_extra_columns_come_with_the_rows_in_one_pass(tmp_path):
    from credibly.read import iter_inputs

    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("text,url\nfirst text,https://a.example/x\nsecond text,\n", encoding="utf-8")
    jsonl_path = tmp_path / "rows.jsonl"
    jsonl_path.write_text('{"text": "one", "url": "b.example"}\n{"text": "two"}\nnot json\n', encoding="utf-8")
    got = [(i.text, i.extra.get("url")) for i in iter_inputs([str(csv_path), str(jsonl_path)], extra_columns={"url": True})]
    assert got == [("first text", "https://a.example/x"), ("second text", None), ("one", "b.example"), ("two", None),
                   (None, None)]


def test_extra_column_missing_from_a_table(tmp_path, caplog):
    import pytest

    from credibly.read import iter_inputs

    path = tmp_path / "rows.csv"
    path.write_text("text\nsome text\n", encoding="utf-8")
    with pytest.raises(KeyError, match="url"):
        list(iter_inputs([str(path)], extra_columns={"url": True}))
    rows = list(iter_inputs([str(path)], extra_columns={"url": False}))
    assert [(i.text, i.extra["url"]) for i in rows] == [("some text", None)]
    assert "no column 'url'" in caplog.text


def test_extra_columns_from_parquet(tmp_path):
    import pytest

    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from credibly.read import iter_inputs

    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"text": ["a text", None], "url": ["c.example", "d.example"]}), path)
    rows = list(iter_inputs([str(path)], extra_columns={"url": True}))
    assert [(i.text, i.extra["url"]) for i in rows] == [("a text", "c.example"), (None, "d.example")]
