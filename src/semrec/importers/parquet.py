"""Parquet files read batch by batch through pyarrow (imported only when a file is read)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from semrec.data.errors import ImportFileError
from semrec.importers._columns import Kind, plan_columns
from semrec.importers._files import ProgressFn

__all__ = ["read_parquet"]

_BATCH_ROWS: Final = 8192


def _open(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise ImportFileError(str(path), 0, "file", path.name, f"a Parquet file ({exc})") from None


def read_parquet(
    path: Path, kind: Kind, rename: Mapping[str, str], on_progress: ProgressFn | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Records of a Parquet file, numbered by 1-based row index, one row group at a time.

    `rename` maps source column names to canonical keys. `on_progress` gets each row group's
    compressed size once it is read, and the rest of the file (footer) at the end.
    """
    parquet = _open(path)
    plan = plan_columns(path, kind, parquet.schema_arrow.names, rename, line=0)
    number = 0
    reported = 0
    for group in range(parquet.num_row_groups):
        for columns in _batches(path, parquet, group, number + 1):
            for cells in zip(*columns, strict=True):
                number += 1
                yield number, plan.row(cells)
        if on_progress is not None:
            size = _group_bytes(parquet.metadata.row_group(group))
            on_progress(size)
            reported += size
    if on_progress is not None:
        on_progress(max(path.stat().st_size - reported, 0))


def _batches(path: Path, parquet: Any, group: int, first_row: int) -> Iterator[list[list[Any]]]:
    """The columns of each batch of one row group as Python lists."""
    import pyarrow as pa

    try:
        for batch in parquet.iter_batches(batch_size=_BATCH_ROWS, row_groups=[group]):
            yield [column.to_pylist() for column in batch.columns]
    except (OSError, pa.ArrowException) as exc:
        expected = f"a readable Parquet row group ({exc})"
        raise ImportFileError(str(path), first_row, "file", path.name, expected) from None


def _group_bytes(group: Any) -> int:
    return sum(group.column(i).total_compressed_size for i in range(group.num_columns))
