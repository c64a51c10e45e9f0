"""The two reference points every comparison needs: popularity and EASE on live history."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.errors import NotFittedError
from semrec.evaluation.systems._common import PeerSystem, item_counts
from semrec.evaluation.systems.base import EvalData, ScoringSystem
from semrec.models import EASE

__all__ = ["EASESystem", "PopularitySystem"]


class PopularitySystem(ScoringSystem):
    """Every user gets the items with the most events so far (train events, then observed ones).

    The score of an item is its event count; `fit` counts the train events and `observe` adds
    each new event as it arrives, so the ranking follows the replay online. Ties go to the
    lower item id; the user's history is excluded by `recommend`.
    """

    name = "popularity"

    def __init__(self) -> None:
        self._counts: NDArray[np.float64] | None = None

    def fit(self, data: EvalData, train: NDArray[np.bool_]) -> None:
        """Count the train events of each item."""
        self._counts = item_counts(data, train)

    def observe(self, data: EvalData, events: NDArray[np.int64]) -> None:
        """Add the new events to the item counts."""
        counts = self._require_fitted()
        items = data.item_idx[np.asarray(events, dtype=np.int64)]
        items = items[(items >= 0) & (items < counts.size)]
        np.add.at(counts, items, 1.0)

    def score(self, users: NDArray[np.int64], history: sp.csr_matrix) -> NDArray[np.float64]:
        """The current counts, the same row for every user."""
        counts = self._require_fitted()
        return np.tile(counts, (len(users), 1))

    def _require_fitted(self) -> NDArray[np.float64]:
        if self._counts is None:
            raise NotFittedError("system 'popularity'", "fit()")
        return self._counts


class EASESystem(PeerSystem):
    """EASE (Steck 2019) fitted on the weighted train interactions, scoring the live history.

    This is semrec's own `semrec.models.EASE`: scores are ``history @ B``, where ``history`` is
    the row passed to `recommend` (train plus observed events), so new events count at once
    without refitting. `l2` is the ridge penalty on the item-item weights. Users with an empty
    history get the train popularity (EASE would score every item 0).
    """

    name = "ease"

    def __init__(self, l2: float = 500.0) -> None:
        super().__init__()
        self.l2 = float(l2)
        self._model = EASE(l2=self.l2)

    def _fit(self, data: EvalData, train: NDArray[np.bool_], matrix: sp.csr_matrix) -> None:
        self._model = EASE(l2=self.l2).fit(matrix)

    def _score(self, users: NDArray[np.int64], rows: sp.csr_matrix) -> NDArray[Any]:
        return self._model.score(rows)
