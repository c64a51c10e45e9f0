"""`semrec serve --workers 2`: two real server processes on one home answer as one service.

Every request below goes over a new connection, so the kernel hands it to either worker: a
write answered by one must show in the reads answered by the other.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from semrec.sample import generate
from semrec.service import Recommender
from semrec.store.api_keys import ApiKeyStore

from .live import SETTINGS, metric

DATA = generate(seed=8, n_items=60, n_users=40)
READS = 24


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A trained home served by `semrec serve --workers 2`; yields (URL, admin key)."""
    home = tmp_path_factory.mktemp("workers") / "home"
    with Recommender.open(home, SETTINGS) as rec:
        rec.upsert_items(DATA.items)
        rec.ingest(DATA.events)
        rec.train()
    keys = ApiKeyStore.open(home)
    key = keys.create(["admin"], name="workers test")[0]
    keys.close()
    port = _free_port()
    command = [sys.executable, "-m", "semrec", "serve", "--home", str(home), "--port", str(port),
               "--workers", "2", "--rate", "0", "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _until_both_serve(url, proc)
        yield url, key
    finally:
        proc.terminate()
        proc.wait(30)


def _worker_pids(url: str) -> set[str]:
    """The workers that registered a model version in the shared metrics."""
    return set(re.findall(r'semrec_model_version\{pid="(\d+)"\}', httpx.get(f"{url}/metrics").text))


def _until_both_serve(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    ready = 0
    while ready < 20 or len(_worker_pids(url)) < 2:
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert time.monotonic() < deadline, "the two workers did not get ready in 120 s"
        try:
            ready = ready + 1 if httpx.get(f"{url}/health/ready").status_code == 200 else 0
        except httpx.TransportError:
            ready = 0
            time.sleep(0.2)


def _get(url: str, key: str, path: str) -> Any:
    answer = httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _items(url: str, key: str, user: str) -> list[str]:
    return [r["item_id"] for r in _get(url, key, f"/users/{user}/recommendations?k=10")["items"]]


def test_both_workers_answer_and_the_metrics_add_up(workers: tuple[str, str]) -> None:
    url, key = workers
    assert len(_worker_pids(url)) == 2

    def recommended() -> float:
        labels = {"route": "/users/{user_id}/recommendations", "method": "GET", "status": "200"}
        text = httpx.get(f"{url}/metrics").text
        return metric(text, "semrec_http_request_duration_seconds_count", **labels)

    before = recommended()
    for n in range(READS):
        _items(url, key, f"u{n:04d}")
    assert recommended() - before == READS  # counted by whichever worker answered


def test_an_event_taken_by_one_worker_shows_in_every_read(workers: tuple[str, str]) -> None:
    url, key = workers
    user = "u0003"
    top = _items(url, key, user)[0]
    event = {"user_id": user, "item_id": top, "type": "purchase", "timestamp": time.time()}
    answer = httpx.post(f"{url}/events", json={"events": [event]},
                        headers={"Authorization": f"Bearer {key}"})  # fmt: skip
    assert answer.status_code == 200 and answer.json()["accepted"] == 1
    for _ in range(READS):
        assert top not in _items(url, key, user)


def test_a_user_forgotten_through_one_worker_is_forgotten_by_all(
    workers: tuple[str, str],
) -> None:
    url, key = workers
    user = "u0005"
    assert not _has_fallback(_get(url, key, f"/users/{user}/recommendations"))
    for _ in range(READS):  # both workers now hold the user's history in memory
        _get(url, key, f"/users/{user}/recommendations")
    gone = httpx.delete(f"{url}/users/{user}", headers={"Authorization": f"Bearer {key}"})
    assert gone.status_code == 200, gone.text
    for _ in range(READS):
        assert _has_fallback(_get(url, key, f"/users/{user}/recommendations"))


def _has_fallback(answer: dict[str, Any]) -> bool:
    return all(
        any(reason.get("fallback") for reason in item["reasons"]) for item in answer["items"]
    )


def test_a_worker_that_cannot_start_stops_the_server_with_a_clear_error(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "semrec", "serve", "--home", str(tmp_path / "home"),
             "--port", str(port), "--workers", "2", "--no-auth"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        taken.close()
    assert done.returncode != 0
    assert "failed to start" in done.stderr and "Address already in use" in done.stderr
