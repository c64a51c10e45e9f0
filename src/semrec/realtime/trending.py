"""Trending items: time-decayed event counts with a half-life, O(1) per event.

The score of item ``j`` at time ``now`` is ``sum_e w_e * 0.5 ** ((now - ts_e) / half_life)``
over its counted events. Rather than decaying every item on every event, each event is stored
*up-scaled* to a reference time ``ref``: ``w * 2 ** ((ts - ref) / half_life)``; reading
multiplies by ``2 ** ((ref - now) / half_life)``. When an event lands more than
`_REBASE_HALF_LIVES` half-lives after ``ref`` (about 6 months with the 3-day default), every
value is scaled down once and ``ref`` moves to that event, which keeps the numbers far from
float64 overflow. Events newer than ``now`` count more than their weight (``2 ** (skew /
half_life)``, negligible for clock skew of seconds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from semrec.models.base import check_float
from semrec.realtime.events import Weights, item_stream
from semrec.realtime.params import DAY
from semrec.realtime.sparse_rows import grow
from semrec.store.base import EventArrays

__all__ = ["Trending"]

_REBASE_HALF_LIVES = 64.0
_MAX_EXPONENT = 1000.0  # asking for a time long before the events: huge, but no OverflowError


class Trending:
    """Exponentially time-decayed item counts that grow with new items."""

    def __init__(self, *, half_life: float = 3 * DAY) -> None:
        self.half_life = check_float("half_life", half_life, 0.0, strict=True)
        self._vals = np.zeros(0, dtype=np.float64)
        self._ref: float | None = None
        self._n = 0
        self._max = 0.0  # the largest stored value, kept with every update
        self._top: NDArray[np.int64] | None = None  # the best items at the last `top` refresh
        self._touched: set[int] = set()  # items updated since then
        self._top_depth = 0

    @classmethod
    def from_events(
        cls, events: EventArrays, weights: Weights, n_items: int, **params: Any
    ) -> Trending:
        """Build in bulk: one weighted bincount, referenced to the newest event."""
        tr = cls(**params)
        s = item_stream(events, weights)
        tr._n = max(n_items, int(s.items.max(initial=-1)) + 1)
        if s.items.size:
            tr._ref = float(s.ts.max())
            scaled = s.weights * np.exp2((s.ts - tr._ref) / tr.half_life)
            tr._vals = np.bincount(s.items, weights=scaled, minlength=tr._n).astype(np.float64)
            tr._max = float(tr._vals.max(initial=0.0))
        else:
            tr._vals = np.zeros(tr._n, dtype=np.float64)
        return tr

    @property
    def n_items(self) -> int:
        """One more than the largest item index seen (or the `n_items` built with)."""
        return self._n

    def update(self, item: int, weight: float, ts: float) -> None:
        """Add an event of `weight` on `item` at `ts`; non-positive weights are ignored. O(1)."""
        if weight <= 0 or item < 0:
            return
        if item >= self._n:
            self._n = item + 1
            self._vals = grow(self._vals, self._n)
        if self._ref is None:
            self._ref = ts
        exponent = (ts - self._ref) / self.half_life
        if exponent > _REBASE_HALF_LIVES:
            self._vals *= 2.0**-exponent
            self._max *= 2.0**-exponent
            self._ref, exponent = ts, 0.0
        self._vals[item] += weight * 2.0**exponent
        self._max = max(self._max, float(self._vals[item]))
        if self._top is not None:
            self._touched.add(item)

    def scores(self, now: float, n_items: int | None = None) -> NDArray[np.float32]:
        """Every item's decayed count at `now` as float32[n_items] (default: items seen)."""
        n = self._n if n_items is None else n_items
        out = np.zeros(n, dtype=np.float32)
        if self._ref is None:
            return out
        m = min(n, self._n)
        out[:m] = self._vals[:m] * self._factor(now)
        return out

    def relative_scores(self, n_items: int | None = None) -> NDArray[np.float32]:
        """Every item's decayed count up to a common factor (the order at any later time).

        Use this rather than `scores(now)` when `now` may be far past the last event: the
        decay would underflow to all zeros there, while the order stays the same.
        """
        n = self._n if n_items is None else n_items
        out = np.zeros(n, dtype=np.float32)
        m = min(n, self._n)
        if m:
            top = float(self._vals[:m].max())
            out[:m] = self._vals[:m] / top if top > 0 else 0.0
        return out

    def relative_at(self, items: NDArray[np.int64]) -> NDArray[np.float32]:
        """`relative_scores` of just `items` (0 for items never seen), without a full pass."""
        out = np.zeros(items.shape[0], dtype=np.float32)
        known = items < self._n
        if self._max > 0:
            out[known] = self._vals[items[known]] / self._max
        return out

    def top(self, depth: int) -> NDArray[np.int64]:
        """Sorted item indexes that include the `depth` most trending items (maybe more).

        The full pass that finds the best `depth` runs again only once more than `depth` items
        were updated after it. In between, every stored value decays alike, so an item nobody
        touched cannot overtake one that stood above it: the last best items plus the items
        touched since always include the current best.
        """
        if self._top is None or self._top_depth != depth or len(self._touched) > depth:
            self._top, self._top_depth = _best(self._vals[: self._n], depth), depth
            self._touched = set()
        if not self._touched:
            return self._top
        touched = np.fromiter(self._touched, dtype=np.int64, count=len(self._touched))
        return np.union1d(self._top, touched)

    def score(self, item: int, now: float) -> float:
        """One item's decayed count at `now`."""
        if self._ref is None or not 0 <= item < self._n:
            return 0.0
        return float(self._vals[item] * self._factor(now))

    def _factor(self, now: float) -> float:
        """The multiplier from stored values to counts decayed to `now`."""
        ref = now if self._ref is None else self._ref
        return float(2.0 ** min((ref - now) / self.half_life, _MAX_EXPONENT))


def _best(values: NDArray[np.float64], depth: int) -> NDArray[np.int64]:
    """Sorted indexes of the `depth` largest positive values (all positive ones if fewer).

    >>> _best(np.array([0.0, 3.0, 1.0, 2.0]), 2).tolist()
    [1, 3]
    """
    positive = np.flatnonzero(values > 0)
    if positive.size > depth:
        positive = positive[np.argpartition(-values[positive], depth - 1)[:depth]]
    return np.sort(positive).astype(np.int64)
