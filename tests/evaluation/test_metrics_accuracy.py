"""Accuracy metrics on small cases worked out by hand, and their edge-case conventions."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.evaluation.metrics import (
    average_precision_at_k,
    f1_at_k,
    hit_rate_at_k,
    metrics_at_k,
    mrr_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)

Metric = Callable[..., float]
BY_NAME: dict[str, Metric] = {
    "precision": precision_at_k,
    "recall": recall_at_k,
    "f1": f1_at_k,
    "hit_rate": hit_rate_at_k,
    "ndcg": ndcg_at_k,
    "mrr": mrr_at_k,
    "map": average_precision_at_k,
}
L3, L6 = math.log2(3), math.log2(6)


def check(recommended: object, relevant: set[int], k: int, expected: dict[str, float]) -> None:
    """Every metric function and metrics_at_k agree with the hand-computed values."""
    together = metrics_at_k(recommended, relevant, k)  # type: ignore[arg-type]
    assert set(together) == set(BY_NAME)
    for name, value in expected.items():
        assert together[name] == pytest.approx(value), name
        alone = BY_NAME[name](recommended, relevant, k)
        assert type(alone) is float and alone == pytest.approx(value), name


def test_two_hits_in_five() -> None:
    # hits at ranks 2 and 5, 3 relevant items
    check(
        [10, 20, 30, 40, 50],
        {20, 50, 60},
        5,
        {
            "precision": 2 / 5,
            "recall": 2 / 3,
            "f1": 2 * (2 / 5) * (2 / 3) / (2 / 5 + 2 / 3),
            "hit_rate": 1.0,
            "ndcg": (1 / L3 + 1 / L6) / (1 + 1 / L3 + 1 / 2),
            "mrr": 1 / 2,
            "map": (1 / 2 + 2 / 5) / 3,
        },
    )


def test_cut_at_k_drops_later_hits() -> None:
    check(
        np.array([10, 20, 30, 40, 50]),
        {20, 50, 60},
        3,
        {
            "precision": 1 / 3,
            "recall": 1 / 3,
            "f1": 1 / 3,
            "hit_rate": 1.0,
            "ndcg": (1 / L3) / (1 + 1 / L3 + 1 / 2),
            "mrr": 1 / 2,
            "map": (1 / 2) / 3,
        },
    )


def test_k_larger_than_the_list() -> None:
    # the list has 2 items but k = 5: missing slots are misses; precision still divides by 5
    check(
        [1, 2],
        {2},
        5,
        {
            "precision": 1 / 5,
            "recall": 1.0,
            "f1": 2 * 0.2 / 1.2,
            "hit_rate": 1.0,
            "ndcg": 1 / L3,
            "mrr": 1 / 2,
            "map": 1 / 2,
        },
    )


def test_map_and_ndcg_ideal_use_min_of_relevant_and_k() -> None:
    # 4 relevant, k = 2, both slots hit: a perfect list at k
    check([3, 4], {1, 2, 3, 4}, 2, {"ndcg": 1.0, "map": 1.0, "precision": 1.0, "recall": 0.5})


def test_duplicates_count_once_at_first_position_and_still_take_a_slot() -> None:
    # [1, 1, 2]: hits at ranks 1 and 3 (the repeat at rank 2 is a miss)
    check(
        [1, 1, 2],
        {1, 2},
        3,
        {
            "precision": 2 / 3,
            "recall": 1.0,
            "mrr": 1.0,
            "map": (1 / 1 + 2 / 3) / 2,
            "ndcg": (1 + 1 / 2) / (1 + 1 / L3),
        },
    )
    check([2, 1, 2, 2], {2}, 4, {"precision": 1 / 4, "recall": 1.0, "map": 1.0, "ndcg": 1.0})


def test_order_among_equally_relevant_items_does_not_matter() -> None:
    # binary relevance: swapping two hits (or two misses) changes nothing ...
    base = metrics_at_k([5, 9, 1, 7], {5, 9}, 4)
    assert metrics_at_k([9, 5, 1, 7], {5, 9}, 4) == base
    assert metrics_at_k([5, 9, 7, 1], {5, 9}, 4) == base
    # ... but moving a hit below a miss lowers the rank-aware metrics only
    worse = metrics_at_k([5, 1, 9, 7], {5, 9}, 4)
    for name in ("precision", "recall", "f1", "hit_rate", "mrr"):
        assert worse[name] == base[name]
    assert worse["ndcg"] < base["ndcg"] and worse["map"] < base["map"]


def test_no_hit_scores_zero() -> None:
    assert metrics_at_k([1, 2, 3], {7}, 3) == dict.fromkeys(BY_NAME, 0.0)


@pytest.mark.parametrize("recommended", [[1, 2], [], np.array([], dtype=np.int64)])
def test_empty_relevant_scores_zero(recommended: object) -> None:
    check(recommended, set(), 2, dict.fromkeys(BY_NAME, 0.0))


@pytest.mark.parametrize("recommended", [[], (), np.array([], dtype=np.int64)])
def test_empty_recommended_scores_zero(recommended: object) -> None:
    check(recommended, {1, 2}, 3, dict.fromkeys(BY_NAME, 0.0))


def test_numpy_inputs_and_numpy_k() -> None:
    rec = np.array([4, 2, 9], dtype=np.int32)
    assert metrics_at_k(rec, {2}, np.int64(2))["mrr"] == 0.5  # type: ignore[arg-type]
    assert type(precision_at_k(rec, frozenset({2}), np.int64(2))) is float  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(BY_NAME))
@pytest.mark.parametrize("k", [0, -3, 1.5, True, np.int64(0), "3"])
def test_bad_k_is_rejected_by_every_metric(name: str, k: object) -> None:
    for relevant in ({1}, set()):
        with pytest.raises(ValidationError, match=r"^k:") as info:
            BY_NAME[name]([1, 2], relevant, k)
        assert info.value.field == "k" and info.value.expected == "an integer >= 1"
    with pytest.raises(ValidationError, match=r"^k:"):
        metrics_at_k([1], {1}, k)  # type: ignore[arg-type]


def test_two_dimensional_array_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"^recommended:"):
        ndcg_at_k(np.array([[1, 2], [3, 4]]), {1}, 2)
