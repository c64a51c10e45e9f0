"""Recency-weighted pooling of embeddings into one unit profile vector."""

from __future__ import annotations

import numpy as np

from semrec.text.documents import pool_profile

DAY = 86400.0


def test_an_older_vector_counts_half_per_half_life() -> None:
    vectors = np.array([[1, 0], [0, 1]], dtype=np.float32)
    # now = 10 days; the first is fresh, the second one half-life (10 days) old -> [1, 0.5]
    out = pool_profile(vectors, np.array([1.0, 1.0]), np.array([10 * DAY, 0.0]), 10 * DAY, 10 * DAY)
    assert out is not None
    assert np.allclose(out, np.array([1, 0.5]) / np.sqrt(1.25), atol=1e-6)


def test_weights_scale_and_zero_rows_add_nothing() -> None:
    vectors = np.array([[1, 0], [0, 1], [0, 0]], dtype=np.float32)
    out = pool_profile(vectors, np.array([3.0, 1.0, 100.0]), np.zeros(3), 0.0, DAY)
    assert out is not None
    assert np.allclose(out, np.array([3, 1]) / np.sqrt(10), atol=1e-6)


def test_nothing_that_counts_gives_none() -> None:
    zero_rows = np.zeros((2, 3), dtype=np.float32)
    assert pool_profile(zero_rows, np.ones(2), np.zeros(2), 0.0, DAY) is None
    some = np.eye(2, dtype=np.float32)
    assert pool_profile(some, np.zeros(2), np.zeros(2), 0.0, DAY) is None
    assert pool_profile(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), 0.0, DAY) is None
