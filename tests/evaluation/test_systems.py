"""Peer systems on a synthetic data set with a known structure: three user groups, each
consuming its own block of items (skewed within the block), plus one stray item per user."""

from __future__ import annotations

import doctest
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp

from semrec.data.errors import NotFittedError
from semrec.evaluation.systems import (
    PEERS,
    EASESystem,
    EvalData,
    ImplicitALSSystem,
    ImplicitBPRSystem,
    LightFMSystem,
    PopularitySystem,
    RtrecSLIMSystem,
    System,
    grid_points,
    interactions,
    make_peer,
    tune,
    tuning,
    validation_score,
)

GROUPS, USERS_PER_GROUP, BLOCK, PER_USER, HELD_OUT = 3, 20, 15, 12, 3
N_USERS, N_ITEMS = GROUPS * USERS_PER_GROUP, GROUPS * BLOCK

#: Small settings that learn this data in well under a second each.
FACTORIES: dict[str, Callable[[], System]] = {
    "popularity": PopularitySystem,
    "ease": lambda: EASESystem(l2=10.0),
    "implicit-als": lambda: ImplicitALSSystem(factors=8, regularization=1.0, iterations=10),
    "implicit-bpr": lambda: ImplicitBPRSystem(factors=8, learning_rate=0.05, iterations=60),
    "lightfm-warp": lambda: LightFMSystem(no_components=8, epochs=20),
    "rtrec-slim": lambda: RtrecSLIMSystem(alpha=0.01),
}
LEARNERS = [name for name in FACTORIES if name != "popularity"]


def group_of(user: int) -> int:
    return user // USERS_PER_GROUP


def block(group: int) -> range:
    return range(group * BLOCK, (group + 1) * BLOCK)


def make_data(seed: int = 0) -> EvalData:
    """Each user: `PER_USER` distinct items of their group's block, one item of another block."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, BLOCK + 1) ** 0.7
    users, items = [], []
    for user in range(N_USERS):
        group = group_of(user)
        own = rng.choice(BLOCK, PER_USER, replace=False, p=weights / weights.sum())
        stray = rng.choice([i for i in range(N_ITEMS) if i not in block(group)])
        picks = [*(group * BLOCK + own).tolist(), int(stray)]
        rng.shuffle(picks)
        users += [user] * len(picks)
        items += picks
    n = len(users)
    features = sp.csr_matrix(
        (np.ones(N_ITEMS, np.float32), (np.arange(N_ITEMS), np.arange(N_ITEMS) // BLOCK))
    )
    return EvalData(
        name="blocks",
        user_idx=np.asarray(users, dtype=np.int64),
        item_idx=np.asarray(items, dtype=np.int64),
        type_codes=np.zeros(n, dtype=np.int8),
        values=np.full(n, np.nan),
        timestamps=1.6e9 + 60.0 * rng.permutation(n).astype(np.float64),
        n_users=N_USERS,
        n_items=N_ITEMS,
        item_features=features,
    )


def split(data: EvalData) -> tuple[np.ndarray, np.ndarray]:
    """Each user's last `HELD_OUT` events (by time) are held out."""
    order = np.lexsort((data.timestamps, data.user_idx))
    rank = np.arange(len(data)) - np.searchsorted(data.user_idx[order], data.user_idx[order])
    count = np.bincount(data.user_idx, minlength=data.n_users)[data.user_idx[order]]
    held = np.zeros(len(data), dtype=bool)
    held[order] = rank >= count - HELD_OUT
    return ~held, held


@pytest.fixture(scope="module")
def data() -> EvalData:
    made = make_data()
    train, _ = split(made)
    assert (np.bincount(made.item_idx[train], minlength=N_ITEMS) > 0).all()
    return made


@pytest.fixture(scope="module")
def fitted(data: EvalData) -> dict[str, System]:
    train, _ = split(data)
    systems = {name: make() for name, make in FACTORIES.items()}
    for system in systems.values():
        system.fit(data, train)
    return systems


@pytest.mark.parametrize("name", list(FACTORIES))
def test_recommend_returns_valid_unseen_items(
    name: str, data: EvalData, fitted: dict[str, System]
) -> None:
    train, _ = split(data)
    history = interactions(data, train)
    users = np.arange(N_USERS)
    for k in (10, N_ITEMS):
        recs = fitted[name].recommend(users, history, k)
        assert recs.shape == (N_USERS, k) and recs.dtype == np.int64
        for user, row in zip(users, recs, strict=True):
            seen = set(history[user].indices.tolist())
            items = row[row >= 0]
            # -1 only as padding, and only when every unseen item has been given
            assert (row[: items.size] >= 0).all() and (row[items.size :] == -1).all()
            assert items.size == min(k, N_ITEMS - len(seen))
            assert len(set(items.tolist())) == items.size and not seen & set(items.tolist())
            assert items.max(initial=0) < N_ITEMS


