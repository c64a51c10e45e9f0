"""`semrec eval` end to end: a real subprocess on the generated sample shop."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from semrec.sample import write_sample


def test_eval_writes_a_report_where_semrec_beats_popularity(tmp_path: Path) -> None:
    paths = write_sample(tmp_path / "data", seed=5, n_items=300, n_users=200)
    out = tmp_path / "report"
    args = [
        "eval", "--events", paths.events, "--items", paths.items,
        "--protocol", "temporal", "--protocol", "replay",
        "--system", "popularity", "--system", "semrec",
        "--no-tune", "--max-requests", "150", "-k", "5", "-k", "10", "--out", out,
    ]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "semrec", *map(str, args)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    results = json.loads((out / "results.json").read_text())
    static = results["protocols"]["temporal"]["systems"]
    assert static["semrec"]["mean"]["ndcg"]["10"] > static["popularity"]["mean"]["ndcg"]["10"]
    replay = results["protocols"]["replay"]["systems"]
    assert 0 < replay["semrec"]["requests"] <= 150
    assert replay["semrec"]["hr@10"] > replay["popularity"]["hr@10"]
    report = (out / "report.md").read_text()
    assert "| semrec |" in report and "| popularity |" in report
    for png in ("temporal-bars", "temporal-recall", "temporal-history", "replay-latency"):
        assert (out / f"{png}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_names_an_unknown_system(tmp_path: Path) -> None:
    paths = write_sample(tmp_path / "data", seed=5, n_items=100, n_users=50)
    done = subprocess.run(
        [sys.executable, "-m", "semrec", "eval", "--events", str(paths.events),
         "--system", "nope", "--out", str(tmp_path / "r")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert "system" in done.stderr and "nope" in done.stderr and "popularity" in done.stderr
