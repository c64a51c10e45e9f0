"""`distinct` and `distinct_inverse` answer as `np.unique` does, for any integer array."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from semrec.data.arrays import PACK_FROM, distinct, distinct_inverse, group_sums, sorted_order

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


_LONG = st.sampled_from([np.int64, np.int32, np.uint32]).flatmap(
    lambda dtype: arrays(
        dtype,
        st.integers(0, 3 * PACK_FROM),
        elements=st.integers(0, 2**31 - 1) | st.integers(0, 50),
    )
)
_SIGNED = arrays(np.int64, st.integers(0, 3 * PACK_FROM), elements=st.integers(-(2**62), 2**62))


@given(_LONG | _SIGNED)
def test_sorted_order_is_the_stable_argsort(values: np.ndarray) -> None:
    ordered, order = sorted_order(values)
    want = np.argsort(values, kind="stable")
    assert order.tolist() == want.tolist()
    assert ordered.dtype == values.dtype
    assert ordered.tolist() == values[want].tolist()


@given(_LONG | _SIGNED, st.randoms())
def test_group_sums_are_bincount_over_the_inverse_bit_for_bit(
    values: np.ndarray, rnd: random.Random
) -> None:
    weights = np.array([rnd.uniform(-1e6, 1e6) for _ in range(values.size)])
    keys, sums = group_sums(values, weights)
    want_keys, inverse = np.unique(values, return_inverse=True)
    assert keys.tolist() == want_keys.tolist()
    assert sums.tolist() == np.bincount(inverse, weights=weights).tolist()
