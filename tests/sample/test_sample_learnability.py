"""The sample data rewards personalisation: item-kNN clearly beats a popularity ranking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from semrec.sample import SampleData

WEIGHTS = {
    "view": 1.0,
    "click": 2.0,
    "add_to_cart": 4.0,
    "purchase": 6.0,
    "rate": 3.0,
    "review": 3.0,
}
K = 10


def _split(
    sample: SampleData,
) -> tuple[np.ndarray, dict[int, set[int]]]:
    """User x item training weights from each user's first 80% of events; test = new items after."""
    items = {item["item_id"]: k for k, item in enumerate(sample.items)}
    users = {taste["user_id"]: k for k, taste in enumerate(sample.tastes)}
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in sample.events:
        if event["type"] in WEIGHTS:
            history[event["user_id"]].append(event)
    rows, cols, vals = [], [], []
    test: dict[int, set[int]] = {}
    for user, events in history.items():
        cut = int(0.8 * len(events))
        for event in events[:cut]:
            rows.append(users[user])
            cols.append(items[event["item_id"]])
            vals.append(WEIGHTS[event["type"]])
        seen = {items[e["item_id"]] for e in events[:cut]}
        held_out = {items[e["item_id"]] for e in events[cut:]} - seen
        if seen and held_out:
            test[users[user]] = held_out
    shape = (len(users), len(items))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)
    return np.asarray(matrix.toarray()), test


def _hit_rate(
    train: np.ndarray, test: dict[int, set[int]], score: Callable[[int], np.ndarray]
) -> float:
    hits = 0
    for user, held_out in test.items():
        scores = score(user).astype(np.float64)
        scores[train[user] > 0] = -np.inf
        top = np.argpartition(-scores, K)[:K]
        hits += bool(held_out & {int(i) for i in top})
    return hits / len(test)


def test_item_knn_beats_popularity(sample: SampleData) -> None:
    train, test = _split(sample)
    assert len(test) >= 700
    popularity = (train > 0).sum(axis=0).astype(np.float64)
    matrix = sp.csr_matrix(train)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=0)).ravel())
    normalised = matrix @ sp.diags(1.0 / np.where(norms > 0, norms, 1.0))
    similarity = sp.csr_matrix(normalised.T @ normalised)
    similarity.setdiag(0.0)
    knn_scores = np.asarray((matrix @ similarity).toarray())
    pop_hr = _hit_rate(train, test, lambda u: popularity)
    knn_hr = _hit_rate(train, test, lambda u: knn_scores[u])
    print(f"HitRate@{K}: popularity {pop_hr:.3f}, item-kNN {knn_hr:.3f}")
    assert knn_hr >= 1.5 * pop_hr, (knn_hr, pop_hr)
    assert knn_hr >= 0.15
