"""The read path over fitted models: score a live history, filter, fall back, explain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from semrec.data.errors import NotFittedError
from semrec.models import Model, top_k

__all__ = ["Ranked", "ServingModels"]

#: Preference order when `train.serve_model` is "auto": EASE is the strongest published
#: baseline on catalogs small enough for it; ALS scales to any size.
AUTO_ORDER = ("ease", "als", "itemknn", "bpr", "popularity")
#: Preference order for `similar`: on the sample shop the top 10 similar items share the query
#: item's top category 80% of the time with ALS, 65% with item-kNN and 61% with EASE.
SIMILAR_ORDER = ("als", "itemknn", "ease", "bpr", "popularity")


@dataclass(frozen=True, slots=True)
class Ranked:
    """One ranked item by dense index, with the model that put it there."""

    item: int
    score: float
    model: str
    because_of: int = -1
    fallback: str = ""


class ServingModels:
    """The fitted models of one snapshot and the one chosen to answer requests."""

    def __init__(self, models: Mapping[str, Model], version: int, preference: str) -> None:
        if "popularity" not in models:
            raise NotFittedError("the popularity fallback model", "train()")
        self.models = dict(models)
        self.version = version
        order = AUTO_ORDER if preference == "auto" else (preference, *AUTO_ORDER)
        self.serve_name = next(name for name in order if name in self.models)
        self.similar_name = next(name for name in SIMILAR_ORDER if name in self.models)
        self._popularity: npt.NDArray[np.float32] | None = None

    def rank(
        self,
        history: sp.csr_matrix,
        allow: npt.NDArray[np.bool_],
        k: int,
        model_name: str | None = None,
    ) -> list[Ranked]:
        """Top-k allowed items for a history row; fills up with popularity when CF runs dry.

        `model_name` picks the model (default: the serving model).
        """
        ranked: list[Ranked] = []
        allow = allow.copy()
        name = model_name or self.serve_name
        if history.nnz and name != "popularity":
            model = self.models[name]
            scores = model.score(history)[0]
            ids, vals = top_k(scores, k, allow=allow & (scores > 0))
            sources = model.explain(history, ids) if ids.size else ids
            for item, val, src in zip(ids.tolist(), vals.tolist(), sources.tolist(), strict=True):
                ranked.append(Ranked(item, float(val), name, int(src)))
            allow[ids] = False
        if len(ranked) < k:
            why = "no history" if not history.nnz else "not enough personalised candidates"
            ranked.extend(self._popular(history.shape[1], allow, k - len(ranked), why))
        return ranked

    def scores(
        self, history: sp.csr_matrix, model_name: str | None = None
    ) -> npt.NDArray[np.float32]:
        """The serving (or named) model's score for every item given a history row.

        Items the model has never seen (added after training) score 0.
        """
        model = self.models[model_name or self.serve_name]
        return np.asarray(model.score(history)[0], dtype=np.float32)

    def popularity(self, n_items: int) -> npt.NDArray[np.float32]:
        """Popularity scores of all `n_items` items (0 for items unseen at training).

        Computed once per catalog size; callers must not modify the returned array.
        """
        cached = self._popularity
        if cached is None or cached.shape[0] != n_items:
            empty = sp.csr_matrix((1, n_items), dtype=np.float32)
            cached = np.asarray(self.models["popularity"].score(empty)[0], dtype=np.float32)
            cached.setflags(write=False)
            self._popularity = cached
        return cached

    def explain(
        self, history: sp.csr_matrix, items: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """For each item, the history item that contributed most (-1 when none)."""
        if not history.nnz or self.serve_name == "popularity" or items.size == 0:
            return np.full(items.shape, -1, dtype=np.int64)
        return np.asarray(self.models[self.serve_name].explain(history, items), dtype=np.int64)

    def _popular(
        self, n_items: int, allow: npt.NDArray[np.bool_], k: int, why: str
    ) -> list[Ranked]:
        empty = sp.csr_matrix((1, n_items), dtype=np.float32)
        scores = self.models["popularity"].score(empty)[0]
        ids, vals = top_k(scores, k, allow=allow)
        return [
            Ranked(item, float(val), "popularity", -1, why)
            for item, val in zip(ids.tolist(), vals.tolist(), strict=True)
        ]

    def describe(self) -> dict[str, Any]:
        """Which snapshot and models are loaded."""
        return {
            "version": self.version,
            "serving": self.serve_name,
            "similar": self.similar_name,
            "models": list(self.models),
        }
