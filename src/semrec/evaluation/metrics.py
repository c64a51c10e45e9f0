"""Offline recommendation metrics as pure functions over full rankings (never sampled negatives).

Accuracy metrics score one user: `recommended` holds item ids, best first, `relevant` is the
set of that user's held-out items (binary relevance), and only the first `k` positions count.
Shared conventions:

* an empty `relevant` set scores 0.0 — callers should skip such users rather than average
  the zeros in (the runner does);
* an empty `recommended` list scores 0.0;
* a list shorter than `k` is not padded: missing positions are misses, and precision still
  divides by `k`;
* a repeated item counts once, at its first position; the repeat still takes a slot;
* `k < 1` (or a non-integer `k`) raises `ValidationError`.

Beyond-accuracy metrics (`catalog_coverage`, `intra_list_diversity`, `novelty`,
`average_recommendation_popularity`) look at the lists alone; they drop repeats within a list
and average per list, so every user weighs the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semrec.data.errors import ValidationError

__all__ = [
    "average_precision_at_k",
    "average_recommendation_popularity",
    "catalog_coverage",
    "f1_at_k",
    "hit_rate_at_k",
    "intra_list_diversity",
    "metrics_at_k",
    "mrr_at_k",
    "ndcg_at_k",
    "novelty",
    "precision_at_k",
    "recall_at_k",
]

#: One ranked list of item ids, best first.
Ranked = Sequence[int] | NDArray[np.integer]
#: Several ranked lists (one per user), e.g. a list of lists or a users x k array.
RankedLists = Iterable[Ranked] | NDArray[np.integer]


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValidationError("k", k, "an integer >= 1")
    return int(k)


def _hit_ranks(recommended: Ranked, relevant: AbstractSet[int], k: int) -> list[int]:
    """1-based ranks of the first occurrences of relevant items among the first `k` slots."""
    k = _check_k(k)
    if isinstance(recommended, np.ndarray):
        if recommended.ndim != 1:
            raise ValidationError("recommended", recommended.shape, "a 1-D list of item ids")
        head: list[int] = recommended[:k].tolist()
    else:
        head = [int(x) for x in recommended[:k]]
    seen: set[int] = set()
    ranks = []
    for rank, item in enumerate(head, start=1):
        if item in relevant and item not in seen:
            ranks.append(rank)
        seen.add(item)
    return ranks


@lru_cache(maxsize=1024)
def _ideal_dcg(n_hits: int) -> float:
    return sum(1.0 / math.log2(rank + 1) for rank in range(1, n_hits + 1))


def _from_ranks(ranks: list[int], n_relevant: int, k: int) -> dict[str, float]:
    """Every accuracy metric from the hit ranks; all zero when nothing is relevant or hit."""
    if n_relevant == 0 or not ranks:
        return dict.fromkeys(("precision", "recall", "f1", "hit_rate", "ndcg", "mrr", "map"), 0.0)
    n_hits = len(ranks)
    precision, recall = n_hits / k, n_hits / n_relevant
    n_ideal = min(n_relevant, k)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2.0 * precision * recall / (precision + recall),
        "hit_rate": 1.0,
        "ndcg": sum(1.0 / math.log2(r + 1) for r in ranks) / _ideal_dcg(n_ideal),
        "mrr": 1.0 / ranks[0],
        "map": sum(i / r for i, r in enumerate(ranks, start=1)) / n_ideal,
    }


def metrics_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> dict[str, float]:
    """All accuracy metrics at once, finding the hits a single time.

    Keys: ``precision, recall, f1, hit_rate, ndcg, mrr, map``; each equals the function of the
    same name (``map`` is `average_precision_at_k`).

    >>> m = metrics_at_k([7, 1, 8, 2], {1, 2, 3}, 4)
    >>> m["precision"], m["recall"], m["hit_rate"], m["mrr"]
    (0.5, 0.6666666666666666, 1.0, 0.5)
    >>> round(m["map"], 4), round(m["ndcg"], 4)  # MAP: (1/2 + 2/4) / 3
    (0.3333, 0.4982)
    """
    ranks = _hit_ranks(recommended, relevant, k)
    return _from_ranks(ranks, len(relevant), int(k))


def precision_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> float:
    """Hits among the first `k` recommendations divided by `k` (short lists are not excused).

    >>> precision_at_k([1, 2, 3, 4], {2, 4, 9}, 4), precision_at_k([1], {1}, 4)
    (0.5, 0.25)
    """
    ranks = _hit_ranks(recommended, relevant, k)
    return len(ranks) / int(k) if relevant else 0.0


def recall_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> float:
    """The fraction of the relevant items found among the first `k` recommendations.

    >>> recall_at_k([1, 2, 3], {1, 3, 7, 8}, 3)
    0.5
    """
    ranks = _hit_ranks(recommended, relevant, k)
    return len(ranks) / len(relevant) if relevant else 0.0


def f1_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> float:
    """Harmonic mean of `precision_at_k` and `recall_at_k` (0.0 when both are 0).

    >>> f1_at_k([1, 2, 3, 4], {2, 9}, 4)  # P = 1/4, R = 1/2
    0.3333333333333333
    """
    return metrics_at_k(recommended, relevant, k)["f1"]


def hit_rate_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> float:
    """1.0 if any of the first `k` recommendations is relevant, else 0.0.

    >>> hit_rate_at_k([4, 5, 6], {6}, 3), hit_rate_at_k([4, 5, 6], {6}, 2)
    (1.0, 0.0)
    """
    ranks = _hit_ranks(recommended, relevant, k)
    return 1.0 if relevant and ranks else 0.0


def ndcg_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> float:
    """Normalised discounted cumulative gain: ``DCG@k / IDCG@k`` with gain 1 per hit.

    DCG sums ``1 / log2(rank + 1)`` over hits; the ideal DCG places ``min(|relevant|, k)``
    hits at the top.

    >>> ndcg_at_k([3, 1, 2], {1}, 3)  # one hit at rank 2: 1/log2(3)
    0.6309297535714575
    >>> round(ndcg_at_k([1, 9, 2], {1, 2}, 3), 4)  # (1 + 1/2) / (1 + 1/log2(3))
    0.9197
    >>> ndcg_at_k([5, 6], set(), 2)
    0.0
    """
    return metrics_at_k(recommended, relevant, k)["ndcg"]


def mrr_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> float:
    """Reciprocal rank of the first relevant item within the first `k`, else 0.0.

    >>> mrr_at_k([5, 6, 7], {7, 6}, 3), mrr_at_k([5, 6, 7], {7}, 2)
    (0.5, 0.0)
    """
    ranks = _hit_ranks(recommended, relevant, k)
    return 1.0 / ranks[0] if relevant and ranks else 0.0


def average_precision_at_k(recommended: Ranked, relevant: AbstractSet[int], k: int) -> float:
    """AP@k, the per-user term of MAP@k: ``sum(precision@i at each hit i) / min(|relevant|, k)``.

    >>> average_precision_at_k([1, 0, 2], {1, 2}, 3)  # (1/1 + 2/3) / 2
    0.8333333333333333
    >>> average_precision_at_k([1, 0], {1, 2, 3}, 2)  # (1/1) / min(3, 2)
    0.5
    """
    return metrics_at_k(recommended, relevant, k)["map"]


def _id_lists(rec_lists: RankedLists, n_items: int, field: str) -> list[NDArray[np.int64]]:
    """Each list as int64 ids with repeats dropped (first kept), checked to lie in the catalogue."""
    out = []
    for rec in rec_lists:
        ids = np.asarray(rec, dtype=np.int64).ravel()
        _, first = np.unique(ids, return_index=True)
        ids = ids[np.sort(first)]
        if ids.size and (ids.min() < 0 or ids.max() >= n_items):
            raise ValidationError(field, ids.tolist(), f"item ids in [0, {n_items})")
        out.append(ids)
    return out


def _per_item(values: ArrayLike, field: str) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or not np.isfinite(arr).all() or (arr < 0).any():
        raise ValidationError(field, arr.shape, "a 1-D array of finite numbers >= 0 per item")
    return arr


def _mean_over_lists(rec_lists: RankedLists, item_values: NDArray[np.float64]) -> float:
    """Mean over non-empty lists of the mean per-item value in each list (0.0 if none)."""
    lists = _id_lists(rec_lists, item_values.size, "rec_lists")
    means = [float(item_values[ids].mean()) for ids in lists if ids.size]
    return float(np.mean(means)) if means else 0.0


def catalog_coverage(rec_lists: RankedLists, n_items: int) -> float:
    """Share of the catalogue's `n_items` items recommended to at least one user.

    >>> catalog_coverage([[0, 1], [1, 2], [2, 2]], n_items=10)
    0.3
    """
    if isinstance(n_items, bool) or not isinstance(n_items, int | np.integer) or n_items < 1:
        raise ValidationError("n_items", n_items, "an integer >= 1")
    lists = _id_lists(rec_lists, int(n_items), "rec_lists")
    seen = np.unique(np.concatenate(lists)) if lists else np.zeros(0, dtype=np.int64)
    return seen.size / int(n_items)


def intra_list_diversity(
    rec_list: Ranked,
    *,
    item_vectors: ArrayLike | None = None,
    item_categories: ArrayLike | None = None,
) -> float:
    """Mean pairwise dissimilarity of one list's distinct items (0.0 for fewer than 2).

    Give exactly one of `item_vectors` (items x dims; dissimilarity is cosine distance
    ``1 - cos``, a zero vector having similarity 0 with everything, as in scikit-learn) or
    `item_categories` (one int per item; dissimilarity is 1 for different categories, 0 for
    the same; a negative category means unknown and pairs involving it are left out).

    >>> intra_list_diversity([0, 1, 2], item_categories=[5, 5, 7])  # pairs: same, diff, diff
    0.6666666666666666
    >>> intra_list_diversity([0, 1], item_vectors=[[1.0, 0.0], [0.0, 2.0]])
    1.0
    """
    if (item_vectors is None) == (item_categories is None):
        raise ValidationError("item_vectors", None, "exactly one of item_vectors, item_categories")
    if item_vectors is not None:
        vectors = np.asarray(item_vectors, dtype=np.float64)
        if vectors.ndim != 2:
            raise ValidationError("item_vectors", vectors.shape, "a 2-D items x dims array")
        ids = _id_lists([rec_list], vectors.shape[0], "rec_list")[0]
        unit = vectors[ids]
        norms = np.linalg.norm(unit, axis=1, keepdims=True)
        unit = unit / np.where(norms > 0, norms, 1.0)
        dissimilar = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)
        known = np.ones(ids.size, dtype=bool)
    else:
        categories = np.asarray(item_categories, dtype=np.int64).ravel()
        ids = _id_lists([rec_list], categories.size, "rec_list")[0]
        cats = categories[ids]
        dissimilar = (cats[:, None] != cats[None, :]).astype(np.float64)
        known = cats >= 0
    upper = np.triu(np.outer(known, known), k=1)
    return float(dissimilar[upper].mean()) if upper.any() else 0.0


def novelty(rec_lists: RankedLists, item_popularity: ArrayLike, n_users: int) -> float:
    """Mean self-information ``-log2(popularity / n_users)`` of the recommended items.

    `item_popularity[i]` is the number of distinct (train) users who interacted with item
    ``i``, so at most `n_users`; a count of 0 is taken as 1. Averaged within each list, then
    over non-empty lists (RecTools' mean inverse user frequency); 0.0 for no items at all.

    >>> novelty([[0], [1]], item_popularity=[4, 1], n_users=4)  # (0 + 2) / 2
    1.0
    >>> novelty([[2]], item_popularity=[4, 1, 0], n_users=4)  # unseen item counts as 1
    2.0
    """
    if isinstance(n_users, bool) or not isinstance(n_users, int | np.integer) or n_users < 1:
        raise ValidationError("n_users", n_users, "an integer >= 1")
    pop = _per_item(item_popularity, "item_popularity")
    if pop.size and pop.max() > n_users:
        raise ValidationError("item_popularity", pop.max(), f"distinct-user counts <= {n_users}")
    information = -np.log2(np.maximum(pop, 1.0) / int(n_users))
    return _mean_over_lists(rec_lists, information)


def average_recommendation_popularity(rec_lists: RankedLists, item_popularity: ArrayLike) -> float:
    """ARP, a popularity-bias measure: mean popularity of each list's items, averaged over lists.

    Pass counts for interaction counts, or ``counts / n_users`` for the share of users; higher
    means the system leans towards popular items. 0.0 when no list has items.

    >>> average_recommendation_popularity([[0, 1], [2]], item_popularity=[10, 2, 3])  # (6 + 3)/2
    4.5
    """
    return _mean_over_lists(rec_lists, _per_item(item_popularity, "item_popularity"))
