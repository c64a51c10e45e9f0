"""Top-k selection over a score vector with exclude/allow masks."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError

__all__ = ["top_k"]


def _mask(field: str, mask: NDArray[np.bool_] | None, n: int) -> NDArray[np.bool_] | None:
    """`mask` as a bool array of length `n` (shorter masks are padded with False)."""
    if mask is None:
        return None
    arr = np.asarray(mask, dtype=bool).ravel()
    if arr.size > n:
        raise ValidationError(field, arr.size, f"a boolean mask of at most {n} entries")
    if arr.size < n:
        arr = np.concatenate([arr, np.zeros(n - arr.size, dtype=bool)])
    return arr


def top_k(
    scores: NDArray[np.floating],
    k: int,
    exclude: NDArray[np.bool_] | None = None,
    allow: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The `k` best item ids and their scores, best first, ties broken by the lower id.

    Items that are excluded, not allowed (when `allow` is given; a shorter mask leaves the rest
    disallowed), scored -inf or NaN are never returned, so fewer than `k` may come back.

    >>> top_k(np.array([0.1, 0.5, 0.5, -np.inf]), 3, exclude=np.array([True, False, False]))
    (array([1, 2]), array([0.5, 0.5], dtype=float32))
    """
    vec = np.asarray(scores).ravel()
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise ValidationError("k", k, "an integer >= 0")
    valid = ~np.isnan(vec) & (vec != -np.inf)
    ex = _mask("exclude", exclude, vec.size)
    if ex is not None:
        valid &= ~ex
    al = _mask("allow", allow, vec.size)
    if al is not None:
        valid &= al
    ids = np.flatnonzero(valid).astype(np.int64)
    vals = vec[ids]
    if 0 < k < ids.size:
        threshold = vals[np.argpartition(-vals, k - 1)[:k]].min()
        keep = vals >= threshold  # keeps every tie at the boundary, so lower ids can win
        ids, vals = ids[keep], vals[keep]
    order = np.lexsort((ids, -vals))[:k]
    return ids[order], vals[order].astype(np.float32)
