"""`write_sample` writes byte-identical UTF-8 JSON-lines files."""

from __future__ import annotations

import json
from pathlib import Path

from semrec.sample import generate, write_sample


def test_write_sample_is_byte_identical(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "a" / "nested", seed=5, n_items=200, n_users=40)
    second = write_sample(tmp_path / "b", seed=5, n_items=200, n_users=40)
    for name in ("items", "events", "users"):
        a, b = getattr(first, name), getattr(second, name)
        assert a.name == f"{name}.jsonl" and a.exists()
        assert a.read_bytes() == b.read_bytes()
    other = write_sample(tmp_path / "c", seed=6, n_items=200, n_users=40)
    assert other.events.read_bytes() != first.events.read_bytes()


def test_files_hold_the_generated_data(tmp_path: Path) -> None:
    paths = write_sample(tmp_path, seed=9, n_items=300, n_users=50)
    data = generate(seed=9, n_items=300, n_users=50)
    for path, rows in ((paths.items, data.items), (paths.events, data.events)):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == rows
    users = [json.loads(line) for line in paths.users.read_text(encoding="utf-8").splitlines()]
    assert [u["user_id"] for u in users] == [f"u{k:04d}" for k in range(1, 51)]
    assert {"categories", "brands", "price_level", "activity"} <= set(users[0])


def test_chinese_text_is_not_escaped(tmp_path: Path) -> None:
    paths = write_sample(tmp_path, seed=2, n_items=300, n_users=20)
    text = paths.items.read_text(encoding="utf-8")
    assert "\\u" not in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
