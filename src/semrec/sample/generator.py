"""Deterministic generation of a realistic small shop: catalog, users and their events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from semrec.data.records import EVENT_TYPES
from semrec.sample.catalog import make_catalog
from semrec.sample.sessions import Row, simulate
from semrec.sample.users import make_tastes

__all__ = ["SampleData", "generate"]


@dataclass(frozen=True, slots=True)
class SampleData:
    """A generated shop: documented item and event dicts plus each user's latent taste."""

    items: list[dict[str, Any]]
    events: list[dict[str, Any]]
    tastes: list[dict[str, Any]]


def _event(number: int, row: Row, item_ids: list[str], user_ids: list[str]) -> dict[str, Any]:
    timestamp, user, _, kind, item, value, text, session = row
    assert kind in EVENT_TYPES
    return {
        "event_id": f"e{number:07d}",
        "user_id": user_ids[user],
        "item_id": item_ids[item] if item >= 0 else "",
        "type": kind,
        "timestamp": timestamp,
        "value": value,
        "text": text,
        "session_id": session,
    }


def generate(seed: int = 42, n_items: int = 2000, n_users: int = 1000) -> SampleData:
    """Generate the sample shop; the same arguments always give identical data.

    Items follow the documented item format, events the documented event format (ordered by
    timestamp), and ``tastes`` holds the latent preferences behaviour was sampled from.
    """
    if n_items < 1 or n_users < 1:
        raise ValueError(f"need at least one item and one user, got {n_items=} {n_users=}")
    item_rng, user_rng, event_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)
    )
    catalog = make_catalog(item_rng, n_items)
    tastes = make_tastes(user_rng, catalog, n_users)
    rows = simulate(event_rng, catalog, tastes)
    item_ids = [str(item["item_id"]) for item in catalog.items]
    user_ids = [taste.user_id for taste in tastes]
    events = [_event(n + 1, row, item_ids, user_ids) for n, row in enumerate(rows)]
    return SampleData(
        items=catalog.items, events=events, tastes=[taste.to_dict() for taste in tastes]
    )
