"""The vector index contract, input checks and the exact top-k shared by every implementation.

Ids are dense item indexes (non-negative ints); scores are inner products (cosine when the index
normalises), best first. A 1-D query gives 1-D results, an ``[m, dim]`` batch gives ``[m, k']``
where ``k' = min(k, number of items that pass the filters)``.
"""

from __future__ import annotations

from typing import Any, Protocol, Self

import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError

__all__ = [
    "METRICS",
    "Arrays",
    "Result",
    "VectorIndex",
    "check_add",
    "check_int",
    "check_k",
    "check_metric",
    "check_query",
    "eligible_ids",
    "empty_result",
    "header",
    "normalise",
    "read_header",
    "scored_top_k",
    "shape_result",
    "top_k_rows",
]

Arrays = dict[str, NDArray[Any]]
Result = tuple[NDArray[np.int64], NDArray[np.float32]]
METRICS = ("ip", "cosine")


class VectorIndex(Protocol):
    """Nearest neighbours over item vectors by inner product: exact or approximate."""

    dim: int
    metric: str

    def __len__(self) -> int:
        """The number of ids currently in the index."""
        ...

    def add(self, ids: NDArray[np.integer], vectors: NDArray[np.floating]) -> None:
        """Add vectors under `ids`; an id already present gets its vector replaced."""
        ...

    def search(
        self,
        query: NDArray[np.floating],
        k: int,
        *,
        allow: NDArray[np.bool_] | None = None,
        exclude: NDArray[np.integer] | None = None,
        beam: int | None = None,
    ) -> Result:
        """The `k` best ids and scores per query row, best first, honouring allow/exclude.

        `beam` overrides an approximate index's search beam for this call (at least `k` is
        used; exact indexes ignore it).
        """
        ...

    def to_arrays(self) -> Arrays:
        """The whole index as plain numeric arrays (savable with ``allow_pickle=False``)."""
        ...

    @classmethod
    def from_arrays(cls, arrays: Arrays) -> Self:
        """Rebuild an index from `to_arrays` output."""
        ...


def check_int(field: str, value: Any, minimum: int) -> int:
    """`value` as an int, or `ValidationError` unless it is an integer >= `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationError(field, value, f"an integer >= {minimum}")
    return int(value)


def check_metric(metric: str) -> str:
    """`metric` if it is one of `METRICS`, else `ValidationError`."""
    if metric not in METRICS:
        raise ValidationError("metric", metric, f"one of {', '.join(METRICS)}")
    return metric


def normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True).astype(np.float32)
    norms[norms == 0] = 1
    return np.asarray(vectors / norms, dtype=np.float32)


def check_add(
    ids: Any, vectors: Any, dim: int, metric: str
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Validated ids (int64, unique: the last duplicate wins) and float32 ``[n, dim]`` vectors."""
    id_arr = np.asarray(ids).reshape(-1)
    if id_arr.size and (id_arr.dtype.kind not in "iu" or id_arr.min() < 0):
        raise ValidationError("ids", ids, "non-negative integer item indexes")
    vec = np.asarray(vectors, dtype=np.float32)
    if vec.ndim == 1 and id_arr.size == 1:
        vec = vec[None, :]
    if vec.ndim != 2 or vec.shape != (id_arr.size, dim):
        raise ValidationError("vectors", vec.shape, f"shape ({id_arr.size}, {dim})")
    if not np.isfinite(vec).all():
        raise ValidationError("vectors", "non-finite values", "finite floats")
    id_arr = id_arr.astype(np.int64)
    _, last = np.unique(id_arr[::-1], return_index=True)
    keep = np.sort(id_arr.size - 1 - last)
    vec = np.ascontiguousarray(vec[keep])
    return id_arr[keep], normalise(vec) if metric == "cosine" else vec


