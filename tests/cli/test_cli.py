"""The `semrec` command line, run as a real subprocess against a real home directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def semrec(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m semrec ARGS` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "semrec", *map(str, args)], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "command",
    [
        (),
        ("sample",),
        ("import",),
        ("import", "items"),
        ("import", "events"),
        ("import", "dataset"),
        ("train",),
        ("recommend",),
        ("similar",),
        ("stats",),
        ("eval",),
        ("forget-user",),
    ],
)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = semrec(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


@pytest.mark.slow
def test_sample_import_train_recommend_forget(tmp_path: Path) -> None:
    data, home = tmp_path / "data", tmp_path / "home"
    assert (
        semrec("sample", "--out", data, "--seed", 3, "--items", 300, "--users", 150).returncode == 0
    )
    first = (data / "events.jsonl").read_bytes()
    assert (
        semrec("sample", "--out", data, "--seed", 3, "--items", 300, "--users", 150).returncode == 0
    )
    assert (data / "events.jsonl").read_bytes() == first
    items = semrec("import", "items", data / "items.jsonl", "--home", home)
    assert items.returncode == 0 and "300 items imported" in items.stdout
    assert semrec("import", "events", data / "events.jsonl", "--home", home).returncode == 0
    trained = semrec("train", "--home", home, "--json")
    assert trained.returncode == 0 and json.loads(trained.stdout)["version"] == 1
    user = json.loads((data / "events.jsonl").read_text().splitlines()[0])["user_id"]
    recs = semrec("recommend", user, "--home", home, "-k", 5, "--json")
    assert recs.returncode == 0, recs.stderr
    parsed = json.loads(recs.stdout)
    assert len(parsed) == 5 and all(r["reasons"] for r in parsed)
    text = semrec("recommend", user, "--home", home, "-k", 3)
    assert text.stdout.count("why:") == 3
    forgot = semrec("forget-user", user, "--home", home)
    assert "events deleted" in forgot.stdout
    stats = json.loads(semrec("stats", "--home", home).stdout)
    assert stats["items"] == 300 and stats["snapshot"] == 1


def test_a_malformed_file_fails_with_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "user_id,item_id,type,timestamp\nu1,i1,view,1600000000\nu2,i2,viewed,1600000001\n"
    )
    result = semrec("import", "events", path, "--home", tmp_path / "home")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {path}:3: type: got 'viewed', expected one of view, click, add_to_cart,"
        " purchase, rate, review, search, skip"
    )
    stats = json.loads(semrec("stats", "--home", tmp_path / "home").stdout)
    assert stats["events"] == 0
    skipped = semrec("import", "events", path, "--home", tmp_path / "home", "--skip-invalid")
    assert skipped.returncode == 0
    assert "1 events imported" in skipped.stdout and "1 rejected" in skipped.stdout
    assert (tmp_path / "events.csv.rejected.jsonl").is_file()


def test_errors_for_unknown_things_are_one_line(tmp_path: Path) -> None:
    result = semrec("recommend", "u1", "--home", tmp_path / "home")
    assert result.returncode == 2
    assert "call train() first" in result.stderr
    assert "Traceback" not in result.stderr
    bad = semrec("import", "dataset", "ml-5m", tmp_path, "--home", tmp_path / "home")
    assert bad.returncode == 2 and "dataset" in bad.stderr and "Traceback" not in bad.stderr
