"""API keys on disk: hashed, scoped, revocable, and checked only by their full value."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from semrec.data.errors import NotFoundError, ValidationError
from semrec.store.api_keys import KEYS_FILE, ApiKeyStore


def test_only_a_hash_is_stored(tmp_path: Path) -> None:
    store = ApiKeyStore.open(tmp_path)
    key, record = store.create(["read", "ingest"], name="shop front")
    store.close()
    raw = (tmp_path / KEYS_FILE).read_bytes()
    secret = key.split("_", 2)[2]  # sr_<hex id>_<secret>; the secret may hold "_" itself
    assert secret.encode() not in raw
    with sqlite3.connect(tmp_path / KEYS_FILE) as conn:
        digest = conn.execute("SELECT digest FROM api_keys").fetchone()[0]
    assert digest == hashlib.sha256(key.encode()).digest()
    assert (tmp_path / KEYS_FILE).stat().st_mode & 0o077 == 0
    assert record.scopes == {"read", "ingest"} and record.name == "shop front"


def test_keys_authenticate_until_revoked(tmp_path: Path) -> None:
    store = ApiKeyStore.open(tmp_path)
    key, record = store.create(["read"])
    found = store.authenticate(key)
    assert found is not None and found.key_id == record.key_id
    assert found.allows("read") and not found.allows("ingest")
    assert store.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert store.authenticate("sr_" + record.key_id) is None
    assert store.revoke(record.key_id).revoked_at is not None
    assert store.authenticate(key) is None
    assert store.active_count() == 0
    assert [k.active for k in store.list_keys()] == [False]
    store.close()


def test_admin_grants_every_scope() -> None:
    store = ApiKeyStore.open(None)
    key, _ = store.create(["admin"])
    found = store.authenticate(key)
    assert found is not None and all(found.allows(s) for s in ("admin", "ingest", "read"))


def test_unknown_scopes_and_ids_are_refused() -> None:
    store = ApiKeyStore.open(None)
    with pytest.raises(ValidationError) as info:
        store.create(["read", "root"])
    assert (info.value.field, info.value.value) == ("scope", "root")
    with pytest.raises(ValidationError):
        store.create([])
    with pytest.raises(NotFoundError):
        store.revoke("nope")


def test_keys_survive_reopening(tmp_path: Path) -> None:
    first = ApiKeyStore.open(tmp_path)
    key, _ = first.create(["ingest"])
    first.close()
    again = ApiKeyStore.open(tmp_path)
    assert again.authenticate(key) is not None
    again.close()
