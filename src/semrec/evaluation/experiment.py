"""Static protocols: split once per seed, fit every system on train, rank the whole catalog.

Returns plain data (dicts of floats and lists) that `report` turns into tables and plots.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from tqdm import tqdm

from semrec.evaluation import metrics
from semrec.evaluation.systems.base import EvalData, System, interactions

__all__ = ["HISTORY_BUCKETS", "SplitFn", "evaluate_system", "run_static"]

#: Splits the data for one seed: ``(train_mask, test_mask)`` over the events.
SplitFn = Callable[[EvalData, int], tuple[NDArray[np.bool_], NDArray[np.bool_]]]
#: Users are grouped by how many distinct items they have in train (upper bounds, inclusive).
HISTORY_BUCKETS = ((1, 5), (6, 20), (21, 50), (51, 150), (151, 10**9))
_LATENCY_SAMPLE = 200
_BATCH = 256


def _relevant(train: sp.csr_matrix, test: sp.csr_matrix, user: int) -> set[int]:
    seen = set(train.indices[train.indptr[user] : train.indptr[user + 1]].tolist())
    held = set(test.indices[test.indptr[user] : test.indptr[user + 1]].tolist())
    return held - seen


def _bucket(n: int) -> str:
    for low, high in HISTORY_BUCKETS:
        if low <= n <= high:
            return f"{low}+" if high >= 10**9 else f"{low}-{high}"
    return "0"


def _latencies(
    system: System, users: NDArray[np.int64], train: sp.csr_matrix, k: int
) -> list[float]:
    """Milliseconds of single-user requests for a sample of users."""
    out = []
    for user in users[:_LATENCY_SAMPLE].tolist():
        start = time.perf_counter()
        system.recommend(np.array([user]), train[[user]], k)
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def evaluate_system(
    system: System,
    data: EvalData,
    train_mask: NDArray[np.bool_],
    test_mask: NDArray[np.bool_],
    ks: Sequence[int],
    popularity: NDArray[np.float64] | None = None,
) -> dict[str, Any]:
    """Fit `system` on the train events and score its top-max(ks) lists on the test events.

    Relevant items are a user's test items not already in their train history (seen items are
    never recommended). Users without such items are not evaluated.
    """
    train = interactions(data, train_mask)
    test = interactions(data, test_mask)
    start = time.perf_counter()
    system.fit(data, train_mask)
    fit_seconds = time.perf_counter() - start
    candidates = np.flatnonzero(np.diff(test.indptr) > 0).tolist()
    users = np.array([u for u in candidates if _relevant(train, test, u)], dtype=np.int64)
    k_max = max(ks)
    sums: dict[str, dict[int, float]] = {}
    by_bucket: dict[str, list[float]] = {}
    lists: list[NDArray[np.int64]] = []
    start = time.perf_counter()
    for lo in range(0, users.size, _BATCH):
        chunk = users[lo : lo + _BATCH]
        ranked = system.recommend(chunk, train[chunk], k_max)
        for row, user in enumerate(chunk.tolist()):
            rec = ranked[row][ranked[row] >= 0]
            lists.append(rec[:10])
            relevant = _relevant(train, test, user)
            for k in ks:
                for name, value in metrics.metrics_at_k(rec, relevant, k).items():
                    sums.setdefault(name, {}).setdefault(k, 0.0)
                    sums[name][k] += value
            n_hist = int(train.indptr[user + 1] - train.indptr[user])
            by_bucket.setdefault(_bucket(n_hist), []).append(metrics.ndcg_at_k(rec, relevant, 10))
    rank_seconds = time.perf_counter() - start
    n = max(users.size, 1)
    result: dict[str, Any] = {
        "metrics": {name: {k: v / n for k, v in per_k.items()} for name, per_k in sums.items()},
        "users": int(users.size),
        "fit_seconds": fit_seconds,
        "rank_seconds_per_user": rank_seconds / n,
        "by_history": {b: float(np.mean(v)) for b, v in sorted(by_bucket.items())},
        "by_history_users": {b: len(v) for b, v in sorted(by_bucket.items())},
        "latency_ms": _latencies(system, users, train, 10),
    }
    result["beyond"] = _beyond(lists, data, train, popularity)
    return result


def _beyond(
    lists: list[NDArray[np.int64]],
    data: EvalData,
    train: sp.csr_matrix,
    popularity: NDArray[np.float64] | None,
) -> dict[str, float]:
    """Coverage, novelty, popularity bias and (with categories) intra-list diversity at 10."""
    counts = (
        np.asarray(train.astype(bool).sum(axis=0)).ravel() if popularity is None else popularity
    )
    out = {
        "coverage@10": metrics.catalog_coverage(lists, data.n_items),
        "novelty@10": metrics.novelty(lists, counts, data.n_users),
        "arp@10": metrics.average_recommendation_popularity(lists, counts),
    }
    if data.item_categories is not None and lists:
        cats = data.item_categories
        out["ild@10"] = float(
            np.mean([metrics.intra_list_diversity(r, item_categories=cats) for r in lists])
        )
    return out


def run_static(
    data: EvalData,
    split: SplitFn,
    systems: Mapping[str, Callable[[], System]],
    ks: Sequence[int] = (5, 10, 20),
    seeds: Iterable[int] = (0,),
    progress: bool = True,
) -> dict[str, Any]:
    """Every system on every seed's split; per-system means and standard deviations over seeds."""
    seeds = list(seeds)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in systems}
    jobs = [(seed, name) for seed in seeds for name in systems]
    for seed, name in tqdm(jobs, desc=f"{data.name}", disable=None if progress else True):
        train_mask, test_mask = split(data, seed)
        system = systems[name]()
        runs[name].append(evaluate_system(system, data, train_mask, test_mask, ks))
        close = getattr(system, "close", None)
        if callable(close):
            close()
    return {name: _aggregate(results) for name, results in runs.items()}


def _aggregate(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean and standard deviation over seeds of every metric; other fields from all runs."""
    first = results[0]
    mean: dict[str, dict[int, float]] = {}
    std: dict[str, dict[int, float]] = {}
    for name, per_k in first["metrics"].items():
        for k in per_k:
            values = [r["metrics"][name][k] for r in results]
            mean.setdefault(name, {})[k] = float(np.mean(values))
            std.setdefault(name, {})[k] = float(np.std(values))
    return {
        "mean": mean,
        "std": std,
        "seeds": len(results),
        "users": first["users"],
        "fit_seconds": float(np.mean([r["fit_seconds"] for r in results])),
        "rank_ms_per_user": 1000 * float(np.mean([r["rank_seconds_per_user"] for r in results])),
        "by_history": first["by_history"],
        "by_history_users": first["by_history_users"],
        "latency_ms": [x for r in results for x in r["latency_ms"]],
        "beyond": {
            key: float(np.mean([r["beyond"][key] for r in results])) for key in first["beyond"]
        },
    }
