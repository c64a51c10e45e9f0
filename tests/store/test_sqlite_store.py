"""The embedded store on a real SQLite file: idempotency, atomicity, placeholders, snapshots."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from semrec.data import Event, Item, StoreError
from semrec.store import DB_FILE, open_store


def _event(n: int, user: str = "u1", item: str = "i1", kind: str = "view") -> Event:
    return Event(f"e{n}", user, item, kind, 1_600_000_000.0 + n)


def test_the_database_is_one_file_in_wal_mode(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    conn = sqlite3.connect(tmp_path / DB_FILE)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_repeated_event_ids_count_as_duplicates(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    first = store.append_events([_event(1), _event(2), _event(1)])
    again = store.append_events([_event(2), _event(3)])
    assert (first.accepted, first.duplicates) == (2, 1)
    assert (again.accepted, again.duplicates) == (1, 1)
    assert store.event_count() == 3


def test_events_may_name_items_the_catalog_does_not_know_yet(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.append_events([_event(1, item="later")])
    assert store.get_item("later") is None
    assert store.stats()["items_without_metadata"] == 1
    store.upsert_items([Item("later", title="Arrived")])
    item = store.get_item("later")
    assert item is not None and item.title == "Arrived"
    assert store.item_index(["later"]) == [0]
    assert store.stats()["items_without_metadata"] == 0


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with pytest.raises(RuntimeError), store.atomic():
        store.append_events([_event(1, user="ghost", item="phantom")])
        raise RuntimeError("stop")
    assert store.event_count() == 0
    assert store.get_user("ghost") is None
    assert store.item_index(["phantom"]) == [-1]
    store.append_events([_event(2, user="real")])
    assert store.user_events("real").item_idx.tolist() == [0]


def test_user_events_come_back_in_arrival_order_as_arrays(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.append_events([_event(1, item="a"), _event(2, item="b", kind="purchase")])
    store.append_events([Event("e3", "u1", "", "search", 1_600_000_003.0, text="q")])
    events = store.user_events("u1")
    assert events.item_idx.tolist() == [0, 1, -1]
    assert events.type_codes.tolist() == [0, 3, 6]
    assert np.isnan(events.values).all()
    assert len(store.user_events("nobody")) == 0


def _indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path / DB_FILE)
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='events'")
    return {name for (name,) in rows if not name.startswith("sqlite_autoindex")}


def test_a_users_events_are_read_from_the_index_alone(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    conn = sqlite3.connect(tmp_path / DB_FILE)
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT user_idx, item_idx, type, value, ts FROM events"
        " WHERE user_idx=? AND seq <= ? ORDER BY seq",
        (0, 10),
    ).fetchall()
    assert "COVERING INDEX events_by_user_seq" in plan[0][-1]
    assert "TEMP B-TREE" not in " ".join(row[-1] for row in plan)  # no sort: index order


def test_a_home_with_the_older_user_index_is_converted_on_open(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.append_events([_event(1, item="a"), _event(2, user="u2", item="a"), _event(3, item="b")])
    store.close()
    conn = sqlite3.connect(tmp_path / DB_FILE)
    conn.executescript(
        "DROP INDEX events_by_user_seq; CREATE INDEX events_by_user ON events (user_idx, seq);"
    )
    conn.close()
    assert "events_by_user" in _indexes(tmp_path)
    store = open_store(tmp_path)
    assert _indexes(tmp_path) == {"events_by_user_seq"}
    assert store.user_events("u1").item_idx.tolist() == [0, 1]


def test_counts_follow_commits_of_other_connections_and_its_own(tmp_path: Path) -> None:
    solo = open_store(tmp_path / "solo")
    assert (solo.last_seq(), solo.item_count()) == (0, 0)
    solo.append_events([_event(1)])
    assert (solo.last_seq(), solo.item_count()) == (1, 1)
    a, b = open_store(tmp_path), open_store(tmp_path)
    assert (a.last_seq(), a.item_count(), a.event_count(), a.changes_after(0)) == (0, 0, 0, [])
    b.append_events([_event(1), _event(2, user="u2", item="i2")])
    assert (a.last_seq(), a.item_count(), a.event_count(), a.user_count()) == (2, 2, 2, 2)
    b.upsert_items([Item("i1", title="One")])
    assert [change.kind for change in a.changes_after(0)] == ["items"]
    a.append_events([_event(3, item="i3")])
    assert (a.last_seq(), a.item_count(), a.event_count()) == (3, 3, 3)
    with a.atomic():  # inside its own write, a store sees what it has not committed yet
        a.append_events([_event(4, item="i4")])
        assert (a.last_seq(), a.item_count()) == (4, 4)
    b.forget_user("u2")
    assert (a.event_count(), a.user_count()) == (3, 1)
    assert [change.kind for change in a.changes_after(0)] == ["items", "user"]


def test_forgetting_a_user_removes_their_events_and_identity(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.append_events([_event(1, user="a"), _event(2, user="a"), _event(3, user="b")])
    assert store.forget_user("a") == 2
    assert store.get_user("a") is None
    assert store.event_count() == 1
    assert store.forget_user("a") == 0
    store.close()
    reopened = open_store(tmp_path)
    assert reopened.get_user("a") is None
    rows = sqlite3.connect(tmp_path / DB_FILE).execute("SELECT COUNT(*) FROM users").fetchone()
    assert rows[0] == 1


def test_a_user_forgotten_by_another_connection_is_not_written_under_a_reused_index(
    tmp_path: Path,
) -> None:
    here, there = open_store(tmp_path), open_store(tmp_path)
    here.append_events([_event(1, user="a"), _event(2, user="b")])  # "b" cached here
    assert there.forget_user("b") == 1
    there.append_events([_event(3, user="c")])  # SQLite may give "c" b's old index
    here.append_events([_event(4, user="b")])
    assert len(here.user_events("c")) == 1 and len(here.user_events("b")) == 1
    assert here.user_index("b") != here.user_index("c")
    changes = here.changes_after(0)
    assert [(c.kind, c.idx) for c in changes] == [("user", 1)]
    assert here.changes_after(changes[-1].seq) == []
    here.upsert_items([Item("i9", title="Nine")])
    assert [c.kind for c in there.changes_after(changes[-1].seq)] == ["items"]
    here.close()
    there.close()


def test_snapshots_round_trip_and_keep_only_the_newest(tmp_path: Path) -> None:
    store = open_store(tmp_path, keep_snapshots=2)
    for version in range(1, 4):
        saved = store.save_snapshot({"m": {"w": np.arange(version)}}, {"v": version})
        assert saved == version
    latest = store.latest_snapshot()
    assert latest is not None and latest.version == 3 and latest.meta == {"v": 3}
    assert latest.arrays["m"]["w"].tolist() == [0, 1, 2]
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == ["v000002", "v000003"]


def test_a_corrupt_snapshot_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.save_snapshot({"m": {"w": np.arange(10)}}, {})
    target = tmp_path / "snapshots" / "v000001" / "m.npz"
    target.write_bytes(target.read_bytes()[:-4] + b"oops")
    with pytest.raises(StoreError, match="checksum"):
        store.latest_snapshot()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    conn = sqlite3.connect(tmp_path / DB_FILE)
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    with pytest.raises(StoreError, match="schema 99"):
        open_store(tmp_path)


def test_writers_of_other_processes_queue_on_the_homes_write_lock(tmp_path: Path) -> None:
    # Another process's writer holds the lock: a write here waits for it rather than racing
    # SQLite's busy handler, and goes through as soon as it is let go.
    import threading
    import time

    from semrec.store.home_lock import WRITE_LOCK, HomeLock

    store = open_store(tmp_path)
    other = HomeLock(tmp_path / WRITE_LOCK)
    assert other.acquire(wait=False)
    done = threading.Event()

    def write() -> None:
        store.append_events([_event(1)])
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not done.wait(0.3)
    assert store.event_count() == 0  # reads do not wait for the write lock
    released = time.perf_counter()
    other.release()
    assert done.wait(5)
    assert time.perf_counter() - released < 0.1
    writer.join()
    assert store.event_count() == 1
    assert HomeLock(tmp_path / WRITE_LOCK).acquire(wait=False)  # let go after the commit


def test_a_deferred_checkpoint_lets_the_log_start_over_while_commits_never_checkpoint(
    tmp_path: Path,
) -> None:
    def logged_frames_after(home: Path, checkpoint: bool) -> int:
        store = open_store(home)
        store.defer_checkpoints()
        for n in range(300):
            store.append_events([_event(n)])
        if checkpoint:
            store.checkpoint()
        store.append_events([_event(300)])
        probe = sqlite3.connect(home / DB_FILE, isolation_level=None)
        frames = int(probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
        probe.close()
        assert store.event_count() == 301
        store.close()
        return frames

    # Without a checkpoint the log holds every commit since the store opened; after one, the
    # next write started it over.
    assert logged_frames_after(tmp_path / "kept", checkpoint=False) >= 300
    assert logged_frames_after(tmp_path / "restarted", checkpoint=True) < 20


def test_arrival_numbers_are_not_reused_after_the_newest_events_are_forgotten(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path)
    store.append_events([_event(n, user="u2" if n > 1 else "u1") for n in range(1, 13)])
    seen = store.last_seq()
    assert store.forget_user("u2") == 11
    assert store.forget_user("u1") == 1  # the highest number kept does not go down (12 > 1)
    store.append_events([_event(13, user="u3"), _event(14, user="u3")])
    assert store.last_seq() > seen
    assert store.events_after(seen).user_idx.tolist() == [store.user_index("u3")] * 2
