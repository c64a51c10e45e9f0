"""OpenAPI: `/docs` and `/openapi.json` are served and every route documents its answer."""

from __future__ import annotations

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
