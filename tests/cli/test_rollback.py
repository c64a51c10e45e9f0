"""`semrec snapshots` and `semrec rollback`, and a running server following `train`/`rollback`."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.live import running  # tests/api/live.py: a real uvicorn server in a thread
from semrec.api import create_app
from semrec.cli.main import app
from semrec.cli.snapshots import rollback  # noqa: F401  (registers `snapshots` and `rollback`)
from semrec.data import NotFoundError
from semrec.sample import generate
from semrec.service import Recommender

runner = CliRunner()

#: Small and quick: two cheap models, no text, the server looks at the store every 0.1 s.
SETTINGS_TOML = """
[train]
models = ["popularity", "itemknn"]
[text]
enabled = false
[serve]
check_interval_s = 0.1
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home trained three times: snapshots v1, v2, v3."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "semrec.toml").write_text(SETTINGS_TOML, encoding="utf-8")
    data = generate(seed=5, n_items=60, n_users=40)
    with Recommender.open(home) as rec:
        rec.upsert_items(data.items)
        rec.ingest(data.events)
        for _ in range(3):
            rec.train()
    return home


def _served_in_a_fresh_process_view(home: Path) -> int | None:
    with Recommender.open(home) as rec:
        return rec.model_version


def test_rollback_serves_the_previous_snapshot_each_time(home: Path) -> None:
    first = runner.invoke(app, ["rollback", "--home", str(home)])
    assert first.exit_code == 0, first.output
    assert "serving snapshot v2 (was v3)" in first.stdout
    assert _served_in_a_fresh_process_view(home) == 2
    listed = runner.invoke(app, ["snapshots", "--home", str(home)]).stdout.splitlines()
    assert [line[:4] for line in listed] == ["  v3", "* v2", "  v1"]
    assert "popularity, itemknn" in listed[0]

    second = runner.invoke(app, ["rollback", "--home", str(home)])
    assert "serving snapshot v1 (was v2)" in second.stdout
    third = runner.invoke(app, ["rollback", "--home", str(home)])
    assert isinstance(third.exception, NotFoundError)
    assert "older than v1" in str(third.exception)
    assert _served_in_a_fresh_process_view(home) == 1


def test_rollback_to_a_chosen_version_and_back_to_the_newest(home: Path) -> None:
    assert runner.invoke(app, ["rollback", "--to", "1", "--home", str(home)]).exit_code == 0
    assert _served_in_a_fresh_process_view(home) == 1
    back = runner.invoke(app, ["rollback", "--to", "3", "--home", str(home)])
    assert "serving snapshot v3 (was v1)" in back.stdout
    missing = runner.invoke(app, ["rollback", "--to", "7", "--home", str(home)])
    assert isinstance(missing.exception, NotFoundError)
    assert "kept: v1, v2, v3" in str(missing.exception)


def test_training_after_a_rollback_serves_the_new_snapshot(home: Path) -> None:
    runner.invoke(app, ["rollback", "--home", str(home)])
    with Recommender.open(home) as rec:
        assert rec.train().version == 4
    assert _served_in_a_fresh_process_view(home) == 4


def test_snapshots_as_json_mark_the_served_one(home: Path) -> None:
    runner.invoke(app, ["rollback", "--to", "2", "--home", str(home)])
    result = runner.invoke(app, ["snapshots", "--json", "--home", str(home)])
    rows = json.loads(result.stdout)
    assert [(r["version"], r["served"]) for r in rows] == [(3, False), (2, True), (1, False)]


def test_commands_refuse_a_home_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["rollback", "--home", str(missing)])
    assert isinstance(result.exception, NotFoundError)
    assert not missing.exists()


def _semrec(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "semrec", *map(str, args)], capture_output=True, text=True
    )


def _wait_for_version(url: str, version: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/health/ready").json()["model_version"] == version:
            return
        time.sleep(0.05)
    raise AssertionError(f"the server did not serve v{version} within 30 s")


@pytest.fixture
def served(home: Path) -> Iterator[str]:
    """A real server (no auth) on `home`, serving v3."""
    with Recommender.open(home) as rec:
        api = create_app(rec, keys=None, rate=None)
        with running(api) as url:
            yield url


@pytest.mark.slow
def test_a_running_server_follows_cli_train_and_rollback(home: Path, served: str) -> None:
    statuses: list[int] = []
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=served, timeout=30) as client:
            while not stop.is_set():
                statuses.append(client.get("/users/u0001/recommendations").status_code)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        trained = _semrec("train", "--home", home)
        assert trained.returncode == 0, trained.stderr
        assert "snapshot v4" in trained.stdout
        _wait_for_version(served, 4)
        rolled = runner.invoke(app, ["rollback", "--home", str(home)])
        assert rolled.exit_code == 0, rolled.output
        _wait_for_version(served, 3)
    finally:
        stop.set()
        reader.join(30)
    assert len(statuses) > 10
    assert set(statuses) == {200}


@pytest.mark.parametrize("command", ["rollback", "snapshots"])
def test_the_commands_have_help(command: str) -> None:
    result = _semrec(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--home" in result.stdout
