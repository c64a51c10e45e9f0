"""Learning how to fuse candidate sources from replayed requests (pure functions over arrays).

At training time the service replays the newest events one by one and records, before each
sampled event, every source's normalised score and rank for a few candidate items (the union of
each source's top items) and which candidate the user really chose next. From those requests
this module learns the blend weights by coordinate ascent on NDCG@10, and decides between the
weighted blend, reciprocal-rank fusion and a learned ranker (`semrec.rank.learned_ranker`) on
requests it did not tune on.

A user's history length moves weight between behaviour and meaning: with ``n`` distinct past
items and ``a = n / (n + history_half)``, the CF source weighs ``a`` times its weight and the
semantic source ``1 - a`` times its weight (when the user has a semantic profile at all).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from semrec.rank.fusion import RRF_K
from semrec.rank.learned_ranker import LearnedRanker, ranker_candidates, train_ranker, trainable

__all__ = [
    "FusionChoice",
    "TuningRequest",
    "adapted_weights",
    "blend_candidates",
    "choose_fusion",
    "learn_weights",
    "mean_ndcg",
    "rrf_candidates",
    "validate_ranker",
]

#: Candidate weights tried for each source (CF is held at its starting weight: scale-free).
WEIGHT_GRID = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0)
#: Candidate values of `history_half` tried when some requests have a semantic source.
HALF_GRID = (0.5, 1.0, 2.0, 4.0, 8.0)
#: Popularity breaks ties among otherwise equal candidates without reordering real evidence.
TIE_BREAK = 1e-3
#: The learned ranker serves only when it beats the best blend or RRF by this share on at least
#: this many held-out requests: it costs ~2 ms more per request, and fewer requests are a noisy
#: judge (on the sample shop it "won" 0.403 to 0.376 on 52 of them).
RANKER_MARGIN = 0.05
RANKER_MIN_HELD_OUT = 150
#: RRF scores differ by ~4e-5 between neighbouring ranks, so its tie-break is far smaller.
RRF_TIE_BREAK = TIE_BREAK * 1e-3
#: Sources counted by reciprocal-rank fusion down to this rank.
RRF_DEPTH = 100

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TuningRequest:
    """One replayed request: per-source normalised scores and 0-based ranks of its candidates.

    `target` is the position of the item the user chose among the candidates (-1: not among
    them, the request counts as a miss for every fusion); `popularity` (normalised) breaks ties.
    """

    target: int
    scores: Mapping[str, FloatArray]
    ranks: Mapping[str, npt.NDArray[np.int64]]
    n_history: int
    popularity: FloatArray


@dataclass(frozen=True)
class FusionChoice:
    """The fusion to serve, its learned parameters and the validation scores behind it.

    `ranker` is the learned ranker's LightGBM model text, empty unless `mode` is "ranker" (which
    keeps the blend's weights for the items the ranker does not order).
    """

    mode: str
    weights: dict[str, float]
    history_half: float
    validation: dict[str, float] = field(default_factory=dict)
    ranker: str = ""


def adapted_weights(
    weights: Mapping[str, float], n_history: int, history_half: float, has_semantic: bool
) -> dict[str, float]:
    """The weights for one user: CF and semantic shares shift with history length.

    >>> adapted_weights({"cf": 1.0, "semantic": 1.0, "trending": 0.5}, 2, 2.0, True)
    {'cf': 0.5, 'semantic': 0.5, 'trending': 0.5}
    >>> adapted_weights({"cf": 1.0, "semantic": 1.0}, 2, 2.0, False)
    {'cf': 1.0, 'semantic': 1.0}
    """
    out = dict(weights)
    if has_semantic and history_half > 0:
        share = n_history / (n_history + history_half)
        out["cf"] = out.get("cf", 0.0) * share
        out["semantic"] = out.get("semantic", 0.0) * (1.0 - share)
    return out


def blend_candidates(
    request: TuningRequest, weights: Mapping[str, float], history_half: float
) -> FloatArray:
    """The weighted blend of a request's candidates, as the service would score them."""
    adapted = adapted_weights(
        weights, request.n_history, history_half, "semantic" in request.scores
    )
    first = next(iter(request.scores.values()))
    total = np.zeros(first.shape, dtype=np.float32)
    for name, values in request.scores.items():
        weight = adapted.get(name, 0.0)
        if weight:
            total += np.float32(weight) * values
    return total + np.float32(TIE_BREAK) * request.popularity


