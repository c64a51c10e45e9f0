"""Score normalisation: the one-pass version over rows equals the row-by-row one, bit for bit."""

from __future__ import annotations

import doctest

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from semrec.rank import fusion
from semrec.rank.fusion import normalise, normalise_rows

VALUES = st.one_of(
    st.floats(-1e6, 1e6, width=32),
    st.sampled_from([0.0, 1.0, np.inf, -np.inf, np.nan]),
)


def test_doctests() -> None:
    failed, attempted = doctest.testmod(fusion)
    assert attempted >= 3 and failed == 0


@given(
    st.integers(1, 6).flatmap(
        lambda width: st.tuples(
            hnp.arrays(np.float32, st.tuples(st.integers(0, 5), st.just(width)), elements=VALUES),
            hnp.arrays(np.bool_, width),
        )
    )
)
def test_rows_equal_normalising_each_row(case: tuple[np.ndarray, np.ndarray]) -> None:
    scores, mask = case
    out = normalise_rows(scores, mask)
    assert out.dtype == np.float32 and out.shape == scores.shape
    for row, got in zip(scores, out, strict=True):
        np.testing.assert_array_equal(got.view(np.uint32), normalise(row, mask).view(np.uint32))


def test_a_constant_or_masked_out_row_is_all_zero() -> None:
    scores = np.array([[2.0, 2.0, 9.0], [1.0, np.nan, 3.0]], dtype=np.float32)
    mask = np.array([True, True, False])
    assert normalise_rows(scores, mask).tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
