"""The generic readers: CSV, JSON Lines and Parquet files written to a temporary folder."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from semrec.data import ImportFileError, Limits, ValidationError, validate_event, validate_item
from semrec.importers import read_rows

LIMITS = Limits()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows(path: Path, kind: str = "events", **kwargs: Any) -> list[tuple[int, dict[str, Any]]]:
    return list(read_rows(path, kind, **kwargs))  # type: ignore[arg-type]


def error_of(path: Path, kind: str = "events", **kwargs: Any) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        rows(path, kind, **kwargs)
    return info.value


EVENTS_CSV = (
    "user_id,item_id,type,timestamp,value,text\n"
    "u1,i1,rate,1700000000,4.5,\n"
    "u2,i2,view,2023-11-14T22:13:20Z,,\n"
)


def test_csv_events_are_numbered_from_line_2_and_empty_cells_are_missing(tmp_path: Path) -> None:
    got = rows(write(tmp_path / "e.csv", EVENTS_CSV))
    assert got == [
        (2, {"user_id": "u1", "item_id": "i1", "type": "rate", "timestamp": "1700000000",
             "value": "4.5"}),
        (3, {"user_id": "u2", "item_id": "i2", "type": "view",
             "timestamp": "2023-11-14T22:13:20Z"}),
    ]  # fmt: skip
    events = [validate_event(row, LIMITS) for _, row in got]
    assert events[0].value == 4.5 and events[1].timestamp == 1700000000.0


def test_csv_quoted_cells_spanning_lines_keep_the_line_numbers_true(tmp_path: Path) -> None:
    text = 'item_id,title,description\nA,"Big, red",\nB,T,"two\nlines"\nC,T,x\n\nD,T,x\n'
    got = rows(write(tmp_path / "i.csv", text), "items")
    assert [n for n, _ in got] == [2, 3, 5, 7]
    assert got[0][1]["title"] == "Big, red" and got[1][1]["description"] == "two\nlines"


def test_csv_items_collect_attr_columns_and_json_attributes(tmp_path: Path) -> None:
    text = (
        "\ufeffitem_id,title,category,tags,attributes,attr.colour,attr.size\n"
        'A,Shoe,Shoes > Running,"red,light","{""weight"": 250}",red,42\n'
        "B,Hat,,,,,\n"
    )
    got = rows(write(tmp_path / "i.csv", text), "items")
    assert got[0][1]["attributes"] == {"weight": 250, "colour": "red", "size": "42"}
    assert "attributes" not in got[1][1]
    item = validate_item(got[0][1], LIMITS)
    assert item.category == ("Shoes", "Running") and item.tags == ("red", "light")
    assert item.attributes == {"weight": 250, "colour": "red", "size": "42"}


def test_csv_attributes_that_are_not_json_are_left_for_validation(tmp_path: Path) -> None:
    got = rows(write(tmp_path / "i.csv", "item_id,attributes\nA,{oops\n"), "items")
    assert got == [(2, {"item_id": "A", "attributes": "{oops"})]
    with pytest.raises(ValidationError, match="attributes"):
        validate_item(got[0][1], LIMITS)


def test_gzipped_csv_and_fmt_override(tmp_path: Path) -> None:
    gz = tmp_path / "e.csv.gz"
    gz.write_bytes(gzip.compress(EVENTS_CSV.encode()))
    plain = write(tmp_path / "events.txt", EVENTS_CSV)
    assert rows(gz) == rows(plain, fmt="csv") == rows(write(tmp_path / "e.csv", EVENTS_CSV))


def test_unknown_format_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="format"):
        read_rows(write(tmp_path / "e.xlsx", ""), "events")
    with pytest.raises(ValidationError, match="kind"):
        read_rows(write(tmp_path / "e.csv", ""), "users")  # type: ignore[arg-type]


JSONL = (
    '{"user_id": "u1", "item_id": "i1", "type": "click", "timestamp": 1700000000}\n'
    "\n"
    '{"user_id": "u2", "item_id": "i2", "type": "rate", "timestamp": 1700000001, "value": 3}\n'
)


@pytest.mark.parametrize("name", ["e.jsonl", "e.ndjson", "e.json"])
def test_jsonl_counts_blank_lines_and_keeps_json_types(tmp_path: Path, name: str) -> None:
    got = rows(write(tmp_path / name, JSONL))
    assert [n for n, _ in got] == [1, 3]
    assert got[1][1]["value"] == 3 and got[1][1]["timestamp"] == 1700000001


def test_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl.gz"
    path.write_bytes(gzip.compress(JSONL.encode()))
    assert rows(path) == rows(write(tmp_path / "e.jsonl", JSONL))


def test_mapping_renames_columns_in_every_format(tmp_path: Path) -> None:
    mapping = {"user_id": "customer", "item_id": "sku", "timestamp": "ts"}
    csv_text = "customer,sku,type,ts,user_id\nc1,s1,view,1700000000,ignored\n"
    expected = {"user_id": "c1", "item_id": "s1", "type": "view", "timestamp": "1700000000"}
    assert rows(write(tmp_path / "e.csv", csv_text), mapping=mapping) == [(2, expected)]
    line = {"customer": "c1", "sku": "s1", "type": "view", "ts": "1700000000", "user_id": "x"}
    jsonl = write(tmp_path / "e.jsonl", json.dumps(line) + "\n")
    assert rows(jsonl, mapping=mapping) == [(1, expected)]
    table = pa.table({"customer": ["c1"], "sku": ["s1"], "type": ["view"], "ts": ["1700000000"]})
    pq.write_table(table, tmp_path / "e.parquet")
    assert rows(tmp_path / "e.parquet", mapping=mapping) == [(1, expected)]


def test_mapping_of_item_attributes_and_bad_mapping_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "i.csv", "sku,Farbe\nA,rot\n")
    got = rows(path, "items", mapping={"item_id": "sku", "attr.colour": "Farbe"})
    assert got == [(2, {"item_id": "A", "attributes": {"colour": "rot"}})]
    with pytest.raises(ValidationError, match="mapping"):
        read_rows(path, "events", mapping={"user": "customer"})


def test_parquet_rows_nulls_lists_structs_and_maps(tmp_path: Path) -> None:
    stamp = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    table = pa.table(
        {
            "item_id": ["A", "B", "C"],
            "title": ["Shoe", None, "Hat"],
            "price": [9.5, None, 3.0],
            "tags": [["red", "light"], [], None],
            "attributes": pa.array(
                [[("size", "42")], None, [("size", "M")]], pa.map_(pa.string(), pa.string())
            ),
            "attr.colour": ["red", None, "blue"],
            "created_at": pa.array([stamp, None, stamp], pa.timestamp("s", tz="UTC")),
        }
    )
    pq.write_table(table, tmp_path / "i.parquet", row_group_size=2)
    got = rows(tmp_path / "i.parquet", "items")
    assert [n for n, _ in got] == [1, 2, 3]
    assert got[1][1] == {"item_id": "B", "tags": []}
    assert got[0][1]["attributes"] == {"size": "42", "colour": "red"}
    items = [validate_item(row, LIMITS) for _, row in got]
    assert items[0].created_at == stamp.timestamp() and items[2].attributes["size"] == "M"


def test_progress_reports_add_up_to_the_file_size(tmp_path: Path) -> None:
    lines = [f'{{"user_id": "u{i}", "item_id": "i", "type": "view", "timestamp": 1}}\n'
             for i in range(20000)]  # fmt: skip
    plain = write(tmp_path / "e.jsonl", "".join(lines))
    packed = tmp_path / "e.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    table = pa.table({"user_id": [f"u{i}" for i in range(20000)], "item_id": ["i"] * 20000,
                      "type": ["view"] * 20000, "timestamp": [1] * 20000})  # fmt: skip
    pq.write_table(table, tmp_path / "e.parquet", row_group_size=5000)
    for path in (plain, packed, tmp_path / "e.parquet"):
        calls: list[int] = []
        assert len(rows(path, on_progress=calls.append)) == 20000
        assert sum(calls) == path.stat().st_size
        assert 2 <= len(calls) <= 10
