"""Train/test splitters over event arrays; they return boolean masks, never copies."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError

__all__ = ["per_user_temporal_split"]


def per_user_temporal_split(
    user_idx: NDArray[np.integer],
    timestamps: NDArray[np.floating],
    test_fraction: float = 0.2,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Send each user's latest events to test: ``(train_mask, test_mask)``.

    A user with ``n >= 2`` events gets ``round(n * test_fraction)`` test events, at least 1 and
    at most ``n - 1``; users with fewer than 2 events stay all train. Equal timestamps keep
    their input order (the later position counts as later).

    >>> train, test = per_user_temporal_split(np.array([0, 0, 0, 1]), np.array([3., 1., 2., 5.]),
    ...                                       test_fraction=0.3)
    >>> test.tolist()
    [True, False, False, False]
    """
    users = np.asarray(user_idx).ravel()
    ts = np.asarray(timestamps, dtype=np.float64).ravel()
    if users.size != ts.size:
        raise ValidationError("timestamps", ts.size, f"length {users.size} like user_idx")
    if not 0.0 < test_fraction < 1.0:
        raise ValidationError("test_fraction", test_fraction, "a number in (0, 1)")
    if users.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    order = np.lexsort((np.arange(users.size), ts, users))
    sorted_users = users[order]
    starts = np.flatnonzero(np.r_[True, sorted_users[1:] != sorted_users[:-1]])
    counts = np.diff(np.r_[starts, users.size])
    n_test = np.clip(np.rint(counts * test_fraction), 1, counts - 1).astype(np.int64)
    n_test[counts < 2] = 0
    rank = np.arange(users.size) - np.repeat(starts, counts)
    is_test_sorted = rank >= np.repeat(counts - n_test, counts)
    test = np.zeros(users.size, dtype=bool)
    test[order] = is_test_sorted
    return ~test, test
