"""The `implicit` library's ALS and BPR as peers, with users folded in from their live history.

Both fit implicit's CPU solvers (one thread) on the weighted train interactions. A static
factor model knows only the users and events it was trained on; in a replay most requests
come from users with newer events, so both peers fold the live history in at request time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from implicit.cpu.bpr import BayesianPersonalizedRanking
from numpy.typing import NDArray

from semrec.data.errors import NotFittedError
from semrec.evaluation.systems._common import (
    FoldInPeer,
    PeerSystem,
    history_rows,
    one_thread,
    pad_ranked,
)
from semrec.evaluation.systems.base import EvalData
from semrec.models.factors import fold_in

__all__ = ["ImplicitALSSystem", "ImplicitBPRSystem"]


class ImplicitALSSystem(PeerSystem):
    """implicit's `AlternatingLeastSquares` (Hu, Koren & Volinsky 2008), fold-in by implicit.

    Fitted on confidences ``alpha · X`` of the weighted train interactions. `recommend` calls
    implicit's own ``recommend(..., recalculate_user=True, filter_already_liked_items=True)``
    on the live history rows: each user's factors are recomputed by the exact ALS user step
    against the frozen item factors, so users unseen at fit and users with new events are
    served from everything they did. Users with an empty history get the train popularity.
    """

    name = "implicit-als"

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 0.05,
        alpha: float = 1.0,
        iterations: int = 15,
        random_state: int = 0,
    ) -> None:
        super().__init__()
        self.factors = int(factors)
        self.regularization = float(regularization)
        self.alpha = float(alpha)
        self.iterations = int(iterations)
        self.random_state = int(random_state)
        self._als: AlternatingLeastSquares | None = None

    def _fit(self, data: EvalData, train: NDArray[np.bool_], matrix: sp.csr_matrix) -> None:
        self._als = AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            alpha=self.alpha,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=1,
        )
        self._als.fit(matrix, show_progress=False)

    def _model(self) -> AlternatingLeastSquares:
        """The fitted implicit model, or `NotFittedError`."""
        self._require_fitted()
        if self._als is None:
            raise NotFittedError(f"system {self.name!r}", "fit()")
        return self._als

    def _score(self, users: NDArray[np.int64], rows: sp.csr_matrix) -> NDArray[Any]:
        als = self._model()
        factors = als.recalculate_user(np.arange(rows.shape[0]), rows)
        return np.asarray(factors @ als.item_factors.T, dtype=np.float64)

    def recommend(
        self, users: NDArray[np.int64], history: sp.csr_matrix, k: int
    ) -> NDArray[np.int64]:
        """Top-`k` unseen items per user through implicit's `recommend` with fold-in."""
        n_items, als = self._require_fitted(), self._model()
        users = np.asarray(users, dtype=np.int64)
        rows = history_rows(history, n_items)
        n, empty = rows.shape[0], np.diff(rows.indptr) == 0
        ranked: list[list[int]] = [[] for _ in range(n)]
        active = np.flatnonzero(~empty)
        if active.size and k > 0:
            with one_thread():
                ids, scores = als.recommend(
                    np.arange(active.size),
                    rows[active],
                    N=min(k, n_items),
                    filter_already_liked_items=True,
                    recalculate_user=True,
                )
            for row, item_ids, item_scores in zip(active, ids, scores, strict=True):
                ranked[row] = item_ids[np.isfinite(item_scores)].tolist()
        if empty.any():
            fallback = super().recommend(users[empty], rows[empty], k)
            for row, items in zip(np.flatnonzero(empty), fallback, strict=True):
                ranked[row] = items.tolist()
        return pad_ranked(ranked, rows, k, n_items)


class ImplicitBPRSystem(FoldInPeer):
    """implicit's `BayesianPersonalizedRanking` (Rendle et al. 2009) with least-squares fold-in.

    Fitted by SGD on the train interactions (implicit treats every positive cell alike).
    implicit offers no fold-in for BPR, so: a user whose history row holds exactly the items
    it was trained on is scored with its own trained factors; any other user (unseen at fit,
    or with new events) gets factors by the implicit-feedback least-squares user step against
    the frozen latent item factors (confidence `fold_in_confidence` on history items, ridge
    `fold_in_regularization`), with the item-bias column added back with weight 1; this is
    the fold-in of `semrec.models.BPR`. Users with an empty history get the train popularity.
    """

    name = "implicit-bpr"

    def __init__(
        self,
        factors: int = 64,
        learning_rate: float = 0.01,
        regularization: float = 0.01,
        iterations: int = 100,
        fold_in_confidence: float = 20.0,
        fold_in_regularization: float = 100.0,
        random_state: int = 0,
    ) -> None:
        super().__init__()
        self.factors = int(factors)
        self.learning_rate = float(learning_rate)
        self.regularization = float(regularization)
        self.iterations = int(iterations)
        self.fold_in_confidence = float(fold_in_confidence)
        self.fold_in_regularization = float(fold_in_regularization)
        self.random_state = int(random_state)

    def _fit(self, data: EvalData, train: NDArray[np.bool_], matrix: sp.csr_matrix) -> None:
        bpr = BayesianPersonalizedRanking(
            factors=self.factors,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=1,
        )
        bpr.fit(matrix, show_progress=False)
        self._train = matrix
        self._users = np.asarray(bpr.user_factors, dtype=np.float64)
        self._items = np.asarray(bpr.item_factors, dtype=np.float64)

    def _fold_in(self, rows: sp.csr_matrix) -> NDArray[np.float64]:
        confidence = sp.csr_matrix(rows, dtype=np.float64, copy=True)
        confidence.data[:] = self.fold_in_confidence
        latent = fold_in(confidence, self._items[:, :-1], self.fold_in_regularization)
        return np.hstack([latent, np.ones((latent.shape[0], 1))])
