"""`LiveState`: every live counter behind one lock and one `observe` entry point.

The service calls `observe` for each acknowledged event (write path, tens of microseconds) and
the read methods on each request; at training time it rebuilds the whole state from the event
log with `from_events`, which gives the same counts as observing the log event by event.

Only events that name an item and weigh more than 0 are counted (searches and zero-weight
types are ignored). `forget` drops a user's recent window and session vector; what they added
to co-visitation, transitions and trending are anonymous aggregates and stay until the next
rebuild from the (then forgotten) log.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semrec.data.errors import ValidationError
from semrec.data.records import EVENT_TYPES
from semrec.realtime.covisitation import CoVisitation
from semrec.realtime.events import Weights, WeightTable
from semrec.realtime.params import RealtimeParams
from semrec.realtime.recent import RecentItems
from semrec.realtime.session import SessionVector
from semrec.realtime.sparse_rows import summed
from semrec.realtime.transitions import Transitions
from semrec.realtime.trending import Trending
from semrec.store.base import EventArrays

__all__ = ["LiveState"]


def _covisitation_params(p: RealtimeParams) -> dict[str, Any]:
    """The keyword arguments of `CoVisitation` taken from `p`."""
    return {
        "window": p.window,
        "max_gap": p.max_gap,
        "distance_decay": p.distance_decay,
        "recency": p.recency,
        "top_n": p.top_n,
        "merge_at": p.merge_at,
    }


def _transition_params(p: RealtimeParams) -> dict[str, Any]:
    """The keyword arguments of `Transitions` taken from `p`."""
    return {
        "session_gap": p.session_gap,
        "order": p.order,
        "recency": p.recency,
        "top_n": p.top_n,
        "merge_at": p.merge_at,
    }


def _session_params(p: RealtimeParams) -> dict[str, Any]:
    """The keyword arguments of `SessionVector` taken from `p`."""
    return {"decay": p.session_decay, "half_life": p.session_half_life}


class LiveState:
    """Recent windows, co-visitation, transitions, trending and session vectors, kept current.

    All methods are thread-safe (one lock; writes and reads each take well under a
    millisecond). The component attributes are for inspection; use them directly only where
    no other thread touches the state.
    """

    def __init__(
        self,
        weights: Weights,
        *,
        params: RealtimeParams | None = None,
        embeddings: ArrayLike | None = None,
        n_items: int = 0,
    ) -> None:
        p = self.params = params if params is not None else RealtimeParams()
        self.weights = WeightTable.of(weights)
        self.recent = RecentItems(capacity=max(p.window, p.order))
        self.covisitation = CoVisitation(**_covisitation_params(p))
        self.transitions = Transitions(**_transition_params(p))
        self.trending = Trending(half_life=p.trending_half_life)
        self.session: SessionVector | None = None
        if embeddings is not None:
            self.session = SessionVector(embeddings, **_session_params(p))
        self._n_items = n_items
        self._lock = threading.Lock()

    @classmethod
    def from_events(
        cls,
        events: EventArrays,
        weights: Weights,
        n_items: int,
        embeddings: ArrayLike | None = None,
        *,
        params: RealtimeParams | None = None,
    ) -> LiveState:
        """Rebuild all live state in bulk from an event log in arrival order."""
        state = cls(weights, params=params, embeddings=embeddings, n_items=n_items)
        p, table = state.params, state.weights
        state.recent = RecentItems.from_events(events, table, capacity=state.recent.capacity)
        state.covisitation = CoVisitation.from_events(
            events, table, n_items, **_covisitation_params(p)
        )
        state.transitions = Transitions.from_events(events, table, n_items, **_transition_params(p))
        state.trending = Trending.from_events(
            events, table, n_items, half_life=p.trending_half_life
        )
        if embeddings is not None:
            state.session = SessionVector.from_events(
                events, table, embeddings, **_session_params(p)
            )
        state._n_items = max(n_items, state.covisitation.n_items)
        return state

    @property
    def n_items(self) -> int:
        """One more than the largest item index seen (or the `n_items` built with)."""
        return self._n_items

    def observe(
        self, user_idx: int, item_idx: int, type_code: int, value: float, ts: float
    ) -> bool:
        """Update every counter with one event; returns whether the event was counted."""
        _check_event(user_idx, item_idx, type_code, ts)
        weight = self.weights.one(type_code, value)
        if item_idx < 0 or weight <= 0:
            return False
        with self._lock:
            window = self.recent.observe(user_idx, item_idx, weight, ts)
            self.covisitation.update(window, item_idx, weight, ts)
            self.transitions.update(window, item_idx, weight, ts)
            self.trending.update(item_idx, weight, ts)
            if self.session is not None:
                self.session.update(user_idx, item_idx, weight, ts)
            self._n_items = max(self._n_items, item_idx + 1)
        return True

    def forget(self, user_idx: int) -> None:
        """Drop the user's recent window and session vector (aggregates stay)."""
        with self._lock:
            self.recent.forget(user_idx)
            if self.session is not None:
                self.session.forget(user_idx)

    def set_embeddings(self, embeddings: ArrayLike) -> None:
        """Start or refresh session vectors with a new item embedding matrix."""
        with self._lock:
            if self.session is None:
                self.session = SessionVector(embeddings, **_session_params(self.params))
            else:
                self.session.set_embeddings(embeddings)

    def recent_items(self, user_idx: int) -> NDArray[np.int64]:
        """The user's recent item indexes, oldest first."""
        with self._lock:
            return self.recent.items(user_idx)

    def covisitation_scores(self, user_idx: int, n_items: int | None = None) -> NDArray[np.float32]:
        """Co-visitation scores of every item for the user's recent window."""
        with self._lock:
            items, weights, _ = self.recent.arrays(user_idx)
            return self.covisitation.scores(items, weights, self._width(n_items))

    def transition_scores(self, user_idx: int, n_items: int | None = None) -> NDArray[np.float32]:
        """Next-item scores of every item after the user's last items."""
        with self._lock:
            return self.transitions.scores(self.recent.items(user_idx), self._width(n_items))

    def trending_scores(self, now: float, n_items: int | None = None) -> NDArray[np.float32]:
        """Every item's time-decayed count at `now`."""
        with self._lock:
            return self.trending.scores(now, self._width(n_items))

    def trending_order(self, n_items: int | None = None) -> NDArray[np.float32]:
        """Trending scores scaled to a maximum of 1 (order as at any time after the last event)."""
        with self._lock:
            return self.trending.relative_scores(self._width(n_items))

    def covisitation_pairs(self, user_idx: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The items `covisitation_scores` scores above 0 and their scores (sparse)."""
        with self._lock:
            items, weights, _ = self.recent.arrays(user_idx)
            return summed(*self.covisitation.pairs(items, weights))

    def transition_pairs(self, user_idx: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The items `transition_scores` scores above 0 and their scores (sparse)."""
        with self._lock:
            return summed(*self.transitions.pairs(self.recent.items(user_idx)))

    def trending_top(self, depth: int) -> NDArray[np.int64]:
        """Sorted item indexes that include the `depth` most trending ones."""
        with self._lock:
            return self.trending.top(depth)

    def trending_at(self, items: NDArray[np.int64]) -> NDArray[np.float32]:
        """`trending_order` of just `items`."""
        with self._lock:
            return self.trending.relative_at(items)

    def session_vector(self, user_idx: int) -> NDArray[np.float32] | None:
        """The user's session vector, or None (no embeddings, or no embedded item seen)."""
        with self._lock:
            return None if self.session is None else self.session.vector(user_idx)

    def _width(self, n_items: int | None) -> int:
        """The score vector length: `n_items` when given, else the items known."""
        return self._n_items if n_items is None else n_items


def _check_event(user_idx: int, item_idx: int, type_code: int, ts: float) -> None:
    """Raise `ValidationError` for an event no counter can take."""
    if not 0 <= type_code < len(EVENT_TYPES):
        raise ValidationError("type_code", type_code, f"a code in [0, {len(EVENT_TYPES)})")
    if user_idx < 0:
        raise ValidationError("user_idx", user_idx, "an index >= 0")
    if item_idx < -1:
        raise ValidationError("item_idx", item_idx, "an index >= 0, or -1 for no item")
    if not math.isfinite(ts):
        raise ValidationError("ts", ts, "a finite timestamp")
