"""BPR: pairwise-ranking matrix factorisation (Rendle et al. 2009) through `implicit`."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from implicit.cpu.bpr import BayesianPersonalizedRanking
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from semrec.models.base import check_float, check_int, check_seed
from semrec.models.factors import FactorModel, fold_in

__all__ = ["BPR"]


class BPR(FactorModel):
    """Bayesian personalised ranking fitted by implicit's CPU SGD.

    implicit stores an item bias as the last item-factor column (users hold a constant 1 there).
    BPR has no closed-form user step, so users are folded in with the ALS least-squares solve
    on the latent columns: binary history, confidence `fold_in_confidence` on history items,
    ridge penalty `fold_in_regularization`; the bias column is added back with coefficient 1.
    (On MovieLens-100k this fold-in ranks as well as the users' own trained factors.)
    """

    name: ClassVar[str] = "bpr"

    def __init__(
        self,
        *,
        factors: int = 64,
        learning_rate: float = 0.01,
        regularization: float = 0.01,
        iterations: int = 100,
        fold_in_confidence: float = 20.0,
        fold_in_regularization: float = 100.0,
        random_state: int | None = 0,
        num_threads: int = 0,
    ) -> None:
        super().__init__()
        self.factors = check_int("factors", factors, 1)
        self.learning_rate = check_float("learning_rate", learning_rate, 0.0, strict=True)
        self.regularization = check_float("regularization", regularization, 0.0)
        self.iterations = check_int("iterations", iterations, 1)
        self.fold_in_confidence = check_float(
            "fold_in_confidence", fold_in_confidence, 0.0, strict=True
        )
        self.fold_in_regularization = check_float(
            "fold_in_regularization", fold_in_regularization, 0.0, strict=True
        )
        self.random_state = check_seed("random_state", random_state)
        self.num_threads = check_int("num_threads", num_threads, 0)

    def _fit(self, interactions: sp.csr_matrix) -> None:
        with threadpool_limits(1, "blas"):
            bpr = BayesianPersonalizedRanking(
                factors=self.factors,
                learning_rate=self.learning_rate,
                regularization=self.regularization,
                iterations=self.iterations,
                random_state=self.random_state,
                num_threads=self.num_threads,
            )
            bpr.fit(interactions, show_progress=False)
        self._item_factors = np.ascontiguousarray(bpr.item_factors, dtype=np.float32)

    def _user_factors(self, histories: sp.csr_matrix) -> NDArray[np.float64]:
        confidence = sp.csr_matrix(histories, dtype=np.float64, copy=True)
        confidence.eliminate_zeros()
        confidence.data[:] = self.fold_in_confidence
        y, gram = self._latent64()
        users = fold_in(confidence, y, self.fold_in_regularization, gram)
        return np.hstack([users, np.ones((users.shape[0], 1))])

    def _latent_factors(self) -> NDArray[np.float32]:
        return self._item_factors[:, :-1]
