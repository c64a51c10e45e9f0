"""Shared data for the index tests: clustered unit vectors like text embeddings."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray

from semrec.index import ExactIndex, HnswIndex, VectorIndex, make_index


def clustered(n: int, dim: int, seed: int = 0) -> NDArray[np.float32]:
    """`n` unit vectors from a Gaussian mixture with low intrinsic dimension."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((max(n // 500, 4), dim)).astype(np.float32)
    basis = rng.standard_normal((8, dim)).astype(np.float32) / np.sqrt(8)
    x = centers[rng.integers(0, len(centers), n)] * 0.6
    x += rng.standard_normal((n, 8)).astype(np.float32) @ basis
    x += 0.1 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(
    x: NDArray[np.float32], q: NDArray[np.float32], k: int, ok: NDArray[np.bool_] | None = None
) -> NDArray[np.int64]:
    """The true top-`k` ids per query among rows passing `ok`, by a full sort."""
    scores = q @ x.T
    if ok is not None:
        scores[:, ~ok] = -np.inf
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def recall(found: NDArray[np.int64], truth: NDArray[np.int64]) -> float:
    """Mean fraction of the true ids found per row."""
    pairs = zip(found, truth, strict=True)
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in pairs]))


IMPLEMENTATIONS: dict[str, Callable[..., VectorIndex]] = {
    "exact": lambda dim, metric="ip": make_index(dim, 0, metric=metric),
    "hnsw": lambda dim, metric="ip": make_index(dim, 0, exact_below=0, metric=metric),
}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def new_index(request: pytest.FixtureRequest) -> Callable[..., VectorIndex]:
    """A factory of empty indexes of one implementation: `new_index(dim, metric="ip")`."""
    factory = IMPLEMENTATIONS[request.param]
    made = factory(2)
    assert isinstance(made, ExactIndex if request.param == "exact" else HnswIndex)
    return factory
