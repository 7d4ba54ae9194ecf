from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from credibly.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_console_script_is_installed():
    exe = shutil.which("credibly") or str(Path(sys.executable).parent / "credibly")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("credibly ")


def test_help_documents_exit_codes(capsys):
    try:
        main(["score", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    text = capsys.readouterr().out
    assert "exit codes" in text and "130" in text


def test_demo_folder_one_row_per_file_in_order(capsys):
    code = main(["score", "--format", "jsonl", str(ROOT / "seeds" / "demo")])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    files = sorted(p for p in (ROOT / "seeds" / "demo").glob("*.txt"))
    assert [Path(r["source"]).name for r in rows] == [p.name for p in files]
    assert code == 0
    for r in rows:
        assert 0 <= r["trust"] <= 1 and r["error"] is None
        assert set(r) >= {"source", "trust", "language", "top_signals", "family_translation"}


def test_failed_input_keeps_its_row(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("The mayor said on Tuesday that the bridge will open in May.", encoding="utf-8")
    empty = tmp_path / "b.txt"
    empty.write_text("   ", encoding="utf-8")
    code = main(["score", "--format", "csv", str(good), str(empty), str(tmp_path / "missing.txt")])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4  # header + 3 rows
    assert code == 1
    assert "empty" in lines[2] and "not_found" in lines[3]


def test_explain_prints_evidence(capsys):
    main(["score", "--format", "jsonl", "--explain", str(ROOT / "seeds" / "demo" / "en_machine_translated.txt")])
    out = capsys.readouterr().out
    assert "translation:" in out and "[" in out
