"""Persistence behind interfaces; `open_store` picks the backend from settings."""

from __future__ import annotations

from pathlib import Path

from semrec.store.base import (
    AppendResult,
    Catalog,
    EventArrays,
    EventLog,
    Snapshot,
    SnapshotInfo,
    SnapshotStore,
    Store,
    UserStore,
)
from semrec.store.embedding_cache import EmbeddingCache
from semrec.store.sqlite_store import DB_FILE, SQLiteStore

__all__ = [
    "DB_FILE",
    "AppendResult",
    "Catalog",
    "EmbeddingCache",
    "EventArrays",
    "EventLog",
    "SQLiteStore",
    "Snapshot",
    "SnapshotInfo",
    "SnapshotStore",
    "Store",
    "UserStore",
    "open_store",
]


def open_store(home: Path | None, synchronous: str = "normal", keep_snapshots: int = 3) -> Store:
    """The store for a semrec home directory (`None`: an in-memory store for tests)."""
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(home, synchronous, keep_snapshots)
