"""Per-user recent window: the last `capacity` counted events (item, weight, time).

A bulk build keeps the selected events as flat arrays (a few bytes per event) and turns a
user's slice into a deque only when that user next has an event, so rebuilding from a
log of millions of events creates no Python object per event.
"""

from __future__ import annotations

from collections import deque
from itertools import repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semrec.models.base import check_int
from semrec.realtime.events import RecentEvent, Weights, item_stream
from semrec.store.base import EventArrays

__all__ = ["RecentItems", "UserWindow"]

_NO_EVENTS: tuple[RecentEvent, ...] = ()


class RecentItems:
    """Bounded deques of `RecentEvent` per user index, oldest first."""

    def __init__(self, *, capacity: int = 20) -> None:
        self.capacity = check_int("capacity", capacity, 1)
        self._live: dict[int, deque[RecentEvent]] = {}
        self._start = np.zeros(0, dtype=np.int64)
        self._stop = np.zeros(0, dtype=np.int64)
        self._items = np.zeros(0, dtype=np.int64)
        self._weights = np.zeros(0, dtype=np.float64)
        self._ts = np.zeros(0, dtype=np.float64)

    @classmethod
    def from_events(cls, events: EventArrays, weights: Weights, **params: Any) -> RecentItems:
        """Each user's last `capacity` counted events of the log (arrival order), vectorised."""
        recent = cls(**params)
        s = item_stream(events, weights)
        if s.users.size == 0:
            return recent
        n_users = int(s.users.max()) + 1
        group_stop = np.searchsorted(s.users, s.users, side="right")
        keep = np.arange(s.users.size) >= group_stop - recent.capacity
        offsets = np.concatenate([[0], np.cumsum(np.bincount(s.users[keep], minlength=n_users))])
        recent._start, recent._stop = offsets[:-1], offsets[1:].copy()
        recent._items, recent._weights, recent._ts = s.items[keep], s.weights[keep], s.ts[keep]
        return recent

    def push(self, user: int, item: int, weight: float, ts: float) -> None:
        """Append an event to the user's window, dropping the oldest beyond `capacity`.

        Like every live counter, ignores events without an item or with weight <= 0.
        """
        if weight <= 0 or item < 0:
            return
        self._deque(user).append(RecentEvent(item, weight, ts))

    def observe(self, user: int, item: int, weight: float, ts: float) -> tuple[RecentEvent, ...]:
        """`push` the event and return the user's window as it was before it."""
        if weight <= 0 or item < 0:
            return self.window(user)
        events = self._deque(user)
        before = tuple(events)
        events.append(RecentEvent(item, weight, ts))
        return before

    def window(self, user: int) -> tuple[RecentEvent, ...]:
        """The user's recent events, oldest first (empty for an unknown user)."""
        found = self._live.get(user)
        return tuple(found) if found is not None else self._bulk(user)

    def items(self, user: int) -> NDArray[np.int64]:
        """The user's recent item indexes, oldest first."""
        return self.arrays(user)[0]

    def arrays(
        self, user: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """The user's recent (items, weights, timestamps), oldest first (copies)."""
        events = self._live.get(user)
        if events is None:  # still in the bulk arrays: slice them, make no event objects
            lo, hi = self._span(user)
            return self._items[lo:hi].copy(), self._weights[lo:hi].copy(), self._ts[lo:hi].copy()
        n = len(events)
        items = np.fromiter((e.item for e in events), dtype=np.int64, count=n)
        weights = np.fromiter((e.weight for e in events), dtype=np.float64, count=n)
        ts = np.fromiter((e.ts for e in events), dtype=np.float64, count=n)
        return items, weights, ts

    def forget(self, user: int) -> None:
        """Drop everything held for `user`."""
        self._live.pop(user, None)
        if 0 <= user < self._start.size:
            self._stop[user] = self._start[user]

    def __len__(self) -> int:
        """How many users have a non-empty window."""
        in_bulk = int(np.count_nonzero(self._stop > self._start))
        return in_bulk + sum(1 for d in self._live.values() if d)

    def _span(self, user: int) -> tuple[int, int]:
        """Where the user's events lie in the bulk-built arrays (empty span: none there)."""
        if not 0 <= user < self._start.size:
            return 0, 0
        return int(self._start[user]), int(self._stop[user])

    def _bulk(self, user: int) -> tuple[RecentEvent, ...]:
        """The user's events still held only in the bulk-built arrays."""
        lo, hi = self._span(user)
        if lo == hi:
            return _NO_EVENTS
        items = self._items[lo:hi].tolist()
        weights = self._weights[lo:hi].tolist()
        stamps = self._ts[lo:hi].tolist()
        return tuple(
            map(tuple.__new__, repeat(RecentEvent), zip(items, weights, stamps, strict=True))
        )

    def _deque(self, user: int) -> deque[RecentEvent]:
        """The user's live deque, made from the bulk arrays on first write."""
        found = self._live.get(user)
        if found is None:
            found = self._live[user] = deque(self._bulk(user), maxlen=self.capacity)
            if 0 <= user < self._start.size:
                self._stop[user] = self._start[user]
        return found


UserWindow = RecentItems
