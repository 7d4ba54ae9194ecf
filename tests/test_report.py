"""HTML reports: escaping, evidence spans (offsets, overlaps), the batch index, the
``credibly report`` command, and an end-to-end render in headless Chromium."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import zlib
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import credibly
from credibly.api import failed
from credibly.cli import main
from credibly.extractors.base import Evidence
from credibly.report import (
    IndexRow,
    batch_html,
    page_name,
    render_text,
    result_html,
    trust_meaning,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "seeds" / "demo" / "en_machine_translated.txt"

HOSTILE = (
    "Breaking: <script>document.title='PWNED'</script> officials said on Monday that the plan may change.\r\n"
    'According to <b>Reuters</b>, the minister "declared" it <img src=x onerror="document.title=\'PWNED\'"> '
    "a success.\n"
    "<a href=\"javascript:document.title='PWNED'\">click here</a> & more &amp; &lt;b&gt; entities</div></mark>\n"
    "<!-- comment --> <![CDATA[ x ]]> <style>body{display:none}</style> "
    '<iframe src="https://example.invalid/x"></iframe> <svg onload="document.title=\'PWNED\'"></svg>\n'
    "<plaintext> <textarea> <title>PWNED</title> ' \" ` and the experts say it could possibly be true, "
    "reportedly. Some people believe the company will probably grow, according to analysts.\n"
)

# --------------------------------------------------------------------------- helpers

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class PageParser(HTMLParser):
    """Parses a page: checks that tags nest, collects the text of ``div.doc`` and, per
    evidence index (``data-ev``), the text inside the marks carrying it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.tags: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.doc: list[str] = []
        self.ev: dict[int, list[str]] = defaultdict(list)
        self.marks: list[dict] = []
        self.title: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "mark":
            self.marks.append(a)
        if tag not in _VOID:
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"unexpected </{tag}> with open {[t for t, _ in self.stack[-3:]]}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "title":
            self.title.append(data)
        if any(t == "div" and "doc" in (a.get("class") or "").split() for t, a in self.stack):
            self.doc.append(data)
            for t, a in self.stack:
                if t == "mark" and a.get("data-ev"):
                    for i in a["data-ev"].split():
                        self.ev[int(i)].append(data)

    @property
    def doc_text(self) -> str:
        return "".join(self.doc)

    def ev_text(self, i: int) -> str:
        return "".join(self.ev.get(i, []))


def parse(page: str) -> PageParser:
    p = PageParser()
    p.feed(page)
    p.close()
    return p


def scored(text: str, evidence=None):
    r = credibly.score(text)
    return r if evidence is None else dataclasses.replace(r, evidence=list(evidence), text=text)


