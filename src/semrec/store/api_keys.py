"""API keys for the HTTP API, stored hashed in `<home>/api_keys.sqlite` (or in memory).

A key reads ``sr_<key id>_<secret>``; the secret is a random 32-byte token. Only the SHA-256
of the whole key is stored, so a leaked database grants nothing; the id locates the row and
the digests are compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from semrec.data.errors import NotFoundError, StoreError, ValidationError

__all__ = ["KEYS_FILE", "SCOPES", "ApiKey", "ApiKeyStore"]

KEYS_FILE = "api_keys.sqlite"
#: `admin` may do everything, `ingest` write items and events, `read` read.
SCOPES = ("admin", "ingest", "read")
_PREFIX = "sr"

_DDL = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    digest BLOB NOT NULL,
    scopes TEXT NOT NULL,
    name TEXT NOT NULL,
    created REAL NOT NULL,
    revoked REAL
);
"""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """What is known about a key without its secret."""

    key_id: str
    scopes: frozenset[str]
    name: str
    created_at: float
    revoked_at: float | None = None

    @property
    def active(self) -> bool:
        """Whether the key was not revoked."""
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        """Whether this key grants `scope` (`admin` grants every scope)."""
        return "admin" in self.scopes or scope in self.scopes


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _row_to_key(row: tuple[str, str, str, float, float | None]) -> ApiKey:
    key_id, scopes, name, created, revoked = row
    return ApiKey(key_id, frozenset(scopes.split(",")), name, created, revoked)


def _checked_scopes(scopes: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(scopes)
    if not chosen:
        raise ValidationError("scope", "", f"at least one of {', '.join(SCOPES)}")
    for scope in sorted(chosen):
        if scope not in SCOPES:
            raise ValidationError("scope", scope, f"one of {', '.join(SCOPES)}")
    return chosen


class ApiKeyStore:
    """Create, list, revoke and check API keys; thread-safe behind one lock."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch(mode=0o600, exist_ok=True)
            target = ":memory:" if path is None else str(path)
            self._conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript(_DDL)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the API key store {path}: {exc}") from exc
        self._lock = threading.Lock()

    @classmethod
    def open(cls, home: str | Path | None) -> ApiKeyStore:
        """The key store of a semrec home directory (`None`: in memory, for tests)."""
        return cls(None if home is None else Path(home) / KEYS_FILE)

    def create(self, scopes: Iterable[str], name: str = "") -> tuple[str, ApiKey]:
        """A new key with these scopes: returns the key itself (shown once) and its record."""
        chosen = _checked_scopes(scopes)
        key_id = secrets.token_hex(6)
        token = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
        key = f"{_PREFIX}_{key_id}_{token}"
        record = ApiKey(key_id, chosen, name, time.time())
        with self._lock:
            self._conn.execute(
                "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, NULL)",
                (key_id, _digest(key), ",".join(sorted(chosen)), name, record.created_at),
            )
        return key, record

    def list_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT key_id, scopes, name, created, revoked FROM api_keys ORDER BY created"
            ).fetchall()
        return [_row_to_key(row) for row in rows]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key by id (revoking twice is harmless); `NotFoundError` for unknown ids."""
        with self._lock:
            self._conn.execute(
                "UPDATE api_keys SET revoked=? WHERE key_id=? AND revoked IS NULL",
                (time.time(), key_id),
            )
            row = self._conn.execute(
                "SELECT key_id, scopes, name, created, revoked FROM api_keys WHERE key_id=?",
                (key_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError("API key", key_id)
        return _row_to_key(row)

    def authenticate(self, key: str) -> ApiKey | None:
        """The active key record for a presented key, or None (unknown, malformed, revoked)."""
        prefix, _, rest = key.partition("_")
        key_id, _, token = rest.partition("_")
        if prefix != _PREFIX or not key_id or not token:
            return None
        with self._lock:
            row = self._conn.execute(
                "SELECT digest, key_id, scopes, name, created, revoked FROM api_keys"
                " WHERE key_id=?",
                (key_id,),
            ).fetchone()
        if row is None or not hmac.compare_digest(bytes(row[0]), _digest(key)):
            return None
        record = _row_to_key(row[1:])
        return record if record.active else None

    def active_count(self) -> int:
        """How many keys are not revoked."""
        with self._lock:
            row = self._conn.execute("SELECT COUNT(*) FROM api_keys WHERE revoked IS NULL")
            return int(row.fetchone()[0])

    def close(self) -> None:
        """Release the database."""
        with self._lock:
            self._conn.close()
