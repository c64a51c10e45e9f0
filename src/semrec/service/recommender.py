"""`Recommender`: the one object that the CLI, the API and the UI call."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from semrec.data.errors import NotFittedError, NotFoundError, ValidationError
from semrec.data.records import EVENT_TYPE_CODES, Event, Item, Recommendation
from semrec.data.settings import Settings, load_settings
from semrec.data.validation import validate_event, validate_id, validate_item
from semrec.service.catalog_state import CatalogState
from semrec.service.explaining import Explainer
from semrec.service.fusion_tuning import default_fusion, fusion_from_meta, fusion_meta, tune_fusion
from semrec.service.importing import ImportReport, import_dataset, import_file
from semrec.service.language import LanguageIndex
from semrec.service.live import IngestReport, LiveTracker, store_events
from semrec.service.ranking import RankRequest, rank_request
from semrec.service.reading import (
    as_recommendation,
    check_k,
    check_query,
    explained,
    recent_items,
    search_results,
    semantic_scores,
    similar_in_meaning,
    user_history,
)
from semrec.service.reranking import rerank_options
from semrec.service.searching import QueryScores, query_scores
from semrec.service.serving import LoadedSnapshot, ServingModels, load_snapshot
from semrec.service.training import TrainReport, event_weights, fit_models
from semrec.store import EventArrays, Store, open_store
from semrec.text.encoders.cached import CachedEncoder
from semrec.text.intent import parse

__all__ = ["IngestReport", "Recommender"]

_TEXT_CODES = (EVENT_TYPE_CODES["review"], EVENT_TYPE_CODES["search"])


class Recommender:
    """A semrec home directory opened for writing events and reading recommendations."""

    def __init__(self, store: Store, settings: Settings, home: Path | None = None) -> None:
        self.store = store
        self.settings = settings
        self.home = home
        self._limits = settings.validation.limits()
        self._weights = event_weights(settings)
        self._catalog = CatalogState(store, settings, home)
        self._serving: ServingModels | None = None
        self._live = LiveTracker(store, self._weights)
        self._fusion = default_fusion(settings)
        rerank_options(settings.rank)  # bad rules in the settings fail here, not per request
        self.swap_snapshot(self.restore_snapshot())

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
        self._catalog.invalidate()
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
        self._catalog.invalidate()
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
        report = self.record(events, skip_invalid=skip_invalid)
        self._live.catch_up()
        return report

    def record(
        self, events: Iterable[Mapping[str, Any] | Event], *, skip_invalid: bool = False
    ) -> IngestReport:
        """`ingest` touching only the store, not this object's memory: it may run in a thread
        beside other calls. The events count from the next `recommend` (which catches up)."""
        check = partial(self._checked, check=validate_event, what="events", now=time.time())
        return store_events(
            self.store, events, check, self.settings.store.batch_size, skip_invalid=skip_invalid
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
            self.store, self._limits, Path(path), "items" if kind == "items" else "events",
            fmt=fmt, mapping=mapping, skip_invalid=skip_invalid, progress=progress,
            batch=self.settings.store.batch_size, home=self.home,
        )  # fmt: skip
        self._catalog.invalidate()
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
            self.store, self._limits, name, Path(path), meta=None if meta is None else Path(meta),
            skip_invalid=skip_invalid, progress=progress, batch=self.settings.store.batch_size,
            home=self.home,
        )  # fmt: skip
        self._catalog.invalidate()
        return reports

    def forget_user(self, user_id: str) -> int:
        """Remove the user's events and live state; returns how many events were deleted."""
        user_id = validate_id("user_id", user_id, self._limits)
        user_idx = self.store.user_index(user_id)
        deleted = self.store.forget_user(user_id)
        self._live.forget(user_idx)
        return deleted

    # -- train path ---------------------------------------------------------------------------
    def train(self, *, progress: bool = False) -> TrainReport:
        """Fit the configured models on every event, embed changed item text, serve the result."""
        language = None
        if self.settings.text.enabled:
            self._catalog.drop_language()
            language = self._language_index(progress=progress)
        vectors = None if language is None else language.vectors

        def fusion(events: Any, n_items: int, serve_name: str) -> dict[str, Any]:
            choice = tune_fusion(events, n_items, self.settings, self._weights, serve_name, vectors)
            return fusion_meta(choice)

        report, self._serving = fit_models(self.store, self.settings, tune=fusion)
        self._fusion = fusion_from_meta(report.fusion, self.settings)
        self._catalog.models_changed()
        self._live.reset()
        if language is not None:
            report = report.with_language(language.describe())
        return report

    def reload_snapshot(self) -> int | None:
        """Serve the newest snapshot in the store (one trained elsewhere); return its version."""
        self.swap_snapshot(self.restore_snapshot())
        return self.model_version

    def restore_snapshot(self) -> LoadedSnapshot | None:
        """The store's served snapshot, restored: the slow half of a reload, which changes
        nothing being served (a server runs it outside its lock). None: no snapshot yet."""
        snapshot = self.store.served_snapshot()
        return (
            None if snapshot is None else load_snapshot(snapshot, self.settings.train.serve_model)
        )

    def swap_snapshot(self, loaded: LoadedSnapshot | None) -> None:
        """Serve `loaded` from the next call on (the fast half of a reload); None: no-op."""
        if loaded is not None:
            self._serving = loaded.models
            self._fusion = fusion_from_meta(loaded.fusion_meta, self.settings)
            self._catalog.models_changed()  # the catalog did not change: its caches stay warm

    @property
    def model_version(self) -> int | None:
        """The version of the snapshot being served, None before the first training."""
        return None if self._serving is None else self._serving.version

    # -- language -----------------------------------------------------------------------------
    def encoder(self) -> CachedEncoder:
        """The configured text encoder behind the content-hash embedding cache."""
        return self._catalog.encoder()

    def catalog_built(self) -> AbstractContextManager[bool]:
        """Whether reads would find the catalog view and language index built (no rebuild);
        reads inside the `with` block trust a True answer instead of checking again."""
        return self._catalog.checked()

    def _language_index(self, *, progress: bool = False) -> LanguageIndex | None:
        """Item documents, embeddings, BM25 and lexicon for the current catalog (None: off)."""
        return self._catalog.language(progress=progress)

    def _semantic(
        self, user_id: str, events: EventArrays, language: LanguageIndex
    ) -> npt.NDArray[np.float32] | None:
        """Each item's closeness in meaning to the user's language profile (None: no profile)."""
        texts = self.store.event_texts(_TEXT_CODES, user_id)[-20:]
        return semantic_scores(events, self._weights, language, texts, self.encoder, time.time())

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
        k = check_k(k)
        options = rerank_options(self.settings.rank, rules, diversity, category_cap, objective)
        if locale not in ("en", "zh"):
            raise ValidationError("locale", locale, "'en' or 'zh'")
        models, view = self._models(), self._catalog.view()
        n = len(view)
        live = self._live.state()
        events = self._live.user_events(user_id)
        items, history = user_history(events, n, self._weights, time.time())
        allow = view.allowed(filters)
        seen = items[items >= 0] if exclude_seen else items[:0]
        language = self._language_index()
        searched = self._searched(query, language, allow)
        if searched is not None:
            allow = searched.allow
            allow[seen] = False
        user_idx = self.store.user_index(user_id)
        neighbours = (
            None if language is None else partial(self._catalog.cold_neighbours, language, models)
        )
        semantic = None if language is None else self._semantic(user_id, events, language)
        request = RankRequest(
            models, live, user_idx, history, len(set(items[items >= 0].tolist())), allow, seen,
            semantic, searched, neighbours, self._fusion, options, k,
            None if language is None else language.vectors,
            partial(self._catalog.columns, view), self.settings.rank.sources,
        )  # fmt: skip
        serve = self.settings.serve
        ranking = rank_request(request, serve.candidates_above, serve.candidate_depth)
        final = ranking.final
        explainer = Explainer(
            view, ranking.parts, models.serve_name,
            history.indices[history.data > 0].astype(np.int64), recent_items(live, user_idx),
            live, language, searched, ranking.pool,
        )  # fmt: skip
        return explained(explainer, final, models.explain(history, final.items), locale)

    def _searched(
        self, query: str | None, language: LanguageIndex | None, allow: npt.NDArray[np.bool_]
    ) -> QueryScores | None:
        if query is None:
            return None
        if language is None:
            raise ValidationError("query", query, "text enabled (settings text.enabled)")
        return query_scores(self._intent(query, language), language, self.encoder(), allow)

    def _intent(self, query: str, language: LanguageIndex) -> Any:
        return parse(check_query(query, self._limits.max_text_bytes), language.lexicon)

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
        k = check_k(k)
        view = self._catalog.view()
        language = self._language_index()
        if language is None:
            raise ValidationError("query", query, "text enabled (settings text.enabled)")
        allow = view.allowed(filters)
        searched = query_scores(self._intent(query, language), language, self.encoder(), allow)
        personal = None
        if user_id is not None:
            user_id = validate_id("user_id", user_id, self._limits)
            personal = self._semantic(user_id, self.store.user_events(user_id), language)
        return search_results(view, language, searched, k, personal)

    def similar(self, item_id: str, k: int = 10) -> list[Recommendation]:
        """Items that the same people engage with (scored as a one-item history).

        An item nobody has engaged with yet gets the items closest to it in meaning.
        """
        item_id = validate_id("item_id", item_id, self._limits)
        k = check_k(k)
        models, view = self._models(), self._catalog.view()
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
            return similar_in_meaning(view, language, item_id, index, k, allow)
        history = sp.csr_matrix((np.ones(1, np.float32), ([0], [index])), shape=(1, len(view)))
        ranked = models.rank(history, allow, k, models.similar_name)
        return [as_recommendation(r, view) for r in ranked]

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

    def __exit__(self, *exc_info: object) -> None:
        self.close()
