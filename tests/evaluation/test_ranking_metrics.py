"""Ranking metrics against values computed by hand, and their doctests."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import semrec.evaluation.metrics as metrics_module
import semrec.evaluation.splits as splits_module
from semrec.data.errors import ValidationError
from semrec.evaluation import hit_rate_at_k, ndcg_at_k, recall_at_k


def test_ndcg_perfect_ranking_is_one() -> None:
    assert ndcg_at_k([4, 7, 1, 9], {4, 7}, 4) == pytest.approx(1.0)


def test_ndcg_hand_computed() -> None:
    # hits at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(np.array([0, 5, 1, 6]), {5, 6}, 4) == pytest.approx(expected)


def test_ndcg_cuts_at_k_and_ideal_uses_min_of_k_and_relevant() -> None:
    assert ndcg_at_k([1, 2, 3], {3}, 2) == 0.0
    # three relevant items but k = 1: IDCG = 1
    assert ndcg_at_k([1], {1, 2, 3}, 1) == pytest.approx(1.0)


def test_repeated_recommendations_count_once() -> None:
    assert ndcg_at_k([1, 1], {1, 2}, 2) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert recall_at_k([1, 1, 1], {1, 2}, 3) == 0.5


def test_hit_rate_and_recall() -> None:
    assert hit_rate_at_k([1, 2, 3], {3}, 3) == 1.0
    assert hit_rate_at_k([1, 2, 3], {3}, 2) == 0.0
    assert recall_at_k([1, 2, 3, 4], {2, 4, 8, 9}, 4) == 0.5
    assert recall_at_k([], {1}, 3) == 0.0


def test_no_relevant_items_scores_zero() -> None:
    for metric in (ndcg_at_k, hit_rate_at_k, recall_at_k):
        assert metric([1, 2], set(), 2) == 0.0


@pytest.mark.parametrize("k", [0, -1, 1.5])
def test_bad_k_is_rejected(k: object) -> None:
    with pytest.raises(ValidationError, match=r"^k:"):
        ndcg_at_k([1], {1}, k)  # type: ignore[arg-type]


@pytest.mark.parametrize("module", [metrics_module, splits_module])
def test_doctests(module: object) -> None:
    failed, attempted = doctest.testmod(module)  # type: ignore[arg-type]
    assert attempted > 0 and failed == 0
