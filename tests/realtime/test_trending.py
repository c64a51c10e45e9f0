"""Trending: half-life arithmetic, O(1) updates, and the brute-force decayed sum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semrec.models.interactions import EventWeights
from semrec.realtime import Trending

from .streams import as_arrays

DAY = 86_400.0


def test_an_event_three_days_old_counts_half() -> None:
    tr = Trending()  # half-life 3 days
    tr.update(7, 1.0, 1000.0)
    assert tr.score(7, 1000.0) == pytest.approx(1.0)
    assert tr.score(7, 1000.0 + 3 * DAY) == pytest.approx(0.5)
    assert tr.score(7, 1000.0 + 6 * DAY) == pytest.approx(0.25)
    assert tr.scores(1000.0 + 3 * DAY, n_items=9).tolist() == [0.0] * 7 + [0.5, 0.0]


def test_older_and_newer_events_add_up() -> None:
    tr = Trending()
    tr.update(0, 2.0, 0.0)  # 3 days before "now": counts 1
    tr.update(0, 1.0, 3 * DAY)  # at "now": counts 1
    tr.update(1, 4.0, -3 * DAY)  # 6 days before: counts 1
    np.testing.assert_allclose(tr.scores(3 * DAY), [2.0, 1.0], rtol=1e-6)
    tr.update(1, 0.0, 0.0)  # zero weight: ignored
    tr.update(-1, 5.0, 0.0)  # no item: ignored
    assert tr.n_items == 2


def test_bulk_build_uses_type_weights_and_ignores_searches() -> None:
    # view 1 at now, purchase 8 three days before now (counts 4), a search (no item), a skip (0)
    events = [(0, 0, 0, 3 * DAY), (1, 1, 3, 0.0), (1, -1, 6, 0.0), (2, 2, 7, 3 * DAY)]
    tr = Trending.from_events(as_arrays(events), EventWeights(), n_items=4)
    np.testing.assert_allclose(tr.scores(3 * DAY), [1.0, 4.0, 0.0, 0.0], rtol=1e-6)


def test_an_update_changes_only_its_own_item() -> None:
    # Speed lives in benchmarks/realtime.py; here: an update never rewrites other items' state.
    tr = Trending(half_life=DAY)
    for item in range(50):
        tr.update(item, 1.0, float(item))
    before = tr.scores(10 * DAY).copy()
    tr.update(7, 2.0, 5 * DAY)
    after = tr.scores(10 * DAY)
    changed = np.flatnonzero(~np.isclose(before, after, rtol=1e-6, atol=0.0))
    assert changed.tolist() == [7]
    np.testing.assert_allclose(after[7] - before[7], 2.0 * 0.5**5, rtol=1e-5)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(0.1, 10.0), st.floats(0.0, 400.0)), max_size=30
    ),
    st.floats(0.5, 50.0),
    st.floats(0.0, 50.0),
)
def test_equals_the_brute_force_decayed_sum(
    events: list[tuple[int, float, float]], half_life: float, after: float
) -> None:
    # short half-lives over 400 s span up to 800 half-lives: the rebasing path is exercised
    tr = Trending(half_life=half_life)
    for item, w, ts in events:
        tr.update(item, w, ts)
    now = max((ts for _, _, ts in events), default=0.0) + after
    for item in range(6):
        brute = sum(w * 0.5 ** ((now - ts) / half_life) for i, w, ts in events if i == item)
        assert tr.score(item, now) == pytest.approx(brute, rel=1e-9, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 7), st.floats(0.0, 400.0)), max_size=30),
    st.floats(0.5, 50.0),
)
def test_bulk_build_equals_the_brute_force_sum(
    events: list[tuple[int, int, float]], half_life: float
) -> None:
    weights = EventWeights().type_weights()
    arrays = as_arrays([(0, item, code, ts) for item, code, ts in events])
    tr = Trending.from_events(
        arrays, weights, 6, half_life=half_life
    )  # plain array: no rating scale
    now = 400.0
    for item in range(6):
        brute = sum(
            weights[c] * 0.5 ** ((now - ts) / half_life) for i, c, ts in events if i == item
        )
        assert tr.score(item, now) == pytest.approx(brute, rel=1e-9, abs=1e-300)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.floats(0.1, 10.0)), max_size=60),
    st.lists(st.tuples(st.integers(0, 40), st.floats(0.1, 10.0)), max_size=60),
    st.integers(1, 8),
    st.floats(0.5, 50.0),
)
def test_top_always_holds_the_current_best_items(
    before: list[tuple[int, float]],
    after: list[tuple[int, float]],
    depth: int,
    half_life: float,
) -> None:
    # `top` refreshes rarely; between refreshes it must still hold every item of the true top
    tr = Trending(half_life=half_life)
    ts = 0.0
    for item, w in before:
        ts += 1.0
        tr.update(item, w, ts)
    tr.top(depth)
    for item, w in after:
        ts += 7.0  # time passes: every item decays alike
        tr.update(item, w, ts)
        got = set(tr.top(depth).tolist())
        scores = tr.relative_scores(41)
        best = np.sort(scores)[::-1]
        cut = best[min(depth, 41) - 1]
        # every item strictly above the depth-th best score is in, and at least `depth` items
        # (or every item with a score) come back
        assert {i for i in range(41) if scores[i] > cut} <= got
        assert len(got) >= min(depth, int(np.count_nonzero(scores > 0)))
        assert got <= {i for i, _ in before + after}  # only items that had events


def test_relative_scores_of_some_items_equal_the_full_pass() -> None:
    tr = Trending(half_life=10.0)
    for n, item in enumerate([3, 1, 3, 7, 2, 3, 9]):
        tr.update(item, 1.0 + n, 5.0 * n)
    tr.update(4, 2.0, 1000.0)  # 100 half-lives later: the values are rebased
    items = np.array([0, 1, 2, 3, 4, 7, 9, 50])
    full = tr.relative_scores(60)
    np.testing.assert_allclose(tr.relative_at(items), full[items], rtol=1e-6)
    assert tr.relative_at(np.array([4]))[0] == pytest.approx(1.0)
