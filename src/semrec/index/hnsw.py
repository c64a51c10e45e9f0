"""Approximate search: a faiss HNSW graph (`IndexHNSWFlat`, inner product) behind the contract.

faiss was chosen over hnswlib and usearch by measurement (benchmarks/ann.py, results in
benchmarks/results/ann.md): the lowest single-query latency at equal recall and a native
filtered search (a bitmap selector checked inside the graph walk, no Python callback).

faiss numbers its vectors by insertion order ("slots"); this class maps item ids to slots. An
HNSW graph cannot delete, so re-adding an id appends a new slot and marks the old one dead;
dead slots are filtered out like disallowed ones. Filtered search widens the beam in inverse
proportion to the fraction of slots that pass, and switches to exact scoring of the passing
vectors when that is cheaper (`exact_per_ef`); a query row that still finds fewer than `k`
passing items is redone exactly, so `k` results come back whenever `k` items pass.
"""

from __future__ import annotations

import math
from typing import Any, Self

import faiss
import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.data.memory import prefer_huge_pages
from semrec.index.base import (
    Arrays,
    Result,
    check_add,
    check_int,
    check_k,
    check_metric,
    check_query,
    eligible_ids,
    empty_result,
    header,
    read_header,
    scored_top_k,
    shape_result,
)

__all__ = ["EXACT_PER_EF", "FILTER_EF_SCALE", "HnswIndex", "auto_ef"]

FILTER_EF_SCALE = 0.5
"""A filter passing a fraction f of slots searches with beam ``ef * FILTER_EF_SCALE / f``."""
EXACT_PER_EF = 15
"""Exact scoring of n vectors costs about as much as a beam of n / EXACT_PER_EF (measured)."""


def auto_ef(n: int) -> int:
    """The default search beam for a graph of `n` vectors: 64 up to 100k, then 4x per decade
    (256 at 1M), which kept recall@10 >= 0.95 in benchmarks/ann.py; at most 1024.

    >>> auto_ef(20_000), auto_ef(300_000), auto_ef(1_000_000)
    (64, 124, 256)
    """
    return int(min(1024, max(64, round(64 * 4 ** math.log10(max(n, 1) / 100_000)))))


def _non_negative(field: str, value: Any) -> float:
    """`value` as a float, or `ValidationError` unless it is a finite number >= 0."""
    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ValidationError(field, value, "a finite number >= 0")
    return float(value)


def _grown(array: NDArray[Any], size: int, fill: Any) -> NDArray[Any]:
    """`array` with at least `size` entries (capacity doubled, new entries = `fill`)."""
    if size <= array.size:
        return array
    out = np.full(max(size, 2 * array.size, 16), fill, array.dtype)
    out[: array.size] = array
    return out


