"""Shared fixtures: where the public data sets are, and a fresh semrec home."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import semrec

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_dataset(name: str) -> Path:
    """The folder of a public data set under ../shared/data, or skip the test when absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"public data set {name} is not on this machine ({path})")
    return path


@pytest.fixture
def shared_data() -> Callable[[str], Path]:
    """`shared_data(name)`: a public data set's folder, skipping the test when it is absent."""
    return shared_dataset


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty semrec home directory."""
    return tmp_path / "home"


@pytest.fixture
def rec(home: Path) -> Iterator[semrec.Recommender]:
    """A Recommender on a real SQLite file in a fresh home."""
    with semrec.Recommender.open(home) as opened:
        yield opened
