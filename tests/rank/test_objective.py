"""Expected value = relevance x item value, on hand-checked numbers."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.data.records import Item
from semrec.rank import objective
from semrec.rank.objective import expected_value, objective_values
from semrec.rank.rules import ItemColumns

COLUMNS = ItemColumns.from_items(
    [
        Item("a", price=100.0, attributes={"margin": 0.5}),
        Item("b", price=20.0, attributes={"margin": "0.25"}),
        Item("c", attributes={"margin": True}),
        Item("d", price=60.0, attributes={"margin": "n/a"}),
    ]
)


def test_doctests() -> None:
    failed, attempted = doctest.testmod(objective)
    assert attempted >= 3 and failed == 0


def test_objective_values_per_name() -> None:
    assert objective_values("revenue", COLUMNS).tolist() == pytest.approx(
        [100.0, 20.0, np.nan, 60.0], nan_ok=True
    )
    assert objective_values("margin", COLUMNS).tolist() == pytest.approx(
        [0.5, 0.25, np.nan, np.nan], nan_ok=True
    )
    assert np.isnan(objective_values("relevance", COLUMNS)).all()
    with pytest.raises(ValidationError) as caught:
        objective_values("profit", COLUMNS, where="request.objective")
    assert caught.value.field == "request.objective"
    assert "'revenue'" in caught.value.expected


def test_revenue_lifts_the_expensive_item_over_a_slightly_more_relevant_cheap_one() -> None:
    relevance = np.array([0.8, 1.0, 0.6, 0.4])
    prices = objective_values("revenue", COLUMNS)
    # relevance scaled: 2/3, 1, 1/3, 0; prices scaled over 20..100: 1, 0, unknown, 0.5;
    # the unknown price counts as the median 0.5
    out = expected_value(relevance, prices, weight=1.0)
    assert out.tolist() == pytest.approx([4 / 3, 1.0, 0.5, 0.0])
    assert int(np.argmax(out)) == 0
    assert expected_value(relevance, prices, weight=0.0).tolist() == pytest.approx(
        [2 / 3, 1.0, 1 / 3, 0.0]
    )


def test_only_allowed_items_count_and_the_rest_are_minus_infinity() -> None:
    relevance = np.array([0.8, 1.0, 0.6, np.nan])
    allow = np.array([True, False, True, True])
    out = expected_value(relevance, objective_values("revenue", COLUMNS), 2.0, allow)
    # allowed and scored: a (rel 1; its price, the only known one, scales to 0) and c (rel 0)
    assert out.tolist() == pytest.approx([1.0, -np.inf, 0.0, -np.inf])


def test_relevance_objective_keeps_the_order() -> None:
    relevance = np.array([0.3, 0.9, 0.1, 0.5])
    out = expected_value(relevance, objective_values("relevance", COLUMNS), 3.0)
    assert np.argsort(-out).tolist() == [1, 3, 0, 2]


def test_bad_weights_and_shapes_are_named() -> None:
    with pytest.raises(ValidationError, match="weight"):
        expected_value(np.ones(4), np.ones(4), -0.5)
    with pytest.raises(ValidationError, match="value"):
        expected_value(np.ones(4), np.ones(3), 1.0)
