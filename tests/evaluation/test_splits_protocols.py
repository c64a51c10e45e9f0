"""The splitters on small cases worked out by hand, and their argument checks."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.evaluation.splits import (
    cold_item_split,
    global_temporal_split,
    leave_last_n_split,
    prequential_order,
    random_ratio_split,
)


def where(mask: np.ndarray) -> list[int]:
    return np.flatnonzero(mask).tolist()


# ---- global temporal -------------------------------------------------------------------------


def test_global_split_by_fraction() -> None:
    times = np.array([9, 0, 5, 3, 8, 1, 7, 2, 6, 4], dtype=np.float64)
    train, test = global_temporal_split(times)  # default 0.2 -> the 2 latest events
    assert where(test) == [0, 4] and (train == ~test).all()
    assert where(global_temporal_split(times, test_fraction=0.5)[1]) == [0, 2, 4, 6, 8]
    # tiny fractions still give one test event
    assert where(global_temporal_split(times, test_fraction=0.01)[1]) == [0]


def test_global_split_ties_at_the_cut_all_go_to_test() -> None:
    times = np.array([1, 2, 3, 3, 3, 4], dtype=np.float64)
    # 0.2 * 6 -> 1 event wanted; the cut is time 4
    assert where(global_temporal_split(times, 0.2)[1]) == [5]
    # 0.4 * 6 -> 2 wanted; the cut lands on time 3, shared by three events: 4 go to test
    assert where(global_temporal_split(times, 0.4)[1]) == [2, 3, 4, 5]
    assert global_temporal_split(np.zeros(4), 0.2)[1].all()  # one time only: all test


def test_global_split_by_cut_time() -> None:
    times = np.array([5, 1, 4, 4, 3], dtype=np.float64)
    train, test = global_temporal_split(times, cut=4)
    assert where(test) == [0, 2, 3] and where(train) == [1, 4]
    assert global_temporal_split(times, cut=np.float64(0.5))[1].all()
    assert not global_temporal_split(times, cut=6)[1].any()


def test_global_split_empty() -> None:
    for kwargs in ({}, {"cut": 3.0}):
        train, test = global_temporal_split(np.zeros(0), **kwargs)  # type: ignore[arg-type]
        assert train.size == test.size == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"test_fraction": 0.2, "cut": 3.0}, "cut"),
        ({"test_fraction": 0.0}, "test_fraction"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"cut": float("nan")}, "cut"),
        ({"cut": "2024"}, "cut"),
    ],
)
def test_global_split_rejects_bad_arguments(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=rf"^{field}:"):
        global_temporal_split(np.arange(5.0), **kwargs)  # type: ignore[arg-type]


def test_non_finite_timestamps_are_rejected_everywhere() -> None:
    times = np.array([1.0, np.nan])
    users = np.array([0, 0])
    for call in (
        lambda: global_temporal_split(times),
        lambda: leave_last_n_split(users, times),
        lambda: cold_item_split(users, times, cut=1.0),
        lambda: prequential_order(times),
    ):
        with pytest.raises(ValidationError, match=r"^timestamps:"):
            call()


# ---- leave last n ----------------------------------------------------------------------------


def test_leave_last_one_per_user() -> None:
    users = np.array([0, 1, 0, 0, 1, 2, 0])
    times = np.array([4, 7, 9, 2, 3, 5, 9], dtype=np.float64)
    train, test = leave_last_n_split(users, times)
    # user 0: times 4, 9, 2, 9 -> the later 9 (position 6) by position; user 1: 7; user 2 alone
    assert where(test) == [1, 6] and (train == ~test).all()
    # n = 2: user 0 gives both 9s, user 1 keeps one train event
    assert where(leave_last_n_split(users, times, n=2)[1]) == [1, 2, 6]
    # n = 10: everyone keeps exactly their earliest event
    assert where(leave_last_n_split(users, times, n=10)[0]) == [3, 4, 5]


@pytest.mark.parametrize("n", [0, -1, 1.0, True])
def test_leave_last_n_rejects_bad_n(n: object) -> None:
    with pytest.raises(ValidationError, match=r"^n:"):
        leave_last_n_split(np.array([0, 0]), np.array([1.0, 2.0]), n=n)  # type: ignore[arg-type]


def test_leave_last_n_rejects_bad_arrays() -> None:
    with pytest.raises(ValidationError, match=r"^timestamps:"):
        leave_last_n_split(np.array([0, 0]), np.array([1.0]))
    with pytest.raises(ValidationError, match=r"^user_idx:"):
        leave_last_n_split(np.array([0.5, 1.0]), np.array([1.0, 2.0]))


# ---- stratified random ratio -----------------------------------------------------------------


def test_random_ratio_counts_per_user_follow_rounding() -> None:
    # distinct items per user: u0 4, u1 2, u2 1, u3 10
    users = np.repeat([0, 1, 2, 3], [4, 2, 1, 10])
    items = np.r_[0:4, 0:2, 5, 0:10]
    train, test = random_ratio_split(users, items, ratio=0.75, seed=0)
    # round(3.0) = 3, round(1.5) = 2 (half to even), 1 (at least one), round(7.5) = 8
    assert np.bincount(users[train]).tolist() == [3, 2, 1, 8]
    assert (train == ~test).all()
    train, _ = random_ratio_split(users, items, ratio=0.25, seed=0)
    # round(1.0) = 1, round(0.5) = 0 -> at least 1, 1, round(2.5) = 2
    assert np.bincount(users[train]).tolist() == [1, 1, 1, 2]


def test_random_ratio_repeated_pairs_stay_together() -> None:
    users = np.array([0, 0, 0, 0, 0, 0])
    items = np.array([1, 2, 1, 3, 1, 2])
    for seed in range(20):
        train, _ = random_ratio_split(users, items, ratio=0.5, seed=seed)
        assert train[0] == train[2] == train[4] and train[1] == train[5]
        assert len(set(items[train].tolist())) == 2  # round(1.5) = 2 of 3 distinct items


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"ratio": 0.0}, "ratio"), ({"ratio": 1.0}, "ratio"), ({"seed": 1.5}, "seed")],
)
def test_random_ratio_rejects_bad_arguments(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=rf"^{field}:"):
        random_ratio_split(np.array([0, 0]), np.array([1, 2]), **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^item_idx:"):
        random_ratio_split(np.array([0, 0]), np.array([1, 2, 3]))


def test_random_ratio_empty() -> None:
    train, test = random_ratio_split(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert train.size == test.size == 0


# ---- cold items ------------------------------------------------------------------------------


def test_cold_item_split_by_hand() -> None:
    items = np.array([1, 2, 1, 3, 3, 4, 2])
    times = np.array([1, 2, 3, 5, 6, 4, 7], dtype=np.float64)
    train, test = cold_item_split(items, times, cut=5)
    assert where(test) == [3, 4]  # item 3 first appears at 5 = the cut
    assert where(train) == [0, 1, 2, 5]
    assert where(~train & ~test) == [6]  # old item 2 after the cut: in neither
    assert cold_item_split(items, times, cut=0)[1].all()  # every item is new
    assert cold_item_split(items, times, cut=100)[0].all()  # nothing is new


def test_cold_item_split_rejects_bad_cut() -> None:
    with pytest.raises(ValidationError, match=r"^cut:"):
        cold_item_split(np.array([1]), np.array([1.0]), cut=float("inf"))
    with pytest.raises(ValidationError, match=r"^timestamps:"):
        cold_item_split(np.array([1, 2]), np.array([1.0]), cut=1.0)


# ---- prequential -----------------------------------------------------------------------------


def test_prequential_order_by_hand() -> None:
    times = np.array([3, 1, 3, 0, 2, 3, 9, 4, 5, 3], dtype=np.float64)
    given, replay = prequential_order(times)  # 9 of 10 given
    assert where(~given) == [6] and replay.tolist() == [6]
    given, replay = prequential_order(times, start_fraction=0.5)
    # time order (ties by position): 3, 1, 4, 0, 2 | 5, 9, 7, 8, 6
    assert where(given) == [0, 1, 2, 3, 4]
    assert replay.tolist() == [5, 9, 7, 8, 6] and replay.dtype == np.int64


def test_prequential_order_extremes_and_errors() -> None:
    times = np.array([2.0, 1.0, 3.0])
    given, replay = prequential_order(times, start_fraction=0)
    assert not given.any() and replay.tolist() == [1, 0, 2]
    given, replay = prequential_order(times, start_fraction=1.0)
    assert given.all() and replay.size == 0
    given, replay = prequential_order(np.zeros(0))
    assert given.size == replay.size == 0
    for bad in (-0.1, 1.5, None):
        with pytest.raises(ValidationError, match=r"^start_fraction:"):
            prequential_order(times, start_fraction=bad)  # type: ignore[arg-type]
