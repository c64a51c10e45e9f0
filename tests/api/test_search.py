"""`POST /search` and the `query` parameter of recommendations."""

from __future__ import annotations

import httpx

from .live import Shop


def test_search_answers_items_within_filters(shop: Shop, reader: httpx.Client) -> None:
    item = shop.data.items[3]
    category = item["category"][0]
    body = {"query": item["title"], "k": 5, "filters": {"category": category}}
    answer = reader.post("/search", json=body)
    assert answer.status_code == 200
    found = answer.json()
    assert found["query"] == item["title"] and 1 <= len(found["items"]) <= 5
    assert item["item_id"] in [r["item_id"] for r in found["items"]]
    categories = {i["item_id"]: i["category"] for i in shop.data.items}
    assert all(categories[r["item_id"]][0] == category for r in found["items"])


def test_search_can_be_personalised(shop: Shop, reader: httpx.Client) -> None:
    user = shop.data.events[0]["user_id"]
    answer = reader.post("/search", json={"query": "gift", "k": 3, "user_id": user})
    assert answer.status_code == 200
    assert len(answer.json()["items"]) <= 3


def test_search_with_an_unknown_filter_is_422(reader: httpx.Client) -> None:
    answer = reader.post("/search", json={"query": "socks", "filters": {"colour": "red"}})
    assert answer.status_code == 422
    assert (answer.json()["field"], answer.json()["value"]) == ("filters.colour", "red")


def test_search_needs_a_query(reader: httpx.Client) -> None:
    answer = reader.post("/search", json={"query": "", "k": 3})
    assert answer.status_code == 422
    assert answer.json()["field"] == "query"


def test_recommendations_take_a_query(shop: Shop, reader: httpx.Client) -> None:
    item = shop.data.items[3]
    params = {"k": 5, "query": item["title"]}
    answer = reader.get("/users/api-stranger/recommendations", params=params)
    assert answer.status_code == 200
    ids = [r["item_id"] for r in answer.json()["items"]]
    assert 1 <= len(ids) <= 5 and item["item_id"] in ids
