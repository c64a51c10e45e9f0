"""EASE: the closed-form linear item-item model of Steck (2019), a strong published baseline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.models.base import Arrays, Model, check_float, check_int

__all__ = ["EASE"]


class EASE(Model):
    """Embarrassingly Shallow Autoencoder: ``B = I - P / diag(P)``, ``P = (XᵀX + l2·I)⁻¹``.

    ``B`` has a zero diagonal, so an item never recommends itself; scores are ``history @ B``.
    The dense items x items inverse costs O(n³) time and 4·n² bytes, so fitting refuses more
    than `max_items` items.
    """

    name: ClassVar[str] = "ease"

    def __init__(self, *, l2: float = 2000.0, max_items: int = 20_000) -> None:
        super().__init__()
        self.l2 = check_float("l2", l2, 0.0, strict=True)
        self.max_items = check_int("max_items", max_items, 1)
        self._weights: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)

    def _fit(self, interactions: sp.csr_matrix) -> None:
        n_items = interactions.shape[1]
        if n_items > self.max_items:
            raise ValidationError(
                "interactions", f"{n_items} items", f"at most max_items={self.max_items} for EASE"
            )
        x = interactions.astype(np.float64)
        gram = np.asarray((x.T @ x).toarray())
        gram[np.diag_indices(n_items)] += self.l2
        p = np.linalg.inv(gram)
        b = -p / np.diag(p)[None, :]
        b[np.diag_indices(n_items)] = 0.0
        self._weights = b.astype(np.float32)

    def _score(self, histories: sp.csr_matrix) -> NDArray[np.float32]:
        return np.asarray(histories @ self._weights, dtype=np.float32)

    def _affinity(self, src: NDArray[np.int64], dst: NDArray[np.int64]) -> NDArray[np.float64]:
        return self._weights[np.ix_(src, dst)].astype(np.float64)

    def _to_arrays(self) -> Arrays:
        return {"weights": self._weights}

    def _from_arrays(self, arrays: Mapping[str, NDArray[Any]]) -> None:
        self._weights = np.asarray(arrays["weights"], dtype=np.float32)
