"""`credibly score`: exactly one output row per input, in input order; unscorable inputs
get ``error`` and a null ``trust``; only data on stdout; documented exit codes
(0 all scored, 1 some failed, 2 usage error, 130 interrupted with complete rows only).
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from credibly.cli import EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "seeds" / "demo"

GOOD = (
    "The city council approved the new budget on Tuesday after a three-hour debate, the mayor said. "
    "According to a report by the finance department, spending on schools will rise by four percent.\n"
    "\"We are worried about housing,\" said Anna Berg, a councillor for the opposition.\n"
)
DE = (
    "Die Bundesregierung hat am Mittwoch eine Reform der Unternehmenssteuer beschlossen. "
    "Nach Angaben des Wirtschaftsministeriums soll die Maßnahme tausende Arbeitsplätze schaffen, "
    "sagte ein Sprecher. Die Gewerkschaften kritisieren die Entscheidung als übereilt.\n"
)


def _page(text: str) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Site | Section</title>"
        "<script>window.dataLayer = [{'page': 'article'}];</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        "<div class='banner'>Subscribe to our newsletter!</div><main><article>"
        + "".join(f"<p>{html.escape(p)}</p>\n" for p in paras)
        + "</article></main><footer><p>© 2024 Example Media. All rights reserved.</p></footer></body></html>"
    )


def _run(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in this process (fast); returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _rows(stdout: str) -> list[dict]:
    assert stdout == "" or stdout.endswith("\n")
    rows = [json.loads(line) for line in stdout.split("\n")[:-1]]
    assert all(isinstance(r, dict) for r in rows)
    return rows


def _proc(args: list[str], **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "credibly", *args], capture_output=True, timeout=180, env=env, **kw)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    files = {
        "01_good.txt": GOOD.encode("utf-8"),
        "02_empty.txt": b"",
        "03_blank.txt": b" \n\t\r\n  ",
        "04_binary.txt": bytes(range(256)) * 16,
        "05_utf16.txt": DE.encode("utf-16"),
        "06_latin1.txt": DE.encode("latin-1"),
        "07_cp1252.txt": "He said “it’s a naïve plan” — costing €5 million, the minister said on Monday.".encode("cp1252"),
        "08_page.html": _page(GOOD).encode("utf-8"),
        "09_punct.txt": b"!!! ??? ... ---",
        "10_png.txt": b"\x89PNG\r\n\x1a\n" + bytes(300),
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    (d / "notes.pdf").write_bytes(b"%PDF-1.4 not an input")
    expected_ok = ["01_good.txt", "05_utf16.txt", "06_latin1.txt", "07_cp1252.txt", "08_page.html"]
    return d, list(files), expected_ok


def test_folder_one_row_per_file_in_order(folder):
    pytest.importorskip("trafilatura")
    d, names, expected_ok = folder
    code, out, err = _run(["score", "--format", "jsonl", str(d)])
    rows = _rows(out)
    assert [r["source"] for r in rows] == [str(d / n) for n in names]
    for name, r in zip(names, rows):
        if name in expected_ok:
            assert r["error"] is None and 0 <= r["trust"] <= 1, (name, r)
        else:
            assert r["trust"] is None and r["error"], (name, r)
    reasons = {n: r["error"].split(":", 1)[0] for n, r in zip(names, rows) if r["error"]}
    assert reasons == {"02_empty.txt": "empty", "03_blank.txt": "empty", "04_binary.txt": "binary",
                       "09_punct.txt": "empty", "10_png.txt": "binary"}
    assert code == EXIT_SOME_FAILED
    latin1 = rows[names.index("06_latin1.txt")]
    utf16 = rows[names.index("05_utf16.txt")]
    assert latin1["language"] == utf16["language"] == "de"
    assert latin1["trust"] == utf16["trust"]


def test_html_page_scores_like_its_plain_text(tmp_path):
    pytest.importorskip("trafilatura")
    sources = sorted(DEMO.glob("*.txt"))[:4] if DEMO.is_dir() else []
    texts = [GOOD, DE] + [p.read_text(encoding="utf-8") for p in sources]
    for k, text in enumerate(texts):
        (tmp_path / f"{k:02d}_a.txt").write_text(text, encoding="utf-8")
        (tmp_path / f"{k:02d}_b.html").write_text(_page(text), encoding="utf-8")
    code, out, _ = _run(["score", "--format", "jsonl", str(tmp_path)])
    rows = _rows(out)
    assert code == EXIT_OK and len(rows) == 2 * len(texts)
    for plain, page in zip(rows[0::2], rows[1::2]):
        assert page["source"].endswith(".html")
        assert page["trust"] == pytest.approx(plain["trust"], abs=0.02), (plain, page)
        assert page["language"] == plain["language"]


def test_jsonl_with_bad_rows(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": GOOD}),
        "{broken json",
        "",
        json.dumps({"id": "d", "text": ""}),
        json.dumps({"id": "e", "text": None}),
        json.dumps({"id": "f", "body": GOOD}),
        json.dumps({"id": "g", "text": 3.5}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps(["a", "list"]),
        json.dumps({"id": "j", "text": DE}, ensure_ascii=False),
        json.dumps({"id": "k", "text": "   "}),
    ]
    f = tmp_path / "rows.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = _run(["score", "--format", "jsonl", "--id-column", "id", str(f)])
    rows = _rows(out)
    assert len(rows) == len(lines)
    assert [r["source"] for r in rows] == ["a", f"{f}:2", f"{f}:3", "d", "e", "f", "g", f"{f}:8", f"{f}:9", "j", "k"]
    assert [r["error"] is None for r in rows] == [True] + [False] * 8 + [True, False]
    for r in rows:
        assert (r["trust"] is None) == (r["error"] is not None)
    assert code == EXIT_SOME_FAILED


def test_csv_with_bad_rows(tmp_path):
    f = tmp_path / "rows.csv"
    good = GOOD.replace('"', '""')
    f.write_text(
        "id,text\n"
        f'a,"{good}"\n'
        "b,\n"
        'c,"x","extra field"\n'
        "d\n"
        f'e,"{DE}"\n',
        encoding="utf-8",
    )
    code, out, _ = _run(["score", "--format", "jsonl", "--id-column", "id", str(f)])
    rows = _rows(out)
    assert [r["source"] for r in rows] == ["a", "b", "c", "d", "e"]
    assert [r["error"] is None for r in rows] == [True, False, False, False, True]
    assert code == EXIT_SOME_FAILED


def test_csv_output_one_record_per_input(tmp_path, folder):
    d, names, _ = folder
    code, out, _ = _run(["score", "--format", "csv", str(d)])
    records = list(csv.DictReader(io.StringIO(out)))
    assert [r["source"] for r in records] == [str(d / n) for n in names]
    assert code == EXIT_SOME_FAILED


def test_all_good_exits_zero(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DE, encoding="utf-8")
    code, out, _ = _run(["score", "--format", "jsonl", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), str(tmp_path / "a.txt")])
    rows = _rows(out)
    assert code == EXIT_OK
    assert [Path(r["source"]).name for r in rows] == ["a.txt", "b.txt", "a.txt"]
    assert rows[0]["trust"] == rows[2]["trust"]


def test_missing_path_is_a_failed_row(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    code, out, _ = _run(["score", "--format", "jsonl", str(tmp_path / "nope.txt"), str(tmp_path / "a.txt")])
    rows = _rows(out)
    assert [r["error"] is None for r in rows] == [False, True]
    assert rows[0]["error"].startswith("not_found")
    assert code == EXIT_SOME_FAILED


def test_usage_errors_exit_2(tmp_path, caplog):
    f = tmp_path / "rows.csv"
    f.write_text("body,lang\nx,en\n", encoding="utf-8")
    code, out, err = _run(["score", "--format", "jsonl", str(f)])
    assert code == EXIT_USAGE and out == ""
    assert "available columns: body, lang" in err + caplog.text
    code, out, _ = _run(["score", "--format", "nonsense", str(f)])
    assert code == EXIT_USAGE and out == ""
    code, out, _ = _run([])
    assert code == EXIT_USAGE and out == ""
    bad = tmp_path / "model.json"
    bad.write_text("{}", encoding="utf-8")
    code, out, err = _run(["score", "--format", "jsonl", "--model", str(bad), str(f)])
    assert code == EXIT_USAGE and out == ""


def test_an_internal_error_in_one_document_does_not_end_the_batch(tmp_path, monkeypatch):
    import credibly.api

    real = credibly.api.score

    def flaky(text, *a, **kw):
        if "BOOM" in text:
            raise KeyError("simulated extractor bug")
        return real(text, *a, **kw)

    monkeypatch.setattr(credibly.api, "score", flaky)
    for name, text in (("a.txt", GOOD), ("b.txt", "BOOM " + GOOD), ("c.txt", DE)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, _ = _run(["score", "--format", "jsonl", str(tmp_path)])
    rows = _rows(out)
    assert [Path(r["source"]).name for r in rows] == ["a.txt", "b.txt", "c.txt"]
    assert [r["error"] is None for r in rows] == [True, False, True]
    assert code == EXIT_SOME_FAILED


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_explain_keeps_machine_formats_parseable(tmp_path, fmt):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DE, encoding="utf-8")
    code, out, _ = _run(["score", "--format", fmt, "--explain", str(tmp_path)])
    assert code == EXIT_OK
    if fmt == "jsonl":
        assert len(_rows(out)) == 2
    else:
        records = list(csv.DictReader(io.StringIO(out)))
        assert [Path(r["source"]).name for r in records] == ["a.txt", "b.txt"]


# -- real processes: stdout purity, encodings, interruption ---------------------------------


def test_process_stdout_holds_only_json_rows(folder, tmp_path):
    """One real process over every kind of input: stdout is JSON rows only (the truncation
    warning goes to stderr), lone surrogates and non-UTF-8 file names do not end the batch."""
    d, names, _ = folder
    big = tmp_path / "big.txt"  # over MAX_CHARS: the truncation warning is logged on stderr
    big.write_text("a" * 1_050_000 + " end", encoding="utf-8")
    rows_file = tmp_path / "rows.jsonl"
    rows_file.write_text(
        json.dumps({"id": "x\ud800", "text": GOOD + " \ud800"}) + "\n" + json.dumps({"id": "b", "text": DE}) + "\n",
        encoding="utf-8",
    )
    odd = tmp_path / "odd"
    odd.mkdir()
    if sys.platform == "linux":  # a file system that takes any bytes in names
        with open(os.path.join(os.fsencode(odd), b"caf\xe9.txt"), "wb") as fh:
            fh.write(GOOD.encode())
    (odd / "z.txt").write_text(DE, encoding="utf-8")
    n_odd = len(list(odd.iterdir()))
    args = ["score", "--format", "jsonl", "--evidence", "--id-column", "id",
            str(d), str(big), "-", str(tmp_path / "missing.txt"), str(rows_file), str(odd)]
    proc = _proc(args, input=GOOD.encode("utf-16"))
    err = proc.stderr.decode("utf-8", "replace")
    rows = _rows(proc.stdout.decode("utf-8"))
    assert len(rows) == len(names) + 3 + 2 + n_odd, err[-2000:]
    k = len(names)
    assert rows[k]["source"] == str(big) and rows[k]["error"] is None
    assert rows[k + 1]["source"] == "-" and rows[k + 1]["error"] is None  # UTF-16 on stdin
    assert rows[k + 2]["error"].startswith("not_found")
    assert [r["error"] is None for r in rows[k + 3 :]] == [True] * (2 + n_odd)
    for r in rows:
        for e in r.get("evidence") or []:
            assert set(e) >= {"start", "end", "text"}
    assert proc.returncode == EXIT_SOME_FAILED
    assert "Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_interrupted_batch_leaves_only_complete_rows(tmp_path):
    f = tmp_path / "rows.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        for k in range(3000):
            fh.write(json.dumps({"id": f"r{k}", "text": f"Row {k}. " + GOOD * 3}) + "\n")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "credibly", "score", "--format", "jsonl", "--id-column", "id", str(f)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        bufsize=0,  # unbuffered: readline() must not swallow rows that communicate() then misses
    )
    try:
        first = proc.stdout.readline()  # the model is loaded and rows are flowing
        assert first.endswith(b"\n")
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = (first + rest).decode("utf-8")
    why = (proc.returncode, err.decode("utf-8", "replace")[-3000:], out[-500:])
    rows = _rows(out)  # every line complete JSON, the output ends with a newline
    assert 1 <= len(rows) < 3000, why
    assert [r["source"] for r in rows] == [f"r{k}" for k in range(len(rows))], why
    assert proc.returncode == EXIT_INTERRUPTED, why
    assert b"interrupted" in err, why
