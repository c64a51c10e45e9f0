"""Rate limit (429 + Retry-After), body size (413), open mode, readiness, and crashes (500)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from semrec.api import create_app
from semrec.data.errors import SettingsError
from semrec.service import Recommender
from semrec.store.api_keys import ApiKeyStore

from .live import MAX_BODY, SETTINGS, Shop, running


@pytest.fixture
def bare() -> Iterator[Recommender]:
    """An untrained, home-less recommender."""
    with Recommender.open(None, SETTINGS) as rec:
        yield rec


def test_an_empty_bucket_answers_429_with_retry_after(bare: Recommender) -> None:
    keys = ApiKeyStore.open(None)
    key, _ = keys.create(["read"])
    other, _ = keys.create(["read"])
    with running(create_app(bare, keys=keys, rate=0.1, burst=2)) as url:
        answers = [httpx.get(f"{url}/stats", headers={"X-API-Key": key}) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        retry = answers[2].headers["Retry-After"]
        assert 1 <= int(retry) <= 10  # one token per 10 s; ~10 s to wait for the next
        assert answers[2].json() == {
            "error": "rate_limited",
            "message": f"rate limit reached: retry in {retry}s",
        }
        assert httpx.get(f"{url}/stats", headers={"X-API-Key": other}).status_code == 200
        assert httpx.get(f"{url}/health/live").status_code == 200


def test_a_declared_length_over_the_limit_is_413(writer: httpx.Client) -> None:
    body = b'{"events": []}' + b" " * MAX_BODY
    answer = writer.post("/events", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"


def test_a_streamed_body_over_the_limit_is_413(writer: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"events": ['
        for _ in range(MAX_BODY // 1000 + 2):
            yield b'{"user_id": "x"},' + b" " * 983

    answer = writer.post("/events", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413
    assert answer.json()["message"] == f"request body larger than {MAX_BODY} bytes"


def test_a_body_under_the_limit_passes(shop: Shop, writer: httpx.Client) -> None:
    event = {"user_id": "api-big", "item_id": shop.data.items[0]["item_id"], "type": "view"}
    events = [{**event, "timestamp": 1_700_000_000 + n} for n in range(1500)]
    answer = writer.post("/events", json={"events": events})
    assert answer.status_code == 200
    assert answer.json()["accepted"] == 1500


def test_without_auth_everything_is_open(bare: Recommender) -> None:
    with running(create_app(bare, keys=None)) as url:
        assert httpx.get(f"{url}/stats").status_code == 200
        assert httpx.put(f"{url}/items", json={"items": [{"item_id": "a"}]}).status_code == 200
        assert httpx.get(f"{url}/items/a").json()["item_id"] == "a"


def test_an_untrained_service_is_live_but_not_ready(bare: Recommender) -> None:
    with running(create_app(bare, keys=None)) as url:
        assert httpx.get(f"{url}/health/live").json() == {"status": "ok"}
        ready = httpx.get(f"{url}/health/ready")
        assert ready.status_code == 503
        assert ready.json() == {"ready": False, "model_version": None}
        answer = httpx.get(f"{url}/users/u1/recommendations")
        assert answer.status_code == 503
        assert "call train() first" in answer.json()["message"]


def test_a_crash_is_a_generic_500(bare: Recommender) -> None:
    with running(create_app(bare, keys=None)) as url:
        bare.store.close()
        answer = httpx.get(f"{url}/stats")
        assert answer.status_code == 500
        assert answer.json() == {
            "error": "internal",
            "message": "internal server error (logged on the server)",
        }
        assert httpx.get(f"{url}/health/live").status_code == 200


def test_a_key_store_without_keys_refuses_to_serve(bare: Recommender) -> None:
    keys = ApiKeyStore.open(None)
    with pytest.raises(SettingsError, match="--no-auth"):
        create_app(bare, keys=keys)
    _, record = keys.create(["read"])
    keys.revoke(record.key_id)
    with pytest.raises(SettingsError):
        create_app(bare, keys=keys)
