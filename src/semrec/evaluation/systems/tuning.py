"""Grid search on a validation split, the same for every system, so each peer is fairly tuned.

Each grid point is fitted on the train events and scored on the validation events: for every
user with a validation item not already in their train history, the system ranks all items
(train history excluded, as in `System.recommend`) and the metric compares the top `k` with
those validation items.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.evaluation.metrics import ndcg_at_k
from semrec.evaluation.systems.base import EvalData, System, interactions

__all__ = ["Grid", "Metric", "grid_points", "tune", "validation_score"]

#: Parameter name -> the values to try.
Grid = Mapping[str, Sequence[Any]]
#: ``metric(recommended, relevant, k) -> float``, e.g. `ndcg_at_k`.
Metric = Callable[[NDArray[np.int64], set[int], int], float]

_RESERVED = ("score", "seconds")


def grid_points(grid: Grid) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the last parameter varying fastest.

    >>> grid_points({"a": [1, 2], "b": ["x"]})
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
    >>> grid_points({})
    [{}]
    """
    for key in grid:
        if key in _RESERVED:
            raise ValidationError("grid", key, f"parameter names other than {_RESERVED}")
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]


def _check_masks(data: EvalData, *masks: NDArray[np.bool_]) -> None:
    """Raise `ValidationError` unless every mask is boolean with one entry per event."""
    for mask in masks:
        if mask.dtype != np.bool_ or mask.shape != (len(data),):
            raise ValidationError("mask", mask.shape, f"a boolean mask of {len(data)} events")


def validation_score(
    system: System,
    data: EvalData,
    train_mask: NDArray[np.bool_],
    valid_mask: NDArray[np.bool_],
    k: int = 10,
    metric: Metric = ndcg_at_k,
    batch_size: int = 512,
) -> float:
    """Mean `metric` at `k` of a fitted `system` over users with unseen validation items."""
    _check_masks(data, train_mask, valid_mask)
    history = interactions(data, train_mask)
    truth = interactions(data, valid_mask)
    relevant: dict[int, set[int]] = {}
    for user in np.flatnonzero(np.diff(truth.indptr) > 0).tolist():
        items = set(truth.indices[truth.indptr[user] : truth.indptr[user + 1]].tolist())
        items -= set(history.indices[history.indptr[user] : history.indptr[user + 1]].tolist())
        if items:
            relevant[user] = items
    users = np.fromiter(relevant, dtype=np.int64, count=len(relevant))
    total = 0.0
    for start in range(0, users.size, batch_size):
        chunk = users[start : start + batch_size]
        ranked = system.recommend(chunk, history[chunk], k)
        for user, row in zip(chunk.tolist(), ranked, strict=True):
            total += metric(row[row >= 0], relevant[user], k)
    return total / max(users.size, 1)


def tune(
    make_system: Callable[..., System],
    grid: Grid,
    data: EvalData,
    train_mask: NDArray[np.bool_],
    valid_mask: NDArray[np.bool_],
    k: int = 10,
    metric: Metric = ndcg_at_k,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fit ``make_system(**point)`` for every grid point; return the best point and the table.

    The table has one row per grid point, in grid order: its parameters plus ``score`` (the
    validation metric at `k`, see `validation_score`) and ``seconds`` (fit plus scoring).
    The best point is the first one with the highest score.
    """
    _check_masks(data, train_mask, valid_mask)
    table: list[dict[str, Any]] = []
    for point in grid_points(grid):
        start = time.perf_counter()
        system = make_system(**point)
        system.fit(data, train_mask)
        score = validation_score(system, data, train_mask, valid_mask, k, metric)
        table.append({**point, "score": score, "seconds": time.perf_counter() - start})
    best = max(range(len(table)), key=lambda n: (table[n]["score"], -n))
    return {name: table[best][name] for name in grid}, table
