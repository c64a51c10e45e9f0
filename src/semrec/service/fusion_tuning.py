"""Learning the fusion at training time: a prequential replay of the newest events.

The oldest 90% of the log (by event time) train a copy of the serving CF model and the live
state; the newest 10% are replayed in order. Before each sampled replayed event on an item new
to its user, every source scores the catalog exactly as `recommend` would, and the request is
recorded (`semrec.rank.tuning.TuningRequest`); then the event is observed. The weights, the
learned ranker and the fusion mode are learned from those requests
(`semrec.rank.tuning.choose_fusion`). The choice travels in the snapshot's meta as plain JSON
(`fusion_meta`, `fusion_from_meta`; the ranker as LightGBM model text).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.settings import Settings
from semrec.models import EventWeights, Model, build_interactions, make_model, user_history_row
from semrec.rank.fusion import normalise
from semrec.rank.learned_ranker import SOURCE_DEPTH, train_ranker, trainable
from semrec.rank.tuning import FusionChoice, TuningRequest, choose_fusion
from semrec.realtime import LiveState
from semrec.service.profiles import PROFILE_HALF_LIFE_S
from semrec.service.sources import live_sources, normalised_ranks, with_evidence
from semrec.store import EventArrays
from semrec.text.documents import pool_profile

__all__ = ["default_fusion", "fusion_from_meta", "fusion_meta", "record_requests", "tune_fusion"]

#: Share of the log (newest events) replayed for tuning.
REPLAY_SHARE = 0.1
#: Each source contributes its top this many items to a recorded request's candidates.
CANDIDATES_PER_SOURCE = SOURCE_DEPTH


@dataclass(frozen=True)
class ReplayInputs:
    """What the replay needs besides the log: models to score with and item vectors."""

    cf: Model | None
    popularity: npt.NDArray[np.float32]
    vectors: npt.NDArray[np.float32] | None


def default_fusion(settings: Settings) -> FusionChoice:
    """The fusion before (or without) tuning: the settings' weights, blended (or RRF).

    "ranker" has no model before tuning, so it blends.
    """
    mode = "rrf" if settings.rank.fusion == "rrf" else "blend"
    return FusionChoice(mode, dict(settings.rank.weights), settings.text.history_half)


def fusion_meta(choice: FusionChoice) -> dict[str, Any]:
    """The choice as plain JSON data for the snapshot's meta (read back by `fusion_from_meta`)."""
    return asdict(choice)


def fusion_from_meta(meta: Any, settings: Settings) -> FusionChoice:
    """The fusion a snapshot learned; the settings' own when they turn tuning off (or none).

    A "ranker" fusion without its model text serves its blend.
    """
    if not settings.rank.tune or not isinstance(meta, Mapping) or "mode" not in meta:
        return default_fusion(settings)
    ranker = str(meta.get("ranker", ""))
    mode = str(meta["mode"])
    return FusionChoice(
        "blend" if mode == "ranker" and not ranker else mode,
        {str(k): float(v) for k, v in dict(meta.get("weights", {})).items()},
        float(meta.get("history_half", settings.text.history_half)),
        {str(k): float(v) for k, v in dict(meta.get("validation", {})).items()},
        ranker=ranker if mode == "ranker" else "",
    )


def _subset(events: EventArrays, positions: npt.NDArray[np.int64]) -> EventArrays:
    return EventArrays(
        events.user_idx[positions],
        events.item_idx[positions],
        events.type_codes[positions],
        events.values[positions],
        events.timestamps[positions],
    )


def _fit_inputs(
    given: EventArrays,
    n_items: int,
    settings: Settings,
    weights: EventWeights,
    cf_name: str,
    vectors: npt.NDArray[np.float32] | None,
) -> ReplayInputs:
    n_users = int(given.user_idx.max()) + 1
    matrix = build_interactions(
        given.user_idx, given.item_idx, given.type_codes, given.values, given.timestamps,
        n_users, n_items, weights,
    )  # fmt: skip
    cf = None
    if cf_name != "popularity":
        cf = make_model(cf_name, getattr(settings.models, cf_name)).fit(matrix)
    popularity = np.asarray(matrix.sum(axis=0), dtype=np.float32).ravel()
    return ReplayInputs(cf, popularity, vectors)


