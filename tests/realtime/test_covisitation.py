"""Co-visitation counts and scores checked against sums worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from semrec.data.errors import ValidationError
from semrec.models.interactions import EventWeights
from semrec.realtime import CoVisitation, RecentItems

from .streams import Row, as_arrays, event_streams

VIEW, CLICK, PURCHASE, SEARCH, SKIP = 0, 1, 3, 6, 7

# (user, item, type, ts). Weights (EventWeights defaults): view 1, click 2, purchase 8.
EVENTS = [
    (0, 1, VIEW, 0.0),
    (0, 2, VIEW, 10.0),
    (0, 3, CLICK, 20.0),
    (0, 1, PURCHASE, 30.0),
    (0, 4, VIEW, 40.0),
    (0, -1, SEARCH, 45.0),
    (0, 2, SKIP, 46.0),
    (0, 5, VIEW, 500.0),
    (1, 2, VIEW, 0.0),
    (1, 3, VIEW, 50.0),
]


def replay(cov: CoVisitation, events: list[tuple[int, int, int, float]]) -> CoVisitation:
    """Feed `events` one by one through `update`, keeping windows in a `RecentItems`."""
    weights = EventWeights().type_weights()
    recent = RecentItems(capacity=20)
    for user, item, code, ts in events:
        w = float(weights[code])
        if item >= 0 and w > 0:
            cov.update(recent.window(user), item, w, ts)
            recent.push(user, item, w, ts)
    return cov


def test_counts_equal_the_hand_computed_sums() -> None:
    # user 0: 1 -> 2 adds 1 to (1,2); 3 (click, 2) adds 2 to (2,3) and 2*0.5 to (1,3);
    # 1 (purchase, 8) adds 8 to (3,1) and 4 to (2,1); 4 (view) adds 1 to (1,4), 0.5 to (3,4),
    # 0.25 to (2,4); 5 at t=500 is 460 s after 4, beyond max_gap. user 1: 2 -> 3 adds 1.
    cov = replay(CoVisitation(window=3, max_gap=100.0, distance_decay=0.5), EVENTS)
    expected = {(1, 2): 5.0, (1, 3): 9.0, (2, 3): 3.0, (1, 4): 1.0, (3, 4): 0.5, (2, 4): 0.25}
    dense = np.zeros((6, 6))
    for (i, j), c in expected.items():
        dense[i, j] = dense[j, i] = c
    np.testing.assert_allclose(cov.to_csr(6).toarray(), dense)
    assert cov.count(1, 3) == pytest.approx(9.0)
    assert [cov.mass(i) for i in range(6)] == pytest.approx([0.0, 15.0, 8.25, 12.5, 1.75, 0.0])


def test_window_of_two_drops_the_third_item_back() -> None:
    cov = replay(CoVisitation(window=2, max_gap=100.0, distance_decay=0.5), EVENTS)
    assert cov.count(2, 4) == 0.0  # 2 was three events before 4
    assert cov.count(3, 4) == pytest.approx(0.5)
    assert cov.count(1, 2) == pytest.approx(5.0)


def test_time_window_excludes_pairs_further_apart() -> None:
    cov = replay(CoVisitation(window=3, max_gap=100.0, distance_decay=0.5), EVENTS)
    assert cov.to_csr(6).getrow(5).nnz == 0
    wide = replay(CoVisitation(window=3, max_gap=1000.0, distance_decay=0.5), EVENTS)
    assert wide.count(4, 5) == pytest.approx(1.0)


def test_scores_rank_the_strongest_normalised_neighbour_first() -> None:
    cov = replay(CoVisitation(window=3, max_gap=100.0, distance_decay=0.5), EVENTS)
    scores = cov.scores([2], [1.0], n_items=6)
    s2, s1, s3, s4 = 8.25, 15.0, 12.5, 1.75
    expected = [
        0.0,
        5 / math.sqrt(s2 * s1),
        0.0,
        3 / math.sqrt(s2 * s3),
        0.25 / math.sqrt(s2 * s4),
        0,
    ]
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
    assert scores.dtype == np.float32
    assert int(np.argmax(scores)) == 1


def test_newer_recent_items_weigh_more() -> None:
    # 10 and 20 are only seen together, as are 30 and 40: identical normalised neighbours.
    events = [(0, 10, VIEW, 0.0), (0, 20, VIEW, 1.0), (1, 30, VIEW, 0.0), (1, 40, VIEW, 1.0)]
    cov = replay(CoVisitation(recency=0.5), events)
    assert int(np.argmax(cov.scores([10, 30], [1.0, 1.0], 50))) == 40
    assert int(np.argmax(cov.scores([30, 10], [1.0, 1.0], 50))) == 20
    scores = cov.scores([10, 30], [1.0, 1.0], 50)
    assert scores[40] == pytest.approx(1.0) and scores[20] == pytest.approx(0.5)


def test_bulk_build_equals_the_hand_counts_and_grows_to_new_items() -> None:
    cov = CoVisitation.from_events(
        as_arrays(EVENTS), EventWeights(), n_items=3, window=3, max_gap=100.0, distance_decay=0.5
    )
    assert cov.n_items == 6
    assert cov.count(1, 3) == pytest.approx(9.0) and cov.count(4, 2) == pytest.approx(0.25)
    cov.update([], 9, 1.0, 0.0)
    assert cov.n_items == 10
    assert cov.scores([1], [1.0], n_items=3).shape == (3,)


def test_unknown_and_empty_histories_score_zero() -> None:
    cov = replay(CoVisitation(), EVENTS)
    assert not cov.scores([], [], 6).any()
    assert not cov.scores([99, -1], [1.0, 1.0], 6).any()


def test_bad_parameters_are_rejected() -> None:
    with pytest.raises(ValidationError, match="distance_decay"):
        CoVisitation(distance_decay=1.5)
    with pytest.raises(ValidationError, match="window"):
        CoVisitation(window=0)


@settings(max_examples=80, deadline=None)
@given(event_streams(n_users=3, n_items=6))
def test_bulk_build_equals_repeated_updates(events: list[Row]) -> None:
    params = {"window": 3, "max_gap": 60.0, "distance_decay": 0.5, "merge_at": 2}
    inc = replay(CoVisitation(**params), events)
    weights = EventWeights().type_weights()  # a plain array, like `replay`: no rating scale
    bulk = CoVisitation.from_events(as_arrays(events), weights, 6, **params)
    np.testing.assert_allclose(bulk.to_csr(6).toarray(), inc.to_csr(6).toarray(), rtol=1e-6)
    for i in range(6):
        assert bulk.mass(i) == pytest.approx(inc.mass(i), rel=1e-9)
        np.testing.assert_allclose(bulk.scores([i], [1.0], 6), inc.scores([i], [1.0], 6), rtol=1e-5)


@settings(max_examples=40, deadline=None)
@given(event_streams(n_users=3, n_items=6))
def test_rows_are_each_items_row_in_turn(events: list[Row]) -> None:
    cov = replay(CoVisitation(window=3, merge_at=2), events)
    items = np.array([5, 0, 7, 2, 2, -1], dtype=np.int64)  # 7 and -1 are unknown
    (cols, vals), counts = cov.rows(items)
    assert counts.tolist() == [cov.row(int(i))[0].size for i in items]
    np.testing.assert_array_equal(cols, np.concatenate([cov.row(int(i))[0] for i in items]))
    np.testing.assert_array_equal(vals, np.concatenate([cov.row(int(i))[1] for i in items]))
