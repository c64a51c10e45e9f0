"""Read item or event files (CSV, JSON Lines, Parquet) into dicts with the canonical keys.

Formats, chosen by `fmt` or by the file name (a trailing ``.gz`` is allowed for text formats;
compression is recognised by content):

- CSV (``.csv``): a header row, then one record per row; line 1 is the header, so the first
  record is line 2. An empty cell means the value is missing. Item files may hold an
  ``attributes`` column with a JSON object and/or columns ``attr.<name>`` whose non-empty
  cells are collected into ``attributes`` (as text). Cells stay text; validation parses them.
- JSON Lines (``.jsonl``, ``.ndjson``, ``.json``): one JSON object per line; blank lines are
  skipped but counted. Values keep their JSON types; ``null`` means missing.
- Parquet (``.parquet``, ``.pq``): read batch by batch through pyarrow; the row number is the
  1-based row index. Nulls mean missing; list, struct and map columns become lists and dicts.

Column mapping: ``mapping`` maps a canonical key to the name the source uses for it, e.g.
``{"user_id": "customer", "item_id": "sku", "timestamp": "ts"}`` reads the ``customer``
column as ``user_id``. Names not in the mapping are taken as they are; a source column that has
a mapped canonical name itself (a ``user_id`` column beside ``customer`` above) is ignored.
Item attribute columns can be mapped too: ``{"attr.colour": "Farbe"}``.

CSV headers and Parquet schemas are checked up front: an unknown column, a column given twice
or a missing required column (``item_id`` for items; ``user_id``, ``item_id``, ``type`` and
``timestamp`` for events) raises `ImportFileError` at line 1 (CSV) or 0 (Parquet: the file
as a whole). Malformed input - a line that is not JSON or not an object, a CSV row with the
wrong number of cells, bytes that are not UTF-8, a broken gzip stream - raises
`ImportFileError` naming the path, the line and the field (``"line"`` or the column).
Values themselves are not checked here: that is `validate_item` / `validate_event`'s work
(see `semrec.importers.validate`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from semrec.data.errors import ImportFileError, ValidationError
from semrec.importers._columns import DROPPED, KEYS, Kind, plan_columns, renames
from semrec.importers._files import ProgressFn, byte_lines, decode, detect_format

__all__ = ["Row", "csv_rows", "json_object", "read_csv", "read_jsonl", "read_rows"]

#: (1-based line or row number, record dict with canonical keys)
Row = tuple[int, dict[str, Any]]


def read_rows(
    path: Path,
    kind: Kind,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    on_progress: ProgressFn | None = None,
) -> Iterator[Row]:
    """Yield (line number, record dict) for each record of an item or event file.

    `kind` is "items" or "events"; `fmt` overrides the format the file name suggests;
    `mapping` maps canonical keys to source column names (see the module docstring);
    `on_progress(n_bytes)` is called now and then with the bytes of the file read since the
    previous call. The format and mapping are checked at once; the file as it is read.
    """
    if kind not in KEYS:
        raise ValidationError("kind", kind, "'items' or 'events'")
    rename = renames(kind, mapping)
    name = detect_format(path, fmt)
    if name == "csv":
        return read_csv(path, kind, rename, on_progress)
    if name == "jsonl":
        return read_jsonl(path, rename, on_progress)
    from semrec.importers.parquet import read_parquet

    return read_parquet(path, kind, rename, on_progress)


def _decoded(path: Path, lines: Iterator[tuple[int, bytes]]) -> Iterator[str]:
    for number, line in lines:
        yield decode(path, number, line)


def csv_rows(path: Path, on_progress: ProgressFn | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each non-blank row of a CSV file, header first.

    Every row must have as many cells as the first (the header); a UTF-8 byte order mark
    before the header is dropped.
    """
    reader = csv.reader(_decoded(path, byte_lines(path, on_progress)))
    width = -1
    start = 1
    try:
        for cells in reader:
            if width < 0 and cells:
                cells[0] = cells[0].removeprefix("\ufeff")
                width = len(cells)
            elif len(cells) != width and cells:
                expected = f"{width} cells as in the header"
                raise ImportFileError(str(path), start, "line", cells, expected)
            if cells:
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        line = reader.line_num
        raise ImportFileError(str(path), line, "line", None, f"well-formed CSV ({exc})") from None


def read_csv(
    path: Path, kind: Kind, rename: Mapping[str, str], on_progress: ProgressFn | None = None
) -> Iterator[Row]:
    """Records of a CSV file with a header row; `rename` maps source names to canonical keys."""
    rows = csv_rows(path, on_progress)
    first = next(rows, None)
    if first is None:
        return
    plan = plan_columns(path, kind, first[1], rename, line=first[0])
    for number, cells in rows:
        yield number, plan.row(cells)


def read_jsonl(
    path: Path, rename: Mapping[str, str], on_progress: ProgressFn | None = None
) -> Iterator[Row]:
    """Records of a JSON Lines file; `rename` maps source keys to canonical keys."""
    for number, raw in byte_lines(path, on_progress):
        if raw.isspace():
            continue
        text = decode(path, number, raw)
        record = json_object(path, number, text.removeprefix("\ufeff") if number == 1 else text)
        if rename:
            record = {rename.get(k, k): v for k, v in record.items()}
            record.pop(DROPPED, None)
        yield number, record


def json_object(path: Path, number: int, text: str) -> dict[str, Any]:
    """One JSON object from a line of text, or an `ImportFileError` naming the line."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        expected = f"a JSON object ({exc.msg} at column {exc.colno})"
        raise ImportFileError(str(path), number, "line", text.rstrip(), expected) from None
    if not isinstance(record, dict):
        raise ImportFileError(str(path), number, "line", record, "a JSON object")
    return record
