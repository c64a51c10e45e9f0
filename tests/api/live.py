"""Helpers for the API tests: a real uvicorn server in a thread, and reading /metrics."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from semrec.sample import SampleData

#: Fast, deterministic text features: the tests are about HTTP, not language models.
SETTINGS: dict[str, Any] = {"text": {"encoder": "hashing"}}
MAX_BODY = 256 * 1024


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free 127.0.0.1 port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def wait_ready(url: str, timeout: float = 30.0) -> None:
    """Wait until the server at `url` says it is ready (snapshot served and warmed up)."""
    deadline = time.monotonic() + timeout
    while httpx.get(f"{url}/health/ready").status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} was not ready within {timeout} s")
        time.sleep(0.02)


@dataclass
class Shop:
    """The live server of the session: its URL, home, sample data and API keys by role."""

    url: str
    home: Path
    data: SampleData
    keys: dict[str, str]
    key_ids: dict[str, str] = field(default_factory=dict)

    def client(self, role: str | None = None, *, header: str = "bearer") -> httpx.Client:
        """An HTTP client sending the key of `role` (none when `role` is None)."""
        headers: dict[str, str] = {}
        if role is not None:
            key = self.keys[role]
            headers = (
                {"Authorization": f"Bearer {key}"} if header == "bearer" else {"X-API-Key": key}
            )
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def metric(text: str, name: str, **labels: str) -> float:
    """The value of the sample `name` with exactly these labels in Prometheus text (0.0: absent)."""
    for line in text.splitlines():
        head, _, value = line.rpartition(" ")
        sample, _, rest = head.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if sample == name and found == labels:
            return float(value)
    return 0.0
