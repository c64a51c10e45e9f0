"""Background training, forgetting a user, stats, and the metrics that follow them."""

from __future__ import annotations

import time
from typing import Any

import httpx

from semrec.store import open_store

from .live import Shop, metric


def _wait_for_training(admin: httpx.Client) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status: dict[str, Any] = admin.get("/admin/train").json()
        if status["state"] != "running":
            return status
        time.sleep(0.05)
    raise AssertionError("training did not finish in 30 s")


def test_training_runs_in_the_background_and_is_served(shop: Shop, admin: httpx.Client) -> None:
    before = httpx.get(f"{shop.url}/health/ready").json()["model_version"]
    started = admin.post("/admin/train")
    assert started.status_code == 202
    assert started.headers["Location"] == "/admin/train"
    assert started.json()["state"] == "running"
    status = _wait_for_training(admin)
    assert status["state"] == "succeeded" and status["error"] is None
    assert status["report"]["version"] == before + 1
    assert status["finished_at"] >= status["started_at"]
    ready = httpx.get(f"{shop.url}/health/ready").json()
    assert ready == {"ready": True, "model_version": before + 1}
    recs = admin.get("/users/api-stranger/recommendations", params={"k": 1}).json()
    assert recs["model_version"] == before + 1
    text = httpx.get(f"{shop.url}/metrics").text
    assert metric(text, "semrec_model_version") == before + 1
    assert metric(text, "semrec_training_state", state="succeeded") == 1.0
    assert metric(text, "semrec_training_state", state="running") == 0.0


def test_a_request_during_a_run_queues_one_more(admin: httpx.Client) -> None:
    first = admin.post("/admin/train").json()
    second = admin.post("/admin/train").json()
    assert first["state"] == "running"
    assert second["state"] == "running"
    status = _wait_for_training(admin)
    assert status["state"] == "succeeded" and not status["queued"]
    assert status["runs"] - first["runs"] == (2 if second["queued"] else 1)


def test_forgetting_a_user_erases_their_events(shop: Shop, admin: httpx.Client) -> None:
    top = admin.get("/users/api-forget-me/recommendations", params={"k": 1}).json()
    popular = top["items"][0]["item_id"]
    event = {"user_id": "api-forget-me", "item_id": popular, "type": "purchase"}
    admin.post("/events", json={"events": [{**event, "timestamp": 1_700_000_000}]})
    seen = admin.get("/users/api-forget-me/recommendations", params={"k": 10}).json()
    assert popular not in [r["item_id"] for r in seen["items"]]

    answer = admin.delete("/users/api-forget-me")
    assert answer.json() == {"user_id": "api-forget-me", "deleted_events": 1}
    store = open_store(shop.home)
    try:
        assert len(store.user_events("api-forget-me")) == 0
        assert store.get_user("api-forget-me") is None
    finally:
        store.close()
    after = admin.get("/users/api-forget-me/recommendations", params={"k": 1}).json()
    assert after["items"][0]["item_id"] == popular
    assert any("fallback" in reason for reason in after["items"][0]["reasons"])


def test_stats_count_the_catalog(shop: Shop, reader: httpx.Client) -> None:
    stats = reader.get("/stats").json()
    assert stats["items"] >= len(shop.data.items)
    assert stats["users"] >= 120 and stats["events"] >= len(shop.data.events) - 1
    assert stats["serving"]["version"] >= 1


def test_latency_is_recorded_per_route_template(shop: Shop, reader: httpx.Client) -> None:
    def count(text: str) -> float:
        labels = {"route": "/items/{item_id}", "method": "GET", "status": "404"}
        return metric(text, "semrec_http_request_duration_seconds_count", **labels)

    before = count(httpx.get(f"{shop.url}/metrics").text)
    reader.get("/items/api-missing-1")
    reader.get("/items/api-missing-2")
    text = httpx.get(f"{shop.url}/metrics").text
    assert count(text) - before == 2.0
    assert metric(text, "semrec_http_requests_in_flight") == 1.0  # the scrape itself


def test_reads_are_answered_while_training_runs(shop: Shop, admin: httpx.Client) -> None:
    admin.post("/admin/train")
    answered_during_training = 0
    while admin.get("/admin/train").json()["state"] == "running":
        assert admin.get("/users/api-stranger/recommendations").status_code == 200
        answered_during_training += admin.get("/admin/train").json()["state"] == "running"
    assert answered_during_training >= 1
    assert _wait_for_training(admin)["state"] == "succeeded"
