"""Background training for `POST /admin/train`: one run at a time, requests coalesce."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from semrec.api.handle import ServiceHandle
from semrec.api.metrics import ApiMetrics
from semrec.data.errors import SemrecError

__all__ = ["BackgroundTrainer", "TrainStatus"]

log = logging.getLogger("semrec.api")


@dataclass(frozen=True)
class TrainStatus:
    """Where background training stands, and what the last run did."""

    state: str
    queued: bool
    runs: int
    started_at: float | None
    finished_at: float | None
    report: dict[str, Any] | None
    error: str | None


class BackgroundTrainer:
    """Runs `ServiceHandle.train` in a thread; a request during a run queues one more run."""

    def __init__(self, handle: ServiceHandle, metrics: ApiMetrics) -> None:
        self._handle = handle
        self._metrics = metrics
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._state = "idle"
        self._queued = False
        self._runs = 0
        self._started: float | None = None
        self._finished: float | None = None
        self._report: dict[str, Any] | None = None
        self._error: str | None = None

    def request(self) -> TrainStatus:
        """Start a run, or queue one behind the running one; returns the new status."""
        with self._cv:
            if self._state == "running":
                self._queued = True
            else:
                self._set_state("running")
                self._thread = threading.Thread(target=self._loop, name="semrec-train", daemon=True)
                self._thread.start()
            self._metrics.training_queued.set(int(self._queued))
            return self.status()

    def status(self) -> TrainStatus:
        """The current status."""
        with self._cv:
            return TrainStatus(
                self._state,
                self._queued,
                self._runs,
                self._started,
                self._finished,
                self._report,
                self._error,
            )

    def wait(self, timeout: float | None = None) -> TrainStatus:
        """Block until no run is going or queued (or `timeout` seconds passed)."""
        with self._cv:
            self._cv.wait_for(lambda: self._state != "running", timeout)
            return self.status()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the training thread to end (at shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _set_state(self, state: str) -> None:
        self._state = state
        if state == "running":
            self._started = time.time()
        self._metrics.set_training_state(state)

    def _loop(self) -> None:
        while True:
            report, error = self._run_once()
            with self._cv:
                self._runs += 1
                self._finished = time.time()
                if report is not None:
                    self._report, self._error = report, None
                else:
                    self._error = error
                if self._queued:
                    self._queued = False
                    self._metrics.training_queued.set(0)
                    self._set_state("running")
                    continue
                self._set_state("succeeded" if report is not None else "failed")
                self._cv.notify_all()
                return

    def _run_once(self) -> tuple[dict[str, Any] | None, str | None]:
        try:
            return self._handle.train(), None
        except SemrecError as exc:
            log.warning("training failed: %s", exc)
            return None, str(exc)
        except Exception:
            log.exception("training failed")
            return None, "internal error (logged on the server)"
