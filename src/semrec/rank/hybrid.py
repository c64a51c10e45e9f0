"""Hybrid relevance of items to a query: semantic, lexical, attribute and personal evidence.

Pure functions over per-item arrays. Hard constraints are applied by the caller as the
`allow` mask before anything is ranked, so no weight here can let a forbidden item through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from semrec.rank.fusion import normalise

__all__ = ["SearchWeights", "category_prior", "hybrid_relevance", "order_by_key"]


@dataclass(frozen=True, slots=True)
class SearchWeights:
    """How much each kind of evidence counts (each source is min-max normalised first).

    Defaults chosen on validation queries of the sample catalog (`benchmarks/search_quality.py`
    with another seed than the reported set): lexical 0.5 beat 1.0 and attributes 0.6 beat 0.3;
    the category prior (`category_prior`, in [0, 1] like attributes) 1.0 beat 0 and 0.5, with
    1.5 and 2.0 within 0.003.
    `free_text_lexical` replaces `lexical` for queries in which nothing was understood
    (no constraint, category or attribute: review-like text); 1.0 beat 0.5, 0.75 and 1.5 on
    validation queries of the Amazon set, whose exact product words BM25 catches best.
    """

    semantic: float = 1.0
    lexical: float = 0.5
    attributes: float = 0.6
    personal: float = 0.15
    category: float = 1.0
    free_text_lexical: float = 1.0


def hybrid_relevance(
    semantic: npt.NDArray[np.float32] | None,
    lexical: npt.NDArray[np.float32] | None,
    attributes: npt.NDArray[np.float32] | None,
    personal: npt.NDArray[np.float32] | None,
    allow: npt.NDArray[np.bool_],
    weights: SearchWeights = SearchWeights(),
    *,
    category: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """Weighted sum of the normalised sources over allowed items; -inf for the rest.

    Absent sources (None) count for nothing. Attribute and `category` (prior) scores are
    already in [0, 1] and are used as they are, so an item matching every wanted attribute
    gains the full weight.

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
    for scores, weight in ((attributes, weights.attributes), (category, weights.category)):
        if scores is not None and weight:
            total += np.float32(weight) * scores.astype(np.float32)
    total[~allow] = -np.inf
    return total


def category_prior(
    focus: npt.NDArray[np.float32],
    category_ids: npt.NDArray[np.int64],
    allow: npt.NDArray[np.bool_],
    top: int = 20,
) -> npt.NDArray[np.float32]:
    """Per item, the share of the `top` allowed items closest to the query's focus in its category.

    A query whose category the lexicon does not know ("白色弹力带", white resistance bands)
    still says through the meaning of its head noun which shelf it is about. Soft evidence
    only; items without a category (id -1) get 0. With `top` 10 or 50 instead of 20 the
    validation queries of `benchmarks/search_quality.py` moved by less than 0.01 NDCG@10.

    >>> category_prior(np.array([0.9, 0.8, 0.1, 0.7], np.float32), np.array([0, 1, 1, -1]),
    ...                np.array([True, True, True, True]), top=2).tolist()
    [0.5, 0.5, 0.5, 0.0]
    """
    candidates = np.flatnonzero(allow & (category_ids >= 0))
    out = np.zeros(category_ids.shape[0], dtype=np.float32)
    if candidates.size == 0:
        return out
    nearest = candidates[np.argsort(-focus[candidates], kind="stable")[:top]]
    counts = np.bincount(category_ids[nearest], minlength=int(category_ids.max()) + 1)
    share = counts.astype(np.float32) / np.float32(nearest.size)
    known = category_ids >= 0
    out[known] = share[category_ids[known]]
    return out


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