@pytest.fixture(scope="module")
def demo_result():
    return credibly.score(DEMO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hostile_result():
    return credibly.score(HOSTILE)


# --------------------------------------------------------------------------- escaping and safety


def _assert_safe(page: str) -> PageParser:
    p = parse(page)
    assert not p.errors, p.errors[:5]
    names = [t for t, _ in p.tags]
    for bad in ("script", "img", "iframe", "object", "embed", "a", "link", "base", "form", "textarea", "plaintext"):
        if bad == "a":
            assert all(_relative(a.get("href", "")) for t, a in p.tags if t == "a")
            continue
        assert bad not in names, bad
    assert names.count("style") == 1 and names.count("title") == 1
    for _, attrs in p.tags:
        for k, v in attrs.items():
            assert not k.startswith("on"), k
            if k in ("href", "src", "action", "xlink:href"):
                assert _relative(v or ""), v
    return p


def _relative(href: str) -> bool:
    return not re.match(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:", href) and not href.startswith("//")


def test_hostile_document_renders_as_text(hostile_result):
    page = result_html(hostile_result, source='<img src=x onerror="alert(1)">.txt')
    p = _assert_safe(page)
    assert p.doc_text == HOSTILE.replace("\x00", "\ufffd")
    assert "&lt;script&gt;document.title=&#x27;PWNED&#x27;&lt;/script&gt;" in page
    assert "PWNED" not in "".join(p.title)
    assert "&#13;" in page and "\r" not in page  # a CR survives the HTML parser only as a reference
    assert "<script" not in page.lower()


def test_csp_forbids_scripts_and_allows_only_the_own_style(demo_result):
    page = result_html(demo_result)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page).group(1)
    assert "script-src 'none'" in csp and "default-src 'none'" in csp
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    # offline: nothing is fetched (no url(), @import, external fonts, src attributes)
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert re.search(r"\bsrc=", page) is None
    assert "prefers-color-scheme:dark" in style and "@media print" in style


def test_hostile_family_kind_and_source_are_escaped_in_attributes():
    text = "Officials said the plan may change, according to people familiar with it."
    evil = '"><script>alert(1)</script><x y="'
    ev = [Evidence(evil, 'kind" onmouseover="alert(1)', 0, 9, text[0:9]), Evidence("hedging", "hedge", 24, 27, "may")]
    r = scored(text, ev)
    page = result_html(r, source=evil)
    p = _assert_safe(page)
    assert p.doc_text == text
    assert p.ev_text(0) == "Officials" and p.ev_text(1) == "may"
    allowed = {"class", "data-family", "data-kinds", "data-ev", "title", "data-tip", "tabindex"}
    for m in p.marks:
        assert set(m) <= allowed
    assert any(m.get("data-family") == evil for m in p.marks)


def test_lone_surrogates_and_nul_do_not_break_the_page():
    text = "The minister said \ud800 that \x00 it may rain, reportedly, in the north."
    r = scored("The minister said that it may rain, reportedly, in the north.")
    r = dataclasses.replace(r, evidence=[Evidence("hedging", "hedge", 30, 40, text[30:40])], text=text)
    page = result_html(r)
    page.encode("utf-8")  # no lone surrogates left
    p = parse(page)
    assert p.doc_text == text.replace("\ud800", "\ufffd").replace("\x00", "\ufffd")


# --------------------------------------------------------------------------- spans


def test_spans_at_their_offsets(demo_result):
    page = result_html(demo_result)
    p = parse(page)
    assert not p.errors
    assert p.doc_text == demo_result.text
    assert demo_result.evidence
    for i, e in enumerate(demo_result.evidence):
        assert p.ev_text(i) == demo_result.text[e.start : e.end] == e.text
    kinds = {m["data-family"] for m in p.marks}
    assert {"translation", "attribution"} <= kinds


def test_overlapping_and_nested_spans():
    text = "alpha beta gamma delta epsilon"
    ev = [
        Evidence("translation", "calque", 0, 16, text[0:16]),  # alpha beta gamma
        Evidence("attribution", "named_source", 6, 22, text[6:22]),  # beta gamma delta (crosses)
        Evidence("hedging", "hedge", 11, 16, text[11:16]),  # gamma (nested in both)
        Evidence("translation", "unit_x", 11, 16, text[11:16]),  # same family, same span
        Evidence("boilerplate", "shortcode", 23, 30, text[23:30]),  # epsilon (adjacent after a gap)
        Evidence("ai_generated", "stock_phrase", 16, 23, text[16:23]),  # touches both neighbours
        Evidence("hedging", "hedge", 5, 5, ""),  # empty: skipped
        Evidence("hedging", "hedge", 25, 99, text[25:99]),  # clipped to the text
    ]
    html_ = render_text(text, ev)
    p = parse(f'<div class="doc">{html_}</div>')
    assert not p.errors
    assert p.doc_text == text
    for i, e in enumerate(ev):
        assert p.ev_text(i) == text[e.start : min(e.end, len(text))]
    # "gamma" carries three families, nested in the fixed family order
    gamma = re.search(r"((?:<mark [^>]*>)+)gamma", html_).group(1)
    assert re.findall(r'data-family="([^"]+)"', gamma) == ["hedging", "attribution", "translation"]
    assert 'data-kinds="calque unit_x"' in gamma and 'data-ev="0 3"' in gamma
    # the innermost mark of a piece lists every active kind
    title = re.search(r'title="([^"]*)"[^>]*>gamma', html_).group(1)
    assert "calque" in title and "unit_x" in title and "hedge" in title and "named_source" in title


def test_no_evidence_and_no_text():
    assert render_text("a < b & c", []) == "a &lt; b &amp; c"
    r = dataclasses.replace(credibly.score("The minister said the plan may change soon."), text=None)
    page = result_html(r)
    assert not parse(page).errors and 'class="doc"' not in page


_text = st.text(alphabet=st.sampled_from(list("ab <>&\"'\r\n\t=/;\u00e9\u05d0\U0001f600")), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), text=_text)
def test_any_spans_render_well_formed(data, text):
    n = len(text)
    fams = st.sampled_from(["hedging", "attribution", "translation", "ai_generated", "boilerplate", "other"])
    spans = data.draw(
        st.lists(st.tuples(fams, st.integers(0, n + 2), st.integers(0, n + 2)), max_size=12)
    )
    ev = []
    for i, (f, a, b) in enumerate(spans):
        lo, hi = min(a, b), max(a, b)
        ev.append(Evidence(f, f"k{i % 3}", lo, hi, text[lo:hi]))
    html_ = render_text(text, ev)
    p = parse(f'<div class="doc">{html_}</div>')
    assert not p.errors
    assert p.doc_text == text
    for i, e in enumerate(ev):
        assert p.ev_text(i) == text[e.start : min(e.end, n)]
    assert html_.count("<mark") == html_.count("</mark>")


