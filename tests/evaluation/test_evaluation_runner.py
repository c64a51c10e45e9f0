"""evaluate_ranking over a score function, with train items excluded."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from semrec.data.errors import ValidationError
from semrec.evaluation import evaluate_ranking

# Fixed scores: item 0 best, then 1, 2, 3.
FIXED = np.array([4.0, 3.0, 2.0, 1.0])


def fixed_scores(histories: sp.csr_matrix) -> np.ndarray:
    return np.tile(FIXED, (histories.shape[0], 1))


def test_train_items_are_excluded_and_metrics_averaged() -> None:
    train = sp.csr_matrix(np.array([[1, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]], dtype=np.float32))
    test = sp.csr_matrix(np.array([[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]], dtype=np.float32))
    result = evaluate_ranking(fixed_scores, train, test, k=2, batch_size=1)
    # user 0: ranking [1, 2] (0 excluded) -> hit at rank 1; user 1: [0, 1] -> miss; user 2 no test
    assert result == {"ndcg": 0.5, "hit_rate": 0.5, "recall": 0.5, "users": 2.0}


def test_shapes_must_match() -> None:
    with pytest.raises(ValidationError, match=r"^test:"):
        evaluate_ranking(fixed_scores, sp.csr_matrix((2, 4)), sp.csr_matrix((2, 3)))
