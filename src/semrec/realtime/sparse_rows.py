"""Growable sparse item x item counts: a compact bulk-built base plus a cheap write buffer.

Rows are stored in three tiers, newest last:

* the *base*, CSR arrays built in bulk (`from_coo`), float32 counts, each row trimmed to its
  ``top_n`` largest entries;
* *rewritten rows*: a row's merged arrays once it has taken writes since the bulk build;
* the *delta*: per row a small dict of pending additions (one dict update per write).

When a row's delta reaches ``merge_at`` columns it is merged into that row's arrays and the row
is trimmed back to ``top_n``: no write ever rebuilds more than one row, so there is no global
compaction pause on the write path. A row holds at most ``top_n + merge_at`` entries. Counts
trimmed away are gone: if that neighbour comes back it starts from zero again (an anonymous,
approximate aggregate; without trimming, bulk and incremental builds agree exactly).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.arrays import distinct_inverse, group_sums

__all__ = ["SparseRows", "dense", "grow", "summed"]

Row = tuple[NDArray[np.int64], NDArray[np.float64]]
_EMPTY_COLS = np.zeros(0, dtype=np.int64)
_EMPTY_VALS = np.zeros(0, dtype=np.float64)


def grow(arr: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """`arr` with at least `n` entries (zero-padded, capacity doubled to keep growth O(1))."""
    if n <= arr.size:
        return arr
    out = np.zeros(max(n, 2 * arr.size, 16), dtype=arr.dtype)
    out[: arr.size] = arr
    return out


def dense(cols: NDArray[np.int64], vals: NDArray[np.float64], n: int) -> NDArray[np.float32]:
    """Sum (column, value) pairs into a dense float32 vector of length `n`."""
    keep = cols < n
    return np.bincount(cols[keep], weights=vals[keep], minlength=n)[:n].astype(np.float32)


def summed(
    cols: NDArray[np.int64], vals: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The (column, value) pairs with repeated columns summed, columns ascending.

    >>> c, v = summed(np.array([5, 2, 5]), np.array([1.0, 2.0, 3.0]))
    >>> c.tolist(), v.tolist()
    ([2, 5], [2.0, 4.0])
    """
    if cols.size == 0:
        return _EMPTY_COLS, np.zeros(0, dtype=np.float32)
    unique, sums = group_sums(cols, vals)
    return unique.astype(np.int64), sums.astype(np.float32)


def _top(cols: NDArray[np.int64], vals: NDArray[np.float64], top_n: int) -> Row:
    """The `top_n` largest entries (ties to the lower column), or all when there are fewer."""
    if vals.size <= top_n:
        return cols, vals
    keep = np.lexsort((cols, -vals))[:top_n]
    return cols[keep], vals[keep]


def _trim_csr(csr: sp.csr_matrix, top_n: int) -> sp.csr_matrix:
    """`csr` with every row cut to its `top_n` largest entries (ties to the lower column)."""
    counts = np.diff(csr.indptr)
    full = counts > top_n
    if not full.any():
        return csr
    row_of = np.repeat(np.arange(counts.size), counts)
    in_full = np.flatnonzero(full[row_of])  # only over-full rows need sorting
    rows = row_of[in_full]
    order = in_full[np.lexsort((csr.indices[in_full], -csr.data[in_full], rows))]
    before = np.concatenate([[0], np.cumsum(np.where(full, counts, 0))])
    rank = np.arange(order.size) - before[row_of[order]]
    keep = ~full[row_of]
    keep[order[rank < top_n]] = True
    indptr = np.concatenate([[0], np.cumsum(np.minimum(counts, top_n))])
    return sp.csr_matrix((csr.data[keep], csr.indices[keep], indptr), shape=csr.shape)


