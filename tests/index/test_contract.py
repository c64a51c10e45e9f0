"""The contract every `VectorIndex` passes, run against the exact and the HNSW implementation."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.index import VectorIndex, load_index

from .conftest import IMPLEMENTATIONS, brute_force, clustered, recall

N, DIM = 20_000, 32
MIN_RECALL = {"exact": 1.0, "hnsw": 0.95}


@pytest.fixture(scope="module")
def data() -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """20k clustered vectors and 100 queries from the same distribution."""
    both = clustered(N + 100, DIM, seed=1)
    return both[:N], both[N:]


@pytest.fixture(scope="module", params=sorted(IMPLEMENTATIONS))
def built(
    request: pytest.FixtureRequest, data: tuple[NDArray[np.float32], NDArray[np.float32]]
) -> tuple[str, VectorIndex]:
    """Each implementation holding the 20k vectors, added in a shuffled order in two batches."""
    x, _ = data
    order = np.random.default_rng(2).permutation(N)
    index = IMPLEMENTATIONS[request.param](DIM)
    index.add(order[: N // 2], x[order[: N // 2]])
    index.add(order[N // 2 :], x[order[N // 2 :]])
    return request.param, index


def test_top_10_matches_exact_search(built: tuple[str, VectorIndex], data: tuple) -> None:
    name, index = built
    x, q = data
    ids, scores = index.search(q, 10)
    assert len(index) == N
    assert ids.shape == scores.shape == (100, 10)
    assert recall(ids, brute_force(x, q, 10)) >= MIN_RECALL[name]
    np.testing.assert_allclose(scores, np.einsum("md,mkd->mk", q, x[ids]), rtol=1e-5, atol=1e-6)
    assert (np.diff(scores, axis=1) <= 0).all()


@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.01])
def test_filtered_top_10_matches_exact_search(
    built: tuple[str, VectorIndex], data: tuple, fraction: float
) -> None:
    name, index = built
    x, q = data
    allow = np.random.default_rng(3).random(N) < fraction
    exclude = np.flatnonzero(allow)[::7]
    ok = allow.copy()
    ok[exclude] = False
    ids, _ = index.search(q, 10, allow=allow, exclude=exclude)
    assert ids.shape == (100, 10)
    assert ok[ids].all()
    assert recall(ids, brute_force(x, q, 10, ok)) >= MIN_RECALL[name]


def test_a_beam_trades_recall_and_never_returns_fewer_than_k(
    built: tuple[str, VectorIndex], data: tuple
) -> None:
    name, index = built
    x, q = data
    truth = brute_force(x, q, 100)
    narrow, _ = index.search(q, 100, beam=1)  # below k: the beam is k
    wide, _ = index.search(q, 100, beam=400)
    assert narrow.shape == wide.shape == (100, 100)
    assert (narrow >= 0).all()
    narrow_recall, wide_recall = recall(narrow, truth), recall(wide, truth)
    assert wide_recall >= narrow_recall
    assert narrow_recall >= (1.0 if name == "exact" else 0.8)
    if name == "hnsw":
        with pytest.raises(ValidationError, match="beam"):
            index.search(q, 10, beam=0)


def test_single_query_gives_one_dimensional_results(built: tuple, data: tuple) -> None:
    _, index = built
    x, q = data
    ids, scores = index.search(q[0], 5)
    assert ids.shape == scores.shape == (5,)
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    assert ids[0] == brute_force(x, q[:1], 1)[0, 0]


def test_hand_made_vectors_rank_by_inner_product(new_index: Callable[..., VectorIndex]) -> None:
    index = new_index(2)
    index.add(np.array([4, 0, 2]), np.array([[1, 0], [0, 1], [1, 1]], np.float32))
    ids, scores = index.search(np.array([1.0, 0.5], np.float32), 3)
    assert ids.tolist() == [2, 4, 0]
    assert scores.tolist() == [1.5, 1.0, 0.5]
    assert len(index) == 3


def test_cosine_metric_normalises(new_index: Callable[..., VectorIndex]) -> None:
    index = new_index(2, "cosine")
    index.add(np.array([0, 1]), np.array([[3, 4], [0, -2]], np.float32))
    ids, scores = index.search(np.array([10.0, 0.0], np.float32), 2)
    assert ids.tolist() == [0, 1]
    np.testing.assert_allclose(scores, [0.6, 0.0], atol=1e-6)


def test_added_item_is_found_immediately(new_index: Callable[..., VectorIndex]) -> None:
    x = clustered(3000, 16, seed=4)
    index = new_index(16)
    index.add(np.arange(3000), x)
    fresh = -x[0]
    index.add(np.array([5000]), fresh[None, :])
    assert len(index) == 3001
    ids, scores = index.search(fresh, 1)
    assert ids.tolist() == [5000]
    assert scores[0] == pytest.approx(1.0, abs=1e-5)


def test_re_adding_an_id_replaces_its_vector(new_index: Callable[..., VectorIndex]) -> None:
    index = new_index(2)
    index.add(np.array([0, 1, 2]), np.array([[1, 0], [0, 1], [-1, 0]], np.float32))
    index.add(np.array([0]), np.array([[0, -3]], np.float32))
    assert len(index) == 3
    ids, scores = index.search(np.array([1.0, 0.0], np.float32), 10)
    assert sorted(ids.tolist()) == [0, 1, 2]
    assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == {0: 0.0, 1: 0.0, 2: -1.0}
    ids, scores = index.search(np.array([0.0, -1.0], np.float32), 1)
    assert (ids.tolist(), scores.tolist()) == ([0], [3.0])


def test_duplicate_ids_in_one_batch_keep_the_last(new_index: Callable[..., VectorIndex]) -> None:
    index = new_index(2)
    index.add(np.array([3, 3]), np.array([[1, 0], [0, 1]], np.float32))
    assert len(index) == 1
    assert index.search(np.array([0.0, 1.0], np.float32), 5)[1].tolist() == [1.0]


def test_round_trip_through_npz_gives_identical_results(
    new_index: Callable[..., VectorIndex],
) -> None:
    x = clustered(3000, 16, seed=5)
    index = new_index(16)
    index.add(np.arange(3000), x)
    index.add(np.array([7, 9]), -x[:2])
    buffer = io.BytesIO()
    np.savez(buffer, **index.to_arrays())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as saved:
        loaded = load_index(dict(saved))
    assert type(loaded) is type(index) and len(loaded) == len(index) == 3000
    q = clustered(20, 16, seed=6)
    allow = np.arange(3000) % 3 == 0
    for kwargs in ({}, {"allow": allow, "exclude": np.array([0, 3, 6])}):
        before, after = index.search(q, 10, **kwargs), loaded.search(q, 10, **kwargs)
        np.testing.assert_array_equal(before[0], after[0])
        np.testing.assert_array_equal(before[1], after[1])
    loaded.add(np.array([3000]), x[:1])
    assert len(loaded) == 3001


def test_k_beyond_the_allowed_set_returns_only_allowed(
    new_index: Callable[..., VectorIndex],
) -> None:
    x = clustered(2000, 8, seed=7)
    index = new_index(8)
    index.add(np.arange(2000), x)
    allow = np.zeros(2000, bool)
    allow[[5, 500, 1500, 1999]] = True
    ids, scores = index.search(x[:3], 50, allow=allow, exclude=np.array([500]))
    assert ids.shape == (3, 3)
    assert all(sorted(row) == [5, 1500, 1999] for row in ids.tolist())
    assert (np.diff(scores, axis=1) <= 0).all()


def test_short_allow_mask_disallows_the_rest(new_index: Callable[..., VectorIndex]) -> None:
    index = new_index(2)
    index.add(np.arange(4), np.eye(2, dtype=np.float32)[[0, 1, 0, 1]])
    ids, _ = index.search(np.array([1.0, 1.0], np.float32), 4, allow=np.array([False, True]))
    assert ids.tolist() == [1]


def test_empty_index_returns_empty_arrays(new_index: Callable[..., VectorIndex]) -> None:
    index = new_index(4)
    ids, scores = index.search(np.ones(4, np.float32), 10)
    assert ids.shape == scores.shape == (0,)
    ids, scores = index.search(np.ones((3, 4), np.float32), 10)
    assert ids.shape == scores.shape == (3, 0)
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    assert len(index) == 0
    assert len(load_index(index.to_arrays())) == 0


def test_k_zero_returns_nothing(new_index: Callable[..., VectorIndex]) -> None:
    index = new_index(2)
    index.add(np.array([0]), np.ones((1, 2), np.float32))
    assert index.search(np.ones(2, np.float32), 0)[0].shape == (0,)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda ix: ix.add(np.array([0]), np.ones((1, 3), np.float32)), "vectors"),
        (lambda ix: ix.add(np.array([-1]), np.ones((1, 2), np.float32)), "ids"),
        (lambda ix: ix.add(np.array([0]), np.array([[np.nan, 0]], np.float32)), "vectors"),
        (lambda ix: ix.search(np.ones(3, np.float32), 1), "query"),
        (lambda ix: ix.search(np.ones(2, np.float32), -1), "k"),
        (lambda ix: ix.search(np.ones(2, np.float32), 1, allow=np.array([1, 0])), "allow"),
    ],
)
def test_bad_input_raises_validation_error(
    new_index: Callable[..., VectorIndex], call: Callable[[VectorIndex], object], field: str
) -> None:
    index = new_index(2)
    index.add(np.array([0]), np.ones((1, 2), np.float32))
    with pytest.raises(ValidationError) as raised:
        call(index)
    assert raised.value.field == field
