"""The app of one server worker, when `semrec serve --workers N` runs several processes.

uvicorn starts each worker as a fresh process that calls `app_from_environment`; the CLI
passes the home and the serving options in ``SEMREC_SERVE_WORKER`` (JSON). Each worker opens
its own `Recommender` on the home: the store (events, catalog, forgotten users, served
snapshot) is what they share, and each follows what the others write (see `LiveTracker`,
`CatalogState` and `TrainingSchedule`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from semrec.api.app import create_app
from semrec.service import Recommender
from semrec.store.api_keys import ApiKeyStore

__all__ = ["WORKER_ENV", "app_from_environment", "worker_options"]

#: Environment variable carrying a worker's options from `semrec serve`.
WORKER_ENV = "SEMREC_SERVE_WORKER"


def worker_options(
    home: Path, *, auth: bool, rate: float | None, burst: int, max_body: int, workers: int
) -> str:
    """The options of every worker, as the JSON put in ``SEMREC_SERVE_WORKER``.

    A key's rate limit is shared out: each of `workers` workers allows `rate / workers` per
    second (at least 1 in a burst), as the kernel spreads connections over them.
    """
    share = None if rate is None else rate / workers
    return json.dumps(
        {
            "home": str(home),
            "auth": auth,
            "rate": share,
            "burst": max(1, burst // workers),
            "max_body": max_body,
        }
    )


def app_from_environment() -> FastAPI:
    """The app of this worker, from ``SEMREC_SERVE_WORKER`` (a uvicorn app factory)."""
    options: dict[str, Any] = json.loads(os.environ[WORKER_ENV])
    home = Path(options["home"])
    rec = Recommender.open(home)
    keys = ApiKeyStore.open(home) if options["auth"] else None

    def close() -> None:
        if keys is not None:
            keys.close()
        rec.close()

    return create_app(
        rec,
        keys=keys,
        rate=options["rate"],
        burst=options["burst"],
        max_body=options["max_body"],
        on_shutdown=close,
    )
