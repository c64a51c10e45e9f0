"""Amazon review data (McAuley lab, UCSD): the 2014 and 2018 releases.

Reviews (JSON lines, plain or gzip) become ``review`` events: ``reviewerID`` -> user_id,
``asin`` -> item_id, ``overall`` -> value, ``unixReviewTime`` -> timestamp, and the text is
the summary and the review text joined by a blank line (empty parts left out). The 2018 extras
(``verified``, ``style``, ``vote``) have no place in an event and are dropped.

Metadata (``meta_<Category>.json[.gz]``) becomes items with title, brand, price (USD),
category and description. 2014 metadata lines are Python dict literals (single quotes), read
with `ast.literal_eval` where JSON fails; its category is the first path of ``categories``.
2018 metadata is JSON; its price is text such as ``"$12.99"`` (a range or anything else that
is not one amount gives no price) and its description is the ``description`` paragraphs
followed by the ``feature`` bullet points.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, Final

from semrec.data.errors import ImportFileError, ValidationError
from semrec.importers._files import ProgressFn, text_lines
from semrec.importers.formats import read_jsonl
from semrec.importers.sources import Dataset, Source

__all__ = ["amazon_2014", "amazon_2018", "parse_price"]

Rows = Iterator[tuple[int, dict[str, Any]]]
ItemFn = Callable[[dict[str, Any]], dict[str, Any]]

_JSON_NAMES: Final = (".json", ".json.gz", ".jsonl", ".jsonl.gz")
_PRICE: Final = re.compile(r"\$?\s*(\d[\d,]*(?:\.\d+)?)")


def amazon_2014(path: Path, meta: Path | None = None) -> Dataset:
    """Amazon 2014: `path` is the reviews file or a folder holding it and maybe ``meta_*``."""
    return _dataset(path, meta, _item_2014)


def amazon_2018(path: Path, meta: Path | None = None) -> Dataset:
    """Amazon 2018: `path` is the reviews file or a folder holding it and maybe ``meta_*``."""
    return _dataset(path, meta, _item_2018)


def _dataset(path: Path, meta: Path | None, item: ItemFn) -> Dataset:
    reviews, metas = _files(path)
    if meta is not None:
        if not meta.is_file():
            raise ValidationError("meta", str(meta), "an existing metadata file")
        metas = [meta]
    return Dataset(
        items=[Source(m, partial(_items, m, item)) for m in metas],
        events=[Source(reviews, partial(_reviews, reviews))],
    )


def _files(path: Path) -> tuple[Path, list[Path]]:
    """The reviews file and any metadata files that `path` (a file or a folder) names."""
    if path.is_file():
        return path, []
    if not path.is_dir():
        raise ValidationError("path", str(path), "an existing reviews file or folder")
    found = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(_JSON_NAMES))
    metas = [p for p in found if p.name.startswith("meta_")]
    reviews = [p for p in found if not p.name.startswith("meta_")]
    if len(reviews) != 1:
        names = [p.name for p in reviews]
        expected = "a folder with one reviews file (*.json[.gz]); else name the file itself"
        raise ValidationError("path", f"{path} holding {names}", expected)
    return reviews[0], metas


def _reviews(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    for number, record in read_jsonl(path, {}, on_progress):
        yield number, review_row(record)


def review_row(record: dict[str, Any]) -> dict[str, Any]:
    """The event dict of one review record (2014 or 2018 keys)."""
    row = {
        "user_id": record.get("reviewerID"),
        "item_id": record.get("asin"),
        "type": "review",
        "timestamp": record.get("unixReviewTime"),
        "value": record.get("overall"),
        "text": _join("\n\n", (record.get("summary"), record.get("reviewText"))),
    }
    return {key: value for key, value in row.items() if value is not None and value != ""}


def _join(sep: str, parts: Any) -> str:
    """The non-empty text parts, stripped, joined with `sep`; non-text parts are left out."""
    if isinstance(parts, str):
        parts = [parts]
    if not isinstance(parts, list | tuple):
        return ""
    return sep.join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def _items(path: Path, item: ItemFn, on_progress: ProgressFn | None = None) -> Rows:
    for number, line in text_lines(path, "utf-8", on_progress):
        if line.strip():
            yield number, item(_record(path, number, line))


def _record(path: Path, number: int, line: str) -> dict[str, Any]:
    """A metadata line as a dict: JSON, or a Python dict literal as in the 2014 release."""
    try:
        record = json.loads(line)
    except ValueError:
        try:
            record = ast.literal_eval(line)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            expected = "a JSON object or a Python dict literal"
            raise ImportFileError(str(path), number, "line", line, expected) from None
    if not isinstance(record, dict):
        raise ImportFileError(str(path), number, "line", record, "an object with an asin")
    return record


def _item(record: dict[str, Any], **fields: Any) -> dict[str, Any]:
    row = {"item_id": record.get("asin"), "title": record.get("title"), **fields}
    if isinstance(record.get("brand"), str):
        row["brand"] = record["brand"]
    if row.get("price") is not None:
        row["currency"] = "USD"
    return {key: value for key, value in row.items() if value is not None and value != ""}


def _item_2014(record: dict[str, Any]) -> dict[str, Any]:
    paths = record.get("categories")
    first = paths[0] if isinstance(paths, list) and paths else None
    return _item(
        record,
        price=record.get("price"),
        category=first if isinstance(first, list) else None,
        description=_join("\n\n", record.get("description")),
    )


def _item_2018(record: dict[str, Any]) -> dict[str, Any]:
    features = _join("\n", [f"- {f.strip()}" for f in _texts(record.get("feature"))])
    category = record.get("category")
    return _item(
        record,
        price=parse_price(record.get("price")),
        category=category if isinstance(category, list) else None,
        description=_join("\n\n", [_join("\n\n", record.get("description")), features]),
    )


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v.strip()]


def parse_price(value: Any) -> float | None:
    """A price from a number or a text such as "$1,299.99"; None when it is not one amount."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    match = _PRICE.fullmatch(value.strip())
    return float(match.group(1).replace(",", "")) if match else None
