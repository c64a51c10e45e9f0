"""`Recommender`: the one object that the CLI, the API and the UI call."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from semrec.data.errors import NotFittedError, NotFoundError, ValidationError
from semrec.data.records import EVENT_TYPE_CODES, Event, Item, Recommendation
from semrec.data.settings import Settings, load_settings
from semrec.data.validation import validate_event, validate_id, validate_item
from semrec.models import restore_model, top_k, user_history_row
from semrec.rank.cold_start import inherit_scores, semantic_neighbours
from semrec.rank.explain import sentence
from semrec.rank.rules import ItemColumns
from semrec.rank.tuning import FusionChoice
from semrec.realtime import LiveState
from semrec.service.catalog_view import CatalogView
from semrec.service.explaining import Explainer
from semrec.service.fusion_tuning import default_fusion, tune_fusion
from semrec.service.importing import ImportReport, import_dataset, import_file
from semrec.service.language import LanguageIndex, build_language_index
from semrec.service.profiles import user_profile
from semrec.service.reranking import RerankOptions, rerank, rerank_options
from semrec.service.searching import (
    QueryScores,
    query_relevance,
    query_scores,
    rank_query,
    search_reasons,
)
from semrec.service.serving import Ranked, ServingModels
from semrec.service.sources import fuse, live_sources, with_evidence
from semrec.service.training import TrainReport, event_weights, fit_models
from semrec.store import Store, open_store
from semrec.store.embedding_cache import EmbeddingCache
from semrec.text.encoders.cached import CachedEncoder
from semrec.text.encoders.factory import make_encoder
from semrec.text.intent import parse

__all__ = ["IngestReport", "Recommender"]

EMBEDDINGS_FILE = "embeddings.sqlite"
_TEXT_CODES = (EVENT_TYPE_CODES["review"], EVENT_TYPE_CODES["search"])


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
        self._encoder: CachedEncoder | None = None
        self._language: LanguageIndex | None = None
        self._cold: sp.csr_matrix | None = None
        self._live: LiveState | None = None
        self._live_seq = 0
        self._fusion = default_fusion(settings)
        self._item_columns: tuple[CatalogView, ItemColumns, list[str]] | None = None
        rerank_options(settings.rank)  # bad rules in the settings fail here, not per request
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

    def get_item(self, item_id: str) -> Item:
        """The catalog item under this id; `NotFoundError` when it has no metadata."""
        item = self.store.get_item(validate_id("item_id", item_id, self._limits))
        if item is None:
            raise NotFoundError("item", item_id)
        return item

    def delete_items(self, item_ids: Iterable[str]) -> int:
        """Remove items from the catalog (never recommended again); returns how many existed."""
        ids = [validate_id(f"item_ids[{n}]", i, self._limits) for n, i in enumerate(item_ids)]
        count = self.store.delete_items(ids)
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
        if self._live is not None:
            self._catch_up(self._live)
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
        """Remove the user's events and live state; returns how many events were deleted."""
        user_id = validate_id("user_id", user_id, self._limits)
        user_idx = self.store.user_index(user_id)
        deleted = self.store.forget_user(user_id)
        if self._live is not None and user_idx >= 0:
            self._live.forget(user_idx)
        return deleted

    # -- live state ---------------------------------------------------------------------------
    def _live_state(self) -> LiveState:
        """Co-visitation, sequence, trending and recent windows, current with the event log.

        Built from the whole log on first use; after that each call observes only the events
        that arrived since (through this object or any other process writing the same home).
        """
        if self._live is None:
            self._live_seq = self.store.last_seq()
            self._live = LiveState.from_events(
                self.store.all_events(), self._weights, self.store.item_count()
            )
            return self._live
        self._catch_up(self._live)
        return self._live

    def _catch_up(self, live: LiveState) -> None:
        seq = self.store.last_seq()
        if seq <= self._live_seq:
            return
        new = self.store.events_after(self._live_seq)
        self._live_seq = seq
        for user, item, code, value, ts in zip(
            new.user_idx.tolist(), new.item_idx.tolist(), new.type_codes.tolist(),
            new.values.tolist(), new.timestamps.tolist(), strict=True,
        ):  # fmt: skip
            live.observe(user, item, code, value, ts)

    # -- train path ---------------------------------------------------------------------------
    def train(self, *, progress: bool = False) -> TrainReport:
        """Fit the configured models on every event, embed changed item text, serve the result."""
        language = None
        if self.settings.text.enabled:
            self._language = None
            language = self._language_index(progress=progress)
        vectors = None if language is None else language.vectors

        def fusion(events: Any, n_items: int, serve_name: str) -> dict[str, Any]:
            choice = tune_fusion(events, n_items, self.settings, self._weights, serve_name, vectors)
            return asdict(choice)

        report, models = fit_models(self.store, self.settings, tune=fusion)
        self._serving = ServingModels(models, report.version, self.settings.train.serve_model)
        self._fusion = _fusion_from(report.fusion, self.settings)
        self._view = None
        self._cold = None
        self._live = None
        if language is not None:
            report = report.with_language(language.describe())
        return report

    def reload_snapshot(self) -> int | None:
        """Serve the newest snapshot in the store (one trained elsewhere); return its version."""
        self._load_snapshot()
        self._view = None
        self._cold = None
        self._language = None
        return self.model_version

    @property
    def model_version(self) -> int | None:
        """The version of the snapshot being served, None before the first training."""
        return None if self._serving is None else self._serving.version

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
        self._fusion = _fusion_from(snapshot.meta.get("fusion"), self.settings)

    # -- language -----------------------------------------------------------------------------
    def encoder(self) -> CachedEncoder:
        """The configured text encoder behind the content-hash embedding cache."""
        if self._encoder is None:
            path = None if self.home is None else self.home / EMBEDDINGS_FILE
            self._encoder = CachedEncoder(make_encoder(self.settings.text), EmbeddingCache(path))
        return self._encoder

    def _language_index(self, *, progress: bool = False) -> LanguageIndex | None:
        """Item documents, embeddings, BM25 and lexicon for the current catalog (None: off)."""
        if not self.settings.text.enabled:
            return None
        view = self._refreshed_view()
        if self._language is None or len(self._language) != len(view):
            self._language = build_language_index(
                self.store, view.item_ids, self.encoder(), progress=progress
            )
            self._cold = None
        return self._language

    def _cold_neighbours(self, language: LanguageIndex, models: ServingModels) -> sp.csr_matrix:
        if self._cold is None or self._cold.shape[0] != len(language):
            warm = models.popularity(len(language)) > 0
            self._cold = semantic_neighbours(
                language.vectors, language.has_text & ~warm, language.has_text & warm
            )
        return self._cold

    def _profile(
        self, user_id: str, events: Any, language: LanguageIndex, now: float
    ) -> npt.NDArray[np.float32] | None:
        texts = self.store.event_texts(_TEXT_CODES, user_id)[-20:]
        text_vectors = text_times = None
        if texts:
            text_vectors = self.encoder().encode([t for _, t, _ in texts])
            text_times = np.array([ts for _, _, ts in texts], dtype=np.float64)
        weights = np.clip(self._weights.type_weights()[events.type_codes.astype(np.intp)], 0, None)
        return user_profile(events, weights, language, text_vectors, text_times, now)

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
        query: str | None = None,
        *,
        rules: Sequence[str | Mapping[str, Any]] | None = None,
        diversity: float | None = None,
        category_cap: int | None = None,
        objective: str | None = None,
        locale: str = "en",
    ) -> list[Recommendation]:
        """The user's top-k items, fused from every candidate source (unknown users: popular).

        Sources: the CF model on the user's full current history, items seen together with and
        after their recent items, trending and popular items, and with text enabled the
        meaning of what they touched, reviewed and searched for (items nobody has touched yet
        borrow the behaviour of the items closest to them in meaning). A `query` adds the
        search's hard constraints as filters and its relevance as a source. How the sources
        are weighed was learned at training time (`rank` settings).

        Then, in order: business `rules` (after the settings' own; e.g. ``"boost 0.3: brand ==
        'Yamaha'"``), an `objective` ("relevance", "revenue", "margin"), `diversity` (0 off to
        1, maximal marginal relevance over item meaning) and `category_cap` (most items per
        category). Each item carries structured reasons and a one-sentence explanation in
        `locale` ("en" or "zh").
        """
        user_id = validate_id("user_id", user_id, self._limits)
        k = _check_k(k)
        options = rerank_options(self.settings.rank, rules, diversity, category_cap, objective)
        if locale not in ("en", "zh"):
            raise ValidationError("locale", locale, "'en' or 'zh'")
        models, view = self._models(), self._refreshed_view()
        n = len(view)
        live = self._live_state()
        events = self.store.user_events(user_id)
        items = events.item_idx[events.item_idx < n]
        history = user_history_row(
            items, events.type_codes[events.item_idx < n], events.values[events.item_idx < n],
            events.timestamps[events.item_idx < n], n, self._weights, now=time.time(),
        )  # fmt: skip
        allow = view.candidates() & view.filter_mask(filters)
        if exclude_seen:
            allow[items[items >= 0]] = False
        language = self._language_index()
        searched = self._searched(query, language, allow)
        if searched is not None:
            allow = searched.allow
        user_idx = self.store.user_index(user_id)
        sources: dict[str, npt.NDArray[np.float32] | None] = {"popular": models.popularity(n)}
        sources.update(live_sources(live, user_idx, n))
        sources["cf"] = self._cf_scores(models, history, language)
        if language is not None:
            profile = self._profile(user_id, events, language, time.time())
            sources["semantic"] = None if profile is None else language.vectors @ profile
        if searched is not None:
            sources["query"] = query_relevance(searched)
        n_distinct = int(np.unique(items[items >= 0]).size)
        enabled = with_evidence(sources, self.settings.rank.sources)
        fused = fuse(enabled, allow, self._fusion, n_distinct, models.popularity(n))
        columns, groups = self._columns(view) if _needs_columns(options) else (None, None)
        final = rerank(
            fused.scores, allow, k, options, columns,
            None if language is None else language.vectors, groups,
        )  # fmt: skip
        ids, vals = final.items, final.scores
        explainer = Explainer(
            view, fused, models.serve_name, items, live.recent_items(user_idx) if user_idx >= 0
            else np.zeros(0, np.int64), live, language, searched,
        )  # fmt: skip
        because = models.explain(history, ids)
        return [
            explainer.recommendation(item, score, src, final.moved.get(item, ()), locale)
            for item, score, src in zip(ids.tolist(), vals.tolist(), because.tolist(), strict=True)
        ]

    def _columns(self, view: CatalogView) -> tuple[ItemColumns, list[str]]:
        """Item fields for rules and objectives, and each item's category, built per catalog."""
        if self._item_columns is None or self._item_columns[0] is not view:
            columns = ItemColumns.from_items(self.store.iter_items(), order=view.item_ids)
            groups = [" > ".join(path) for path in columns.categories]
            self._item_columns = (view, columns, groups)
        return self._item_columns[1], self._item_columns[2]

    def _cf_scores(
        self, models: ServingModels, history: sp.csr_matrix, language: LanguageIndex | None
    ) -> npt.NDArray[np.float32] | None:
        """The serving CF model's scores; cold items inherit from their neighbours in meaning."""
        if not history.nnz or models.serve_name == "popularity":
            return None
        scores = models.scores(history)
        if scores.shape[0] < history.shape[1]:
            scores = np.pad(scores, (0, history.shape[1] - scores.shape[0]))
        if language is None:
            return scores
        return inherit_scores(scores, self._cold_neighbours(language, models))

    def _searched(
        self, query: str | None, language: LanguageIndex | None, allow: npt.NDArray[np.bool_]
    ) -> QueryScores | None:
        if query is None:
            return None
        if language is None:
            raise ValidationError("query", query, "text enabled (settings text.enabled)")
        return query_scores(self._intent(query, language), language, self.encoder(), allow)

    def _intent(self, query: str, language: LanguageIndex) -> Any:
        if not isinstance(query, str) or not query.strip():
            raise ValidationError("query", query, "a non-empty string")
        if len(query.encode("utf-8")) > self._limits.max_text_bytes:
            raise ValidationError(
                "query", query[:40], f"at most {self._limits.max_text_bytes} bytes"
            )
        return parse(query, language.lexicon)

    def search(
        self,
        query: str,
        k: int = 10,
        user_id: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> list[Recommendation]:
        """Items matching a natural-language query, hard constraints never violated.

        Lexical (BM25) and semantic evidence are fused; wanted attributes add to the score;
        with `user_id` the user's language profile personalises the order.
        """
        k = _check_k(k)
        view = self._refreshed_view()
        language = self._language_index()
        if language is None:
            raise ValidationError("query", query, "text enabled (settings text.enabled)")
        allow = view.candidates() & view.filter_mask(filters)
        searched = query_scores(self._intent(query, language), language, self.encoder(), allow)
        personal = None
        if user_id is not None:
            user_id = validate_id("user_id", user_id, self._limits)
            events = self.store.user_events(user_id)
            profile = self._profile(user_id, events, language, time.time())
            personal = None if profile is None else language.vectors @ profile
        out = []
        for hit in rank_query(searched, k, personal):
            similarity = None if personal is None else float(personal[hit.item])
            reasons = tuple(search_reasons(hit.item, searched, language, similarity))
            locale = "zh" if searched.intent.language == "zh" else "en"
            out.append(
                Recommendation(
                    view.item_ids[hit.item], hit.score, reasons, sentence(reasons, locale)
                )
            )
        return out

    def similar(self, item_id: str, k: int = 10) -> list[Recommendation]:
        """Items that the same people engage with (scored as a one-item history).

        An item nobody has engaged with yet gets the items closest to it in meaning.
        """
        item_id = validate_id("item_id", item_id, self._limits)
        k = _check_k(k)
        models, view = self._models(), self._refreshed_view()
        index = self.store.item_index([item_id])[0]
        if index < 0:
            raise NotFoundError("item", item_id)
        allow = view.candidates()
        allow[index] = False
        language = self._language_index()
        if (
            language is not None
            and language.has_text[index]
            and models.popularity(len(view))[index] == 0
        ):
            sims = language.vectors @ language.vectors[index]
            ids, vals = top_k(sims, k, allow=allow & language.has_text)
            return [
                Recommendation(
                    view.item_ids[i],
                    v,
                    ({"kind": "similar_meaning", "item_id": item_id, "similarity": round(v, 4)},),
                )
                for i, v in zip(ids.tolist(), vals.tolist(), strict=True)
            ]
        history = sp.csr_matrix((np.ones(1, np.float32), ([0], [index])), shape=(1, len(view)))
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
            self._language = None
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
        return Recommendation(
            view.item_ids[ranked.item], ranked.score, tuple(reasons), sentence(reasons)
        )

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


def _fusion_from(meta: Any, settings: Settings) -> FusionChoice:
    """The fusion a snapshot learned; the settings' own when they turn tuning off (or none)."""
    if not settings.rank.tune or not isinstance(meta, Mapping) or "mode" not in meta:
        return default_fusion(settings)
    return FusionChoice(
        str(meta["mode"]),
        {str(k): float(v) for k, v in dict(meta.get("weights", {})).items()},
        float(meta.get("history_half", settings.text.history_half)),
        {str(k): float(v) for k, v in dict(meta.get("validation", {})).items()},
    )


def _needs_columns(options: RerankOptions) -> bool:
    return (
        bool(options.rules) or options.objective != "relevance" or options.category_cap is not None
    )
