"""Malformed input raises `ImportFileError` naming the exact path, line and field."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from semrec.data import ImportFileError
from semrec.importers import read_rows

HEADER = "user_id,item_id,type,timestamp\n"


def error_of(path: Path, kind: str = "events", **kwargs: Any) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        list(read_rows(path, kind, **kwargs))  # type: ignore[arg-type]
    return info.value


def check(error: ImportFileError, path: Path, line: int, field: str) -> None:
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert str(error).startswith(f"{path}:{line}: {field}: got ")


def test_bad_json_line(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text('{"user_id": "u"}\n\n{"user_id": "u",}\n')
    error = error_of(path)
    check(error, path, 3, "line")
    assert "JSON object" in error.expected


@pytest.mark.parametrize("line", ['["u", "i"]', '"text"', "42", "null"])
def test_json_line_that_is_not_an_object(tmp_path: Path, line: str) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text('{"user_id": "u"}\n' + line + "\n")
    check(error_of(path), path, 2, "line")


def test_csv_row_with_the_wrong_number_of_cells(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(HEADER + "u,i,view,1\nu,i,view\n")
    error = error_of(path)
    check(error, path, 3, "line")
    assert error.expected == "4 cells as in the header"


@pytest.mark.parametrize("missing", ["user_id", "item_id", "type", "timestamp"])
def test_csv_missing_a_required_event_column(tmp_path: Path, missing: str) -> None:
    columns = [c for c in HEADER.strip().split(",") if c != missing]
    path = tmp_path / "e.csv"
    path.write_text(",".join(columns) + "\n" + ",".join("x" * len(columns)) + "\n")
    check(error_of(path), path, 1, missing)


def test_csv_items_without_item_id_and_unknown_or_repeated_columns(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("title\nT\n")
    check(error_of(path, "items"), path, 1, "item_id")
    path.write_text("item_id,colour\nA,red\n")
    check(error_of(path, "items"), path, 1, "colour")
    path.write_text("item_id,title,title\nA,T,T\n")
    check(error_of(path, "items"), path, 1, "title")
    path.write_text(HEADER.strip() + ",attr.colour\nu,i,view,1,red\n")
    check(error_of(path), path, 1, "attr.colour")


def test_parquet_schema_without_a_required_column(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "e.parquet"
    pq.write_table(pa.table({"user_id": ["u"], "item_id": ["i"], "type": ["view"]}), path)
    check(error_of(path), path, 0, "timestamp")


def test_a_file_that_is_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    path.write_text(HEADER)
    check(error_of(path), path, 0, "file")


@pytest.mark.parametrize("name", ["e.csv", "e.jsonl"])
def test_bytes_that_are_not_utf8(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    good = HEADER.encode() if name.endswith("csv") else b""
    good += b'{"user_id": "u"}\n' if name.endswith("jsonl") else b"u,i,view,1\n"
    path.write_bytes(good + b"u,caf\xe9,view,1\n")
    error = error_of(path)
    check(error, path, 3 if name.endswith("csv") else 2, "line")
    assert error.expected == "utf-8 text"


def test_a_truncated_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / "e.csv.gz"
    packed = gzip.compress((HEADER + "u,i,view,1\n" * 1000).encode())
    path.write_bytes(packed[: len(packed) // 2])
    error = error_of(path)
    assert (error.path, error.field) == (str(path), "file")


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    check(error_of(path), path, 0, "file")
