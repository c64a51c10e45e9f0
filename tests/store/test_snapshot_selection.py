"""Choosing the served snapshot (rollback) and saving snapshots from several processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from semrec.data import NotFoundError
from semrec.store import open_store


def _save(home: Path, count: int, keep: int = 3) -> None:
    store = open_store(home, keep_snapshots=keep)
    for n in range(count):
        store.save_snapshot({"m": {"w": np.full(3, n)}}, {"n": n})
    store.close()


def test_the_newest_snapshot_is_served_until_another_is_selected(tmp_path: Path) -> None:
    _save(tmp_path, 3)
    store = open_store(tmp_path)
    assert store.served_version() == 3
    assert [info.version for info in store.snapshot_versions()] == [3, 2, 1]
    store.select_snapshot(2)
    assert store.served_version() == 2
    served = store.served_snapshot()
    assert served is not None and served.version == 2 and served.meta == {"n": 1}
    assert served.arrays["m"]["w"].tolist() == [1, 1, 1]
    latest = store.latest_snapshot()
    assert latest is not None and latest.version == 2
    assert store.stats()["served_snapshot"] == 2 and store.stats()["snapshot"] == 3
    store.close()


def test_the_selection_is_kept_in_the_store_for_other_processes(tmp_path: Path) -> None:
    _save(tmp_path, 3)
    writer = open_store(tmp_path)
    reader = open_store(tmp_path)
    writer.select_snapshot(1)
    assert reader.served_version() == 1
    writer.close()
    reopened = open_store(tmp_path)
    assert reopened.served_version() == 1
    reopened.close()
    reader.close()


def test_a_new_snapshot_is_served_again_after_a_rollback(tmp_path: Path) -> None:
    _save(tmp_path, 3)
    store = open_store(tmp_path, keep_snapshots=3)
    store.select_snapshot(2)
    assert store.save_snapshot({"m": {"w": np.zeros(1)}}, {"n": 3}) == 4
    assert store.served_version() == 4
    assert [info.version for info in store.snapshot_versions()] == [4, 3, 2]
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == [
        "v000002",
        "v000003",
        "v000004",
    ]
    store.close()


def test_selecting_the_newest_follows_new_snapshots(tmp_path: Path) -> None:
    _save(tmp_path, 2)
    store = open_store(tmp_path)
    store.select_snapshot(1)
    store.select_snapshot(2)
    store.save_snapshot({"m": {"w": np.zeros(1)}}, {})
    assert store.served_version() == 3
    store.close()


def test_only_kept_versions_can_be_selected(tmp_path: Path) -> None:
    _save(tmp_path, 4, keep=2)
    store = open_store(tmp_path)
    with pytest.raises(NotFoundError, match=r"v1 \(kept: v3, v4\)"):
        store.select_snapshot(1)
    assert store.served_version() == 4
    store.close()


def test_an_in_memory_store_has_no_snapshots() -> None:
    store = open_store(None)
    assert store.served_version() is None
    assert store.served_snapshot() is None
    assert store.snapshot_versions() == []
    with pytest.raises(NotFoundError, match="kept: none"):
        store.select_snapshot(1)
    store.close()


_SAVER = """
import sys
from pathlib import Path
import numpy as np
from semrec.store import open_store

store = open_store(Path(sys.argv[1]), keep_snapshots=100)
tag = int(sys.argv[2])
for n in range(8):
    store.save_snapshot({"m": {"w": np.full(1_000_000, tag * 100 + n)}}, {"tag": tag, "n": n})
store.close()
"""


def test_two_processes_saving_at_once_never_share_a_version(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    savers = [
        subprocess.Popen([sys.executable, "-c", _SAVER, str(tmp_path), str(tag)]) for tag in (1, 2)
    ]
    assert [saver.wait(60) for saver in savers] == [0, 0]
    store = open_store(tmp_path, keep_snapshots=100)
    infos = store.snapshot_versions()
    assert [info.version for info in infos] == list(range(16, 0, -1))
    written = {(info.meta["tag"], info.meta["n"]) for info in infos}
    assert written == {(tag, n) for tag in (1, 2) for n in range(8)}
    for info in infos:  # every version's folder holds the arrays its row describes
        store.select_snapshot(info.version)
        served = store.served_snapshot()
        assert served is not None
        expected = info.meta["tag"] * 100 + info.meta["n"]
        assert set(served.arrays["m"]["w"].tolist()) == {expected}
    leftovers = [p.name for p in (tmp_path / "snapshots").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    store.close()
