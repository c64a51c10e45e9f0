"""`EmbeddingCache` (SQLite) and `CachedEncoder`: what is cached is never encoded again."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from semrec.data.errors import StoreError
from semrec.store.embedding_cache import EmbeddingCache
from semrec.text.encoders import CachedEncoder, HashingEncoder, content_key
from semrec.text.encoders.base import Matrix

TEXTS = ["red running shoes", "stainless steel wok", "noise cancelling headphones"]


class CountingEncoder:
    """A real `HashingEncoder` that records every text it is asked to encode."""

    def __init__(self, dim: int = 32) -> None:
        self.inner = HashingEncoder(dim)
        self.name = self.inner.name
        self.dim = dim
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> Matrix:
        self.seen.extend(texts)
        return self.inner.encode(texts, progress=progress)


def test_second_encode_of_the_same_texts_encodes_nothing() -> None:
    counting = CountingEncoder()
    cached = CachedEncoder(counting, EmbeddingCache(None))
    first = cached.encode(TEXTS)
    assert counting.seen == TEXTS
    assert (cached.last_hits, cached.last_misses) == (0, 3)
    second, stats = cached.encode_with_stats(TEXTS)
    assert counting.seen == TEXTS
    assert (stats.hits, stats.misses) == (3, 0)
    assert stats.describe() == "encoded 0 of 3 texts: all cached"
    np.testing.assert_array_equal(second, first)
    np.testing.assert_array_equal(first, HashingEncoder(32).encode(TEXTS))


def test_only_a_changed_text_is_encoded_again() -> None:
    counting = CountingEncoder()
    cached = CachedEncoder(counting, EmbeddingCache(None))
    cached.encode(TEXTS)
    counting.seen.clear()
    changed = [TEXTS[0], "cast iron frying pan", TEXTS[2]]
    vectors = cached.encode(changed)
    assert counting.seen == ["cast iron frying pan"]
    assert cached.last_stats.describe() == "encoded 1 of 3 texts (2 cached)"
    np.testing.assert_array_equal(vectors, HashingEncoder(32).encode(changed))


def test_repeats_and_spacing_variants_are_encoded_once() -> None:
    counting = CountingEncoder()
    cached = CachedEncoder(counting, EmbeddingCache(None))
    vectors = cached.encode(["red shoes", "  red   shoes\n", "red shoes", ""])
    assert counting.seen == ["red shoes", ""]
    np.testing.assert_array_equal(vectors[0], vectors[1])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), [1, 1, 1, 0], atol=1e-6)


def test_content_key_is_sha256_of_the_normalised_text() -> None:
    assert content_key("red shoes") == hashlib.sha256(b"red shoes").hexdigest()
    assert content_key(" red \t shoes ") == content_key("red shoes")
    assert content_key("cafe\u0301") == hashlib.sha256("café".encode()).hexdigest()
    assert content_key("Red shoes") != content_key("red shoes")


def test_cache_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "home" / "embeddings.sqlite"
    with EmbeddingCache(path) as cache:
        first = CachedEncoder(CountingEncoder(), cache).encode(TEXTS)
    counting = CountingEncoder()
    with EmbeddingCache(path) as cache:
        again = CachedEncoder(counting, cache).encode(TEXTS)
        assert cache.count(counting.name) == 3
    assert counting.seen == []
    np.testing.assert_array_equal(again, first)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_keys_are_namespaced_by_encoder_name() -> None:
    cache = EmbeddingCache(None)
    small, large = CountingEncoder(16), CountingEncoder(64)
    CachedEncoder(small, cache).encode(TEXTS)
    CachedEncoder(large, cache).encode(TEXTS)
    assert large.seen == TEXTS
    assert (cache.count(small.name), cache.count(large.name), cache.count("other")) == (3, 3, 0)


def test_a_stored_vector_of_the_wrong_size_is_a_miss() -> None:
    cache = EmbeddingCache(None)
    counting = CountingEncoder(16)
    cache.put(counting.name, {content_key("red shoes"): np.ones(8, dtype=np.float32)})
    vector = CachedEncoder(counting, cache).encode(["red shoes"])
    assert counting.seen == ["red shoes"]
    assert vector.shape == (1, 16)


def test_put_get_round_trip_by_hand() -> None:
    cache = EmbeddingCache(None)
    cache.put("enc", {"k1": np.array([1.5, -2.0, 0.25]), "k2": np.array([0.0, 1.0, 0.0])})
    found = cache.get("enc", ["k2", "missing", "k1", "k1"])
    assert sorted(found) == ["k1", "k2"]
    assert found["k1"].tolist() == [1.5, -2.0, 0.25]
    assert found["k1"].dtype == np.float32
    cache.put("enc", {"k1": np.array([9.0, 9.0, 9.0])})
    assert cache.get("enc", ["k1"])["k1"].tolist() == [9.0, 9.0, 9.0]
    assert cache.get("other", ["k1"]) == {}
    assert cache.clear("enc") == 2
    assert cache.count("enc") == 0


def test_many_keys_and_many_threads(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    read_back: list[int] = []

    def write(worker: int) -> None:
        for start in range(0, 600, 100):
            block = {
                f"w{worker}-{i}": np.full(4, i, dtype=np.float32) for i in range(start, start + 100)
            }
            cache.put("enc", block)
            read_back.append(len(cache.get("enc", list(block))))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert read_back == [100] * 24
    assert cache.count("enc") == 2400
    keys = [f"w{w}-{i}" for w in range(4) for i in range(600)]
    found = cache.get("enc", keys)
    assert len(found) == 2400
    assert found["w3-599"].tolist() == [599.0] * 4


def test_a_matrix_is_not_a_vector() -> None:
    with pytest.raises(StoreError, match="one row"):
        EmbeddingCache(None).put("enc", {"k": np.ones((2, 2))})
