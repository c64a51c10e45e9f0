"""`GET /users/{id}/recommendations`: personal items, fallback, filters, refused parameters."""

from __future__ import annotations

from typing import Any

import httpx

from .live import Shop


def _seen(shop: Shop, user: str) -> set[str]:
    return {e["item_id"] for e in shop.data.events if e["user_id"] == user and e["item_id"]}


def _items(shop: Shop) -> dict[str, dict[str, Any]]:
    return {i["item_id"]: i for i in shop.data.items}


def _busy_user(shop: Shop) -> str:
    counts: dict[str, int] = {}
    for event in shop.data.events:
        counts[event["user_id"]] = counts.get(event["user_id"], 0) + 1
    return max(counts, key=lambda u: counts[u])


def test_a_known_user_gets_unseen_items_with_reasons(shop: Shop, reader: httpx.Client) -> None:
    user = _busy_user(shop)
    answer = reader.get(f"/users/{user}/recommendations", params={"k": 8})
    assert answer.status_code == 200
    body = answer.json()
    assert body["user_id"] == user and body["model_version"] >= 1
    ids = [r["item_id"] for r in body["items"]]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert not set(ids) & _seen(shop, user)
    first = body["items"][0]
    assert first["reasons"] and not any("fallback" in reason for reason in first["reasons"])
    scores = [r["score"] for r in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_include_seen_may_return_seen_items(shop: Shop, reader: httpx.Client) -> None:
    user = _busy_user(shop)
    params = {"k": 50, "exclude_seen": "false"}
    body = reader.get(f"/users/{user}/recommendations", params=params).json()
    assert {r["item_id"] for r in body["items"]} & _seen(shop, user)


def test_an_unknown_user_gets_popular_items_marked_fallback(reader: httpx.Client) -> None:
    body = reader.get("/users/api-stranger/recommendations", params={"k": 4}).json()
    assert len(body["items"]) == 4
    for rec in body["items"]:
        fallback = [reason for reason in rec["reasons"] if reason.get("fallback")]
        # without history only the popularity and trending sources have evidence
        assert fallback and fallback[0]["model"] in ("popularity", "trending")


def test_filters_hold(shop: Shop, reader: httpx.Client) -> None:
    catalog = _items(shop)
    category = shop.data.items[0]["category"][0]
    params: dict[str, Any] = {"k": 10, "category": category, "max_price": 500}
    body = reader.get("/users/api-stranger/recommendations", params=params).json()
    assert body["items"]
    for rec in body["items"]:
        item = catalog[rec["item_id"]]
        assert item["category"][0] == category and item["price"] <= 500


def test_brand_and_exclude_filters(shop: Shop, reader: httpx.Client) -> None:
    catalog = _items(shop)
    brand = shop.data.items[0]["brand"]
    plain = reader.get("/users/api-stranger/recommendations", params={"brand": brand}).json()
    assert plain["items"] and all(catalog[r["item_id"]]["brand"] == brand for r in plain["items"])
    first = plain["items"][0]["item_id"]
    params = {"brand": brand, "exclude": first}
    without = reader.get("/users/api-stranger/recommendations", params=params).json()
    assert first not in [r["item_id"] for r in without["items"]]


def test_a_bad_k_is_422_naming_k(reader: httpx.Client) -> None:
    for k, expected in (("0", "greater than or equal to 1"), ("ten", "a valid integer")):
        answer = reader.get("/users/u1/recommendations", params={"k": k})
        assert answer.status_code == 422
        body = answer.json()
        assert (body["field"], body["value"]) == ("k", k)
        assert body["expected"].startswith(expected)


def test_an_unknown_filter_is_422_naming_it(reader: httpx.Client) -> None:
    answer = reader.get("/users/u1/recommendations", params={"colour": "red"})
    assert answer.status_code == 422
    body = answer.json()
    assert (body["field"], body["value"]) == ("colour", "red")
    assert "no such field" in body["expected"]


def test_a_non_finite_price_is_422_and_still_json(reader: httpx.Client) -> None:
    answer = reader.get("/users/u1/recommendations", params={"min_price": "nan"})
    assert answer.status_code == 422
    assert answer.json()["field"] == "filters.min_price"
    assert answer.json()["value"] == "nan"
