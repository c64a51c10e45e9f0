"""rtrec's SLIM (`rtrec.models.SLIM`) as a peer, with rtrec's own online updates.

rtrec (imported when a system is fitted, from the ``peers`` extra) keeps its own user-item
store and an ElasticNet item-item matrix. Dense semrec ids are passed to rtrec as Python ints,
which rtrec uses as its own row and column indices ("pass-through" ids), so no mapping table
is needed and none can drift.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.errors import NotFittedError
from semrec.evaluation.systems._common import event_weights, history_rows, one_thread, pad_ranked
from semrec.evaluation.systems.base import EvalData

__all__ = ["RtrecSLIMSystem"]

#: One event as rtrec takes it: (user, item, timestamp, rating).
Interaction = tuple[int, int, float, float]


class RtrecSLIMSystem:
    """rtrec's SLIM (ElasticNet item-item weights, non-negative) updated online by rtrec.

    * `fit` adds the train events to rtrec's store in time order (`add_interactions`) and runs
      rtrec's `bulk_fit` (one ElasticNet per item, single process, one BLAS thread).
    * `observe` hands the new events, in time order, to rtrec's incremental `fit`, which adds
      them to the store and refits the item columns they touch (rtrec's partial fit).
    * `recommend` asks rtrec's `recommend_batch` (interacted items filtered by rtrec); users
      rtrec has never seen get rtrec's hot items. rtrec returns only items with a non-zero
      score, so the remaining places are filled from rtrec's hot items, then -1.

    Each event enters rtrec with its semrec weight (type weight x rating factor, as in
    `interactions`) as the rating; rtrec sums repeats and clips them to its own bounds.
    `alpha` (overall penalty) and `l1_ratio` (its L1 share) are the ElasticNet regularisation.
    """

    name = "rtrec-slim"

    def __init__(
        self,
        alpha: float = 0.1,
        l1_ratio: float = 0.1,
        max_iter: int = 100,
        nn_feature_selection: int | None = None,
        random_state: int = 43,
    ) -> None:
        self.alpha = float(alpha)
        self.l1_ratio = float(l1_ratio)
        self.max_iter = int(max_iter)
        self.nn_feature_selection = nn_feature_selection
        self.random_state = int(random_state)
        self._slim: Any = None
        self._n_items = 0

    def _new_model(self) -> Any:
        from rtrec.models import SLIM

        return SLIM(
            alpha=self.alpha,
            l1_ratio=self.l1_ratio,
            max_iter=self.max_iter,
            nn_feature_selection=self.nn_feature_selection,
            random_state=self.random_state,
        )

    @staticmethod
    def _tuples(data: EvalData, positions: NDArray[np.int64]) -> list[Interaction]:
        """(user, item, timestamp, rating) in time order, events of positive weight only."""
        positions = np.asarray(positions, dtype=np.int64)
        positions = positions[np.argsort(data.timestamps[positions], kind="stable")]
        weights = event_weights(data, positions)
        keep = (weights > 0) & (data.item_idx[positions] >= 0)
        return list(
            zip(
                data.user_idx[positions][keep].tolist(),
                data.item_idx[positions][keep].tolist(),
                data.timestamps[positions][keep].tolist(),
                weights[keep].tolist(),
                strict=True,
            )
        )

    def fit(self, data: EvalData, train: NDArray[np.bool_]) -> None:
        """A fresh rtrec SLIM: add the train events, then rtrec's `bulk_fit`."""
        self._slim = self._new_model()
        self._n_items = data.n_items
        events = self._tuples(data, np.flatnonzero(train))
        if not events:
            return
        self._slim.add_interactions(events)
        with one_thread():
            self._slim.bulk_fit(parallel=False, progress_bar=False)

    def observe(self, data: EvalData, events: NDArray[np.int64]) -> None:
        """Feed new events to rtrec's incremental fit (store update + touched item columns)."""
        slim = self._model()
        new = self._tuples(data, events)
        if not new:
            return
        with one_thread():
            slim.fit(new, progress_bar=False)

    def recommend(
        self, users: NDArray[np.int64], history: sp.csr_matrix, k: int
    ) -> NDArray[np.int64]:
        """Top-`k` through rtrec's `recommend_batch`, filled from rtrec's hot items."""
        slim = self._model()
        rows = history_rows(history, self._n_items)
        if k <= 0 or slim.user_ids.pass_through is not True:  # nothing fitted or observed yet
            return pad_ranked([[] for _ in range(len(users))], rows, k, self._n_items)
        extra = int(np.diff(rows.indptr).max(initial=0))
        with one_thread():
            ranked = slim.recommend_batch([int(u) for u in users], top_k=k + extra)
            hot = slim.interactions.get_hot_items(None, filter_interacted=False)
        return pad_ranked([chain(items, hot) for items in ranked], rows, k, self._n_items)

    def _model(self) -> Any:
        if self._slim is None:
            raise NotFittedError(f"system {self.name!r}", "fit()")
        return self._slim
