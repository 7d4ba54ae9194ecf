"""Time and peak memory of every hostile-input case (issue 6).

Each case runs in its own subprocess, which warms up (imports, model, lexicons, language
identifier) on a short text, records its peak RSS (``resource.getrusage``) as the
baseline, then runs the case and records the wall time, the CPU time (robust on a busy
machine) and the new peak RSS. A case
that exceeds ``--timeout`` seconds is killed and reported as such.

    python benchmarks/hostile.py                 # every case, table on stdout
    python benchmarks/hostile.py quote_flood     # some cases
    python benchmarks/hostile.py --list

Results go to ``benchmarks/results/hostile.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "hostile.json"

EN = (
    "The city council approved the new budget on Tuesday after a three-hour debate, the mayor said. "
    "According to a report by the finance department, spending on schools will rise by four percent. "
    "Critics say the plan might not be enough. \"We are worried about housing,\" said Anna Berg.\n"
)
DE = (
    "Die Bundesregierung hat am Mittwoch eine Reform der Unternehmenssteuer beschlossen. "
    "Nach Angaben des Wirtschaftsministeriums soll die Maßnahme tausende Arbeitsplätze schaffen, "
    "sagte ein Sprecher. „Das ist übereilt“, kritisierte die Gewerkschaft.\n"
)
FR = (
    "Le conseil municipal a approuvé mardi le nouveau budget après un débat de trois heures, a déclaré le maire. "
    "Selon un rapport du service des finances, les dépenses pour les écoles augmenteront de quatre pour cent.\n"
)


_VOCAB: list[str] = []


def _words(n: int, seed: int = 0) -> list[str]:
    if not _VOCAB:
        rng = random.Random(0)
        _VOCAB.extend("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(5000))
    rng = random.Random(seed)
    return [rng.choice(_VOCAB) for _ in range(n)]


def _page(text: str, paragraphs: int = 1) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in text.split("\n") if p.strip()) * paragraphs
    return (
        "<!DOCTYPE html><html><head><title>Site | News</title><script>var x = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/n'>News</a></nav><main><article>"
        f"{body}</article></main><footer><p>© 2024 Example Media</p></footer></body></html>"
    )


# -- cases: name -> (description, builder) ------------------------------------------------
# A builder returns ("text", str, language) to score a string, or ("file", bytes, suffix)
# to read a file with credibly.read.iter_inputs and score what it yields.


def _c_empty():
    return "text", "", None


def _c_whitespace():
    return "text", " \n\t\u3000" * 250_000, None


def _c_binary_file():
    return "file", bytes(range(256)) * 40_000, ".txt"


def _c_latin1_file():
    return "file", (DE * 2_000).encode("latin-1", "replace"), ".txt"


def _c_cp1252_file():
    return "file", ("He said “it’s a naïve plan” — costing €5 million. " * 5_000).encode("cp1252"), ".txt"


def _c_utf16_file():
    return "file", (DE * 2_000).encode("utf-16"), ".txt"


def _c_html_page():
    return "file", _page(EN * 30).encode("utf-8"), ".html"


def _c_html_4mb():
    text = "\n".join(" ".join(_words(60, k)) + "." for k in range(10_000))
    return "file", _page(text).encode("utf-8"), ".html"


def _c_html_nested_divs():
    return "file", ("<html><body>" + "<div>" * 300_000 + "<p>" + EN + "</p>" + "</div>" * 300_000 + "</body></html>").encode(), ".html"


def _c_large_file_50mb():
    unit = (EN * 100).encode()
    return "file", unit * (50_000_000 // len(unit)), ".txt"


def _c_large_file_50mb_long_words():
    unit = ("Abcdefghijklmnopqrstuvwxyzabcd. " * 1000).encode()
    return "file", unit * (50_000_000 // len(unit)), ".txt"


def _c_unknown_language():
    return "text", FR * 500, None


def _c_line_2m_chars():
    return "text", " ".join(_words(400_000))[:2_000_000], None


def _c_line_2m_chars_no_space():
    return "text", "a" * 2_000_000, None


def _c_quotes_only_200k():
    return "text", '"' * 200_000, None


def _c_quote_flood_200k():
    rng = random.Random(1)
    marks = '"“”„«»‚‘’'
    return "text", " ".join("".join(rng.choice(marks) for _ in range(10)) + w for w in _words(20_000)), "en"


def _c_nested_brackets_300k():
    return "text", "(" * 300_000 + " ".join(_words(30)) + ")" * 300_000, None


def _c_nested_square_curly():
    return "text", "[" * 100_000 + "{{" * 50_000 + " ".join(_words(30)) + "}}" * 50_000 + "]" * 100_000, "en"


def _c_emoji_flood():
    return "text", "😀🔥👉" * 300_000 + " hello world " + "🚀" * 100_000, None


def _c_emoji_headers():
    return "text", "".join(f"🔥 Key point {k}\n• {w} matters\n" for k, w in enumerate(_words(6_000))), "en"


def _c_repeated_phrase_2m():
    return "text", "the quick brown fox jumps over the lazy dog " * 45_000, "en"


def _c_repeated_phrase_35k_tokens():
    return "text", "according to sources it will be the best by 2030 " * 3_500, "en"


def _c_future_year_flood_1m():
    return "text", "will " * 200_000, "en"


def _c_shortcode_attack_12k():
    return "text", "[ab x=" * 2_000, "en"


def _c_shortcode_attack_24k():
    return "text", "[ab x=" * 4_000, "en"


def _c_shortcode_attack_120k():
    return "text", "[ab x=" * 20_000, "en"


def _c_long_capitalised_token_8k():
    rng = random.Random(2)
    return "text", "the A" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8_000)) + " is here", "en"


def _c_long_capitalised_token_16k():
    rng = random.Random(2)
    return "text", "the A" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(16_000)) + " is here", "en"


def _c_jsonl_nested_line():
    return "file", (json.dumps({"text": EN}) + "\n" + "[" * 300_000 + "]" * 300_000 + "\n").encode(), ".jsonl"


def _c_jsonl_10k_rows():
    return "file", "".join(json.dumps({"text": f"Row {k}. " + EN}) + "\n" for k in range(10_000)).encode(), ".jsonl"


CASES = {
    "empty": ("empty string", _c_empty),
    "whitespace_1m": ("1M characters of whitespace", _c_whitespace),
    "binary_file": ("10 MB of binary bytes as a .txt file", _c_binary_file),
    "latin1_file": ("German text in Latin-1, 0.5 MB", _c_latin1_file),
    "cp1252_file": ("English with typographic quotes in Windows-1252", _c_cp1252_file),
    "utf16_file": ("German text in UTF-16 with BOM", _c_utf16_file),
    "html_page": ("an HTML page: nav, script, footer and a 30-paragraph article", _c_html_page),
    "html_4mb": ("a 4 MB HTML page of 10,000 paragraphs", _c_html_4mb),
    "html_nested_divs": ("300,000 nested <div>s around one paragraph", _c_html_nested_divs),
    "large_file_50mb": ("50 MB text file (read up to 8 MB, scored on 1M characters)", _c_large_file_50mb),
    "large_file_50mb_long_words": ("50 MB text file of long words (< 40,200 tokens scored)", _c_large_file_50mb_long_words),
    "unknown_language": ("French text (no French lexicons), 100 KB", _c_unknown_language),
    "line_2m_chars": ("one 2-million-character line of words", _c_line_2m_chars),
    "line_2m_chars_no_space": ("one 2-million-character token", _c_line_2m_chars_no_space),
    "quotes_only_200k": ("200,000 quotation marks, no word", _c_quotes_only_200k),
    "quote_flood_200k": ("200,000 quotation marks of 9 styles around 20,000 words", _c_quote_flood_200k),
    "nested_brackets_300k": ("300,000 nested brackets around 30 words", _c_nested_brackets_300k),
    "nested_square_curly": ("100,000 '[' and 50,000 '{{' nested around 30 words", _c_nested_square_curly),
    "emoji_flood": ("1.3M emoji and two words", _c_emoji_flood),
    "emoji_headers": ("6,000 emoji headers and bullets", _c_emoji_headers),
    "repeated_phrase_2m": ("a 9-word phrase repeated to 2M characters (405,000 tokens)", _c_repeated_phrase_2m),
    "repeated_phrase_35k_tokens": ("a 10-word phrase repeated 3,500 times", _c_repeated_phrase_35k_tokens),
    "future_year_flood_1m": ("'will ' x 200,000 (hedging future_year pattern)", _c_future_year_flood_1m),
    "shortcode_attack_12k": ("'[ab x=' x 2,000 (boilerplate shortcode pattern)", _c_shortcode_attack_12k),
    "shortcode_attack_24k": ("'[ab x=' x 4,000", _c_shortcode_attack_24k),
    "shortcode_attack_120k": ("'[ab x=' x 20,000", _c_shortcode_attack_120k),
    "long_capitalised_token_8k": ("one 8,000-letter capitalised token (translation name variants)", _c_long_capitalised_token_8k),
    "long_capitalised_token_16k": ("one 16,000-letter capitalised token", _c_long_capitalised_token_16k),
    "jsonl_nested_line": ("JSONL with a 600,000-bracket line", _c_jsonl_nested_line),
    "jsonl_10k_rows": ("JSONL with 10,000 rows", _c_jsonl_10k_rows),
}


def _peak_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / (1024 * 1024) if sys.platform == "darwin" else r / 1024


def _child(name: str) -> dict:
    import credibly
    from credibly.read import iter_inputs

    credibly.score(EN)
    credibly.score(DE)
    kind, data, extra = CASES[name][1]()
    baseline = _peak_mb()
    out: dict = {"input_chars" if kind == "text" else "input_bytes": len(data)}
    tmp = None
    if kind == "file":
        tmp = tempfile.NamedTemporaryFile(suffix=extra, delete=False)
        tmp.write(data)
        tmp.close()
        del data
    t = time.perf_counter()
    c = time.process_time()
    try:
        if kind == "text":
            try:
                r = credibly.score(data, extra)
                out["outcome"] = f"trust={r.trust:.3f} language={r.language} evidence={len(r.evidence)} truncated={r.truncated}"
            except credibly.CrediblyError as exc:
                out["outcome"] = f"{type(exc).__name__}: {exc}"
        else:
            rows = ok = 0
            notes = set()
            for item in iter_inputs([tmp.name]):
                rows += 1
                if item.error:
                    notes.add(item.error.split(":", 1)[0])
                    continue
                try:
                    credibly.score(item.text)
                    ok += 1
                except credibly.CrediblyError as exc:
                    notes.add(type(exc).__name__)
                for k in ("encoding", "truncated_bytes", "html_chars_removed"):
                    if k in item.extra and rows == 1:
                        notes.add(f"{k}={item.extra[k]}")
            out["outcome"] = f"rows={rows} scored={ok} " + " ".join(sorted(notes))
    except Exception as exc:  # noqa: BLE001 - a crash is a result here
        out["outcome"] = f"CRASH {type(exc).__name__}: {exc}"
    out["seconds"] = round(time.perf_counter() - t, 3)
    out["cpu_seconds"] = round(time.process_time() - c, 3)
    out["peak_rss_mb"] = round(_peak_mb(), 1)
    out["baseline_rss_mb"] = round(baseline, 1)
    if tmp is not None:
        os.unlink(tmp.name)
    return out


def run(names: list[str], timeout: float) -> list[dict]:
    results = []
    for name in names:
        desc = CASES[name][0]
        t = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", name], capture_output=True, text=True, timeout=timeout
            )
            if proc.returncode == 0 and proc.stdout.strip():
                res = json.loads(proc.stdout.strip().splitlines()[-1])
            else:
                res = {"outcome": f"CRASH exit {proc.returncode}: {proc.stderr.strip()[-300:]}"}
        except subprocess.TimeoutExpired:
            res = {"outcome": f"TIMEOUT after {timeout:.0f} s", "seconds": None, "peak_rss_mb": None}
        res = {"case": name, "description": desc, **res, "wall_with_startup_s": round(time.perf_counter() - t, 2)}
        results.append(res)
        print(
            f"{name:30s} {res.get('seconds') if res.get('seconds') is not None else '-':>8}s "
            f"(cpu {res.get('cpu_seconds', '-')}s) "
            f"{res.get('peak_rss_mb') or '-':>8} MB (baseline {res.get('baseline_rss_mb', '-')})  {res['outcome'][:90]}",
            flush=True,
        )
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per case (default 120)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child)))
        return 0
    if args.list:
        for name, (desc, _) in CASES.items():
            print(f"{name:30s} {desc}")
        return 0
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)}; see --list")
    names = args.cases or list(CASES)
    results = run(names, args.timeout)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "timeout_s": args.timeout,
        "cases": results,
    }
    if args.cases and out.exists():  # merge a partial run into the existing file
        try:
            old = {c["case"]: c for c in json.loads(out.read_text(encoding="utf-8")).get("cases", [])}
            old.update({c["case"]: c for c in results})
            doc["cases"] = [old[n] for n in CASES if n in old]
        except (ValueError, KeyError):
            pass
    out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
