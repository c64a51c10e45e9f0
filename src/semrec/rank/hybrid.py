"""Hybrid relevance of items to a query: semantic, lexical, attribute and personal evidence.

Pure functions over per-item arrays. Hard constraints are applied by the caller as the
`allow` mask before anything is ranked, so no weight here can let a forbidden item through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from semrec.rank.fusion import normalise

__all__ = ["SearchWeights", "hybrid_relevance", "order_by_key"]


@dataclass(frozen=True, slots=True)
class SearchWeights:
    """How much each kind of evidence counts (each source is min-max normalised first).

    Defaults chosen on validation queries of the sample catalog (`benchmarks/search_quality.py`
    with another seed than the reported set): lexical 0.5 beat 1.0 and attributes 0.6 beat 0.3.
    """

    semantic: float = 1.0
    lexical: float = 0.5
    attributes: float = 0.6
    personal: float = 0.15


def hybrid_relevance(
    semantic: npt.NDArray[np.float32] | None,
    lexical: npt.NDArray[np.float32] | None,
    attributes: npt.NDArray[np.float32] | None,
    personal: npt.NDArray[np.float32] | None,
    allow: npt.NDArray[np.bool_],
    weights: SearchWeights = SearchWeights(),
) -> npt.NDArray[np.float32]:
    """Weighted sum of the normalised sources over allowed items; -inf for the rest.

    Absent sources (None) count for nothing. Attribute scores are already in [0, 1] and are
    used as they are, so an item matching every wanted attribute gains the full weight.

    >>> allow = np.array([True, True, False])
    >>> r = hybrid_relevance(np.array([0.2, 0.6, 0.9], np.float32), None, None, None, allow)
    >>> r.tolist()
    [0.0, 1.0, -inf]
    """
    total = np.zeros(allow.shape[0], dtype=np.float32)
    for values, weight in (
        (semantic, weights.semantic),
        (lexical, weights.lexical),
        (personal, weights.personal),
    ):
        if values is not None and weight:
            total += np.float32(weight) * normalise(values, allow)
    if attributes is not None and weights.attributes:
        total += np.float32(weights.attributes) * attributes.astype(np.float32)
    total[~allow] = -np.inf
    return total


def order_by_key(
    relevance: npt.NDArray[np.float32],
    key: npt.NDArray[np.float64],
    k: int,
    *,
    pool: int = 50,
    descending: bool = False,
) -> npt.NDArray[np.int64]:
    """The `pool` most relevant items re-ordered by `key` (NaN last), first `k` of them.

    For "cheapest ..." or "newest ...": relevance chooses what qualifies, the key orders it.

    >>> order_by_key(np.array([0.9, 0.8, 0.1], np.float32), np.array([30.0, 10.0, 1.0]), 2,
    ...              pool=2).tolist()
    [1, 0]
    """
    finite = np.flatnonzero(np.isfinite(relevance))
    if finite.size == 0:
        return np.zeros(0, dtype=np.int64)
    size = min(max(pool, k), finite.size)
    best = finite[np.argsort(-relevance[finite], kind="stable")[:size]]
    values = key[best]
    sort_key = np.where(np.isnan(values), np.inf, -values if descending else values)
    return best[np.argsort(sort_key, kind="stable")][:k].astype(np.int64)
