"""`semrec serve` (the HTTP API under uvicorn) and `semrec keys create|list|revoke`."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from semrec.api import DEFAULT_BURST, DEFAULT_MAX_BODY, DEFAULT_RATE
from semrec.cli.main import DEFAULT_HOME, Home, app
from semrec.service import Recommender
from semrec.store import Store, open_store
from semrec.store.api_keys import SCOPES, ApiKey, ApiKeyStore

keys_app = typer.Typer(
    help="Create, list and revoke API keys of the HTTP API.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    home: Home = DEFAULT_HOME,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="No API keys: everything open (for local trials).")
    ] = False,
    rate: Annotated[
        float, typer.Option("--rate", help="Requests per second per key (0: unlimited).")
    ] = DEFAULT_RATE,
    burst: Annotated[
        int, typer.Option("--burst", help="Requests a key may burst.")
    ] = DEFAULT_BURST,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body in bytes.")
    ] = DEFAULT_MAX_BODY,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Server processes on the home (one per core): reads run side by side. Each "
            "holds its own copy of the models; a key's rate is shared out among them.",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs); needs an API key unless --no-auth."""
    import uvicorn

    from semrec.api import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if no_auth:
        typer.secho("WARNING: --no-auth: the API is open to anyone", err=True, fg="red")
    if workers > 1:
        _serve_workers(home, host, port, no_auth, rate, burst, max_body, log_level, workers)
        return
    keys = None if no_auth else ApiKeyStore.open(home)
    try:
        with Recommender.open(home) as rec:
            api = create_app(rec, keys=keys, rate=rate or None, burst=burst, max_body=max_body)
            typer.echo(how_to_query(rec.store, f"http://{host}:{port}", home, auth=not no_auth))
            uvicorn.run(api, host=host, port=port, log_level=log_level)
    finally:
        if keys is not None:
            keys.close()


def _serve_workers(
    home: Path,
    host: str,
    port: int,
    no_auth: bool,
    rate: float,
    burst: int,
    max_body: int,
    log_level: str,
    workers: int,
) -> None:
    """`workers` server processes on the home (`semrec.api.workers.serve_workers`)."""
    from semrec.api.app import require_active_key
    from semrec.api.workers import serve_workers, worker_options

    if not no_auth:
        with closing(ApiKeyStore.open(home)) as keys:
            require_active_key(keys)  # here, before any worker starts and fails on it
    with closing(open_store(home)) as store:
        typer.echo(how_to_query(store, f"http://{host}:{port}", home, auth=not no_auth))
    options = worker_options(
        home, auth=not no_auth, rate=rate or None, burst=burst, max_body=max_body,
        workers=workers,
    )  # fmt: skip
    metrics_dir = tempfile.mkdtemp(prefix="semrec-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # read by each new worker
    try:
        serve_workers(options, host, port, workers, log_level)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def how_to_query(store: Store, base: str, home: Path, *, auth: bool) -> str:
    """curl commands for a user and an item of this home (`$KEY` holds a key when `auth`)."""
    user = next((u for u in store.user_ids() if u), "some-user")
    item = next((i for i in store.item_ids() if i), "some-item")
    header = '-H "Authorization: Bearer $KEY" ' if auth else ""
    click = {"user_id": user, "item_id": item, "type": "click", "timestamp": int(time.time())}
    event = json.dumps({"events": [click]})
    lines = [f"semrec API on {base} (OpenAPI docs: {base}/docs). Query it:"]
    if auth:
        make = f"semrec keys create --scope admin --home {home}"
        lines.append(f"  # with an API key in $KEY; make one with: {make}")
    lines += [
        f"  curl {header}'{base}/users/{user}/recommendations?k=5'",
        f"  curl {header}'{base}/items/{item}/similar?k=5'",
        f"  curl {header}-H 'Content-Type: application/json' -d '{event}' {base}/events",
        f"  curl {base}/health/ready",
    ]
    return "\n".join(lines)


def _describe(key: ApiKey) -> str:
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(key.created_at))
    state = "active" if key.active else "revoked"
    return f"{key.key_id}  {','.join(sorted(key.scopes)):<18} {state:<8} {created}  {key.name}"


@keys_app.command("create")
def create_key(
    scope: Annotated[
        list[str], typer.Option("--scope", help=f"One of {', '.join(SCOPES)} (repeatable).")
    ],
    home: Home = DEFAULT_HOME,
    name: Annotated[str, typer.Option("--name", help="A note on who uses the key.")] = "",
) -> None:
    """Create a key and print it once: only its hash is stored."""
    with closing(ApiKeyStore.open(home)) as store:
        key, record = store.create(scope, name)
    typer.echo(key)
    typer.echo(f"created key {record.key_id}; it is not shown again", err=True)


@keys_app.command("list")
def list_keys(home: Home = DEFAULT_HOME) -> None:
    """List keys (ids, scopes, state; never the keys themselves)."""
    with closing(ApiKeyStore.open(home)) as store:
        for key in store.list_keys():
            typer.echo(_describe(key))


@keys_app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `keys list`.")],
    home: Home = DEFAULT_HOME,
) -> None:
    """Revoke a key: requests with it are refused from now on (401)."""
    with closing(ApiKeyStore.open(home)) as store:
        typer.echo(f"revoked {_describe(store.revoke(key_id))}")