class SparseRows:
    """Sparse rows of non-negative counts that grow with new rows and columns."""

    def __init__(self, top_n: int = 200, merge_at: int = 32) -> None:
        self.top_n = top_n
        self.merge_at = merge_at
        self._base = sp.csr_matrix((0, 0), dtype=np.float32)
        self._rows: dict[int, Row] = {}
        self._delta: dict[int, dict[int, float]] = {}

    @classmethod
    def from_csr(cls, csr: sp.csr_matrix, top_n: int = 200, merge_at: int = 32) -> SparseRows:
        """Rows from a summed CSR matrix, trimmed to `top_n` per row."""
        rows = cls(top_n, merge_at)
        base = sp.csr_matrix(csr, dtype=np.float32)
        base.sum_duplicates()
        base.eliminate_zeros()
        rows._base = _trim_csr(base, top_n)
        return rows

    def add(self, row: int, col: int, value: float) -> None:
        """Add `value` to entry (row, col); O(1) except for an occasional one-row merge."""
        delta = self._delta.get(row)
        if delta is None:
            delta = self._delta[row] = {}
        delta[col] = delta.get(col, 0.0) + value
        if len(delta) >= self.merge_at:
            self._merge(row)

    def row(self, row: int) -> Row:
        """Row `row` as (columns, values); a column may appear twice (sum them)."""
        cols, vals = self._stored(row)
        delta = self._delta.get(row)
        if not delta:
            return cols, vals
        n = len(delta)
        extra_cols = np.fromiter(delta.keys(), dtype=np.int64, count=n)
        extra_vals = np.fromiter(delta.values(), dtype=np.float64, count=n)
        return np.concatenate([cols, extra_cols]), np.concatenate([vals, extra_vals])

    def rows(self, rows: NDArray[np.int64]) -> tuple[Row, NDArray[np.int64]]:
        """The `row` of each of `rows`, one after another as (columns, values), and each one's
        length; rows untouched since the bulk build are read at once. The arrays are new."""
        indptr = self._base.indptr
        inside = (rows >= 0) & (rows < indptr.size - 1)
        lo = np.zeros(rows.size, dtype=np.int64)
        counts = np.zeros(rows.size, dtype=np.int64)
        lo[inside] = indptr[rows[inside]]
        counts[inside] = indptr[rows[inside] + 1] - lo[inside]
        rewritten, delta = self._rows, self._delta
        own = {k: self.row(r) for k, r in enumerate(rows.tolist()) if r in rewritten or r in delta}
        for k, (cols, _) in own.items():
            counts[k] = cols.size
        total = int(counts.sum())
        if total == 0:  # fresh arrays: callers may scale the values in place
            return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)), counts
        starts = np.cumsum(counts) - counts
        if self._base.nnz:  # a written row's positions are clipped, then overwritten below
            at = np.repeat(lo - starts, counts) + np.arange(total)
            cols = self._base.indices.take(at, mode="clip").astype(np.int64)
            vals = self._base.data.take(at, mode="clip").astype(np.float64)
        else:
            cols, vals = np.empty(total, dtype=np.int64), np.empty(total, dtype=np.float64)
        for k, (row_cols, row_vals) in own.items():
            cols[starts[k] : starts[k] + counts[k]] = row_cols
            vals[starts[k] : starts[k] + counts[k]] = row_vals
        return (cols, vals), counts

    def get(self, row: int, col: int) -> float:
        """The current count of entry (row, col); 0 when absent or trimmed."""
        cols, vals = self.row(row)
        return float(vals[cols == col].sum())

    def to_csr(self, n_rows: int, n_cols: int) -> sp.csr_matrix:
        """Every current count as a float64 CSR matrix of at least the given shape."""
        touched = sorted(set(self._rows) | set(self._delta))
        parts = [self.row(r) for r in touched]
        rows = [
            np.full(c.size, r, dtype=np.int64) for r, (c, _) in zip(touched, parts, strict=True)
        ]
        base = self._base.tocoo()
        keep = ~np.isin(base.row, touched)
        all_rows = np.concatenate([base.row[keep], *rows]).astype(np.int64)
        all_cols = np.concatenate([base.col[keep], *(c for c, _ in parts)]).astype(np.int64)
        all_vals = np.concatenate([base.data[keep], *(v for _, v in parts)]).astype(np.float64)
        shape = (
            max(n_rows, int(all_rows.max(initial=-1)) + 1),
            max(n_cols, int(all_cols.max(initial=-1)) + 1),
        )
        csr = sp.coo_matrix((all_vals, (all_rows, all_cols)), shape=shape).tocsr()
        csr.sum_duplicates()
        return csr

    @property
    def nnz(self) -> int:
        """How many entries are stored (a column pending in the delta counts once more)."""
        rewritten = sum(c.size for c, _ in self._rows.values())
        shadowed = sum(self._base_row(r)[0].size for r in self._rows)
        pending = sum(len(d) for d in self._delta.values())
        return int(self._base.nnz) - shadowed + rewritten + pending

    def _base_row(self, row: int) -> Row:
        """Row `row` of the bulk-built base (views, not copies)."""
        if row >= self._base.shape[0]:
            return _EMPTY_COLS, _EMPTY_VALS
        lo, hi = self._base.indptr[row], self._base.indptr[row + 1]
        return self._base.indices[lo:hi], self._base.data[lo:hi]

    def _stored(self, row: int) -> Row:
        """Row `row` without its pending delta."""
        hit = self._rows.get(row)
        return hit if hit is not None else self._base_row(row)

    def _merge(self, row: int) -> None:
        """Fold the row's delta into its arrays and trim it to `top_n`."""
        cols, vals = self.row(row)
        del self._delta[row]
        uniq, inverse = distinct_inverse(cols)
        sums = np.bincount(inverse, weights=vals, minlength=uniq.size).astype(np.float64)
        self._rows[row] = _top(uniq.astype(np.int64), sums, self.top_n)
