"""The catalog as language: item documents, their embeddings, BM25, the lexicon and item facts.

Built from the store whenever the catalog view changes (and at `train()`); embeddings come
through the content-hash cache, so an unchanged item is never encoded twice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from semrec.data.records import EVENT_TYPE_CODES, Item
from semrec.store import Store
from semrec.text.constraints import ItemFacts
from semrec.text.documents import item_document, price_bands, review_digest
from semrec.text.encoders.cached import CachedEncoder
from semrec.text.lexical import LexicalIndex
from semrec.text.lexicon import Lexicon
from semrec.text.normalize import fold_case, normalize_text

__all__ = ["LanguageIndex", "build_language_index"]

_LEXICAL_REVIEW_CHARS = 4000
_REVIEWS_PER_ITEM = 20
_REVIEW_SNIPPET_CHARS = 200
_REVIEW_CODES = (EVENT_TYPE_CODES["review"], EVENT_TYPE_CODES["rate"])


@dataclass(frozen=True)
class LanguageIndex:
    """Per dense item index: document text, unit embedding (zero row: no text) and facts.

    `own_folded` is the item's own text (its fields, without the review digest), folded.
    """

    documents: list[str]
    own_folded: list[str]
    vectors: npt.NDArray[np.float32]
    has_text: npt.NDArray[np.bool_]
    lexical: LexicalIndex
    lexicon: Lexicon
    facts: ItemFacts
    review_vectors: npt.NDArray[np.float32]
    review_items: npt.NDArray[np.int64]
    encoder_name: str
    encoded: int
    cached: int
    seconds: float

    def __len__(self) -> int:
        return len(self.documents)

    def mentions(self, term: str) -> npt.NDArray[np.bool_]:
        """Items whose own text contains `term` (case- and width-folded).

        Reviews do not count: "no noise" in someone's review does not make the item one that
        a query "cables without noise" must exclude.
        """
        folded = fold_case(normalize_text(term))
        if not folded:
            return np.zeros(len(self.documents), dtype=bool)
        return np.array([folded in d for d in self.own_folded], dtype=bool)

    def semantic_scores(self, query: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Each item's similarity to a query vector: its document's, or its closest review's.

        A query often reads like one review ("great strings for the price") more than like
        the item's whole description, so an item matches through any single review too.
        """
        scores = self.vectors @ query
        if self.review_items.size:
            np.maximum.at(scores, self.review_items, self.review_vectors @ query)
        return scores

    def describe(self) -> dict[str, object]:
        """Sizes and cache behaviour of the last build, for `stats()` and train reports."""
        return {
            "encoder": self.encoder_name,
            "dim": int(self.vectors.shape[1]),
            "items_with_text": int(self.has_text.sum()),
            "review_snippets": int(self.review_items.size),
            "encoded": self.encoded,
            "cached": self.cached,
            "seconds": round(self.seconds, 3),
        }


def build_language_index(
    store: Store, item_ids: Sequence[str], encoder: CachedEncoder, *, progress: bool = False
) -> LanguageIndex:
    """Documents for every catalog item (with review digests), embedded through the cache."""
    start = time.perf_counter()
    by_index: list[Item | None] = [None] * len(item_ids)
    position = {item_id: i for i, item_id in enumerate(item_ids)}
    for item in store.iter_items():
        by_index[position[item.item_id]] = item
    reviews: dict[int, list[str]] = {}
    for item_idx, text, _ in store.event_texts(_REVIEW_CODES):
        if 0 <= item_idx < len(by_index):
            reviews.setdefault(item_idx, []).append(text)
    documents, own = _documents(by_index, reviews)
    has_text = np.array([bool(d) for d in documents], dtype=bool)
    texts = [d for d in documents if d]
    encoded = encoder.encode(texts, progress=progress) if texts else None
    doc_misses, doc_hits = (encoder.last_misses, encoder.last_hits) if texts else (0, 0)
    vectors = np.zeros((len(documents), encoder.dim), dtype=np.float32)
    if encoded is not None:
        vectors[has_text] = encoded
    review_items, review_texts = _review_snippets(reviews)
    review_vectors = (
        encoder.encode(review_texts, progress=progress)
        if review_texts
        else np.zeros((0, encoder.dim), dtype=np.float32)
    )
    encoded_reviews = encoder.last_misses if review_texts else 0
    cached_reviews = encoder.last_hits if review_texts else 0
    known = [item for item in by_index if item is not None]
    return LanguageIndex(
        documents=documents,
        own_folded=[fold_case(d) for d in own],
        vectors=vectors,
        has_text=has_text,
        lexical=LexicalIndex.build(_lexical_texts(documents, reviews)),
        lexicon=Lexicon.learn(known),
        facts=ItemFacts.from_items(by_index),
        review_vectors=review_vectors,
        review_items=review_items,
        encoder_name=encoder.name,
        encoded=doc_misses + encoded_reviews,
        cached=doc_hits + cached_reviews,
        seconds=time.perf_counter() - start,
    )


def _review_snippets(reviews: dict[int, list[str]]) -> tuple[npt.NDArray[np.int64], list[str]]:
    """The newest reviews of each item, cut to their opening, for review-level matching."""
    items: list[int] = []
    texts: list[str] = []
    for i, item_reviews in reviews.items():
        for text in item_reviews[-_REVIEWS_PER_ITEM:]:
            snippet = normalize_text(text)[:_REVIEW_SNIPPET_CHARS]
            if snippet:
                items.append(i)
                texts.append(snippet)
    return np.asarray(items, dtype=np.int64), texts


def _lexical_texts(documents: list[str], reviews: dict[int, list[str]]) -> list[str]:
    """What BM25 indexes: the document plus the item's review text, capped.

    The encoder reads a short digest (a long text blurs one vector), but exact words
    anywhere in the reviews are good lexical evidence.
    """
    out = list(documents)
    for i, texts in reviews.items():
        if out[i]:
            out[i] = f"{out[i]} {' '.join(texts)[:_LEXICAL_REVIEW_CHARS]}"
    return out


def _documents(
    by_index: Sequence[Item | None], reviews: dict[int, list[str]]
) -> tuple[list[str], list[str]]:
    """Each item's document (with its review digest) and its own text (without)."""
    bands = price_bands(
        [None if it is None else it.price for it in by_index],
        [() if it is None else it.category for it in by_index],
    )
    documents, own = [], []
    for i, item in enumerate(by_index):
        if item is None:
            # Known only from events: its reviews are all the text it has.
            documents.append(review_digest(reviews[i], max_sentences=6) if i in reviews else "")
            own.append("")
            continue
        digest = review_digest(reviews[i]) if i in reviews else ""
        documents.append(item_document(item, price_band=bands[i], review_digest=digest))
        own.append(item_document(item, price_band=bands[i]) if digest else documents[-1])
    return documents, own
