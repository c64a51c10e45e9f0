"""What the read path derives from the catalog, cached until the catalog changes.

The catalog view (arrays for filtering), the language index (documents, embeddings, BM25,
lexicon), the semantic neighbours that let cold items borrow behaviour, the item fields that
rules and objectives read, and the text encoder behind its embedding cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import scipy.sparse as sp

from semrec.data.settings import Settings
from semrec.rank.cold_start import semantic_neighbours
from semrec.rank.rules import ItemColumns
from semrec.service.catalog_view import CatalogView
from semrec.service.language import LanguageIndex, build_language_index
from semrec.service.reranking import item_fields
from semrec.service.serving import ServingModels
from semrec.store import Store
from semrec.store.embedding_cache import EmbeddingCache
from semrec.text.encoders.cached import CachedEncoder
from semrec.text.encoders.factory import make_encoder

__all__ = ["EMBEDDINGS_FILE", "CatalogState"]

EMBEDDINGS_FILE = "embeddings.sqlite"


class CatalogState:
    """Lazily built, catalog-derived read structures of one home."""

    def __init__(self, store: Store, settings: Settings, home: Path | None) -> None:
        self.store = store
        self.settings = settings
        self.home = home
        self._view: CatalogView | None = None
        self._encoder: CachedEncoder | None = None
        self._language: LanguageIndex | None = None
        self._cold: sp.csr_matrix | None = None
        self._columns: tuple[CatalogView, ItemColumns, list[str]] | None = None
        self._change = 0
        self._checked = False  # inside `checked()`, having found everything built

    def invalidate(self) -> None:
        """The catalog changed: rebuild the view (and what depends on it) on next use."""
        self._view = None
        self._cold = None
        self._checked = False

    def models_changed(self) -> None:
        """New models: cold items must pick their warm neighbours again (the rest stays)."""
        self._cold = None

    def drop_language(self) -> None:
        """Rebuild the language index on next use (through the embedding cache)."""
        self._language = None
        self._cold = None

    def view(self) -> CatalogView:
        """The catalog view, rebuilt when items were upserted or first seen in events.

        Edits made by other processes (server workers, the CLI) count too. Inside a
        `checked()` block that found the catalog built, the view is taken as it is.
        """
        view = self._view
        if self._checked and view is not None:
            return view
        edited = False
        for change in self.store.changes_after(self._change):
            self._change = change.seq
            edited = edited or change.kind == "items"
        if edited:
            self.invalidate()
            view = None
        if view is None or len(view) != self.store.item_count():
            has_meta, available = self.store.item_flags()
            view = CatalogView.build(
                self.store.item_ids(), has_meta, available, list(self.store.iter_items())
            )
            self._view = view
            self._language = None
        return view

    def built(self) -> bool:
        """Whether `view()` and `language()` would answer from what is built, without a rebuild
        (no catalog edit here or in another process, no item first seen in events since)."""
        view = self._view
        if view is None or len(view) != self.store.item_count():
            return False
        if any(change.kind == "items" for change in self.store.changes_after(self._change)):
            return False
        language = self._language
        return not self.settings.text.enabled or (
            language is not None and len(language) == len(view)
        )

    @contextmanager
    def checked(self) -> Iterator[bool]:
        """`built()`, and while the block runs, reads trust a True answer instead of asking
        the store again (one request checks once, not once before it and once inside)."""
        self._checked = self.built()
        try:
            yield self._checked
        finally:
            self._checked = False

    def encoder(self) -> CachedEncoder:
        """The configured text encoder behind the content-hash embedding cache."""
        if self._encoder is None:
            path = None if self.home is None else self.home / EMBEDDINGS_FILE
            self._encoder = CachedEncoder(make_encoder(self.settings.text), EmbeddingCache(path))
        return self._encoder

    def language(self, *, progress: bool = False) -> LanguageIndex | None:
        """Item documents, embeddings, BM25 and lexicon for the current catalog (None: off)."""
        if not self.settings.text.enabled:
            return None
        view = self.view()
        if self._language is None or len(self._language) != len(view):
            self._language = build_language_index(
                self.store, view.item_ids, self.encoder(), progress=progress
            )
            self._cold = None
        return self._language

    def cold_neighbours(self, language: LanguageIndex, models: ServingModels) -> sp.csr_matrix:
        """For each item nobody has touched, its nearest touched items in meaning."""
        if self._cold is None or self._cold.shape[0] != len(language):
            warm = models.popularity(len(language)) > 0
            self._cold = semantic_neighbours(
                language.vectors, language.has_text & ~warm, language.has_text & warm
            )
        return self._cold

    def columns(self, view: CatalogView) -> tuple[ItemColumns, list[str]]:
        """Item fields for rules and objectives, and each item's category, built per view."""
        if self._columns is None or self._columns[0] is not view:
            self._columns = (view, *item_fields(self.store.iter_items(), view.item_ids))
        return self._columns[1], self._columns[2]
