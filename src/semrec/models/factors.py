"""Shared machinery of matrix-factorisation models: fold-in against frozen item factors."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg.lapack import dposv

from semrec.models.base import Arrays, Model, as_csr, fit_width

__all__ = ["FactorModel", "fold_in", "gram_matrix"]

_CHUNK = 512


def _normal_equations(
    items: NDArray[np.int32],
    conf: NDArray[np.float64],
    y: NDArray[np.floating[Any]],
    base: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One row's ``(YᵀY + λI + Yᵀ(C - I)Y, YᵀCp)`` from its items, confidences and `base`."""
    yu = np.asarray(y[items], dtype=np.float64)
    return base + yu.T @ ((conf[:, None] - 1.0) * yu), conf @ yu


def _solve_chunk(
    conf: sp.csr_matrix, factors: NDArray[np.floating[Any]], base: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Per-row weighted least squares for one chunk of confidence rows (one batched solve)."""
    n, f = conf.shape[0], factors.shape[1]
    lhs, rhs = np.empty((n, f, f)), np.empty((n, f))
    for u in range(n):
        lo, hi = conf.indptr[u], conf.indptr[u + 1]
        lhs[u], rhs[u] = _normal_equations(conf.indices[lo:hi], conf.data[lo:hi], factors, base)
    return np.asarray(np.linalg.solve(lhs, rhs[..., None])[..., 0], dtype=np.float64)


def _solve_one(
    items: NDArray[np.int32],
    conf: NDArray[np.float64],
    y: NDArray[np.floating[Any]],
    base: NDArray[np.float64],
) -> NDArray[np.float64]:
    """`_solve_chunk` for a single row (the serving case), by Cholesky straight from LAPACK:
    the system is symmetric positive definite whenever λ > 0, and `dposv` costs less than half
    of np.linalg.solve's overhead on a 64 x 64 system."""
    lhs, rhs = _normal_equations(items, conf, y, base)
    _, x, info = dposv(lhs, rhs)
    if info != 0:
        return np.asarray(np.linalg.solve(lhs, rhs), dtype=np.float64)
    return np.asarray(x, dtype=np.float64)


def fold_in(
    confidence: sp.csr_matrix,
    item_factors: NDArray[np.floating[Any]],
    regularization: float,
    gram: NDArray[np.float64] | None = None,
    scale: float = 1.0,
) -> NDArray[np.float64]:
    """User factors for each confidence row (times `scale`): the implicit ALS user step.

    For a row with confidences ``c`` on its items (preference 1 there, 0 elsewhere with
    confidence 1) and item factors ``Y``, returns
    ``x = (YᵀY + λI + Yᵀ(C - I)Y)⁻¹ Yᵀ C p``, the least-squares user vector of Hu, Koren &
    Volinsky (2008) with the item factors frozen. With every confidence equal to 1 this is plain
    ridge regression of the binary history on ``Y`` (solved in one batch). `gram` is ``YᵀY``
    when the caller has it cached (it is the costly part of a one-user fold-in).
    """
    y = np.asarray(item_factors)
    f = y.shape[1]
    base = (gram_matrix(y) if gram is None else gram) + regularization * np.eye(f)
    if isinstance(confidence, sp.csr_matrix) and confidence.shape[0] == 1:
        data = confidence.data.astype(np.float64) * scale
        return _solve_one(confidence.indices, data, y, base)[None, :]
    conf = sp.csr_matrix(confidence, dtype=np.float64) * scale
    if conf.nnz == 0 or np.all(conf.data == 1.0):
        rhs = np.asarray(conf.astype(y.dtype) @ y, dtype=np.float64)  # no float64 copy of y
        return np.asarray(np.linalg.solve(base, rhs.T).T, dtype=np.float64)
    parts = [
        _solve_chunk(conf[start : start + _CHUNK], y, base)
        for start in range(0, conf.shape[0], _CHUNK)
    ]
    return np.vstack(parts)


def gram_matrix(y: NDArray[np.floating[Any]], rows: int = 65_536) -> NDArray[np.float64]:
    """``YᵀY`` in float64, widening `rows` rows of `y` at a time (no float64 copy of `y`)."""
    f = y.shape[1]
    gram = np.zeros((f, f), dtype=np.float64)
    for start in range(0, y.shape[0], rows):
        part = np.asarray(y[start : start + rows], dtype=np.float64)
        gram += part.T @ part
    return gram


class FactorModel(Model):
    """A model whose scores are ``user_factors @ item_factors.T`` with users folded in."""

    def __init__(self) -> None:
        super().__init__()
        self._item_factors: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._cache: tuple[object, NDArray[np.float64]] | None = None

    def _latent64(self) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
        """The latent item factors and their float64 Gram matrix (computed once per fit)."""
        y = self._latent_factors()
        if self._cache is None or self._cache[0] is not self._item_factors:
            self._cache = (self._item_factors, gram_matrix(y))
        return y, self._cache[1]

    @property
    def item_factors(self) -> NDArray[np.float32]:
        """The fitted item factors (items x factors; BPR adds a trailing bias column)."""
        self._require_fitted()
        return self._item_factors

    def user_factors(self, histories: sp.spmatrix) -> NDArray[np.float32]:
        """Fold history rows into user factors against the frozen item factors."""
        n_fit = self._require_fitted()
        rows = fit_width(as_csr("histories", histories), n_fit)
        return self._user_factors(rows).astype(np.float32)

    def _latent_factors(self) -> NDArray[np.float32]:
        """The item factor columns that carry item-to-item similarity (all, unless a bias)."""
        return self._item_factors

    @abstractmethod
    def _user_factors(self, histories: sp.csr_matrix) -> NDArray[np.float64]:
        """Factors of each history row; the columns match `_item_factors`."""

    def _score(self, histories: sp.csr_matrix) -> NDArray[np.float32]:
        # float32 against the stored factors: no per-request copy of the whole item matrix.
        users = np.asarray(self._user_factors(histories), dtype=np.float32)
        return np.asarray(users @ self._item_factors.T, dtype=np.float32)

    def _affinity(self, src: NDArray[np.int64], dst: NDArray[np.int64]) -> NDArray[np.float64]:
        y = self._latent_factors()
        return _unit_rows(y[src]) @ _unit_rows(y[dst]).T

    def _to_arrays(self) -> Arrays:
        return {"item_factors": self._item_factors}

    def _from_arrays(self, arrays: Mapping[str, NDArray[Any]]) -> None:
        self._item_factors = np.asarray(arrays["item_factors"], dtype=np.float32)


def _unit_rows(rows: NDArray[np.floating]) -> NDArray[np.float64]:
    """The rows as float64, each scaled to unit length (all-zero rows stay zero)."""
    out = np.asarray(rows, dtype=np.float64)
    norms = np.linalg.norm(out, axis=1)
    norms[norms == 0] = 1.0
    return np.asarray(out / norms[:, None], dtype=np.float64)