# --------------------------------------------------------------------------- page content


@pytest.mark.parametrize(
    ("trust", "n"), [(0.0, 0), (0.009, 0), (0.04, 0), (0.26, 3), (0.73, 7), (0.949, 9), (0.96, 10), (1.0, 10)]
)
def test_trust_meaning(trust, n):
    assert trust_meaning(trust) == f"Of documents scored like this, about {n} in 10 were trustworthy."


def test_page_shows_score_families_contributions_and_legend(demo_result):
    page = result_html(demo_result, source="demo.txt", top=5)
    assert trust_meaning(demo_result.trust) in page
    for name in ("Hedging", "Attribution", "Translation", "AI-generated", "Boilerplate"):
        assert name in page
    top = demo_result.signals(5)
    assert page.count('class="dir"') == len(top)
    first = top[0]
    assert first.label().split(":")[1].split("_")[0] in page
    assert "\u2212" in page  # negative contributions use a real minus sign
    assert 'aria-label="Highlight legend"' in page
    assert "solid underline" in page and "dotted underline" in page  # not colour alone
    assert "all documents" not in page  # no back link outside a batch


def test_failed_result_page():
    page = result_html(failed("empty: the input is empty"), source="empty.txt")
    p = parse(page)
    assert not p.errors
    assert "Not scored:" in page and "empty: the input is empty" in page


def test_repr_html_is_the_report(demo_result):
    assert demo_result._repr_html_() == result_html(demo_result)


# --------------------------------------------------------------------------- batch index


def test_batch_index_escapes_and_links(demo_result, hostile_result):
    rows = [
        ("docs/<script>alert(1)</script>.txt", "a.html", demo_result),
        ('<img src=x onerror="alert(1)">', "javascript:alert(1)", hostile_result),
        ("https://evil.example/x", "//evil.example/x", hostile_result),
        IndexRow("broken.txt", "broken.html", None, error="not_found: <b>no such file</b>"),
    ]
    page = batch_html(rows)
    p = _assert_safe(page)
    hrefs = [a["href"] for t, a in p.tags if t == "a"]
    assert hrefs == ["a.html", "broken.html"]
    assert "not_found: &lt;b&gt;no such file&lt;/b&gt;" in page
    assert "4 documents, 1 not scored" in page


def test_batch_sort_orders(demo_result, hostile_result):
    low = dataclasses.replace(demo_result, trust=0.1)
    high = dataclasses.replace(demo_result, trust=0.9)
    rows = [("b", "b.html", high), IndexRow("c", "c.html", None, error="x"), ("a", "a.html", low)]
    page = batch_html(rows)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)

    def order(key: str) -> list[str]:
        ranks = {i: int(re.search(rf"\.r{i}\{{[^}}]*--{key}:(\d+)", style).group(1)) for i in range(3)}
        return [["b", "c", "a"][i] for i in sorted(ranks, key=ranks.get)]

    assert order("trust-asc") == ["a", "b", "c"]  # missing values last in both directions
    assert order("trust-desc") == ["b", "a", "c"]
    assert order("name-asc") == ["a", "b", "c"]
    assert order("name-desc") == ["c", "b", "a"]
    assert order("order-asc") == ["b", "c", "a"]
    assert "<script" not in page.lower() and 'type="radio"' in page


