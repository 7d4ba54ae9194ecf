"""Where the time of one ``credibly.score`` goes: CPU microseconds per document for the
parse, each extractor, the family heads and the trust model, over corpus documents scored
once each (the per-word caches warm as they would in a long run; one-off loads happen in the
untimed warm-up).

    python benchmarks/stages.py                  # 1,600 English documents of ../shared/corpora/news.jsonl.gz
    python benchmarks/stages.py --language de --docs 800

It prints a table; nothing is written. Documents are read by path, never copied.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "news.jsonl.gz")
    ap.add_argument("--language", default="en")
    ap.add_argument("--docs", type=int, default=1600)
    ap.add_argument("--warm", type=int, default=50, help="documents scored first, untimed")
    args = ap.parse_args(argv)

    import credibly
    from credibly.document import parse
    from credibly.extractors import registered
    from credibly.heads import HEAD_FAMILIES, family_probability
    from credibly.model import default_model
    from credibly.heads import default_heads
    from credibly.ngram import document_char_vector, document_vector

    texts: list[str] = []
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row.get("language") == args.language and isinstance(row.get("text"), str) and row["text"].strip():
                texts.append(row["text"])
                if len(texts) >= args.warm + args.docs:
                    break
    for t in texts[: args.warm]:
        credibly.score(t)
    # load the statistical language identifier too (a one-off 0.4 s, not a per-document cost):
    # a text no stopword profile claims goes to it
    credibly.score("Ceci est un court texte en français, écrit pour charger le modèle de langue. " * 4)
    model = default_model()
    heads = default_heads()
    char_heads = heads is not None and any(
        m.has_chars for per_lang in heads.ngrams.values() for m in per_lang.values()
    )
    clock = time.process_time_ns
    spent: collections.Counter[str] = collections.Counter()
    words = 0
    work = texts[args.warm :]
    for text in work:
        t0 = clock()
        doc = parse(text)
        spent["parse"] += clock() - t0
        words += doc.n_words
        features: dict[str, float] = {}
        for ex in registered():
            t0 = clock()
            features.update(ex(doc).features)
            spent[ex.name] += clock() - t0
        t0 = clock()
        document_vector(doc)  # the hashed n-gram vector (cached on the document for the heads)
        spent["n-gram vector"] += clock() - t0
        if char_heads:
            t0 = clock()
            document_char_vector(doc)  # the translation heads' character n-grams (cached likewise)
            spent["char n-gram vector"] += clock() - t0
        t0 = clock()
        for fam in HEAD_FAMILIES:
            family_probability(fam, doc.language, features, doc)
        spent["family heads"] += clock() - t0
        t0 = clock()
        model.contributions(features, doc.language)
        spent["trust model"] += clock() - t0
    total = sum(spent.values())
    print(f"{len(work)} {args.language} documents, mean {words / max(len(work), 1):.0f} words; CPU microseconds per document")
    for name, ns in spent.most_common():
        print(f"  {name:18s} {ns / len(work) / 1000:8.0f}  {100 * ns / total:5.1f} %")
    print(f"  {'total':18s} {total / len(work) / 1000:8.0f}  ({words / (total / 1e9):,.0f} words/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
