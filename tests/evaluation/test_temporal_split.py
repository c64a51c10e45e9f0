"""per_user_temporal_split: each user's latest events go to test."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.evaluation import per_user_temporal_split


def test_latest_events_of_each_user_go_to_test() -> None:
    users = np.array([0, 1, 0, 0, 1, 0, 0, 2])
    times = np.array([5, 1, 1, 4, 2, 2, 3, 9], dtype=np.float64)
    train, test = per_user_temporal_split(users, times, test_fraction=0.4)
    # user 0 has 5 events -> 2 test (times 5, 4); user 1 has 2 -> 1 test (time 2); user 2: none
    assert np.flatnonzero(test).tolist() == [0, 3, 4]
    assert (train == ~test).all()


def test_every_user_with_two_events_keeps_one_in_train() -> None:
    users = np.repeat(np.arange(50), np.arange(1, 51))
    times = np.random.default_rng(0).random(users.size)
    train, test = per_user_temporal_split(users, times, test_fraction=0.9)
    counts_train = np.bincount(users[train], minlength=50)
    counts_test = np.bincount(users[test], minlength=50)
    assert (counts_train >= 1).all()
    assert counts_test[0] == 0 and (counts_test[1:] >= 1).all()
    for u in range(1, 50):  # nothing in train is later than anything in test
        assert times[train & (users == u)].max() <= times[test & (users == u)].min()


def test_equal_timestamps_keep_input_order() -> None:
    _, test = per_user_temporal_split(np.zeros(4, dtype=np.int64), np.zeros(4), 0.5)
    assert test.tolist() == [False, False, True, True]


def test_empty_input() -> None:
    train, test = per_user_temporal_split(np.zeros(0, dtype=np.int64), np.zeros(0))
    assert train.size == test.size == 0


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1])
def test_bad_fraction_is_rejected(fraction: float) -> None:
    with pytest.raises(ValidationError, match=r"^test_fraction:"):
        per_user_temporal_split(np.zeros(2, dtype=np.int64), np.zeros(2), fraction)


def test_length_mismatch_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"^timestamps:"):
        per_user_temporal_split(np.zeros(2, dtype=np.int64), np.zeros(3))
