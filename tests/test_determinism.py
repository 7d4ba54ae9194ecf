"""Scores and features do not depend on the process: Python salts str hashes per process
(set iteration order changes with PYTHONHASHSEED), credibly's results must not."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from credibly.resources import data_path

CODE = """
import json, sys
import credibly
out = {}
for path in sys.argv[1:]:
    r = credibly.score(open(path, encoding="utf-8").read())
    out[path] = {"trust": r.trust, "families": r.families, "features": r.features,
                 "evidence": [tuple(e) for e in r.evidence]}
print(json.dumps(out, sort_keys=True))
"""


def _near_duplicate_text() -> str:
    """Paragraphs that share many 3-grams and stems with several earlier ones (ties)."""
    words = "council budget library hours funding members approved reading rooms weekend staff plans".split()
    paras = []
    for i in range(40):
        w = words[i % 7 :] + words[: i % 7]
        paras.append(" ".join(w + w[::-1] + ["the", "city", "said", str(i % 3)]) + ".")
    return "\n".join(paras)


def test_results_identical_across_hash_seeds(tmp_path):
    extra = tmp_path / "near_duplicates.txt"
    extra.write_text(_near_duplicate_text(), encoding="utf-8")
    demo = sorted(str(p) for p in data_path("demo").glob("*.txt")) + [str(extra)]
    assert demo
    outs = []
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", CODE, *demo], env=env, capture_output=True, text=True, check=True)
        outs.append(json.loads(res.stdout))
    assert outs[0] == outs[1] == outs[2]
