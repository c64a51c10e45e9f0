"""`Recommender`: the one object that the CLI, the API and the UI call."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import scipy.sparse as sp

from semrec.data.errors import NotFittedError, NotFoundError, ValidationError
from semrec.data.records import Event, Item, Recommendation
from semrec.data.settings import Settings, load_settings
from semrec.data.validation import validate_event, validate_id, validate_item
from semrec.models import restore_model, user_history_row
from semrec.service.catalog_view import CatalogView
from semrec.service.importing import ImportReport, import_dataset, import_file
from semrec.service.serving import Ranked, ServingModels
from semrec.service.training import TrainReport, event_weights, fit_models
from semrec.store import Store, open_store

__all__ = ["IngestReport", "Recommender"]


@dataclass(frozen=True)
class IngestReport:
    """What `ingest` did: events stored, repeated event ids, and rows rejected as invalid."""

    accepted: int
    duplicates: int
    rejected: int
    errors: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "errors": list(self.errors),
        }


class Recommender:
    """A semrec home directory opened for writing events and reading recommendations."""

    def __init__(self, store: Store, settings: Settings, home: Path | None = None) -> None:
        self.store = store
        self.settings = settings
        self.home = home
        self._limits = settings.validation.limits()
        self._weights = event_weights(settings)
        self._view: CatalogView | None = None
        self._serving: ServingModels | None = None
        self._load_snapshot()

    @classmethod
    def open(
        cls, path: str | Path | None, settings: Settings | Mapping[str, Any] | None = None
    ) -> Recommender:
        """Open (creating if absent) the home directory `path`; `None` keeps all in memory.

        `settings` is a `Settings` or a nested mapping of overrides on top of
        `<path>/semrec.toml` and `SEMREC_*` environment variables.
        """
        home = None if path is None else Path(path)
        if not isinstance(settings, Settings):
            settings = load_settings(home, settings)
        store = open_store(home, settings.store.synchronous, settings.train.keep_snapshots)
        return cls(store, settings, home)

    # -- write path ---------------------------------------------------------------------------
    def upsert_items(self, items: Iterable[Mapping[str, Any] | Item]) -> int:
        """Validate and insert or replace items, all or nothing; returns how many."""
        valid = [self._checked(i, n, validate_item, "items") for n, i in enumerate(items)]
        count = self.store.upsert_items(valid)
        self._view = None
        return count

    def _checked(self, record: Any, n: int, check: Any, what: str, now: float | None = None) -> Any:
        try:
            return check(record, self._limits, now)
        except ValidationError as exc:
            raise ValidationError(f"{what}[{n}].{exc.field}", exc.value, exc.expected) from None

    def ingest(
        self, events: Iterable[Mapping[str, Any] | Event], *, skip_invalid: bool = False
    ) -> IngestReport:
        """Validate and durably store events; they count for the user's next `recommend`.

        By default one invalid event raises `ValidationError` and nothing is stored; with
        `skip_invalid=True` the valid events are stored and the others counted as rejected.
        """
        batch_size = self.settings.store.batch_size
        accepted = duplicates = 0
        errors: list[str] = []
        batch: list[Event] = []
        now = time.time()
        with self.store.atomic():
            for n, record in enumerate(events):
                try:
                    batch.append(self._checked(record, n, validate_event, "events", now))
                except ValidationError as exc:
                    if not skip_invalid:
                        raise
                    errors.append(str(exc))
                if len(batch) >= batch_size:
                    result = self.store.append_events(batch)
                    accepted, duplicates = (
                        accepted + result.accepted,
                        duplicates + result.duplicates,
                    )
                    batch = []
            result = self.store.append_events(batch)
        return IngestReport(
            accepted + result.accepted, duplicates + result.duplicates, len(errors), tuple(errors)
        )

    def import_file(
        self,
        path: str | Path,
        kind: str,
        *,
        fmt: str | None = None,
        mapping: Mapping[str, str] | None = None,
        skip_invalid: bool = False,
        progress: bool = False,
    ) -> ImportReport:
        """Import an item or event file (CSV, JSON Lines plain or .gz, Parquet), all or nothing.

        With `skip_invalid` the valid rows are imported and the rejected rows written, with
        their reasons, to ``<file>.rejected.jsonl``.
        """
        if kind not in ("items", "events"):
            raise ValidationError("kind", kind, "'items' or 'events'")
        report = import_file(
            self.store,
            self._limits,
            Path(path),
            "items" if kind == "items" else "events",
            fmt=fmt,
            mapping=mapping,
            skip_invalid=skip_invalid,
            progress=progress,
            batch=self.settings.store.batch_size,
            home=self.home,
        )
        self._view = None
        return report

    def import_dataset(
        self,
        name: str,
        path: str | Path,
        *,
        meta: str | Path | None = None,
        skip_invalid: bool = False,
        progress: bool = False,
    ) -> list[ImportReport]:
        """Import a named public data set (ml-100k, ml-1m, ml-latest, amazon-2014/2018)."""
        reports = import_dataset(
            self.store,
            self._limits,
            name,
            Path(path),
            meta=None if meta is None else Path(meta),
            skip_invalid=skip_invalid,
            progress=progress,
            batch=self.settings.store.batch_size,
            home=self.home,
        )
        self._view = None
        return reports

    def forget_user(self, user_id: str) -> int:
        """Remove the user's events and state; returns how many events were deleted."""
        return self.store.forget_user(validate_id("user_id", user_id, self._limits))

    # -- train path ---------------------------------------------------------------------------
    def train(self) -> TrainReport:
        """Fit the configured models on every event, save a snapshot and serve it."""
        report, models = fit_models(self.store, self.settings)
        self._serving = ServingModels(models, report.version, self.settings.train.serve_model)
        return report

    def _load_snapshot(self) -> None:
        snapshot = self.store.latest_snapshot()
        if snapshot is None:
            return
        params = snapshot.meta.get("params", {})
        models = {
            name: restore_model(name, arrays, params.get(name))
            for name, arrays in snapshot.arrays.items()
        }
        self._serving = ServingModels(models, snapshot.version, self.settings.train.serve_model)

    # -- read path ----------------------------------------------------------------------------
    def _models(self) -> ServingModels:
        if self._serving is None:
            raise NotFittedError("the recommender", "train()")
        return self._serving

    def recommend(
        self,
        user_id: str,
        k: int = 10,
        exclude_seen: bool = True,
        filters: Mapping[str, Any] | None = None,
    ) -> list[Recommendation]:
        """The user's top-k items from their full current history (unknown users: popular)."""
        user_id = validate_id("user_id", user_id, self._limits)
        k = _check_k(k)
        models, view = self._models(), self._refreshed_view()
        events = self.store.user_events(user_id)
        keep = events.item_idx < len(view)
        items = events.item_idx[keep]
        history = user_history_row(
            items,
            events.type_codes[keep],
            events.values[keep],
            events.timestamps[keep],
            len(view),
            self._weights,
            now=time.time(),
        )
        allow = view.candidates() & view.filter_mask(filters)
        if exclude_seen:
            allow[items[items >= 0]] = False
        return [self._as_recommendation(r, view) for r in models.rank(history, allow, k)]

    def similar(self, item_id: str, k: int = 10) -> list[Recommendation]:
        """Items that the same people engage with (scored as a one-item history)."""
        item_id = validate_id("item_id", item_id, self._limits)
        k = _check_k(k)
        models, view = self._models(), self._refreshed_view()
        index = self.store.item_index([item_id])[0]
        if index < 0:
            raise NotFoundError("item", item_id)
        history = sp.csr_matrix((np.ones(1, np.float32), ([0], [index])), shape=(1, len(view)))
        allow = view.candidates()
        allow[index] = False
        ranked = models.rank(history, allow, k, models.similar_name)
        return [self._as_recommendation(r, view) for r in ranked]

    def _refreshed_view(self) -> CatalogView:
        """The catalog view, rebuilt when items were upserted or first seen in events."""
        view = self._view
        if view is None or len(view) != self.store.item_count():
            has_meta, available = self.store.item_flags()
            view = CatalogView.build(
                self.store.item_ids(), has_meta, available, list(self.store.iter_items())
            )
            self._view = view
        return view

    @staticmethod
    def _as_recommendation(ranked: Ranked, view: CatalogView) -> Recommendation:
        reason: dict[str, Any] = {"kind": "model", "model": ranked.model}
        if ranked.fallback:
            reason["fallback"] = ranked.fallback
        reasons: list[dict[str, Any]] = [reason]
        if ranked.because_of >= 0:
            src = ranked.because_of
            reasons.append(
                {"kind": "because_of", "item_id": view.item_ids[src], "title": view.titles[src]}
            )
        return Recommendation(view.item_ids[ranked.item], ranked.score, tuple(reasons))

    # -- misc ---------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts from the store and the serving snapshot."""
        out = self.store.stats()
        out["serving"] = None if self._serving is None else self._serving.describe()
        return out

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Recommender:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 1000:
        raise ValidationError("k", k, "an integer from 1 to 1000")
    return k
