"""top_k: ordering, ties, masks and edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from semrec.data.errors import ValidationError
from semrec.models import top_k


def test_sorted_descending_with_float32_scores() -> None:
    ids, scores = top_k(np.array([0.1, 0.9, 0.5, 0.7]), 3)
    assert ids.tolist() == [1, 3, 2]
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    np.testing.assert_allclose(scores, [0.9, 0.7, 0.5])


def test_k_larger_than_n_returns_everything() -> None:
    ids, _ = top_k(np.array([1.0, 3.0, 2.0]), 10)
    assert ids.tolist() == [1, 2, 0]


def test_ties_go_to_the_lower_id_even_across_the_partition_boundary() -> None:
    scores = np.array([1.0, 5.0, 5.0, 5.0, 5.0, 0.0, 5.0])
    assert top_k(scores, 3)[0].tolist() == [1, 2, 3]
    assert top_k(np.zeros(6), 2)[0].tolist() == [0, 1]


def test_excluded_and_minus_inf_and_nan_items_never_come_back() -> None:
    scores = np.array([9.0, -np.inf, np.nan, 1.0, 2.0])
    ids, _ = top_k(scores, 5, exclude=np.array([True, False, False, False, False]))
    assert ids.tolist() == [4, 3]


def test_allow_mask_restricts_and_a_short_mask_disallows_the_rest() -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0])
    assert top_k(scores, 4, allow=np.array([False, True, True, True]))[0].tolist() == [1, 2, 3]
    assert top_k(scores, 4, allow=np.array([False, True]))[0].tolist() == [1]
    assert top_k(scores, 4, exclude=np.array([True]))[0].tolist() == [1, 2, 3]


def test_k_zero_and_empty_scores() -> None:
    assert top_k(np.array([1.0]), 0)[0].size == 0
    assert top_k(np.zeros(0), 5)[0].size == 0


@pytest.mark.parametrize("k", [-1, 2.5, True])
def test_bad_k_is_rejected(k: object) -> None:
    with pytest.raises(ValidationError, match=r"^k:"):
        top_k(np.array([1.0]), k)  # type: ignore[arg-type]


def test_a_mask_longer_than_the_scores_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"^exclude:"):
        top_k(np.array([1.0]), 1, exclude=np.array([False, False]))


@given(
    st.lists(st.integers(-3, 3), min_size=0, max_size=40),
    st.integers(0, 45),
    st.data(),
)
def test_matches_a_full_stable_sort(values: list[int], k: int, data: st.DataObject) -> None:
    scores = np.array(values, dtype=np.float64)
    exclude = np.array(data.draw(st.lists(st.booleans(), min_size=len(values),
                                          max_size=len(values))), dtype=bool)  # fmt: skip
    ids, got = top_k(scores, k, exclude=exclude)
    candidates = [i for i in range(len(values)) if not exclude[i]]
    expected = sorted(candidates, key=lambda i: (-values[i], i))[:k]
    assert ids.tolist() == expected
    np.testing.assert_array_equal(got, scores[expected].astype(np.float32))
