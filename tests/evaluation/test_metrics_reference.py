"""Accuracy metrics against independent implementations on random data.

Two references:

* scikit-learn, where its convention is ours: `ndcg_score` with binary gains over a full score
  vector (a full ranking of the catalogue, distinct scores so no tie averaging) is NDCG@k with
  the ideal DCG over ``min(|relevant|, k)``; `average_precision_score` over a full ranking is
  AP@k with ``k >= n_items`` (then ``min(|relevant|, k) = |relevant|``). Neither truncates
  lists the way AP@k does, nor handles repeats, so they only see full permutations.
* a plain re-implementation below for everything else (short lists, repeats, every `k`):
  it maps each item to the rank of its first occurrence instead of scanning for hits, and
  uses exact `Fraction` arithmetic, so it shares no code path with the library.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, ndcg_score

from semrec.evaluation.metrics import (
    average_precision_at_k,
    metrics_at_k,
    ndcg_at_k,
)


def reference(rec: list[int], relevant: set[int], k: int) -> dict[str, float]:
    """Textbook definitions, written from the first-occurrence rank of each item."""
    first_rank: dict[int, int] = {}
    for position, item in enumerate(rec):
        first_rank.setdefault(item, position + 1)
    hits = sorted(r for item, r in first_rank.items() if item in relevant and r <= k)
    if not relevant or not hits:
        return dict.fromkeys(("precision", "recall", "f1", "hit_rate", "ndcg", "mrr", "map"), 0.0)
    p, r = Fraction(len(hits), k), Fraction(len(hits), len(relevant))
    ideal = min(len(relevant), k)
    ap = sum((Fraction(j + 1, rank) for j, rank in enumerate(hits)), Fraction(0))
    return {
        "precision": float(p),
        "recall": float(r),
        "f1": float(2 * p * r / (p + r)),
        "hit_rate": 1.0,
        "ndcg": math.fsum(1 / math.log2(h + 1) for h in hits)
        / math.fsum(1 / math.log2(i + 2) for i in range(ideal)),
        "mrr": float(Fraction(1, hits[0])),
        "map": float(ap / ideal),
    }


@settings(max_examples=400, deadline=None)
@given(
    rec=st.lists(st.integers(0, 12), max_size=15),
    relevant=st.sets(st.integers(0, 12), max_size=8),
    k=st.integers(1, 20),
)
def test_all_metrics_match_the_reference(rec: list[int], relevant: set[int], k: int) -> None:
    expected = reference(rec, relevant, k)
    for recommended in (rec, np.array(rec, dtype=np.int64)):
        got = metrics_at_k(recommended, relevant, k)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    rec=st.lists(st.integers(0, 12), max_size=15),
    relevant=st.sets(st.integers(0, 12), min_size=1, max_size=8),
)
def test_counting_metrics_never_decrease_with_k(rec: list[int], relevant: set[int]) -> None:
    by_k = [metrics_at_k(rec, relevant, k) for k in range(1, 18)]
    for name in ("recall", "hit_rate", "mrr"):
        values = [m[name] for m in by_k]
        assert values == sorted(values), name


def _random_user(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, set[int]]:
    """A full ranking of `n` items (best first), its score vector and a relevant set."""
    n = int(rng.integers(2, 40))
    ranking = rng.permutation(n)
    scores = np.empty(n)
    scores[ranking] = np.linspace(1.0, 0.0, n)  # distinct: no tie handling involved
    n_rel = int(rng.integers(1, n))  # at least one relevant and one irrelevant item
    relevant = set(rng.choice(n, size=n_rel, replace=False).tolist())
    return ranking, scores, relevant


def test_ndcg_matches_sklearn_on_full_rankings() -> None:
    rng = np.random.default_rng(2024)
    for _ in range(500):
        ranking, scores, relevant = _random_user(rng)
        y_true = np.isin(np.arange(scores.size), list(relevant)).astype(float)
        k = int(rng.integers(1, scores.size + 3))
        expected = ndcg_score(y_true[None, :], scores[None, :], k=k)
        assert ndcg_at_k(ranking, relevant, k) == pytest.approx(expected, rel=1e-9)


def test_average_precision_matches_sklearn_when_k_covers_the_catalogue() -> None:
    rng = np.random.default_rng(7)
    for _ in range(500):
        ranking, scores, relevant = _random_user(rng)
        y_true = np.isin(np.arange(scores.size), list(relevant)).astype(int)
        k = scores.size + int(rng.integers(0, 3))
        expected = average_precision_score(y_true, scores)
        assert average_precision_at_k(ranking, relevant, k) == pytest.approx(expected, rel=1e-9)
