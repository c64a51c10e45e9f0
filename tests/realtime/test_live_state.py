"""`LiveState`: observe vs bulk congruence, forgetting, weights, validation, threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings

from semrec.data.errors import ValidationError
from semrec.models.interactions import EventWeights
from semrec.realtime import LiveState, RealtimeParams
from semrec.store.base import EventArrays

from .streams import Row, as_arrays, event_streams

PARAMS = RealtimeParams(
    window=3, max_gap=100.0, top_n=1000, merge_at=2, session_gap=60.0, session_half_life=30.0
)
EMB = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32)
EMB[7] = 0.0
VALUES = [float("nan"), 1.0, 4.0]


def observed(events: list[Row], state: LiveState | None = None) -> LiveState:
    """A state that observed `events` one by one (values cycle through VALUES)."""
    if state is None:
        state = LiveState(EventWeights(), params=PARAMS, embeddings=EMB, n_items=8)
    for k, (user, item, code, ts) in enumerate(events):
        state.observe(user, item, code, VALUES[k % 3], ts)
    return state


def arrays(events: list[Row], offset: int = 0) -> EventArrays:
    """The events as arrays, with the values `observed` gives them."""
    return as_arrays(events, [VALUES[(offset + k) % 3] for k in range(len(events))])


def assert_same(a: LiveState, b: LiveState, now: float) -> None:
    """Every counter of `a` equals that of `b` (float32 storage: relative 1e-5)."""
    for part in ("covisitation", "transitions"):
        left, right = getattr(a, part).to_csr(8), getattr(b, part).to_csr(8)
        np.testing.assert_allclose(left.toarray(), right.toarray(), rtol=1e-5, atol=1e-9)
    for i in range(8):
        assert a.covisitation.mass(i) == pytest.approx(b.covisitation.mass(i), rel=1e-9)
        assert a.trending.score(i, now) == pytest.approx(b.trending.score(i, now), rel=1e-9)
    for user in range(4):
        assert a.recent.window(user) == b.recent.window(user)
        va, vb = a.session_vector(user), b.session_vector(user)
        assert (va is None) == (vb is None)
        if va is not None and vb is not None:
            np.testing.assert_allclose(va, vb, rtol=1e-4, atol=1e-5)
        sa, sb = a.covisitation_scores(user, 8), b.covisitation_scores(user, 8)
        np.testing.assert_allclose(sa, sb, rtol=1e-4, atol=1e-6)
        ta, tb = a.transition_scores(user, 8), b.transition_scores(user, 8)
        np.testing.assert_allclose(ta, tb, rtol=1e-4, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(event_streams())
def test_bulk_build_equals_observing_every_event(events: list[Row]) -> None:
    bulk = LiveState.from_events(arrays(events), EventWeights(), 8, EMB, params=PARAMS)
    assert_same(observed(events), bulk, now=max((e[3] for e in events), default=0.0))


@settings(max_examples=60, deadline=None)
@given(event_streams())
def test_bulk_then_live_equals_bulk_of_everything(events: list[Row]) -> None:
    half = len(events) // 2
    state = LiveState.from_events(arrays(events[:half]), EventWeights(), 8, EMB, params=PARAMS)
    for k, (user, item, code, ts) in enumerate(events[half:]):
        state.observe(user, item, code, VALUES[(half + k) % 3], ts)
    bulk = LiveState.from_events(arrays(events), EventWeights(), 8, EMB, params=PARAMS)
    assert_same(state, bulk, now=max((e[3] for e in events), default=0.0))


def test_searches_and_zero_weight_events_are_not_counted() -> None:
    state = LiveState(EventWeights())
    assert state.observe(0, 1, 0, float("nan"), 0.0) is True
    assert state.observe(0, -1, 6, float("nan"), 1.0) is False  # search, no item
    assert state.observe(0, 2, 7, float("nan"), 2.0) is False  # skip weighs 0
    assert state.recent_items(0).tolist() == [1]
    assert state.n_items == 2
    assert state.trending_scores(0.0).tolist() == [0.0, 1.0]


def test_ratings_scale_the_weight_like_the_training_matrix() -> None:
    state = LiveState(EventWeights())  # rate weighs 5 on a 0..5 scale
    state.observe(0, 0, 4, 5.0, 0.0)  # full weight
    state.observe(1, 1, 4, 1.0, 0.0)  # (1 - 0 + 1) / 6 of it
    np.testing.assert_allclose(state.trending_scores(0.0), [5.0, 5 * 2 / 6], rtol=1e-6)
    plain = LiveState([1.0, 2.0, 4.0, 8.0, 5.0, 5.0, 0.0, 0.0])  # a plain array: no scaling
    plain.observe(1, 1, 4, 1.0, 0.0)
    assert plain.trending_scores(0.0, n_items=2).tolist() == [0.0, 5.0]


def test_forget_drops_the_user_but_keeps_anonymous_aggregates() -> None:
    state = LiveState(EventWeights(), embeddings=EMB)
    for k, item in enumerate([0, 1, 2]):
        state.observe(0, item, 0, float("nan"), float(k))
    assert state.covisitation_scores(0, 8)[1] > 0
    state.forget(0)
    assert state.recent_items(0).size == 0
    assert state.session_vector(0) is None
    assert not state.covisitation_scores(0, 8).any()  # no recent items left to score from
    assert state.covisitation.count(0, 1) == pytest.approx(1.0)  # the aggregate stays
    assert state.trending.score(2, 2.0) == pytest.approx(1.0)


def test_invalid_events_raise_validation_errors() -> None:
    state = LiveState(EventWeights())
    with pytest.raises(ValidationError, match="type_code"):
        state.observe(0, 1, 8, 0.0, 0.0)
    with pytest.raises(ValidationError, match="user_idx"):
        state.observe(-1, 1, 0, 0.0, 0.0)
    with pytest.raises(ValidationError, match="ts"):
        state.observe(0, 1, 0, 0.0, float("inf"))
    with pytest.raises(ValidationError, match="weights"):
        LiveState([1.0, 2.0])


def test_concurrent_observers_of_different_users_add_up_exactly() -> None:
    rng = np.random.default_rng(3)
    per_thread = [
        [
            (t * 10 + int(u), int(i), 0, float(s))
            for u, i, s in zip(
                rng.integers(0, 10, 400),
                rng.integers(0, 8, 400),
                np.sort(rng.uniform(0, 300, 400)),
                strict=True,
            )
        ]
        for t in range(4)
    ]
    state = LiveState(EventWeights(), params=PARAMS, embeddings=EMB, n_items=8)
    threads = [threading.Thread(target=observed, args=(ev, state)) for ev in per_thread]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    everything = [e for ev in per_thread for e in ev]  # per-user order is what matters
    bulk = LiveState.from_events(as_arrays(everything), EventWeights(), 8, EMB, params=PARAMS)
    left, right = state.covisitation.to_csr(8).toarray(), bulk.covisitation.to_csr(8).toarray()
    np.testing.assert_allclose(left, right, rtol=1e-5)
    assert state.trending.score(3, 300.0) == pytest.approx(bulk.trending.score(3, 300.0))


@settings(max_examples=60, deadline=None)
@given(event_streams())
def test_sparse_pairs_equal_the_dense_scores(events: list[Row]) -> None:
    state = observed(events)
    for user in range(4):
        for pairs, dense in (
            (state.covisitation_pairs(user), state.covisitation_scores(user, 8)),
            (state.transition_pairs(user), state.transition_scores(user, 8)),
        ):
            cols, vals = pairs
            assert np.all(np.diff(cols) > 0)  # sorted, each column once
            spread = np.zeros(8, dtype=np.float32)
            spread[cols] = vals
            np.testing.assert_allclose(spread, dense, rtol=1e-6, atol=1e-9)
