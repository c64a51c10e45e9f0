"""Validate rows as they stream by: fail on the first bad row, or skip it and write it down.

`validated` turns (line, row) pairs into records. By default the first invalid row raises
`ImportFileError` naming the file and line, so the caller's transaction rolls back and nothing
is imported. With `skip_invalid` the row is counted, written with its reason to a
`RejectWriter` (a JSON Lines file beside the source by default) and the import goes on.
Malformed files (see `semrec.importers.formats`) always raise: a reader cannot go on after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Generic, TypeVar

from semrec.data.errors import ImportFileError, ValidationError

__all__ = ["RejectWriter", "Validated", "default_rejects_path", "validated"]

R = TypeVar("R")


def default_rejects_path(source: Path) -> Path:
    """Where the rejected rows of `source` go: ``<source>.rejected.jsonl`` beside it."""
    return source.with_name(source.name + ".rejected.jsonl")


class RejectWriter:
    """Writes rejected rows as JSON lines ``{"line", "field", "error", "row"}`` to `path`.

    The file is created (or replaced) only when the first row is rejected, so a clean import
    leaves no file behind. Use it as a context manager; `count` says how many were written.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file: IO[str] | None = None

    def write(self, line: int, error: ValidationError, row: Mapping[str, Any]) -> None:
        """Record that the row at `line` was rejected because of `error`."""
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8")
        entry = {"line": line, "field": error.field, "error": str(error), "row": row}
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    def close(self) -> None:
        """Flush and close the file, if one was opened."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> RejectWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Validated(Iterator[R], Generic[R]):
    """The records of validated rows, counting `accepted` and `rejected` rows as it goes."""

    def __init__(
        self,
        rows: Iterable[tuple[int, Mapping[str, Any]]],
        validate: Callable[[Mapping[str, Any]], R],
        path: str,
        skip_invalid: bool,
        rejects: RejectWriter | None,
    ) -> None:
        self.accepted = 0
        self.rejected = 0
        self._rows = iter(rows)
        self._validate = validate
        self._path = path
        self._skip = skip_invalid
        self._rejects = rejects

    def __iter__(self) -> Validated[R]:
        return self

    def __next__(self) -> R:
        for line, row in self._rows:
            try:
                record = self._validate(row)
            except ValidationError as exc:
                self._reject(line, row, exc)
                continue
            self.accepted += 1
            return record
        raise StopIteration

    def _reject(self, line: int, row: Mapping[str, Any], exc: ValidationError) -> None:
        if not self._skip:
            raise ImportFileError(self._path, line, exc.field, exc.value, exc.expected) from exc
        self.rejected += 1
        if self._rejects is not None:
            self._rejects.write(line, exc, row)


def validated(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    validate: Callable[[Mapping[str, Any]], R],
    path: str,
    skip_invalid: bool = False,
    rejects: RejectWriter | None = None,
) -> Validated[R]:
    """Validate each (line, row) with `validate`, yielding the records of the valid rows.

    An invalid row raises `ImportFileError(path, line, field, value, expected)` unless
    `skip_invalid`, in which case it is counted and written to `rejects` (when given) with
    its reason. The returned iterator's `accepted` and `rejected` attributes hold the counts.
    """
    return Validated(rows, validate, path, skip_invalid, rejects)
