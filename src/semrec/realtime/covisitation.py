"""Item-to-item co-visitation ("viewed / bought together"), updated on every event.

When a user interacts with item ``j`` with event weight ``w``, each of the user's last `window`
counted events (item ``i``, at most `max_gap` seconds away, ``i != j``) at distance ``k`` (1 is
the event just before) adds ``w * distance_decay ** (k - 1)`` to both ``c(i, j)`` and
``c(j, i)``. Distance counts events, repeats of an item included. The counts are symmetric;
each item's neighbour list keeps its `top_n` largest entries (`SparseRows`), while the item's
total mass ``s(i) = sum_j c(i, j)`` is kept untrimmed.

Scores normalise cosine-like: ``c(i, j) / sqrt(s(i) s(j))``. Dividing by ``s(i)`` alone (the
conditional probability of ``j`` after ``i``) puts every source item on the same footing but
ranks the busiest items of the shop first for almost every source; the extra ``sqrt(s(j))``
damps such hubs, and the value stays in [0, 1] since ``c(i, j) <= min(s(i), s(j))``.

Counts are anonymous aggregates: forgetting a user empties their recent window, but what they
added here stays until the next bulk rebuild from the (then forgotten) event log.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from semrec.models.base import check_float, check_int
from semrec.realtime.events import ItemStream, RecentEvent, Weights, item_stream
from semrec.realtime.params import DAY, check_unit
from semrec.realtime.sparse_rows import Row, SparseRows, dense, grow
from semrec.store.base import EventArrays

__all__ = ["CoVisitation"]

_CHUNK = 4_000_000


def _pairs(
    stream: ItemStream, window: int, max_gap: float, decay: float
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]]:
    """(earlier item, later item, weight) of every counted pair, one distance at a time."""
    for d in range(1, min(window, stream.items.size - 1) + 1):
        before, after = stream.items[:-d], stream.items[d:]
        ok = stream.same_user(d) & (before != after)
        ok &= np.abs(stream.ts[d:] - stream.ts[:-d]) <= max_gap
        yield before[ok], after[ok], stream.weights[d:][ok] * decay ** (d - 1)


class CoVisitation:
    """Online, symmetric item-item co-visitation counts with cosine-like scoring."""

    def __init__(
        self,
        *,
        window: int = 20,
        max_gap: float = DAY,
        distance_decay: float = 0.9,
        recency: float = 0.7,
        top_n: int = 200,
        merge_at: int = 32,
    ) -> None:
        self.window = check_int("window", window, 1)
        self.max_gap = check_float("max_gap", max_gap, 0.0, strict=True)
        self.distance_decay = check_unit("distance_decay", distance_decay)
        self.recency = check_unit("recency", recency)
        self._counts = SparseRows(check_int("top_n", top_n, 1), check_int("merge_at", merge_at, 1))
        self._mass = np.zeros(0, dtype=np.float64)
        self._n = 0

    @classmethod
    def from_events(
        cls, events: EventArrays, weights: Weights, n_items: int, **params: Any
    ) -> CoVisitation:
        """Build in bulk from an event log (arrival order); equal to `update` per event."""
        cov = cls(**params)
        stream = item_stream(events, weights)
        n = max(n_items, int(stream.items.max(initial=-1)) + 1)
        total = sp.csr_matrix((n, n), dtype=np.float64)
        chunk: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]] = []
        for pair in _pairs(stream, cov.window, cov.max_gap, cov.distance_decay):
            chunk.append(pair)
            if sum(p[0].size for p in chunk) >= _CHUNK:
                total = total + _symmetric(chunk, n)
                chunk = []
        total = total + _symmetric(chunk, n)
        cov._mass = np.asarray(total.sum(axis=1), dtype=np.float64).ravel()
        cov._counts = SparseRows.from_csr(total, cov._counts.top_n, cov._counts.merge_at)
        cov._n = n
        return cov

    @property
    def n_items(self) -> int:
        """One more than the largest item index seen (or the `n_items` built with)."""
        return self._n

    def update(
        self, user_recent: Sequence[RecentEvent], item: int, weight: float, ts: float
    ) -> None:
        """Count `item` (event `weight` at `ts`) against the user's window before it.

        `user_recent` is the user's recent window, oldest first, not yet holding this event.
        Non-positive weights and items < 0 are ignored. O(window).
        """
        if weight <= 0 or item < 0:
            return
        self._touch(item)
        add, mass, decay = self._counts.add, self._mass, self.distance_decay
        for d, prev in enumerate(reversed(user_recent[-self.window :])):
            if prev.item != item and abs(ts - prev.ts) <= self.max_gap:
                v = weight * decay**d
                add(prev.item, item, v)
                add(item, prev.item, v)
                mass[prev.item] += v
                mass[item] += v

    def row(self, i: int) -> Row:
        """Item `i`'s co-visitation counts c(i, .) as (columns, values), columns may repeat."""
        return self._counts.row(i)

    def rows(self, items: NDArray[np.int64]) -> tuple[Row, NDArray[np.int64]]:
        """The `row` of each of `items` one after another, and each one's length (new arrays)."""
        return self._counts.rows(items)

    def count(self, i: int, j: int) -> float:
        """The current co-visitation count c(i, j)."""
        return self._counts.get(i, j)

    def mass(self, i: int) -> float:
        """The total (untrimmed) co-visitation mass s(i) of item `i`."""
        return float(self._mass[i]) if 0 <= i < self._n else 0.0

    def to_csr(self, n_items: int = 0) -> sp.csr_matrix:
        """All kept counts as an items x items float64 CSR matrix."""
        n = max(n_items, self._n)
        return self._counts.to_csr(n, n)

    def scores(
        self, recent_items: ArrayLike, recent_weights: ArrayLike, n_items: int
    ) -> NDArray[np.float32]:
        """Score every item from the user's recent items (oldest first) and their weights.

        ``score(j) = sum_k weight_k * recency ** age_k * c(i_k, j) / sqrt(s(i_k) s(j))`` where
        ``age_k`` is 0 for the newest item. Returns float32[n_items].
        """
        return dense(*self.pairs(recent_items, recent_weights), n_items)

    def pairs(self, recent_items: ArrayLike, recent_weights: ArrayLike) -> Row:
        """The terms of `scores` as (column, value) pairs; a column may repeat (sum them)."""
        items = np.asarray(recent_items, dtype=np.int64).ravel()[::-1]
        weights = np.asarray(recent_weights, dtype=np.float64).ravel()[::-1]
        mass = self._mass
        factors = weights * self.recency ** np.arange(items.size, dtype=np.float64)
        ok = (factors > 0) & (items >= 0) & (items < self._n)
        ok[ok] = mass[items[ok]] > 0
        items = items[ok]
        (cols, vals), counts = self._counts.rows(items)
        vals *= np.repeat(factors[ok] / np.sqrt(mass[items]), counts)
        return cols, vals / np.sqrt(mass[cols])

    def _touch(self, item: int) -> None:
        """Make room for item index `item`."""
        if item >= self._n:
            self._n = item + 1
            self._mass = grow(self._mass, self._n)


def _symmetric(
    chunk: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]], n: int
) -> sp.csr_matrix:
    """The pairs of `chunk` counted in both directions, as an n x n CSR matrix."""
    if not chunk:
        return sp.csr_matrix((n, n), dtype=np.float64)
    a = np.concatenate([p[0] for p in chunk])
    b = np.concatenate([p[1] for p in chunk])
    v = np.concatenate([p[2] for p in chunk])
    rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
    return sp.coo_matrix((np.concatenate([v, v]), (rows, cols)), shape=(n, n)).tocsr()
