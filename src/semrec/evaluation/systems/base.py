"""What the evaluation runner needs of a recommender system, ours or a peer's.

Every system works on dense integer ids. The runner owns the data and the protocol; a system
only learns from what it is given (`fit` on the train part, `observe` for events replayed
one by one) and answers `recommend` for a batch of users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.records import Item
from semrec.models import EventWeights, build_interactions, top_k

__all__ = ["EvalData", "ScoringSystem", "System", "interactions"]


@dataclass(frozen=True)
class EvalData:
    """A data set's events as parallel arrays over dense ids, plus optional item side data.

    `item_features` is a binary items x features CSR matrix (genres, categories, brands) for
    hybrid peers such as LightFM; `item_categories` is one int per item (-1 unknown) for
    diversity metrics. `user_ids` / `item_ids` map dense ids back to external ids.
    """

    name: str
    user_idx: NDArray[np.int64]
    item_idx: NDArray[np.int64]
    type_codes: NDArray[np.int8]
    values: NDArray[np.float64]
    timestamps: NDArray[np.float64]
    n_users: int
    n_items: int
    user_ids: tuple[str, ...] = ()
    item_ids: tuple[str, ...] = ()
    item_features: sp.csr_matrix | None = None
    item_categories: NDArray[np.int64] | None = None
    item_titles: tuple[str, ...] = ()
    #: The catalog records themselves, for systems that read item text (semrec).
    items: tuple[Item, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.user_idx.shape[0])


def interactions(
    data: EvalData, mask: NDArray[np.bool_], weights: EventWeights | None = None
) -> sp.csr_matrix:
    """The users x items weighted interaction matrix of the events selected by `mask`."""
    return build_interactions(
        data.user_idx[mask],
        data.item_idx[mask],
        data.type_codes[mask],
        data.values[mask],
        data.timestamps[mask],
        data.n_users,
        data.n_items,
        weights=weights or EventWeights(),
    )


class System(Protocol):
    """A recommender under evaluation."""

    name: str

    def fit(self, data: EvalData, train: NDArray[np.bool_]) -> None:
        """Learn from the events of `data` selected by the boolean mask `train`."""

    def observe(self, data: EvalData, events: NDArray[np.int64]) -> None:
        """Take in events (positions in `data`) that happened after `fit`, in time order."""

    def recommend(
        self, users: NDArray[np.int64], history: sp.csr_matrix, k: int
    ) -> NDArray[np.int64]:
        """Top-`k` item ids per user, best first, as an ``(len(users), k)`` array padded with -1.

        `history` holds each user's known interactions (rows aligned with `users`: everything
        fitted or observed so far); items in it must not be recommended.
        """


class ScoringSystem:
    """Base for systems that score every item: `recommend` masks the history and takes top-k.

    Subclasses implement `fit` and `score`; `observe` does nothing by default because `history`
    already carries the new events (the system folds them in when it scores).
    """

    name = "scoring"

    def fit(self, data: EvalData, train: NDArray[np.bool_]) -> None:
        """Learn from the train events."""
        raise NotImplementedError

    def observe(self, data: EvalData, events: NDArray[np.int64]) -> None:
        """New events reach the system through `history` at `recommend` time."""

    def score(self, users: NDArray[np.int64], history: sp.csr_matrix) -> NDArray[np.floating[Any]]:
        """Dense ``(len(users), n_items)`` scores; higher is better."""
        raise NotImplementedError

    def recommend(
        self, users: NDArray[np.int64], history: sp.csr_matrix, k: int
    ) -> NDArray[np.int64]:
        """Top-`k` unseen items per user by `score`, padded with -1."""
        history = sp.csr_matrix(history)
        scores = np.asarray(self.score(users, history), dtype=np.float64)
        out = np.full((len(users), k), -1, dtype=np.int64)
        for row in range(len(users)):
            allow = np.isfinite(scores[row])
            allow[history.indices[history.indptr[row] : history.indptr[row + 1]]] = False
            ids, _ = top_k(scores[row], k, allow=allow)
            out[row, : ids.size] = ids
        return out
