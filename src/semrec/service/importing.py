"""Imports: stream validated rows from files into the store inside one transaction."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from semrec.data.records import Event, Item
from semrec.data.validation import Limits, validate_event, validate_item
from semrec.importers import (
    RejectWriter,
    RowsFn,
    Source,
    Validated,
    default_rejects_path,
    read_dataset,
    read_rows,
)
from semrec.store import Store

__all__ = ["ImportReport", "import_dataset", "import_file"]

Kind = Literal["items", "events"]


@dataclass(frozen=True)
class ImportReport:
    """What importing one file did."""

    path: str
    kind: str
    accepted: int
    duplicates: int
    rejected: int
    rejects_path: str | None

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return dict(self.__dict__)


def _rejects_path(source: Path, home: Path | None) -> Path:
    """Beside the source file, or in `<home>/rejected/` when that folder is read-only."""
    beside = default_rejects_path(source)
    if os.access(beside.parent, os.W_OK) or home is None:
        return beside
    (home / "rejected").mkdir(parents=True, exist_ok=True)
    return home / "rejected" / beside.name


def _write(store: Store, kind: Kind, records: Iterator[Any], batch: int) -> tuple[int, int]:
    accepted = duplicates = 0
    while chunk := list(islice(records, batch)):
        if kind == "items":
            accepted += store.upsert_items(chunk)
        else:
            result = store.append_events(chunk)
            accepted, duplicates = accepted + result.accepted, duplicates + result.duplicates
    return accepted, duplicates


@dataclass(frozen=True)
class _Options:
    store: Store
    limits: Limits
    skip_invalid: bool
    progress: bool
    batch: int
    home: Path | None


def _import_source(
    opts: _Options, kind: Kind, path: Path, rows: RowsFn, stack: ExitStack
) -> ImportReport:
    check: Callable[[Mapping[str, Any]], Item | Event]
    if kind == "items":
        check = lambda row: validate_item(row, opts.limits)  # noqa: E731
    else:
        check = lambda row: validate_event(row, opts.limits)  # noqa: E731
    rejects = stack.enter_context(RejectWriter(_rejects_path(path, opts.home)))
    size = path.stat().st_size if path.is_file() else None
    bar = stack.enter_context(
        tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            desc=f"{kind} {path.name}",
            disable=None if opts.progress else True,  # None: only on a terminal
            leave=False,
        )
    )

    def tick(n_bytes: int) -> None:
        bar.update(n_bytes)

    records = Validated(rows(on_progress=tick), check, str(path), opts.skip_invalid, rejects)
    accepted, duplicates = _write(opts.store, kind, records, opts.batch)
    return ImportReport(
        str(path),
        kind,
        accepted,
        duplicates,
        rejects.count,
        str(rejects.path) if rejects.count else None,
    )


def _run(opts: _Options, sources: list[tuple[Kind, Source]]) -> list[ImportReport]:
    """Import every source in one transaction: all of them land, or none."""
    with ExitStack() as stack, opts.store.atomic():
        return [_import_source(opts, kind, src.path, src.rows, stack) for kind, src in sources]


def import_file(
    store: Store,
    limits: Limits,
    path: Path,
    kind: Kind,
    *,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    progress: bool = False,
    batch: int = 10000,
    home: Path | None = None,
) -> ImportReport:
    """Import an item or event file (CSV, JSON Lines, Parquet), all or nothing."""

    def rows(on_progress: Any = None) -> Iterator[tuple[int, dict[str, Any]]]:
        return read_rows(path, kind, fmt, mapping, on_progress)

    opts = _Options(store, limits, skip_invalid, progress, batch, home)
    return _run(opts, [(kind, Source(path, rows))])[0]


def import_dataset(
    store: Store,
    limits: Limits,
    name: str,
    path: Path,
    *,
    meta: Path | None = None,
    skip_invalid: bool = False,
    progress: bool = False,
    batch: int = 10000,
    home: Path | None = None,
) -> list[ImportReport]:
    """Import a named public data set (items first, then events), all or nothing."""
    dataset = read_dataset(name, path, meta)
    sources: list[tuple[Kind, Source]] = [("items", s) for s in dataset.items]
    sources += [("events", s) for s in dataset.events]
    return _run(_Options(store, limits, skip_invalid, progress, batch, home), sources)