@pytest.mark.parametrize("name", LEARNERS)
def test_learning_peers_beat_popularity(
    name: str, data: EvalData, fitted: dict[str, System]
) -> None:
    train, held = split(data)
    popular = validation_score(fitted["popularity"], data, train, held)
    learned = validation_score(fitted[name], data, train, held)
    assert learned > popular + 0.3, (name, learned, popular)


@pytest.mark.parametrize("name", LEARNERS)
def test_users_unseen_at_fit_are_served_from_their_history(name: str, data: EvalData) -> None:
    user = USERS_PER_GROUP + 3  # group 1
    train, _ = split(data)
    system = FACTORIES[name]()
    system.fit(data, train & (data.user_idx != user))
    system.observe(data, np.flatnonzero(train & (data.user_idx == user)))
    history = interactions(data, train)[[user]]
    recs = system.recommend(np.array([user]), history, 5)[0]
    assert sum(item in block(1) for item in recs) >= 4, recs


@pytest.mark.parametrize("name", LEARNERS)
def test_an_empty_history_gets_the_popular_items(name: str, data: EvalData) -> None:
    train, _ = split(data)
    user = N_USERS - 1
    system = FACTORIES[name]()
    system.fit(data, train & (data.user_idx != user))
    empty = sp.csr_matrix((1, N_ITEMS), dtype=np.float32)
    recs = system.recommend(np.array([user]), empty, 5)[0]
    counts = np.bincount(data.item_idx[train & (data.user_idx != user)], minlength=N_ITEMS)
    # the five most frequent train items (rtrec breaks ties its own way)
    assert sorted(counts[recs].tolist()) == sorted(counts.tolist())[-5:]


def test_rtrec_observe_updates_its_model(data: EvalData) -> None:
    train, _ = split(data)
    system = FACTORIES["rtrec-slim"]()
    system.fit(data, train)
    user = 2  # group 0, now turning to block 2
    before = system.recommend(np.array([user]), interactions(data, train)[[user]], 5)[0]
    new_items = [item for item in block(2)[:4] if item not in data.item_idx[data.user_idx == user]]
    extra = EvalData(
        name="more",
        user_idx=np.r_[data.user_idx, [user] * len(new_items)],
        item_idx=np.r_[data.item_idx, new_items],
        type_codes=np.zeros(len(data) + len(new_items), dtype=np.int8),
        values=np.full(len(data) + len(new_items), np.nan),
        timestamps=np.r_[data.timestamps, 1.7e9 + np.arange(len(new_items))],
        n_users=N_USERS,
        n_items=N_ITEMS,
    )
    positions = np.arange(len(data), len(extra))
    system.observe(extra, positions)
    known = np.r_[train, np.ones(len(new_items), dtype=bool)]
    after = system.recommend(np.array([user]), interactions(extra, known)[[user]], 5)[0]
    assert after.tolist() != before.tolist()
    assert len(set(after.tolist()) & set(block(2))) > len(set(before.tolist()) & set(block(2)))
    assert not set(after.tolist()) & set(new_items)


def test_popularity_observe_counts_new_events(data: EvalData) -> None:
    system = PopularitySystem()
    system.fit(data, np.zeros(len(data), dtype=bool))
    system.observe(data, np.flatnonzero(data.item_idx == 7)[:3])
    empty = sp.csr_matrix((1, N_ITEMS), dtype=np.float32)
    assert system.recommend(np.array([0]), empty, 1)[0, 0] == 7


def test_tune_picks_the_best_point_of_its_table(data: EvalData) -> None:
    train, held = split(data)
    grid = {"l2": (0.1, 10.0, 1e6)}
    best, table = tune(EASESystem, grid, data, train, held)
    assert [row["l2"] for row in table] == [0.1, 10.0, 1e6]
    top = max(table, key=lambda row: row["score"])
    assert best == {"l2": top["l2"]}
    assert all(row["seconds"] >= 0 for row in table)


def test_registry_names_and_grids() -> None:
    assert set(PEERS) == set(FACTORIES)
    for name, (factory, grid) in PEERS.items():
        points = grid_points(grid)
        assert 1 <= len(points) <= 27
        assert factory(**points[0]).name == name == make_peer(name, points[-1]).name


def test_recommend_before_fit_says_what_to_call() -> None:
    for make in FACTORIES.values():
        with pytest.raises(NotFittedError, match=r"fit\(\)"):
            make().recommend(np.array([0]), sp.csr_matrix((1, N_ITEMS)), 3)


def test_tuning_doctests() -> None:
    assert doctest.testmod(tuning).failed == 0
