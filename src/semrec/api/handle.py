"""`ServiceHandle`: the one door from request threads to the (not thread-safe) `Recommender`."""

from __future__ import annotations

import gc
import inspect
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from semrec.api.errors import ApiError
from semrec.api.metrics import ApiMetrics
from semrec.api.train_process import train_in_child
from semrec.data.records import Recommendation
from semrec.service import IngestReport, Recommender
from semrec.store.home_lock import WRITE_LOCK, HomeLock

__all__ = ["ServiceHandle"]

T = TypeVar("T")
log = logging.getLogger("semrec.api")
_SESSIONS = "session_id" in inspect.signature(Recommender.recommend).parameters
#: Who warms up an empty store (no user yet): an id no one has.
_WARM_UP_USER = "semrec-warm-up"


class ServiceHandle:
    """Serialises service calls behind one lock and tracks the served model version.

    Training runs outside the lock: a second `Recommender` on the same home fits and saves in
    a child process, then the serving one loads the result under the lock.
    """

    def __init__(self, recommender: Recommender, metrics: ApiMetrics | None = None) -> None:
        self.recommender = recommender
        self._metrics = metrics
        self._lock = threading.Lock()
        self._warm = threading.Event()
        self._version: int | None = None
        self._set_version(recommender.model_version)

    def call(self, fn: Callable[[Recommender], T]) -> T:
        """Run `fn` on the recommender while holding the lock."""
        with self._lock:
            return fn(self.recommender)

    async def short(self, fn: Callable[[Recommender], T]) -> T:
        """`call` for a short request (a read, a small batch of events), awaited on the loop.

        When the lock is free, `fn` runs right here on the loop: the recommender is serialised
        by the lock anyway, so a worker thread would add a hand-off (a sixth of a worker's CPU
        per recommendation under load) and no concurrency; parallelism comes from server
        processes (`semrec serve --workers`). Short requests then run one after another in
        arrival order. When the lock is held (a long write, a model swap), the call waits for
        it in a worker thread, so the loop never blocks on the lock. So does a call that would
        first rebuild the catalog view or language index (items were edited here or by another
        process): seconds at a million items, during which the loop could not even answer
        `/health/live`.
        """
        if self._lock.acquire(blocking=False):
            try:
                with self.recommender.catalog_built() as built:
                    if built:
                        return fn(self.recommender)
            finally:
                self._lock.release()
        return await run_in_threadpool(self.call, fn)

    async def ingest(
        self, events: Sequence[Mapping[str, Any]], *, skip_invalid: bool, short: bool
    ) -> IngestReport:
        """`Recommender.ingest` of a `short` batch on the loop while the home's write lock is
        free; of a long batch in a worker thread, under this handle's lock.

        A short batch that finds the write lock held (another worker's commit, a large import)
        is stored from a worker thread without this handle's lock (`Recommender.record` touches
        only the thread-safe store, and the next request catches up with it): while it waits,
        this worker goes on answering reads. A long batch keeps the lock, since its transaction
        holds the store's connection and reads on the loop would wait for it there.
        """
        rec = self.recommender

        def ingest(r: Recommender) -> IngestReport:
            return r.ingest(events, skip_invalid=skip_invalid)

        if not short:
            return await run_in_threadpool(self.call, ingest)
        if rec.home is None or HomeLock(rec.home / WRITE_LOCK).free():
            return await self.short(ingest)
        return await run_in_threadpool(rec.record, events, skip_invalid=skip_invalid)

    async def recommend(
        self,
        user_id: str,
        *,
        k: int,
        exclude_seen: bool,
        filters: Mapping[str, Any],
        query: str | None,
        session_id: str | None,
        options: Mapping[str, Any] | None = None,
    ) -> list[Recommendation]:
        """`Recommender.recommend` under the lock; `session_id` only where it is understood.

        `options` are its keyword-only re-ranking arguments (rules, diversity, category_cap,
        objective, locale), passed as they are. A request without `query` is `short`; one
        with a query encodes text, so it runs in a worker thread.
        """
        extra: dict[str, Any] = dict(options or {})
        if session_id is not None:
            if not _SESSIONS:
                raise ApiError(501, "not_implemented", "session_id is not supported yet")
            extra["session_id"] = session_id

        def recommend(rec: Recommender) -> list[Recommendation]:
            return rec.recommend(user_id, k, exclude_seen, filters or None, query=query, **extra)

        if query is not None:
            return await run_in_threadpool(self.call, recommend)
        return await self.short(recommend)

    @property
    def model_version(self) -> int | None:
        """Version of the snapshot being served, None before the first training."""
        return self._version

    def _set_version(self, version: Any) -> None:
        self._version = version if isinstance(version, int) else None
        if self._metrics is not None:
            self._metrics.model_version.set(self._version or 0)

    def train(self) -> dict[str, Any]:
        """Fit every configured model and serve the new snapshot; returns the report.

        A home is trained in a child process (`train_in_child`), then its snapshot is loaded
        under the lock; an in-memory recommender trains in place, under the lock.
        """
        rec = self.recommender
        if rec.home is None:
            with self._lock:
                report = rec.train().to_dict()
            self._set_version(report["version"])
            return report
        report = train_in_child(rec.home, rec.settings)
        if self.reload() is None:
            self._set_version(report["version"])
        return report

    def reload(self) -> int | None:
        """Serve the store's served snapshot now; returns its version.

        It is restored outside the lock (reads go on meanwhile), then swapped in under it.
        """
        loaded = self.recommender.restore_snapshot()
        with self._lock:
            self.recommender.swap_snapshot(loaded)
            version = self.recommender.model_version
        _freeze_heap()
        self._set_version(version)
        return self._version

    def last_seq(self) -> int:
        """The arrival number of the newest event in the home's log (any writer)."""
        return self.recommender.store.last_seq()

    def stored_version(self) -> int | None:
        """The version the store says to serve (changed by `semrec train` or `rollback`)."""
        return self.recommender.store.served_version()

    def warm_up(self) -> None:
        """Build now what the first requests would build (catalog view, live state, caches)."""
        try:
            with self._lock:
                rec = self.recommender
                rec.recommend(next((u for u in rec.store.user_ids() if u), _WARM_UP_USER), 1)
                item = next((i for i in rec.store.item_ids() if i), None)
                if item is not None:
                    rec.similar(item, 1)
        except Exception as exc:  # nothing to warm (no snapshot yet) or a failing store
            log.info("warm-up skipped: %s", exc)
        finally:
            _freeze_heap()
            self._warm.set()

    def ready(self) -> bool:
        """A snapshot is served, warmed up, and the store answers."""
        if self._version is None or not self._warm.is_set():
            return False
        try:
            self.recommender.store.item_count()
        except Exception as exc:  # any failure of the store means "not ready"
            log.warning("store not ready: %s", exc)
            return False
        return True


def _freeze_heap() -> None:
    """Leave the long-lived objects built so far (catalog view, live state, models) out of
    the garbage collector's full passes, which otherwise walk all of them now and then in
    the middle of a request (a full pass took 113 ms in a server on 100,000 items, 14 ms
    with them frozen)."""
    gc.collect()
    gc.freeze()
