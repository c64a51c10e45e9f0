"""Training a home in a child process: the report comes back, so does a training error."""

from __future__ import annotations

from pathlib import Path

import pytest

from semrec.api.train_process import train_in_child
from semrec.data import SemrecError
from semrec.data.settings import Settings
from semrec.sample import generate
from semrec.service import Recommender
from semrec.store import open_store

#: Settings no file or environment variable gives: the child must get them from the parent.
SETTINGS = Settings.from_mapping(
    {"text": {"enabled": False}, "train": {"models": ["popularity", "itemknn"]}}
)


def test_the_child_trains_the_home_with_the_parents_settings(tmp_path: Path) -> None:
    data = generate(seed=3, n_items=40, n_users=30)
    with Recommender.open(tmp_path, SETTINGS) as rec:
        rec.upsert_items(data.items)
        rec.ingest(data.events)
    report = train_in_child(tmp_path, SETTINGS)
    assert report["version"] == 1
    assert report["models"] == ["popularity", "itemknn"]
    assert report["n_events"] == len(data.events)
    store = open_store(tmp_path)
    try:
        assert store.served_version() == 1
    finally:
        store.close()


def test_a_training_error_in_the_child_is_raised_with_its_message(tmp_path: Path) -> None:
    with Recommender.open(tmp_path, SETTINGS) as rec:
        rec.upsert_items([{"item_id": "lonely"}])
    with pytest.raises(SemrecError, match="no events to learn from"):
        train_in_child(tmp_path, SETTINGS)