def check_query(query: Any, dim: int, metric: str) -> NDArray[np.float32]:
    """The query as a float32 ``[m, dim]`` batch (a 1-D query becomes one row)."""
    q = np.asarray(query, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != dim:
        raise ValidationError("query", q.shape, f"shape ({dim},) or (m, {dim})")
    if not np.isfinite(q).all():
        raise ValidationError("query", "non-finite values", "finite floats")
    q = np.ascontiguousarray(q)
    return normalise(q) if metric == "cosine" else q


def check_k(k: Any) -> int:
    """`k` as an int, or `ValidationError` unless it is an integer >= 0."""
    return check_int("k", k, 0)


def eligible_ids(present: NDArray[np.bool_], allow: Any, exclude: Any) -> NDArray[np.bool_] | None:
    """Mask over id space: present, allowed (a shorter `allow` disallows the rest), not excluded.

    None when there is nothing to filter (every id present, no allow mask, no exclusions).
    """
    if allow is None and exclude is None and present.all():
        return None
    ok = present.copy()
    if allow is not None:
        mask = np.asarray(allow)
        if mask.dtype != np.bool_ or mask.ndim != 1:
            raise ValidationError("allow", mask.dtype, "a 1-D boolean mask over item indexes")
        n = min(mask.size, ok.size)
        ok[n:] = False
        ok[:n] &= mask[:n]
    if exclude is not None:
        ex = np.asarray(exclude).reshape(-1)
        if ex.size and ex.dtype.kind not in "iu":
            raise ValidationError("exclude", ex.dtype, "integer item indexes")
        ex = ex.astype(np.int64)
        ex = ex[(ex >= 0) & (ex < ok.size)]
        ok[ex] = False
    return ok


def top_k_rows(scores: NDArray[np.float32], k: int, ids: NDArray[np.int64]) -> Result:
    """Per row of `scores` (columns named by `ids`), the `k` best ids and scores, best first.

    Equal scores are ordered by id. `k` must not exceed the number of columns.
    """
    m, n = scores.shape
    if k == 0 or m == 0:
        return np.zeros((m, 0), np.int64), np.zeros((m, 0), np.float32)
    part = (
        np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (m, 1))
    )
    top = np.take_along_axis(scores, part, axis=1)
    top_ids = ids[part]
    order = np.lexsort((top_ids, -top), axis=1)
    return (
        np.take_along_axis(top_ids, order, axis=1),
        np.take_along_axis(top, order, axis=1).astype(np.float32),
    )


def header(kind: str, dim: int, metric: str) -> Arrays:
    """The arrays every snapshot starts with: which index, its dimension and metric."""
    return {"kind": np.array(kind), "dim": np.array(dim, np.int64), "metric": np.array(metric)}


def read_header(arrays: Arrays, kind: str) -> tuple[int, str]:
    """`(dim, metric)` from a snapshot, or `ValidationError` unless it was written by `kind`."""
    found = str(arrays["kind"]) if "kind" in arrays else None
    if found != kind:
        raise ValidationError("arrays.kind", found, repr(kind))
    return int(arrays["dim"]), check_metric(str(arrays["metric"]))


def scored_top_k(
    q: NDArray[np.float32],
    matrix: NDArray[np.float32],
    ids: NDArray[np.int64],
    ok: NDArray[np.bool_] | None,
    k: int,
) -> Result:
    """Exact top-`k` of `q` against the rows of `matrix` passing `ok` (None: every row).

    Row `i` is named `ids[i]`; `k` must not exceed the number of passing rows. A small passing
    set is gathered first; a large one is scored in full and the rest masked out.
    """
    if ok is None:
        return top_k_rows(q @ matrix.T, k, ids)
    rows = np.flatnonzero(ok)
    if 3 * rows.size < len(matrix):
        return top_k_rows(q @ matrix[rows].T, k, ids[rows])
    scores = q @ matrix.T
    scores[:, ~ok] = -np.inf
    return top_k_rows(scores, k, ids)


def empty_result(m: int) -> Result:
    """No results for each of `m` queries."""
    return np.zeros((m, 0), np.int64), np.zeros((m, 0), np.float32)


def shape_result(result: Result, query: Any) -> Result:
    """`result` as 1-D arrays when the query was a single 1-D vector."""
    if np.ndim(query) == 1:
        return result[0][0], result[1][0]
    return result
