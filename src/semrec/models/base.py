"""The one small contract every collaborative-filtering model follows.

A model is fitted on a users x items CSR matrix and afterwards scores *history rows*, not user
ids: each row is one user's current interactions (the same weighting as the training data).
This fold-in is how a user's next recommendation reflects what they just did, without
retraining, and how users unseen at fit time get recommendations. Columns beyond the fitted
item count (items added after fit) are ignored in histories and score 0.

Fitted state is a dict of plain numeric arrays (`to_arrays`) plus JSON-able `params`, so a
snapshot can be written with ``np.savez`` and read back with ``allow_pickle=False``.
"""

from __future__ import annotations

import inspect
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.errors import NotFittedError, ValidationError

__all__ = [
    "Model",
    "as_csr",
    "check_float",
    "check_int",
    "check_seed",
    "fit_width",
    "param_names",
]

Arrays = dict[str, NDArray[Any]]


def param_names(cls: type[Model]) -> tuple[str, ...]:
    """The keyword parameters a model class accepts (its ``__init__`` keywords)."""
    sig = inspect.signature(cls.__init__)
    return tuple(p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY)


def check_int(field: str, value: Any, minimum: int) -> int:
    """Return `value` as an int, or raise `ValidationError` unless it is an int >= `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationError(field, value, f"an integer >= {minimum}")
    return int(value)


def check_float(field: str, value: Any, minimum: float, *, strict: bool = False) -> float:
    """Return `value` as a float, or raise unless it is finite and >= (or > if strict) minimum."""
    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    if ok:
        ok = math.isfinite(value) and (value > minimum if strict else value >= minimum)
    if not ok:
        raise ValidationError(field, value, f"a finite number {'>' if strict else '>='} {minimum}")
    return float(value)


def as_csr(field: str, matrix: Any) -> sp.csr_matrix:
    """`matrix` as float32 CSR, or `ValidationError` unless it is finite and non-negative."""
    if not sp.issparse(matrix) or matrix.ndim != 2:
        raise ValidationError(field, type(matrix).__name__, "a 2-D scipy.sparse matrix")
    # float32 CSR is taken as it is: a new matrix would share its arrays anyway, and building
    # one costs ~10 us, several times per recommendation
    is_csr = type(matrix) is sp.csr_matrix and matrix.dtype == np.float32
    csr = matrix if is_csr else sp.csr_matrix(matrix, dtype=np.float32)
    if csr.nnz and (not np.isfinite(csr.data).all() or csr.data.min() < 0):
        raise ValidationError(field, "negative or non-finite entries", "finite values >= 0")
    return csr


def fit_width(matrix: sp.csr_matrix, n_items: int) -> sp.csr_matrix:
    """`matrix` with exactly `n_items` columns: unknown columns dropped, missing ones empty."""
    if matrix.shape[1] == n_items:
        return matrix
    if matrix.shape[1] > n_items:
        return matrix[:, :n_items].tocsr()
    return sp.csr_matrix(
        (matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], n_items)
    )


class Model(ABC):
    """Abstract base: validate in `fit`/`score`, delegate the algorithm to private hooks.

    Subclasses set `name`, take their parameters as keyword-only ``__init__`` arguments stored
    under the same attribute names, and implement `_fit`, `_score`, `_to_arrays`, `_from_arrays`
    and optionally `_affinity` (for `explain`).
    """

    name: ClassVar[str] = "model"

    def __init__(self) -> None:
        self._n_items: int | None = None

    @property
    def params(self) -> dict[str, Any]:
        """The model's parameters as a JSON-able dict (enough to rebuild it unfitted)."""
        return {p: getattr(self, p) for p in param_names(type(self))}

    @property
    def is_fitted(self) -> bool:
        """Whether `fit` (or `from_arrays`) has run."""
        return self._n_items is not None

    @property
    def n_items(self) -> int:
        """The number of items known at fit time."""
        return self._require_fitted()

    def fit(self, interactions: sp.spmatrix) -> Self:
        """Fit on a users x items matrix of non-negative confidences; returns self."""
        matrix = as_csr("interactions", interactions)
        if matrix.shape[0] < 1 or matrix.shape[1] < 1:
            raise ValidationError("interactions", matrix.shape, "at least one user and one item")
        self._fit(matrix)
        self._n_items = int(matrix.shape[1])
        return self

    def score(self, histories: sp.spmatrix) -> NDArray[np.float32]:
        """Score every item for each history row: a dense float32 (rows x items) array.

        The width is ``max(histories.shape[1], n_items)``; items unknown to the model score 0.
        """
        n_fit = self._require_fitted()
        matrix = as_csr("histories", histories)
        scores = np.asarray(self._score(fit_width(matrix, n_fit)), dtype=np.float32)
        extra = matrix.shape[1] - n_fit
        if extra > 0:
            scores = np.hstack([scores, np.zeros((scores.shape[0], extra), np.float32)])
        return scores

    def explain(self, history: sp.spmatrix, item_ids: NDArray[np.int64]) -> NDArray[np.int64]:
        """For each item in `item_ids`, the history item that contributed most to its score.

        Returns item indices (columns of `history`), -1 where nothing in the history supports the
        item (empty history, unknown item, or a model without item-to-item structure).
        """
        n_fit = self._require_fitted()
        row = as_csr("history", history)
        if row.shape[0] != 1:
            raise ValidationError("history", row.shape, "a single row (1 x n_items)")
        items = np.asarray(item_ids, dtype=np.int64).ravel()
        out = np.full(items.shape, -1, dtype=np.int64)
        known = (items >= 0) & (items < n_fit)
        src = row.indices.astype(np.int64)
        mask = src < n_fit
        src, weight = src[mask], row.data[mask].astype(np.float64)
        if src.size == 0 or not known.any():
            return out
        contrib = weight[:, None] * self._affinity(src, items[known])
        best = contrib.argmax(axis=0)
        strength = contrib[best, np.arange(best.size)]
        out[known] = np.where(strength > 0, src[best], -1)
        return out

    def to_arrays(self) -> Arrays:
        """The fitted state as named numeric arrays (``np.savez``-able without pickle)."""
        arrays = self._to_arrays()
        arrays["n_items"] = np.asarray(self._require_fitted(), dtype=np.int64)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]], params: Mapping[str, Any]) -> Self:
        """Rebuild a fitted model from `to_arrays` output and its `params`."""
        model = cls(**dict(params))
        if "n_items" not in arrays:
            raise ValidationError("arrays", sorted(arrays), "the output of to_arrays()")
        model._from_arrays(arrays)
        model._n_items = int(arrays["n_items"])
        return model

    def _require_fitted(self) -> int:
        """The fitted item count, or `NotFittedError` naming the model."""
        if self._n_items is None:
            raise NotFittedError(f"{type(self).__name__} model {self.name!r}", "fit()")
        return self._n_items

    def _affinity(self, src: NDArray[np.int64], dst: NDArray[np.int64]) -> NDArray[np.float64]:
        """How strongly each history item `src` supports each item `dst` (len(src) x len(dst))."""
        return np.zeros((src.size, dst.size), dtype=np.float64)

    @abstractmethod
    def _fit(self, interactions: sp.csr_matrix) -> None:
        """Learn from a validated float32 CSR matrix."""

    @abstractmethod
    def _score(self, histories: sp.csr_matrix) -> NDArray[np.floating[Any]]:
        """Score a validated CSR (rows x fitted items) matrix; return rows x fitted items."""

    @abstractmethod
    def _to_arrays(self) -> Arrays:
        """The fitted state as named arrays."""

    @abstractmethod
    def _from_arrays(self, arrays: Mapping[str, NDArray[Any]]) -> None:
        """Restore the fitted state written by `_to_arrays`."""


def check_seed(field: str, value: Any) -> int | None:
    """Return `value` if it is None or an int >= 0 (a random seed), else raise."""
    return None if value is None else check_int(field, value, 0)
