"""Train/test splitters over event arrays; they return boolean masks, never copies.

Every splitter is deterministic: equal timestamps are ordered by input position (the later
position counts as later), and the random splitter draws from a seeded generator. Bad
arguments raise `ValidationError` naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semrec.data.errors import ValidationError

__all__ = [
    "cold_item_split",
    "global_temporal_split",
    "leave_last_n_split",
    "per_user_temporal_split",
    "prequential_order",
    "random_ratio_split",
]

Masks = tuple[NDArray[np.bool_], NDArray[np.bool_]]


def _ids(field: str, values: ArrayLike, size: int | None = None) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
        raise ValidationError(field, arr.dtype, "a 1-D array of integer ids")
    if size is not None and arr.size != size:
        raise ValidationError(field, arr.size, f"length {size}, one per event")
    return arr.astype(np.int64, copy=False)


def _times(values: ArrayLike, size: int | None = None) -> NDArray[np.float64]:
    ts = np.asarray(values, dtype=np.float64).ravel()
    if size is not None and ts.size != size:
        raise ValidationError("timestamps", ts.size, f"length {size}, one per event")
    if not np.isfinite(ts).all():
        raise ValidationError("timestamps", "non-finite value", "finite numbers")
    return ts


def _fraction(field: str, value: float, closed: bool = False) -> float:
    number = isinstance(value, int | float | np.integer | np.floating)
    ok = number and (0.0 <= value <= 1.0 if closed else 0.0 < value < 1.0)
    if isinstance(value, bool) or not ok:
        raise ValidationError(field, value, f"a number in {'[0, 1]' if closed else '(0, 1)'}")
    return float(value)


def _timestamp(field: str, value: float) -> float:
    number = isinstance(value, int | float | np.integer | np.floating)
    if isinstance(value, bool) or not number or not np.isfinite(value):
        raise ValidationError(field, value, "a finite timestamp")
    return float(value)


def _groups(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Start positions and sizes of the runs of equal values in sorted `keys`."""
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else keys
    return starts, np.diff(np.r_[starts, keys.size]).astype(np.int64)


def _latest_per_user(
    users: NDArray[np.int64],
    ts: NDArray[np.float64],
    n_test_of: Callable[[NDArray[np.int64]], NDArray[np.int64]],
) -> NDArray[np.bool_]:
    """Test mask holding each user's latest events; `n_test_of(event_counts)` says how many."""
    order = np.lexsort((np.arange(users.size), ts, users))
    starts, counts = _groups(users[order])
    n_test = n_test_of(counts)
    rank = np.arange(users.size) - np.repeat(starts, counts)
    test = np.zeros(users.size, dtype=bool)
    test[order] = rank >= np.repeat(counts - n_test, counts)
    return test


def per_user_temporal_split(
    user_idx: NDArray[np.integer],
    timestamps: NDArray[np.floating],
    test_fraction: float = 0.2,
) -> Masks:
    """Send each user's latest events to test: ``(train_mask, test_mask)``.

    A user with ``n >= 2`` events gets ``round(n * test_fraction)`` test events, at least 1 and
    at most ``n - 1``; users with fewer than 2 events stay all train. Equal timestamps keep
    their input order (the later position counts as later).

    >>> train, test = per_user_temporal_split(np.array([0, 0, 0, 1]), np.array([3., 1., 2., 5.]),
    ...                                       test_fraction=0.3)
    >>> test.tolist()
    [True, False, False, False]
    """
    users = _ids("user_idx", user_idx)
    ts = _times(timestamps, users.size)
    fraction = _fraction("test_fraction", test_fraction)

    def n_test_of(counts: NDArray[np.int64]) -> NDArray[np.int64]:
        n_test = np.clip(np.rint(counts * fraction), 1, counts - 1).astype(np.int64)
        return np.where(counts < 2, 0, n_test)

    test = _latest_per_user(users, ts, n_test_of)
    return ~test, test


def leave_last_n_split(user_idx: ArrayLike, timestamps: ArrayLike, n: int = 1) -> Masks:
    """Each user's last `n` events (by time, ties by position) go to test.

    A user always keeps at least one train event: a user with ``m <= n`` events sends
    ``m - 1`` to test, and a user with a single event stays all train.

    >>> train, test = leave_last_n_split([0, 0, 1, 0, 1, 2], [1, 3, 5, 2, 4, 9], n=1)
    >>> test.tolist()
    [False, True, True, False, False, False]
    >>> leave_last_n_split([0, 0, 0], [1, 1, 1], n=5)[1].tolist()  # keeps the first as train
    [False, True, True]
    """
    users = _ids("user_idx", user_idx)
    ts = _times(timestamps, users.size)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValidationError("n", n, "an integer >= 1")
    n_max = int(n)
    test = _latest_per_user(users, ts, lambda counts: np.minimum(n_max, counts - 1))
    return ~test, test


