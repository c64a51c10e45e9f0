"""Popularity: the same ranking for everyone, the last step of every fallback chain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.models.base import Arrays, Model

__all__ = ["Popularity"]

#: Weight of the interaction count relative to the summed weight, used only to break ties.
_COUNT_TIE_BREAK = 1e-4


class Popularity(Model):
    """Score = the item's summed (already time-decayed) weight, scaled so the top item is 1.

    A tiny term proportional to the number of interacting users breaks ties between items of
    equal weight (more users first). The history is ignored; exclude consumed items in `top_k`.
    """

    name: ClassVar[str] = "popularity"

    def __init__(self) -> None:
        super().__init__()
        self._scores: NDArray[np.float32] = np.zeros(0, dtype=np.float32)

    def _fit(self, interactions: sp.csr_matrix) -> None:
        sums = np.asarray(interactions.sum(axis=0), dtype=np.float64).ravel()
        counts = np.bincount(interactions.indices, minlength=interactions.shape[1])
        scores = sums / max(sums.max(), 1e-12)
        scores += _COUNT_TIE_BREAK * counts / max(counts.max(), 1)
        self._scores = scores.astype(np.float32)

    def _score(self, histories: sp.csr_matrix) -> NDArray[np.float32]:
        return np.tile(self._scores, (histories.shape[0], 1))

    def _to_arrays(self) -> Arrays:
        return {"scores": self._scores}

    def _from_arrays(self, arrays: Mapping[str, NDArray[Any]]) -> None:
        self._scores = np.asarray(arrays["scores"], dtype=np.float32)
