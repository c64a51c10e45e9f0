"""semrec itself as a system under evaluation: the public `Recommender` API, nothing else.

Each `fit` opens a fresh home (a temporary directory) with the given settings, ingests the
train events through `ingest` and calls `train()`; `observe` ingests later events; `recommend` asks
`Recommender.recommend` user by user, exactly as an application would.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from semrec.data.records import EVENT_TYPES, Event
from semrec.evaluation.systems._common import one_thread
from semrec.evaluation.systems.base import EvalData
from semrec.service import Recommender
from semrec.service.catalog_state import EMBEDDINGS_FILE

__all__ = ["ABLATIONS", "SEMREC_CONFIGS", "SemrecSystem"]

#: Named semrec configurations: settings overrides on top of the defaults.
#: "semrec" is the default configuration, untuned, as a user gets it; the others serve one
#: model (popularity is always trained, as the fallback).
SEMREC_CONFIGS: Mapping[str, Mapping[str, Any]] = {
    "semrec": {},
    "semrec-ease": {"train": {"models": ["popularity", "ease"], "serve_model": "ease"}},
    "semrec-als": {"train": {"models": ["popularity", "als"], "serve_model": "als"}},
    "semrec-itemknn": {"train": {"models": ["popularity", "itemknn"], "serve_model": "itemknn"}},
}


def _only(*sources: str) -> dict[str, Any]:
    return {"rank": {"sources": list(sources), "tune": False}}


def _without(*sources: str) -> dict[str, Any]:
    return {"rank": {"sources": [s for s in SOURCES if s not in sources]}}


SOURCES = ("cf", "covisitation", "sequence", "trending", "popular", "semantic", "query")
#: Ablations of the default configuration: each source alone, fusion without a family of
#: sources, and reciprocal-rank fusion or the learned ranker instead of the learned blend.
ABLATIONS: Mapping[str, Mapping[str, Any]] = {
    **{f"semrec-only-{s}": _only(s) for s in SOURCES if s != "query"},
    "semrec-no-language": _without("semantic", "query"),
    "semrec-no-cf": _without("cf"),
    "semrec-no-live": _without("covisitation", "sequence", "trending"),
    "semrec-rrf": {"rank": {"fusion": "rrf"}},
    "semrec-ranker": {"rank": {"fusion": "ranker"}},
}


#: Item embeddings are content-addressed, so every configuration in one process shares them.
_SHARED_CACHE = Path(tempfile.gettempdir()) / f"semrec-eval-embeddings-{os.getpid()}.sqlite"


class SemrecSystem:
    """A semrec `Recommender` with settings overrides, driven through its Python API."""

    def __init__(self, name: str = "semrec", settings: Mapping[str, Any] | None = None) -> None:
        self.name = name
        self.settings = dict(settings or {})
        self._rec: Recommender | None = None
        self._home: Path | None = None
        self._items: dict[str, int] = {}
        self._users: tuple[str, ...] = ()
        self._report: dict[str, Any] = {}

    def _events(self, data: EvalData, positions: NDArray[np.int64]) -> list[Event]:
        users = data.user_ids or tuple(str(u) for u in range(data.n_users))
        items = data.item_ids or tuple(str(i) for i in range(data.n_items))
        out = []
        for pos in positions.tolist():
            value = float(data.values[pos])
            out.append(
                Event(
                    f"e{pos}",
                    users[data.user_idx[pos]],
                    items[data.item_idx[pos]],
                    EVENT_TYPES[data.type_codes[pos]],
                    float(data.timestamps[pos]),
                    None if np.isnan(value) else value,
                )
            )
        return out

    def fit(self, data: EvalData, train: NDArray[np.bool_]) -> None:
        """Ingest the train events into a fresh home and train."""
        self.close()
        self._home = Path(tempfile.mkdtemp(prefix="semrec-eval-"))
        self._rec = Recommender.open(self._home, self.settings)
        if data.items:
            self._rec.upsert_items(data.items)
        self._rec.ingest(self._events(data, np.flatnonzero(train)))
        cache = self._home / EMBEDDINGS_FILE
        if _SHARED_CACHE.exists():
            shutil.copyfile(_SHARED_CACHE, cache)
        self._report = self._rec.train().to_dict()
        if cache.exists():
            shutil.copyfile(cache, _SHARED_CACHE)
        self._items = {item_id: n for n, item_id in enumerate(data.item_ids)} or {
            str(i): i for i in range(data.n_items)
        }
        self._users = data.user_ids or tuple(str(u) for u in range(data.n_users))

    def info(self) -> dict[str, Any]:
        """What the last `fit` learned about fusing its sources."""
        return {"fusion": self._report.get("fusion", {})}

    def observe(self, data: EvalData, events: NDArray[np.int64]) -> None:
        """Ingest events that happened after `fit` (no retraining)."""
        if self._rec is None:
            raise RuntimeError("fit() first")
        self._rec.ingest(self._events(data, events))

    def recommend(
        self, users: NDArray[np.int64], history: sp.csr_matrix, k: int
    ) -> NDArray[np.int64]:
        """`Recommender.recommend(user, k)` per user (seen items excluded by semrec itself)."""
        if self._rec is None:
            raise RuntimeError("fit() first")
        out = np.full((len(users), k), -1, dtype=np.int64)
        with one_thread():
            for row, user in enumerate(users.tolist()):
                recs = self._rec.recommend(self._users[user], k=k)
                ids = [self._items.get(r.item_id, -1) for r in recs]
                out[row, : len(ids)] = ids
        return out

    def close(self) -> None:
        """Close the home and delete its directory."""
        if self._rec is not None:
            self._rec.close()
            self._rec = None
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None
