"""Item documents and user language profiles: what the encoder reads, and how it is pooled.

An item becomes one natural-language description built from its fields (title, brand, category
path, key attributes, price band, description) plus, when it has reviews, a digest of their most
informative sentences. A user's language profile is a recency-weighted mean of the embeddings of
what they interacted with, together with their own review and search text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from semrec.data.records import Item
from semrec.text.normalize import detect_language, normalize_text
from semrec.text.tokenize import tokenize

__all__ = [
    "PRICE_BANDS",
    "item_document",
    "pool_profile",
    "price_bands",
    "review_digest",
]

#: Price band names by tercile of the price within the item's top-level category.
PRICE_BANDS = ("budget", "mid-range", "premium")
_PRICE_BANDS_ZH = ("平价", "中端", "高端")
#: Attributes that describe the item rather than bookkeeping; others are still listed after.
_SKIP_ATTRIBUTES = frozenset({"lang", "language", "rating", "id", "sku", "url", "image"})
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")
_MAX_ATTRIBUTES = 8
_MAX_DESCRIPTION = 600


def price_bands(
    prices: Sequence[float | None], categories: Sequence[Sequence[str]]
) -> list[str | None]:
    """Each item's price band (budget / mid-range / premium) within its top-level category.

    Bands are terciles of the category's known prices; an item without price, or in a category
    with fewer than three priced items, has no band.
    """
    by_top: dict[str, list[float]] = {}
    for price, path in zip(prices, categories, strict=True):
        if price is not None and path:
            by_top.setdefault(path[0], []).append(price)
    cuts = {
        top: np.quantile(values, [1 / 3, 2 / 3])
        for top, values in by_top.items()
        if len(values) >= 3
    }
    bands: list[str | None] = []
    for price, path in zip(prices, categories, strict=True):
        cut = cuts.get(path[0]) if path else None
        if price is None or cut is None:
            bands.append(None)
        else:
            bands.append(PRICE_BANDS[int(np.searchsorted(cut, price, side="right"))])
    return bands


def item_document(item: Item, *, price_band: str | None = None, review_digest: str = "") -> str:
    """The natural-language description of an item that the encoder and BM25 read.

    Written in the item's own language (Chinese items get Chinese field labels) so a
    monolingual encoder sees one language per document.
    """
    zh = detect_language(f"{item.title} {item.description}") == "zh"
    parts = [normalize_text(item.title)]
    if item.brand:
        parts.append(f"{'品牌' if zh else 'Brand'}: {item.brand}")
    if item.category:
        parts.append(f"{'类别' if zh else 'Category'}: {' > '.join(item.category)}")
    attributes = _attribute_phrase(item.attributes)
    if attributes:
        parts.append(attributes)
    if item.tags:
        parts.append(", ".join(item.tags))
    if price_band is not None:
        band = _PRICE_BANDS_ZH[PRICE_BANDS.index(price_band)] if zh else price_band
        parts.append(f"{'价位' if zh else 'Price'}: {band}")
    description = normalize_text(item.description)[:_MAX_DESCRIPTION]
    if description:
        parts.append(description)
    if review_digest:
        parts.append(f"{'评价' if zh else 'Reviews'}: {review_digest}")
    return ". ".join(p.rstrip(". ") for p in parts if p) + "."


def _attribute_phrase(attributes: Mapping[str, object]) -> str:
    pairs = []
    for key, value in attributes.items():
        if key.lower() in _SKIP_ATTRIBUTES or isinstance(value, bool):
            continue
        pairs.append(f"{key.replace('_', ' ')} {value}")
        if len(pairs) == _MAX_ATTRIBUTES:
            break
    return ", ".join(pairs)


def review_digest(reviews: Sequence[str], *, max_sentences: int = 3, max_chars: int = 400) -> str:
    """The most informative sentences of an item's reviews, most representative first.

    A sentence scores by how many of its distinct content words recur across the item's other
    reviews (what many reviewers say about it), divided by the square root of its length so
    long rambling sentences do not win; near-duplicates of a chosen sentence are skipped.
    """
    sentences = [s for r in reviews for s in _sentences(normalize_text(r))]
    if not sentences:
        return ""
    tokens = [set(tokenize(s)) for s in sentences]
    document_frequency = Counter(t for words in tokens for t in words)
    scored = []
    for n, words in enumerate(tokens):
        if not words:
            continue
        support = sum(document_frequency[w] - 1 for w in words)
        scored.append((support / np.sqrt(len(words)), -n, n))
    chosen: list[int] = []
    for _, _, n in sorted(scored, reverse=True):
        if all(_overlap(tokens[n], tokens[c]) < 0.6 for c in chosen):
            chosen.append(n)
        if len(chosen) == max_sentences:
            break
    digest = " ".join(sentences[n] for n in chosen)
    return digest[:max_chars]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) >= 4]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def pool_profile(
    vectors: npt.NDArray[np.float32],
    weights: npt.NDArray[np.floating],
    timestamps: npt.NDArray[np.floating],
    now: float,
    half_life_s: float,
) -> npt.NDArray[np.float32] | None:
    """Recency-weighted mean of `vectors` (rows), unit-normalised; None when nothing counts.

    Row i counts `weights[i] * 0.5 ** ((now - timestamps[i]) / half_life_s)`; rows that are all
    zero (items without text) count for nothing.
    """
    if vectors.shape[0] == 0:
        return None
    age = np.maximum(0.0, now - np.asarray(timestamps, dtype=np.float64))
    w = np.asarray(weights, dtype=np.float64) * np.power(0.5, age / half_life_s)
    if not np.any(w > 0):
        return None
    # all-zero rows add nothing to the sum; a sum of nothing has norm 0 and gives None
    pooled = w.astype(np.float32) @ np.asarray(vectors, dtype=np.float32)
    norm = float(np.linalg.norm(pooled))
    return None if norm == 0 else (pooled / norm).astype(np.float32)
