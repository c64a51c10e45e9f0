"""The data set readers on the real public data in ../shared/data (skipped when absent)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from semrec.data import Limits, validate_event, validate_item
from semrec.importers import read_dataset, validated

LIMITS = Limits()


def test_ml_100k_counts_and_latin1_titles(shared_data: Callable[..., Path]) -> None:
    dataset = read_dataset("ml-100k", shared_data("ml-100k", "u.data"))
    (ratings,) = dataset.events
    now = time.time()
    events = list(validated(ratings.rows(), lambda r: validate_event(r, LIMITS, now), "u.data"))
    assert len(events) == 100000 and {e.type for e in events} == {"rate"}
    assert len({e.user_id for e in events}) == 943
    assert len({e.item_id for e in events}) == 1682
    (movies,) = dataset.items
    rows = dict(movies.rows())
    items = [validate_item(row, LIMITS) for row in rows.values()]
    assert len(items) == 1682
    assert "Misérables" in rows[543]["title"]


def test_amazon_2014_musical_instruments_counts(shared_data: Callable[..., Path]) -> None:
    path = shared_data("amazon-musical-instruments-5core-2014", "Musical_Instruments.json")
    dataset = read_dataset("amazon-2014", path / "Musical_Instruments.json")
    same = read_dataset("amazon-2014", path)  # the folder names the same file
    assert [s.path for s in same.events] == [s.path for s in dataset.events]
    assert dataset.items == []
    (reviews,) = dataset.events
    events = [validate_event(row, LIMITS) for _, row in reviews.rows()]
    assert len(events) == 10261 and {e.type for e in events} == {"review"}
    assert len({e.user_id for e in events}) == 1429
    assert len({e.item_id for e in events}) == 900
    histogram = Counter(e.value for e in events)
    assert histogram == {5.0: 6938, 4.0: 2084, 3.0: 772, 2.0: 250, 1.0: 217}
    assert sum(1 for e in events if e.text) == 10261
