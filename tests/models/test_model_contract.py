"""The contract every model must pass: one suite, run against each registered model."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import scipy.sparse as sp

from semrec.data.errors import NotFittedError, ValidationError
from semrec.models import MODELS, Model, make_model, restore_model, top_k

FAST = {
    "popularity": {},
    "itemknn": {"neighbors": 20},
    "ease": {"l2": 500.0},
    "als": {"factors": 8, "iterations": 15, "regularization": 5.0, "num_threads": 1},
    "bpr": {"factors": 8, "iterations": 200, "learning_rate": 0.05, "num_threads": 1},
}
PERSONAL = [name for name in MODELS if name != "popularity"]


def two_clusters(n_users: int = 60, n_items: int = 12, seed: int = 0) -> sp.csr_matrix:
    """Users 0..n/2 use items 0..5, the others items 6..11, each ~4 of 6 at random."""
    rng = np.random.default_rng(seed)
    dense = np.zeros((n_users, n_items), dtype=np.float32)
    half = n_items // 2
    for u in range(n_users):
        offset = 0 if u < n_users // 2 else half
        chosen = rng.choice(half, size=4, replace=False) + offset
        dense[u, chosen] = rng.integers(1, 6, size=4)
    return sp.csr_matrix(dense)


@pytest.fixture(scope="module")
def data() -> sp.csr_matrix:
    return two_clusters()


@pytest.fixture(scope="module", params=sorted(MODELS))
def fitted(request: pytest.FixtureRequest, data: sp.csr_matrix) -> Model:
    return make_model(request.param, FAST[request.param]).fit(data)


def row(items: list[int], n_items: int = 12, value: float = 3.0) -> sp.csr_matrix:
    """A one-user history with `value` on each of `items`."""
    data = np.full(len(items), value, dtype=np.float32)
    return sp.csr_matrix((data, ([0] * len(items), items)), shape=(1, n_items))


def test_every_model_is_registered_under_its_name() -> None:
    assert sorted(MODELS) == ["als", "bpr", "ease", "itemknn", "popularity"]
    assert all(cls.name == name for name, cls in MODELS.items())


def test_score_shape_and_dtype(fitted: Model, data: sp.csr_matrix) -> None:
    scores = fitted.score(data[:5])
    assert scores.shape == (5, 12)
    assert scores.dtype == np.float32
    assert np.isfinite(scores).all()
    assert fitted.n_items == 12


@pytest.mark.parametrize("name", sorted(MODELS))
def test_scoring_before_fit_says_what_to_call(name: str) -> None:
    model = make_model(name)
    assert not model.is_fitted
    with pytest.raises(NotFittedError, match=r"not fitted yet: call fit\(\) first"):
        model.score(row([0]))
    with pytest.raises(NotFittedError, match=name):
        model.to_arrays()


@pytest.mark.parametrize("name", sorted(PERSONAL))
def test_fold_in_of_an_unseen_user_favours_its_cluster(name: str, data: sp.csr_matrix) -> None:
    model = make_model(name, FAST[name]).fit(data)
    for history, cluster in (([0, 1], set(range(2, 6))), ([7, 9], {6, 8, 10, 11})):
        h = row(history)
        ids, _ = top_k(model.score(h)[0], 4, exclude=h.toarray()[0] > 0)
        assert set(ids.tolist()) == cluster, (name, history, ids)


def test_round_trip_through_npz_without_pickle(fitted: Model, data: sp.csr_matrix) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **fitted.to_arrays())
    buffer.seek(0)
    params = json.loads(json.dumps(fitted.params))
    with np.load(buffer, allow_pickle=False) as arrays:
        restored = restore_model(fitted.name, arrays, params)
    assert type(restored) is type(fitted)
    assert restored.params == fitted.params
    np.testing.assert_array_equal(restored.score(data), fitted.score(data))
    history, items = data[3], np.arange(12)
    np.testing.assert_array_equal(restored.explain(history, items), fitted.explain(history, items))


def test_items_added_after_fit_score_zero(fitted: Model, data: sp.csr_matrix) -> None:
    wide = sp.hstack([data[:4], sp.csr_matrix(np.ones((4, 3), dtype=np.float32))]).tocsr()
    scores = fitted.score(wide)
    assert scores.shape == (4, 15)
    np.testing.assert_array_equal(scores[:, 12:], 0.0)
    np.testing.assert_allclose(scores[:, :12], fitted.score(data[:4]), rtol=1e-6, atol=1e-7)


def test_narrower_history_is_padded(fitted: Model, data: sp.csr_matrix) -> None:
    narrow = data[:2, :10]
    scores = fitted.score(narrow)
    assert scores.shape == (2, 12)
    padded = sp.hstack([narrow, sp.csr_matrix((2, 2), dtype=np.float32)]).tocsr()
    np.testing.assert_allclose(scores, fitted.score(padded), rtol=1e-6, atol=1e-7)


def test_explain_points_into_the_history_or_minus_one(fitted: Model) -> None:
    h = row([0, 1])
    sources = fitted.explain(h, np.array([2, 3, 4, 5, 99, -1]))
    assert sources.dtype == np.int64
    assert set(sources.tolist()) <= {0, 1, -1}
    assert sources[-2:].tolist() == [-1, -1]
    empty = sp.csr_matrix((1, 12), dtype=np.float32)
    assert fitted.explain(empty, np.array([2, 3])).tolist() == [-1, -1]


@pytest.mark.parametrize("name", sorted(PERSONAL))
def test_explain_names_the_history_item_of_the_same_cluster(name: str, data: sp.csr_matrix) -> None:
    model = make_model(name, FAST[name]).fit(data)
    sources = model.explain(row([0, 7]), np.array([2, 3, 8, 10]))
    assert sources.tolist() == [0, 0, 7, 7]


def test_params_are_json_and_rebuild_an_equal_model(fitted: Model) -> None:
    params = json.loads(json.dumps(fitted.params))
    assert make_model(fitted.name, params).params == fitted.params


@pytest.mark.parametrize(
    "bad",
    [
        np.ones((2, 2)),
        sp.csr_matrix(np.array([[1.0, -1.0]])),
        sp.csr_matrix(np.array([[1.0, np.nan]])),
        sp.csr_matrix((0, 3)),
    ],
)
def test_fit_rejects_bad_input(bad: object) -> None:
    with pytest.raises(ValidationError, match="interactions"):
        make_model("popularity").fit(bad)  # type: ignore[arg-type]


def test_explain_wants_a_single_row(fitted: Model, data: sp.csr_matrix) -> None:
    with pytest.raises(ValidationError, match="single row"):
        fitted.explain(data[:2], np.array([0]))
