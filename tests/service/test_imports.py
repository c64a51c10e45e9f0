"""Imports into a real SQLite store: all or nothing by default, or skip invalid rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import semrec
from semrec.data import ImportFileError


def _write_events(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = [
    {"user_id": "u1", "item_id": "i1", "type": "view", "timestamp": 1_600_000_000},
    {"user_id": "u1", "item_id": "i2", "type": "rate", "value": 4, "timestamp": 1_600_000_001},
]
BAD = {"user_id": "u2", "item_id": "i1", "type": "rate", "value": 9, "timestamp": 1_600_000_002}


def test_a_bad_row_imports_nothing_and_names_file_line_and_field(
    rec: semrec.Recommender, tmp_path: Path
) -> None:
    path = _write_events(tmp_path / "events.jsonl", [*GOOD, BAD, *GOOD])
    with pytest.raises(ImportFileError) as info:
        rec.import_file(path, "events")
    assert (info.value.path, info.value.line, info.value.field) == (str(path), 3, "value")
    assert str(info.value).startswith(f"{path}:3: value: got 9")
    assert rec.store.event_count() == 0
    assert rec.store.user_count() == 0


def test_skip_invalid_imports_the_rest_and_writes_the_rejects(
    rec: semrec.Recommender, tmp_path: Path
) -> None:
    path = _write_events(tmp_path / "events.jsonl", [*GOOD, BAD])
    report = rec.import_file(path, "events", skip_invalid=True)
    assert (report.accepted, report.rejected) == (2, 1)
    rejects = [json.loads(line) for line in Path(str(report.rejects_path)).read_text().splitlines()]
    assert rejects[0]["line"] == 3 and rejects[0]["field"] == "value"
    assert "between 0 and 5" in rejects[0]["error"]
    assert rec.store.event_count() == 2


def test_a_second_import_of_the_same_file_counts_duplicates(
    rec: semrec.Recommender, tmp_path: Path
) -> None:
    path = _write_events(tmp_path / "events.jsonl", GOOD)
    rec.import_file(path, "events")
    again = rec.import_file(path, "events")
    assert (again.accepted, again.duplicates) == (0, 2)


def test_items_from_csv_with_a_column_mapping(rec: semrec.Recommender, tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text('sku,name,price,attr.colour\nA1,"Red, big",12.5,red\nA2,Blue,3,blue\n')
    report = rec.import_file(path, "items", mapping={"item_id": "sku", "title": "name"})
    assert report.accepted == 2
    item = rec.store.get_item("A1")
    assert item is not None and item.title == "Red, big" and item.price == 12.5
    assert item.attributes == {"colour": "red"}


def test_ml_100k_imports_with_exact_counts(
    rec: semrec.Recommender, shared_data: Callable[[str], Path]
) -> None:
    reports = rec.import_dataset("ml-100k", shared_data("ml-100k"))
    assert [(r.kind, r.accepted) for r in reports] == [("items", 1682), ("events", 100000)]
    stats = rec.stats()
    assert (stats["items"], stats["users"], stats["events"]) == (1682, 943, 100000)
    assert stats["items_without_metadata"] == 0


def test_amazon_reviews_import_with_exact_counts(
    rec: semrec.Recommender, shared_data: Callable[[str], Path]
) -> None:
    folder = shared_data("amazon-musical-instruments-5core-2014")
    reports = rec.import_dataset("amazon-2014", folder / "Musical_Instruments.json")
    assert [(r.kind, r.accepted, r.duplicates) for r in reports] == [("events", 10261, 0)]
    stats = rec.stats()
    assert (stats["users"], stats["items_without_metadata"], stats["events"]) == (1429, 900, 10261)
    assert stats["events_by_type"] == {"review": 10261}
    rec.train()
    assert len(rec.recommend("A2IBPI20UZIR0U", k=10)) == 10
