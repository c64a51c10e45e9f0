"""Text embeddings kept by (encoder name, content key) in a small SQLite file.

Vectors are stored as little-endian float32 blobs. The encoder name is part of the key, so two
encoders (different vector spaces) never see each other's vectors. One connection shared by all
threads behind a lock; WAL mode, so a reader in another process is never blocked by a write.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt

from semrec.data.errors import StoreError

__all__ = ["EmbeddingCache"]

_CHUNK = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    encoder TEXT NOT NULL,
    key TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (encoder, key)
) WITHOUT ROWID
"""
_F32 = np.dtype("<f4")


class EmbeddingCache:
    """Float32 vectors by (encoder, key) in the SQLite file `path` (in memory when None)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            target = ":memory:" if self.path is None else str(self.path)
            # the server and a training child process may write at once: wait, do not fail
            self._conn = sqlite3.connect(
                target, timeout=10.0, check_same_thread=False, isolation_level=None
            )
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the embedding cache {self.path}: {exc}") from exc
        self._lock = threading.Lock()

    def get(self, encoder: str, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The stored vectors of those `keys` that `encoder` has; absent keys are left out."""
        found: dict[str, npt.NDArray[np.float32]] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT key, vector FROM embeddings WHERE encoder = ? AND key IN ({marks})",
                    (encoder, *chunk),
                )
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=_F32).astype(np.float32)
        return found

    def put(self, encoder: str, vectors: Mapping[str, npt.NDArray[np.floating]]) -> None:
        """Store (or replace) `encoder`'s vector of each key, in one transaction."""
        rows = [(encoder, key, _blob(vector)) for key, vector in vectors.items()]
        try:
            with self._lock, self._transaction():
                self._conn.executemany(
                    "INSERT OR REPLACE INTO embeddings (encoder, key, vector) VALUES (?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the embedding cache {self.path}: {exc}") from exc

    def count(self, encoder: str) -> int:
        """How many vectors `encoder` has stored."""
        with self._lock:
            (n,) = self._conn.execute(
                "SELECT COUNT(*) FROM embeddings WHERE encoder = ?", (encoder,)
            ).fetchone()
        return int(n)

    def clear(self, encoder: str) -> int:
        """Forget every vector of `encoder`; returns how many were removed."""
        with self._lock, self._transaction():
            cursor = self._conn.execute("DELETE FROM embeddings WHERE encoder = ?", (encoder,))
        return int(cursor.rowcount)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises (lock held)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


def _blob(vector: npt.NDArray[np.floating]) -> bytes:
    array = np.asarray(vector, dtype=_F32)
    if array.ndim != 1:
        raise StoreError(f"an embedding must be one row of numbers, got shape {array.shape}")
    return array.tobytes()
