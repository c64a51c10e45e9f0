"""Events -> the weighted, time-decayed user x item interaction matrix every CF model fits on.

Each event contributes ``type_weight * rating_factor * decay`` to its (user, item) cell;
duplicates are summed and the final cell is clipped at zero (so negative `skip` weights can
cancel positive evidence but never produce a negative confidence).

* ``rate`` and ``review`` events with a value ``r`` are scaled by
  ``(clip(r, rating_min, rating_max) - rating_min + 1) / (rating_max - rating_min + 1)``, a
  monotone map onto ``(0, 1]``: on a 1..5 scale a 5 gets the full weight and a 1 a fifth of it.
  A missing value (NaN) counts as the middle of the scale. Other types ignore the value.
* With ``half_life_days`` set, an event of age ``a`` days (relative to ``now``, default the
  newest timestamp; future events count as age 0) is multiplied by ``0.5 ** (a / half_life)``.
* Events without an item (``item_idx < 0``, e.g. searches) are dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.arrays import distinct_inverse
from semrec.data.errors import ValidationError
from semrec.data.records import EVENT_TYPE_CODES, EVENT_TYPES

__all__ = ["EventWeights", "build_interactions", "user_history_row"]

_SECONDS_PER_DAY = 86_400.0
_RATED = (EVENT_TYPE_CODES["rate"], EVENT_TYPE_CODES["review"])
#: Whether an event type carries a rating, indexed by type code.
_IS_RATED = np.isin(np.arange(len(EVENT_TYPES)), _RATED)
#: The weight fields, in event type code order (the names of `EVENT_TYPES`).
_TYPE_FIELDS = tuple(EVENT_TYPES)


@dataclass(frozen=True, slots=True)
class EventWeights:
    """Per-event-type weights, the rating scale and the time decay used to build interactions.

    The first eight fields are in `EVENT_TYPES` order. Weights may be negative (a `skip` can
    count against an item); cells are clipped at zero after summing.
    """

    view: float = 1.0
    click: float = 2.0
    add_to_cart: float = 4.0
    purchase: float = 8.0
    rate: float = 5.0
    review: float = 5.0
    search: float = 0.0
    skip: float = 0.0
    rating_min: float = 0.0
    rating_max: float = 5.0
    half_life_days: float | None = None

    def __post_init__(self) -> None:
        """Reject non-finite weights, an empty rating scale and a non-positive half-life."""
        for f in fields(self)[: len(EVENT_TYPES)]:
            value = getattr(self, f.name)
            if not math.isfinite(value):
                raise ValidationError(f"weights.{f.name}", value, "a finite number")
        if not self.rating_max > self.rating_min:
            raise ValidationError("weights.rating_max", self.rating_max, "> rating_min")
        hl = self.half_life_days
        if hl is not None and not (math.isfinite(hl) and hl > 0):
            raise ValidationError("weights.half_life_days", hl, "a positive number or None")

    def type_weights(self) -> NDArray[np.float64]:
        """The per-type weights as an array indexed by event type code."""
        return np.array([getattr(self, name) for name in _TYPE_FIELDS], dtype=np.float64)

    def rating_factor(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map ratings onto ``(0, 1]`` monotonically; NaN becomes the middle of the scale."""
        middle = (self.rating_min + self.rating_max) / 2.0
        r = np.clip(np.where(np.isnan(values), middle, values), self.rating_min, self.rating_max)
        return (r - self.rating_min + 1.0) / (self.rating_max - self.rating_min + 1.0)


assert tuple(f.name for f in fields(EventWeights))[: len(EVENT_TYPES)] == EVENT_TYPES


def _check_inputs(
    user_idx: NDArray[np.int64],
    item_idx: NDArray[np.int64],
    type_codes: NDArray[np.int8],
    values: NDArray[np.float64],
    timestamps: NDArray[np.float64],
) -> None:
    """Raise `ValidationError` when the event arrays disagree in length or hold bad codes."""
    n = len(user_idx)
    for name, arr in (("item_idx", item_idx), ("type_codes", type_codes), ("values", values)):
        if len(arr) != n:
            raise ValidationError(name, len(arr), f"length {n} like user_idx")
    if len(timestamps) != n:
        raise ValidationError("timestamps", len(timestamps), f"length {n} like user_idx")
    if n and (type_codes.min() < 0 or type_codes.max() >= len(EVENT_TYPES)):
        raise ValidationError("type_codes", type_codes.max(), f"codes in [0, {len(EVENT_TYPES)})")
    if n and not np.isfinite(timestamps).all():
        raise ValidationError("timestamps", timestamps[~np.isfinite(timestamps)][0], "finite")


