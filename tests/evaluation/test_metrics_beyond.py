"""Beyond-accuracy list metrics: coverage, intra-list diversity, novelty and popularity bias."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics.pairwise import cosine_distances

from semrec.data.errors import ValidationError
from semrec.evaluation.metrics import (
    average_recommendation_popularity,
    catalog_coverage,
    intra_list_diversity,
    novelty,
)


def test_catalog_coverage_counts_distinct_items_over_all_lists() -> None:
    assert catalog_coverage([[0, 1, 2], [2, 3], [3, 3]], n_items=8) == 4 / 8
    assert catalog_coverage(np.array([[0, 1], [1, 0]]), n_items=4) == 0.5
    assert catalog_coverage([[], []], n_items=4) == 0.0
    assert catalog_coverage([], n_items=4) == 0.0
    assert catalog_coverage([range(5)], n_items=5) == 1.0


@pytest.mark.parametrize("n_items", [0, -1, 2.0, True])
def test_catalog_coverage_rejects_bad_catalogue_size(n_items: object) -> None:
    with pytest.raises(ValidationError, match=r"^n_items:"):
        catalog_coverage([[0]], n_items=n_items)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [[[0, 4]], [[-1]]])
def test_catalog_coverage_rejects_ids_outside_the_catalogue(bad: list[list[int]]) -> None:
    with pytest.raises(ValidationError, match=r"^rec_lists:"):
        catalog_coverage(bad, n_items=4)


def test_ild_over_categories_by_hand() -> None:
    cats = [1, 1, 2, 3]
    # 6 pairs, only (0, 1) share a category
    assert intra_list_diversity([0, 1, 2, 3], item_categories=cats) == pytest.approx(5 / 6)
    assert intra_list_diversity([0, 1], item_categories=cats) == 0.0
    assert intra_list_diversity(np.array([2, 3]), item_categories=np.array(cats)) == 1.0


def test_ild_skips_unknown_categories_repeats_and_short_lists() -> None:
    cats = [1, -1, 2, -1]
    assert intra_list_diversity([0, 1, 2], item_categories=cats) == 1.0  # only pair (0, 2)
    assert intra_list_diversity([1, 3], item_categories=cats) == 0.0  # no known pair
    assert intra_list_diversity([0, 0, 2], item_categories=cats) == 1.0  # repeat dropped
    assert intra_list_diversity([2], item_categories=cats) == 0.0
    assert intra_list_diversity([], item_categories=cats) == 0.0


def test_ild_over_vectors_matches_sklearn_cosine_distance() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(30, 6))
    vectors[4] = 0.0  # a zero vector: similarity 0, distance 1, as in scikit-learn
    for _ in range(50):
        rec = rng.choice(30, size=int(rng.integers(2, 12)), replace=False)
        dist = cosine_distances(vectors[rec])
        expected = dist[np.triu_indices(rec.size, k=1)].mean()
        got = intra_list_diversity(rec, item_vectors=vectors)
        assert got == pytest.approx(expected, abs=1e-12)


def test_ild_over_vectors_by_hand() -> None:
    vectors = [[1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [-1.0, 0.0]]
    assert intra_list_diversity([0, 1], item_vectors=vectors) == pytest.approx(0.0)
    assert intra_list_diversity([0, 3], item_vectors=vectors) == pytest.approx(2.0)
    # pairs: (0,1) 0, (0,2) 1, (1,2) 1
    assert intra_list_diversity([0, 1, 2], item_vectors=vectors) == pytest.approx(2 / 3)


def test_ild_needs_exactly_one_kind_of_side_data() -> None:
    with pytest.raises(ValidationError, match=r"^item_vectors:"):
        intra_list_diversity([0, 1])
    with pytest.raises(ValidationError, match=r"^item_vectors:"):
        intra_list_diversity([0, 1], item_vectors=[[1.0], [2.0]], item_categories=[0, 1])
    with pytest.raises(ValidationError, match=r"^item_vectors:"):
        intra_list_diversity([0, 1], item_vectors=[1.0, 2.0])
    with pytest.raises(ValidationError, match=r"^rec_list:"):
        intra_list_diversity([0, 5], item_categories=[0, 1])


def test_novelty_by_hand() -> None:
    pop = [8, 4, 2, 1, 0]  # self-information with 8 users: 0, 1, 2, 3, 3 (0 counts as 1)
    assert novelty([[0, 1], [2, 3, 4]], pop, n_users=8) == pytest.approx((0.5 + 8 / 3) / 2)
    assert novelty([[3]], pop, n_users=8) == pytest.approx(3.0)
    assert novelty([[0, 0, 1]], pop, n_users=8) == pytest.approx(0.5)  # repeat dropped
    assert novelty([[], [1]], pop, n_users=8) == 1.0  # empty lists do not count
    assert novelty([[]], pop, n_users=8) == 0.0
    assert novelty([[2]], np.array(pop), n_users=np.int64(16)) == pytest.approx(math.log2(8))


@pytest.mark.parametrize(
    ("pop", "n_users", "field"),
    [
        ([9, 1], 8, "item_popularity"),
        ([-1, 1], 8, "item_popularity"),
        ([np.nan, 1], 8, "item_popularity"),
        ([[1, 1]], 8, "item_popularity"),
        ([1, 1], 0, "n_users"),
        ([1, 1], 2.5, "n_users"),
    ],
)
def test_novelty_rejects_bad_arguments(pop: object, n_users: object, field: str) -> None:
    with pytest.raises(ValidationError, match=rf"^{field}:"):
        novelty([[0]], pop, n_users)  # type: ignore[arg-type]


def test_arp_averages_per_list_then_over_lists() -> None:
    pop = [1, 1, 1, 1, 9]
    # per list: mean(1, 1, 1, 1) = 1 and 9 -> 5 (an item-weighted mean would give 13/5)
    assert average_recommendation_popularity([[0, 1, 2, 3], [4]], pop) == 5.0
    assert average_recommendation_popularity([[4, 4, 0]], pop) == 5.0  # repeat dropped
    assert average_recommendation_popularity([[], []], pop) == 0.0
    with pytest.raises(ValidationError, match=r"^rec_lists:"):
        average_recommendation_popularity([[5]], pop)


def test_more_popular_lists_have_higher_arp_and_lower_novelty() -> None:
    pop = np.array([50, 40, 30, 3, 2, 1])
    popular, niche = [[0, 1, 2]], [[3, 4, 5]]
    assert average_recommendation_popularity(popular, pop) > average_recommendation_popularity(
        niche, pop
    )
    assert novelty(popular, pop, 50) < novelty(niche, pop, 50)
