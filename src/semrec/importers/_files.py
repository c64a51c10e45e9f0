"""Low-level file access shared by every reader: gzip, byte progress, per-line decoding."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from semrec.data.errors import ImportFileError, ValidationError

__all__ = ["FORMATS", "ProgressFn", "byte_lines", "detect_format", "text_lines"]

#: Called with the number of bytes of the file on disk read since the previous call.
ProgressFn = Callable[[int], None]

#: Format name -> the names a caller may give for it (file suffixes or `fmt`).
FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "csv": ("csv",),
    "jsonl": ("jsonl", "ndjson", "json"),
    "parquet": ("parquet", "pq"),
}
_BY_NAME: Final[dict[str, str]] = {
    alias: name for name, aliases in FORMATS.items() for alias in aliases
}
_GZIP_MAGIC: Final = b"\x1f\x8b"
_PROGRESS_EVERY: Final = 4096  # lines between two progress reports (a power of two)


def detect_format(path: Path, fmt: str | None = None) -> str:
    """The canonical format name ("csv", "jsonl" or "parquet") from `fmt` or the file name.

    A trailing ``.gz`` is ignored when looking at the file name.
    """
    name = fmt if fmt is not None else _suffix(path)
    found = _BY_NAME.get(name.lower().lstrip("."))
    if found is None:
        expected = "a format: one of " + ", ".join(sorted(_BY_NAME))
        raise ValidationError("format", name, expected)
    return found


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else path.name


def _open(path: Path) -> io.BufferedReader:
    try:
        return open(path, "rb")
    except OSError as exc:
        expected = f"a readable file ({exc.strerror})"
        raise ImportFileError(str(path), 0, "file", str(path), expected) from None


def byte_lines(path: Path, on_progress: ProgressFn | None = None) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, raw line) for each line of a plain or gzip-compressed file.

    Compression is recognised by the gzip magic bytes, not by the name. `on_progress` gets the
    compressed bytes consumed every few thousand lines and the rest at the end, so the reported
    bytes add up to the file size.
    """
    import gzip

    raw = _open(path)
    with raw:
        is_gzip = raw.peek(2)[:2] == _GZIP_MAGIC
        stream: io.BufferedIOBase = gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip else raw
        reported = 0
        number = 0
        try:
            for number, line in enumerate(stream, 1):
                yield number, line
                if on_progress is not None and not number % _PROGRESS_EVERY:
                    position = raw.tell()
                    on_progress(position - reported)
                    reported = position
        except (OSError, EOFError, zlib.error) as exc:
            raise ImportFileError(
                str(path), number + 1, "file", path.name, f"a complete, readable gzip file ({exc})"
            ) from None
        if on_progress is not None:
            on_progress(path.stat().st_size - reported)


def decode(path: Path, number: int, line: bytes, encoding: str = "utf-8") -> str:
    """A raw line as text, or an `ImportFileError` naming the line when it does not decode."""
    try:
        return line.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = line[max(exc.start - 10, 0) : exc.end + 10]
        raise ImportFileError(str(path), number, "line", bad, f"{encoding} text") from None


def text_lines(
    path: Path, encoding: str = "utf-8", on_progress: ProgressFn | None = None
) -> Iterator[tuple[int, str]]:
    """(1-based line number, decoded line without its line ending) for each line of a file."""
    for number, line in byte_lines(path, on_progress):
        yield number, decode(path, number, line, encoding).rstrip("\r\n")
