"""Prequential replay: the first events are given, the rest arrive one by one in time order.

Before a sampled replayed event, each system is asked for the user's top-k (seen items
excluded); the event is a hit when its item is in that list. Then every system observes the
event. Only events on items new to the user are asked about: a recommender that hides seen
items cannot predict a repeat.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from tqdm import tqdm

from semrec.evaluation.systems.base import EvalData, System
from semrec.models import EventWeights, build_interactions

__all__ = ["run_replay"]


class _LiveHistory:
    """Each user's event positions so far, turned into a weighted history row on request."""

    def __init__(self, data: EvalData, given: NDArray[np.bool_]) -> None:
        self.data = data
        self.weights = EventWeights()
        self.positions: dict[int, list[int]] = {}
        self.items: dict[int, set[int]] = {}
        for pos in np.flatnonzero(given).tolist():
            self.add(pos)

    def add(self, pos: int) -> None:
        user = int(self.data.user_idx[pos])
        self.positions.setdefault(user, []).append(pos)
        self.items.setdefault(user, set()).add(int(self.data.item_idx[pos]))

    def has(self, user: int, item: int) -> bool:
        return item in self.items.get(user, ())

    def row(self, user: int) -> sp.csr_matrix:
        d, pos = self.data, np.asarray(self.positions.get(user, []), dtype=np.int64)
        return build_interactions(
            np.zeros(pos.size, dtype=np.int64),
            d.item_idx[pos],
            d.type_codes[pos],
            d.values[pos],
            d.timestamps[pos],
            1,
            d.n_items,
            weights=self.weights,
        )


def run_replay(
    data: EvalData,
    systems: Mapping[str, Callable[[], System]],
    k: int = 10,
    start_fraction: float = 0.9,
    max_requests: int = 2000,
    seed: int = 0,
    progress: bool = True,
) -> dict[str, Any]:
    """HR@k, NDCG@k and per-request / per-event cost of each system over the replay."""
    order = np.lexsort((np.arange(len(data)), data.timestamps))
    n_given = round(len(data) * start_fraction)
    given = np.zeros(len(data), dtype=bool)
    given[order[:n_given]] = True
    replay = order[n_given:]
    rng = np.random.default_rng(seed)
    sampled = set(rng.choice(replay, size=min(max_requests, replay.size), replace=False).tolist())
    out: dict[str, Any] = {}
    for name, factory in systems.items():
        system = factory()
        start = time.perf_counter()
        system.fit(data, given)
        fit_seconds = time.perf_counter() - start
        out[name] = _replay_one(system, data, given, replay, sampled, k, progress, name)
        out[name]["fit_seconds"] = fit_seconds
        info = getattr(system, "info", None)
        if callable(info):
            out[name].update(info())
        close = getattr(system, "close", None)
        if callable(close):
            close()
    return out


def _replay_one(
    system: System,
    data: EvalData,
    given: NDArray[np.bool_],
    replay: NDArray[np.int64],
    sampled: set[int],
    k: int,
    progress: bool,
    name: str,
) -> dict[str, Any]:
    live = _LiveHistory(data, given)
    hits: list[float] = []
    gains: list[float] = []
    request_ms: list[float] = []
    observe_seconds = 0.0
    pending: list[int] = []

    def flush() -> None:
        nonlocal observe_seconds
        if pending:
            start = time.perf_counter()
            system.observe(data, np.asarray(pending, dtype=np.int64))
            observe_seconds += time.perf_counter() - start
            pending.clear()

    for pos in tqdm(replay.tolist(), desc=f"replay {name}", disable=None if progress else True):
        user, item = int(data.user_idx[pos]), int(data.item_idx[pos])
        if pos in sampled and not live.has(user, item):
            flush()
            row = live.row(user)
            start = time.perf_counter()
            ranked = system.recommend(np.array([user]), row, k)[0]
            request_ms.append((time.perf_counter() - start) * 1000.0)
            where = np.flatnonzero(ranked == item)
            hits.append(1.0 if where.size else 0.0)
            gains.append(1.0 / np.log2(where[0] + 2.0) if where.size else 0.0)
        pending.append(pos)
        live.add(pos)
    flush()
    return {
        f"hr@{k}": float(np.mean(hits)) if hits else 0.0,
        f"ndcg@{k}": float(np.mean(gains)) if gains else 0.0,
        "requests": len(hits),
        "events": int(replay.size),
        "request_ms": request_ms,
        "request_ms_p50": float(np.median(request_ms)) if request_ms else 0.0,
        "observe_ms_per_event": 1000.0 * observe_seconds / max(int(replay.size), 1),
    }
