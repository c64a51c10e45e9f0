"""Sequence-aware next-item signal: counts of direct successors ``i -> j``.

When a user's event on item ``j`` (weight ``w``) directly follows their previous counted event
on item ``i != j`` within `session_gap` seconds, ``t(i, j) += w``. A repeat of the same item
(view, then add to cart) adds nothing and keeps the item as the predecessor.

Scores are Markov-chain style: ``P(j | i) = t(i, j) / t(i)`` with ``t(i)`` the untrimmed total
of row ``i``. Unlike co-visitation, the conditional probability is wanted here: it answers
"what do people open right after this", and a strong hub that usually comes next should win.
The newest of the last `order` items weighs 1, the one before it ``recency``, then
``recency ** 2``: after A then B, the successors of B weigh most.

Counts are anonymous aggregates and stay when a user is forgotten (see `co-visitation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from semrec.models.base import check_float, check_int
from semrec.realtime.events import RecentEvent, Weights, item_stream
from semrec.realtime.params import check_unit
from semrec.realtime.sparse_rows import Row, SparseRows, dense, grow
from semrec.store.base import EventArrays

__all__ = ["Transitions"]


class Transitions:
    """Direct-successor counts with row-normalised, order-aware scoring."""

    def __init__(
        self,
        *,
        session_gap: float = 1800.0,
        order: int = 3,
        recency: float = 0.7,
        top_n: int = 200,
        merge_at: int = 32,
    ) -> None:
        self.session_gap = check_float("session_gap", session_gap, 0.0, strict=True)
        self.order = check_int("order", order, 1)
        self.recency = check_unit("recency", recency)
        self._counts = SparseRows(check_int("top_n", top_n, 1), check_int("merge_at", merge_at, 1))
        self._mass = np.zeros(0, dtype=np.float64)
        self._n = 0

    @classmethod
    def from_events(
        cls, events: EventArrays, weights: Weights, n_items: int, **params: Any
    ) -> Transitions:
        """Build in bulk from an event log (arrival order); equal to `update` per event."""
        tr = cls(**params)
        s = item_stream(events, weights)
        n = max(n_items, int(s.items.max(initial=-1)) + 1)
        if s.items.size > 1:
            before, after = s.items[:-1], s.items[1:]
            ok = s.same_user(1) & (before != after)
            ok &= np.abs(s.ts[1:] - s.ts[:-1]) <= tr.session_gap
            vals = s.weights[1:][ok]
            coo = sp.coo_matrix((vals, (before[ok], after[ok])), shape=(n, n))
        else:
            coo = sp.coo_matrix((n, n), dtype=np.float64)
        total = coo.tocsr()
        tr._mass = np.asarray(total.sum(axis=1), dtype=np.float64).ravel()
        tr._counts = SparseRows.from_csr(total, tr._counts.top_n, tr._counts.merge_at)
        tr._n = n
        return tr

    @property
    def n_items(self) -> int:
        """One more than the largest item index seen (or the `n_items` built with)."""
        return self._n

    def update(
        self, user_recent: Sequence[RecentEvent], item: int, weight: float, ts: float
    ) -> None:
        """Count `item` as the successor of the last event in `user_recent` (oldest first).

        Non-positive weights and items < 0 are ignored. O(1).
        """
        if weight <= 0 or item < 0:
            return
        if item >= self._n:
            self._n = item + 1
            self._mass = grow(self._mass, self._n)
        if not user_recent:
            return
        prev = user_recent[-1]
        if prev.item != item and abs(ts - prev.ts) <= self.session_gap:
            self._counts.add(prev.item, item, weight)
            self._mass[prev.item] += weight

    def row(self, i: int) -> Row:
        """Item `i`'s successor counts t(i, .) as (columns, values), columns may repeat."""
        return self._counts.row(i)

    def rows(self, items: NDArray[np.int64]) -> tuple[Row, NDArray[np.int64]]:
        """The `row` of each of `items` one after another, and each one's length (new arrays)."""
        return self._counts.rows(items)

    def count(self, i: int, j: int) -> float:
        """The current successor count t(i, j)."""
        return self._counts.get(i, j)

    def to_csr(self, n_items: int = 0) -> sp.csr_matrix:
        """All kept counts as an items x items float64 CSR matrix."""
        n = max(n_items, self._n)
        return self._counts.to_csr(n, n)

    def scores(self, last_items: ArrayLike, n_items: int) -> NDArray[np.float32]:
        """Score every item as the next one after `last_items` (oldest first).

        Consecutive repeats collapse to one; the newest of the last `order` distinct steps
        weighs 1, older ones ``recency ** age``. Returns float32[n_items].
        """
        return dense(*self.pairs(last_items), n_items)

    def pairs(self, last_items: ArrayLike) -> Row:
        """The terms of `scores` as (column, value) pairs; a column may repeat (sum them)."""
        items = np.asarray(last_items, dtype=np.int64).ravel()
        if items.size > 1:
            items = items[np.append(items[1:] != items[:-1], True)]
        items = items[::-1][: self.order]
        factors = self.recency ** np.arange(items.size, dtype=np.float64)
        ok = (items >= 0) & (items < self._n)
        ok[ok] = self._mass[items[ok]] > 0
        (cols, vals), counts = self._counts.rows(items[ok])
        vals *= np.repeat(factors[ok] / self._mass[items[ok]], counts)
        return cols, vals
