"""Serving the learned ranker: the fusion mode "ranker" for one request.

The candidates are the allowed items in some source's top `SOURCE_DEPTH`, the same pool the
ranker was trained on at training time; their features are each source's normalised score and
rank exactly as `fusion_tuning` records them (`sources.normalised_ranks`, computed here without
sorting the whole catalog by index). The ranker orders them; every other allowed item follows in the
order of the learned blend, which also gives the per-source parts behind the explanations.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from semrec.rank.fusion import normalise
from semrec.rank.learned_ranker import SOURCE_DEPTH, LearnedRanker, candidate_features
from semrec.rank.tuning import FusionChoice
from semrec.service.sources import Fused, fuse

__all__ = ["fuse_ranked", "fused_scores", "loaded_ranker", "ordered", "positions", "top_mask"]

FloatArray = npt.NDArray[np.float32]

#: Items outside the ranked pool score at most this (blend order); the pool scores at least 1.
_REST_TOP = 0.5


@lru_cache(maxsize=4)
def loaded_ranker(text: str) -> LearnedRanker:
    """The ranker saved as `text`, parsed once per distinct model."""
    return LearnedRanker.from_text(text)


def ordered(values: FloatArray, allow: npt.NDArray[np.bool_]) -> FloatArray:
    """The array whose stable descending order `normalised_ranks` ranks by (-inf: never first)."""
    return np.where(allow & np.isfinite(values), values, -np.inf).astype(np.float32)


def top_mask(masked: FloatArray, depth: int) -> npt.NDArray[np.bool_]:
    """The items at 0-based positions below `depth` in the stable descending order of `masked`.

    >>> top_mask(np.array([0.5, 1.0, 0.5, 0.5], np.float32), 2).tolist()
    [True, True, False, False]
    """
    if masked.size <= depth:
        return np.ones(masked.size, dtype=bool)
    threshold = float(-np.partition(-masked, depth - 1)[depth - 1])
    top = masked > threshold
    top[np.flatnonzero(masked == threshold)[: depth - int(top.sum())]] = True
    return top


def positions(masked: FloatArray, items: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The 0-based positions of `items` in the stable descending order of `masked`.

    What `normalised_ranks` gives them, by sorting values instead of indexes (several times
    faster on large catalogs): items ahead, plus equal items of lower index.

    >>> positions(np.array([0.5, 1.0, 0.5, 0.5], np.float32), np.array([3, 1, 0])).tolist()
    [3, 0, 1]
    """
    ascending = np.sort(masked)
    values = masked[items]
    right = np.searchsorted(ascending, values, side="right")
    ranks = (masked.size - right).astype(np.int64)
    tied = right - np.searchsorted(ascending, values, side="left") > 1
    for value in np.unique(values[tied]):
        hit = values == value
        ranks[hit] += np.searchsorted(np.flatnonzero(masked == value), items[hit])
    return ranks


def fuse_ranked(
    sources: Mapping[str, FloatArray],
    allow: npt.NDArray[np.bool_],
    fusion: FusionChoice,
    n_history: int,
    popularity: FloatArray,
) -> Fused:
    """One score per item: the ranker's order of the candidate pool, then the blend's.

    Disallowed items score -inf; every candidate scores above every other allowed item;
    `parts` are the blend's. Without a ranker model this is the blend.
    """
    blend = FusionChoice("blend", fusion.weights, fusion.history_half, fusion.validation)
    blended = fuse(sources, allow, blend, n_history, popularity)
    masked = {name: ordered(values, allow) for name, values in sources.items()}
    pool = np.zeros(allow.shape[0], dtype=bool)
    for values in masked.values():
        pool |= top_mask(values, SOURCE_DEPTH)
    pool &= allow
    if not fusion.ranker or not pool.any():
        return blended
    cands = np.flatnonzero(pool)
    features = candidate_features(
        {name: normalise(values, allow)[cands] for name, values in sources.items()},
        {name: positions(values, cands) for name, values in masked.items()},
        n_history,
        normalise(popularity, allow)[cands],
    )
    ranked = loaded_ranker(fusion.ranker).predict(features)
    rest = allow & ~pool
    scores = np.full(allow.shape[0], -np.inf, dtype=np.float32)
    scores[rest] = np.float32(_REST_TOP) * normalise(blended.scores, rest)[rest]
    scores[cands] = 1.0 + ranked - ranked.min()
    return Fused(scores, blended.parts)


def fused_scores(
    sources: Mapping[str, FloatArray],
    allow: npt.NDArray[np.bool_],
    fusion: FusionChoice,
    n_history: int,
    popularity: FloatArray,
) -> Fused:
    """The request's fused scores by the serving fusion: the learned ranker, blend or RRF."""
    if fusion.mode == "ranker":
        return fuse_ranked(sources, allow, fusion, n_history, popularity)
    return fuse(sources, allow, fusion, n_history, popularity)
