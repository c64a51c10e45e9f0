"""Serving the learned ranker: `fuse_ranked` on hand-made sources, then through `Recommender`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import semrec
from semrec.data.settings import load_settings
from semrec.rank.learned_ranker import train_ranker
from semrec.rank.tuning import FusionChoice, TuningRequest
from semrec.service.fusion_tuning import default_fusion, fusion_from_meta, fusion_meta
from semrec.service.ranker_fusion import fuse_ranked, loaded_ranker, ordered, positions, top_mask
from semrec.service.sources import fuse, normalised_ranks

N = 120
WEIGHTS = {"cf": 1.0, "sequence": 0.5}


def _ranks(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty(scores.size, dtype=np.int64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(scores.size)
    return ranks


def _sequence_first_requests(n: int, seed: int = 0) -> list[TuningRequest]:
    """Replayed requests in which the user always chose sequence's first; cf is noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        target = int(rng.integers(20))
        scores = {"cf": rng.random(20), "sequence": rng.random(20) * 0.9}
        scores["sequence"][target] = 1.0
        out.append(
            TuningRequest(
                target,
                {k: v.astype(np.float32) for k, v in scores.items()},
                {k: _ranks(v) for k, v in scores.items()},
                int(rng.integers(1, 20)),
                rng.random(20).astype(np.float32),
            )
        )
    return out


@pytest.fixture(scope="module")
def ranker_text() -> str:
    return train_ranker(_sequence_first_requests(120))


def _shop() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """sequence ranks item 0 first, 1 second, ...; cf the reverse; items 3, 60, 100 are out."""
    sequence = (N - np.arange(N)).astype(np.float32)
    cf = np.arange(N, dtype=np.float32)
    allow = np.ones(N, dtype=bool)
    allow[[3, 60, 100]] = False
    return {"cf": cf, "sequence": sequence}, allow


def test_the_pool_is_ranked_by_the_ranker_and_everything_else_after_it(ranker_text: str) -> None:
    sources, allow = _shop()
    fusion = FusionChoice("ranker", WEIGHTS, 2.0, ranker=ranker_text)
    fused = fuse_ranked(sources, allow, fusion, 5, np.zeros(N, np.float32))
    # sequence's top 50 of the allowed items: 0..50 but 3; cf's: 119..69 but 100
    pool = np.zeros(N, dtype=bool)
    pool[:51] = pool[69:] = True
    pool &= allow
    rest = allow & ~pool  # 51..68 but 60
    assert np.flatnonzero(rest).tolist() == [*range(51, 60), *range(61, 69)]
    assert np.all(fused.scores[~allow] == -np.inf)
    assert np.isfinite(fused.scores[allow]).all()
    assert fused.scores[pool].min() > fused.scores[rest].max()
    assert int(np.argmax(fused.scores)) == 0  # the user always chose sequence's first
    blend = fuse(sources, allow, FusionChoice("blend", WEIGHTS, 2.0), 5, np.zeros(N, np.float32))
    assert fused.parts.keys() == blend.parts.keys() == {"cf", "sequence"}
    for name, part in blend.parts.items():
        assert np.array_equal(fused.parts[name], part)
    # outside the pool the blend's order holds: cf 1 x i/119 + sequence 0.5 x (119 - i)/119
    # rises with i, so 68 leads the rest and 51 trails it
    order = np.flatnonzero(rest)[np.argsort(-fused.scores[rest], kind="stable")]
    assert order.tolist() == [*range(68, 60, -1), *range(59, 50, -1)]


def test_without_a_model_the_blend_is_served() -> None:
    sources, allow = _shop()
    popularity = np.linspace(0, 1, N, dtype=np.float32)
    fused = fuse_ranked(sources, allow, FusionChoice("ranker", WEIGHTS, 2.0), 5, popularity)
    blend = fuse(sources, allow, FusionChoice("blend", WEIGHTS, 2.0), 5, popularity)
    assert np.array_equal(fused.scores, blend.scores)


