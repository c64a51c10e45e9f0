"""When the server trains on its own, and how it follows snapshots chosen by other processes.

`TrainingSchedule` asks the `BackgroundTrainer` for a run every `serve.train_interval_s`
seconds and once `serve.train_every_events` new events were appended to the home's event log
(through this server, another worker or the CLI). Every `serve.check_interval_s` seconds it
also compares the store's served snapshot version with the one in memory: when another worker,
`semrec train` or `semrec rollback` changed it, the server loads that snapshot (the same swap
under the handle's lock as after its own training).

Several server workers on one home (`semrec serve --workers N`) all follow the store, but only
the one holding the home's schedule lock starts scheduled runs (another takes over if it dies).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from semrec.api.handle import ServiceHandle
from semrec.api.metrics import ApiMetrics
from semrec.api.training import BackgroundTrainer
from semrec.data.settings import ServeSettings
from semrec.store.home_lock import SCHEDULE_LOCK, HomeLock

__all__ = ["TrainingSchedule"]

log = logging.getLogger("semrec.api")


class TrainingSchedule:
    """Timed and event-count training triggers, and following the store's served snapshot."""

    def __init__(
        self,
        handle: ServiceHandle,
        trainer: BackgroundTrainer,
        settings: ServeSettings,
        metrics: ApiMetrics,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._handle = handle
        self._trainer = trainer
        self._settings = settings
        self._metrics = metrics
        self._clock = clock
        self._lock = threading.Lock()
        home = handle.recommender.home
        self._owner = None if home is None else HomeLock(home / SCHEDULE_LOCK)
        self._mark = handle.last_seq()
        self._last_start = clock()
        self._unloadable: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the checking thread (once)."""
        if self._thread is None:
            self._handle.recommender.store.defer_checkpoints()  # each `tick` checkpoints
            self._thread = threading.Thread(target=self._loop, name="semrec-schedule", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop the checking thread; a training run already started goes on (see `join`)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._owner is not None:
            self._owner.release()

    @property
    def schedules(self) -> bool:
        """Whether this server starts scheduled runs (it holds the home's schedule lock)."""
        return self._owner is None or self._owner.acquire(wait=False)

    def _pending(self) -> int:
        return max(0, self._handle.last_seq() - self._mark)

    def note_events(self, accepted: int) -> None:
        """Events were accepted here: start a training run if enough new ones were logged."""
        if accepted > 0:
            self._count_events()

    def _count_events(self) -> None:
        every = self._settings.train_every_events
        if every is None or not self.schedules:
            return
        with self._lock:
            pending = self._pending()
            due = pending >= every
            if due:
                self._mark += pending
            self._metrics.pending_events.set(0 if due else pending)
        if due:
            self._start_training(f"{every} new events")

    def tick(self) -> None:
        """One check: checkpoint the store's log (off the request path), follow the store's
        served snapshot, then start a run if one is due."""
        self._handle.recommender.store.checkpoint()
        self._follow_store()
        self._count_events()  # events written by other workers or the CLI
        interval = self._settings.train_interval_s
        if interval is None or self._trainer.status().state == "running" or not self.schedules:
            return
        if self._clock() - self._last_start >= interval:
            self._start_training(f"every {interval:g}s")

    def describe(self) -> dict[str, Any]:
        """The schedule's settings and the events counted towards the next run."""
        with self._lock:
            pending = self._pending() if self._settings.train_every_events else 0
        return {
            "train_interval_s": self._settings.train_interval_s,
            "train_every_events": self._settings.train_every_events,
            "pending_events": pending,
        }

    def _start_training(self, why: str) -> None:
        log.info("scheduled training (%s)", why)
        self._last_start = self._clock()
        self._trainer.request()

    def _follow_store(self) -> None:
        """Serve the store's served snapshot when another process changed which one it is."""
        if self._trainer.status().state == "running":
            return  # the run swaps in its own snapshot when it ends
        try:
            stored = self._handle.stored_version()
        except Exception as exc:  # a busy or failing store: try again at the next tick
            log.warning("cannot read the served snapshot version: %s", exc)
            return
        if stored is None or stored in (self._handle.model_version, self._unloadable):
            return
        serving = self._handle.model_version
        try:
            served = self._handle.reload()
        except Exception:
            log.exception("cannot load snapshot v%s; still serving v%s", stored, serving)
            self._unloadable = stored
            return
        log.info("now serving snapshot v%s, chosen in the store", served)

    def _loop(self) -> None:
        while not self._stop.wait(self._settings.check_interval_s):
            try:
                self.tick()
            except Exception:  # the thread must outlive any one bad tick
                log.exception("training schedule check failed")
