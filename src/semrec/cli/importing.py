"""`semrec import items|events|dataset`: load files into a semrec home."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from semrec.cli.main import DEFAULT_HOME, Home, import_app
from semrec.data.errors import ValidationError
from semrec.service import Recommender
from semrec.service.importing import ImportReport

Format = Annotated[
    str | None, typer.Option("--format", help="csv, jsonl or parquet (default: from the name).")
]
Mapping = Annotated[
    list[str] | None,
    typer.Option("--map", help="FIELD=COLUMN, e.g. --map user_id=customer (repeatable)."),
]
SkipInvalid = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Import the valid rows; write rejected rows with reasons to FILE.rejected.jsonl.",
    ),
]
File = Annotated[Path, typer.Argument(help="The file to import.", exists=True, dir_okay=False)]


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field or not column:
            raise ValidationError("--map", pair, "FIELD=COLUMN")
        out[field.strip()] = column.strip()
    return out


def _say(report: ImportReport) -> None:
    line = f"{report.path}: {report.accepted} {report.kind} imported"
    if report.duplicates:
        line += f", {report.duplicates} duplicates skipped"
    if report.rejected:
        line += f", {report.rejected} rejected (see {report.rejects_path})"
    typer.echo(line)


def _import(
    home: Path,
    path: Path,
    kind: str,
    fmt: str | None,
    mapping: list[str] | None,
    skip_invalid: bool,
) -> None:
    with Recommender.open(home) as rec:
        _say(
            rec.import_file(
                path,
                kind,
                fmt=fmt,
                mapping=_mapping(mapping),
                skip_invalid=skip_invalid,
                progress=True,
            )
        )


@import_app.command("items")
def import_items(
    file: File,
    home: Home = DEFAULT_HOME,
    fmt: Format = None,
    mapping: Mapping = None,
    skip_invalid: SkipInvalid = False,
) -> None:
    """Import catalog items from CSV, JSON Lines (.jsonl/.jsonl.gz) or Parquet."""
    _import(home, file, "items", fmt, mapping, skip_invalid)


@import_app.command("events")
def import_events(
    file: File,
    home: Home = DEFAULT_HOME,
    fmt: Format = None,
    mapping: Mapping = None,
    skip_invalid: SkipInvalid = False,
) -> None:
    """Import events from CSV, JSON Lines (.jsonl/.jsonl.gz) or Parquet."""
    _import(home, file, "events", fmt, mapping, skip_invalid)


@import_app.command("dataset")
def import_dataset(
    name: Annotated[
        str, typer.Argument(help="ml-100k, ml-1m, ml-latest, amazon-2014, amazon-2018")
    ],
    path: Annotated[
        Path, typer.Argument(help="The data set's folder or reviews file.", exists=True)
    ],
    home: Home = DEFAULT_HOME,
    meta: Annotated[
        Path | None, typer.Option("--meta", help="Amazon metadata file (items).", exists=True)
    ] = None,
    skip_invalid: SkipInvalid = False,
) -> None:
    """Import a named public data set."""
    with Recommender.open(home) as rec:
        for report in rec.import_dataset(
            name, path, meta=meta, skip_invalid=skip_invalid, progress=True
        ):
            _say(report)
