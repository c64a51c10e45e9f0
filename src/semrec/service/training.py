"""The train path: event log -> interaction matrix -> fitted models -> a versioned snapshot."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from semrec.data.errors import NotFittedError
from semrec.data.settings import Settings
from semrec.index import VectorIndex, make_index
from semrec.models import EventWeights, Model, build_interactions, make_model
from semrec.models.factors import FactorModel
from semrec.service.serving import INDEX_PREFIX, ServingModels
from semrec.store import EventArrays, Store

__all__ = ["TrainReport", "event_weights", "factor_index", "fit_models"]


@dataclass(frozen=True)
class TrainReport:
    """What `train()` did: sizes, the snapshot version and seconds per phase and model."""

    version: int
    n_users: int
    n_items: int
    n_events: int
    n_interactions: int
    models: tuple[str, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    language: dict[str, Any] = field(default_factory=dict)
    fusion: dict[str, Any] = field(default_factory=dict)

    def with_language(self, language: dict[str, Any]) -> TrainReport:
        """This report with the language index's build summary added."""
        return replace(self, language=dict(language))

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return {
            "version": self.version,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "n_events": self.n_events,
            "n_interactions": self.n_interactions,
            "models": list(self.models),
            "seconds": dict(self.seconds),
            "skipped": dict(self.skipped),
            "language": dict(self.language),
            # the ranker's model text stays in the snapshot, out of reports
            "fusion": {k: v for k, v in self.fusion.items() if k != "ranker"},
        }


def event_weights(settings: Settings) -> EventWeights:
    """The interaction weights that the settings describe."""
    w, v = settings.weights, settings.validation
    return EventWeights(
        view=w.view,
        click=w.click,
        add_to_cart=w.add_to_cart,
        purchase=w.purchase,
        rate=w.rate,
        review=w.review,
        search=w.search,
        skip=w.skip,
        rating_min=v.rating_min,
        rating_max=v.rating_max,
        half_life_days=w.half_life_days,
    )


#: Learns the fusion from (all events, item count, the serving model's name).
FusionTuner = Callable[[EventArrays, int, str], dict[str, Any]]


def fit_models(
    store: Store,
    settings: Settings,
    on_phase: Callable[[str], None] | None = None,
    tune: FusionTuner | None = None,
) -> tuple[TrainReport, ServingModels]:
    """Fit every configured model on the whole event log, save a snapshot and serve it.

    With `tune`, the fusion it learns is saved in the snapshot and the report. From
    `serve.candidates_above` items on, an index over the serving model's item factors is
    built and saved beside it (``index-<model>``) for the candidate path.
    """
    seconds: dict[str, float] = {}
    skipped: dict[str, str] = {}
    say = on_phase or (lambda _: None)
    start = time.perf_counter()
    say("reading events")
    events = store.all_events()
    n_items = len(store.item_ids())
    n_users = int(events.user_idx.max()) + 1 if len(events) else 0
    if len(events) == 0 or n_items == 0:
        raise NotFittedError("the recommender (no events to learn from)", "ingest(events)")
    matrix = build_interactions(
        events.user_idx,
        events.item_idx,
        events.type_codes,
        events.values,
        events.timestamps,
        n_users,
        n_items,
        event_weights(settings),
    )
    seconds["interactions"] = time.perf_counter() - start
    models: dict[str, Model] = {}
    with threadpool_limits(limits=1, user_api="blas"):
        for name in settings.train.models:
            if name == "ease" and n_items > settings.train.ease_max_items:
                skipped[name] = f"{n_items} items > train.ease_max_items"
                continue
            say(f"fitting {name}")
            tick = time.perf_counter()
            models[name] = make_model(name, getattr(settings.models, name)).fit(matrix)
            seconds[name] = time.perf_counter() - tick
    serve_name = ServingModels(models, 0, settings.train.serve_model).serve_name
    fusion: dict[str, Any] = {}
    if tune is not None:
        say("tuning fusion")
        tick = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):
            fusion = tune(events, n_items, serve_name)
        seconds["fusion"] = time.perf_counter() - tick
    indexes: dict[str, VectorIndex] = {}
    serving = models.get(serve_name)
    if n_items >= settings.serve.candidates_above and isinstance(serving, FactorModel):
        say(f"indexing {serve_name} item factors")
        tick = time.perf_counter()
        indexes[serve_name] = factor_index(serving.item_factors)
        seconds["index"] = time.perf_counter() - tick
    say("saving snapshot")
    tick = time.perf_counter()
    meta = {"params": {name: model.params for name, model in models.items()}, "n_items": n_items}
    if fusion:
        meta["fusion"] = fusion
    arrays = {name: model.to_arrays() for name, model in models.items()}
    arrays |= {INDEX_PREFIX + name: index.to_arrays() for name, index in indexes.items()}
    version = store.save_snapshot(arrays, meta)
    seconds["snapshot"] = time.perf_counter() - tick
    seconds["total"] = time.perf_counter() - start
    report = TrainReport(
        version, n_users, n_items, len(events), int(matrix.nnz), tuple(models), seconds, skipped,
        fusion=fusion,
    )  # fmt: skip
    return report, ServingModels(models, version, settings.train.serve_model, indexes)


def factor_index(item_factors: npt.NDArray[np.float32]) -> VectorIndex:
    """A nearest-neighbour index by inner product over item factors (ids = item indexes).

    Exact below `semrec.index.exact_below_for` of the factor count, HNSW (faiss) above.
    """
    n, dim = item_factors.shape
    index = make_index(dim, n, metric="ip")
    index.add(np.arange(n, dtype=np.int64), item_factors)
    return index
