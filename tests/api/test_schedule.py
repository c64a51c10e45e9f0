"""Scheduled training in a real server: after N new events and on a timer, with no failed read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from semrec.api import create_app
from semrec.sample import SampleData, generate
from semrec.service import Recommender
from semrec.store.home_lock import SCHEDULE_LOCK, HomeLock

from .live import metric, running

DATA: SampleData = generate(seed=21, n_items=80, n_users=60)


@contextmanager
def serving(home: Path, serve: dict[str, Any]) -> Iterator[str]:
    """A trained home (v1) served without keys, with these `serve` settings."""
    settings = {"text": {"encoder": "hashing"}, "serve": {"check_interval_s": 0.1, **serve}}
    with Recommender.open(home, settings) as rec:
        rec.upsert_items(DATA.items)
        rec.ingest(DATA.events)
        rec.train()
        with running(create_app(rec, keys=None, rate=None)) as url:
            yield url


@contextmanager
def reading(url: str) -> Iterator[list[tuple[int, int | None]]]:
    """Recommendations and similar items asked for in a loop on another thread.

    Yields the (status, model version) of every answer so far.
    """
    answers: list[tuple[int, int | None]] = []
    stop = threading.Event()
    item = DATA.items[0]["item_id"]

    def loop() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                for path in ("/users/u0003/recommendations", f"/items/{item}/similar"):
                    answer = client.get(path)
                    answers.append((answer.status_code, answer.json().get("model_version")))

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield answers
    finally:
        stop.set()
        thread.join(30)


def _until_answered_by(answers: list[tuple[int, int | None]], version: int) -> None:
    deadline = time.monotonic() + 10
    while not any(v == version for _, v in answers):
        assert time.monotonic() < deadline, f"no read was answered by v{version}"
        time.sleep(0.01)


def _events(user: str, count: int) -> dict[str, Any]:
    items = [i["item_id"] for i in DATA.items]
    return {
        "events": [
            {"user_id": user, "item_id": items[n], "type": "click", "timestamp": 1_700_000_000 + n}
            for n in range(count)
        ]
    }


def _wait_for_version(client: httpx.Client, version: int) -> None:
    deadline = time.monotonic() + 30
    while client.get("/health/ready").json()["model_version"] != version:
        assert time.monotonic() < deadline, f"v{version} was not served within 30 s"
        time.sleep(0.05)


def test_enough_new_events_train_and_swap_in_a_new_version(tmp_path: Path) -> None:
    with serving(tmp_path / "home", {"train_every_events": 20}) as url, reading(url) as answers:
        client = httpx.Client(base_url=url, timeout=30)
        assert client.post("/events", json=_events("sched-a", 19)).json()["accepted"] == 19
        again = client.post("/events", json=_events("sched-a", 19)).json()
        assert again["duplicates"] == 19  # repeated events are not new events
        status = client.get("/admin/train").json()
        assert status["runs"] == 0 and status["model_version"] == 1
        assert status["schedule"] == {
            "train_interval_s": None,
            "train_every_events": 20,
            "pending_events": 19,
        }
        assert metric(client.get("/metrics").text, "semrec_training_pending_events") == 19
        client.post("/events", json=_events("sched-b", 1))
        _wait_for_version(client, 2)
        status = client.get("/admin/train").json()
        assert status["schedule"]["pending_events"] == 0
        assert status["report"]["n_events"] == len(DATA.events) + 20
        _until_answered_by(answers, 2)
        client.close()
    assert {status for status, _ in answers} == {200}
    assert {version for _, version in answers} == {1, 2}  # reads went on across the swap


def test_timed_training_runs_again_and_again(tmp_path: Path) -> None:
    timed = {"train_interval_s": 0.3}
    with (
        serving(tmp_path / "home", timed) as url,
        reading(url) as answers,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        _wait_for_version(client, 3)
        assert client.get("/admin/train").json()["runs"] >= 2
        _until_answered_by(answers, 3)
    assert {status for status, _ in answers} == {200}
    assert {1, 3} <= {version for _, version in answers}


def test_no_schedule_means_no_training(tmp_path: Path) -> None:
    with serving(tmp_path / "home", {}) as url, httpx.Client(base_url=url) as client:
        client.post("/events", json=_events("sched-c", 30))
        time.sleep(0.5)  # five checks of the schedule
        status = client.get("/admin/train").json()
        assert (status["runs"], status["model_version"], status["state"]) == (0, 1, "idle")


def test_events_written_by_another_process_count_towards_training(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with serving(home, {"train_every_events": 20}) as url:
        with Recommender.open(home, {"text": {"encoder": "hashing"}}) as other:
            other.ingest(_events("elsewhere", 20)["events"])  # e.g. `semrec import events`
        with httpx.Client(base_url=url, timeout=30) as client:
            _wait_for_version(client, 2)
            assert client.get("/admin/train").json()["report"]["n_events"] == len(DATA.events) + 20


def test_one_process_per_home_runs_the_schedule(tmp_path: Path) -> None:
    first, second = HomeLock(tmp_path / SCHEDULE_LOCK), HomeLock(tmp_path / SCHEDULE_LOCK)
    assert first.acquire(wait=False) and not second.acquire(wait=False)
    first.release()  # (or its process died): the next look takes over
    assert second.acquire(wait=False) and second.held and not first.held
    second.release()
