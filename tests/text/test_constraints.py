"""Hard constraints, soft scores, sort keys and reasons over item facts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from semrec.data.records import Item
from semrec.text.constraints import (
    ItemFacts,
    hard_mask,
    matched_constraints,
    soft_scores,
    sort_keys,
)
from semrec.text.intent import Intent

PHONES = ("Electronics", "Phones")
LAPTOPS = ("Electronics", "Laptops")

ITEMS: list[Item | None] = [
    Item("a", "A1", category=PHONES, brand="Apple", price=799.0,
         attributes={"colour": "black", "rating": 4.5}, created_at=100.0),
    Item("b", "S1", category=PHONES, brand="Samsung", price=450.0,
         attributes={"colour": "Red", "rating": 4.0}, created_at=300.0),
    Item("c", "X1", category=PHONES, brand="Xiaomi", price=None, attributes={"colour": "red"}),
    Item("d", "L1", category=LAPTOPS, brand="Lenovo", price=300.0, attributes={"colour": "red"}),
    None,
    Item("f", "P1", category=PHONES, brand="", price=200.0, attributes={}),
]  # fmt: skip


def _mask(**fields: Any) -> list[int]:
    facts = ItemFacts.from_items(ITEMS)
    return np.flatnonzero(hard_mask(Intent(query="q", **fields), facts)).tolist()


def test_facts_from_items() -> None:
    facts = ItemFacts.from_items(ITEMS)
    assert facts.brands.tolist() == ["apple", "samsung", "xiaomi", "lenovo", "", ""]
    assert facts.categories[4] == () and facts.categories[0] == PHONES
    assert np.isnan(facts.prices[2]) and facts.prices[1] == 450.0
    assert facts.ratings[0] == 4.5 and np.isnan(facts.ratings[2])
    assert np.isnan(facts.created_at[4]) and len(facts) == 6


def test_hand_cases() -> None:
    assert _mask() == [0, 1, 2, 3, 4, 5]
    assert _mask(categories=(PHONES,)) == [0, 1, 2, 5]
    assert _mask(categories=(("Electronics",),)) == [0, 1, 2, 3, 5]
    assert _mask(exclude_categories=(PHONES,)) == [3]
    assert _mask(brands=("APPLE", "Samsung")) == [0, 1]
    assert _mask(exclude_brands=("Apple",)) == [1, 2, 3]  # unknown brand fails
    assert _mask(price_max=500.0) == [1, 3, 5]  # unknown price fails
    assert _mask(price_min=300.0, price_max=500.0) == [1, 3]
    assert _mask(exclude_attributes={"colour": ("red",)}) == [0]  # case-insensitive; unknown fails
    assert _mask(categories=(PHONES,), exclude_brands=("Apple",), price_max=500.0) == [1]


def test_soft_scores_and_sort_keys() -> None:
    facts = ItemFacts.from_items(ITEMS)
    wanted = Intent(query="q", attributes={"colour": ("red",), "size": ("M",)})
    assert soft_scores(wanted, facts).tolist() == [0.0, 0.5, 0.5, 0.5, 0.0, 0.0]
    assert soft_scores(Intent(query="q"), facts).dtype == np.float32
    assert sort_keys(Intent(query="q"), facts) is None
    prices = sort_keys(Intent(query="q", sort="price_asc"), facts)
    assert prices is not None and prices[1] == 450.0 and np.isnan(prices[2])
    newest = sort_keys(Intent(query="q", sort="newest"), facts)
    assert newest is not None and newest[1] == 300.0
    rating = sort_keys(Intent(query="q", sort="rating"), facts)
    assert rating is not None and rating[0] == 4.5 and np.isnan(rating[3])


def test_matched_constraints_only_states_what_is_true() -> None:
    facts = ItemFacts.from_items(ITEMS)
    intent = Intent(
        query="q",
        categories=(PHONES,),
        exclude_brands=("Apple",),
        price_max=500.0,
        attributes={"colour": ("red",)},
    )
    assert matched_constraints(intent, facts, 1) == [
        {"kind": "constraint", "field": "category", "op": "in", "value": ["Electronics/Phones"]},
        {"kind": "constraint", "field": "brand", "op": "not in", "value": ["Apple"]},
        {"kind": "constraint", "field": "price", "op": "<=", "value": 500.0},
        {"kind": "aspect", "field": "colour", "value": "Red"},
    ]
    apple = matched_constraints(intent, facts, 0)
    assert [r["field"] for r in apple] == ["category"]
    assert matched_constraints(intent, facts, 4) == []


# ------------------------------------------------------------------ property test

BRANDS = ["Apple", "Samsung", "Sony", ""]
PATHS = [(), ("A",), ("A", "x"), ("A", "y"), ("B", "x")]
COLOURS = ["red", "black", None]

items_strategy = st.lists(
    st.one_of(
        st.none(),
        st.builds(
            lambda b, p, price, colour: Item(
                "i", brand=b, category=p, price=price,
                attributes={} if colour is None else {"colour": colour},
            ),
            st.sampled_from(BRANDS),
            st.sampled_from(PATHS),
            st.one_of(st.none(), st.floats(0, 1000, allow_nan=False)),
            st.sampled_from(COLOURS),
        ),
    ),
    max_size=30,
)  # fmt: skip
bound = st.one_of(st.none(), st.floats(0, 1000, allow_nan=False))
some_paths = st.lists(st.sampled_from(PATHS[1:]), max_size=2).map(tuple)
some_brands = st.lists(st.sampled_from(BRANDS[:3]), max_size=2).map(tuple)
intent_strategy = st.builds(
    lambda c, xc, b, xb, lo, hi, xa: Intent(
        query="q", categories=c, exclude_categories=xc, brands=b, exclude_brands=xb,
        price_min=lo, price_max=hi, exclude_attributes={"colour": xa} if xa else {},
    ),
    some_paths, some_paths, some_brands, some_brands, bound, bound,
    st.lists(st.sampled_from(["red", "black"]), max_size=2).map(tuple),
)  # fmt: skip


def _satisfies(item: Item | None, intent: Intent) -> bool:
    """Every hard constraint, spelled out the plain way; unknown values fail."""
    if item is None:
        item = Item("none")
    path, brand, price = item.category, item.brand.lower(), item.price
    colour = item.attributes.get("colour")
    checks = [
        not intent.categories or any(path[: len(c)] == c and path for c in intent.categories),
        not intent.exclude_categories
        or (bool(path) and not any(path[: len(c)] == c for c in intent.exclude_categories)),
        not intent.brands or brand in [b.lower() for b in intent.brands],
        not intent.exclude_brands
        or (brand != "" and brand not in [b.lower() for b in intent.exclude_brands]),
        intent.price_min is None or (price is not None and price >= intent.price_min),
        intent.price_max is None or (price is not None and price <= intent.price_max),
        not intent.exclude_attributes
        or (colour is not None and colour not in intent.exclude_attributes["colour"]),
    ]
    return all(checks)


@settings(max_examples=300, deadline=None)
@given(items_strategy, intent_strategy)
def test_hard_mask_never_lets_a_violation_through(items: list[Item | None], intent: Intent) -> None:
    facts = ItemFacts.from_items(items)
    mask = hard_mask(intent, facts)
    assert mask.shape == (len(items),) and mask.dtype == np.bool_
    expected = [_satisfies(item, intent) for item in items]
    assert mask.tolist() == expected
    for i in np.flatnonzero(mask):
        price = facts.prices[i]
        assert intent.price_max is None or (not math.isnan(price) and price <= intent.price_max)