def rrf_candidates(request: TuningRequest, depth: int = RRF_DEPTH, k: int = RRF_K) -> FloatArray:
    """Reciprocal-rank fusion of a request's candidates: sum of 1 / (k + rank + 1) in the top."""
    first = next(iter(request.ranks.values()))
    total = np.zeros(first.shape, dtype=np.float32)
    for name, ranks in request.ranks.items():
        scored = (ranks < depth) & (request.scores[name] > 0)
        total[scored] += 1.0 / (k + ranks[scored] + 1.0)
    return total + np.float32(RRF_TIE_BREAK) * request.popularity


def _ndcg(scores: FloatArray, target: int, k: int) -> float:
    """NDCG@k of one relevant candidate (ties go to the earlier candidate)."""
    if target < 0:
        return 0.0
    ahead = int(np.sum(scores > scores[target])) + int(np.sum(scores[:target] == scores[target]))
    return 1.0 / float(np.log2(ahead + 2.0)) if ahead < k else 0.0


def mean_ndcg(
    requests: Sequence[TuningRequest], score: Callable[[TuningRequest], FloatArray], k: int = 10
) -> float:
    """Mean NDCG@k of a scoring function over requests.

    >>> r = TuningRequest(1, {"a": np.array([0.2, 0.9], np.float32)}, {}, 0, np.zeros(2))
    >>> mean_ndcg([r], lambda q: q.scores["a"])
    1.0
    """
    if not requests:
        return 0.0
    return float(np.mean([_ndcg(score(r), r.target, k) for r in requests]))


def learn_weights(
    requests: Sequence[TuningRequest],
    start: Mapping[str, float],
    history_half: float,
    *,
    passes: int = 2,
) -> tuple[dict[str, float], float, float]:
    """Coordinate ascent on mean NDCG@10: (weights, history_half, the score they reach).

    Each pass tries every grid value for each source but CF (in turn), keeping a change only
    when it strictly improves the score, so ties keep the starting weights.
    """
    names = sorted({name for r in requests for name in r.scores} | set(start))
    weights = {name: float(start.get(name, 0.0)) for name in names}
    half = history_half

    def value(w: Mapping[str, float], h: float) -> float:
        return mean_ndcg(requests, lambda r: blend_candidates(r, w, h))

    best = value(weights, half)
    semantic = any("semantic" in r.scores for r in requests)
    for _ in range(passes):
        improved = False
        for name in names:
            if name == "cf":
                continue
            for candidate in WEIGHT_GRID:
                trial = {**weights, name: candidate}
                score = value(trial, half)
                if score > best + 1e-9:
                    best, weights, improved = score, trial, True
        for candidate in HALF_GRID if semantic else ():
            score = value(weights, candidate)
            if score > best + 1e-9:
                best, half, improved = score, candidate, True
        if not improved:
            break
    return weights, half, best


def validate_ranker(older: Sequence[TuningRequest], newer: Sequence[TuningRequest]) -> float:
    """Mean NDCG@10 on `newer` of a ranker trained on `older` (0 when none can be trained)."""
    if not any(trainable(r) for r in older):
        return 0.0
    ranker = LearnedRanker.from_text(train_ranker(older))
    return mean_ndcg(newer, lambda r: ranker_candidates(r, ranker))


def choose_fusion(
    requests: Sequence[TuningRequest], start: Mapping[str, float], history_half: float
) -> FusionChoice:
    """The blend with learned weights, the blend as given, RRF or the learned ranker.

    Weights and the ranker are learned on the older half and all four are scored on the newer
    half (the ranker wins only by `RANKER_MARGIN`, on `RANKER_MIN_HELD_OUT` requests or more);
    the winner's parameters are then learned again on all requests. The reported validation
    scores are the held-out ones.
    """
    older, newer = requests[: len(requests) // 2], requests[len(requests) // 2 :]
    weights, half, _ = learn_weights(older, start, history_half)
    validation = {
        "blend_learned": mean_ndcg(newer, lambda r: blend_candidates(r, weights, half)),
        "blend_default": mean_ndcg(newer, lambda r: blend_candidates(r, start, history_half)),
        "rrf": mean_ndcg(newer, rrf_candidates),
        "ranker": validate_ranker(older, newer),
    }
    winner = max((n for n in validation if n != "ranker"), key=lambda name: validation[name])
    best = validation[winner]
    if len(newer) >= RANKER_MIN_HELD_OUT and validation["ranker"] > best * (1 + RANKER_MARGIN):
        winner = "ranker"
    validation["requests"] = float(len(requests))
    if winner in ("blend_learned", "ranker"):
        weights, half, _ = learn_weights(requests, start, history_half)
        ranker = train_ranker(requests) if winner == "ranker" else ""
        mode = "ranker" if winner == "ranker" else "blend"
        return FusionChoice(mode, weights, half, validation, ranker=ranker)
    return FusionChoice(
        "rrf" if winner == "rrf" else "blend", dict(start), history_half, validation
    )
