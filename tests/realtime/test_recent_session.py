"""Recent windows and session vectors against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.models.interactions import EventWeights
from semrec.realtime import RecentEvent, RecentItems, SessionVector

from .streams import as_arrays

VIEW, CLICK, PURCHASE, SEARCH = 0, 1, 3, 6
# 2-d embeddings: item 2 has no text yet (zero row)
EMB = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [1.0, 1.0]], dtype=np.float32)


def test_window_is_bounded_to_the_newest_events() -> None:
    recent = RecentItems(capacity=3)
    for k, item in enumerate([5, 6, 7, 8, 9]):
        recent.push(0, item, 1.0, float(k))
    assert recent.items(0).tolist() == [7, 8, 9]
    assert recent.window(0)[0] == RecentEvent(7, 1.0, 2.0)
    recent.push(0, -1, 1.0, 9.0)  # no item
    recent.push(0, 4, 0.0, 9.0)  # zero weight
    assert recent.items(0).tolist() == [7, 8, 9]


def test_forget_removes_everything_of_that_user_only() -> None:
    recent = RecentItems.from_events(
        as_arrays([(0, 1, VIEW, 0.0), (1, 2, VIEW, 0.0), (0, 3, VIEW, 1.0)]), EventWeights()
    )
    recent.push(1, 4, 1.0, 2.0)
    recent.forget(0)
    recent.forget(1)
    recent.forget(42)  # unknown: nothing to do
    assert recent.items(0).size == 0 and recent.items(1).size == 0
    assert len(recent) == 0
    recent.push(0, 8, 1.0, 3.0)
    assert recent.items(0).tolist() == [8]


def test_bulk_window_keeps_the_last_events_in_arrival_order() -> None:
    # user 0: views 1, 2, a search, a purchase of 3 (8), views 4; capacity 3 -> 2, 3, 4
    events = [(0, 1, VIEW, 0.0), (1, 9, CLICK, 0.5), (0, 2, VIEW, 1.0), (0, -1, SEARCH, 2.0)]
    events += [(0, 3, PURCHASE, 3.0), (0, 4, VIEW, 2.5)]
    recent = RecentItems.from_events(as_arrays(events), EventWeights(), capacity=3)
    items, weights, ts = recent.arrays(0)
    assert items.tolist() == [2, 3, 4]
    assert weights.tolist() == [1.0, 8.0, 1.0]
    assert ts.tolist() == [1.0, 3.0, 2.5]
    assert recent.window(1) == (RecentEvent(9, 2.0, 0.5),)
    assert len(recent) == 2
    recent.push(0, 5, 1.0, 4.0)  # a bulk window continues live
    assert recent.items(0).tolist() == [3, 4, 5]


def test_session_vector_is_the_decayed_mean_by_hand() -> None:
    sv = SessionVector(EMB, decay=0.5, half_life=None)
    sv.update(0, 0, 1.0, 0.0)  # [1, 0] weight 1
    sv.update(0, 1, 2.0, 10.0)  # [0, 1] weight 2; the older one decays to 0.5
    sv.update(0, 2, 4.0, 20.0)  # no embedding: skipped, no decay either
    np.testing.assert_allclose(sv.vector(0), [0.5 / 2.5, 2 / 2.5], rtol=1e-6)
    sv.update(0, 3, 8.0, 30.0)  # [1, 1] weight 8: num = 0.5*[0.5, 2] + 8*[1, 1]
    np.testing.assert_allclose(sv.vector(0), [8.25 / 9.25, 9 / 9.25], rtol=1e-6)
    assert sv.vector(1) is None


def test_session_vector_halves_older_events_per_half_life() -> None:
    sv = SessionVector(EMB, decay=1.0, half_life=10.0)
    sv.update(0, 0, 1.0, 0.0)
    sv.update(0, 1, 1.0, 10.0)  # 10 s later: the first event counts 0.5
    np.testing.assert_allclose(sv.vector(0), [0.5 / 1.5, 1 / 1.5], rtol=1e-6)


def test_session_vector_bulk_build_and_forget() -> None:
    events = [(0, 0, VIEW, 0.0), (1, 3, VIEW, 0.0), (0, 1, CLICK, 10.0), (0, 2, VIEW, 20.0)]
    sv = SessionVector.from_events(
        as_arrays(events), EventWeights(), EMB, decay=0.5, half_life=None
    )
    np.testing.assert_allclose(sv.vector(0), [0.2, 0.8], rtol=1e-6)
    np.testing.assert_allclose(sv.vector(1), [1.0, 1.0], rtol=1e-6)
    sv.forget(0)
    assert sv.vector(0) is None and len(sv) == 1
    sv.update(1, 9, 1.0, 5.0)  # beyond the embedding matrix: skipped
    np.testing.assert_allclose(sv.vector(1), [1.0, 1.0], rtol=1e-6)


def test_session_vector_rejects_a_bad_matrix() -> None:
    with pytest.raises(ValidationError, match="embeddings"):
        SessionVector(np.zeros(3))
    with pytest.raises(ValidationError, match="decay"):
        SessionVector(EMB, decay=0.0)
