"""Events as they arrive: stored in checked batches, and the live state that follows the log.

`store_events` writes validated events in batches inside one transaction. `LiveTracker` builds
the co-visitation, sequence, trending and recent windows (`semrec.realtime.LiveState`) from the
whole log on first use and afterwards observes only the events appended since, whichever
process wrote them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.arrays import distinct
from semrec.data.errors import ValidationError
from semrec.data.records import Event
from semrec.models import EventWeights
from semrec.realtime import LiveState
from semrec.store import EventArrays, Store

__all__ = ["IngestReport", "LiveTracker", "store_events"]


@dataclass(frozen=True)
class IngestReport:
    """What `ingest` did: events stored, repeated event ids, and rows rejected as invalid."""

    accepted: int
    duplicates: int
    rejected: int
    errors: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "errors": list(self.errors),
        }


def store_events(
    store: Store,
    records: Iterable[Any],
    check: Callable[[Any, int], Event],
    batch_size: int,
    *,
    skip_invalid: bool = False,
) -> IngestReport:
    """Store `check(record, n)` of each record, in batches, in one transaction.

    A `ValidationError` from `check` propagates, storing nothing, unless `skip_invalid`, which
    counts the record as rejected and keeps its message.
    """
    accepted = duplicates = 0
    errors: list[str] = []
    batch: list[Event] = []
    with store.atomic():
        for n, record in enumerate(records):
            try:
                batch.append(check(record, n))
            except ValidationError as exc:
                if not skip_invalid:
                    raise
                errors.append(str(exc))
            if len(batch) >= batch_size:
                result = store.append_events(batch)
                accepted, duplicates = accepted + result.accepted, duplicates + result.duplicates
                batch = []
        result = store.append_events(batch)
    return IngestReport(
        accepted + result.accepted, duplicates + result.duplicates, len(errors), tuple(errors)
    )


#: Users whose events are kept in memory between requests (least recently asked for leave).
#: About 1.5 KB each with a few dozen events: 16,384 users take some 25 MB per process, and a
#: miss costs a store query (about 0.2 ms at 10M events).
USER_CACHE = 16384


class LiveTracker:
    """The live state of one store, built lazily and caught up with its event log.

    It also keeps the events of the users asked for most recently, current the same way, so a
    request reads its user's history from memory instead of the store.
    """

    def __init__(self, store: Store, weights: EventWeights) -> None:
        self._store = store
        self._weights = weights
        self._live: LiveState | None = None
        self._seq = 0
        self._change = 0
        self._users: OrderedDict[int, EventArrays] = OrderedDict()

    def state(self) -> LiveState:
        """Co-visitation, sequence, trending and recent windows, current with the event log.

        Built from the whole log on first use; after that each call observes only the events
        that arrived since (through this object or any other process writing the same home).
        """
        if self._live is None:
            self._follow_forgets()  # only moves the cursor: the state is built without them
            self._seq = self._store.last_seq()
            self._users.clear()
            self._live = LiveState.from_events(
                self._store.events_after(0, upto=self._seq), self._weights,
                self._store.item_count(),
            )  # fmt: skip
            return self._live
        self.catch_up()
        return self._live

    def catch_up(self) -> None:
        """Observe the events appended since the last look; nothing before the first `state`."""
        live = self._live
        if live is None:
            return
        self._follow_forgets()
        seq = self._store.last_seq()
        if seq <= self._seq:
            return
        new = self._store.events_after(self._seq, upto=seq)
        self._seq = seq
        self._append(new)
        for user, item, code, value, ts in zip(
            new.user_idx.tolist(), new.item_idx.tolist(), new.type_codes.tolist(),
            new.values.tolist(), new.timestamps.tolist(), strict=True,
        ):  # fmt: skip
            live.observe(user, item, code, value, ts)

    def user_events(self, user_id: str) -> EventArrays:
        """The user's events in arrival order, as of the last `state` or `catch_up`."""
        user_idx = self._store.user_index(user_id)
        cached = self._users.get(user_idx)
        if cached is not None:
            self._users.move_to_end(user_idx)
            return cached
        events = self._store.user_events(user_id, upto=self._seq)
        if self._live is not None and user_idx >= 0:
            self._users[user_idx] = events
            if len(self._users) > USER_CACHE:
                self._users.popitem(last=False)
        return events

    def _append(self, new: EventArrays) -> None:
        """Add newly observed events to the cached users' histories."""
        if not self._users or not len(new):
            return
        for user in distinct(new.user_idx).tolist():
            cached = self._users.get(user)
            if cached is not None:
                mine = new.user_idx == user
                self._users[user] = EventArrays(
                    *(np.concatenate([old, col[mine]]) for old, col in zip(
                        _columns(cached), _columns(new), strict=True
                    ))
                )  # fmt: skip

    def _follow_forgets(self) -> None:
        """Forget here the users that any process forgot since the last look."""
        for change in self._store.changes_after(self._change):
            self._change = change.seq
            if change.kind == "user":
                self.forget(change.idx)

    def forget(self, user_idx: int) -> None:
        """Drop the user's recent window, session vector and cached events (no-op for -1)."""
        self._users.pop(user_idx, None)
        if self._live is not None and user_idx >= 0:
            self._live.forget(user_idx)

    def reset(self) -> None:
        """Discard the live state; the next `state` rebuilds it from the whole log."""
        self._live = None
        self._users.clear()


def _columns(events: EventArrays) -> tuple[npt.NDArray[Any], ...]:
    """The columns of `events` in `EventArrays` field order."""
    return (events.user_idx, events.item_idx, events.type_codes, events.values, events.timestamps)
