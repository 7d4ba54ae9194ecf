"""Hypothesis fuzzing of the public API, the readers and the command line.

Properties: no exception but EmptyDocumentError on arbitrary Unicode; trust in [0, 1];
deterministic; every evidence span slices the input to its text; one answer per input
in order (score_many, score_frame, iter_inputs, the CLI); bounded time.

The examples are derandomized so CI is reproducible. Explore more locally with
``CREDIBLY_FUZZ_EXAMPLES=500 CREDIBLY_FUZZ_RANDOM=1 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import credibly
from credibly.errors import EmptyDocumentError, InputError
from credibly.read import decode_bytes, iter_inputs, read_bytes

_N = int(os.environ.get("CREDIBLY_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=_N,
    deadline=None,
    derandomize=not os.environ.get("CREDIBLY_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(FUZZ, max_examples=max(5, _N // 3))
#: generous wall-clock guard for one fuzzed document (tens of thousands of characters)
BOUND_S = 5.0

# words that reach the lexicons, patterns and structural extractors of both languages
VOCAB = [
    "the", "a", "and", "said", "says", "according", "to", "reportedly", "sources", "perhaps", "might", "may",
    "could", "clearly", "undoubtedly", "will", "by", "2030", "2027", "experts", "believe", "study", "published",
    "Reuters", "Anna", "Berg", "ChatGPT", "Chatgpt", "CHATgpt", "productWhich", "In", "conclusion", "delve",
    "TL;DR", "Key", "takeaways", "AI-generated", "summary", "Share", "Subscribe", "newsletter", "Advertisement",
    "sagte", "laut", "Angaben", "vielleicht", "möglicherweise", "wird", "bis", "heißt", "es", "Bericht",
    "Müller", "Mueller", "Muller", "$", "5", "%", "3,5", "billion.", "USA", "Mrd.", "http://example.org/a?b=1",
    "[gallery ids=\"1,2\"]", "[/caption]", "{{ title }}", "{% if x %}", "%%sitename%%", "<?php echo 1; ?>",
]
PUNCT = [" ", " ", " ", ", ", ". ", "! ", "? ", "\n", "\n\n", " \"", "\" ", " „", "“ ", " «", "» ", "'", "-",
         "… ", "; ", ": ", " (", ") ", "\n• ", "\n- ", "\n🔥 ", " 😀 ", "\t", "\r\n", "\u00a0", "\u200b"]

words_text = st.lists(
    st.tuples(st.sampled_from(VOCAB), st.sampled_from(PUNCT)), min_size=0, max_size=120
).map(lambda pairs: "".join(w + p for w, p in pairs))
any_text = st.text(max_size=400)
mixed_text = st.one_of(words_text, any_text, st.tuples(words_text, any_text, words_text).map("".join))
languages = st.sampled_from([None, "en", "de", "fr", "xx"])


def _nan_eq(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all((math.isnan(x) and math.isnan(y)) if isinstance(x, float) and math.isnan(x) else x == y
               for x, y in ((a[k], b[k]) for k in a))


def _score_or_empty(text, language=None):
    t = time.perf_counter()
    try:
        r = credibly.score(text, language)
    except EmptyDocumentError:
        return None
    finally:
        assert time.perf_counter() - t < BOUND_S
    return r


def _check(r, text):
    assert r.error is None and r.ok
    assert isinstance(r.trust, float) and 0.0 <= r.trust <= 1.0 and math.isfinite(r.trust)
    assert isinstance(r.language, str) and r.language
    for fam, s in r.families.items():
        assert s is None or 0.0 <= s <= 1.0, fam
    for f, v in r.features.items():
        assert isinstance(v, float), f
        assert math.isnan(v) or math.isfinite(v), f
    for e in r.evidence:
        assert 0 <= e.start <= e.end <= len(text)
        assert text[e.start : e.end] == e.text
    assert r.text is text or r.text == text


@pytest.fixture(scope="module", autouse=True)
def _warm():
    credibly.score("The council approved the budget on Tuesday, the mayor said.")


@FUZZ
@given(text=mixed_text, language=languages)
def test_score_is_total_bounded_and_spans_slice(text, language):
    r = _score_or_empty(text, language)
    if r is None:
        return
    _check(r, text)
    if language:
        assert r.language == language.lower()


@FUZZ
@given(text=any_text)
def test_empty_only_when_no_word(text):
    import re

    has_word = re.search(r"\w", text) is not None
    try:
        r = credibly.score(text)
    except EmptyDocumentError:
        assert not has_word
        return
    assert has_word
    _check(r, text)


@FEW
@given(text=mixed_text, language=languages)
def test_deterministic(text, language):
    a = _score_or_empty(text, language)
    b = _score_or_empty(text, language)
    if a is None:
        assert b is None
        return
    assert a.trust == b.trust
    assert a.language == b.language
    assert a.evidence == b.evidence
    assert _nan_eq(a.features, b.features)
    assert a.families == b.families


@FEW
@given(unit=st.text(min_size=1, max_size=8), size=st.integers(10_000, 60_000), language=languages)
def test_repeated_units_bounded_time(unit, size, language):
    text = (unit * (size // len(unit) + 1))[:size]
    r = _score_or_empty(text, language)
    if r is not None:
        _check(r, text)


@FEW
@given(items=st.lists(st.one_of(mixed_text, st.none(), st.binary(max_size=20), st.integers(), st.floats()), max_size=8))
def test_score_many_one_result_per_input_in_order(items):
    out = list(credibly.score_many(items, errors="keep"))
    assert len(out) == len(items)
    for item, r in zip(items, out):
        if not isinstance(item, str):
            assert r.trust is None and r.error
        elif r.ok:
            _check(r, item)
            assert r.trust == credibly.score(item).trust
        else:
            assert r.error.startswith("empty")


@FEW
@given(items=st.lists(st.one_of(words_text, st.none(), st.integers(), st.just("")), min_size=1, max_size=6))
def test_score_frame_rows_and_index_preserved(items):
    df = pd.DataFrame({"text": items, "other": range(len(items))}, index=[f"r{k}" for k in range(len(items))])
    out = credibly.score_frame(df, features=False)
    assert list(out.index) == list(df.index)
    assert out["other"].tolist() == list(range(len(items)))
    for (_, row), item in zip(out.iterrows(), items):
        scored = not pd.isna(row["trust"])
        assert scored != isinstance(row["error"], str)
        if scored:
            assert isinstance(item, str) and 0 <= row["trust"] <= 1


@FUZZ
@given(data=st.binary(max_size=2000))
def test_decode_bytes_is_total(data):
    try:
        text, enc = decode_bytes(data)
    except InputError:
        return
    assert isinstance(text, str) and text.strip() and enc
    item = read_bytes("x", data)
    assert (item.text is None) != (item.error is None)


printable_text = st.one_of(words_text, st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=300))


@FUZZ
@given(text=printable_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_decode_bytes_round_trips_unicode(text, encoding):
    data = text.encode(encoding)
    if not text.strip():
        with pytest.raises(EmptyDocumentError):
            decode_bytes(data)
        return
    got, _ = decode_bytes(data)
    assert got == text


# -- the command line ---------------------------------------------------------------------


def _run_cli(args: list[str]) -> tuple[int, list[dict]]:
    from credibly.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["score", "--format", "jsonl", *args])
    text = out.getvalue()
    assert text == "" or text.endswith("\n")
    rows = [json.loads(line) for line in text.split("\n")[:-1]]  # every stdout line is a JSON object
    assert all(isinstance(r, dict) for r in rows)
    return code, rows


jsonl_line = st.one_of(
    mixed_text.map(lambda t: json.dumps({"text": t})),
    mixed_text.map(lambda t: json.dumps({"text": t}, ensure_ascii=False)),
    st.just(""),
    st.just("{not json"),
    st.integers().map(lambda i: json.dumps({"text": i})),
    st.just(json.dumps({"other": "x"})),
    st.just("[1, 2]"),
    st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s),
)


@FEW
@given(lines=st.lists(jsonl_line, min_size=1, max_size=10))
def test_cli_jsonl_one_row_per_line(lines):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "rows.jsonl"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, rows = _run_cli([str(f)])
    assert len(rows) == len(lines)
    assert [r["source"] for r in rows] == [f"{f}:{k + 1}" for k in range(len(lines))]
    failed = [r for r in rows if r["error"]]
    assert code == (1 if failed else 0)
    for r in rows:
        assert (r["trust"] is None) == bool(r["error"])
        if r["trust"] is not None:
            assert 0 <= r["trust"] <= 1


@FEW
@given(files=st.lists(st.one_of(st.binary(max_size=300), mixed_text.map(lambda t: t.encode("utf-8"))), min_size=1, max_size=6))
def test_cli_folder_one_row_per_file(files):
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for k, data in enumerate(files):
            p = Path(tmp) / f"doc{k:02d}.txt"
            p.write_bytes(data)
            names.append(str(p))
        code, rows = _run_cli([tmp])
        items = list(iter_inputs([tmp]))
    assert [r["source"] for r in rows] == names == [i.source for i in items]
    assert code == (1 if any(r["error"] for r in rows) else 0)
