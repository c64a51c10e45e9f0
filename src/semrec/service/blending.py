"""The language side of `recommend`: a user's language profile and its blend with CF scores.

A user with long history leans on collaborative filtering; a user with little or none leans on
the meaning of what they touched, reviewed and searched for. The CF weight is
``n / (n + history_half)`` for a user with ``n`` distinct items, so at ``history_half`` items
the two weigh the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from semrec.data.records import Recommendation
from semrec.models import top_k
from semrec.rank.cold_start import inherit_scores
from semrec.rank.fusion import normalise
from semrec.service.catalog_view import CatalogView
from semrec.service.language import LanguageIndex
from semrec.service.searching import QueryScores, query_relevance, search_reasons
from semrec.service.serving import ServingModels
from semrec.store import EventArrays
from semrec.text.documents import pool_profile

__all__ = [
    "Blend",
    "blend_sources",
    "blended_recommendations",
    "cf_weight",
    "closest_past_item",
    "user_profile",
]

#: Half-life of a past interaction's pull on the language profile.
PROFILE_HALF_LIFE_S = 30 * 86400.0
#: A query's relevance counts this much against the (normalised) personal sources.
QUERY_WEIGHT = 2.0
#: A source is cited in the reasons only when it gave at least this share of the score.
CITE_SHARE = 0.3
#: Popularity breaks ties among otherwise equal candidates without reordering real evidence.
POPULARITY_WEIGHT = 0.02


@dataclass(frozen=True)
class Blend:
    """Final scores and, per source, its weighted normalised contribution to each item."""

    scores: npt.NDArray[np.float32]
    parts: dict[str, npt.NDArray[np.float32]]


def cf_weight(n_items: int, history_half: float) -> float:
    """Weight of CF against language for a user with `n_items` distinct past items.

    >>> cf_weight(0, 2.0), cf_weight(2, 2.0), cf_weight(6, 2.0)
    (0.0, 0.5, 0.75)
    """
    return n_items / (n_items + history_half) if history_half > 0 else 1.0


def user_profile(
    events: EventArrays,
    weights: npt.NDArray[np.float64],
    language: LanguageIndex,
    text_vectors: npt.NDArray[np.float32] | None,
    text_times: npt.NDArray[np.float64] | None,
    now: float,
) -> npt.NDArray[np.float32] | None:
    """Recency-weighted mean of the user's items' embeddings and of their own texts.

    `weights` are the per-event interaction weights (by event type); the user's review and
    search texts count like a purchase-strength event each.
    """
    keep = (events.item_idx >= 0) & (events.item_idx < len(language))
    vectors = language.vectors[events.item_idx[keep]]
    w = weights[keep]
    times = events.timestamps[keep]
    if text_vectors is not None and text_times is not None and len(text_vectors):
        vectors = np.vstack([vectors, text_vectors])
        strength = float(w.max()) if w.size else 1.0
        w = np.concatenate([w, np.full(len(text_vectors), strength)])
        times = np.concatenate([times, text_times])
    return pool_profile(vectors, w, times, now, PROFILE_HALF_LIFE_S)


def blend_sources(
    sources: dict[str, npt.NDArray[np.float32] | None],
    weights: dict[str, float],
    allow: npt.NDArray[np.bool_],
    popularity: npt.NDArray[np.float32],
) -> Blend:
    """Sum of weighted, normalised sources over allowed items (-inf elsewhere)."""
    parts: dict[str, npt.NDArray[np.float32]] = {}
    total = np.float32(POPULARITY_WEIGHT) * normalise(popularity, allow)
    for name, values in sources.items():
        weight = weights.get(name, 0.0)
        if values is None or weight == 0:
            continue
        parts[name] = np.float32(weight) * normalise(values, allow)
        total = total + parts[name]
    total[~allow] = -np.inf
    return Blend(total, parts)


def closest_past_item(
    language: LanguageIndex, history_items: npt.NDArray[np.int64], item: int
) -> tuple[int, float]:
    """The past item most similar in meaning to `item` and the cosine (-1, 0.0 when none)."""
    past = history_items[(history_items >= 0) & (history_items < len(language))]
    past = past[language.has_text[past]]
    if past.size == 0 or not language.has_text[item]:
        return -1, 0.0
    sims = language.vectors[past] @ language.vectors[item]
    best = int(np.argmax(sims))
    return int(past[best]), float(sims[best])


def contributions(blend: Blend, item: int) -> dict[str, Any]:
    """Each source's share of an item's score, rounded for the reply."""
    return {name: round(float(part[item]), 4) for name, part in blend.parts.items()}


def blended_recommendations(
    models: ServingModels,
    view: CatalogView,
    language: LanguageIndex,
    cold: sp.csr_matrix,
    history: sp.csr_matrix,
    items: npt.NDArray[np.int64],
    allow: npt.NDArray[np.bool_],
    k: int,
    profile: npt.NDArray[np.float32] | None,
    searched: QueryScores | None,
    history_half: float,
) -> list[Recommendation]:
    """Top-k by the blend of CF (cold items inheriting), the language profile and a query."""
    n_distinct = int(np.unique(items[items >= 0]).size)
    alpha = cf_weight(n_distinct, history_half)
    cf = None
    if history.nnz and models.serve_name != "popularity":
        cf = inherit_scores(models.scores(history), cold)
    sources: dict[str, npt.NDArray[np.float32] | None] = {
        "cf": cf,
        "semantic": None if profile is None else language.vectors @ profile,
        "query": None if searched is None else query_relevance(searched),
    }
    weights = {"cf": alpha if profile is not None else 1.0, "semantic": 1.0 - alpha}
    weights["query"] = QUERY_WEIGHT
    blend = blend_sources(sources, weights, allow, models.popularity(len(view)))
    ids, vals = top_k(blend.scores, k, allow=allow)
    because = models.explain(history, ids)
    out = []
    for item, score, src in zip(ids.tolist(), vals.tolist(), because.tolist(), strict=True):
        out.append(_blended_item(item, score, src, blend, models, view, language, items, searched))
    return out


def _blended_item(
    item: int,
    score: float,
    because_of: int,
    blend: Blend,
    models: ServingModels,
    view: CatalogView,
    language: LanguageIndex,
    items: npt.NDArray[np.int64],
    searched: QueryScores | None,
) -> Recommendation:
    parts = contributions(blend, item)
    reason: dict[str, Any] = {"kind": "model", "model": "popularity"}
    if any(v > 0 for v in parts.values()):
        lead = max(parts, key=lambda name: parts[name])
        reason["model"] = models.serve_name if lead == "cf" else lead
        reason["contributions"] = parts
    else:
        reason["fallback"] = "no history" if items.size == 0 else "no personalised evidence"
    reasons: list[dict[str, Any]] = [reason]
    total = sum(parts.values())
    if because_of >= 0 and total > 0 and parts.get("cf", 0) >= CITE_SHARE * total:
        reasons.append(
            {
                "kind": "because_of",
                "item_id": view.item_ids[because_of],
                "title": view.titles[because_of],
            }
        )
    elif total > 0 and parts.get("semantic", 0) >= CITE_SHARE * total:
        past, similarity = closest_past_item(language, items, item)
        if past >= 0:
            reasons.append(
                {
                    "kind": "similar_to",
                    "item_id": view.item_ids[past],
                    "title": view.titles[past],
                    "similarity": round(similarity, 4),
                }
            )
    if searched is not None:
        reasons.extend(search_reasons(item, searched, language))
    return Recommendation(view.item_ids[item], score, tuple(reasons))
