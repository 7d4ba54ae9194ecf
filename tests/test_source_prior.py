"""The optional source prior: domains, ratings files, the term, and its integration in
score / score_many / score_frame / the CLI. Every ratings file is built here in tmp_path."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import credibly
from credibly.api import with_source
from credibly.cli import main
from credibly.source_prior import (
    DEFAULT_BASE_RATE,
    DEFAULT_WEIGHT,
    SourceRatings,
    SourceRatingsError,
    normalise_domain,
    registrable_domain,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "seeds" / "demo"
SOURCE_COLS = ["document_trust", "source_domain", "source_rating", "source_term"]


def logit(p: float) -> float:
    return math.log(p / (1 - p))


@pytest.fixture(scope="module")
def text() -> str:
    return (DEMO / "en_trustworthy_column.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(text):
    return credibly.score(text)


@pytest.fixture()
def ratings() -> SourceRatings:
    return SourceRatings({"bbc.co.uk": 0.95, "example.com": 0.2, "mid.org": DEFAULT_BASE_RATE})


# -- domains -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://www.bbc.co.uk/news/uk-1", "bbc.co.uk"),
        ("HTTP://User:Secret@WWW.Example.COM:8080/a/b?c=d#e", "example.com"),
        ("example.com", "example.com"),
        ("example.com/path/to", "example.com"),
        ("//cdn.example.com/x", "cdn.example.com"),
        ("m.example.com", "example.com"),
        ("amp.example.com", "example.com"),
        ("www2.example.com", "example.com"),
        ("news.bbc.co.uk", "news.bbc.co.uk"),
        ("www.example.com.", "example.com"),
        ("  https://example.com  ", "example.com"),
        ("https://bücher.de/x", "xn--bcher-kva.de"),
        ("www.co.uk", "www.co.uk"),  # 'www' is the registrable label here, not a prefix
        ("co.uk", None),
        ("com", None),
        ("localhost", None),
        ("http://192.168.0.1/x", None),
        ("http://[::1]:80/", None),
        ("", None),
        ("not a url", None),
        ("http://", None),
        ("-bad-.com", None),
        (None, None),
        (42, None),
        (float("nan"), None),
    ],
)
def test_normalise_domain(value, expected):
    assert normalise_domain(value) == expected


def test_registrable_domain():
    assert registrable_domain("https://a.b.news.bbc.co.uk/x") == "bbc.co.uk"
    assert registrable_domain("foo.example.com.au") == "example.com.au"
    assert registrable_domain("x.y.example.com") == "example.com"


def test_lookup_falls_back_to_parent_but_never_to_a_suffix():
    r = SourceRatings({"bbc.co.uk": 0.9, "co.uk": 0.1, "com.au": 0.1, "blogspot.com": 0.2, "abc.net.au": 0.8})
    assert "co.uk" not in r.ratings and "com.au" not in r.ratings and "blogspot.com" not in r.ratings
    assert r.skipped == 3
    assert r.lookup("https://news.bbc.co.uk/a") == ("bbc.co.uk", 0.9)
    assert r.lookup("https://www.abc.net.au/news") == ("abc.net.au", 0.8)
    assert r.lookup("https://other.co.uk/") is None
    assert r.lookup("https://myblog.blogspot.com/post") is None  # a platform's user is not the platform
    assert r.lookup("example.com.au") is None


def test_most_specific_rating_wins():
    r = SourceRatings({"bbc.co.uk": 0.9, "blogs.bbc.co.uk": 0.4})
    assert r.lookup("https://blogs.bbc.co.uk/x") == ("blogs.bbc.co.uk", 0.4)
    assert r.lookup("https://www.bbc.co.uk/x") == ("bbc.co.uk", 0.9)


# -- ratings files -----------------------------------------------------------------------
def write(tmp_path: Path, content: str, name: str = "ratings.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(content.encode(encoding))
    return p


def test_csv_autodetects_columns(tmp_path):
    p = write(tmp_path, "Domain,Reliability,notes\nhttps://www.BBC.co.uk/,0.95,x\nexample.com,0.2,\n,0.5,\nfoo.com,,\n")
    r = SourceRatings.from_csv(p)
    assert r.ratings == {"bbc.co.uk": 0.95, "example.com": 0.2}
    assert (r.domain_column, r.rating_column) == ("Domain", "Reliability")


@pytest.mark.parametrize("sep, name", [("\t", "r.tsv"), (";", "r.csv")])
def test_csv_other_separators(tmp_path, sep, name):
    p = write(tmp_path, f"site{sep}score\nexample.com{sep}0.3\n", name)
    assert SourceRatings.from_csv(p).ratings == {"example.com": 0.3}


def test_csv_with_bom_and_explicit_columns(tmp_path):
    p = write(tmp_path, "\ufeffdomain,pc1,rating\nexample.com,0.7,high\n")
    r = SourceRatings.from_csv(p, rating_column="pc1")
    assert r.ratings == {"example.com": 0.7}


def test_csv_duplicates_are_averaged(tmp_path):
    p = write(tmp_path, "domain,rating\nexample.com,0.2\nwww.example.com,0.4\n")
    assert SourceRatings.from_csv(p).ratings["example.com"] == pytest.approx(0.3)


def test_csv_scale_maps_linearly(tmp_path):
    p = write(tmp_path, "domain,score\na.com,100\nb.com,0\nc.com,75\n")
    with pytest.raises(SourceRatingsError, match="outside \\[0, 1\\].*scale"):
        SourceRatings.from_csv(p)
    r = SourceRatings.from_csv(p, scale=(0, 100))
    assert r.ratings == {"a.com": 1.0, "b.com": 0.0, "c.com": 0.75}
    with pytest.raises(SourceRatingsError, match="outside scale"):
        SourceRatings.from_csv(p, scale=(0, 10))


def test_csv_labels_need_a_mapping(tmp_path):
    p = write(tmp_path, "source,label\na.com,High\nb.com,low\nc.com,satire\n")
    with pytest.raises(SourceRatingsError, match="text labels.*labels="):
        SourceRatings.from_csv(p)
    with pytest.raises(SourceRatingsError, match="not in the mapping: 'satire'"):
        SourceRatings.from_csv(p, labels={"high": 0.9, "low": 0.1})
    r = SourceRatings.from_csv(p, labels={"high": 0.9, "low": 0.1, "satire": None})
    assert r.ratings == {"a.com": 0.9, "b.com": 0.1}
    with pytest.raises(SourceRatingsError, match="outside \\[0, 1\\]"):
        SourceRatings.from_csv(p, labels={"high": 2, "low": 0.1, "satire": None})


@pytest.mark.parametrize(
    "content, match",
    [
        ("", "header needs"),
        ("domain\nexample.com\n", "header needs"),
        ("domain,rating\n", "no row has both"),
        ("url,domain,rating\na.com,a.com,0.5\n", "several possible domain columns"),
        ("domain,score,rating\na.com,0.5,0.5\n", "several possible rating columns"),
        ("name,value\na.com,0.5\n", "no domain column found"),
        ("domain,value\na.com,0.5\n", "no rating column found"),
        ("domain,rating\na.com,nan\n", "text labels"),
        ("domain,rating\na.com,-1\nb.com,1\n", "outside \\[0, 1\\]"),
        ("domain,rating\nnot a domain,0.5\n", "no usable domain"),
    ],
)
def test_csv_bad_input_is_a_clear_error(tmp_path, content, match):
    with pytest.raises(SourceRatingsError, match=match):
        SourceRatings.from_csv(write(tmp_path, content))


def test_csv_unreadable_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        SourceRatings.from_csv(tmp_path / "nope.csv")
    with pytest.raises(SourceRatingsError, match="not UTF-8"):
        SourceRatings.from_csv(write(tmp_path, "domain,rating\nbücher.de,0.5\n", encoding="latin-1"))
    with pytest.raises(SourceRatingsError, match="no column 'x'"):
        SourceRatings.from_csv(write(tmp_path, "domain,rating\na.com,0.5\n"), rating_column="x")
    assert issubclass(SourceRatingsError, credibly.CrediblyError) and issubclass(SourceRatingsError, ValueError)


@pytest.mark.parametrize("kw", [{"weight": -1}, {"weight": math.inf}, {"base_rate": 0.0}, {"clip": (0.5, 0.4)}])
def test_bad_parameters(kw):
    with pytest.raises(SourceRatingsError):
        SourceRatings({"a.com": 0.5}, **kw)


# -- the term ----------------------------------------------------------------------------
def test_term_sign_and_size(ratings):
    low = ratings.term("https://www.example.com/a")
    assert low.applied and low.domain == "example.com" and low.rating == 0.2
    assert low.logit == pytest.approx(DEFAULT_WEIGHT * (logit(0.2) - logit(DEFAULT_BASE_RATE)))
    assert low.logit < 0
    high = ratings.term("bbc.co.uk").logit
    assert high > 0 and high == pytest.approx(DEFAULT_WEIGHT * logit(0.95))
    assert ratings.term("mid.org").logit == pytest.approx(0.0)
    # clipping: a 0 or 1 rating is bounded
    r = SourceRatings({"a.com": 0.0, "b.com": 1.0}, weight=1.0)
    assert r.term("a.com").logit == pytest.approx(logit(0.02))
    assert r.term("b.com").logit == pytest.approx(logit(0.98))
    assert r.with_weight(0.0).term("a.com").logit == 0.0


def test_term_statuses(ratings):
    assert ratings.term(None).status == "no_url"
    assert ratings.term("").status == "no_url"
    assert ratings.term(float("nan")).status == "no_url"
    assert ratings.term("::garbage::").status == "bad_url"
    t = ratings.term("https://unknown.net/x")
    assert t.status == "unrated" and t.query == "unknown.net" and t.logit == 0.0
    assert ratings.coverage(["bbc.co.uk", None, "x.net", "???"]) == {"rated": 1, "unrated": 1, "no_url": 1, "bad_url": 1}


def test_score_combines_on_the_logit_scale(text, doc, ratings):
    r = credibly.score(text, url="https://news.example.com/story", source_ratings=ratings)
    assert r.document_trust == pytest.approx(doc.trust)
    assert logit(r.trust) == pytest.approx(logit(doc.trust) + ratings.term("example.com").logit)
    assert r.trust < doc.trust
    assert r.source_term == pytest.approx(ratings.term("example.com").logit)
    up = credibly.score(text, url="bbc.co.uk", source_ratings=ratings)
    assert up.trust > doc.trust


@pytest.mark.parametrize("url", ["https://unknown.net/x", None, "", "not a url", "co.uk"])
def test_unknown_domain_or_no_url_leaves_trust_unchanged(text, doc, ratings, url):
    r = credibly.score(text, url=url, source_ratings=ratings)
    assert r.trust == doc.trust and r.document_trust == doc.trust and r.source_term is None
    d = r.to_dict(evidence=False)
    assert d["source_rating"] is None and d["source_term"] is None
    assert d["source_domain"] == ("unknown.net" if url == "https://unknown.net/x" else None)
    assert "no term" in r.explain()


def test_without_prior_nothing_changes(text, doc):
    r = credibly.score(text, url="https://example.com")  # a url alone does nothing
    assert r == doc and r.source is None and r.document_trust == r.trust
    assert list(doc.to_dict()) == ["trust", "language", "families", "top_signals", "error", "evidence"]
    assert "source prior" not in doc.explain()
    assert all(s.family != "source" for s in doc.signals(None))


def test_explain_and_signals_show_the_term(text, ratings):
    r = credibly.score(text, url="https://www.example.com/x", source_ratings=ratings)
    out = r.explain()
    assert "source prior: example.com rated 0.20 -> " in out and f"{r.source_term:+.2f} logit" in out
    assert f"document alone {r.document_trust:.3f}" in out
    assert sum(1 for line in out.splitlines() if "source prior:" in line) == 1
    # the prior takes no slot from the document's contributions
    plain = credibly.score(text).explain()
    assert out.splitlines()[2:] == plain.splitlines()[1:]
    sig = [s for s in r.signals(None) if s.feature == "source.prior"]
    assert len(sig) == 1 and sig[0].label() == "source:prior" and sig[0].value == 0.2
    assert sig[0].contribution == pytest.approx(r.source_term)
    assert all(s.feature != "source.prior" for s in r.signals(None, direction="up"))
    d = r.to_dict(evidence=False)
    assert d["source_domain"] == "example.com" and d["source_rating"] == 0.2
    assert d["document_trust"] == r.document_trust and d["source_term"] == pytest.approx(r.source_term)


def test_score_accepts_a_ratings_path(tmp_path, text, doc):
    p = write(tmp_path, "domain,rating\nexample.com,0.9\n")
    r = credibly.score(text, url="example.com", source_ratings=str(p))
    assert r.trust > doc.trust
    with pytest.raises(TypeError):
        credibly.score(text, url="example.com", source_ratings=42)


def test_score_many_with_urls(text, doc, ratings):
    out = list(credibly.score_many([text, text, ""], urls=["example.com", None, "bbc.co.uk"], source_ratings=ratings,
                                   errors="keep"))
    assert out[0].trust < doc.trust and out[1].trust == doc.trust and not out[2].ok
    assert [r.trust for r in credibly.score_many([text])] == [doc.trust]


# -- hypothesis: range and monotonicity ------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    r1=st.floats(0.0, 1.0),
    r2=st.floats(0.0, 1.0),
    weight=st.floats(0.0, 5.0),
    base=st.floats(0.05, 0.95),
)
def test_trust_in_range_and_monotone_in_rating(doc, r1, r2, weight, base):
    lo, hi = sorted((r1, r2))
    a = with_source(doc, SourceRatings({"x.com": lo}, weight=weight, base_rate=base), "x.com")
    b = with_source(doc, SourceRatings({"x.com": hi}, weight=weight, base_rate=base), "x.com")
    assert 0.0 <= a.trust <= 1.0 and 0.0 <= b.trust <= 1.0
    assert a.trust <= b.trust
    assert a.document_trust == pytest.approx(doc.trust)


# -- pandas ----------------------------------------------------------------------------------
def test_score_frame_with_url_column(text, doc, ratings):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        {
            "body": [text, text, text, text, text, None, text, ""],
            "link": ["https://www.example.com/a", None, float("nan"), "garbage ::", 42, "bbc.co.uk", "https://unknown.net",
                     "bbc.co.uk"],
        },
        index=[10, 3, 7, 1, 99, 5, 6, 2],
    )
    out = credibly.score_frame(df, "body", url_column="link", source_ratings=ratings, features=False)
    assert list(out.index) == list(df.index) and list(out["link"].astype(str)) == list(df["link"].astype(str))
    assert list(out.columns[-4:]) == SOURCE_COLS
    assert out.loc[10, "trust"] < doc.trust and out.loc[10, "source_domain"] == "example.com"
    assert out.loc[10, "source_term"] == pytest.approx(ratings.term("example.com").logit)
    for i in (3, 7, 1, 99, 6):  # missing, NaN, garbage, a number, an unrated domain: no term
        assert out.loc[i, "trust"] == pytest.approx(doc.trust) and pd.isna(out.loc[i, "source_term"])
        assert out.loc[i, "document_trust"] == pytest.approx(doc.trust)
    assert out.loc[6, "source_domain"] == "unknown.net"
    for i in (5, 2):  # unscorable rows keep their place, with every source column empty
        assert pd.isna(out.loc[i, "trust"]) and out.loc[i, "error"] and out.loc[i, SOURCE_COLS].isna().all()
    with pytest.raises(KeyError, match="no column 'nope'"):
        credibly.score_frame(df, "body", url_column="nope", source_ratings=ratings)


def test_score_frame_without_prior_is_unchanged(text):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"text": [text], "url": ["example.com"]})
    out = credibly.score_frame(df, features=False)
    assert not set(SOURCE_COLS) & set(out.columns)
    same = credibly.score_frame(df, features=False, url_column="url")  # a url column alone does nothing
    pd.testing.assert_frame_equal(out, same)


def test_score_frame_parallel_matches_serial(text, ratings):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"text": [text, None, text], "url": ["example.com", "bbc.co.uk", "bbc.co.uk"]})
    one = credibly.score_frame(df, url_column="url", source_ratings=ratings, features=False)
    two = credibly.score_frame(df, url_column="url", source_ratings=ratings, features=False, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)


# -- command line -----------------------------------------------------------------------------
def _jsonl(tmp_path: Path, text: str) -> Path:
    rows = [
        {"id": "a", "text": text, "url": "https://www.example.com/x"},
        {"id": "b", "text": text},
        {"id": "c", "text": text, "url": None},
        {"id": "d", "text": text, "url": "???"},
        {"id": "e", "text": "", "url": "bbc.co.uk"},
        {"id": "f", "text": text, "url": "https://news.bbc.co.uk/1"},
    ]
    p = tmp_path / "docs.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return p


def test_cli_source_ratings_on_jsonl(tmp_path, capsys, text, doc):
    data = _jsonl(tmp_path, text)
    ratings = write(tmp_path, "site,rating\nexample.com,0.2\nbbc.co.uk,0.95\n")
    code = main(["score", "--format", "jsonl", "--id-column", "id", "--source-ratings", str(ratings), str(data)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # row e is empty
    assert [r["source"] for r in rows] == list("abcdef")
    by = {r["source"]: r for r in rows}
    assert by["a"]["source_domain"] == "example.com" and by["a"]["trust"] < by["a"]["document_trust"]
    assert by["f"]["source_domain"] == "bbc.co.uk" and by["f"]["source_rating"] == 0.95
    assert by["f"]["trust"] > by["f"]["document_trust"] == pytest.approx(doc.trust)
    for k in "bcd":
        assert by[k]["source_term"] is None and by[k]["trust"] == by[k]["document_trust"] == pytest.approx(doc.trust)
    assert by["e"]["error"] and by["e"]["source_term"] is None
    assert all(set(SOURCE_COLS) <= set(r) for r in rows)


def test_cli_without_source_ratings_has_no_source_columns(tmp_path, capsys, text):
    data = _jsonl(tmp_path, text)
    main(["score", "--format", "jsonl", str(data)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not any(set(SOURCE_COLS) & set(r) for r in rows)


def test_cli_csv_input_url_column_and_weight(tmp_path, capsys, text):
    pd = pytest.importorskip("pandas")
    data = tmp_path / "docs.csv"
    pd.DataFrame({"body": [text, text], "link": ["example.com", ""]}).to_csv(data, index=False)
    ratings = write(tmp_path, "domain,quality\nexample.com,low\n")
    args = ["score", "--format", "csv", "--text-column", "body", "--source-ratings", str(ratings),
            "--source-rating-column", "quality", "--source-labels", "low=0.1,high=0.9", "--source-weight", "0.5"]
    assert main(args + ["--url-column", "link", str(data)]) == 0
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert out.loc[0, "source_term"] == pytest.approx(0.5 * logit(0.1))
    assert pd.isna(out.loc[1, "source_term"]) and out.loc[1, "trust"] == pytest.approx(out.loc[1, "document_trust"])
    # an explicit URL column that the table lacks is a usage error; the default 'url' is optional
    assert main(args + ["--url-column", "nope", str(data)]) == 2
    capsys.readouterr()
    assert main(args + [str(data)]) == 0
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert out["source_term"].isna().all()


def test_cli_bad_ratings_file_is_a_usage_error(tmp_path, capsys, caplog, text):
    data = _jsonl(tmp_path, text)
    bad = write(tmp_path, "domain,rating\na.com,5\n")
    assert main(["score", "--source-ratings", str(bad), str(data)]) == 2
    assert "outside [0, 1]" in capsys.readouterr().err + caplog.text
    assert capsys.readouterr().out == ""
    assert main(["score", "--source-ratings", str(tmp_path / "missing.csv"), str(data)]) == 2


def test_cli_explain_and_table_show_the_term(tmp_path, capsys, text):
    data = _jsonl(tmp_path, text)
    ratings = write(tmp_path, "domain,rating\nexample.com,0.2\n")
    main(["score", "--format", "table", "--explain", "--source-ratings", str(ratings), str(data)])
    out = capsys.readouterr().out
    assert "source prior: example.com rated 0.20 ->" in out
    assert "[source example.com rated 0.20:" in out


def test_report_totals_include_the_term(text, ratings):
    from credibly.report import result_html

    r = credibly.score(text, url="https://www.example.com/x", source_ratings=ratings)
    page = result_html(r)
    assert "source prior \u2212" in page and f"document alone: trust {r.document_trust:.3f}" in page
    total = r.base + sum(r.contributions.values()) + r.source_term
    assert f"logit {total:+.2f}".replace("-", "\u2212") in page
    assert "source prior" not in result_html(credibly.score(text))
