"""Several server processes on one home: `semrec serve --workers N`.

`serve_workers` starts N worker processes and restarts any that dies. Each worker opens its own
`Recommender` on the home and listens on its own socket bound with ``SO_REUSEPORT``, so the
kernel spreads new connections evenly over the workers. (With uvicorn's own workers, which
share one socket, the first worker to wake accepted a whole burst of new connections: 16
clients then all queued on one process while the other idled.) The store (events, catalog,
forgotten users, served snapshot) is what the workers share; each follows what the others
write (see `LiveTracker`, `CatalogState` and `TrainingSchedule`).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from semrec.api.app import create_app
from semrec.data.errors import SemrecError
from semrec.service import Recommender
from semrec.store.api_keys import ApiKeyStore

__all__ = ["serve_workers", "worker_app", "worker_options"]

log = logging.getLogger("semrec.api")

#: A worker that exits sooner than this after its start failed to start: no restart loop.
_STARTUP_S = 20.0


def worker_options(
    home: Path, *, auth: bool, rate: float | None, burst: int, max_body: int, workers: int
) -> dict[str, Any]:
    """The options of every worker (plain data, sent to each new process).

    A key's rate limit is shared out: each of `workers` workers allows `rate / workers` per
    second (at least 1 in a burst), as the kernel spreads connections evenly over them.
    """
    return {
        "home": str(home),
        "auth": auth,
        "rate": None if rate is None else rate / workers,
        "burst": max(1, burst // workers),
        "max_body": max_body,
    }


def worker_app(options: dict[str, Any]) -> FastAPI:
    """The app of one worker: its own recommender and key store on the home."""
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


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def run_worker(options: dict[str, Any], host: str, port: int, log_level: str) -> None:
    """Entry of one worker process: bind its own socket, serve until told to stop."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sock = _listening_socket(host, port)
    config = uvicorn.Config(worker_app(options), log_level=log_level, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(
    options: dict[str, Any], host: str, port: int, workers: int, log_level: str
) -> None:
    """Run `workers` worker processes on host:port until SIGINT or SIGTERM.

    A worker that dies is replaced; one that exits within its first seconds (a port in use,
    an unreadable home) stops them all with a `SemrecError`.
    """
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start() -> tuple[Any, float]:
        process = context.Process(
            target=run_worker, args=(options, host, port, log_level), name="semrec-worker"
        )
        process.start()
        return process, time.monotonic()

    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    running: list[tuple[Any, float]] = []
    try:
        running = [start() for _ in range(workers)]
        while not stop.wait(0.5):
            for n, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if time.monotonic() - started < _STARTUP_S:
                    raise SemrecError(
                        f"a server worker failed to start (exit code {process.exitcode}); "
                        "see its log above"
                    )
                log.warning(
                    "worker %s exited (%s); starting another", process.pid, process.exitcode
                )
                running[n] = start()
    finally:
        for process, _ in running:
            process.terminate()  # SIGTERM: uvicorn's graceful shutdown
        for process, _ in running:
            process.join(30)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