def test_page_names():
    used: set[str] = set()
    assert page_name("seeds/demo/en_machine_translated.txt", used) == "en_machine_translated.html"
    assert page_name("other/en_machine_translated.txt", used) == "en_machine_translated-2.html"
    assert page_name("data.jsonl:3", used) == "data.jsonl_3.html"
    assert page_name("-", used) == "stdin.html"
    assert page_name("index.txt", used) == "index_doc.html"
    assert page_name("../../<script>x</script>", used) == "script.html"
    assert page_name("...", used) == "document.html"
    assert page_name("CON.txt", used) == "CON_doc.html"


# --------------------------------------------------------------------------- CLI


def test_cli_single_input(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", str(DEMO), "-o", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["en_machine_translated.html"]
    assert capsys.readouterr().out.strip() == str(out / "en_machine_translated.html")
    page = (out / "en_machine_translated.html").read_text(encoding="utf-8")
    assert "all documents" not in page and "Of documents scored like this" in page


def test_cli_batch_with_failures(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    good = tmp_path / "in" / "<b onmouseover=x>odd & name.txt"
    good.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("   \n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["report", str(tmp_path / "in"), str(tmp_path / "missing.txt"), "-o", str(out)])
    assert code == 1
    files = sorted(os.listdir(out))
    assert "index.html" in files and len(files) == 4
    index = (out / "index.html").read_text(encoding="utf-8")
    p = _assert_safe(index)
    assert "not_found" in index and "empty" in index
    assert "&lt;b onmouseover=x&gt;odd &amp; name.txt" in index
    for t, a in p.tags:
        if t == "a":
            assert (out / a["href"]).is_file()
    page = (out / "b_onmouseover_x_odd_name.html").read_text(encoding="utf-8")
    assert 'href="index.html"' in page
    assert capsys.readouterr().out.strip() == str(out / "index.html")


def test_cli_stdin_and_table_ids(tmp_path, monkeypatch, capsys):
    import io
    import json
    import sys

    text = DEMO.read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["report", "-", "-o", str(tmp_path / "a")]) == 0
    assert os.listdir(tmp_path / "a") == ["stdin.html"]
    table = tmp_path / "t.jsonl"
    rows = [{"id": "doc/1", "text": text}, {"id": "<b>2", "text": 5}]
    table.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["report", str(table), "--id-column", "id", "-o", str(tmp_path / "b")]) == 1
    assert sorted(os.listdir(tmp_path / "b")) == ["1.html", "b_2.html", "index.html"]
    index = (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;2" in index and "invalid_input" in index
    capsys.readouterr()


def test_cli_usage_errors(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["report", str(DEMO), "-o", str(target)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["report", str(DEMO)])  # -o is required
    assert exc.value.code == 2
    assert main(["report", str(DEMO), "-o", str(tmp_path / "o"), "--model", str(tmp_path / "nope")]) == 2


# --------------------------------------------------------------------------- headless Chromium


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run_chromium(binary: str, profile: Path, *args: str, timeout: int = 90) -> bytes:
    cmd = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium timed out after {timeout}s: {' '.join(args)}")
    if done.returncode != 0:
        pytest.fail(f"chromium failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout


def _png_rgb(path: Path):
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG into a numpy array (h, w, 3)."""
    import numpy as np

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, []
    while pos < len(data):
        n = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            depth, ctype, interlace = body[8], body[9], body[12]
        elif kind == b"IDAT":
            idat.append(body)
    assert depth == 8 and ctype in (2, 6) and interlace == 0
    bpp = 3 if ctype == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(h, 1 + w * bpp)
    out = np.zeros((h, w * bpp), dtype=np.uint8)
    prev = np.zeros(w * bpp, dtype=np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if f == 1:
            line = np.cumsum(line.reshape(w, bpp), axis=0).reshape(-1) % 256
        elif f == 2:
            line = (line + prev) % 256
        elif f in (3, 4):  # sequential along the row: plain Python lists are fastest
            cur, up = line.tolist(), prev.tolist()
            for x in range(w * bpp):
                a = cur[x - bpp] if x >= bpp else 0
                b = up[x]
                if f == 3:
                    cur[x] = (cur[x] + (a + b) // 2) & 255
                else:
                    c = up[x - bpp] if x >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    cur[x] = (cur[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            line = np.array(cur, dtype=np.int32)
        out[y] = line
        prev = line.astype(np.int32)
    return out.reshape(h, w, bpp)[:, :, :3]


def _count_near(img, rgb, tol: int = 6) -> int:
    import numpy as np

    return int((np.abs(img.astype(np.int16) - np.array(rgb, dtype=np.int16)).max(axis=2) <= tol).sum())


@pytest.mark.slow
def test_report_in_headless_chromium(tmp_path, demo_result, hostile_result):
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not installed")
    pages = {
        "demo.html": result_html(demo_result, source="en_machine_translated.txt"),
        "hostile.html": result_html(hostile_result, source="<script>document.title='PWNED'</script>"),  # noqa: E501
        "index.html": batch_html(
            [
                ("en_machine_translated.txt", "demo.html", demo_result),
                ('<img src=x onerror="document.title=1">', "hostile.html", hostile_result),
            ]
        ),
    }
    for name, page in pages.items():
        (tmp_path / name).write_text(page, encoding="utf-8", newline="")
    profile = tmp_path / "profile"

    # the full-page screenshot
    shot = tmp_path / "report.png"
    _run_chromium(binary, profile, f"--screenshot={shot}", "--window-size=1200,2000", (tmp_path / "demo.html").as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000
    head = shot.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(head[16:20], "big") == 1200

    # the highlights are painted: the screenshot shows the family tints
    img = _png_rgb(shot)
    assert img.shape == (2000, 1200, 3)
    assert _count_near(img, (191, 231, 220)) > 200  # translation tint rgba(0,158,115,.25) over white
    assert _count_near(img, (204, 232, 240)) > 200  # attribution tint rgba(0,114,178,.20) over white

    # the rendered DOM holds every span with its text, and the text exactly
    sources = {"demo.html": "en_machine_translated.txt", "hostile.html": "<script>document.title='PWNED'</script>"}
    for name, result in (("demo.html", demo_result), ("hostile.html", hostile_result)):
        dom = _run_chromium(binary, profile, "--dump-dom", (tmp_path / name).as_uri()).decode("utf-8")
        p = PageParser()
        p.feed(dom)
        p.close()
        assert p.doc_text == result.text
        assert len(p.marks) >= len(result.evidence) > 0
        for i, e in enumerate(result.evidence):
            assert p.ev_text(i) == e.text, (name, e)
        # a script that ran would have set the title to 'PWNED' (or 1)
        assert "".join(p.title) == f"credibly report: {sources[name]}"
        if name == "hostile.html":
            tags = [t for t, _ in p.tags]
            assert "script" not in tags and "img" not in tags and "iframe" not in tags and "textarea" not in tags
            assert "<script>document.title='PWNED'</script>" in p.doc_text

    dom = _run_chromium(binary, profile, "--dump-dom", (tmp_path / "index.html").as_uri()).decode("utf-8")
    p = PageParser()
    p.feed(dom)
    p.close()
    assert "".join(p.title) == "credibly report"
    assert not any(t in ("script", "img") for t, _ in p.tags)
    assert [a["href"] for t, a in p.tags if t == "a"] == ["demo.html", "hostile.html"]


def test_kind_contributions(demo_result):
    from credibly.report import _kind_contribution

    feats = {f.split(".", 1)[1] for f in demo_result.contributions if not f.startswith("family.")}
    assert "calques_per_1k" in feats
    assert _kind_contribution(demo_result, "translation", "calque")[0] == "calques_per_1k"
    assert _kind_contribution(demo_result, "translation", "unit_spaced_percent")[0] == "unit_artifacts_per_1k"
    assert _kind_contribution(demo_result, "hedging", "hedge")[0] in ("hedges_per_1k", "hedged_sentence_share")
    assert _kind_contribution(demo_result, "hedging", "no_such_kind") is None


def test_cli_jobs_gives_the_same_pages(tmp_path, demo_dir, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["report", str(demo_dir), "-o", str(one)]) == 0
    assert main(["report", str(demo_dir), "-o", str(two), "--jobs", "2"]) == 0
    names = sorted(os.listdir(one))
    assert names == sorted(os.listdir(two)) and len(names) > 2
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert main(["report", str(DEMO), "-o", str(tmp_path / "x"), "--jobs", "0"]) == 2
    capsys.readouterr()
