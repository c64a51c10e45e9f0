"""Choose the index once: exact below a size threshold, HNSW (faiss) above it."""

from __future__ import annotations

from semrec.data.errors import ValidationError
from semrec.index.base import Arrays, VectorIndex, check_int, check_metric
from semrec.index.exact import ExactIndex
from semrec.index.hnsw import HnswIndex

__all__ = ["EXACT_FLOATS", "exact_below_for", "load_index", "make_index"]

EXACT_FLOATS = 20_000 * 64
"""Exact search while items x dim stays below this (20k items of dim 64, 3.3k of dim 384).

Exact latency grows with items x dim, HNSW latency hardly with either (benchmarks/ann.md):
below this size exact answers in about 0.25 ms on one core, and HNSW would save at most about
0.1 ms per query while costing seconds of build time and some recall.
"""

_KINDS: dict[str, type[ExactIndex] | type[HnswIndex]] = {
    ExactIndex.kind: ExactIndex,
    HnswIndex.kind: HnswIndex,
}


def exact_below_for(dim: int) -> int:
    """The default size threshold for vectors of `dim`: `EXACT_FLOATS // dim`.

    >>> exact_below_for(64), exact_below_for(384)
    (20000, 3333)
    """
    return EXACT_FLOATS // check_int("dim", dim, 1)


def make_index(
    dim: int, n_expected: int, *, exact_below: int | None = None, metric: str = "ip"
) -> VectorIndex:
    """An empty index for `n_expected` vectors of `dim`: `ExactIndex` when fewer than
    `exact_below` (default `exact_below_for(dim)`) are expected, else `HnswIndex`.
    `metric` is "ip" (inner product) or "cosine" (vectors and queries normalised).

    >>> type(make_index(64, 100)).__name__, type(make_index(64, 100, exact_below=0)).__name__
    ('ExactIndex', 'HnswIndex')
    """
    threshold = exact_below_for(dim) if exact_below is None else exact_below
    check_metric(metric)
    if check_int("n_expected", n_expected, 0) < check_int("exact_below", threshold, 0):
        return ExactIndex(dim, metric=metric)
    return HnswIndex(dim, metric=metric)


def load_index(arrays: Arrays) -> VectorIndex:
    """The index saved by `to_arrays` of either implementation (dispatches on its "kind")."""
    kind = str(arrays["kind"]) if "kind" in arrays else None
    if kind not in _KINDS:
        raise ValidationError("arrays.kind", kind, f"one of {', '.join(_KINDS)}")
    return _KINDS[kind].from_arrays(arrays)
