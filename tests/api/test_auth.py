"""API keys: missing, wrong scope, revoked; both headers; open health, metrics and docs."""

from __future__ import annotations

import httpx
import pytest

from .live import Shop


def test_no_key_is_401_with_a_challenge(shop: Shop) -> None:
    with shop.client() as anonymous:
        answer = anonymous.get("/stats")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.json() == {"error": "unauthorized", "message": "an API key is required"}


@pytest.mark.parametrize("key", ["sr_000000000000_forged", "not-even-shaped-like-a-key"])
def test_unknown_keys_are_401(shop: Shop, key: str) -> None:
    answer = httpx.get(f"{shop.url}/stats", headers={"X-API-Key": key})
    assert answer.status_code == 401
    assert answer.json()["message"] == "unknown or revoked API key"


def test_a_revoked_key_is_401(shop: Shop) -> None:
    with shop.client("revoked") as client:
        assert client.get("/stats").status_code == 401


def test_a_key_without_the_scope_is_403(shop: Shop) -> None:
    with shop.client("read") as client:
        answer = client.put("/items", json={"items": []})
        assert answer.status_code == 403
        assert answer.json()["error"] == "forbidden"
        assert client.delete("/users/u0001").status_code == 403
        assert client.post("/admin/train").status_code == 403
    with shop.client("ingest") as client:
        assert client.get("/stats").status_code == 403
        assert client.get("/admin/train").status_code == 403


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_both_headers_carry_a_key(shop: Shop, header: str) -> None:
    with shop.client("read", header=header) as client:
        assert client.get("/stats").status_code == 200


def test_admin_may_do_everything(shop: Shop, admin: httpx.Client) -> None:
    assert admin.get("/stats").status_code == 200
    assert admin.get(f"/items/{shop.data.items[0]['item_id']}").status_code == 200
    assert admin.put("/items", json={"items": []}).json() == {"upserted": 0}
    assert admin.get("/admin/train").status_code == 200


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics", "/docs"])
def test_health_metrics_and_docs_need_no_key(shop: Shop, path: str) -> None:
    assert httpx.get(f"{shop.url}{path}").status_code == 200


def test_unknown_routes_answer_json_404(shop: Shop) -> None:
    answer = httpx.get(f"{shop.url}/nowhere")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Authorization": "bearer {key}"}, 200),  # the scheme is case-insensitive
        ({"Authorization": "Basic {key}", "X-API-Key": "{key}"}, 200),  # another scheme: header
        ({"Authorization": "Basic {key}"}, 401),
        ({"Authorization": "Bearer", "X-API-Key": "{key}"}, 200),  # no credentials: header
        ({"Authorization": "Bearer {key}", "X-API-Key": "sr_nope_nope"}, 200),  # bearer first
        ({"Authorization": "Bearer sr_nope_nope", "X-API-Key": "{key}"}, 401),
    ],
)
def test_which_header_counts(shop: Shop, headers: dict[str, str], status: int) -> None:
    sent = {name: value.format(key=shop.keys["read"]) for name, value in headers.items()}
    assert httpx.get(f"{shop.url}/stats", headers=sent).status_code == status


def test_the_key_is_checked_before_the_request_is_read(shop: Shop) -> None:
    for answer in (
        httpx.get(f"{shop.url}/users/u0001/recommendations", params={"k": "many", "bogus": 1}),
        httpx.post(f"{shop.url}/events", content=b"not json"),
        httpx.get(f"{shop.url}/items/x/similar", params={"k": -1}),
    ):
        assert answer.status_code == 401, answer.text
