"""The catalog view's masks: candidates, request filters and item positions."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.data.records import Item
from semrec.service.catalog_view import CatalogView


def view() -> CatalogView:
    ids = ["b", "a", "c", "aa", "gone"]
    items = [
        Item(item_id=i, title=f"t{i}", brand="Acme" if i in ("a", "c") else "Other", price=n)
        for n, i in enumerate(ids[:4])
    ]
    has_meta = np.array([True, True, True, True, False])
    available = np.array([True, True, False, True, True])
    return CatalogView.build(ids, has_meta, available, items)


def test_allowed_without_filters_is_the_read_only_candidate_mask() -> None:
    v = view()
    first = v.allowed(None)
    assert first.tolist() == [True, True, False, True, False]
    with pytest.raises(ValueError, match="read-only"):
        first[0] = False
    assert v.allowed({}) is first  # shared: no copy per request
    fresh = v.candidates()
    fresh[:] = False
    assert v.allowed({}).tolist() == [True, True, False, True, False]
    filtered = v.allowed({"brand": "acme"})
    with pytest.raises(ValueError, match="read-only"):
        filtered[0] = True


def test_allowed_applies_every_filter_on_top_of_the_candidates() -> None:
    v = view()
    assert v.allowed({"brand": "acme"}).tolist() == [False, True, False, False, False]
    assert v.allowed({"max_price": 1, "exclude": ["b"]}).tolist() == [
        False, True, False, False, False,
    ]  # fmt: skip


def test_exclude_finds_ids_by_value_and_skips_unknown_ones() -> None:
    v = view()
    assert v.filter_mask({"exclude": ["aa", "nope", "b"]}).tolist() == [
        False, True, True, False, True,
    ]  # fmt: skip
    assert v.filter_mask({"exclude": "a"}).tolist() == [True, False, True, True, True]
    assert v.positions(["c", "b", "zzz"]).tolist() == [2, 0]
    assert v.positions([]).tolist() == []
