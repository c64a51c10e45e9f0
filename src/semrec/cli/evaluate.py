"""`semrec eval`: evaluate semrec and its peers on a data set, write a report with plots."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from semrec.cli.main import app
from semrec.data.errors import ValidationError
from semrec.evaluation.loading import data_from_home, load_dataset, load_files
from semrec.evaluation.protocols import PROTOCOLS
from semrec.evaluation.report import write_report
from semrec.evaluation.suite import SYSTEM_NAMES, run_evaluation
from semrec.evaluation.systems.base import EvalData
from semrec.service import Recommender


def _data(
    dataset: str | None,
    path: Path | None,
    meta: Path | None,
    home: Path | None,
    events: Path | None,
    items: Path | None,
) -> EvalData:
    if dataset is not None:
        if path is None:
            raise ValidationError("--path", None, f"the folder or file of data set {dataset}")
        return load_dataset(dataset, path, meta)
    if events is not None:
        return load_files(events, items)
    if home is not None:
        with Recommender.open(home) as rec:
            return data_from_home(rec, home.name)
    raise ValidationError(
        "--dataset", None, "one of --dataset NAME --path P, --events FILE or --home DIR"
    )


@app.command("eval")
def evaluate(
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="A named public data set, e.g. ml-100k.")
    ] = None,
    path: Annotated[
        Path | None, typer.Option("--path", help="The data set's folder or file.")
    ] = None,
    meta: Annotated[Path | None, typer.Option("--meta", help="Amazon metadata (items).")] = None,
    home: Annotated[
        Path | None, typer.Option("--home", help="Evaluate on a semrec home's data.")
    ] = None,
    events: Annotated[
        Path | None, typer.Option("--events", help="An events file to evaluate on.")
    ] = None,
    items: Annotated[
        Path | None, typer.Option("--items", help="Its items file (optional).")
    ] = None,
    protocols: Annotated[
        list[str] | None,
        typer.Option(
            "--protocol", help=f"Repeatable: {', '.join(PROTOCOLS)}. Default: temporal, replay."
        ),
    ] = None,
    systems: Annotated[
        list[str] | None,
        typer.Option("--system", help=f"Repeatable: {', '.join(SYSTEM_NAMES)}. Default: all."),
    ] = None,
    ks: Annotated[
        list[int] | None, typer.Option("-k", help="Cut-offs (repeatable). Default 5 10 20.")
    ] = None,
    seeds: Annotated[
        int, typer.Option("--seeds", help="Seeds for seeded protocols (random-75).")
    ] = 3,
    tune: Annotated[
        bool, typer.Option("--tune/--no-tune", help="Tune every system on a validation split.")
    ] = True,
    max_requests: Annotated[
        int, typer.Option("--max-requests", help="Replay: requests sampled.")
    ] = 2000,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for report.md, results.json, plots.")
    ] = Path("eval-report"),
) -> None:
    """Evaluate semrec and its peers under honest protocols: report.md, results.json, plots."""
    data = _data(dataset, path, meta, home, events, items)
    results = run_evaluation(
        data,
        protocols or ["temporal", "replay"],
        systems or list(SYSTEM_NAMES),
        ks or [5, 10, 20],
        seeds,
        tune,
        max_requests,
    )
    results["command"] = "semrec " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    report = write_report(results, out)
    typer.echo(f"wrote {report}")
