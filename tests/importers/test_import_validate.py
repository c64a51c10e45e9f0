"""`validated`: fail fast by default, or skip invalid rows into a rejects file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from semrec.data import Event, ImportFileError, Limits, validate_event
from semrec.importers import RejectWriter, default_rejects_path, read_rows, validated

LIMITS = Limits()
CSV = (
    "user_id,item_id,type,timestamp,value\n"
    "u1,i1,rate,1700000000,4\n"
    "u2,i2,rate,1700000000,9\n"
    "u3,i3,jump,1700000000,\n"
    "u4,i4,view,1700000001,\n"
)


def check(row: Mapping[str, Any]) -> Event:
    return validate_event(row, LIMITS)


def source(tmp_path: Path, text: str = CSV) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(text)
    return path


def test_the_first_invalid_row_raises_with_path_line_and_field(tmp_path: Path) -> None:
    path = source(tmp_path)
    records = validated(read_rows(path, "events"), check, str(path))
    with pytest.raises(ImportFileError) as info:
        list(records)
    error = info.value
    assert (error.path, error.line, error.field, error.value) == (str(path), 3, "value", "9")
    assert str(error).startswith(f"{path}:3: value: got '9', expected a rating between 0 and 5")
    assert records.accepted == 1


def test_skip_invalid_writes_rejects_with_reasons_and_yields_valid_rows(tmp_path: Path) -> None:
    path = source(tmp_path)
    rejects_path = default_rejects_path(path)
    assert rejects_path == tmp_path / "events.csv.rejected.jsonl"
    with RejectWriter(rejects_path) as rejects:
        records = validated(read_rows(path, "events"), check, str(path), True, rejects)
        events = list(records)
    assert [e.user_id for e in events] == ["u1", "u4"]
    assert (records.accepted, records.rejected, rejects.count) == (2, 2, 2)
    lines = [json.loads(line) for line in rejects_path.read_text().splitlines()]
    assert [(r["line"], r["field"]) for r in lines] == [(3, "value"), (4, "type")]
    assert lines[0]["error"].startswith("value: got '9', expected a rating")
    assert lines[1]["row"] == {"user_id": "u3", "item_id": "i3", "type": "jump",
                               "timestamp": "1700000000"}  # fmt: skip


def test_no_rejects_file_when_every_row_is_valid(tmp_path: Path) -> None:
    path = source(tmp_path, CSV.splitlines(keepends=True)[0] + "u1,i1,rate,1700000000,4\n")
    with RejectWriter(default_rejects_path(path)) as rejects:
        records = validated(read_rows(path, "events"), check, str(path), True, rejects)
        assert len(list(records)) == 1
    assert rejects.count == 0 and not rejects.path.exists()


def test_skip_invalid_without_a_writer_only_counts(tmp_path: Path) -> None:
    path = source(tmp_path)
    records = validated(read_rows(path, "events"), check, str(path), skip_invalid=True)
    assert len(list(records)) == 2 and records.rejected == 2


def test_rejected_rows_with_values_json_cannot_hold_are_written_as_text(tmp_path: Path) -> None:
    stamp = datetime(1990, 1, 1, tzinfo=UTC)
    row = {"user_id": "u", "item_id": "i", "type": "view", "timestamp": stamp}
    with RejectWriter(tmp_path / "r.jsonl") as rejects:
        assert list(validated([(7, row)], check, "x.parquet", True, rejects)) == []
    entry = json.loads((tmp_path / "r.jsonl").read_text())
    assert entry["line"] == 7 and entry["field"] == "timestamp"
    assert entry["row"]["timestamp"] == str(stamp)
