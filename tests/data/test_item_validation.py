"""Validation rules for items and their documented dict form."""

from __future__ import annotations

from typing import Any

import pytest

from semrec.data import Item, Limits, ValidationError, validate_item

LIMITS = Limits()


def test_a_full_item_round_trips_through_its_dict() -> None:
    raw: dict[str, Any] = {
        "item_id": "sku-1",
        "title": "Pop filter",
        "description": "Double mesh",
        "category": "Music > Recording",
        "brand": " Neewer ",
        "price": "12.50",
        "currency": "usd",
        "attributes": {"colour": "black", "layers": 2, "foldable": True},
        "tags": "studio, vocals",
        "available": "false",
        "created_at": "2024-01-02T03:04:05Z",
    }
    item = validate_item(raw, LIMITS)
    assert item.category == ("Music", "Recording")
    assert (item.brand, item.price, item.currency) == ("Neewer", 12.5, "USD")
    assert item.tags == ("studio", "vocals")
    assert item.attributes == {"colour": "black", "layers": 2, "foldable": True}
    assert item.available is False
    assert validate_item(item.to_dict(), LIMITS) == item
    assert validate_item(item, LIMITS) == item


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"item_id": ""}, "item_id", "non-empty"),
        ({"price": -1}, "price", "0 or more"),
        ({"price": "cheap"}, "price", "finite number"),
        ({"price": float("inf")}, "price", "finite"),
        ({"attributes": ["red"]}, "attributes", "a mapping"),
        ({"attributes": {"weight": float("nan")}}, "attributes.weight", "finite"),
        ({"available": "maybe"}, "available", "true or false"),
        ({"category": 5}, "category", "a path"),
        ({"created_at": 12}, "created_at", "1995-01-01"),
        ({"title": "t" * 70000}, "title", "at most 65536 bytes"),
        ({"colour": "red"}, "colour", "one of"),
    ],
)
def test_bad_items_name_field_value_and_expectation(
    changes: dict[str, Any], field: str, expected: str
) -> None:
    with pytest.raises(ValidationError) as info:
        validate_item({"item_id": "x", **changes}, LIMITS)
    assert info.value.field == field
    assert expected in str(info.value)


def test_only_the_id_is_required() -> None:
    assert validate_item({"item_id": "x"}, LIMITS) == Item("x")
