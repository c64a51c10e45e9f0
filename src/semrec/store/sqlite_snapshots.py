"""The `snapshots` table and its folders: saving, pruning, and which version is served.

Several processes may save into one home at once (a server training in the background and
`semrec train` beside it): a snapshot's arrays are written to a private temporary folder
first, then its version is taken, its folder renamed into place and its row inserted in one
`BEGIN IMMEDIATE` transaction, so two savers never take the same version.

The served version is the newest, unless `select` pinned an older kept one (a rollback); the
pin lives in the `meta` table and is dropped when a new snapshot is saved.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy.typing as npt

from semrec.data.errors import NotFoundError, StoreError
from semrec.store.base import Snapshot, SnapshotInfo
from semrec.store.snapshot_files import (
    publish_snapshot_folder,
    read_snapshot_arrays,
    remove_snapshot,
    stage_snapshot_folder,
)

__all__ = ["SnapshotTable"]

_PIN = "served_snapshot"


class SnapshotTable:
    """Snapshots of one SQLite store; `root` is None for an in-memory store (none are kept)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        lock: threading.RLock,
        atomic: Callable[[], AbstractContextManager[None]],
        root: Path | None,
        keep: int,
    ) -> None:
        self._conn = conn
        self._lock = lock
        self._atomic = atomic
        self._root = root
        self._keep = keep

    def _folder_root(self) -> Path:
        if self._root is None:
            raise StoreError("an in-memory store keeps no snapshots on disk")
        return self._root

    def save(
        self, arrays: Mapping[str, Mapping[str, npt.NDArray[Any]]], meta: Mapping[str, Any]
    ) -> int:
        """Write a new version, record it, make it the served one; prunes old versions."""
        root = self._folder_root()
        staged = stage_snapshot_folder(root, arrays)
        folder: Path | None = None
        try:
            with self._atomic():
                row = self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM snapshots")
                version = int(row.fetchone()[0]) + 1
                folder = publish_snapshot_folder(staged, root, version)
                self._conn.execute(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?)",
                    (version, time.time(), folder.name, json.dumps(dict(meta))),
                )
                self._conn.execute("DELETE FROM meta WHERE key=?", (_PIN,))
                pruned = self._prune()
        except BaseException:
            remove_snapshot(staged)
            if folder is not None:
                remove_snapshot(folder)
            raise
        for path in pruned:
            remove_snapshot(root / path)
        return version

    def _prune(self) -> list[str]:
        """Drop the rows of versions beyond the newest `keep`; returns their folder names."""
        old = self._conn.execute(
            "SELECT version, path FROM snapshots ORDER BY version DESC LIMIT -1 OFFSET ?",
            (self._keep,),
        ).fetchall()
        self._conn.executemany("DELETE FROM snapshots WHERE version=?", [(v,) for v, _ in old])
        return [str(path) for _, path in old]

    def served_version(self) -> int | None:
        """The pinned version when it is still kept, else the newest (None: no snapshot)."""
        with self._lock:
            pinned = self._conn.execute(
                "SELECT s.version FROM snapshots s JOIN meta m"
                " ON m.key=? AND s.version=CAST(m.value AS INTEGER)",
                (_PIN,),
            ).fetchone()
            if pinned is not None:
                return int(pinned[0])
            newest = self._conn.execute("SELECT MAX(version) FROM snapshots").fetchone()[0]
        return None if newest is None else int(newest)

    def served(self) -> Snapshot | None:
        """The served snapshot with its arrays (checksums verified), or None."""
        if self._root is None:
            return None
        with self._lock:
            version = self.served_version()
            if version is None:
                return None
            created, path, meta = self._conn.execute(
                "SELECT created, path, meta FROM snapshots WHERE version=?", (version,)
            ).fetchone()
        arrays = read_snapshot_arrays(self._root / path)
        return Snapshot(version, float(created), json.loads(meta), arrays)

    def versions(self) -> list[SnapshotInfo]:
        """Every kept snapshot, newest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT version, created, meta FROM snapshots ORDER BY version DESC"
            ).fetchall()
        return [SnapshotInfo(int(v), float(c), json.loads(m)) for v, c, m in rows]

    def select(self, version: int) -> None:
        """Serve kept version `version`; choosing the newest follows new snapshots again."""
        with self._atomic():
            kept = [int(v) for (v,) in self._conn.execute("SELECT version FROM snapshots")]
            if version not in kept:
                shown = ", ".join(f"v{v}" for v in sorted(kept)) or "none"
                raise NotFoundError("snapshot", f"v{version} (kept: {shown})")
            if version == max(kept):
                self._conn.execute("DELETE FROM meta WHERE key=?", (_PIN,))
            else:
                self._conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", (_PIN, str(version))
                )
