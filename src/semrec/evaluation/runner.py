"""Offline evaluation runner: rank every item for each test user and average the metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.evaluation.metrics import hit_rate_at_k, ndcg_at_k, recall_at_k

__all__ = ["ScoreFn", "evaluate_ranking"]

#: Maps history rows (CSR, rows x items) to dense scores (rows x items), e.g. `Model.score`.
ScoreFn = Callable[[sp.csr_matrix], NDArray[Any]]

_METRICS = {"ndcg": ndcg_at_k, "hit_rate": hit_rate_at_k, "recall": recall_at_k}


def _ranked(scores: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """Indices of the `k` highest finite scores, best first (ties: lower index first)."""
    finite = np.flatnonzero(np.isfinite(scores))
    vals = scores[finite]
    order = np.lexsort((finite, -vals))[:k]
    return finite[order].astype(np.int64)


def evaluate_ranking(
    score: ScoreFn,
    train: sp.csr_matrix,
    test: sp.csr_matrix,
    k: int = 10,
    batch_size: int = 1024,
) -> dict[str, float]:
    """Mean NDCG, hit rate and recall at `k` over users with at least one test item.

    Each user's train row is the history passed to `score`; train items are excluded from the
    ranking. Returns ``{"ndcg": .., "hit_rate": .., "recall": .., "users": n}``.
    """
    train, test = sp.csr_matrix(train), sp.csr_matrix(test)
    if train.shape != test.shape:
        raise ValidationError("test", test.shape, f"the shape of train {train.shape}")
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    totals = dict.fromkeys(_METRICS, 0.0)
    for start in range(0, users.size, batch_size):
        chunk = users[start : start + batch_size]
        scores = np.asarray(score(train[chunk]), dtype=np.float64)[:, : train.shape[1]]
        for row, user in zip(scores, chunk, strict=True):
            row[train.indices[train.indptr[user] : train.indptr[user + 1]]] = -np.inf
            relevant = set(test.indices[test.indptr[user] : test.indptr[user + 1]].tolist())
            ranked = _ranked(row, k)
            for name, metric in _METRICS.items():
                totals[name] += metric(ranked, relevant, k)
    n = max(users.size, 1)
    result = {name: total / n for name, total in totals.items()}
    result["users"] = float(users.size)
    return result
