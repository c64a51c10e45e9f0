"""Item-kNN: sparse cosine item-item similarity, pruned to each item's nearest neighbours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.models.base import Arrays, Model, check_int

__all__ = ["ItemKNN", "cosine_similarity", "keep_top_per_row"]


def cosine_similarity(interactions: sp.csr_matrix) -> sp.csr_matrix:
    """Items x items cosine similarity of the columns of `interactions`, zero diagonal."""
    x = sp.csr_matrix(interactions, dtype=np.float64)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    xn = x @ sp.diags(inv)
    sim = (xn.T @ xn).tocsr()
    sim.setdiag(0.0)
    sim.eliminate_zeros()
    return sim


def keep_top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the `k` largest entries of each row (ties: lower column first)."""
    m = sp.csr_matrix(matrix)
    m.sort_indices()
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    order = np.lexsort((-m.data, rows))
    rank = np.arange(order.size) - m.indptr[rows[order]]
    keep = np.sort(order[rank < k])
    return sp.csr_matrix((m.data[keep], (rows[keep], m.indices[keep])), shape=m.shape)


class ItemKNN(Model):
    """Score item j by ``Σ_i history_i · sim(i, j)`` over j's `neighbors` most similar items."""

    name: ClassVar[str] = "itemknn"

    def __init__(self, *, neighbors: int = 100) -> None:
        super().__init__()
        self.neighbors = check_int("neighbors", neighbors, 1)
        self._sim: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=np.float32)

    def _fit(self, interactions: sp.csr_matrix) -> None:
        # Row j of the pruned matrix holds j's neighbours; transposed, column j does, so that
        # history @ sim sums over the neighbours of each target item.
        pruned = keep_top_per_row(cosine_similarity(interactions), self.neighbors)
        self._sim = pruned.T.tocsr().astype(np.float32)

    def _score(self, histories: sp.csr_matrix) -> NDArray[np.float32]:
        return np.asarray((histories @ self._sim).toarray(), dtype=np.float32)

    def _affinity(self, src: NDArray[np.int64], dst: NDArray[np.int64]) -> NDArray[np.float64]:
        return np.asarray(self._sim[src][:, dst].toarray(), dtype=np.float64)

    def _to_arrays(self) -> Arrays:
        return {
            "sim_data": self._sim.data,
            "sim_indices": self._sim.indices,
            "sim_indptr": self._sim.indptr,
        }

    def _from_arrays(self, arrays: Mapping[str, NDArray[Any]]) -> None:
        indptr = np.asarray(arrays["sim_indptr"])
        n = int(indptr.size - 1)
        self._sim = sp.csr_matrix(
            (np.asarray(arrays["sim_data"], dtype=np.float32), arrays["sim_indices"], indptr),
            shape=(n, n),
        )
