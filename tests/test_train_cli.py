"""credibly train on user labels, then score with --model."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")

from credibly.cli import main  # noqa: E402

GOOD = [
    "“The bridge opens in May,” said Maria Lopez, director of the city transport office, on Tuesday.",
    "According to the annual report of the state audit office, spending rose by four percent, the minister told reporters.",
    "The council voted seven to two, chair Ruth Meyer said after the meeting, adding that the plan was final.",
]
BAD = [
    "SHOCKING!!! They don't want you to know this secret, insiders say it will change everything by 2027!!!",
    "Sources say the truth is being hidden! Everyone knows it. Share before it is deleted!!!",
    "Unbelievable! Experts claim this one trick will make you rich, it is rumored!!!",
]


def test_train_and_score_with_model(tmp_path, capsys):
    rows = []
    for k in range(8):
        for i, t in enumerate(GOOD):
            rows.append({"text": t + f" Item {k}.", "label": 1, "g": f"good{k % 4}"})
        for i, t in enumerate(BAD):
            rows.append({"text": t + f" Item {k}.", "label": 0, "g": f"bad{k % 4}"})
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "model"
    code = main(["train", "--data", str(data), "--label-column", "label", "--group-column", "g", "--out", str(out)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["rows"] == 48
    assert (out / "trust_model.json").is_file() and (out / "MODEL_CARD.md").is_file()
    doc = tmp_path / "doc.txt"
    doc.write_text(GOOD[0], encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(BAD[0], encoding="utf-8")
    assert main(["score", "--format", "jsonl", "--model", str(out), str(doc), str(bad)]) == 0
    scored = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert scored[0]["trust"] > scored[1]["trust"]


def test_train_missing_column_is_usage_error(tmp_path, capsys):
    data = tmp_path / "t.csv"
    data.write_text("body,label\nhello world,1\n", encoding="utf-8")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 2
    assert "available columns" in capsys.readouterr().err
