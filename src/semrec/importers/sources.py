"""What a data set reader returns: the files of a data set, each with a way to read its rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from semrec.data.errors import ImportFileError, ValidationError
from semrec.importers._files import ProgressFn

__all__ = ["Dataset", "RowsFn", "Source", "need_file", "split_line"]


class RowsFn(Protocol):
    """Reads one file: (1-based line number, record dict) pairs, with optional byte progress."""

    def __call__(
        self, on_progress: ProgressFn | None = None
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """Yield the rows of the file."""
        ...


class Source(NamedTuple):
    """One file of a data set: its path (for error messages) and how to read its rows."""

    path: Path
    rows: RowsFn


@dataclass(frozen=True, slots=True)
class Dataset:
    """The item files and event files of a data set; validate each with its own path."""

    items: list[Source] = field(default_factory=list)
    events: list[Source] = field(default_factory=list)


def need_file(folder: Path, name: str, dataset: str) -> Path:
    """`folder / name`, or a `ValidationError` saying the folder is not the data set."""
    path = folder / name
    if not path.is_file():
        raise ValidationError("path", str(folder), f"a {dataset} folder holding {name}")
    return path


def split_line(path: Path, number: int, line: str, sep: str, width: int) -> list[str]:
    """`line` split at `sep` into exactly `width` fields, or an `ImportFileError`."""
    cells = line.split(sep)
    if len(cells) != width:
        raise ImportFileError(
            str(path), number, "line", line, f"{width} fields separated by {sep!r}"
        )
    return cells
