"""Training a home in a child process, so that the server's request threads never wait on it.

A training thread inside the server shares the interpreter lock with the request threads: on
the 100,000-item home of `benchmarks/serve_load.py` it held recommendations up to 1.4 s at a
time (0.23 s with a child process), and it added a second copy of the data to the server's
memory while it ran. The child is
``python -m semrec.api.train_process``: it reads the home and the settings as JSON on stdin,
trains (saving a new snapshot into the home's store) and prints the report as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from semrec.data.errors import SemrecError
from semrec.data.settings import Settings
from semrec.store.home_lock import TRAIN_LOCK, HomeLock

__all__ = ["main", "train_in_child"]


def _environment() -> dict[str, str]:
    """This environment, with the folder this `semrec` was imported from first on the path."""
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}


def train_in_child(home: Path, settings: Settings) -> dict[str, Any]:
    """Train `home` with `settings` in a child process; returns the report as plain data.

    A training error is raised here as a `SemrecError` carrying the child's message.
    """
    request = json.dumps({"home": str(home), "settings": settings.model_dump(mode="json")})
    done = subprocess.run(
        [sys.executable, "-m", "semrec.api.train_process"],
        input=request,
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
    )
    try:
        answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise SemrecError(f"the training process failed: {tail[0]}") from None
    if "error" in answer:
        raise SemrecError(str(answer["error"]))
    return answer


def main() -> None:
    """The child: read the request, train, print the report (or the error) as one JSON line."""
    from semrec.service import Recommender

    request = json.loads(sys.stdin.read())
    try:
        settings = Settings.from_mapping(request["settings"])
        home = Path(request["home"])
        # One training of a home at a time: other server workers may ask for one too.
        with HomeLock(home / TRAIN_LOCK), Recommender.open(home, settings) as rec:
            answer = rec.train().to_dict()
    except SemrecError as exc:
        answer = {"error": str(exc)}
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
