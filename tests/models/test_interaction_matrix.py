"""Events -> interaction matrix: weights, ratings, decay, clipping and validation."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.data.records import EVENT_TYPE_CODES
from semrec.models import EventWeights, build_interactions, user_history_row

DAY = 86_400.0


def events(rows: list[tuple[int, int, str, float, float]]) -> dict[str, np.ndarray]:
    """Event arrays from (user, item, type, value, timestamp) tuples."""
    u, i, t, v, ts = zip(*rows, strict=True)
    return {
        "user_idx": np.array(u, dtype=np.int64),
        "item_idx": np.array(i, dtype=np.int64),
        "type_codes": np.array([EVENT_TYPE_CODES[x] for x in t], dtype=np.int8),
        "values": np.array(v, dtype=np.float64),
        "timestamps": np.array(ts, dtype=np.float64),
    }


def build(rows: list[tuple[int, int, str, float, float]], **kw: object) -> np.ndarray:
    weights = kw.pop("weights", EventWeights())
    m = build_interactions(**events(rows), n_users=2, n_items=3, weights=weights, **kw)  # type: ignore[arg-type]
    assert m.dtype == np.float32 and m.format == "csr"
    return np.asarray(m.toarray())


NAN = float("nan")


def test_default_type_weights_are_summed_per_cell() -> None:
    rows = [(0, 0, "view", NAN, 0), (0, 0, "click", NAN, 0), (0, 1, "add_to_cart", NAN, 0),
            (1, 2, "purchase", NAN, 0), (1, 2, "view", NAN, 0)]  # fmt: skip
    np.testing.assert_array_equal(build(rows), [[3, 4, 0], [0, 0, 9]])


def test_ratings_scale_the_rate_weight_monotonically() -> None:
    rows = [(0, 0, "rate", 5, 0), (0, 1, "rate", 1, 0), (0, 2, "review", 3, 0),
            (1, 0, "rate", 9, 0), (1, 1, "rate", NAN, 0)]  # fmt: skip
    # On a 1-5 scale: weight 5 x (r - 1 + 1) / 5 = r; out-of-scale ratings clip; missing =
    # middle of the scale
    one_to_five = EventWeights(rating_min=1.0, rating_max=5.0)
    np.testing.assert_allclose(build(rows, weights=one_to_five), [[5, 1, 3], [5, 3, 0]])


def test_searches_and_events_without_item_are_dropped() -> None:
    rows = [(0, -1, "search", NAN, 0), (0, -1, "view", NAN, 0), (1, 1, "search", NAN, 0)]
    m = build_interactions(**events(rows), n_users=2, n_items=3, weights=EventWeights())
    assert m.nnz == 0


def test_negative_skips_cancel_but_never_go_below_zero() -> None:
    weights = EventWeights(skip=-3.0)
    rows = [(0, 0, "click", NAN, 0), (0, 0, "skip", NAN, 0), (0, 1, "view", NAN, 0),
            (0, 1, "skip", NAN, 0), (1, 2, "skip", NAN, 0)]  # fmt: skip
    np.testing.assert_array_equal(build(rows, weights=weights), [[0, 0, 0], [0, 0, 0]])


def test_half_life_decay_is_relative_to_now_or_the_newest_event() -> None:
    weights = EventWeights(half_life_days=10.0)
    rows = [(0, 0, "view", NAN, 0), (0, 1, "view", NAN, 10 * DAY), (1, 2, "view", NAN, 20 * DAY)]
    np.testing.assert_allclose(build(rows, weights=weights), [[0.25, 0.5, 0], [0, 0, 1]])
    later = build(rows, weights=weights, now=30 * DAY)
    np.testing.assert_allclose(later, [[0.125, 0.25, 0], [0, 0, 0.5]])
    earlier = build(rows, weights=weights, now=0.0)  # future events count as age 0
    np.testing.assert_allclose(earlier, [[1, 1, 0], [0, 0, 1]])


def test_user_history_row_equals_that_users_training_row() -> None:
    weights = EventWeights(half_life_days=3.0)
    rows = [(0, 0, "purchase", NAN, 0), (1, 1, "rate", 4, DAY), (1, 2, "click", NAN, 2 * DAY),
            (1, 1, "view", NAN, 5 * DAY)]  # fmt: skip
    full = build(rows, weights=weights, now=6 * DAY)
    e = events(rows[1:])
    row = user_history_row(e["item_idx"], e["type_codes"], e["values"], e["timestamps"],
                           n_items=3, weights=weights, now=6 * DAY)  # fmt: skip
    assert row.shape == (1, 3)
    np.testing.assert_allclose(row.toarray()[0], full[1])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"user_idx": np.array([0, 2])}, "user_idx"),
        ({"item_idx": np.array([0, 3])}, "item_idx"),
        ({"type_codes": np.array([0, 8], dtype=np.int8)}, "type_codes"),
        ({"values": np.zeros(3)}, "values"),
        ({"timestamps": np.array([0.0, np.inf])}, "timestamps"),
    ],
)
def test_bad_event_arrays_name_the_field(change: dict[str, np.ndarray], field: str) -> None:
    arrays = events([(0, 0, "view", NAN, 0), (1, 1, "view", NAN, 0)])
    arrays.update(change)
    with pytest.raises(ValidationError, match=rf"^{field}:"):
        build_interactions(**arrays, n_users=2, n_items=3, weights=EventWeights())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"view": float("inf")}, "weights.view"),
        ({"rating_min": 5.0, "rating_max": 5.0}, "weights.rating_max"),
        ({"half_life_days": 0.0}, "weights.half_life_days"),
    ],
)
def test_bad_weights_are_rejected(kw: dict[str, float], field: str) -> None:
    with pytest.raises(ValidationError, match=rf"^{field}:"):
        EventWeights(**kw)


def test_empty_event_arrays_give_an_empty_matrix() -> None:
    empty = np.zeros(0)
    m = build_interactions(empty.astype(np.int64), empty.astype(np.int64),
                           empty.astype(np.int8), empty, empty, 4, 5, EventWeights())  # fmt: skip
    assert m.shape == (4, 5) and m.nnz == 0
