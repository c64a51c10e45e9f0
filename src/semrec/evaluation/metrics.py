"""Ranking metrics with binary relevance over one user's full ranked list.

Each function takes the recommended item ids, best first, and the set of relevant ids; the
first `k` recommendations count. A user with no relevant items scores 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError

__all__ = ["hit_rate_at_k", "ndcg_at_k", "recall_at_k"]

Ranked = Sequence[int] | NDArray[np.integer]


def _hits(recommended: Ranked, relevant: set[int], k: int) -> NDArray[np.bool_]:
    """Whether each of the first `k` recommendations is relevant (repeats count once)."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValidationError("k", k, "an integer >= 1")
    seen: set[int] = set()
    flags = []
    for item in (int(x) for x in list(recommended)[:k]):
        flags.append(item in relevant and item not in seen)
        seen.add(item)
    return np.asarray(flags, dtype=bool)


def ndcg_at_k(recommended: Ranked, relevant: set[int], k: int) -> float:
    """Normalised discounted cumulative gain: ``DCG@k / IDCG@k`` with gain 1 per hit.

    >>> ndcg_at_k([3, 1, 2], {1}, 3)  # one hit at rank 2: 1/log2(3)
    0.6309297535714575
    >>> round(ndcg_at_k([1, 9, 2], {1, 2}, 3), 4)  # (1 + 1/2) / (1 + 1/log2(3))
    0.9197
    >>> ndcg_at_k([5, 6], set(), 2)
    0.0
    """
    hits = _hits(recommended, relevant, k)
    if not relevant or not hits.any():
        return 0.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float(discounts[: hits.size][hits].sum())
    idcg = float(discounts[: min(len(relevant), k)].sum())
    return dcg / idcg


def hit_rate_at_k(recommended: Ranked, relevant: set[int], k: int) -> float:
    """1.0 if any of the first `k` recommendations is relevant, else 0.0.

    >>> hit_rate_at_k([4, 5, 6], {6}, 3), hit_rate_at_k([4, 5, 6], {6}, 2)
    (1.0, 0.0)
    """
    return float(_hits(recommended, relevant, k).any())


def recall_at_k(recommended: Ranked, relevant: set[int], k: int) -> float:
    """The fraction of the relevant items found among the first `k` recommendations.

    >>> recall_at_k([1, 2, 3], {1, 3, 7, 8}, 3)
    0.5
    """
    if not relevant:
        return 0.0
    return float(_hits(recommended, relevant, k).sum()) / len(relevant)
