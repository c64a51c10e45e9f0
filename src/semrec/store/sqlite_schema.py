"""The SQLite schema of the embedded store and how a connection is opened."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from semrec.data.errors import StoreError
from semrec.data.records import EVENT_TYPES

__all__ = ["SCHEMA_VERSION", "connect"]

SCHEMA_VERSION = 1

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    idx INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS items (
    idx INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE,
    has_meta INTEGER NOT NULL DEFAULT 0,
    available INTEGER NOT NULL DEFAULT 1,
    doc TEXT,
    updated REAL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    user_idx INTEGER NOT NULL,
    item_idx INTEGER NOT NULL,
    type INTEGER NOT NULL,
    value REAL,
    text TEXT,
    ts REAL NOT NULL,
    session TEXT
);
-- A user's events in arrival order, read from this index alone: the read path's query on a
-- user-cache miss (at 10M events, 19 us instead of 112 us looking each row up in the table).
-- It replaces the narrower events_by_user; a home made before is converted once, on open.
CREATE INDEX IF NOT EXISTS events_by_user_seq ON events (user_idx, seq, item_idx, type, value, ts);
DROP INDEX IF EXISTS events_by_user;
-- Catalog edits ("items", idx -1) and forgotten users ("user", dense idx), for other processes.
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    idx INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_kind ON changes (kind, seq);
CREATE TABLE IF NOT EXISTS snapshots (
    version INTEGER PRIMARY KEY,
    created REAL NOT NULL,
    path TEXT NOT NULL,
    meta TEXT NOT NULL
);
"""


def connect(path: Path | str, synchronous: str = "normal") -> sqlite3.Connection:
    """Open (creating if needed) a store database in WAL mode with the current schema.

    ``synchronous=normal`` in WAL mode keeps every committed transaction through a killed
    process; ``full`` also through a power cut, at the price of an fsync per commit.
    """
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'full' else 'NORMAL'}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA cache_size=-131072")
        conn.execute("PRAGMA temp_store=MEMORY")
        # Checkpoint the WAL every ~64 MB instead of every 4 MB: index pages dirtied by many
        # small transactions are then written to the main file once, not again and again.
        conn.execute("PRAGMA wal_autocheckpoint=16384")
        conn.executescript(_DDL)
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"{path} has schema {row[0]}; this semrec reads {SCHEMA_VERSION}")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open store {path}: {exc}") from exc
    return conn


def table_counts(conn: sqlite3.Connection, users: int, served: int | None) -> dict[str, Any]:
    """`Store.stats` from the tables, given the user count and the served snapshot version."""
    one = conn.execute
    by_type = dict(one("SELECT type, COUNT(*) FROM events GROUP BY type").fetchall())
    return {
        "items": one("SELECT COUNT(*) FROM items WHERE has_meta=1").fetchone()[0],
        "items_without_metadata": one("SELECT COUNT(*) FROM items WHERE has_meta=0").fetchone()[0],
        "users": users,
        "events": sum(by_type.values()),
        "events_by_type": {EVENT_TYPES[k]: v for k, v in sorted(by_type.items())},
        "snapshot": one("SELECT MAX(version) FROM snapshots").fetchone()[0],
        "served_snapshot": served,
    }


def passive_checkpoint(path: Path | str) -> int:
    """Copy the database's write-ahead log into it as far as readers allow, on a connection of
    its own: nobody waits for it and it waits for nobody. Returns the frames left uncopied (on
    an error, -1: the next call retries)."""
    try:
        conn = sqlite3.connect(str(path), timeout=0, isolation_level=None)
        try:
            _, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return max(int(logged) - int(copied), 0)
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


#: The most log frames (4 KB pages) the last checkpoint pass may copy with writers held back.
LOCKED_FRAMES = 256


def checkpoint_wal(path: Path | str, writers: AbstractContextManager[Any]) -> None:
    """Copy the log into the database: passes while writers go on, until what they wrote
    meanwhile is at most `LOCKED_FRAMES`, then one pass inside `writers` (the home's write
    lock), so that the next write can start the log over. (Checkpoints that only ever race new
    writes never finish, and the log grows without end.) Gives up until the next call when the
    writers keep ahead."""
    for _ in range(3):
        left = passive_checkpoint(path)
        if left < 0:
            return
        if left <= LOCKED_FRAMES:
            with writers:
                passive_checkpoint(path)
            return
