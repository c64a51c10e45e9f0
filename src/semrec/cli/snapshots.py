"""`semrec snapshots` (the kept model snapshots) and `semrec rollback` (serve an earlier one).

Both work on the store alone, so they are quick and safe beside a running server: the
server notices the changed served version within `serve.check_interval_s` and loads it.
"""

from __future__ import annotations

import json
import time
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from semrec.cli.main import DEFAULT_HOME, AsJson, Home, app
from semrec.data.errors import NotFoundError
from semrec.data.settings import Settings, load_settings
from semrec.store import DB_FILE, SnapshotInfo, Store, open_store

__all__ = ["list_snapshots", "previous_version", "rollback"]


def _open_existing(home: Path) -> tuple[Store, Settings]:
    """The store of an existing home (never creates one) and the home's settings."""
    if not (home / DB_FILE).is_file():
        raise NotFoundError("semrec home", str(home))
    settings = load_settings(home)
    store = open_store(home, settings.store.synchronous, settings.train.keep_snapshots)
    return store, settings


def previous_version(kept: list[SnapshotInfo], served: int) -> int:
    """The newest kept version older than `served` (`NotFoundError` when none is kept)."""
    older = [info.version for info in kept if info.version < served]
    if not older:
        raise NotFoundError(
            "snapshot", f"older than v{served} (train.keep_snapshots limits how many are kept)"
        )
    return max(older)


def _describe(info: SnapshotInfo, served: int | None) -> str:
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.created_at))
    models = ", ".join(info.meta.get("params", {})) or "-"
    mark = "*" if info.version == served else " "
    return f"{mark} v{info.version:<6} {created}  {models}"


@app.command("snapshots")
def list_snapshots(home: Home = DEFAULT_HOME, as_json: AsJson = False) -> None:
    """List the kept model snapshots, newest first; `*` marks the served one."""
    store, _ = _open_existing(home)
    with closing(store):
        served, kept = store.served_version(), store.snapshot_versions()
    if as_json:
        rows = [
            {"version": i.version, "created_at": i.created_at, "served": i.version == served}
            for i in kept
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    for info in kept:
        typer.echo(_describe(info, served))


@app.command()
def rollback(
    home: Home = DEFAULT_HOME,
    to: Annotated[
        int | None,
        typer.Option("--to", help="The version to serve (default: the one before the served)."),
    ] = None,
) -> None:
    """Serve an earlier kept snapshot; a running server switches to it within seconds.

    The next training (scheduled, `POST /admin/train` or `semrec train`) is served again.
    """
    store, settings = _open_existing(home)
    with closing(store):
        served = store.served_version()
        if served is None:
            raise NotFoundError("snapshot", "to roll back from (run semrec train first)")
        target = previous_version(store.snapshot_versions(), served) if to is None else to
        store.select_snapshot(target)
    typer.echo(
        f"serving snapshot v{target} (was v{served}); a running server loads it within "
        f"{settings.serve.check_interval_s:g}s"
    )
