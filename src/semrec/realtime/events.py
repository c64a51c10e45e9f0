"""Event weights and the per-user event stream every live counter is built from.

Live state counts only *positive* evidence: an event enters it when it names an item
(``item_idx >= 0``; searches do not) and its weight is > 0. Weights are per event type, indexed
by type code (`semrec.data.records.EVENT_TYPES` order); given an `EventWeights`, ``rate`` and
``review`` events are also scaled by their rating exactly like the training matrix
(`semrec.models.interactions`), so live and trained signals agree. Its time decay is not used
here: each live counter has its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semrec.data.errors import ValidationError
from semrec.data.records import EVENT_TYPE_CODES, EVENT_TYPES
from semrec.models.interactions import EventWeights
from semrec.store.base import EventArrays

__all__ = ["ItemStream", "RecentEvent", "WeightTable", "Weights", "item_stream"]

_RATED = frozenset((EVENT_TYPE_CODES["rate"], EVENT_TYPE_CODES["review"]))


class RecentEvent(NamedTuple):
    """One entry of a user's recent window: the item, the event's weight and its time."""

    item: int
    weight: float
    ts: float


@dataclass(frozen=True, slots=True)
class WeightTable:
    """Per-type weights (indexed by type code) and, optionally, the rating scale."""

    per_type: tuple[float, ...]
    rating: tuple[float, float] | None = None

    @classmethod
    def of(cls, weights: Weights) -> WeightTable:
        """A table from `EventWeights`, an existing table, or a per-type weight array."""
        if isinstance(weights, WeightTable):
            return weights
        if isinstance(weights, EventWeights):
            scale = (weights.rating_min, weights.rating_max)
            return cls(tuple(float(w) for w in weights.type_weights()), scale)
        arr = np.asarray(weights, dtype=np.float64).ravel()
        if arr.size != len(EVENT_TYPES) or not np.isfinite(arr).all():
            raise ValidationError("weights", arr.tolist(), f"{len(EVENT_TYPES)} finite numbers")
        return cls(tuple(float(w) for w in arr))

    def one(self, code: int, value: float) -> float:
        """The weight of one event of type `code` with value `value` (a rating or NaN)."""
        w = self.per_type[code]
        if self.rating is not None and code in _RATED:
            lo, hi = self.rating
            r = (lo + hi) / 2.0 if math.isnan(value) else min(max(value, lo), hi)
            w *= (r - lo + 1.0) / (hi - lo + 1.0)
        return w

    def many(self, codes: NDArray[np.int8], values: NDArray[np.float64]) -> NDArray[np.float64]:
        """The weight of each event (vectorised `one`)."""
        if codes.size and (codes.min() < 0 or codes.max() >= len(EVENT_TYPES)):
            raise ValidationError("type_codes", int(codes.max()), "valid event type codes")
        w = np.asarray(self.per_type, dtype=np.float64)[codes.astype(np.intp)]
        if self.rating is not None:
            rated = np.isin(codes, list(_RATED))
            lo, hi = self.rating
            r = np.clip(np.where(np.isnan(values[rated]), (lo + hi) / 2.0, values[rated]), lo, hi)
            w[rated] *= (r - lo + 1.0) / (hi - lo + 1.0)
        return w


Weights = EventWeights | WeightTable | ArrayLike


class ItemStream(NamedTuple):
    """Positive-weight item events grouped by user, each user's events in arrival order."""

    users: NDArray[np.int64]
    items: NDArray[np.int64]
    weights: NDArray[np.float64]
    ts: NDArray[np.float64]

    def same_user(self, d: int) -> NDArray[np.bool_]:
        """For each event from position `d` on: is the event `d` places earlier the same user's?"""
        return np.asarray(self.users[d:] == self.users[:-d], dtype=np.bool_)

    def same_user_as_previous(self) -> NDArray[np.bool_]:
        """Whether each event's user also made the event just before it."""
        same = np.zeros(self.users.size, dtype=bool)
        same[1:] = self.users[1:] == self.users[:-1]
        return same

    def last_of_user(self) -> NDArray[np.bool_]:
        """Whether each event is its user's last one."""
        last = np.ones(self.users.size, dtype=bool)
        last[:-1] = self.users[1:] != self.users[:-1]
        return last


def item_stream(events: EventArrays, weights: Weights) -> ItemStream:
    """The events that live state counts, stable-sorted by user (arrival order kept)."""
    users = np.asarray(events.user_idx, dtype=np.int64)
    items = np.asarray(events.item_idx, dtype=np.int64)
    ts = np.asarray(events.timestamps, dtype=np.float64)
    codes = np.asarray(events.type_codes, dtype=np.int8)
    if not (items.size == users.size == ts.size == codes.size == len(events.values)):
        raise ValidationError("events", len(events), "arrays of equal length")
    if ts.size and not np.isfinite(ts).all():
        raise ValidationError("timestamps", "non-finite", "finite timestamps")
    w = WeightTable.of(weights).many(codes, np.asarray(events.values, dtype=np.float64))
    keep = (items >= 0) & (w > 0)
    order = np.flatnonzero(keep)[np.argsort(users[keep], kind="stable")]
    if order.size and users[order[0]] < 0:
        raise ValidationError("user_idx", int(users[order[0]]), "indexes >= 0")
    return ItemStream(users[order], items[order], w[order], ts[order])
