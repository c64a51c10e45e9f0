"""Amazon 2014 and 2018 review and metadata readers on small files in the shipped formats."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from semrec.data import ImportFileError, Limits, ValidationError, validate_event, validate_item
from semrec.importers import parse_price, read_dataset

LIMITS = Limits()
REVIEW_2014 = {
    "reviewerID": "A2IBPI20UZIR0U", "asin": "1384719342", "reviewerName": "cassandra",
    "helpful": [0, 0], "reviewText": "Works.  ", "overall": 5.0, "summary": "good",
    "unixReviewTime": 1393545600, "reviewTime": "02 28, 2014",
}  # fmt: skip
META_2014 = (
    "{'asin': '1384719342', 'title': 'Pop filter \"pro\"', 'price': 9.99, 'brand': 'Nady', "
    "'categories': [['Musical Instruments', 'Microphones'], ['Electronics']], "
    "'description': 'Double screen.', 'salesRank': {'Musical Instruments': 6}}\n"
    "{'asin': 'B000068NW5', 'categories': [['Musical Instruments']]}\n"
)


def write_gz(path: Path, text: str) -> Path:
    path.write_bytes(gzip.compress(text.encode()))
    return path


def rows(sources: Any) -> list[dict[str, Any]]:
    return [row for source in sources for _, row in source.rows()]


def test_amazon_2014_reviews_and_python_literal_metadata(tmp_path: Path) -> None:
    second = dict(REVIEW_2014, summary="", reviewerID="B", overall=2.0)
    lines = json.dumps(REVIEW_2014) + "\n" + json.dumps(second) + "\n"
    write_gz(tmp_path / "reviews_Musical_Instruments_5.json.gz", lines)
    (tmp_path / "meta_Musical_Instruments.json").write_text(META_2014)
    dataset = read_dataset("amazon-2014", tmp_path)
    events = [validate_event(row, LIMITS) for row in rows(dataset.events)]
    assert events[0].text == "good\n\nWorks." and events[1].text == "Works."
    assert events[0].type == "review" and events[0].value == 5.0
    assert events[0].timestamp == 1393545600.0 and events[1].user_id == "B"
    items = [validate_item(row, LIMITS) for row in rows(dataset.items)]
    assert items[0].title == 'Pop filter "pro"' and items[0].price == 9.99
    assert items[0].currency == "USD" and items[0].brand == "Nady"
    assert items[0].category == ("Musical Instruments", "Microphones")
    assert items[0].description == "Double screen."
    assert items[1].item_id == "B000068NW5" and items[1].price is None


def test_amazon_2014_reviews_file_with_explicit_meta(tmp_path: Path) -> None:
    reviews = tmp_path / "Musical_Instruments.json"
    reviews.write_text(json.dumps(REVIEW_2014) + "\n")
    meta = write_gz(tmp_path / "meta.json.gz", META_2014)
    dataset = read_dataset("amazon-2014", reviews, meta=meta)
    assert [s.path for s in dataset.events] == [reviews]
    assert [s.path for s in dataset.items] == [meta]
    assert len(rows(dataset.items)) == 2
    assert read_dataset("amazon-2014", reviews).items == []


def test_amazon_2018_reviews_and_json_metadata(tmp_path: Path) -> None:
    review = {
        "overall": 4.0, "verified": True, "reviewTime": "09 1, 2016", "reviewerID": "A1",
        "asin": "0011300000", "style": {"Format:": " Hardcover"}, "reviewerName": "x",
        "reviewText": "Nice strings", "summary": "Four Stars", "unixReviewTime": 1472688000,
        "vote": "1,024",
    }  # fmt: skip
    metas = [
        {"asin": "0011300000", "title": "Strings", "brand": "Ernie Ball",
         "category": ["Musical Instruments", "Guitars"], "price": "$1,299.99",
         "description": ["Bright tone.", "", "Long life."], "feature": ["Nickel", " Steel "]},
        {"asin": "0011300001", "price": "", "description": [], "feature": []},
        {"asin": "0011300002", "price": "$10.00 - $20.00", "title": "Range"},
    ]  # fmt: skip
    (tmp_path / "Musical_Instruments_5.json").write_text(json.dumps(review) + "\n")
    meta_text = "".join(json.dumps(m) + "\n" for m in metas)
    write_gz(tmp_path / "meta_Musical_Instruments.json.gz", meta_text)
    dataset = read_dataset("amazon-2018", tmp_path)
    (event,) = [validate_event(row, LIMITS) for row in rows(dataset.events)]
    assert event.text == "Four Stars\n\nNice strings" and event.value == 4.0
    items = [validate_item(row, LIMITS) for row in rows(dataset.items)]
    assert items[0].price == 1299.99 and items[0].brand == "Ernie Ball"
    assert items[0].category == ("Musical Instruments", "Guitars")
    assert items[0].description == "Bright tone.\n\nLong life.\n\n- Nickel\n- Steel"
    assert items[1].price is None and items[1].description == "" and items[1].currency == ""
    assert items[2].price is None and items[2].title == "Range"


def test_parse_price() -> None:
    assert parse_price("$12.99") == 12.99 and parse_price(" $1,299 ") == 1299.0
    assert parse_price(7) == 7.0 and parse_price(3.5) == 3.5
    for bad in ("", "$10.00 - $20.00", "call us", None, True, ".99$"):
        assert parse_price(bad) is None


def test_bad_metadata_line_and_folder_errors(tmp_path: Path) -> None:
    (tmp_path / "reviews.json").write_text(json.dumps(REVIEW_2014) + "\n")
    meta = tmp_path / "meta_x.json"
    meta.write_text(META_2014 + "{'asin': 'B0', 'title': \n")
    source = read_dataset("amazon-2014", tmp_path).items[0]
    with pytest.raises(ImportFileError) as info:
        list(source.rows())
    assert (info.value.path, info.value.line, info.value.field) == (str(meta), 3, "line")
    (tmp_path / "other.json").write_text("")
    with pytest.raises(ValidationError, match="one reviews file"):
        read_dataset("amazon-2018", tmp_path)
    with pytest.raises(ValidationError, match="path"):
        read_dataset("amazon-2018", tmp_path / "absent")
