"""Determinism, sizes and the documented formats of the generated sample shop."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from semrec.data.records import EVENT_TYPES, Event, Item
from semrec.sample import SampleData, generate

EVENTS_FROM = 1735689600  # 2025-01-01T00:00:00Z
EVENTS_TO = 1751327999  # 2025-06-30T23:59:59Z
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_same_seed_gives_identical_data() -> None:
    assert generate(seed=3, n_items=300, n_users=80) == generate(seed=3, n_items=300, n_users=80)


def test_different_seed_gives_different_data() -> None:
    a = generate(seed=3, n_items=300, n_users=80)
    b = generate(seed=4, n_items=300, n_users=80)
    assert a.items != b.items
    assert a.events != b.events


def test_tiny_shop_still_works() -> None:
    data = generate(seed=1, n_items=5, n_users=3)
    assert len(data.items) == 5
    assert len(data.tastes) == 3
    ids = {item["item_id"] for item in data.items}
    assert all(e["item_id"] in ids for e in data.events if e["type"] != "search")


def test_rejects_empty_shop() -> None:
    with pytest.raises(ValueError):
        generate(n_items=0)


def test_default_sizes(sample: SampleData) -> None:
    assert len(sample.items) == 2000
    assert len(sample.tastes) == 1000
    assert 40_000 <= len(sample.events) <= 80_000
    tops = Counter(item["category"][0] for item in sample.items)
    assert len(tops) >= 8
    subs_per_top = Counter(top for top, _ in {tuple(item["category"]) for item in sample.items})
    assert all(2 <= n <= 4 for n in subs_per_top.values())
    assert len({e["user_id"] for e in sample.events}) >= 950


def test_items_follow_documented_format(sample: SampleData) -> None:
    assert len({item["item_id"] for item in sample.items}) == len(sample.items)
    for item in sample.items:
        Item(**{**item, "category": tuple(item["category"]), "tags": tuple(item["tags"])})
        assert item["currency"] == "USD"
        assert item["price"] > 0 and round(item["price"], 2) == item["price"]
        assert len(item["category"]) == 2 and item["brand"] and item["tags"]
        assert 1.0 <= item["attributes"]["rating"] <= 5.0
        assert 1704067200 <= item["created_at"] < 1767225600  # during 2024-2025
    available = sum(item["available"] for item in sample.items) / len(sample.items)
    assert 0.9 <= available <= 0.99


def test_chinese_share_and_text(sample: SampleData) -> None:
    zh = [item for item in sample.items if item["attributes"]["lang"] == "zh"]
    assert 0.10 <= len(zh) / len(sample.items) <= 0.25
    for item in sample.items:
        is_zh = item["attributes"]["lang"] == "zh"
        assert bool(CJK.search(item["title"])) == is_zh
        assert bool(CJK.search(item["description"])) == is_zh
        assert all(not CJK.search(str(v)) for v in item["attributes"].values())


def test_english_descriptions_have_two_or_three_sentences(sample: SampleData) -> None:
    for item in sample.items:
        if item["attributes"]["lang"] == "en":
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", item["description"]) if s]
            assert 2 <= len(sentences) <= 3, item["description"]


def test_brands_span_categories(sample: SampleData) -> None:
    tops_by_brand: dict[str, set[str]] = {}
    for item in sample.items:
        tops_by_brand.setdefault(item["brand"], set()).add(item["category"][1])
    assert {"Apple", "Samsung", "Sony"} <= set(tops_by_brand)
    assert len(tops_by_brand["Apple"]) >= 3
    per_sub = Counter(tuple(item["category"]) for item in sample.items)
    brands_per_sub = Counter(
        tuple(c) for c in {(*item["category"], item["brand"]) for item in sample.items}
    )
    assert len(per_sub) >= 24 and len(brands_per_sub) >= 3 * len(per_sub)


def _check_event(event: dict[str, Any], items: dict[str, dict[str, Any]]) -> None:
    Event(**event)
    assert event["type"] in EVENT_TYPES
    assert isinstance(event["timestamp"], int)
    assert EVENTS_FROM <= event["timestamp"] <= EVENTS_TO
    assert event["session_id"].startswith(event["user_id"] + "-")
    kind, value = event["type"], event["value"]
    if kind == "search":
        assert event["item_id"] == "" and event["text"] and value is None
        return
    assert event["item_id"] in items
    if kind in ("rate", "review"):
        assert value in (1.0, 2.0, 3.0, 4.0, 5.0)
    elif kind == "purchase":
        assert value == items[event["item_id"]]["price"]
    else:
        assert value is None
    assert bool(event["text"]) == (kind == "review")


def test_events_are_valid(sample: SampleData, items_by_id: dict[str, dict[str, Any]]) -> None:
    assert len({e["event_id"] for e in sample.events}) == len(sample.events)
    for event in sample.events:
        _check_event(event, items_by_id)
    kinds = Counter(e["type"] for e in sample.events)
    assert set(kinds) == set(EVENT_TYPES)
    assert kinds["view"] > kinds["click"] > kinds["add_to_cart"] > kinds["purchase"]


def test_timestamps_increase_within_sessions(sample: SampleData) -> None:
    stamps = [e["timestamp"] for e in sample.events]
    assert stamps == sorted(stamps)
    last: dict[str, int] = {}
    for event in sample.events:
        previous = last.get(event["session_id"], -1)
        assert event["timestamp"] > previous
        last[event["session_id"]] = event["timestamp"]


def test_purchases_only_available_items(
    sample: SampleData, items_by_id: dict[str, dict[str, Any]]
) -> None:
    bought = [e["item_id"] for e in sample.events if e["type"] in ("purchase", "add_to_cart")]
    assert all(items_by_id[i]["available"] for i in bought)


def test_items_are_not_used_before_they_exist(
    sample: SampleData, items_by_id: dict[str, dict[str, Any]]
) -> None:
    for event in sample.events:
        if event["item_id"]:
            assert items_by_id[event["item_id"]]["created_at"] <= event["timestamp"]