def _request(
    inputs: ReplayInputs,
    live: LiveState,
    events: EventArrays,
    past: list[int],
    user: int,
    target: int,
    weights: EventWeights,
    settings: Settings,
) -> TuningRequest:
    n_items = inputs.popularity.shape[0]
    pos = np.asarray(past, dtype=np.int64)
    items = events.item_idx[pos]
    allow = np.ones(n_items, dtype=bool)
    allow[items[items >= 0]] = False
    sources: dict[str, npt.NDArray[np.float32] | None] = {"popular": inputs.popularity}
    sources.update(live_sources(live, user, n_items))
    if pos.size and inputs.cf is not None:
        history = user_history_row(
            items, events.type_codes[pos], events.values[pos], events.timestamps[pos],
            n_items, weights,
        )  # fmt: skip
        sources["cf"] = inputs.cf.score(history)[0]
    if pos.size and inputs.vectors is not None:
        w = np.clip(weights.type_weights()[events.type_codes[pos].astype(np.intp)], 0, None)
        times = events.timestamps[pos]
        profile = pool_profile(
            inputs.vectors[items], w, times, float(times.max()), PROFILE_HALF_LIFE_S
        )
        sources["semantic"] = None if profile is None else inputs.vectors @ profile
    enabled = with_evidence(sources, settings.rank.sources)
    return _candidates(enabled, allow, target, int(np.unique(items).size), inputs.popularity)


def _candidates(
    sources: Mapping[str, npt.NDArray[np.float32]],
    allow: npt.NDArray[np.bool_],
    target: int,
    n_history: int,
    popularity: npt.NDArray[np.float32],
) -> TuningRequest:
    normed = {name: normalised_ranks(values, allow) for name, values in sources.items()}
    chosen = {target}
    for _, ranks in normed.values():
        chosen.update(np.flatnonzero(ranks < CANDIDATES_PER_SOURCE).tolist())
    cands = np.asarray(sorted(chosen), dtype=np.int64)
    return TuningRequest(
        int(np.searchsorted(cands, target)),
        {name: norm[cands] for name, (norm, _) in normed.items()},
        {name: ranks[cands] for name, (_, ranks) in normed.items()},
        n_history,
        normalise(popularity, allow)[cands],
    )


def record_requests(
    events: EventArrays,
    n_items: int,
    settings: Settings,
    weights: EventWeights,
    cf_name: str,
    vectors: npt.NDArray[np.float32] | None = None,
    seed: int = 0,
) -> list[TuningRequest]:
    """Replay the newest events and record up to `settings.rank.tune_requests` requests."""
    order = np.lexsort((np.arange(len(events)), events.timestamps))
    order = order[events.item_idx[order] >= 0]
    n_given = len(order) - max(1, round(len(order) * REPLAY_SHARE))
    if n_given < 1:
        return []
    given = _subset(events, np.sort(order[:n_given]))
    inputs = _fit_inputs(given, n_items, settings, weights, cf_name, vectors)
    live = LiveState.from_events(given, weights, n_items)
    past: dict[int, list[int]] = {}
    for pos in np.sort(order[:n_given]).tolist():
        past.setdefault(int(events.user_idx[pos]), []).append(pos)
    replay = order[n_given:]
    rng = np.random.default_rng(seed)
    size = min(settings.rank.tune_requests * 2, replay.size)
    sampled = set(rng.choice(replay, size=size, replace=False).tolist())
    requests: list[TuningRequest] = []
    for pos in replay.tolist():
        user, item = int(events.user_idx[pos]), int(events.item_idx[pos])
        mine = past.setdefault(user, [])
        wanted = len(requests) < settings.rank.tune_requests and pos in sampled
        if wanted and item not in set(events.item_idx[mine].tolist()):
            requests.append(_request(inputs, live, events, mine, user, item, weights, settings))
        mine.append(pos)
        live.observe(
            user, item, int(events.type_codes[pos]), float(events.values[pos]),
            float(events.timestamps[pos]),
        )  # fmt: skip
    return requests


def tune_fusion(
    events: EventArrays,
    n_items: int,
    settings: Settings,
    weights: EventWeights,
    cf_name: str,
    vectors: npt.NDArray[np.float32] | None = None,
) -> FusionChoice:
    """The fusion to serve: learned on a replay of the newest events when there are enough."""
    start = default_fusion(settings)
    if not settings.rank.tune:
        return start
    requests = record_requests(events, n_items, settings, weights, cf_name, vectors)
    if len(requests) < settings.rank.tune_min_requests:
        return FusionChoice(start.mode, start.weights, start.history_half, {"requests": 0.0})
    choice = choose_fusion(requests, start.weights, start.history_half)
    return _forced(choice, settings.rank.fusion, requests)


def _forced(choice: FusionChoice, fusion: str, requests: list[TuningRequest]) -> FusionChoice:
    """The validation winner, or the mode the settings name.

    A forced ranker is trained on all requests (the winner stays when none can train one).
    """
    if fusion in ("auto", choice.mode):
        return choice
    ranker = ""
    if fusion == "ranker":
        if not any(trainable(r) for r in requests):
            return choice
        ranker = train_ranker(requests)
    return FusionChoice(
        fusion, choice.weights, choice.history_half, choice.validation, ranker=ranker
    )
