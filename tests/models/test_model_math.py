"""Each model's arithmetic, checked on matrices small enough to work out by hand."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from threadpoolctl import threadpool_limits

from semrec.data.errors import ValidationError
from semrec.models import ALS, BPR, EASE, ItemKNN, Popularity
from semrec.models.factors import fold_in, gram_matrix
from semrec.models.itemknn import cosine_similarity, keep_top_per_row


def csr(rows: list[list[float]]) -> sp.csr_matrix:
    return sp.csr_matrix(np.array(rows, dtype=np.float32))


# Users 0 and 1 take items 0 and 1 together; users 2 and 3 take items 2 and 3 alone.
PAIRED = csr([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])


def test_ease_on_a_hand_worked_matrix() -> None:
    # Items 0/1 form the block [[2, 2], [2, 2]] of XᵀX; with l2 = 2 it is [[4, 2], [2, 4]],
    # whose inverse is [[4, -2], [-2, 4]] / 12, so B01 = B10 = -(-2/12) / (4/12) = 0.5.
    model = EASE(l2=2.0).fit(PAIRED)
    expected = np.zeros((4, 4), dtype=np.float32)
    expected[0, 1] = expected[1, 0] = 0.5
    np.testing.assert_allclose(model.to_arrays()["weights"], expected, atol=1e-7)
    np.testing.assert_allclose(model.score(csr([[1, 0, 0, 0]])), [[0, 0.5, 0, 0]], atol=1e-7)


def test_ease_equals_the_per_column_constrained_ridge_regression() -> None:
    rng = np.random.default_rng(1)
    x = (rng.random((30, 7)) < 0.4) * rng.integers(1, 4, size=(30, 7)).astype(np.float64)
    l2 = 3.0
    weights = EASE(l2=l2).fit(sp.csr_matrix(x)).to_arrays()["weights"]
    for j in range(7):
        others = [i for i in range(7) if i != j]
        a = x[:, others]
        b = np.linalg.solve(a.T @ a + l2 * np.eye(6), a.T @ x[:, j])
        np.testing.assert_allclose(weights[others, j], b, rtol=1e-4, atol=1e-5)
        assert weights[j, j] == 0.0


def test_ease_refuses_more_items_than_max_items() -> None:
    with pytest.raises(ValidationError, match="max_items=3"):
        EASE(max_items=3).fit(PAIRED)


def test_itemknn_identical_columns_have_similarity_one() -> None:
    x = csr([[1, 2, 0], [3, 6, 0], [0, 0, 5]])  # column 1 = 2 x column 0
    sim = cosine_similarity(x).toarray()
    np.testing.assert_allclose(sim, [[0, 1, 0], [1, 0, 0], [0, 0, 0]], atol=1e-12)
    model = ItemKNN(neighbors=5).fit(x)
    np.testing.assert_allclose(model.score(csr([[1, 0, 0]])), [[0, 1, 0]], atol=1e-6)


def test_itemknn_keeps_only_the_top_neighbours_of_each_item() -> None:
    m = sp.csr_matrix(np.array([[0, 0.9, 0.5, 0.9], [0.1, 0, 0.2, 0.3]]))
    kept = keep_top_per_row(m, 2).toarray()
    np.testing.assert_array_equal(kept, [[0, 0.9, 0, 0.9], [0, 0, 0.2, 0.3]])


def test_itemknn_scores_sum_over_each_targets_neighbours() -> None:
    # Item 2 co-occurs with items 0 and 1; with one neighbour, item 2 keeps only its best one.
    x = csr([[1, 0, 1], [1, 0, 1], [0, 1, 1]])
    full = ItemKNN(neighbors=2).fit(x).score(csr([[1, 1, 0]]))[0]
    pruned = ItemKNN(neighbors=1).fit(x).score(csr([[1, 1, 0]]))[0]
    sim = cosine_similarity(x).toarray()
    assert full[2] == pytest.approx(sim[0, 2] + sim[1, 2], rel=1e-6)
    assert pruned[2] == pytest.approx(sim[0, 2], rel=1e-6)


def test_popularity_orders_by_weight_then_by_user_count() -> None:
    # Item 0: weight 4 from one user; item 1: weight 4 from four users; item 2: weight 6.
    x = csr([[4, 1, 6, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]])
    scores = Popularity().fit(x).score(csr([[0, 0, 0, 1]]))[0]
    assert np.argsort(-scores).tolist() == [2, 1, 0, 3]
    assert scores[2] == pytest.approx(1.0, abs=1e-3)
    assert scores[3] == 0.0


def test_popularity_ignores_the_history() -> None:
    model = Popularity().fit(PAIRED)
    scores = model.score(csr([[1, 0, 0, 0], [0, 0, 0, 0]]))
    np.testing.assert_array_equal(scores[0], scores[1])


def test_als_fold_in_matches_implicits_own_user_solve() -> None:
    rng = np.random.default_rng(2)
    x = sp.random(40, 15, density=0.25, format="csr", dtype=np.float32, random_state=rng) * 4
    with threadpool_limits(1, "blas"):
        reference = AlternatingLeastSquares(
            factors=6, regularization=0.3, alpha=2.0, iterations=5, random_state=0
        )
        reference.fit(x, show_progress=False)
    expected = reference.recalculate_user(np.arange(10), x[:10])
    ours = fold_in(x[:10] * 2.0, reference.item_factors, 0.3)
    np.testing.assert_allclose(ours, expected, rtol=1e-3, atol=1e-4)


def test_fold_in_with_unit_confidence_is_ridge_regression() -> None:
    rng = np.random.default_rng(3)
    y = rng.normal(size=(9, 3))
    h = sp.csr_matrix(np.array([[1, 0, 1, 0, 0, 1, 0, 0, 0]], dtype=np.float64))
    expected = np.linalg.solve(y.T @ y + 0.5 * np.eye(3), y.T @ h.toarray()[0])
    np.testing.assert_allclose(fold_in(h, y, 0.5)[0], expected, rtol=1e-10)


def test_one_row_fold_in_equals_the_same_row_solved_in_a_batch() -> None:
    rng = np.random.default_rng(4)
    y = rng.normal(size=(50, 6)).astype(np.float32)
    rows = sp.random(3, 50, density=0.2, format="csr", random_state=rng) * 5
    batch = fold_in(rows, y, 0.2)
    for u in range(3):
        np.testing.assert_allclose(fold_in(rows[u], y, 0.2)[0], batch[u], rtol=1e-9, atol=1e-12)
    assert fold_in(rows[0], y, 0.2).dtype == np.float64
    scaled = fold_in(rows * 3.0, y, 0.2)
    np.testing.assert_allclose(fold_in(rows, y, 0.2, scale=3.0), scaled, rtol=1e-9)
    np.testing.assert_allclose(fold_in(rows[1], y, 0.2, scale=3.0)[0], scaled[1], rtol=1e-9)


def test_gram_matrix_in_chunks_is_the_float64_gram() -> None:
    y = np.random.default_rng(5).normal(size=(1001, 4)).astype(np.float32)
    wide = y.astype(np.float64)
    np.testing.assert_allclose(gram_matrix(y, rows=100), wide.T @ wide, rtol=1e-12)


def test_als_fit_is_deterministic_for_a_seed() -> None:
    a = ALS(factors=4, iterations=3, random_state=7, num_threads=1).fit(PAIRED)
    b = ALS(factors=4, iterations=3, random_state=7, num_threads=1).fit(PAIRED)
    np.testing.assert_array_equal(a.item_factors, b.item_factors)


def test_bpr_scores_are_latent_fold_in_plus_item_bias() -> None:
    model = BPR(factors=3, iterations=20, num_threads=1).fit(PAIRED)
    factors = model.item_factors
    assert factors.shape == (4, 4)  # three latent columns and the item bias
    user = model.user_factors(csr([[1, 0, 0, 0]]))
    assert user.shape == (1, 4) and user[0, -1] == 1.0
    expected = user.astype(np.float64) @ factors.T.astype(np.float64)
    np.testing.assert_allclose(model.score(csr([[1, 0, 0, 0]])), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("cls", "params", "field"),
    [
        (EASE, {"l2": 0.0}, "l2"),
        (EASE, {"max_items": True}, "max_items"),
        (ItemKNN, {"neighbors": 0}, "neighbors"),
        (ALS, {"factors": 2.5}, "factors"),
        (ALS, {"alpha": float("nan")}, "alpha"),
        (BPR, {"random_state": -1}, "random_state"),
    ],
)
def test_bad_parameters_name_their_field(cls: type, params: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=rf"^{field}:"):
        cls(**params)
