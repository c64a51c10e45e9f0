"""Accuracy regression on MovieLens-100k: the personalised models must beat popularity.

Skips cleanly when the public data set is not beside the project (../shared/data/ml-100k).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from semrec.data.records import EVENT_TYPE_CODES
from semrec.evaluation import evaluate_ranking, per_user_temporal_split
from semrec.models import EventWeights, build_interactions, make_model


@pytest.fixture(scope="module")
def split(shared_data: Callable[..., Path]) -> tuple[object, object]:
    path = shared_data("ml-100k", "u.data") / "u.data"
    raw = np.loadtxt(path, dtype=np.int64, delimiter="\t")
    users, items = raw[:, 0] - 1, raw[:, 1] - 1
    ratings, times = raw[:, 2].astype(np.float64), raw[:, 3].astype(np.float64)
    codes = np.full(len(raw), EVENT_TYPE_CODES["rate"], dtype=np.int8)
    train, test = per_user_temporal_split(users, times, test_fraction=0.2)
    shape = (int(users.max()) + 1, int(items.max()) + 1)

    def matrix(mask: np.ndarray) -> object:
        return build_interactions(users[mask], items[mask], codes[mask], ratings[mask],
                                  times[mask], *shape, weights=EventWeights())  # fmt: skip

    return matrix(train), matrix(test)


@pytest.mark.slow
def test_personalised_models_beat_popularity(split: tuple[object, object]) -> None:
    train, test = split
    ndcg = {}
    for name in ("popularity", "itemknn", "ease", "als"):
        model = make_model(name).fit(train)  # type: ignore[arg-type]
        result = evaluate_ranking(model.score, train, test, k=10)  # type: ignore[arg-type]
        ndcg[name] = result["ndcg"]
        print(f"ml-100k temporal 80/20 NDCG@10 {name}: {result['ndcg']:.4f}")
    assert ndcg["popularity"] > 0.08  # sanity: the pipeline itself works
    for name in ("ease", "als", "itemknn"):
        assert ndcg[name] > ndcg["popularity"] * 1.2, ndcg
