"""`GET /users/{id}/recommendations` re-ranking options: rules, objective, diversity, caps,
and the one-sentence explanation in English or Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .live import Shop

PATH = "/users/api-options-stranger/recommendations"
BRAND = "OptionsTestBrand"
#: Three items of one new brand, alike but for their price; nobody has touched them.
ITEMS = [
    {
        "item_id": f"opt-{size}",
        "title": f"Plain mug {size}",
        "category": "Kitchen > Mugs",
        "brand": BRAND,
        "price": price,
    }
    for size, price in (("cheap", 10.0), ("mid", 500.0), ("dear", 1000.0))
]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def mugs(shop: Shop) -> Iterator[list[str]]:
    """The three items above in the served catalog for this module, removed afterwards."""
    with shop.client("admin") as client:
        assert client.put("/items", json={"items": ITEMS}).json() == {"upserted": 3}
        yield [str(item["item_id"]) for item in ITEMS]
        for item in ITEMS:
            client.delete(f"/items/{item['item_id']}")


def _ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [rec["item_id"] for rec in answer.json()["items"]]


def _get(client: httpx.Client, path: str = PATH, **params: Any) -> httpx.Response:
    return client.get(path, params=params)


def _busy_user(shop: Shop) -> str:
    counts: dict[str, int] = {}
    for event in shop.data.events:
        counts[event["user_id"]] = counts.get(event["user_id"], 0) + 1
    return max(counts, key=lambda u: counts[u])


def test_a_filter_rule_keeps_only_that_brand(mugs: list[str], reader: httpx.Client) -> None:
    ids = _ids(_get(reader, k=10, rule=f"filter: brand == '{BRAND}'"))
    assert sorted(ids) == ["opt-cheap", "opt-dear", "opt-mid"]


def test_a_filter_rule_on_a_sample_brand(shop: Shop, reader: httpx.Client) -> None:
    brands = {i["item_id"]: i["brand"] for i in shop.data.items}
    ids = _ids(_get(reader, k=10, rule="filter: brand == 'Apple'"))
    # the sample shop has 7 Apple items (counted by hand from the generator's catalog)
    assert len(ids) == 7 and all(brands[i] == "Apple" for i in ids)


def test_two_rules_both_hold(mugs: list[str], reader: httpx.Client) -> None:
    rules = [f"filter: brand == '{BRAND}'", "filter: price < 600"]
    assert sorted(_ids(_get(reader, k=10, rule=rules))) == ["opt-cheap", "opt-mid"]


def test_a_pin_rule_puts_the_item_first_and_says_so(mugs: list[str], reader: httpx.Client) -> None:
    assert "opt-mid" not in _ids(_get(reader, k=5))
    answer = _get(reader, k=5, rule="pin: item_id == 'opt-mid'")
    ids = _ids(answer)
    assert ids[0] == "opt-mid" and len(ids) == 5
    first = answer.json()["items"][0]
    assert {"kind": "rule", "rule": 'pin: item_id == "opt-mid"'} in first["reasons"]
    assert "featured by the shop" in first["explanation"].lower()


def test_a_bad_rule_is_422_naming_the_rule(reader: httpx.Client) -> None:
    bad = "filter: brand equals 'X'"
    answer = _get(reader, rule=["filter: price < 50", bad])
    assert answer.status_code == 422
    body = answer.json()
    assert (body["error"], body["field"], body["value"]) == ("validation", "rules[1]", bad)
    assert "operator" in body["expected"] and "'equals'" in body["expected"]


def test_a_pin_with_an_amount_is_422(reader: httpx.Client) -> None:
    answer = _get(reader, rule="pin 1: item_id == 'opt-mid'")
    assert answer.status_code == 422
    body = answer.json()
    assert (body["field"], body["value"]) == ("rules[0]", "pin 1: item_id == 'opt-mid'")
    assert "no amount" in body["expected"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("diversity", "2", "less than or equal to 1"),
        ("diversity", "-0.5", "greater than or equal to 0"),
        ("category_cap", "0", "greater than or equal to 1"),
        ("objective", "profit", "'relevance', 'revenue' or 'margin'"),
        ("locale", "fr", "'en' or 'zh'"),
    ],
)
def test_an_option_out_of_range_is_422(
    reader: httpx.Client, name: str, value: str, expected: str
) -> None:
    answer = _get(reader, **{name: value})
    assert answer.status_code == 422
    body = answer.json()
    assert (body["field"], body["value"]) == (name, value)
    assert body["expected"].startswith(expected)


def test_revenue_ranks_the_dearer_of_two_boosted_mugs_first(
    mugs: list[str], reader: httpx.Client
) -> None:
    # The three mugs tie on relevance; the boosts lift cheap by 0.6 and dear by 0.4 of the
    # (tied, so 1.0) score range: relevance scaled over the three is cheap 1, dear 2/3, mid 0.
    # Revenue multiplies by 1 + price scaled over them (cheap 0, mid 0.49, dear 1):
    # cheap 1 * 1 = 1, dear 2/3 * 2 = 4/3, mid 0.
    rules = [
        f"filter: brand == '{BRAND}'",
        "boost 0.6: item_id == 'opt-cheap'",
        "boost 0.4: item_id == 'opt-dear'",
    ]
    assert _ids(_get(reader, k=3, rule=rules)) == ["opt-cheap", "opt-dear", "opt-mid"]
    relevance = _get(reader, k=3, rule=rules, objective="relevance")
    assert _ids(relevance) == ["opt-cheap", "opt-dear", "opt-mid"]
    revenue = _get(reader, k=3, rule=rules, objective="revenue")
    assert _ids(revenue) == ["opt-dear", "opt-cheap", "opt-mid"]
    scores = [rec["score"] for rec in revenue.json()["items"]]
    assert scores == pytest.approx([4 / 3, 1.0, 0.0], abs=1e-4)


def test_a_category_cap_of_one_gives_distinct_categories(shop: Shop, reader: httpx.Client) -> None:
    categories = {i["item_id"]: tuple(i["category"]) for i in shop.data.items}
    plain = _ids(_get(reader, k=10))
    capped = _ids(_get(reader, k=10, category_cap=1))
    assert len({categories[i] for i in plain}) < 10  # without the cap some category repeats
    assert len(capped) == 10 and len({categories[i] for i in capped}) == 10


def test_zero_diversity_keeps_the_order_and_full_diversity_changes_it(
    shop: Shop, reader: httpx.Client
) -> None:
    user = _busy_user(shop)
    path = f"/users/{user}/recommendations"
    plain = _ids(_get(reader, path, k=10))
    assert _ids(_get(reader, path, k=10, diversity=0)) == plain
    diverse = _ids(_get(reader, path, k=10, diversity=1))
    assert len(set(diverse)) == 10 and diverse != plain


def _without_titles(shop: Shop, text: str) -> str:
    for item in shop.data.items:
        text = text.replace(item["title"], "")
    return text


def test_every_item_has_an_english_explanation_by_default(shop: Shop, reader: httpx.Client) -> None:
    items = _get(reader, f"/users/{_busy_user(shop)}/recommendations", k=8).json()["items"]
    assert len(items) == 8
    for rec in items:
        own_words = _without_titles(shop, rec["explanation"])
        assert rec["explanation"].strip() and re.search(r"[A-Za-z]{3,}", own_words)
        assert not CJK.search(own_words), rec["explanation"]


def test_locale_zh_explains_in_chinese(shop: Shop, reader: httpx.Client) -> None:
    path = f"/users/{_busy_user(shop)}/recommendations"
    english = _get(reader, path, k=8).json()["items"]
    chinese = _get(reader, path, k=8, locale="zh").json()["items"]
    assert [r["item_id"] for r in chinese] == [r["item_id"] for r in english]
    for rec in chinese:
        assert CJK.search(_without_titles(shop, rec["explanation"])), rec["explanation"]


def test_openapi_documents_the_options_and_the_explanation(shop: Shop) -> None:
    spec = httpx.get(f"{shop.url}/openapi.json").json()
    params = spec["paths"]["/users/{user_id}/recommendations"]["get"]["parameters"]
    by_name = {p["name"]: p for p in params}
    assert {"rule", "diversity", "category_cap", "objective", "locale"} <= set(by_name)
    assert by_name["rule"]["schema"]["type"] == "array"
    assert "boost 0.3" in by_name["rule"]["description"]
    diversity = by_name["diversity"]["schema"]["anyOf"][0]
    assert (diversity["minimum"], diversity["maximum"]) == (0, 1)
    assert by_name["locale"]["schema"]["enum"] == ["en", "zh"]
    out = spec["components"]["schemas"]["RecommendationOut"]
    assert "explanation" in out["properties"] and "explanation" in out["required"]
