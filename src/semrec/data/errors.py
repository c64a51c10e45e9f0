"""The one error tree of semrec: every error a caller can act on derives from `SemrecError`."""

from __future__ import annotations

from typing import Any

__all__ = [
    "EncoderError",
    "ImportFileError",
    "NotFittedError",
    "NotFoundError",
    "SemrecError",
    "SettingsError",
    "StoreError",
    "ValidationError",
]


def _show(value: Any, limit: int = 80) -> str:
    """A short, printable form of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class SemrecError(Exception):
    """Root of every error semrec raises on purpose."""


class ValidationError(SemrecError, ValueError):
    """An input value is not acceptable; names the field, the value and what was expected."""

    def __init__(self, field: str, value: Any, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: got {_show(value)}, expected {expected}")


class ImportFileError(ValidationError):
    """A row of an input file is malformed; names the file and line as well."""

    def __init__(self, path: str, line: int, field: str, value: Any, expected: str) -> None:
        self.path = path
        self.line = line
        super().__init__(field, value, expected)
        self.args = (f"{path}:{line}: {field}: got {_show(value)}, expected {expected}",)

    def __str__(self) -> str:
        return str(self.args[0])


class SettingsError(ValidationError):
    """A setting (file or SEMREC_* environment variable) is not acceptable."""


class NotFoundError(SemrecError, KeyError):
    """An id names nothing that exists."""

    def __init__(self, kind: str, ident: str) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"{kind} {ident!r} not found")

    def __str__(self) -> str:
        return str(self.args[0])


class NotFittedError(SemrecError, RuntimeError):
    """A model was asked to score before it was fitted; says what to call first."""

    def __init__(self, what: str, call_first: str = "fit()") -> None:
        super().__init__(f"{what} is not fitted yet: call {call_first} first")


class StoreError(SemrecError, RuntimeError):
    """Persistence failed (file unreadable, schema too new, disk full)."""


class EncoderError(SemrecError, RuntimeError):
    """A text encoder could not be loaded or reached."""
