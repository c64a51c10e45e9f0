"""`/items`: batch upsert (all or nothing), read, delete, similar items."""

from __future__ import annotations

import httpx

from .live import Shop

GUITAR = {
    "item_id": "api-guitar",
    "title": "Parlour guitar",
    "category": "Music > Guitars",
    "brand": "Yamaha",
    "price": 249.5,
}


def test_upsert_then_read_an_item(writer: httpx.Client, reader: httpx.Client) -> None:
    answer = writer.put("/items", json={"items": [GUITAR]})
    assert answer.status_code == 200
    assert answer.json() == {"upserted": 1}
    item = reader.get("/items/api-guitar").json()
    assert item["title"] == "Parlour guitar"
    assert item["category"] == ["Music", "Guitars"]
    assert (item["brand"], item["price"], item["available"]) == ("Yamaha", 249.5, True)


def test_one_bad_item_rejects_the_whole_batch(writer: httpx.Client, reader: httpx.Client) -> None:
    good = {"item_id": "api-first-of-bad-batch", "title": "Fine"}
    bad = {"item_id": "api-bad", "price": "cheap"}
    answer = writer.put("/items", json={"items": [good, bad]})
    assert answer.status_code == 422
    body = answer.json()
    assert (body["field"], body["value"]) == ("items[1].price", "cheap")
    assert body["expected"] == "a finite number"
    assert "items[1].price" in body["message"]
    assert reader.get("/items/api-first-of-bad-batch").status_code == 404


def test_a_batch_that_is_not_a_list_names_the_field(writer: httpx.Client) -> None:
    answer = writer.put("/items", json={"items": "not a list"})
    assert answer.status_code == 422
    assert answer.json()["field"] == "items"
    assert answer.json()["value"] == "not a list"


def test_malformed_json_is_a_422_without_a_traceback(writer: httpx.Client) -> None:
    answer = writer.put(
        "/items", content=b'{"items": [', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "body"
    assert answer.json()["expected"].startswith("valid JSON")
    assert "Traceback" not in answer.text


def test_unknown_item_is_404(reader: httpx.Client) -> None:
    answer = reader.get("/items/no-such-item")
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "message": "item 'no-such-item' not found"}


def test_delete_removes_an_item_from_catalog_and_recommendations(
    shop: Shop, writer: httpx.Client, reader: httpx.Client
) -> None:
    popular = reader.get("/users/api-nobody/recommendations", params={"k": 1}).json()
    top = popular["items"][0]["item_id"]
    assert writer.delete(f"/items/{top}").json() == {"item_id": top, "deleted": 1}
    assert reader.get(f"/items/{top}").status_code == 404
    again = reader.get("/users/api-nobody/recommendations", params={"k": 20}).json()
    assert top not in [r["item_id"] for r in again["items"]]
    assert writer.delete(f"/items/{top}").status_code == 404
    restored = next(i for i in shop.data.items if i["item_id"] == top)
    assert writer.put("/items", json={"items": [restored]}).status_code == 200


def test_similar_items(shop: Shop, reader: httpx.Client) -> None:
    item_id = shop.data.items[5]["item_id"]
    answer = reader.get(f"/items/{item_id}/similar", params={"k": 5})
    assert answer.status_code == 200
    body = answer.json()
    ids = [r["item_id"] for r in body["items"]]
    assert body["item_id"] == item_id and len(ids) == 5 and item_id not in ids
    assert body["model_version"] >= 1
    assert all(r["reasons"][0]["kind"] == "model" for r in body["items"])


def test_similar_to_an_unknown_item_is_404(reader: httpx.Client) -> None:
    answer = reader.get("/items/no-such-item/similar")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


def test_similar_with_a_bad_k_is_422(shop: Shop, reader: httpx.Client) -> None:
    item_id = shop.data.items[5]["item_id"]
    body = reader.get(f"/items/{item_id}/similar", params={"k": 5000}).json()
    assert (body["field"], body["value"]) == ("k", "5000")
    assert body["expected"] == "less than or equal to 1000"
