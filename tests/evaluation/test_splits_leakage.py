"""Leakage and partition properties of every splitter, on random event logs full of ties.

Timestamps are drawn from a few values so that equal times are the rule, not the exception:
that is where a splitter would leak the future into train.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from semrec.evaluation.splits import (
    cold_item_split,
    global_temporal_split,
    leave_last_n_split,
    per_user_temporal_split,
    prequential_order,
    random_ratio_split,
)

Log = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]


@st.composite
def event_logs(draw: st.DrawFn, max_events: int = 60) -> Log:
    n = draw(st.integers(0, max_events))
    ints = st.lists(st.integers(0, 6), min_size=n, max_size=n)
    users = np.array(draw(ints), dtype=np.int64)
    items = np.array(draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), dtype=np.int64)
    times = np.array(draw(ints), dtype=np.float64)
    return users, items, times


def large_log(seed: int = 0, n: int = 2000) -> Log:
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, 50, n),
        rng.integers(0, 80, n),
        rng.integers(0, 100, n).astype(np.float64),
    )


def assert_partition(train: NDArray[np.bool_], test: NDArray[np.bool_], n: int) -> None:
    assert train.dtype == test.dtype == np.bool_ and train.shape == test.shape == (n,)
    assert not (train & test).any() and (train | test).all()


def assert_no_user_sees_the_future(
    users: NDArray[np.int64], times: NDArray[np.float64], train: NDArray[np.bool_]
) -> None:
    """Per user, every train event precedes every test event in (time, position) order."""
    positions = np.arange(users.size)
    for user in np.unique(users):
        mine = users == user
        tr, te = mine & train, mine & ~train
        if tr.any() and te.any():
            last_train = max(zip(times[tr], positions[tr], strict=True))
            first_test = min(zip(times[te], positions[te], strict=True))
            assert last_train < first_test


@settings(max_examples=150, deadline=None)
@given(log=event_logs(), fraction=st.floats(0.05, 0.95))
def test_per_user_temporal_split(log: Log, fraction: float) -> None:
    users, _, times = log
    train, test = per_user_temporal_split(users, times, fraction)
    assert_partition(train, test, users.size)
    assert_no_user_sees_the_future(users, times, train)
    for user in np.unique(users):  # at least one train event, at least one test if >= 2
        mine = users == user
        assert train[mine].any() and (test[mine].any() or mine.sum() < 2)


@settings(max_examples=150, deadline=None)
@given(log=event_logs(), n=st.integers(1, 5))
def test_leave_last_n_split(log: Log, n: int) -> None:
    users, _, times = log
    train, test = leave_last_n_split(users, times, n=n)
    assert_partition(train, test, users.size)
    assert_no_user_sees_the_future(users, times, train)
    for user in np.unique(users):
        count = int((users == user).sum())
        assert int(test[users == user].sum()) == min(n, count - 1)


@settings(max_examples=150, deadline=None)
@given(log=event_logs(), fraction=st.floats(0.05, 0.95))
def test_global_temporal_split(log: Log, fraction: float) -> None:
    _, _, times = log
    train, test = global_temporal_split(times, test_fraction=fraction)
    assert_partition(train, test, times.size)
    if train.any() and test.any():
        assert times[train].max() < times[test].min()  # ties at the cut all went to test
    if times.size:
        assert test.sum() >= min(times.size, max(1, round(times.size * fraction)))
    cut = float(np.median(times)) if times.size else 0.0
    train, test = global_temporal_split(times, cut=cut)
    assert_partition(train, test, times.size)
    assert (times[train] < cut).all() and (times[test] >= cut).all()


@settings(max_examples=150, deadline=None)
@given(log=event_logs(), ratio=st.floats(0.05, 0.95), seed=st.integers(0, 2**32 - 1))
def test_random_ratio_split(log: Log, ratio: float, seed: int) -> None:
    users, items, _ = log
    train, test = random_ratio_split(users, items, ratio=ratio, seed=seed)
    assert_partition(train, test, users.size)
    pairs_train = set(zip(users[train].tolist(), items[train].tolist(), strict=True))
    pairs_test = set(zip(users[test].tolist(), items[test].tolist(), strict=True))
    assert not pairs_train & pairs_test  # the same (user, item) never on both sides
    for user in np.unique(users):
        distinct = len(set(items[users == user].tolist()))
        n_train = len({i for u, i in pairs_train if u == user})
        assert n_train == max(1, round(distinct * ratio))  # Python rounds half to even too
        assert abs(n_train - distinct * ratio) <= max(0.5, 1 - distinct * ratio)
    again = random_ratio_split(users, items, ratio=ratio, seed=seed)
    assert (again[0] == train).all() and (again[1] == test).all()


@settings(max_examples=60, deadline=None)
@given(log=event_logs(), seed=st.integers(0, 1000), shuffle_seed=st.integers(0, 1000))
def test_random_ratio_split_ignores_event_order(log: Log, seed: int, shuffle_seed: int) -> None:
    users, items, _ = log
    perm = np.random.default_rng(shuffle_seed).permutation(users.size)
    train, _ = random_ratio_split(users, items, seed=seed)
    shuffled_train, _ = random_ratio_split(users[perm], items[perm], seed=seed)
    assert (shuffled_train == train[perm]).all()


def test_random_ratio_split_seeds() -> None:
    users, items, _ = large_log()
    first = random_ratio_split(users, items, seed=1)[0]
    assert (random_ratio_split(users, items, seed=1)[0] == first).all()
    others = [random_ratio_split(users, items, seed=s)[0] for s in (2, 3, 42)]
    assert all((other != first).any() for other in others)
    assert len({o.tobytes() for o in others}) == 3


@settings(max_examples=150, deadline=None)
@given(log=event_logs(), cut=st.integers(-1, 7))
def test_cold_item_split(log: Log, cut: int) -> None:
    _, items, times = log
    train, test = cold_item_split(items, times, cut=cut)
    assert not (train & test).any()
    assert (times[train] < cut).all() and (times[test] >= cut).all()
    assert not set(items[train].tolist()) & set(items[test].tolist())  # test items are new
    for item in set(items[test].tolist()):
        assert times[items == item].min() >= cut
    old_items = set(items[times < cut].tolist())
    gap = ~train & ~test  # exactly the documented gap: old items at or after the cut
    expected_gap = (times >= cut) & np.isin(items, list(old_items))
    assert (gap == expected_gap).all()
    assert train.sum() == (times < cut).sum()  # everything before the cut is train


@settings(max_examples=150, deadline=None)
@given(log=event_logs(), fraction=st.floats(0.0, 1.0))
def test_prequential_order(log: Log, fraction: float) -> None:
    _, _, times = log
    given_mask, replay = prequential_order(times, start_fraction=fraction)
    assert given_mask.shape == times.shape and replay.dtype == np.int64
    assert sorted(np.flatnonzero(given_mask).tolist() + replay.tolist()) == list(range(times.size))
    assert not given_mask[replay].any()
    assert given_mask.sum() == round(times.size * fraction)
    if given_mask.any() and replay.size:
        assert times[replay].min() >= times[given_mask].max()
    keys = list(zip(times[replay].tolist(), replay.tolist(), strict=True))
    assert keys == sorted(keys)  # replayed by (time, position)


def test_split_sizes_on_a_large_log() -> None:
    users, items, times = large_log(seed=5, n=20000)  # 50 users of about 400 events each
    sizes = {
        "per-user": (per_user_temporal_split(users, times), 0.2),
        "leave-last-3": (leave_last_n_split(users, times, n=3), 150 / 20000),
        "global": (global_temporal_split(times), 0.2),
        "random": (random_ratio_split(users, items), 0.25),
    }
    for name, ((train, test), share) in sizes.items():
        assert_partition(train, test, users.size)
        assert abs(test.mean() - share) < 0.01, name
