"""Choose the index once: exact below a size threshold, HNSW (faiss) above it."""

from __future__ import annotations

from semrec.data.errors import ValidationError
from semrec.index.base import Arrays, VectorIndex, check_int, check_metric
from semrec.index.exact import ExactIndex
from semrec.index.hnsw import HnswIndex

__all__ = ["EXACT_BELOW", "load_index", "make_index"]

EXACT_BELOW = 20_000
"""Below this many items exact search is used (see benchmarks/results/ann.md for the crossover)."""

_KINDS: dict[str, type[ExactIndex] | type[HnswIndex]] = {
    ExactIndex.kind: ExactIndex,
    HnswIndex.kind: HnswIndex,
}


def make_index(
    dim: int, n_expected: int, *, exact_below: int = EXACT_BELOW, metric: str = "ip"
) -> VectorIndex:
    """An empty index for `n_expected` vectors of `dim`: `ExactIndex` when fewer than
    `exact_below` are expected, else `HnswIndex`. `metric` is "ip" or "cosine" (normalises).

    >>> type(make_index(8, 100)).__name__, type(make_index(8, 100, exact_below=0)).__name__
    ('ExactIndex', 'HnswIndex')
    """
    check_int("dim", dim, 1)
    check_metric(metric)
    if check_int("n_expected", n_expected, 0) < check_int("exact_below", exact_below, 0):
        return ExactIndex(dim, metric=metric)
    return HnswIndex(dim, metric=metric)


def load_index(arrays: Arrays) -> VectorIndex:
    """The index saved by `to_arrays` of either implementation (dispatches on its "kind")."""
    kind = str(arrays["kind"]) if "kind" in arrays else None
    if kind not in _KINDS:
        raise ValidationError("arrays.kind", kind, f"one of {', '.join(_KINDS)}")
    return _KINDS[kind].from_arrays(arrays)