def test_a_model_is_parsed_once(ranker_text: str) -> None:
    assert loaded_ranker(ranker_text) is loaded_ranker(ranker_text)


def test_positions_count_the_items_ahead_and_earlier_ties() -> None:
    masked = np.array([0.5, 1.0, 0.5, -np.inf, 0.5, 2.0], np.float32)
    # descending, ties by index: 5 (2.0), 1 (1.0), 0, 2, 4 (0.5), 3 (-inf)
    assert positions(masked, np.array([0, 1, 2, 3, 4, 5])).tolist() == [2, 1, 3, 5, 4, 0]
    assert np.flatnonzero(top_mask(masked, 3)).tolist() == [0, 1, 5]
    assert np.flatnonzero(top_mask(masked, 4)).tolist() == [0, 1, 2, 5]


# -- the choice in the snapshot's meta -----------------------------------------------------------


def test_the_ranker_round_trips_through_json_meta(ranker_text: str) -> None:
    settings = load_settings(None, {"rank": {"fusion": "ranker"}})
    choice = FusionChoice("ranker", WEIGHTS, 4.0, {"ranker": 0.5}, ranker=ranker_text)
    meta = json.loads(json.dumps(fusion_meta(choice)))
    assert fusion_from_meta(meta, settings) == choice
    # a "ranker" meta without its model blends; without tuning there is no model at all
    assert fusion_from_meta({**meta, "ranker": ""}, settings).mode == "blend"
    assert default_fusion(settings).mode == "blend"
    untuned = load_settings(None, {"rank": {"fusion": "ranker", "tune": False}})
    assert fusion_from_meta(meta, untuned).mode == "blend"


# -- through the Recommender ---------------------------------------------------------------------


def test_a_forced_ranker_is_trained_saved_and_served_again(tmp_path: Path) -> None:
    from semrec.sample import generate

    data = generate(seed=5, n_items=200, n_users=100)
    users = sorted({e["user_id"] for e in data.events})[:4]
    settings: dict[str, Any] = {
        "train": {"models": ["popularity", "ease"]},
        "rank": {"fusion": "ranker"},
    }
    with semrec.Recommender.open(tmp_path, settings) as rec:
        rec.upsert_items(data.items)
        rec.ingest(data.events)
        report = rec.train()
        served = [[r.to_dict() for r in rec.recommend(u, k=5)] for u in users]
    assert report.fusion["mode"] == "ranker" and report.fusion["ranker"]
    assert report.fusion["validation"]["requests"] >= 50
    with semrec.Recommender.open(tmp_path, settings) as rec:
        snapshot = rec.store.latest_snapshot()
        again = [[r.to_dict() for r in rec.recommend(u, k=5)] for u in users]
    assert snapshot is not None
    restored = fusion_from_meta(snapshot.meta["fusion"], rec.settings)
    assert restored.mode == "ranker" and restored.ranker == report.fusion["ranker"]
    assert again == served
    for recs in again:
        assert len(recs) == 5 and all(r["explanation"] and r["reasons"] for r in recs)


# -- the pool and its ranks, against `normalised_ranks` ------------------------------------------

_VALUES = st.lists(
    st.sampled_from([0.0, 0.25, 0.5, 1.0, float("nan"), float("-inf")]), min_size=1, max_size=80
)


@given(_VALUES, st.data())
def test_pool_and_positions_are_what_normalised_ranks_gives(
    values: list[float], data: st.DataObject
) -> None:
    scores = np.array(values, dtype=np.float32)
    allow = np.array(data.draw(st.lists(st.booleans(), min_size=len(values),
                                        max_size=len(values))))  # fmt: skip
    depth = data.draw(st.integers(1, 60))
    _, ranks = normalised_ranks(scores, allow)
    masked = ordered(scores, allow)
    assert np.array_equal(top_mask(masked, depth) & allow, (ranks < depth) & allow)
    items = np.flatnonzero(allow)
    assert positions(masked, items).tolist() == ranks[items].tolist()
