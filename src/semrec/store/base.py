"""Store interfaces: catalog, event log, users and model snapshots.

Backends (the embedded SQLite one today; PostgreSQL/Redis later) implement `Store`, which is
all four; the rest of semrec sees only these protocols.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from semrec.data.records import Event, Item, User

__all__ = [
    "AppendResult",
    "Catalog",
    "Change",
    "EventArrays",
    "EventLog",
    "Snapshot",
    "SnapshotInfo",
    "SnapshotStore",
    "Store",
    "UserStore",
]


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What an append did: new events stored, and events whose id was already stored."""

    accepted: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change another process must follow: `kind` "items" (the catalog was
    edited; `idx` -1) or "user" (the user with dense index `idx` was forgotten)."""

    seq: int
    kind: str
    idx: int


@dataclass(frozen=True, slots=True)
class EventArrays:
    """Events as parallel column arrays over dense ids (item_idx is -1 for no item)."""

    user_idx: npt.NDArray[np.int64]
    item_idx: npt.NDArray[np.int64]
    type_codes: npt.NDArray[np.int8]
    values: npt.NDArray[np.float64]
    timestamps: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.user_idx.shape[0])


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A saved set of fitted models: per-model arrays plus JSON metadata."""

    version: int
    created_at: float
    meta: Mapping[str, Any]
    arrays: Mapping[str, Mapping[str, npt.NDArray[Any]]]


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """A kept snapshot without its arrays: version, when it was saved, its metadata."""

    version: int
    created_at: float
    meta: Mapping[str, Any]


class Catalog(Protocol):
    """Items and the dense item index."""

    def upsert_items(self, items: Sequence[Item]) -> int:
        """Insert or replace items; returns how many were written."""

    def delete_items(self, item_ids: Sequence[str]) -> int:
        """Remove items' metadata (events and dense indexes stay); returns how many had it."""
        ...

    def get_item(self, item_id: str) -> Item | None:
        """The item with this id, or None when the catalog has no metadata for it."""

    def item_ids(self) -> list[str]:
        """External item ids by dense index (placeholders for event-only items included)."""

    def item_count(self) -> int:
        """How many dense item indexes exist (catalog items and event-only placeholders)."""

    def item_flags(self) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Per dense index: (has catalog metadata, is available)."""

    def item_index(self, item_ids: Sequence[str]) -> list[int]:
        """Dense indexes of these ids (-1 for unknown ids); creates nothing."""


class EventLog(Protocol):
    """The append-only, idempotent event log."""

    def append_events(self, events: Sequence[Event]) -> AppendResult:
        """Store events durably; an event id already stored is counted as a duplicate."""

    def all_events(self) -> EventArrays:
        """Every stored event in arrival order, as arrays."""

    def user_events(self, user_id: str, upto: int | None = None) -> EventArrays:
        """One user's events in arrival order (empty for an unknown user).

        `upto`: only events up to that arrival number.
        """

    def last_seq(self) -> int:
        """The arrival number of the newest stored event (0 when none)."""

    def events_after(self, seq: int, upto: int | None = None) -> EventArrays:
        """The events that arrived after arrival number `seq` (up to `upto`), in arrival order."""

    def user_index(self, user_id: str) -> int:
        """The user's dense index, or -1 when unknown."""

    def event_texts(
        self, type_codes: Sequence[int], user_id: str | None = None
    ) -> list[tuple[int, str, float]]:
        """(item_idx, text, timestamp) of events of these types carrying text, in order."""
        ...

    def event_count(self) -> int:
        """How many events are stored."""


class UserStore(Protocol):
    """Users known from their events."""

    def get_user(self, user_id: str) -> User | None:
        """The user with this id, or None."""

    def user_count(self) -> int:
        """How many users have events."""

    def user_ids(self) -> list[str]:
        """External user ids by dense index ("" where a user was forgotten)."""

    def forget_user(self, user_id: str) -> int:
        """Delete the user and every event of theirs; returns the number of events deleted."""

    def changes_after(self, seq: int) -> list[Change]:
        """Catalog edits and forgotten users recorded after change number `seq`, in order.

        Every process writing the home records them, so that the others (server workers, the
        CLI) can drop what they hold in memory about a forgotten user or an edited catalog.
        """


class SnapshotStore(Protocol):
    """Versioned model snapshots, saved without pickle; one of them is the served one.

    The served snapshot is the newest, unless `select_snapshot` chose an older kept one
    (a rollback); saving a new snapshot makes the new one served again.
    """

    def save_snapshot(
        self, arrays: Mapping[str, Mapping[str, npt.NDArray[Any]]], meta: Mapping[str, Any]
    ) -> int:
        """Write a new snapshot atomically, make it the served one and return its version."""

    def served_snapshot(self) -> Snapshot | None:
        """The served snapshot with its arrays, or None when nothing has been trained."""

    def latest_snapshot(self) -> Snapshot | None:
        """The same as `served_snapshot` (the name the service has called it by)."""

    def served_version(self) -> int | None:
        """Version of the served snapshot, without reading its arrays (None: no snapshot)."""

    def snapshot_versions(self) -> list[SnapshotInfo]:
        """Every kept snapshot, newest first."""

    def select_snapshot(self, version: int) -> None:
        """Serve the kept snapshot `version` from now on (`NotFoundError` if not kept)."""


class Store(Catalog, EventLog, UserStore, SnapshotStore, Protocol):
    """Everything semrec persists."""

    def atomic(self) -> AbstractContextManager[None]:
        """A transaction: writes inside it all land together or not at all."""

    def stats(self) -> dict[str, Any]:
        """Counts for `semrec stats`."""

    def defer_checkpoints(self) -> None:
        """Stop folding logged writes into the main storage inside commits (a server then calls
        `checkpoint` from a background thread, off the request path)."""

    def checkpoint(self) -> None:
        """Fold logged writes into the main storage without blocking readers or writers."""

    def close(self) -> None:
        """Flush and release the store."""

    def iter_items(self) -> Iterator[Item]:
        """Every item that has catalog metadata."""
