"""Evaluation data from a semrec home, a named public data set, or item/event files.

Everything goes through the same importers and validation as production data, into an
in-memory store, so an evaluation sees exactly what a deployment would.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from semrec.data.records import Item
from semrec.evaluation.systems.base import EvalData
from semrec.service import Recommender

__all__ = ["data_from_home", "load_dataset", "load_files"]


def _features(
    items: list[Item], index: dict[str, int], n_items: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary item features (category prefixes, brand, tags) and one category id per item."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    categories = np.full(n_items, -1, dtype=np.int64)
    category_ids: dict[tuple[str, ...], int] = {}
    for item in items:
        row = index.get(item.item_id, -1)
        if row < 0:
            continue
        names = [f"cat:{' > '.join(item.category[: n + 1])}" for n in range(len(item.category))]
        names += [f"brand:{item.brand.lower()}"] if item.brand else []
        names += [f"tag:{t.lower()}" for t in item.tags]
        for name in dict.fromkeys(names):
            rows.append(row)
            cols.append(vocab.setdefault(name, len(vocab)))
        if item.category:
            categories[row] = category_ids.setdefault(item.category, len(category_ids))
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_items, len(vocab))
    )
    return matrix, categories


def data_from_home(rec: Recommender, name: str) -> EvalData:
    """The events and item side data of an open semrec home as `EvalData`.

    Events without an item (searches) are dropped: no ranking metric can use them.
    """
    events = rec.store.all_events()
    keep = events.item_idx >= 0
    item_ids = rec.store.item_ids()
    user_ids = rec.store.user_ids()
    items = list(rec.store.iter_items())
    index = {item_id: n for n, item_id in enumerate(item_ids)}
    features, categories = _features(items, index, len(item_ids)) if items else (None, None)
    titles = [""] * len(item_ids)
    for item in items:
        titles[index[item.item_id]] = item.title
    order = np.argsort(events.timestamps[keep], kind="stable")
    return EvalData(
        name=name,
        user_idx=events.user_idx[keep][order],
        item_idx=events.item_idx[keep][order],
        type_codes=events.type_codes[keep][order],
        values=events.values[keep][order],
        timestamps=events.timestamps[keep][order],
        n_users=len(user_ids),
        n_items=len(item_ids),
        user_ids=tuple(user_ids),
        item_ids=tuple(item_ids),
        item_features=features if features is not None and features.shape[1] else None,
        item_categories=categories,
        item_titles=tuple(titles),
        items=tuple(items),
    )


def load_dataset(name: str, path: Path, meta: Path | None = None) -> EvalData:
    """A named public data set (see `semrec import dataset`) as `EvalData`."""
    with Recommender.open(None) as rec:
        rec.import_dataset(name, path, meta=meta, progress=True)
        return data_from_home(rec, name)


def load_files(events: Path, items: Path | None = None, name: str | None = None) -> EvalData:
    """Events (and optionally items) files in any importable format as `EvalData`."""
    with Recommender.open(None) as rec:
        if items is not None:
            rec.import_file(items, "items", progress=True)
        rec.import_file(events, "events", progress=True)
        return data_from_home(rec, name or events.stem)
