"""Column names: canonical keys, the caller's mapping, and turning a row of cells into a dict."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final, Literal

from semrec.data.errors import ImportFileError, ValidationError
from semrec.data.records import Event, Item

__all__ = [
    "ATTR_PREFIX",
    "DROPPED",
    "KEYS",
    "REQUIRED",
    "ColumnPlan",
    "Kind",
    "plan_columns",
    "renames",
]

Kind = Literal["items", "events"]

#: The canonical keys of each kind of record, as `validate_item` / `validate_event` take them.
KEYS: Final[Mapping[str, tuple[str, ...]]] = {
    "items": tuple(f.name for f in fields(Item)),
    "events": Event._fields,
}
#: Columns a CSV header or Parquet schema must have.
REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "items": ("item_id",),
    "events": ("user_id", "item_id", "type", "timestamp"),
}
#: Item columns named ``attr.<name>`` are collected into the `attributes` mapping.
ATTR_PREFIX: Final = "attr."
#: The canonical key that `renames` gives a source name shadowed by the mapping: drop it.
DROPPED: Final = "\x00dropped"


def renames(kind: Kind, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Source name -> canonical key from a canonical -> source `mapping`, checked.

    A canonical name that the mapping moves to another column is renamed to a marker that
    callers drop, so the mapped column wins.
    """
    if not mapping:
        return {}
    out: dict[str, str] = {}
    for key, source in mapping.items():
        if key not in KEYS[kind] and not (kind == "items" and key.startswith(ATTR_PREFIX)):
            expected = f"a {kind[:-1]} key: one of {', '.join(KEYS[kind])}"
            raise ValidationError("mapping", key, expected + (", attr.<name>" * (kind == "items")))
        if not isinstance(source, str) or not source:
            raise ValidationError(f"mapping.{key}", source, "a non-empty column name")
        out[source] = key
    for key in mapping:
        out.setdefault(key, DROPPED)
    return out


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Where each canonical key sits in a row of cells (CSV cells or Parquet columns)."""

    plain: tuple[tuple[int, str], ...]
    attrs: tuple[tuple[int, str], ...]
    width: int

    def row(self, cells: Sequence[Any]) -> dict[str, Any]:
        """The record dict of one row; empty cells and nulls are left out (missing)."""
        row = {key: cells[i] for i, key in self.plain if cells[i] is not None and cells[i] != ""}
        if "attributes" in row:
            row["attributes"] = attributes_value(row["attributes"])
        if self.attrs:
            extra = {n: cells[i] for i, n in self.attrs if cells[i] is not None and cells[i] != ""}
            if extra:
                base = row.get("attributes")
                row["attributes"] = {**base, **extra} if isinstance(base, dict) else extra
        return row


def attributes_value(value: Any) -> Any:
    """A JSON object text or a list of (key, value) pairs as a dict; anything else unchanged.

    Text that is not a JSON object stays as it is, so validation rejects the row with a reason.
    """
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, dict) else value
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return dict(value)
    return value


def plan_columns(
    path: Path, kind: Kind, names: Sequence[str], rename: Mapping[str, str], line: int
) -> ColumnPlan:
    """Check a header (CSV) or schema (Parquet) and plan how to build rows from it.

    Unknown, duplicate and missing required columns raise `ImportFileError` at `line`.
    """
    plain: list[tuple[int, str]] = []
    attrs: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, name in enumerate(names):
        key = rename.get(name, name)
        if key == DROPPED:
            continue
        if key in seen:
            raise ImportFileError(str(path), line, name, name, f"column {key!r} only once")
        seen.add(key)
        if kind == "items" and key.startswith(ATTR_PREFIX) and len(key) > len(ATTR_PREFIX):
            attrs.append((index, key[len(ATTR_PREFIX) :]))
        elif key in KEYS[kind]:
            plain.append((index, key))
        else:
            raise ImportFileError(str(path), line, name, name, _known(kind))
    for key in REQUIRED[kind]:
        if key not in seen:
            expected = f"a column {key!r} (name another column with `mapping`)"
            raise ImportFileError(str(path), line, key, None, expected)
    return ColumnPlan(tuple(plain), tuple(attrs), len(names))


def _known(kind: Kind) -> str:
    extra = ", attr.<name>" if kind == "items" else ""
    return f"a known column: {', '.join(KEYS[kind])}{extra}; map other names with `mapping`"
