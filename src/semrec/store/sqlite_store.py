"""The embedded store: one SQLite file (WAL mode) plus snapshot folders, in a home directory."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.records import EVENT_TYPE_CODES, Event, Item, User
from semrec.data.validation import TRUSTED, validate_item
from semrec.store.base import AppendResult, Change, EventArrays, Snapshot, SnapshotInfo
from semrec.store.home_lock import WRITE_LOCK, HomeLock
from semrec.store.sqlite_schema import checkpoint_wal, connect, table_counts
from semrec.store.sqlite_snapshots import SnapshotTable

__all__ = ["DB_FILE", "SQLiteStore"]

DB_FILE = "semrec.db"
_CHUNK = 500
#: Larger than any arrival number: "no upper bound" in range queries.
_MAX_SEQ = 2**63 - 1
#: Arrival numbers are never reused (followers look above the newest they saw): forgetting
#: keeps the highest one given so far in `meta`, and the next events are numbered above it.
_KEEP_SEQ = (
    "INSERT INTO meta SELECT 'seq_floor', COALESCE(MAX(seq), 0) FROM events WHERE true ON"
    " CONFLICT(key) DO UPDATE SET value=MAX(CAST(value AS INT), CAST(excluded.value AS INT))"
)
_NEXT_SEQ = (
    "SELECT MAX(IFNULL((SELECT MAX(seq) FROM events), 0),"
    " IFNULL((SELECT CAST(value AS INT) FROM meta WHERE key='seq_floor'), 0))"
)


class SQLiteStore:
    """All four store interfaces over one SQLite database; thread-safe behind one lock."""

    def __init__(self, home: Path | None, synchronous: str = "normal", keep_snapshots: int = 3):
        self._home = home
        self._conn = connect(":memory:" if home is None else home / DB_FILE, synchronous)
        self._writer = None if home is None else HomeLock(home / WRITE_LOCK)
        self._lock = threading.RLock()
        self._turn = threading.Lock()  # one writing thread of this process at a time
        self._owner: int | None = None  # the thread inside a write transaction
        self._users: dict[str, int] = {}
        self._items: dict[str, int] = {}
        self._forgets_seen = 0
        root = None if home is None else home / "snapshots"
        self._snapshots = SnapshotTable(self._conn, self._lock, self.atomic, root, keep_snapshots)

    # -- transactions -------------------------------------------------------------------------
    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A write transaction; nested uses join the outer one.

        A writer queues for this process's turn and the home's write lock (other processes)
        before it takes the connection, so reads go on while it waits.
        """
        if self._owner == threading.get_ident():  # nested: join the outer transaction
            yield
            return
        with self._turn, self._writer or nullcontext(), self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._owner = threading.get_ident()
            self._follow_forgets()
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._users, self._items = {}, {}
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._owner = None

    # -- changes other processes follow -------------------------------------------------------
    def _record(self, kind: str, idx: int) -> None:
        """Record a change for other processes (inside the write that makes it)."""
        self._conn.execute("INSERT INTO changes (kind, idx) VALUES (?, ?)", (kind, idx))

    def _follow_forgets(self) -> None:
        """Drop cached user ids when any process forgot a user (its index may be reused)."""
        row = self._conn.execute("SELECT MAX(seq) FROM changes WHERE kind='user'").fetchone()
        if int(row[0] or 0) != self._forgets_seen:
            self._users, self._forgets_seen = {}, int(row[0] or 0)

    def changes_after(self, seq: int) -> list[Change]:
        """Catalog edits and forgotten users recorded after change number `seq`, in order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, kind, idx FROM changes WHERE seq > ? ORDER BY seq", (seq,)
            ).fetchall()
            forgets = [s for s, kind, _ in rows if kind == "user" and s > self._forgets_seen]
            if forgets:  # (writes look for forgets themselves, in `atomic`)
                self._users.clear()
                self._forgets_seen = max(forgets)
        return [Change(int(s), str(k), int(i)) for s, k, i in rows]

    # -- id maps ------------------------------------------------------------------------------
    def _resolve(self, table: str, ids: Iterable[str], cache: dict[str, int]) -> None:
        """Make sure every id has a dense index in `table` and in `cache` (inside a write)."""
        missing = [i for i in dict.fromkeys(ids) if i not in cache]
        if not missing:
            return
        column = "user_id" if table == "users" else "item_id"
        self._conn.executemany(
            f"INSERT OR IGNORE INTO {table} ({column}) VALUES (?)", ((i,) for i in missing)
        )
        self._lookup(table, column, missing, cache)

    def _lookup(self, table: str, column: str, ids: Sequence[str], cache: dict[str, int]) -> None:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT {column}, idx FROM {table} WHERE {column} IN ({marks})", chunk
            )
            cache.update(rows)

    def _known(self, table: str, ident: str, cache: dict[str, int]) -> int:
        if ident not in cache:
            self._lookup(table, "user_id" if table == "users" else "item_id", [ident], cache)
        return cache.get(ident, -1)

    # -- catalog ------------------------------------------------------------------------------
    def upsert_items(self, items: Sequence[Item]) -> int:
        """Insert or replace items' metadata, keeping their dense index."""
        with self.atomic():
            self._resolve("items", (it.item_id for it in items), self._items)
            now = time.time()
            self._conn.executemany(
                "UPDATE items SET has_meta=1, available=?, doc=?, updated=? WHERE idx=?",
                (
                    (
                        int(it.available),
                        json.dumps(it.to_dict(), ensure_ascii=False),
                        now,
                        self._items[it.item_id],
                    )
                    for it in items
                ),
            )
            self._record("items", -1)
        return len(items)

    def get_item(self, item_id: str) -> Item | None:
        """The item with catalog metadata under this id, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT doc FROM items WHERE item_id=? AND has_meta=1", (item_id,)
            ).fetchone()
        return None if row is None else validate_item(json.loads(row[0]), TRUSTED)

    def delete_items(self, item_ids: Sequence[str]) -> int:
        """Remove items' metadata (their events and dense index stay); returns how many had it."""
        with self.atomic():
            removed = self._conn.executemany(
                "UPDATE items SET has_meta=0, available=0, doc=NULL, updated=? "
                "WHERE item_id=? AND has_meta=1",
                ((time.time(), item_id) for item_id in item_ids),
            ).rowcount
            self._record("items", -1)
        return int(removed)

    def iter_items(self) -> Iterator[Item]:
        """Every item with catalog metadata, in index order."""
        with self._lock:
            docs = self._conn.execute(
                "SELECT doc FROM items WHERE has_meta=1 ORDER BY idx"
            ).fetchall()
        for (doc,) in docs:
            yield validate_item(json.loads(doc), TRUSTED)

    def item_ids(self) -> list[str]:
        """External item ids by dense index (1-based rowids are shifted to 0-based)."""
        return self._ids("SELECT idx, item_id FROM items ORDER BY idx")

    def _ids(self, sql: str) -> list[str]:
        with self._lock:
            rows = self._conn.execute(sql).fetchall()
        ids = [""] * (rows[-1][0] if rows else 0)
        for idx, ident in rows:
            ids[idx - 1] = ident
        return ids

    def item_count(self) -> int:
        """How many dense item indexes exist (catalog items and event-only placeholders)."""
        with self._lock:
            return int(self._conn.execute("SELECT COALESCE(MAX(idx), 0) FROM items").fetchone()[0])

    def item_flags(self) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Per dense index: whether the item has metadata, and whether it is available."""
        with self._lock:
            rows = self._conn.execute("SELECT idx, has_meta, available FROM items").fetchall()
        n = max((r[0] for r in rows), default=0)
        has_meta = np.zeros(n, dtype=bool)
        available = np.zeros(n, dtype=bool)
        for idx, meta, avail in rows:
            has_meta[idx - 1] = bool(meta)
            available[idx - 1] = bool(avail)
        return has_meta, available

    def item_index(self, item_ids: Sequence[str]) -> list[int]:
        """Dense (0-based) indexes of these item ids; -1 for ids never seen."""
        with self._lock:
            found = [self._known("items", i, self._items) if i else -1 for i in item_ids]
        return [idx - 1 if idx > 0 else -1 for idx in found]

    # -- event log ----------------------------------------------------------------------------
    def append_events(self, events: Sequence[Event]) -> AppendResult:
        """Append events in one transaction; repeated event ids are counted, not stored."""
        if not events:
            return AppendResult(0, 0)
        with self.atomic():
            self._resolve("users", (e.user_id for e in events), self._users)
            self._resolve("items", (e.item_id for e in events if e.item_id), self._items)
            users, items = self._users, self._items
            before = self._conn.total_changes
            start = self._conn.execute(_NEXT_SEQ).fetchone()[0]
            self._conn.executemany(
                "INSERT OR IGNORE INTO events (seq, event_id, user_idx, item_idx, type, value,"
                " text, ts, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        start + n,
                        e.event_id,
                        users[e.user_id],
                        items[e.item_id] if e.item_id else 0,
                        EVENT_TYPE_CODES[e.type],
                        e.value,
                        e.text or None,
                        e.timestamp,
                        e.session_id or None,
                    )
                    for n, e in enumerate(events, 1)
                ],
            )
            accepted = self._conn.total_changes - before
        return AppendResult(accepted, len(events) - accepted)

    def _arrays(self, sql: str, params: Sequence[Any] = ()) -> EventArrays:
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        table = np.array(rows, dtype=np.float64) if rows else np.zeros((0, 5), dtype=np.float64)
        return EventArrays(
            user_idx=table[:, 0].astype(np.int64) - 1,
            item_idx=table[:, 1].astype(np.int64) - 1,
            type_codes=table[:, 2].astype(np.int8),
            values=table[:, 3],
            timestamps=table[:, 4],
        )

    def all_events(self) -> EventArrays:
        """Every event in arrival order; NaN where an event has no value."""
        return self._arrays("SELECT user_idx, item_idx, type, value, ts FROM events ORDER BY seq")

    def last_seq(self) -> int:
        """The arrival number of the newest stored event (0 when none)."""
        with self._lock:
            row = self._conn.execute("SELECT MAX(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def events_after(self, seq: int, upto: int | None = None) -> EventArrays:
        """The events that arrived after arrival number `seq` (up to `upto`), in arrival order."""
        return self._arrays(
            "SELECT user_idx, item_idx, type, value, ts FROM events WHERE seq > ? AND seq <= ?"
            " ORDER BY seq",
            (seq, _MAX_SEQ if upto is None else upto),
        )

    def user_index(self, user_id: str) -> int:
        """The user's dense index, or -1 when the store does not know them."""
        with self._lock:
            idx = self._known("users", user_id, self._users)
        return idx - 1 if idx > 0 else -1

    def user_events(self, user_id: str, upto: int | None = None) -> EventArrays:
        """One user's events in arrival order (`upto`: up to that arrival number)."""
        with self._lock:
            idx = self._known("users", user_id, self._users)
        return self._arrays(
            "SELECT user_idx, item_idx, type, value, ts FROM events WHERE user_idx=? AND seq <= ?"
            " ORDER BY seq",
            (idx, _MAX_SEQ if upto is None else upto),
        )

    def event_texts(
        self, type_codes: Sequence[int], user_id: str | None = None
    ) -> list[tuple[int, str, float]]:
        """(item_idx, text, timestamp) of events of these types that carry text, in order.

        item_idx is -1 for events without an item (searches); `user_id` limits to one user.
        """
        marks = ",".join("?" * len(type_codes))
        sql = f"SELECT item_idx, text, ts FROM events WHERE type IN ({marks}) AND text != ''"
        params: list[Any] = list(type_codes)
        with self._lock:
            if user_id is not None:
                idx = self._known("users", user_id, self._users)
                sql, params = sql + " AND user_idx=?", [*params, idx]
            rows = self._conn.execute(sql + " ORDER BY seq", params).fetchall()
        return [(int(i) - 1, str(t), float(ts)) for i, t, ts in rows]

    def event_count(self) -> int:
        """How many events are stored."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    # -- users --------------------------------------------------------------------------------
    def get_user(self, user_id: str) -> User | None:
        """The user with this id and a summary of their events, or None."""
        with self._lock:
            idx = self._known("users", user_id, self._users)
            if idx < 0:
                return None
            n, first, last = self._conn.execute(
                "SELECT COUNT(*), MIN(ts), MAX(ts) FROM events WHERE user_idx=?", (idx,)
            ).fetchone()
        return User(user_id, int(n), first, last)

    def user_ids(self) -> list[str]:
        """External user ids by dense index."""
        return self._ids("SELECT idx, user_id FROM users ORDER BY idx")

    def user_count(self) -> int:
        """How many users the store knows."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    def forget_user(self, user_id: str) -> int:
        """Delete the user's events and the user; returns how many events were deleted."""
        with self.atomic():
            idx = self._known("users", user_id, self._users)
            if idx < 0:
                return 0
            self._conn.execute(_KEEP_SEQ)
            deleted = self._conn.execute("DELETE FROM events WHERE user_idx=?", (idx,)).rowcount
            self._conn.execute("DELETE FROM users WHERE idx=?", (idx,))
            self._users.pop(user_id, None)
            self._record("user", idx - 1)
        return int(deleted)

    # -- snapshots ----------------------------------------------------------------------------
    def save_snapshot(
        self, arrays: Mapping[str, Mapping[str, npt.NDArray[Any]]], meta: Mapping[str, Any]
    ) -> int:
        """Write the arrays to a new version folder, record it and serve it; prunes old ones."""
        return self._snapshots.save(arrays, meta)

    def served_snapshot(self) -> Snapshot | None:
        """The served snapshot (the newest unless a rollback chose another), or None."""
        return self._snapshots.served()

    def latest_snapshot(self) -> Snapshot | None:
        """The same as `served_snapshot`."""
        return self._snapshots.served()

    def served_version(self) -> int | None:
        """Version of the served snapshot, read without its arrays."""
        return self._snapshots.served_version()

    def snapshot_versions(self) -> list[SnapshotInfo]:
        """Every kept snapshot, newest first."""
        return self._snapshots.versions()

    def select_snapshot(self, version: int) -> None:
        """Serve the kept snapshot `version` (a rollback); the next saved one is served again."""
        self._snapshots.select(version)

    # -- misc ---------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts of items, users, events by type and the latest snapshot version."""
        with self._lock:
            return table_counts(self._conn, self.user_count(), self.served_version())

    def defer_checkpoints(self) -> None:
        """Commits stop copying the write-ahead log into the database: call `checkpoint`."""
        with self._lock:
            self._conn.execute("PRAGMA wal_autocheckpoint=0")

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database, off the request path (`checkpoint_wal`)."""
        if self._home is not None:
            checkpoint_wal(self._home / DB_FILE, HomeLock(self._home / WRITE_LOCK))

    def close(self) -> None:
        """Checkpoint the WAL and close the database."""
        with self._lock:
            with suppress(sqlite3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
