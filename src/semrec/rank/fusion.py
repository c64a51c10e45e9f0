"""Fusion of per-source score arrays into one ranking score (pure functions over arrays).

Every source scores the whole catalog (float32[n_items]); scores of different sources live on
different scales, so each is normalised before blending. Items a source does not score carry
NaN or -inf there and count as that source's minimum.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

__all__ = ["RRF_K", "blend", "normalise", "normalise_rows", "reciprocal_rank_fusion"]

#: The usual constant of reciprocal-rank fusion (Cormack et al. 2009).
RRF_K = 60

FloatArray = npt.NDArray[np.float32]


def normalise(
    scores: npt.NDArray[np.floating], mask: npt.NDArray[np.bool_] | None = None
) -> FloatArray:
    """Min-max scale `scores` to [0, 1] over the items in `mask` (all when None).

    Non-finite scores and items outside the mask become 0; a constant source becomes all 0, so
    it neither helps nor hurts any item.

    >>> normalise(np.array([1.0, 3.0, 2.0])).tolist()
    [0.0, 1.0, 0.5]
    """
    values = np.asarray(scores, dtype=np.float32)
    keep = np.isfinite(values) if mask is None else np.isfinite(values) & mask
    kept = values[keep]
    if kept.size == 0 or (low := float(kept.min())) >= (high := float(kept.max())):
        return np.zeros(values.shape, dtype=np.float32)
    # one pass over the whole array, then zero the rest: cheaper than scattering into `keep`
    with np.errstate(invalid="ignore"):
        out = (values - np.float32(low)) / np.float32(high - low)
    out[~keep] = 0
    return out


def normalise_rows(scores: npt.NDArray[np.floating], mask: npt.NDArray[np.bool_]) -> FloatArray:
    """`normalise` of each row of the 2-D `scores` over the same `mask`, in one pass: equal,
    bit for bit, to normalising the rows one by one (cheaper for many short rows).

    >>> normalise_rows(np.array([[1.0, 3.0, 2.0], [5.0, 5.0, 5.0]]), np.ones(3, bool)).tolist()
    [[0.0, 1.0, 0.5], [0.0, 0.0, 0.0]]
    """
    values = np.asarray(scores, dtype=np.float32)
    keep = np.isfinite(values) & mask
    low = np.where(keep, values, np.float32(np.inf)).min(axis=1, initial=np.inf)
    high = np.where(keep, values, np.float32(-np.inf)).max(axis=1, initial=-np.inf)
    spread = (high.astype(np.float64) - low.astype(np.float64)).astype(np.float32)
    flat = ~(low < high)  # nothing kept, or a constant row
    spread[flat], low[flat] = 1, 0
    with np.errstate(invalid="ignore"):
        out: FloatArray = (values - low[:, None]) / spread[:, None]
    out[~keep | flat[:, None]] = 0
    return out


def blend(
    scores: Mapping[str, npt.NDArray[np.floating]],
    weights: Mapping[str, float],
    mask: npt.NDArray[np.bool_] | None = None,
) -> FloatArray:
    """Weighted sum of the normalised scores of the sources named in `weights`.

    >>> blend({"a": np.array([0.0, 2.0]), "b": np.array([5.0, 1.0])}, {"a": 1.0, "b": 0.5}).tolist()
    [0.5, 1.0]
    """
    total: FloatArray | None = None
    for name, weight in weights.items():
        if weight == 0 or name not in scores:
            continue
        part = np.float32(weight) * normalise(scores[name], mask)
        total = part if total is None else total + part
    if total is None:
        n = len(next(iter(scores.values()))) if scores else 0
        return np.zeros(n, dtype=np.float32)
    return total


def reciprocal_rank_fusion(
    scores: Mapping[str, npt.NDArray[np.floating]],
    depth: int = 100,
    k: int = RRF_K,
    mask: npt.NDArray[np.bool_] | None = None,
) -> FloatArray:
    """Sum over sources of 1 / (k + rank), counting each source's top `depth` items only.

    >>> fused = reciprocal_rank_fusion(
    ...     {"a": np.array([3.0, 2.0, 1.0]), "b": np.array([1.0, 2.0, 3.0])}, depth=2, k=1
    ... )
    >>> [round(float(x), 3) for x in fused]
    [0.5, 0.667, 0.5]
    """
    n = len(next(iter(scores.values()))) if scores else 0
    total = np.zeros(n, dtype=np.float32)
    for values in scores.values():
        v = np.asarray(values, dtype=np.float32).copy()
        v[~np.isfinite(v)] = -np.inf
        if mask is not None:
            v[~mask] = -np.inf
        top = min(depth, int(np.isfinite(v).sum()))
        if top == 0:
            continue
        best = np.argpartition(-v, top - 1)[:top] if top < n else np.arange(n)
        best = best[np.argsort(-v[best], kind="stable")][:top]
        total[best] += 1.0 / (k + np.arange(1, top + 1, dtype=np.float32))
    return total
