"""One request's ranking: sources -> fusion -> re-ranking, over the catalog or a candidate pool.

`Recommender.recommend` gathers what the request knows into a `RankRequest`; `rank_request`
takes the candidate path (`service/candidates.py`) from `serve.candidates_above` items and the
full path below, and returns the final items with each source's part of their scores.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from semrec.rank.rules import ItemColumns
from semrec.rank.tuning import FusionChoice
from semrec.realtime import LiveState
from semrec.service.candidates import candidate_pool, pool_fits, rerank_pool
from semrec.service.ranker_fusion import fused_scores
from semrec.service.reading import cf_scores, request_sources
from semrec.service.reranking import Reranked, RerankOptions, needs_item_fields, rerank
from semrec.service.searching import QueryScores, query_relevance
from semrec.service.serving import ServingModels

__all__ = ["RankRequest", "Ranking", "rank_request"]

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class RankRequest:
    """Everything one recommendation request ranks with (indexes are catalog positions)."""

    models: ServingModels
    live: LiveState
    user_idx: int
    history: sp.csr_matrix
    n_distinct: int
    allow: npt.NDArray[np.bool_]  # may be shared and read-only: never written
    seen: npt.NDArray[np.int64]  # excluded on top of `allow` (the items the user has seen)
    semantic: FloatArray | None
    searched: QueryScores | None
    neighbours: Callable[[], sp.csr_matrix] | None
    fusion: FusionChoice
    options: RerankOptions
    k: int
    vectors: FloatArray | None
    fields: Callable[[], tuple[ItemColumns, list[str]]]
    enabled: Collection[str]


@dataclass(frozen=True)
class Ranking:
    """The final items, each source's weighted part of the scores, and the pool they cover
    (None: `parts` cover the whole catalog)."""

    final: Reranked
    parts: dict[str, FloatArray]
    pool: npt.NDArray[np.int64] | None


def rank_request(req: RankRequest, candidates_above: int, depth: int) -> Ranking:
    """The request ranked on a candidate pool from `candidates_above` items, else on all."""
    n = req.allow.shape[0]
    if pool_fits(n, candidates_above, req.options):
        dense = {"semantic": req.semantic, "query": None}
        if req.searched is not None:
            dense["query"] = query_relevance(req.searched)
        pool = candidate_pool(
            req.models, req.live, req.user_idx, req.history, n, depth, dense, req.neighbours,
            req.enabled,
        )  # fmt: skip
        allow = req.allow[pool.items]
        allow[_positions(pool.items, req.seen)] = False
        fused = fused_scores(pool.sources, allow, req.fusion, req.n_distinct, pool.popularity)
        final = rerank_pool(
            pool, fused.scores, allow, req.k, req.options, n, req.fields, req.vectors
        )
        return Ranking(final, fused.parts, pool.items)
    allow = req.allow.copy()
    allow[req.seen] = False
    popularity = req.models.popularity(n)
    sources = request_sources(
        popularity, req.live, req.user_idx, cf_scores(req.models, req.history, req.neighbours),
        req.semantic, req.searched, req.enabled,
    )  # fmt: skip
    fused = fused_scores(sources, allow, req.fusion, req.n_distinct, popularity)
    columns, groups = req.fields() if needs_item_fields(req.options) else (None, None)
    final = rerank(fused.scores, allow, req.k, req.options, columns, req.vectors, groups)
    return Ranking(final, fused.parts, None)


def _positions(
    sorted_items: npt.NDArray[np.int64], items: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Where `items` sit in the sorted `sorted_items` (those absent left out).

    >>> _positions(np.array([2, 5, 9]), np.array([9, 3, 2, 11])).tolist()
    [2, 0]
    """
    where: npt.NDArray[np.int64] = np.searchsorted(sorted_items, items)
    inside = where < sorted_items.size
    where = where[inside]
    found: npt.NDArray[np.int64] = where[sorted_items[where] == items[inside]]
    return found
