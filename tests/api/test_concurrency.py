"""Many clients at once: the one lock keeps the (not thread-safe) recommender consistent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .live import Shop


def test_parallel_reads_and_writes_all_succeed(shop: Shop) -> None:
    items = [i["item_id"] for i in shop.data.items[:10]]

    def worker(n: int) -> list[int]:
        statuses = []
        with shop.client("admin") as client:
            for j in range(6):
                event = {"user_id": f"api-par-{n}", "item_id": items[j], "type": "click"}
                batch = {"events": [{**event, "timestamp": 1_700_000_000 + j}]}
                statuses.append(client.post("/events", json=batch).status_code)
                answer = client.get(f"/users/api-par-{n}/recommendations", params={"k": 5})
                statuses.append(answer.status_code)
                assert items[j] not in [r["item_id"] for r in answer.json()["items"]]
        return statuses

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(worker, range(8)))
    assert all(status == 200 for statuses in results for status in statuses)
    with shop.client("admin") as client:
        users = client.get("/stats").json()["users"]
    assert users >= 120 + 8
