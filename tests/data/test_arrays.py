"""`distinct` and `distinct_inverse` answer as `np.unique` does, for any integer array."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from semrec.data.arrays import distinct, distinct_inverse

_INTS = st.sampled_from([np.int64, np.int32, np.int8, np.uint16]).flatmap(
    lambda dtype: arrays(dtype, st.integers(0, 300), elements=st.integers(0, 100))
)


@given(_INTS)
def test_distinct_values_are_numpys(values: np.ndarray) -> None:
    got = distinct(values)
    assert got.dtype == values.dtype
    assert got.tolist() == np.unique(values).tolist()


@given(_INTS)
def test_the_inverse_rebuilds_the_array_as_numpys_does(values: np.ndarray) -> None:
    uniq, inverse = distinct_inverse(values)
    want_uniq, want_inverse = np.unique(values, return_inverse=True)
    assert uniq.tolist() == want_uniq.tolist()
    assert inverse.tolist() == want_inverse.tolist()
    assert uniq[inverse].tolist() == values.tolist()
