"""An encoder in front of an embedding cache: only texts never seen before reach the model.

A text's key is the SHA-256 of its normalised form (Unicode NFC, runs of white space made one
space, ends stripped), so texts that differ only in spacing share one vector. The key names
content, not items: an item whose text changes gets a new key and is encoded again, and two
items with the same text share one vector.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from semrec.text.encoders.base import Encoder, Matrix, check_texts

__all__ = ["CacheStats", "CachedEncoder", "VectorCache", "content_key", "normalise_text"]

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """`text` in NFC with white space collapsed to single spaces and trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def content_key(text: str) -> str:
    """SHA-256 hex digest of the normalised UTF-8 text: the cache key of its vector."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


class VectorCache(Protocol):
    """What `CachedEncoder` needs of a cache (`semrec.store.EmbeddingCache` is one)."""

    def get(self, encoder: str, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """Stored vectors of those keys that exist."""
        ...

    def put(self, encoder: str, vectors: Mapping[str, npt.NDArray[np.floating]]) -> None:
        """Store vectors by key."""
        ...


@dataclass(frozen=True)
class CacheStats:
    """What one `encode` call did: rows asked for, found in the cache, and encoded."""

    texts: int
    hits: int
    misses: int

    def describe(self) -> str:
        """One line for a report, e.g. ``encoded 0 of 2000 texts: all cached``."""
        tail = ": all cached" if self.texts and not self.misses else f" ({self.hits} cached)"
        return f"encoded {self.misses} of {self.texts} texts{tail}"


class CachedEncoder:
    """`encoder` whose vectors are looked up in, and added to, `cache` under `encoder.name`.

    Hits and misses count distinct keys of one call: a text repeated in a call is encoded at
    most once. `last_stats` is the latest call's counts (per instance, not per thread; use
    `encode_with_stats` when several threads share the encoder).
    """

    def __init__(self, encoder: Encoder, cache: VectorCache) -> None:
        self.encoder = encoder
        self.cache = cache
        self.last_stats = CacheStats(0, 0, 0)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The inner encoder's name (the cache namespace)."""
        return self.encoder.name

    @property
    def dim(self) -> int:
        """The inner encoder's dimension."""
        return self.encoder.dim

    @property
    def last_hits(self) -> int:
        """Distinct texts of the latest call found in the cache."""
        return self.last_stats.hits

    @property
    def last_misses(self) -> int:
        """Distinct texts of the latest call that had to be encoded."""
        return self.last_stats.misses

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> Matrix:
        """The vectors of `texts`, encoding only those the cache does not have."""
        return self.encode_with_stats(texts, progress=progress)[0]

    def encode_with_stats(
        self, texts: Sequence[str], *, progress: bool = False
    ) -> tuple[Matrix, CacheStats]:
        """The vectors of `texts` and what this call found and encoded."""
        items = check_texts(texts)
        keys = [content_key(text) for text in items]
        name, dim = self.encoder.name, self.encoder.dim
        found = {k: v for k, v in self.cache.get(name, keys).items() if v.shape == (dim,)}
        missing = {key: normalise_text(text) for key, text in zip(keys, items, strict=True)}
        missing = {key: text for key, text in missing.items() if key not in found}
        if missing:
            vectors = self.encoder.encode(list(missing.values()), progress=progress)
            fresh = dict(zip(missing, vectors, strict=True))
            self.cache.put(name, fresh)
            found.update(fresh)
        out = np.zeros((len(items), dim), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = found[key]
        stats = CacheStats(len(items), len(set(keys)) - len(missing), len(missing))
        with self._lock:
            self.last_stats = stats
        return out, stats
