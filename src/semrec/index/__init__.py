"""Nearest-neighbour search over item vectors: exact below a size threshold, ANN above it.

`make_index(dim, n_expected)` picks the implementation (exact while items x dim < 1.28M,
else a faiss HNSW graph); both follow `VectorIndex`: `add(ids, vectors)`, `search(query, k,
allow=..., exclude=...)` returning ``(ids, scores)`` best first, and `to_arrays()` /
`load_index(arrays)` for pickle-free snapshots.
"""

from semrec.index.base import METRICS, VectorIndex
from semrec.index.exact import ExactIndex
from semrec.index.factory import EXACT_FLOATS, exact_below_for, load_index, make_index
from semrec.index.hnsw import HnswIndex

__all__ = [
    "EXACT_FLOATS",
    "METRICS",
    "ExactIndex",
    "HnswIndex",
    "VectorIndex",
    "exact_below_for",
    "load_index",
    "make_index",
]
