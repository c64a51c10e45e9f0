"""Shared machinery of the peer systems: one BLAS thread, history rows, popularity fallback.

Every learning peer answers a user whose history is empty (nothing fitted or observed yet)
with the train popularity ranking, as any deployment of these libraries would; without it
a factor model scores all items 0 and returns the lowest ids. Users with history are scored
by the peer alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

from semrec.data.errors import NotFittedError
from semrec.evaluation.systems.base import EvalData, ScoringSystem, interactions
from semrec.models import EventWeights, build_interactions
from semrec.models.base import fit_width

__all__ = [
    "FoldInPeer",
    "PeerSystem",
    "event_weights",
    "history_rows",
    "item_counts",
    "one_thread",
    "pad_ranked",
    "unchanged_rows",
]


@cache
def _controller() -> ThreadpoolController:
    """One controller per process: building one inspects every loaded library (~4 ms)."""
    return ThreadpoolController()


@contextmanager
def one_thread() -> Iterator[None]:
    """Limit BLAS and OpenMP pools to one thread (no oversubscription on small machines)."""
    with _controller().limit(limits=1):
        yield


def history_rows(history: sp.spmatrix, n_items: int) -> sp.csr_matrix:
    """`history` as float32 CSR with exactly `n_items` columns, no explicit zeros, sorted."""
    rows = fit_width(sp.csr_matrix(history, dtype=np.float32, copy=True), n_items)
    rows.eliminate_zeros()
    rows.sort_indices()
    return rows


def item_counts(data: EvalData, mask: NDArray[np.bool_]) -> NDArray[np.float64]:
    """How many events of `mask` each item has (events without an item are ignored)."""
    items = data.item_idx[mask]
    items = items[items >= 0]
    return np.bincount(items, minlength=data.n_items).astype(np.float64)


def event_weights(
    data: EvalData, positions: NDArray[np.int64], weights: EventWeights | None = None
) -> NDArray[np.float64]:
    """Each event's own weight, exactly as `interactions` weighs it (one event per row)."""
    n = int(positions.size)
    matrix = build_interactions(
        np.arange(n, dtype=np.int64),
        data.item_idx[positions],
        data.type_codes[positions],
        data.values[positions],
        data.timestamps[positions],
        n_users=n,
        n_items=data.n_items,
        weights=weights or EventWeights(),
    )
    return np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()


def unchanged_rows(
    users: NDArray[np.int64], rows: sp.csr_matrix, fitted: sp.csr_matrix
) -> NDArray[np.bool_]:
    """Whether each user was in `fitted` with exactly the items of its history row."""
    out = np.zeros(len(users), dtype=bool)
    for n, user in enumerate(np.asarray(users).tolist()):
        if not 0 <= user < fitted.shape[0]:
            continue
        lo, hi = fitted.indptr[user], fitted.indptr[user + 1]
        have = rows.indices[rows.indptr[n] : rows.indptr[n + 1]]
        out[n] = hi > lo and np.array_equal(np.sort(fitted.indices[lo:hi]), have)
    return out


def pad_ranked(
    ranked: Sequence[Iterable[int]], history: sp.csr_matrix, k: int, n_items: int
) -> NDArray[np.int64]:
    """Rows of ranked ids cleaned (valid, unseen, first occurrence), cut at `k`, padded -1."""
    out = np.full((len(ranked), k), -1, dtype=np.int64)
    for row, ids in enumerate(ranked):
        seen = set(history.indices[history.indptr[row] : history.indptr[row + 1]].tolist())
        kept: list[int] = []
        for item in ids:
            if len(kept) == k:
                break
            if 0 <= item < n_items and item not in seen:
                kept.append(int(item))
                seen.add(int(item))
        out[row, : len(kept)] = kept
    return out


class PeerSystem(ScoringSystem):
    """A scoring peer: `fit` builds the weighted train matrix, `score` serves the live history.

    Subclasses implement `_fit(data, train, matrix)` and `_score(users, rows)`; rows with an
    empty history get the train popularity (event counts) instead. All library calls run with
    one BLAS/OpenMP thread.
    """

    name = "peer"

    def __init__(self) -> None:
        self._n_items: int | None = None
        self._popularity: NDArray[np.float64] = np.zeros(0)

    def fit(self, data: EvalData, train: NDArray[np.bool_]) -> None:
        """Fit the peer on the weighted interactions of the train events."""
        matrix = interactions(data, train)
        self._popularity = item_counts(data, train)
        with one_thread():
            self._fit(data, train, matrix)
        self._n_items = data.n_items

    def score(self, users: NDArray[np.int64], history: sp.csr_matrix) -> NDArray[np.float64]:
        """Dense scores of every item for each history row (popularity for empty rows)."""
        rows = history_rows(history, self._require_fitted())
        with one_thread():
            scores = np.asarray(self._score(np.asarray(users, dtype=np.int64), rows), np.float64)
        empty = np.diff(rows.indptr) == 0
        scores[empty] = self._popularity
        return scores

    def _require_fitted(self) -> int:
        """The fitted item count, or `NotFittedError` naming the system."""
        if self._n_items is None:
            raise NotFittedError(f"system {self.name!r}", "fit()")
        return self._n_items

    def _fit(self, data: EvalData, train: NDArray[np.bool_], matrix: sp.csr_matrix) -> None:
        """Learn from the train events; `matrix` is their weighted users x items CSR."""
        raise NotImplementedError

    def _score(self, users: NDArray[np.int64], rows: sp.csr_matrix) -> NDArray[Any]:
        """Dense ``(len(users), n_items)`` scores for float32 history rows of width n_items."""
        raise NotImplementedError


class FoldInPeer(PeerSystem):
    """A factor peer: ``user · item + item_bias`` with users folded in when their rows change.

    A user whose history row holds exactly the items it was trained on keeps its trained
    vector; any other user (unseen at fit, or with new events) gets ``_fold_in(row)``.
    `_fit` must set `_train` (the fitted matrix), `_users`, `_items` and optionally `_bias`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._train = sp.csr_matrix((0, 0), dtype=np.float32)
        self._users: NDArray[np.float64] = np.zeros((0, 0))
        self._items: NDArray[np.float64] = np.zeros((0, 0))
        self._bias: NDArray[np.float64] = np.zeros(0)

    def _score(self, users: NDArray[np.int64], rows: sp.csr_matrix) -> NDArray[Any]:
        same = unchanged_rows(users, rows, self._train)
        vectors = np.empty((len(users), self._items.shape[1]))
        vectors[same] = self._users[users[same]]
        if not same.all():
            vectors[~same] = self._fold_in(rows[np.flatnonzero(~same)])
        scores = vectors @ self._items.T
        return scores + self._bias if self._bias.size else scores

    def _fold_in(self, rows: sp.csr_matrix) -> NDArray[np.float64]:
        """User vectors (columns like `_items`) for history rows the model was not fitted on."""
        raise NotImplementedError
