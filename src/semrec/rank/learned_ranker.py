"""A learned ranker over per-candidate features: LightGBM LambdaRank (pure, arrays in and out).

Each candidate of a request is described by a fixed row of features: for every known source
its normalised score, ``log1p`` of its 0-based rank and whether the request has the source at
all (an absent source reads score 0 and rank `ABSENT_RANK`), then the candidate's normalised
popularity and ``log1p`` of the user's history length. The ranker is trained on replayed
requests (`semrec.rank.tuning.TuningRequest`), one query group per request, the chosen item
labelled 1.

Candidates come from each source's top `SOURCE_DEPTH`. A replayed request also holds its target
when no source ranks it that high; only the target can look like that, so the ranker never
sees such candidates: those requests are left out of training, and in validation the target
ranks after every other candidate, as serving ranks items outside every source's top after the
ranked ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError

if TYPE_CHECKING:
    import lightgbm

    from semrec.rank.tuning import TuningRequest

__all__ = [
    "ABSENT_RANK",
    "FEATURES",
    "RANKER_SOURCES",
    "SOURCE_DEPTH",
    "LearnedRanker",
    "candidate_features",
    "in_pool",
    "ranker_candidates",
    "train_ranker",
    "trainable",
]

#: Source names in feature order. Saved models depend on it: append new sources, never reorder.
RANKER_SOURCES = ("cf", "covisitation", "sequence", "trending", "popular", "semantic", "query")
#: Each source contributes its top this many items to the candidates the ranker orders.
SOURCE_DEPTH = 50
#: The rank an absent source gives every candidate.
ABSENT_RANK = 1_000_000
#: Feature names, one per column of `candidate_features`.
FEATURES = (
    *(f"{name}_{kind}" for name in RANKER_SOURCES for kind in ("score", "log_rank", "present")),
    "popularity",
    "log_history",
)
#: Boosting rounds: a small model, quick to train at every `train()`.
N_TREES = 100
_PARAMS: dict[str, object] = {
    "objective": "lambdarank",
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "learning_rate": 0.05,
    "lambdarank_truncation_level": 20,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}

FloatArray = npt.NDArray[np.float32]


def candidate_features(
    scores: Mapping[str, FloatArray],
    ranks: Mapping[str, npt.NDArray[np.int64]],
    n_history: int,
    popularity: FloatArray,
) -> FloatArray:
    """The feature rows (float32[m, len(FEATURES)]) of a request's m candidates.

    >>> f = candidate_features({"cf": np.array([1.0, 0.5], np.float32)},
    ...                        {"cf": np.array([0, 3])}, 0, np.zeros(2, np.float32))
    >>> f.shape, f[:, :3].astype(float).round(3).tolist(), f[0, 3:6].astype(float).round(2).tolist()
    ((2, 23), [[1.0, 0.0, 1.0], [0.5, 1.386, 1.0]], [0.0, 13.82, 0.0])
    """
    m = popularity.shape[0]
    out = np.zeros((m, len(FEATURES)), dtype=np.float32)
    for column, name in enumerate(RANKER_SOURCES):
        if name in scores:
            out[:, 3 * column] = scores[name]
            out[:, 3 * column + 1] = np.log1p(ranks[name].astype(np.float64))
            out[:, 3 * column + 2] = 1.0
        else:
            out[:, 3 * column + 1] = np.log1p(float(ABSENT_RANK))
    out[:, -2] = popularity
    out[:, -1] = np.log1p(float(max(n_history, 0)))
    return out


def in_pool(ranks: Mapping[str, npt.NDArray[np.int64]], m: int) -> npt.NDArray[np.bool_]:
    """Which of m candidates some source ranks in its top `SOURCE_DEPTH`."""
    pool = np.zeros(m, dtype=bool)
    for values in ranks.values():
        pool |= values < SOURCE_DEPTH
    return pool


def _request_features(request: TuningRequest) -> FloatArray:
    return candidate_features(request.scores, request.ranks, request.n_history, request.popularity)


def trainable(request: TuningRequest) -> bool:
    """The target is among the candidates and in some source's top (see the module doc)."""
    if request.target < 0:
        return False
    return bool(in_pool(request.ranks, request.popularity.shape[0])[request.target])


def train_ranker(requests: Sequence[TuningRequest], seed: int = 0) -> str:
    """A LambdaRank model trained on the requests (one group each), as LightGBM model text.

    Requests whose target is not a rankable candidate are skipped; `ValidationError` when none
    is left.
    """
    import lightgbm

    usable = [r for r in requests if trainable(r)]
    if not usable:
        raise ValidationError(
            "requests", len(requests), "at least one whose target is in some source's top"
        )
    rows = np.concatenate([_request_features(r) for r in usable])
    labels = np.concatenate([np.arange(r.popularity.shape[0]) == r.target for r in usable])
    groups = [r.popularity.shape[0] for r in usable]
    params = {**_PARAMS, "seed": seed}
    data = lightgbm.Dataset(
        rows, label=labels.astype(np.float32), group=groups, params=params,
        feature_name=list(FEATURES), free_raw_data=True,
    )  # fmt: skip
    booster = lightgbm.train(params, data, num_boost_round=N_TREES)
    return str(booster.model_to_string())


class LearnedRanker:
    """A trained ranker: scores feature rows (higher is better)."""

    def __init__(self, booster: lightgbm.Booster) -> None:
        self._booster = booster

    @classmethod
    def from_text(cls, text: str) -> LearnedRanker:
        """The ranker saved as LightGBM model text by `train_ranker`."""
        import lightgbm

        if not text:
            raise ValidationError("ranker", text, "LightGBM model text from train_ranker")
        return cls(lightgbm.Booster(model_str=text))

    def predict(self, features: FloatArray) -> FloatArray:
        """One score per row of `features` (float32[m, len(FEATURES)])."""
        if features.shape[0] == 0:
            return np.zeros(0, dtype=np.float32)
        raw = self._booster.predict(features, num_threads=1)
        return np.asarray(raw, dtype=np.float32).reshape(-1)


def ranker_candidates(request: TuningRequest, ranker: LearnedRanker) -> FloatArray:
    """The ranker's scores of a request's candidates; -inf (last) where no source ranks one high."""
    scores = ranker.predict(_request_features(request))
    scores[~in_pool(request.ranks, scores.shape[0])] = -np.inf
    return scores
