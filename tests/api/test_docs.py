"""OpenAPI: `/docs` and `/openapi.json` are served and every route documents its answer."""

from __future__ import annotations

from collections import Counter

import httpx

from .live import Shop

ROUTES = {
    ("put", "/items"),
    ("get", "/items/{item_id}"),
    ("delete", "/items/{item_id}"),
    ("get", "/items/{item_id}/similar"),
    ("post", "/events"),
    ("get", "/users/{user_id}/recommendations"),
    ("delete", "/users/{user_id}"),
    ("post", "/search"),
    ("post", "/admin/train"),
    ("get", "/admin/train"),
    ("get", "/stats"),
    ("get", "/health/live"),
    ("get", "/health/ready"),
    ("get", "/metrics"),
}


def test_docs_page_is_served(shop: Shop) -> None:
    page = httpx.get(f"{shop.url}/docs")
    assert page.status_code == 200
    assert "swagger" in page.text.lower() and "/openapi.json" in page.text


def test_every_route_has_a_response_model(shop: Shop) -> None:
    spec = httpx.get(f"{shop.url}/openapi.json").json()
    routes = {(m, p) for p, methods in spec["paths"].items() for m in methods}
    assert routes == ROUTES
    for method, path in ROUTES - {("get", "/metrics")}:
        answers = spec["paths"][path][method]["responses"]
        ok = answers.get("200") or answers["202"]
        assert "$ref" in ok["content"]["application/json"]["schema"], (method, path)


def test_secured_routes_document_auth_errors_and_open_ones_do_not(shop: Shop) -> None:
    spec = httpx.get(f"{shop.url}/openapi.json").json()
    assert {"401", "403", "422", "429"} <= set(spec["paths"]["/stats"]["get"]["responses"])
    assert "401" not in spec["paths"]["/health/live"]["get"]["responses"]
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert {s.get("scheme") or s["name"] for s in schemes.values()} == {"bearer", "X-API-Key"}
    for method, path in ROUTES:
        security = spec["paths"][path][method].get("security")
        if path.startswith(("/health", "/metrics")):
            assert security is None, (method, path)
        else:  # either scheme will do
            assert sorted(security, key=str) == [{name: []} for name in sorted(schemes)]


def test_read_answers_validate_against_their_documented_models(shop: Shop) -> None:
    # These routes return pre-encoded JSON rather than their response model: what they send
    # must still be exactly what `/openapi.json` documents (strict models: no extra field).
    from pydantic import ConfigDict

    from semrec.api import schemas

    def strict(model: type) -> type:
        fields = {"model_config": ConfigDict(extra="forbid")}
        return type(f"Strict{model.__name__}", (model,), fields)

    headers = {"Authorization": f"Bearer {shop.keys['read']}"}
    user = shop.data.events[0]["user_id"]
    counts = Counter(e["item_id"] for e in shop.data.events if e["item_id"])
    item = counts.most_common(1)[0][0]
    answers = {
        schemas.RecommendationsOut: httpx.get(
            f"{shop.url}/users/{user}/recommendations", params={"k": 5}, headers=headers
        ),
        schemas.SimilarOut: httpx.get(f"{shop.url}/items/{item}/similar", headers=headers),
        schemas.SearchOut: httpx.post(
            f"{shop.url}/search", json={"query": "guitar", "k": 3}, headers=headers
        ),
    }
    for model, answer in answers.items():
        assert answer.status_code == 200, (model, answer.text)
        assert answer.headers["content-type"] == "application/json"
        body = answer.json()
        assert body["items"], model
        parsed = strict(model).model_validate(body)
        assert parsed.model_dump(mode="json") == body
        for entry in body["items"]:
            schemas.RecommendationOut.model_validate(entry)
            assert set(entry) == set(schemas.RecommendationOut.model_fields)