def _check_range(field: str, idx: NDArray[np.int64], upper: int) -> None:
    """Raise `ValidationError` unless every index lies in ``[0, upper)``."""
    if idx.size and (idx.min() < 0 or idx.max() >= upper):
        bad = idx[(idx < 0) | (idx >= upper)][0]
        raise ValidationError(field, int(bad), f"an index in [0, {upper})")


def _event_weights(
    type_codes: NDArray[np.int8],
    values: NDArray[np.float64],
    timestamps: NDArray[np.float64],
    weights: EventWeights,
    now: float | None,
) -> NDArray[np.float64]:
    """The weight of each event: type weight x rating factor x time decay."""
    w = weights.type_weights()[type_codes.astype(np.intp)]
    rated = _IS_RATED[type_codes.astype(np.intp)]
    if rated.any():
        w[rated] *= weights.rating_factor(values[rated])
    if weights.half_life_days is not None and timestamps.size:
        ref = float(timestamps.max()) if now is None else float(now)
        age_days = np.maximum(ref - timestamps, 0.0) / _SECONDS_PER_DAY
        w *= np.exp2(-age_days / weights.half_life_days)
    return w


def build_interactions(
    user_idx: NDArray[np.int64],
    item_idx: NDArray[np.int64],
    type_codes: NDArray[np.int8],
    values: NDArray[np.float64],
    timestamps: NDArray[np.float64],
    n_users: int,
    n_items: int,
    weights: EventWeights,
    now: float | None = None,
) -> sp.csr_matrix:
    """Build the float32 CSR users x items matrix of summed, clipped event weights.

    Events with ``item_idx < 0`` are dropped; other indices must be in range.

    >>> m = build_interactions(np.array([0, 0, 1]), np.array([1, 1, -1]),
    ...     np.array([0, 3, 6], dtype=np.int8), np.full(3, np.nan), np.zeros(3),
    ...     n_users=2, n_items=2, weights=EventWeights())
    >>> m.toarray().tolist()
    [[0.0, 9.0], [0.0, 0.0]]
    """
    users = np.asarray(user_idx, dtype=np.int64)
    items = np.asarray(item_idx, dtype=np.int64)
    codes = np.asarray(type_codes, dtype=np.int8)
    vals = np.asarray(values, dtype=np.float64)
    ts = np.asarray(timestamps, dtype=np.float64)
    _check_inputs(users, items, codes, vals, ts)
    w = _event_weights(codes, vals, ts, weights, now)
    keep = items >= 0
    users, items, w = users[keep], items[keep], w[keep]
    _check_range("user_idx", users, n_users)
    _check_range("item_idx", items, n_items)
    matrix = sp.coo_matrix((w, (users, items)), shape=(n_users, n_items)).tocsr()
    matrix.sum_duplicates()
    np.maximum(matrix.data, 0.0, out=matrix.data)
    matrix.eliminate_zeros()
    return matrix.astype(np.float32)


def user_history_row(
    item_idx: NDArray[np.int64],
    type_codes: NDArray[np.int8],
    values: NDArray[np.float64],
    timestamps: NDArray[np.float64],
    n_items: int,
    weights: EventWeights,
    now: float | None = None,
) -> sp.csr_matrix:
    """One user's live history as a 1 x n_items CSR row, weighted exactly like the training data.

    Equal to the user's row of `build_interactions`, built directly (this is on the read path).
    """
    items = np.asarray(item_idx, dtype=np.int64)
    codes = np.asarray(type_codes, dtype=np.int8)
    vals = np.asarray(values, dtype=np.float64)
    ts = np.asarray(timestamps, dtype=np.float64)
    _check_inputs(np.zeros(items.size, dtype=np.int64), items, codes, vals, ts)
    w = _event_weights(codes, vals, ts, weights, now)
    keep = items >= 0
    items, w = items[keep], w[keep]
    _check_range("item_idx", items, n_items)
    columns, inverse = distinct_inverse(items)
    sums = np.maximum(np.bincount(inverse, weights=w, minlength=columns.size), 0.0)
    nonzero = sums > 0
    return sp.csr_matrix(
        (sums[nonzero].astype(np.float32), columns[nonzero], np.array([0, int(nonzero.sum())])),
        shape=(1, n_items),
    )
