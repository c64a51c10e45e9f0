"""ALS: implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) through `implicit`."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from semrec.models.base import check_float, check_int, check_seed
from semrec.models.factors import FactorModel, fold_in

__all__ = ["ALS"]


class ALS(FactorModel):
    """Alternating least squares on confidences ``alpha · X`` (implicit's CPU solver).

    Users are folded in with the exact ALS user step against the frozen item factors, so a
    training user's fold-in matches what one more ALS half-iteration would give.
    """

    name: ClassVar[str] = "als"

    def __init__(
        self,
        *,
        factors: int = 64,
        regularization: float = 10.0,
        alpha: float = 1.0,
        iterations: int = 15,
        random_state: int | None = 0,
        num_threads: int = 0,
    ) -> None:
        super().__init__()
        self.factors = check_int("factors", factors, 1)
        self.regularization = check_float("regularization", regularization, 0.0)
        self.alpha = check_float("alpha", alpha, 0.0, strict=True)
        self.iterations = check_int("iterations", iterations, 1)
        self.random_state = check_seed("random_state", random_state)
        self.num_threads = check_int("num_threads", num_threads, 0)

    def _fit(self, interactions: sp.csr_matrix) -> None:
        with threadpool_limits(1, "blas"):
            als = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.random_state,
                num_threads=self.num_threads,
            )
            als.fit(interactions, show_progress=False)
        self._item_factors = np.ascontiguousarray(als.item_factors, dtype=np.float32)

    def _user_factors(self, histories: sp.csr_matrix) -> NDArray[np.float64]:
        y, gram = self._latent64()
        return fold_in(histories, y, self.regularization, gram, scale=self.alpha)