def global_temporal_split(
    timestamps: ArrayLike, test_fraction: float | None = None, *, cut: float | None = None
) -> Masks:
    """Split all events at one time: events at or after the cut go to test, earlier to train.

    Give `cut` (a timestamp) or `test_fraction` (default 0.2 when neither is given). With a
    fraction the cut is the time of the event at position ``n - max(1, round(n * fraction))``
    in time order; every event sharing that time goes to test too, so ties at the cut make the
    test share larger than asked (all-equal timestamps put everything in test). Nothing in
    train is later than anything in test.

    >>> train, test = global_temporal_split([5, 1, 4, 2, 3], test_fraction=0.4)
    >>> test.tolist()
    [True, False, True, False, False]
    >>> global_temporal_split([5, 1, 4, 4, 3], cut=4)[1].tolist()  # ties at the cut: test
    [True, False, True, True, False]
    """
    ts = _times(timestamps)
    if cut is not None and test_fraction is not None:
        raise ValidationError("cut", cut, "either cut or test_fraction, not both")
    if cut is None:
        fraction = _fraction("test_fraction", 0.2 if test_fraction is None else test_fraction)
        if ts.size == 0:
            return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
        n_test = min(ts.size, max(1, int(np.rint(ts.size * fraction))))
        cut = float(np.sort(ts)[ts.size - n_test])
    test = ts >= _timestamp("cut", cut)
    return ~test, test


def random_ratio_split(
    user_idx: ArrayLike, item_idx: ArrayLike, ratio: float = 0.75, seed: int = 42
) -> Masks:
    """Stratified per-user random split of distinct (user, item) pairs.

    The protocol of Microsoft Recommenders' ``python_stratified_split`` and RecBole's random
    ratio split ("RS"), done on distinct pairs rather than rows. Each user's distinct items
    are shuffled by a generator seeded with `seed`; the first ``round(ratio * m)`` of the
    user's ``m`` pairs (half to even, like Python's `round`, as Recommenders rounds; at least
    1) go to train, the rest to test. Every event of a pair follows it, so one (user, item)
    never lands on both sides. The result does not depend on the order of the input events.
    Time is ignored: use a temporal splitter to measure prediction of the future.

    >>> train, test = random_ratio_split([0, 0, 0, 0, 1], [7, 8, 7, 9, 3], ratio=0.5, seed=1)
    >>> train.tolist()  # user 0: 3 distinct items, round(1.5) = 2 train; user 1: 1 item, train
    [True, False, True, True, True]
    """
    users = _ids("user_idx", user_idx)
    items = _ids("item_idx", item_idx, users.size)
    share = _fraction("ratio", ratio)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValidationError("seed", seed, "an integer")
    if users.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    order = np.lexsort((items, users))
    new_pair = np.r_[True, (np.diff(users[order]) != 0) | (np.diff(items[order]) != 0)]
    pair_of_event = np.empty(users.size, dtype=np.int64)
    pair_of_event[order] = np.cumsum(new_pair) - 1
    pair_users = users[order][new_pair]  # sorted by (user, item)
    keys = np.random.default_rng(int(seed)).random(pair_users.size)
    shuffled = np.lexsort((keys, pair_users))
    starts, counts = _groups(pair_users)
    n_train = np.maximum(np.rint(counts * share), 1).astype(np.int64)
    rank = np.arange(pair_users.size) - np.repeat(starts, counts)
    pair_train = np.zeros(pair_users.size, dtype=bool)
    pair_train[shuffled] = rank < np.repeat(n_train, counts)
    train = pair_train[pair_of_event]
    return train, ~train


def cold_item_split(item_idx: ArrayLike, timestamps: ArrayLike, cut: float) -> Masks:
    """Hold out items that first appear at or after `cut`, to test cold-start recommendations.

    Test holds every event of an item first seen at or after the cut. Train holds events
    before the cut on items first seen before it. Events at or after the cut on items already
    seen before it are in neither mask (they are neither cold nor past), so
    ``train | test`` is not all events.

    >>> train, test = cold_item_split([1, 1, 2, 3, 2], [1, 5, 6, 2, 7], cut=5)
    >>> train.tolist(), test.tolist()  # event 1 (old item 1 after the cut) is in neither
    ([True, False, False, True, False], [False, False, True, False, True])
    """
    items = _ids("item_idx", item_idx)
    ts = _times(timestamps, items.size)
    cut = _timestamp("cut", cut)
    uniq, inverse = np.unique(items, return_inverse=True)
    first_seen = np.full(uniq.size, np.inf)
    np.minimum.at(first_seen, inverse.ravel(), ts)
    cold = first_seen[inverse.ravel()] >= cut
    return (ts < cut) & ~cold, cold


def prequential_order(
    timestamps: ArrayLike, start_fraction: float = 0.9
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Events to fit on first and the rest to replay one by one: ``(given_mask, replay_positions)``.

    The first ``round(n * start_fraction)`` events in time order (ties by position) are given;
    `replay_positions` lists the other events' positions sorted by (time, position), so every
    replayed event is at or after every given one. `start_fraction` may be 0 (replay all) or
    1 (replay nothing).

    >>> given, replay = prequential_order([4, 1, 3, 2, 5], start_fraction=0.6)
    >>> given.tolist(), replay.tolist()
    ([False, True, True, True, False], [0, 4])
    """
    ts = _times(timestamps)
    fraction = _fraction("start_fraction", start_fraction, closed=True)
    order = np.lexsort((np.arange(ts.size), ts)).astype(np.int64)
    n_given = int(np.rint(ts.size * fraction))
    given = np.zeros(ts.size, dtype=bool)
    given[order[:n_given]] = True
    return given, order[n_given:]
