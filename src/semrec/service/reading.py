"""Read-path pieces of `Recommender` that need only data, no store or cache.

Request checks (`k`, query text), a user's history row over the catalog, and the
`Recommendation` records that `recommend`, `search` and `similar` return.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from semrec.data.errors import ValidationError
from semrec.data.records import Recommendation
from semrec.models import EventWeights, top_k, user_history_row
from semrec.rank.cold_start import inherit_scores
from semrec.rank.explain import sentence
from semrec.realtime import LiveState
from semrec.service.catalog_view import CatalogView
from semrec.service.explaining import Explainer
from semrec.service.language import LanguageIndex
from semrec.service.profiles import user_profile
from semrec.service.reranking import Reranked
from semrec.service.searching import QueryScores, query_relevance, rank_query, search_reasons
from semrec.service.serving import Ranked, ServingModels
from semrec.service.sources import SOURCES, live_sources, with_evidence
from semrec.store import EventArrays
from semrec.text.encoders.cached import CachedEncoder

__all__ = [
    "as_recommendation",
    "cf_scores",
    "check_k",
    "check_query",
    "explained",
    "recent_items",
    "request_sources",
    "search_results",
    "semantic_scores",
    "similar_in_meaning",
    "user_history",
]

FloatArray = npt.NDArray[np.float32]


def check_k(k: Any) -> int:
    """`k` when it is an integer from 1 to 1000; `ValidationError` otherwise."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 1000:
        raise ValidationError("k", k, "an integer from 1 to 1000")
    return k


def check_query(query: Any, max_bytes: int) -> str:
    """`query` when it is a non-empty string of at most `max_bytes` UTF-8 bytes."""
    if not isinstance(query, str) or not query.strip():
        raise ValidationError("query", query, "a non-empty string")
    if len(query.encode("utf-8")) > max_bytes:
        raise ValidationError("query", query[:40], f"at most {max_bytes} bytes")
    return query


def user_history(
    events: EventArrays, n_items: int, weights: EventWeights, now: float
) -> tuple[npt.NDArray[np.int64], sp.csr_matrix]:
    """The user's items inside the catalog (in event order) and their weighted history row."""
    inside = events.item_idx < n_items
    items = events.item_idx[inside]
    history = user_history_row(
        items, events.type_codes[inside], events.values[inside], events.timestamps[inside],
        n_items, weights, now=now,
    )  # fmt: skip
    return items, history


def cf_scores(
    models: ServingModels,
    history: sp.csr_matrix,
    neighbours: Callable[[], sp.csr_matrix] | None = None,
) -> FloatArray | None:
    """The serving CF model's scores; cold items inherit from their `neighbours()` in meaning."""
    if not history.nnz or models.serve_name == "popularity":
        return None
    scores = models.scores(history)
    if scores.shape[0] < history.shape[1]:
        scores = np.pad(scores, (0, history.shape[1] - scores.shape[0]))
    if neighbours is None:
        return scores
    return inherit_scores(scores, neighbours())


def request_sources(
    popularity: FloatArray,
    live: LiveState,
    user_idx: int,
    cf: FloatArray | None,
    semantic: FloatArray | None,
    searched: QueryScores | None,
    enabled: Collection[str] = SOURCES,
) -> dict[str, FloatArray]:
    """The request's enabled candidate sources with evidence, in fusion order."""
    sources: dict[str, FloatArray | None] = {"popular": popularity}
    sources.update(live_sources(live, user_idx, popularity.shape[0]))
    sources["cf"] = cf
    sources["semantic"] = semantic
    if searched is not None:
        sources["query"] = query_relevance(searched)
    return with_evidence(sources, enabled)


def semantic_scores(
    events: EventArrays,
    weights: EventWeights,
    language: LanguageIndex,
    texts: Sequence[tuple[int, str, float]],
    encoder: Callable[[], CachedEncoder],
    now: float,
) -> FloatArray | None:
    """Each item's closeness in meaning to the user's profile: their items and `texts`.

    `texts` are the user's (item, text, timestamp) reviews and searches; `encoder()` is called
    only when there are some. None when the user has no profile.
    """
    text_vectors = text_times = None
    if texts:
        text_vectors = encoder().encode([t for _, t, _ in texts])
        text_times = np.array([ts for _, _, ts in texts], dtype=np.float64)
    type_weights = np.clip(weights.type_weights()[events.type_codes.astype(np.intp)], 0, None)
    profile = user_profile(events, type_weights, language, text_vectors, text_times, now)
    return None if profile is None else language.vectors @ profile


def recent_items(live: LiveState, user_idx: int) -> npt.NDArray[np.int64]:
    """The user's recent items in the live state; none for an unknown user (-1)."""
    return live.recent_items(user_idx) if user_idx >= 0 else np.zeros(0, np.int64)


def explained(
    explainer: Explainer, final: Reranked, because: npt.NDArray[np.int64], locale: str
) -> list[Recommendation]:
    """The re-ranked items as recommendations with reasons and a sentence in `locale`."""
    explainer.prepare(final.items)
    return [
        explainer.recommendation(item, score, src, final.moved.get(item, ()), locale)
        for item, score, src in zip(
            final.items.tolist(), final.scores.tolist(), because.tolist(), strict=True
        )
    ]


def search_results(
    view: CatalogView,
    language: LanguageIndex,
    searched: QueryScores,
    k: int,
    personal: npt.NDArray[np.float32] | None = None,
) -> list[Recommendation]:
    """The query's top `k` items with reasons, explained in the query's language."""
    locale = "zh" if searched.intent.language == "zh" else "en"
    out = []
    for hit in rank_query(searched, k, personal):
        similarity = None if personal is None else float(personal[hit.item])
        reasons = tuple(search_reasons(hit.item, searched, language, similarity))
        out.append(
            Recommendation(view.item_ids[hit.item], hit.score, reasons, sentence(reasons, locale))
        )
    return out


def similar_in_meaning(
    view: CatalogView,
    language: LanguageIndex,
    item_id: str,
    index: int,
    k: int,
    allow: npt.NDArray[np.bool_],
) -> list[Recommendation]:
    """The `k` allowed items with text closest in meaning to `item_id` (at `index`)."""
    sims = language.vectors @ language.vectors[index]
    ids, vals = top_k(sims, k, allow=allow & language.has_text)
    return [
        Recommendation(
            view.item_ids[i],
            v,
            ({"kind": "similar_meaning", "item_id": item_id, "similarity": round(v, 4)},),
        )
        for i, v in zip(ids.tolist(), vals.tolist(), strict=True)
    ]


def as_recommendation(ranked: Ranked, view: CatalogView) -> Recommendation:
    """A model's ranked item as a recommendation, citing the history item it came from."""
    reason: dict[str, Any] = {"kind": "model", "model": ranked.model}
    if ranked.fallback:
        reason["fallback"] = ranked.fallback
    reasons: list[dict[str, Any]] = [reason]
    if ranked.because_of >= 0:
        src = ranked.because_of
        reasons.append(
            {"kind": "because_of", "item_id": view.item_ids[src], "title": view.titles[src]}
        )
    return Recommendation(
        view.item_ids[ranked.item], ranked.score, tuple(reasons), sentence(reasons)
    )
