"""`POST /events`: batches, duplicates, invalid events, `skip_invalid`, the ingest counter."""

from __future__ import annotations

import httpx

from semrec.store import open_store

from .live import Shop, metric

T0 = 1_700_000_000


def _events(user: str, items: list[str], kind: str = "view") -> list[dict[str, object]]:
    return [
        {"user_id": user, "item_id": item, "type": kind, "timestamp": T0 + n}
        for n, item in enumerate(items)
    ]


def test_a_batch_is_stored_and_repeats_are_duplicates(shop: Shop, writer: httpx.Client) -> None:
    items = [i["item_id"] for i in shop.data.items[:3]]
    first = writer.post("/events", json={"events": _events("api-u1", items)})
    assert first.status_code == 200
    assert first.json() == {"accepted": 3, "duplicates": 0, "rejected": 0, "errors": []}
    again = writer.post("/events", json={"events": _events("api-u1", items[:2])})
    assert again.json() == {"accepted": 0, "duplicates": 2, "rejected": 0, "errors": []}


def test_one_bad_event_rejects_the_batch_naming_it(shop: Shop, writer: httpx.Client) -> None:
    batch = _events("api-u2", [shop.data.items[0]["item_id"]] * 2)
    batch[1]["type"] = "buy"
    answer = writer.post("/events", json={"events": batch})
    assert answer.status_code == 422
    body = answer.json()
    assert (body["error"], body["field"], body["value"]) == ("validation", "events[1].type", "buy")
    assert "purchase" in body["expected"]
    store = open_store(shop.home)
    try:
        assert len(store.user_events("api-u2")) == 0
    finally:
        store.close()


def test_skip_invalid_stores_the_valid_events(shop: Shop, writer: httpx.Client) -> None:
    batch = _events("api-u3", [i["item_id"] for i in shop.data.items[:2]])
    batch[1]["timestamp"] = "yesterday"
    answer = writer.post("/events", params={"skip_invalid": "true"}, json={"events": batch})
    body = answer.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 0, 1)
    assert "events[1].timestamp" in body["errors"][0]


def test_events_must_be_objects(writer: httpx.Client) -> None:
    answer = writer.post("/events", json={"events": [42]})
    assert answer.status_code == 422
    assert (answer.json()["field"], answer.json()["value"]) == ("events[0]", 42)


def test_an_unknown_body_field_is_refused(writer: httpx.Client) -> None:
    answer = writer.post("/events", json={"events": [], "evnts": []})
    assert answer.status_code == 422
    assert answer.json()["field"] == "evnts"


def test_the_ingest_counter_moves(shop: Shop, writer: httpx.Client) -> None:
    def counts() -> tuple[float, float]:
        text = httpx.get(f"{shop.url}/metrics").text
        return (
            metric(text, "semrec_events_ingested_total", outcome="accepted"),
            metric(text, "semrec_events_ingested_total", outcome="duplicate"),
        )

    before = counts()
    batch = _events("api-u4", [i["item_id"] for i in shop.data.items[:4]], "click")
    writer.post("/events", json={"events": batch})
    writer.post("/events", json={"events": batch[:1]})
    after = counts()
    assert (after[0] - before[0], after[1] - before[1]) == (4.0, 1.0)


def test_new_events_count_for_the_next_recommendations(shop: Shop, admin: httpx.Client) -> None:
    target = shop.data.items[7]["item_id"]
    admin.post("/events", json={"events": _events("api-u5", [target], "purchase")})
    body = admin.get("/users/api-u5/recommendations", params={"k": 5}).json()
    assert target not in [r["item_id"] for r in body["items"]]
    assert body["items"][0]["reasons"][0].get("fallback") != "no history"
