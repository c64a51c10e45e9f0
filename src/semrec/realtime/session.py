"""Per-user session vector: an exponentially decayed mean of the embeddings of recent items.

For a user's counted events ``k`` (weight ``w_k`` on item ``i_k``) the vector is
``sum_k a_k e(i_k) / sum_k a_k`` with ``a_k = w_k * prod f_m`` over the user's later events
``m``, each later event decaying older ones by ``f_m = decay * 0.5 ** (gap_m / half_life)``
(``gap_m`` the seconds since the user's previous counted event, negative gaps count as 0;
no half-life: ``f_m = decay``). Kept as a running numerator and denominator, so an event costs
O(d). Items whose embedding row is all zero (no text yet) or beyond the matrix are skipped, as
if the event had not happened.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from semrec.data.errors import ValidationError
from semrec.models.base import check_float
from semrec.realtime.events import ItemStream, Weights, item_stream
from semrec.realtime.params import check_unit
from semrec.store.base import EventArrays

__all__ = ["SessionVector"]


class _Session:
    """One user's running numerator, denominator and last event time."""

    __slots__ = ("den", "last_ts", "num")

    def __init__(self, num: NDArray[np.float64], den: float, last_ts: float) -> None:
        self.num = num
        self.den = den
        self.last_ts = last_ts


def _final_weights(s: ItemStream, decay: float, half_life: float | None) -> NDArray[np.float64]:
    """Each event's weight in its user's current mean: ``w_k * prod f_m`` over later events."""
    gaps = np.maximum(np.diff(s.ts, prepend=s.ts[:1]), 0.0)
    per_second = 0.0 if half_life is None else math.log(2.0) / half_life
    log_f = math.log(decay) - per_second * gaps
    log_f[~s.same_user_as_previous()] = 0.0
    acc = np.cumsum(log_f)  # a user's later factors: acc[their last event] - acc[k]
    last = np.searchsorted(s.users, s.users, side="right") - 1
    return np.asarray(s.weights * np.exp(acc[last] - acc), dtype=np.float64)


class SessionVector:
    """Decayed mean item embedding per user index, updated per event in O(d)."""

    def __init__(
        self, embeddings: ArrayLike, *, decay: float = 0.8, half_life: float | None = 3600.0
    ) -> None:
        self.decay = check_unit("decay", decay)
        self.half_life = (
            None if half_life is None else check_float("half_life", half_life, 0.0, strict=True)
        )
        self._users: dict[int, _Session] = {}
        self._emb = np.zeros((0, 0), dtype=np.float32)
        self._has = np.zeros(0, dtype=bool)
        self.set_embeddings(embeddings)

    @classmethod
    def from_events(
        cls, events: EventArrays, weights: Weights, embeddings: ArrayLike, **params: Any
    ) -> SessionVector:
        """Build every user's vector in bulk; equal to `update` per event in arrival order."""
        sv = cls(embeddings, **params)
        s = item_stream(events, weights)
        ok = s.items < sv._has.size
        ok[ok] = sv._has[s.items[ok]]
        s = ItemStream(s.users[ok], s.items[ok], s.weights[ok], s.ts[ok])
        if s.users.size == 0:
            return sv
        a = _final_weights(s, sv.decay, sv.half_life)
        users, group = np.unique(s.users, return_inverse=True)
        mix = sp.csr_matrix((a, (group, s.items)), shape=(users.size, sv._has.size))
        num = np.asarray(mix @ sv._emb.astype(np.float64), dtype=np.float64)
        den = np.bincount(group, weights=a, minlength=users.size)
        last_ts = s.ts[s.last_of_user()]
        for g, user in enumerate(users.tolist()):
            sv._users[user] = _Session(num[g], float(den[g]), float(last_ts[g]))
        return sv

    @property
    def dim(self) -> int:
        """The embedding dimension."""
        return int(self._emb.shape[1])

    def set_embeddings(self, embeddings: ArrayLike) -> None:
        """Use a new item embedding matrix; users' vectors are kept unless the dimension changes."""
        emb = np.asarray(embeddings, dtype=np.float32)
        if emb.ndim != 2 or not np.isfinite(emb).all():
            raise ValidationError("embeddings", emb.shape, "a finite 2-D (items x d) matrix")
        if emb.shape[1] != self._emb.shape[1]:
            self._users.clear()
        self._emb = emb
        self._has = np.any(emb != 0, axis=1)

    def update(self, user: int, item: int, weight: float, ts: float) -> None:
        """Fold one event into the user's vector. O(d); skips what the vector cannot use."""
        if weight <= 0 or not 0 <= item < self._has.size or not self._has[item]:
            return
        emb = self._emb[item]
        state = self._users.get(user)
        if state is None:
            self._users[user] = _Session(weight * emb.astype(np.float64), weight, ts)
            return
        f = self.decay
        if self.half_life is not None:
            f *= 2.0 ** (-max(ts - state.last_ts, 0.0) / self.half_life)
        state.num *= f
        state.num += weight * emb
        state.den = state.den * f + weight
        state.last_ts = ts

    def vector(self, user: int) -> NDArray[np.float32] | None:
        """The user's session vector, float32[d], or None when nothing is known."""
        state = self._users.get(user)
        if state is None or state.den <= 0:
            return None
        return (state.num / state.den).astype(np.float32)

    def forget(self, user: int) -> None:
        """Drop the user's vector."""
        self._users.pop(user, None)

    def __len__(self) -> int:
        """How many users have a vector."""
        return len(self._users)
