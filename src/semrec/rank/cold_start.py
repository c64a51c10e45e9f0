"""Cold items borrow behaviour from their semantic neighbours (pure functions over arrays).

A collaborative-filtering model scores 0 for an item nobody has touched yet. Such an item
with text gets, instead, a similarity-weighted mean of the model's scores of the warm items
closest to it in meaning, so a new item reaches the people who like items like it from its
first day.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = ["inherit_scores", "semantic_neighbours"]


def semantic_neighbours(
    vectors: npt.NDArray[np.float32],
    cold: npt.NDArray[np.bool_],
    warm: npt.NDArray[np.bool_],
    *,
    neighbours: int = 10,
    min_similarity: float = 0.2,
    batch: int = 1024,
) -> sp.csr_matrix:
    """Rows of cold items: weights over their most similar warm items, summing to at most 1.

    Row i holds, for cold item i, its `neighbours` nearest warm items (cosine of unit
    `vectors`) with similarity at least `min_similarity`, each weighted by
    similarity / sum of similarities, scaled by the mean similarity so a cold item with only
    distant neighbours inherits less. Other rows are empty.

    >>> v = np.array([[1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    >>> m = semantic_neighbours(v, np.array([True, False, False]), np.array([False, True, True]))
    >>> m.toarray().astype(float).round(2).tolist()
    [[0.0, 0.8, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    n = vectors.shape[0]
    cold_ids = np.flatnonzero(cold)
    warm_ids = np.flatnonzero(warm)
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    vals: list[npt.NDArray[np.float32]] = []
    if cold_ids.size and warm_ids.size:
        m = min(neighbours, warm_ids.size)
        warm_vectors = vectors[warm_ids]
        for start in range(0, cold_ids.size, batch):
            chunk = cold_ids[start : start + batch]
            sims = vectors[chunk] @ warm_vectors.T
            best = np.argpartition(-sims, m - 1, axis=1)[:, :m]
            best_sims = np.take_along_axis(sims, best, axis=1)
            best_sims[best_sims < min_similarity] = 0
            total = best_sims.sum(axis=1, keepdims=True)
            count = np.maximum((best_sims > 0).sum(axis=1, keepdims=True), 1)
            weights = np.divide(best_sims, total, where=total > 0, out=np.zeros_like(best_sims))
            weights *= total / count
            keep = weights > 0
            rows.append(np.repeat(chunk, m).reshape(-1, m)[keep])
            cols.append(warm_ids[best][keep])
            vals.append(weights[keep].astype(np.float32))
    if not rows:
        return sp.csr_matrix((n, n), dtype=np.float32)
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
        dtype=np.float32,
    )


def inherit_scores(
    scores: npt.NDArray[np.float32], neighbours: sp.csr_matrix
) -> npt.NDArray[np.float32]:
    """`scores` with each cold item's entry replaced by its neighbours' weighted scores.

    >>> n = sp.csr_matrix(np.array([[0, 0.5, 0.5], [0, 0, 0], [0, 0, 0]], dtype=np.float32))
    >>> inherit_scores(np.array([0.0, 2.0, 4.0], dtype=np.float32), n).tolist()
    [3.0, 2.0, 4.0]
    """
    out = scores.copy()
    has = np.diff(neighbours.indptr) > 0
    if has.any():
        out[has] = (neighbours[has] @ scores).astype(np.float32)
    return out
