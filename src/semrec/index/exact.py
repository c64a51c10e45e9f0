"""Exact search: one float32 matrix product over every stored vector, then top-k."""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import NDArray

from semrec.index.base import (
    Arrays,
    Result,
    check_add,
    check_int,
    check_k,
    check_metric,
    check_query,
    eligible_ids,
    empty_result,
    header,
    read_header,
    scored_top_k,
    shape_result,
)

__all__ = ["ExactIndex"]


class ExactIndex:
    """Brute-force inner-product search; row `i` of the matrix holds the vector of id `i`.

    Ids are dense item indexes, so ids may arrive in any order and with gaps; memory is
    ``(max id + 1) x dim`` float32. Search is exact (recall 1.0) and filters are applied before
    top-k, so every returned id passes them.
    """

    kind = "exact"

    def __init__(self, dim: int, *, metric: str = "ip") -> None:
        self.dim = check_int("dim", dim, 1)
        self.metric = check_metric(metric)
        self._vectors = np.zeros((0, self.dim), np.float32)
        self._present = np.zeros(0, bool)
        self._rows = 0
        self._count = 0

    def __len__(self) -> int:
        """The number of ids in the index."""
        return self._count

    def __repr__(self) -> str:
        return f"ExactIndex(dim={self.dim}, metric={self.metric!r}, n={self._count})"

    def add(self, ids: NDArray[np.integer], vectors: NDArray[np.floating]) -> None:
        """Store `vectors` under `ids` (replacing the vectors of ids already present)."""
        self._add_checked(*check_add(ids, vectors, self.dim, self.metric))

    def _grow(self, rows: int) -> None:
        """Make room for ids below `rows`, doubling the capacity so adds stay amortised O(1)."""
        self._rows = max(self._rows, rows)
        if rows <= self._present.size:
            return
        capacity = max(rows, 2 * self._present.size, 16)
        vectors = np.zeros((capacity, self.dim), np.float32)
        vectors[: self._present.size] = self._vectors
        present = np.zeros(capacity, bool)
        present[: self._present.size] = self._present
        self._vectors, self._present = vectors, present

    def search(
        self,
        query: NDArray[np.floating],
        k: int,
        *,
        allow: NDArray[np.bool_] | None = None,
        exclude: NDArray[np.integer] | None = None,
        beam: int | None = None,
    ) -> Result:
        """The `k` best ids and inner products per query row, best first (equal scores by id).

        `beam` is accepted for the `VectorIndex` contract and ignored: the search is exact.
        """
        q = check_query(query, self.dim, self.metric)
        k = check_k(k)
        ok = eligible_ids(self._present[: self._rows], allow, exclude)
        return shape_result(self._search(q, k, ok), query)

    def _search(self, q: NDArray[np.float32], k: int, ok: NDArray[np.bool_] | None) -> Result:
        """Search a validated batch among the ids marked in `ok` (None: all rows)."""
        k = min(k, self._rows if ok is None else int(np.count_nonzero(ok)))
        if k == 0:
            return empty_result(len(q))
        ids = np.arange(self._rows, dtype=np.int64)
        return scored_top_k(q, self._vectors[: self._rows], ids, ok, k)

    def to_arrays(self) -> Arrays:
        """Kind, dim, metric, the present ids and their vectors."""
        ids = np.flatnonzero(self._present[: self._rows]).astype(np.int64)
        return header(self.kind, self.dim, self.metric) | {
            "ids": ids,
            "vectors": self._vectors[ids].copy(),
        }

    @classmethod
    def from_arrays(cls, arrays: Arrays) -> Self:
        """An index holding exactly what `to_arrays` saved."""
        dim, metric = read_header(arrays, cls.kind)
        index = cls(dim, metric=metric)
        index._add_checked(arrays["ids"].astype(np.int64), arrays["vectors"].astype(np.float32))
        return index

    def _add_checked(self, ids: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        """Add vectors that are already validated (and normalised): no second normalisation."""
        if ids.size:
            self._grow(int(ids.max()) + 1)
            self._count += int(np.count_nonzero(~self._present[ids]))
            self._vectors[ids] = vectors
            self._present[ids] = True
