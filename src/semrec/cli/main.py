"""`semrec` command line: sample, import, train, recommend, search, similar, stats, ..."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from semrec.cli.output import fail, print_recommendations
from semrec.data.errors import SemrecError
from semrec.service import Recommender

app = typer.Typer(
    help="semrec: real-time recommendations that understand language.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(
    help="Import items, events or a named public data set.", no_args_is_help=True
)
app.add_typer(import_app, name="import")

DEFAULT_HOME = Path(os.environ.get("SEMREC_HOME", "semrec-home"))
Home = Annotated[Path, typer.Option("--home", help="The semrec home directory (env SEMREC_HOME).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _open(home: Path) -> Recommender:
    return Recommender.open(home)


@app.command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the sample shop into.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 42,
    items: Annotated[int, typer.Option("--items", help="Number of items.")] = 2000,
    users: Annotated[int, typer.Option("--users", help="Number of users.")] = 1000,
) -> None:
    """Generate a deterministic sample shop: items.jsonl, events.jsonl, users.jsonl."""
    from semrec.sample import write_sample

    paths = write_sample(out, seed=seed, n_items=items, n_users=users)
    typer.echo(f"wrote {paths.items}, {paths.events} and {paths.users}")


@app.command()
def train(home: Home = DEFAULT_HOME, as_json: AsJson = False) -> None:
    """Fit the configured models on every stored event and save a new snapshot."""
    with _open(home) as rec:
        report = rec.train(progress=not as_json)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    typer.echo(
        f"snapshot v{report.version}: {report.n_users} users, {report.n_items} items, "
        f"{report.n_events} events -> models {', '.join(report.models)} "
        f"in {report.seconds['total']:.2f}s"
    )
    for name, reason in report.skipped.items():
        typer.echo(f"skipped {name}: {reason}")
    if report.language:
        lang = report.language
        typer.echo(
            f"text: {lang['items_with_text']} item documents embedded with {lang['encoder']} "
            f"({lang['encoded']} encoded, {lang['cached']} from cache) in {lang['seconds']}s"
        )


@app.command()
def recommend(
    user: Annotated[str, typer.Argument(help="The user id.")],
    home: Home = DEFAULT_HOME,
    k: Annotated[int, typer.Option("-k", help="How many items.")] = 10,
    include_seen: Annotated[
        bool, typer.Option("--include-seen", help="Also recommend items the user already saw.")
    ] = False,
    filters: Annotated[
        str | None, typer.Option("--filters", help='JSON, e.g. {"category": "Audio"}.')
    ] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="What the user asks for, in words.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Recommend items for a user, with the reasons for each."""
    parsed: dict[str, Any] | None = json.loads(filters) if filters else None
    with _open(home) as rec:
        recs = rec.recommend(user, k=k, exclude_seen=not include_seen, filters=parsed, query=query)
        print_recommendations(rec, recs, as_json)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='What to find, e.g. "red shoes under 50".')],
    home: Home = DEFAULT_HOME,
    k: Annotated[int, typer.Option("-k", help="How many items.")] = 10,
    user: Annotated[
        str | None, typer.Option("--user", help="Personalise for this user id.")
    ] = None,
    filters: Annotated[
        str | None, typer.Option("--filters", help='JSON, e.g. {"max_price": 100}.')
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Search the catalog in English or Chinese; price, brand and category limits are kept."""
    parsed: dict[str, Any] | None = json.loads(filters) if filters else None
    with _open(home) as rec:
        print_recommendations(rec, rec.search(query, k=k, user_id=user, filters=parsed), as_json)


@app.command()
def similar(
    item: Annotated[str, typer.Argument(help="The item id.")],
    home: Home = DEFAULT_HOME,
    k: Annotated[int, typer.Option("-k", help="How many items.")] = 10,
    as_json: AsJson = False,
) -> None:
    """Items engaged with by the same people as ITEM."""
    with _open(home) as rec:
        print_recommendations(rec, rec.similar(item, k=k), as_json)


@app.command()
def stats(home: Home = DEFAULT_HOME) -> None:
    """Counts of items, users, events and the serving snapshot."""
    with _open(home) as rec:
        typer.echo(json.dumps(rec.stats(), indent=2, ensure_ascii=False))


@app.command("forget-user")
def forget_user(
    user: Annotated[str, typer.Argument(help="The user id.")], home: Home = DEFAULT_HOME
) -> None:
    """Delete a user and every event of theirs."""
    with _open(home) as rec:
        deleted = rec.forget_user(user)
    typer.echo(f"forgot user {user!r}: {deleted} events deleted")


def main() -> None:
    """Entry point: run the app, turning semrec errors into one clear line and exit code 2."""
    # imported to register their commands
    from semrec.cli import evaluate, importing, serve, snapshots  # noqa: F401

    try:
        app()
    except SemrecError as exc:
        fail(exc)
    except json.JSONDecodeError as exc:
        print(f"error: --filters is not valid JSON: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