class HnswIndex:
    """HNSW approximate nearest neighbours by inner product (faiss), with filters and re-adds.

    `m` is the graph degree, `ef_construction` the beam while inserting, `ef_search` the beam
    while searching (0: `auto_ef` of the graph's size). The defaults (16, 100, auto) gave
    recall@10 >= 0.95 on clustered data: 100k vectors of dim 64 and 384, 1M of dim 64
    (benchmarks/results/ann.md). A filter passing a fraction f of the graph widens the beam to
    ``ef * filter_ef_scale / f``; when at most ``exact_per_ef`` times that beam pass, their
    vectors are scored exactly instead. Not thread-safe: callers serialise `add` against
    `search` (concurrent searches are fine).
    """

    kind = "hnsw"

    def __init__(
        self,
        dim: int,
        *,
        metric: str = "ip",
        m: int = 16,
        ef_construction: int = 100,
        ef_search: int = 0,
        filter_ef_scale: float = FILTER_EF_SCALE,
        exact_per_ef: float = EXACT_PER_EF,
    ) -> None:
        self.dim = check_int("dim", dim, 1)
        self.metric = check_metric(metric)
        self.m = check_int("m", m, 2)
        self.ef_construction = check_int("ef_construction", ef_construction, 1)
        self.ef_search = check_int("ef_search", ef_search, 0)
        self.filter_ef_scale = _non_negative("filter_ef_scale", filter_ef_scale)
        self.exact_per_ef = _non_negative("exact_per_ef", exact_per_ef)
        self._index: Any = faiss.IndexHNSWFlat(self.dim, self.m, faiss.METRIC_INNER_PRODUCT)
        self._index.hnsw.efConstruction = self.ef_construction
        self._slot_ids = np.zeros(0, np.int64)  # slot -> id
        self._slot_of = np.zeros(0, np.int64)  # id -> slot, -1 when absent
        self._live = np.zeros(0, bool)  # slot -> still the current vector of its id
        self._slot_is_id = True  # every id added once, in order 0, 1, 2...: no mapping needed
        self._count = 0

    def __len__(self) -> int:
        """The number of ids in the index."""
        return self._count

    def __repr__(self) -> str:
        return f"HnswIndex(dim={self.dim}, metric={self.metric!r}, n={self._count}, m={self.m})"

    @property
    def ef(self) -> int:
        """The search beam in use: `ef_search`, or `auto_ef` of the graph's size when 0."""
        return self.ef_search or auto_ef(self.slots)

    @property
    def slots(self) -> int:
        """Vectors in the graph, dead ones (replaced by a re-add) included."""
        return int(self._index.ntotal)

    def add(self, ids: NDArray[np.integer], vectors: NDArray[np.floating]) -> None:
        """Insert `vectors` under `ids` into the graph (no rebuild); re-added ids are replaced.

        New vectors become new slots; the slots they replace are retired (dead).
        """
        ids, vectors = check_add(ids, vectors, self.dim, self.metric)
        if not ids.size:
            return
        start = self.slots
        self._slot_of = _grown(self._slot_of, int(ids.max()) + 1, -1)
        old = self._slot_of[ids]
        self._live = _grown(self._live, start + ids.size, False)
        self._live[old[old >= 0]] = False
        self._count += int(np.count_nonzero(old < 0))
        self._index.add(vectors)
        new = np.arange(start, start + ids.size, dtype=np.int64)
        self._slot_ids = _grown(self._slot_ids, start + ids.size, -1)
        self._slot_ids[new] = ids
        self._slot_of[ids] = new
        self._live[new] = True
        self._slot_is_id = self._slot_is_id and bool(np.array_equal(ids, new))
        if 8 * ids.size >= self.slots:  # a bulk add (a build): not each single live insert
            self._prefer_huge_pages()

    def search(
        self,
        query: NDArray[np.floating],
        k: int,
        *,
        allow: NDArray[np.bool_] | None = None,
        exclude: NDArray[np.integer] | None = None,
        beam: int | None = None,
    ) -> Result:
        """The `k` best ids and inner products per query row, best first (approximate).

        `beam` replaces `ef` for this call (a filter still widens it; at least `k` is used).
        """
        q = check_query(query, self.dim, self.metric)
        k = check_k(k)
        ok = self._passing_slots(allow, exclude)
        n_ok = self._count if ok is None else int(np.count_nonzero(ok))
        k = min(k, n_ok)
        if k == 0:
            return shape_result(empty_result(len(q)), query)
        base = self.ef if beam is None else check_int("beam", beam, 1)
        ef = max(base, k)
        if ok is not None:
            ef = max(ef, math.ceil(base * self.filter_ef_scale * self.slots / n_ok))
            if n_ok <= self.exact_per_ef * ef:
                return shape_result(self._exact(q, k, ok), query)
        return shape_result(self._approximate(q, k, ef, ok), query)

    def _passing_slots(self, allow: Any, exclude: Any) -> NDArray[np.bool_] | None:
        """Mask over slots that are live and pass the filters; None when every slot passes."""
        n = self.slots
        if allow is None and exclude is None and self._count == n:
            return None  # no filter and no dead slot (no pass over the slots)
        live = self._live[:n]
        if self._slot_is_id:
            return eligible_ids(live, allow, exclude)
        if allow is None and exclude is None:
            return None if self._count == n else live
        ok_ids = eligible_ids(self._slot_of >= 0, allow, exclude)
        return live if ok_ids is None else live & ok_ids[self._slot_ids[:n]]

    def _approximate(
        self, q: NDArray[np.float32], k: int, ef: int, ok: NDArray[np.bool_] | None
    ) -> Result:
        """Graph search with beam `ef`; rows that found fewer than `k` passing slots go exact."""
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
        params.efSearch = ef
        if ok is not None:
            bits = np.packbits(ok, bitorder="little")
            selector = faiss.IDSelectorBitmap(bits.size, faiss.swig_ptr(bits))
            params.sel = selector
        scores, slots = self._index.search(q, k, params=params)
        ids = self._slot_ids[slots]
        short = (slots < 0).any(axis=1)
        if short.any():
            ids[short], scores[short] = self._exact(q[short], k, ok)
        return ids, scores.astype(np.float32)

    def _exact(self, q: NDArray[np.float32], k: int, ok: NDArray[np.bool_] | None) -> Result:
        """Exact top-`k` among the slots in `ok` (None: all), read in place from faiss storage."""
        n = self.slots
        storage: Any = faiss.downcast_index(self._index.storage)
        vectors = faiss.rev_swig_ptr(storage.get_xb(), n * self.dim).reshape(n, self.dim)
        return scored_top_k(q, vectors, self._slot_ids[:n], ok, k)

    def to_arrays(self) -> Arrays:
        """Kind, dim, metric, parameters, the faiss graph as bytes, and the slot -> id map."""
        n = self.slots
        return header(self.kind, self.dim, self.metric) | {
            "params": np.array([self.m, self.ef_construction, self.ef_search], np.int64),
            "filter_params": np.array([self.filter_ef_scale, self.exact_per_ef], np.float64),
            "faiss": faiss.serialize_index(self._index),
            "slot_ids": self._slot_ids[:n].copy(),
            "live": self._live[:n].copy(),
        }

    @classmethod
    def from_arrays(cls, arrays: Arrays) -> Self:
        """The index `to_arrays` saved: same graph, so the same search results."""
        dim, metric = read_header(arrays, cls.kind)
        m, ef_construction, ef_search = (int(v) for v in arrays["params"])
        scale, per_ef = (float(v) for v in arrays["filter_params"])
        index = cls(
            dim,
            metric=metric,
            m=m,
            ef_construction=ef_construction,
            ef_search=ef_search,
            filter_ef_scale=scale,
            exact_per_ef=per_ef,
        )
        index._index = faiss.deserialize_index(np.ascontiguousarray(arrays["faiss"], np.uint8))
        index._slot_ids = arrays["slot_ids"].astype(np.int64)
        index._live = arrays["live"].astype(bool)
        live_ids = index._slot_ids[index._live]
        index._slot_of = np.full(int(index._slot_ids.max(initial=-1)) + 1, -1, np.int64)
        index._slot_of[live_ids] = np.flatnonzero(index._live)
        index._count = int(live_ids.size)
        index._slot_is_id = bool(np.array_equal(index._slot_ids, np.arange(index._live.size)))
        index._slot_is_id &= bool(index._live.all())
        index._prefer_huge_pages()
        return index

    def _prefer_huge_pages(self) -> None:
        """Back the graph and its vectors with huge pages (`semrec.data.memory`)."""
        graph, storage = self._index.hnsw, faiss.downcast_index(self._index.storage)
        assert isinstance(storage, faiss.IndexFlatCodes)
        for vector in (storage.codes, graph.neighbors, graph.offsets):
            if vector.size():
                prefer_huge_pages(faiss.rev_swig_ptr(vector.data(), vector.size()))
