"""A model that learns must beat popularity: per-user temporal hold-out through the public API.

Each user's latest 20% of events are held out; the models train on the rest of everyone's
events; every held-out user's top 10 (seen items excluded) is scored by NDCG@10 against the
held-out items they had not seen before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

import semrec
from semrec.evaluation import ndcg_at_k

MODELS = ("popularity", "ease", "als")
#: Each model alone: no live or language sources, popularity only as a tie-break.
ALONE = {
    "tune": False,
    "weights": {"cf": 1.0, "popular": 0.0, "covisitation": 0.0, "sequence": 0.0, "trending": 0.0},
}


def _split(events: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    by_user: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event.get("item_id"):
            by_user[str(event["user_id"])].append(event)
    train: list[dict[str, Any]] = []
    held: dict[str, set[str]] = {}
    for user, rows in by_user.items():
        rows.sort(key=lambda e: float(e["timestamp"]))
        cut = len(rows) - max(1, len(rows) // 5) if len(rows) >= 5 else len(rows)
        train += rows[:cut]
        seen = {str(e["item_id"]) for e in rows[:cut]}
        fresh = {str(e["item_id"]) for e in rows[cut:]} - seen
        if fresh:
            held[user] = fresh
    return train, held


def _ndcg_by_model(home: Path, held: dict[str, set[str]]) -> dict[str, float]:
    out: dict[str, float] = {}
    configs: dict[str, dict[str, Any]] = {
        name: {"train": {"serve_model": name}, "rank": ALONE} for name in MODELS
    }
    configs["fused"] = {}
    for name, settings in configs.items():
        with semrec.Recommender.open(home, settings) as rec:
            total = 0.0
            for user, relevant in held.items():
                ids = [r.item_id for r in rec.recommend(user, k=10)]
                index = {item: i for i, item in enumerate(ids)}
                wanted = {index.get(item, -1 - n) for n, item in enumerate(relevant)}
                total += ndcg_at_k(list(range(len(ids))), wanted, 10)
            out[name] = total / len(held)
    return out


def _train(home: Path, items: list[dict[str, Any]], train: list[dict[str, Any]]) -> None:
    settings = {"train": {"models": list(MODELS)}}
    with semrec.Recommender.open(home, settings) as rec:
        rec.upsert_items(items)
        rec.ingest(train)
        rec.train()


@pytest.mark.slow
def test_als_and_ease_beat_popularity_on_the_sample_shop(tmp_path: Path) -> None:
    from semrec.sample import generate

    data = generate(seed=7)
    train, held = _split(data.events)
    _train(tmp_path, data.items, train)
    scores = _ndcg_by_model(tmp_path, held)
    print("sample shop NDCG@10:", scores)
    assert scores["ease"] > 1.2 * scores["popularity"]
    assert scores["als"] > 1.2 * scores["popularity"]
    assert scores["fused"] > 1.2 * scores["popularity"]


@pytest.mark.slow
def test_als_and_ease_beat_popularity_on_movielens_100k(
    tmp_path: Path, shared_data: Callable[[str], Path]
) -> None:
    folder = shared_data("ml-100k")
    events = []
    for line in (folder / "u.data").read_text().splitlines():
        user, item, rating, stamp = line.split("\t")
        events.append(
            {
                "user_id": user,
                "item_id": item,
                "type": "rate",
                "value": float(rating),
                "timestamp": int(stamp),
            }
        )
    train, held = _split(events)
    items = [{"item_id": str(i)} for i in range(1, 1683)]
    _train(tmp_path, items, train)
    scores = _ndcg_by_model(tmp_path, held)
    print("ml-100k NDCG@10:", scores)
    assert scores["ease"] > 1.2 * scores["popularity"]
    assert scores["als"] > 1.2 * scores["popularity"]
    assert scores["fused"] > 1.2 * scores["popularity"]
