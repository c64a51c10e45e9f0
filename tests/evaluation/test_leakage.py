"""No test-period event is visible to any system before its turn, in every protocol.

`RecordingSystem` is a real (if simple) System: it recommends popular unseen items and
records every event position it was given, so the test can check what it saw and when.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.evaluation.experiment import evaluate_system
from semrec.evaluation.protocols import PROTOCOLS
from semrec.evaluation.replay import run_replay
from semrec.evaluation.systems.base import EvalData


def synthetic(seed: int = 0, n_users: int = 60, n_items: int = 40, n: int = 1500) -> EvalData:
    rng = np.random.default_rng(seed)
    items = rng.integers(0, n_items, n)
    items[-n // 10 :] = rng.integers(n_items, n_items + 5, n // 10)  # items first seen late
    return EvalData(
        name="synthetic",
        user_idx=rng.integers(0, n_users, n),
        item_idx=items,
        type_codes=rng.integers(0, 4, n).astype(np.int8),
        values=np.full(n, np.nan),
        timestamps=np.sort(rng.uniform(1e9, 1.1e9, n)).round(),  # ties happen after rounding
        n_users=n_users,
        n_items=n_items + 5,
        item_categories=rng.integers(0, 5, n_items + 5),
    )


class RecordingSystem:
    """Recommends the most frequent unseen items and records what it was shown."""

    name = "recording"

    def __init__(self) -> None:
        self.seen: list[int] = []
        self.counts = np.zeros(0)
        self.asked: list[tuple[int, int]] = []  # (user, number of events seen so far)

    def fit(self, data: EvalData, train: NDArray[np.bool_]) -> None:
        self.seen = np.flatnonzero(train).tolist()
        self.counts = np.bincount(data.item_idx[train], minlength=data.n_items).astype(float)

    def observe(self, data: EvalData, events: NDArray[np.int64]) -> None:
        self.seen.extend(events.tolist())
        np.add.at(self.counts, data.item_idx[events], 1.0)

    def recommend(
        self, users: NDArray[np.int64], history: sp.csr_matrix, k: int
    ) -> NDArray[np.int64]:
        out = np.full((len(users), k), -1, dtype=np.int64)
        for row, user in enumerate(users.tolist()):
            self.asked.append((user, len(self.seen)))
            scores = self.counts.copy()
            scores[history[row].indices] = -np.inf
            best = np.argsort(-scores, kind="stable")[:k]
            best = best[np.isfinite(scores[best])]
            out[row, : best.size] = best
        return out


@pytest.mark.parametrize("name", [p for p, spec in PROTOCOLS.items() if spec.split is not None])
def test_static_protocols_never_show_test_events(name: str) -> None:
    data = synthetic()
    split = PROTOCOLS[name].split
    assert split is not None
    train, test = split(data, 0)
    assert not (train & test).any() and test.any()
    system = RecordingSystem()
    result = evaluate_system(system, data, train, test, ks=(10,))
    assert set(system.seen) == set(np.flatnonzero(train).tolist())
    assert result["users"] > 0
    if name in ("temporal", "leave-last-1"):
        for user in np.unique(data.user_idx[test]):
            mine = data.user_idx == user
            assert data.timestamps[mine & train].max() <= data.timestamps[mine & test].min()
    if name in ("global-temporal", "cold-items"):
        assert data.timestamps[train].max() <= data.timestamps[test].min()


def test_replay_shows_each_event_only_after_it_was_predicted() -> None:
    data = synthetic(1)
    systems: list[RecordingSystem] = []

    def make() -> RecordingSystem:
        systems.append(RecordingSystem())
        return systems[-1]

    result = run_replay(data, {"recording": make}, k=10, max_requests=10**6, progress=False)
    (system,) = systems
    order = np.lexsort((np.arange(len(data)), data.timestamps))
    n_given = round(len(data) * 0.9)
    # Everything given, then the replayed events in time order, each exactly once.
    assert system.seen[:n_given] == sorted(order[:n_given].tolist())
    assert system.seen[n_given:] == order[n_given:].tolist()
    # Each request came before its own event was observed: the count of events seen at
    # request time is at most the replayed event's place in time order.
    assert result["recording"]["requests"] == len(system.asked) > 0
    # With the seen list in time order, "seen_count events observed" means the predicted
    # event order[seen_count] (the asked user's) and everything after it were not yet shown.
    for user, seen_count in system.asked:
        assert n_given <= seen_count < len(data)
        assert int(data.user_idx[order[seen_count]]) == user
