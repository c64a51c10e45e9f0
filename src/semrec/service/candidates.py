"""The candidate path for large catalogs: score a pool of items, not every item.

From `serve.candidates_above` items on, a request does not fuse full-catalog arrays. It first
gathers a pool, the union of

- the serving CF model's best `depth` items (from the HNSW index over its item factors that
  training built, or one exact pass when there is none),
- every item that co-visitation and sequence score (they are sparse),
- the `depth` most trending items (an exact superset kept by `Trending.top`) and the `depth`
  most popular ones,
- the `depth` best items of each dense source the request has (meaning, query),

then scores every source exactly on the pool, so fusion, re-ranking and explanations work on a
few thousand entries. Min-max normalisation then runs over the pool rather than the catalog,
which is the one way the order can differ from the full path.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from semrec.data.arrays import distinct
from semrec.rank.rules import ItemColumns
from semrec.realtime import LiveState
from semrec.service.reranking import Reranked, RerankOptions, needs_item_fields, rerank
from semrec.service.serving import ServingModels
from semrec.service.sources import SOURCES, with_evidence

__all__ = ["Pool", "candidate_pool", "pool_fits", "rerank_pool"]

#: Sources in fusion order, as `semrec.service.reading.request_sources` gives them.
_ORDER = ("popular", "trending", "covisitation", "sequence", "cf", "semantic", "query")

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Pool:
    """Candidate items (sorted indexes) and each source's scores of them, in fusion order."""

    items: IntArray
    sources: dict[str, FloatArray]
    popularity: FloatArray


def _best(values: FloatArray, depth: int) -> IntArray:
    """Indexes of the `depth` largest finite values (fewer when fewer are finite)."""
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size > depth:
        finite = finite[np.argpartition(-values[finite], depth - 1)[:depth]]
    return finite.astype(np.int64)


def _at(cols: IntArray, vals: FloatArray, items: IntArray) -> FloatArray:
    """The values of sorted sparse `cols` at `items` (0 where absent)."""
    out = np.zeros(items.shape[0], dtype=np.float32)
    if cols.size:
        where = np.clip(np.searchsorted(cols, items), 0, cols.size - 1)
        hit = cols[where] == items
        out[hit] = vals[where[hit]]
    return out


def _inherited(
    cf: FloatArray,
    items: IntArray,
    neighbours: sp.csr_matrix,
    score: Callable[[IntArray], FloatArray],
) -> FloatArray:
    """`cf` with each cold pool item's score taken from its neighbours in meaning."""
    rows = neighbours[items]
    counts = np.diff(rows.indptr)
    if not counts.any():
        return cf
    owner = np.repeat(np.arange(items.shape[0]), counts)
    borrowed = np.bincount(
        owner, weights=rows.data * score(rows.indices.astype(np.int64)), minlength=items.shape[0]
    )
    out = cf.copy()
    out[counts > 0] = borrowed[counts > 0].astype(np.float32)
    return out


def candidate_pool(
    models: ServingModels,
    live: LiveState | None,
    user_idx: int,
    history: sp.csr_matrix,
    n_items: int,
    depth: int,
    dense: Mapping[str, FloatArray | None] | None = None,
    neighbours: Callable[[], sp.csr_matrix] | None = None,
    enabled: Collection[str] = SOURCES,
) -> Pool:
    """The request's candidate pool and every enabled source's scores of it (see module doc).

    `dense` holds full-catalog sources the request already has (``semantic``, ``query``);
    `neighbours()` gives cold items' neighbours in meaning (their CF score is borrowed).
    """
    parts: list[IntArray] = [models.popular_top(n_items, depth)]
    sparse: dict[str, tuple[IntArray, FloatArray]] = {}
    if live is not None:
        parts.append(live.trending_top(depth))
        if user_idx >= 0:
            sparse["covisitation"] = live.covisitation_pairs(user_idx)
            sparse["sequence"] = live.transition_pairs(user_idx)
            parts += [cols for cols, _ in sparse.values()]
    cf = None
    if history.nnz and models.serve_name != "popularity" and "cf" in enabled:
        cf = models.cf_pool(history, depth)
        parts.append(cf.items)
    present = {name: values for name, values in (dense or {}).items() if values is not None}
    parts += [_best(values, depth) for values in present.values()]
    items = distinct(np.concatenate(parts))
    items = items[(items >= 0) & (items < n_items)]
    popularity = models.popularity(n_items)[items]
    sources: dict[str, FloatArray | None] = {"popular": popularity}
    if live is not None:
        sources["trending"] = live.trending_at(items)
        for name, (cols, vals) in sparse.items():
            sources[name] = _at(cols, vals, items)
    if cf is not None:
        scores = cf.at(items)
        if neighbours is not None:
            scores = _inherited(scores, items, neighbours(), cf.at)
        sources["cf"] = scores
    for name, values in present.items():
        sources[name] = values[items]
    order = {name: sources[name] for name in _ORDER if name in sources}
    return Pool(items, with_evidence(order, enabled), popularity)


def pool_fits(n_items: int, candidates_above: int, options: RerankOptions) -> bool:
    """Whether a request takes the candidate path: a large catalog and no pin rule (a pin
    may name any item of the catalog, so it needs the full path)."""
    return n_items >= candidates_above and not any(r.action == "pin" for r in options.rules)


def rerank_pool(
    pool: Pool,
    scores: FloatArray,
    allow: npt.NDArray[np.bool_],
    k: int,
    options: RerankOptions,
    n_items: int,
    fields: Callable[[], tuple[ItemColumns, list[str]]],
    vectors: npt.NDArray[np.float32] | None,
) -> Reranked:
    """`rerank` of the pool's fused `scores` (`allow` over the pool), items as catalog indexes.

    Rules, objectives and caps read item fields kept per catalog item, so for them the
    scores are spread over the catalog first (-inf outside the pool); `fields()` gives them.
    """
    if needs_item_fields(options):
        full = np.full(n_items, -np.inf, dtype=np.float32)
        full[pool.items] = scores
        allowed = np.zeros(n_items, dtype=bool)
        allowed[pool.items] = allow
        columns, groups = fields()
        return rerank(full, allowed, k, options, columns, vectors, groups)
    local_vectors = None if vectors is None or options.diversity == 0 else vectors[pool.items]
    out = rerank(scores, allow, k, options, None, local_vectors, None)
    return Reranked(pool.items[out.items], out.scores, out.moved)
